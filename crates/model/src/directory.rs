//! The directory side of a tenant: licences (SKUs and service plans), users, groups with their
//! direct members, Entra devices and Intune/BMS managed devices.
//!
//! Every collection is a dense `Vec` addressed by a `u32` index newtype; GUID → index maps are
//! kept beside them for joins. Group members are stored as index lists, so transitive
//! expansion (in `analysis`) works over integers and bitsets, never strings.

use crate::guid::{Guid, GuidHashing};
use crate::order::{rank_by_name, NameOrder};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            pub fn ix(self) -> usize { self.0 as usize }
        }
    };
}

index_type!(/// Index into [`Directory::users`].
    UserIx);
index_type!(/// Index into [`Directory::groups`].
    GroupIx);
index_type!(/// Index into [`Directory::entra_devices`].
    EntraDeviceIx);
index_type!(/// Index into [`Directory::managed_devices`].
    ManagedDeviceIx);
index_type!(/// Index into [`Directory::skus`].
    SkuIx);
index_type!(/// Index into [`Directory::service_plans`].
    PlanIx);

/// A service plan (a licensable capability such as `INTUNE_A`), interned once per tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePlan {
    pub id: Guid,
    /// `servicePlanName` where some SKU named it; users' `assignedPlans` carry only the ID.
    pub name: Option<Box<str>>,
}

/// A plan inside a SKU, with its provisioning status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuPlan {
    pub plan: PlanIx,
    pub provisioning_status: Box<str>,
}

/// A subscribed SKU (`GET /subscribedSkus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sku {
    pub sku_id: Guid,
    pub part_number: Box<str>,
    pub capability_status: Box<str>,
    pub enabled_units: i64,
    pub consumed_units: i64,
    pub plans: Vec<SkuPlan>,
    /// False for a SKU that users hold but `subscribedSkus` does not list.
    pub subscribed: bool,
}

/// One licence assigned to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignedLicense {
    pub sku: SkuIx,
    pub disabled_plans: Box<[PlanIx]>,
}

/// One entry of a user's `assignedPlans`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignedPlan {
    pub plan: PlanIx,
    /// `capabilityStatus == "Enabled"`.
    pub enabled: bool,
}

/// An Entra user with its licences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: Guid,
    pub user_principal_name: Box<str>,
    pub display_name: Box<str>,
    pub account_enabled: bool,
    pub usage_location: Option<Box<str>>,
    pub licenses: Box<[AssignedLicense]>,
    pub plans: Box<[AssignedPlan]>,
}

/// An Entra group with its **direct** members, resolved to indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: Guid,
    pub display_name: Box<str>,
    pub security_enabled: bool,
    pub mail_enabled: bool,
    /// `groupTypes` contains `Unified`: a Microsoft 365 group (BMS can't target these).
    pub unified: bool,
    /// Has a `membershipRule`: a dynamic group.
    pub dynamic: bool,
    pub member_users: Vec<UserIx>,
    pub member_groups: Vec<GroupIx>,
    pub member_devices: Vec<EntraDeviceIx>,
    /// Members whose ID matched no user, group or device in the snapshot.
    pub unresolved_members: u32,
    /// Whether a member list was exported for this group at all.
    pub members_known: bool,
}

/// Operating-system family of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DevicePlatform {
    Ios,
    IpadOs,
    Android,
    /// Windows 10/11 and older desktop Windows (8.1, RT); see the OS version for which.
    Windows,
    /// Windows Phone and Windows 10 Mobile: nothing migrates to them.
    WindowsMobile,
    MacOs,
    Linux,
    Other,
}

impl DevicePlatform {
    /// Classifies Graph's free-text `operatingSystem` ("iOS", "iPadOS", "Android",
    /// "AndroidForWork", "Windows", "Windows Phone", "macOS", …).
    pub fn from_operating_system(os: &str) -> DevicePlatform {
        let lower = os.trim().to_ascii_lowercase();
        if lower == "ios" || lower.starts_with("iphone") {
            DevicePlatform::Ios
        } else if lower == "ipados" || lower.starts_with("ipad") {
            DevicePlatform::IpadOs
        } else if lower.starts_with("android") {
            DevicePlatform::Android
        } else if lower.starts_with("windows")
            && (lower.contains("phone") || lower.contains("mobile"))
        {
            DevicePlatform::WindowsMobile
        } else if lower.starts_with("windows") {
            DevicePlatform::Windows
        } else if lower == "macos" || lower == "mac os x" || lower == "macmdm" {
            DevicePlatform::MacOs
        } else if lower.starts_with("linux") || lower.starts_with("ubuntu") {
            DevicePlatform::Linux
        } else {
            DevicePlatform::Other
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DevicePlatform::Ios => "iOS",
            DevicePlatform::IpadOs => "iPadOS",
            DevicePlatform::Android => "Android",
            DevicePlatform::Windows => "Windows",
            DevicePlatform::WindowsMobile => "Windows Mobile",
            DevicePlatform::MacOs => "macOS",
            DevicePlatform::Linux => "Linux",
            DevicePlatform::Other => "Other",
        }
    }
}

/// Graph `managementAgentType` members the tool distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ManagementAgent {
    Eas,
    Mdm,
    EasMdm,
    IntuneClient,
    EasIntuneClient,
    ConfigurationManagerClient,
    ConfigurationManagerClientMdm,
    ConfigurationManagerClientMdmEas,
    Jamf,
    GoogleCloudDevicePolicyController,
    /// Managed by Microsoft 365 Basic Mobility and Security.
    Microsoft365ManagedMdm,
    MsSense,
    Unknown,
}

impl ManagementAgent {
    pub const MEMBERS: &'static [(&'static str, ManagementAgent)] = &[
        ("eas", ManagementAgent::Eas),
        ("mdm", ManagementAgent::Mdm),
        ("easMdm", ManagementAgent::EasMdm),
        ("intuneClient", ManagementAgent::IntuneClient),
        ("easIntuneClient", ManagementAgent::EasIntuneClient),
        (
            "configurationManagerClient",
            ManagementAgent::ConfigurationManagerClient,
        ),
        (
            "configurationManagerClientMdm",
            ManagementAgent::ConfigurationManagerClientMdm,
        ),
        (
            "configurationManagerClientMdmEas",
            ManagementAgent::ConfigurationManagerClientMdmEas,
        ),
        ("jamf", ManagementAgent::Jamf),
        (
            "googleCloudDevicePolicyController",
            ManagementAgent::GoogleCloudDevicePolicyController,
        ),
        (
            "microsoft365ManagedMdm",
            ManagementAgent::Microsoft365ManagedMdm,
        ),
        ("msSense", ManagementAgent::MsSense),
        ("unknown", ManagementAgent::Unknown),
    ];

    /// Parses Graph's member name; anything else is `Unknown`.
    pub fn from_graph(name: &str) -> ManagementAgent {
        Self::MEMBERS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(ManagementAgent::Unknown, |(_, a)| *a)
    }

    pub fn graph_name(self) -> &'static str {
        Self::MEMBERS
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("unknown", |(n, _)| n)
    }
}

/// Which MDM manages an Entra device, from its `mdmAppId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MdmAuthority {
    None,
    Intune,
    /// Office 365 MDM = Basic Mobility and Security.
    Office365,
    ConfigurationManager,
    Other,
}

impl MdmAuthority {
    pub const INTUNE_APP_ID: Guid = Guid(0x0000000a_0000_0000_c000_000000000000);
    pub const OFFICE365_MDM_APP_ID: Guid = Guid(0x7add3ecd_5b01_452e_b4bf_cdaf9df1d097);
    pub const CONFIGMGR_APP_ID: Guid = Guid(0x54b943f8_d761_4f8d_951e_9cea1846db5a);

    pub fn from_mdm_app_id(id: Option<Guid>) -> MdmAuthority {
        match id {
            None => MdmAuthority::None,
            Some(Self::INTUNE_APP_ID) => MdmAuthority::Intune,
            Some(Self::OFFICE365_MDM_APP_ID) => MdmAuthority::Office365,
            Some(Self::CONFIGMGR_APP_ID) => MdmAuthority::ConfigurationManager,
            Some(_) => MdmAuthority::Other,
        }
    }
}

/// An Entra device object (`GET /devices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntraDevice {
    /// Object ID (what group membership refers to).
    pub id: Guid,
    /// `deviceId`: what a managed device's `azureADDeviceId` refers to.
    pub device_id: Option<Guid>,
    pub display_name: Box<str>,
    pub platform: DevicePlatform,
    pub os_version: Box<str>,
    pub trust_type: Option<Box<str>>,
    pub mdm: MdmAuthority,
    pub owners: Vec<UserIx>,
}

/// A device managed by Intune or BMS (`GET /deviceManagement/managedDevices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedDevice {
    pub id: Guid,
    pub device_name: Box<str>,
    /// The primary user, when the device has user affinity and the user is in the snapshot.
    pub user: Option<UserIx>,
    /// `userPrincipalName` as Graph gave it (may name a user missing from the snapshot).
    pub user_principal_name: Option<Box<str>>,
    pub platform: DevicePlatform,
    pub operating_system: Box<str>,
    pub os_version: Box<str>,
    pub management_agent: ManagementAgent,
    pub enrollment_type: Option<Box<str>>,
    pub owner_type: Option<Box<str>>,
    pub azure_ad_device_id: Option<Guid>,
    /// The matching Entra device, joined through `azureADDeviceId`.
    pub entra_device: Option<EntraDeviceIx>,
    pub supervised: bool,
    pub manufacturer: Option<Box<str>>,
    pub model: Option<Box<str>>,
    pub compliance_state: Option<Box<str>>,
    pub last_sync: Option<Box<str>>,
}

impl ManagedDevice {
    /// Managed by Basic Mobility and Security.
    pub fn is_bms_managed(&self) -> bool {
        self.management_agent == ManagementAgent::Microsoft365ManagedMdm
    }
}

/// The organization (`GET /organization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub tenant_id: Option<Guid>,
    pub display_name: Box<str>,
    pub verified_domains: Vec<Box<str>>,
}

/// Everything read from `graph/` about identities, licences and devices.
///
/// The objects sit in dense vectors addressed by `UserIx`, `GroupIx`, …; the vectors are
/// private so that they cannot drift from the GUID indexes and the name rank tables kept beside
/// them: objects come in through the `add_…` methods, are read through the slices (`users()`,
/// …) and are changed in place through the `update_…` methods, which keep both in step.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub organization: Option<Organization>,
    service_plans: Vec<ServicePlan>,
    skus: Vec<Sku>,
    users: Vec<User>,
    groups: Vec<Group>,
    entra_devices: Vec<EntraDevice>,
    managed_devices: Vec<ManagedDevice>,
    plan_index: HashMap<Guid, PlanIx, GuidHashing>,
    sku_index: HashMap<Guid, SkuIx, GuidHashing>,
    user_index: HashMap<Guid, UserIx, GuidHashing>,
    group_index: HashMap<Guid, GroupIx, GuidHashing>,
    entra_device_index: HashMap<Guid, EntraDeviceIx, GuidHashing>,
    entra_device_id_index: HashMap<Guid, EntraDeviceIx, GuidHashing>,
    /// Name ranks, computed on first use (see [`crate::order`]).
    ranks: NameRanks,
}

#[derive(Debug, Clone, Default)]
struct NameRanks {
    users_exact: OnceLock<Box<[u32]>>,
    users_caseless: OnceLock<Box<[u32]>>,
    managed_devices: OnceLock<Box<[u32]>>,
}

impl Directory {
    /// Every service plan named by a SKU or a user's plans, by `PlanIx`.
    pub fn service_plans(&self) -> &[ServicePlan] {
        &self.service_plans
    }

    /// Every SKU (subscribed, and placeholders for SKUs users hold that are not), by `SkuIx`.
    pub fn skus(&self) -> &[Sku] {
        &self.skus
    }

    /// Every user, by `UserIx`.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Every group, by `GroupIx`.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Every Entra device, by `EntraDeviceIx`.
    pub fn entra_devices(&self) -> &[EntraDevice] {
        &self.entra_devices
    }

    /// Every managed device, by `ManagedDeviceIx`.
    pub fn managed_devices(&self) -> &[ManagedDevice] {
        &self.managed_devices
    }

    /// Changes a user in place; the user name ranks are recomputed on next use. The ID is the
    /// key of the index and must not change (checked in debug builds).
    pub fn update_user<R>(&mut self, user: UserIx, change: impl FnOnce(&mut User) -> R) -> R {
        self.ranks.users_exact = OnceLock::new();
        self.ranks.users_caseless = OnceLock::new();
        let u = &mut self.users[user.ix()];
        let id = u.id;
        let out = change(u);
        debug_assert_eq!(u.id, id, "a user's ID is the key of the index");
        out
    }

    /// Changes a group in place (its members, flags). The ID must not change.
    pub fn update_group<R>(&mut self, group: GroupIx, change: impl FnOnce(&mut Group) -> R) -> R {
        let g = &mut self.groups[group.ix()];
        let id = g.id;
        let out = change(g);
        debug_assert_eq!(g.id, id, "a group's ID is the key of the index");
        out
    }

    /// Changes an Entra device in place (its owners, …). Its IDs must not change.
    pub fn update_entra_device<R>(
        &mut self,
        device: EntraDeviceIx,
        change: impl FnOnce(&mut EntraDevice) -> R,
    ) -> R {
        let d = &mut self.entra_devices[device.ix()];
        let ids = (d.id, d.device_id);
        let out = change(d);
        debug_assert_eq!(
            (d.id, d.device_id),
            ids,
            "an Entra device's IDs key the indexes"
        );
        out
    }

    /// Changes a managed device in place; the device name ranks are recomputed on next use.
    pub fn update_managed_device<R>(
        &mut self,
        device: ManagedDeviceIx,
        change: impl FnOnce(&mut ManagedDevice) -> R,
    ) -> R {
        self.ranks.managed_devices = OnceLock::new();
        change(&mut self.managed_devices[device.ix()])
    }

    /// Adds a managed device (managed devices have no GUID index: nothing refers to them by ID).
    pub fn add_managed_device(&mut self, device: ManagedDevice) -> ManagedDeviceIx {
        let ix = ManagedDeviceIx(self.managed_devices.len() as u32);
        self.managed_devices.push(device);
        self.ranks.managed_devices = OnceLock::new();
        ix
    }

    /// `rank[u]`: user `u`'s position when users are sorted by UPN (in `order`), then ID.
    /// Computed once, on first use: ask only when the directory is complete.
    pub fn user_rank(&self, order: NameOrder) -> &[u32] {
        let cell = match order {
            NameOrder::Exact => &self.ranks.users_exact,
            NameOrder::AsciiCaseless => &self.ranks.users_caseless,
        };
        cell.get_or_init(|| {
            let users = &self.users;
            rank_by_name(
                users.len(),
                order,
                |i| &users[i].user_principal_name,
                |i| users[i].id,
            )
        })
    }

    /// `rank[d]`: managed device `d`'s position when devices are sorted by name, then ID
    /// (exact order). Computed once, on first use.
    pub fn managed_device_rank(&self) -> &[u32] {
        self.ranks.managed_devices.get_or_init(|| {
            let devices = &self.managed_devices;
            rank_by_name(
                devices.len(),
                NameOrder::Exact,
                |i| &devices[i].device_name,
                |i| devices[i].id,
            )
        })
    }

    /// Interns a service plan by ID, recording its name when one is given.
    pub fn intern_plan(&mut self, id: Guid, name: Option<&str>) -> PlanIx {
        if let Some(&ix) = self.plan_index.get(&id) {
            if let (Some(name), None) = (name, &self.service_plans[ix.ix()].name) {
                self.service_plans[ix.ix()].name = Some(name.into());
            }
            return ix;
        }
        let ix = PlanIx(self.service_plans.len() as u32);
        self.service_plans.push(ServicePlan {
            id,
            name: name.map(Into::into),
        });
        self.plan_index.insert(id, ix);
        ix
    }

    /// Adds a SKU, or returns the existing one with that `skuId`.
    pub fn add_sku(&mut self, sku: Sku) -> SkuIx {
        if let Some(&ix) = self.sku_index.get(&sku.sku_id) {
            return ix;
        }
        let ix = SkuIx(self.skus.len() as u32);
        self.sku_index.insert(sku.sku_id, ix);
        self.skus.push(sku);
        ix
    }

    /// The SKU with this ID, adding an unsubscribed placeholder when `subscribedSkus` lacks it.
    pub fn sku_or_placeholder(&mut self, sku_id: Guid) -> SkuIx {
        if let Some(&ix) = self.sku_index.get(&sku_id) {
            return ix;
        }
        self.add_sku(Sku {
            sku_id,
            part_number: "".into(),
            capability_status: "".into(),
            enabled_units: 0,
            consumed_units: 0,
            plans: Vec::new(),
            subscribed: false,
        })
    }

    /// Adds a user; a duplicate ID returns `Err` with the first one's index.
    pub fn add_user(&mut self, user: User) -> Result<UserIx, UserIx> {
        let ix = UserIx(self.users.len() as u32);
        match self.user_index.entry(user.id) {
            std::collections::hash_map::Entry::Occupied(e) => Err(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(ix);
                self.users.push(user);
                self.ranks.users_exact = OnceLock::new();
                self.ranks.users_caseless = OnceLock::new();
                Ok(ix)
            }
        }
    }

    /// Adds a group; a duplicate ID returns `Err` with the first one's index.
    pub fn add_group(&mut self, group: Group) -> Result<GroupIx, GroupIx> {
        let ix = GroupIx(self.groups.len() as u32);
        match self.group_index.entry(group.id) {
            std::collections::hash_map::Entry::Occupied(e) => Err(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(ix);
                self.groups.push(group);
                Ok(ix)
            }
        }
    }

    /// Adds an Entra device; a duplicate ID returns `Err` with the first one's index.
    pub fn add_entra_device(
        &mut self,
        device: EntraDevice,
    ) -> Result<EntraDeviceIx, EntraDeviceIx> {
        let ix = EntraDeviceIx(self.entra_devices.len() as u32);
        match self.entra_device_index.entry(device.id) {
            std::collections::hash_map::Entry::Occupied(e) => Err(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(ix);
                if let Some(device_id) = device.device_id {
                    self.entra_device_id_index.entry(device_id).or_insert(ix);
                }
                self.entra_devices.push(device);
                Ok(ix)
            }
        }
    }

    pub fn plan(&self, id: Guid) -> Option<PlanIx> {
        self.plan_index.get(&id).copied()
    }
    pub fn sku(&self, id: Guid) -> Option<SkuIx> {
        self.sku_index.get(&id).copied()
    }
    pub fn user(&self, id: Guid) -> Option<UserIx> {
        self.user_index.get(&id).copied()
    }
    pub fn group(&self, id: Guid) -> Option<GroupIx> {
        self.group_index.get(&id).copied()
    }
    pub fn entra_device(&self, id: Guid) -> Option<EntraDeviceIx> {
        self.entra_device_index.get(&id).copied()
    }

    /// The Entra device whose `deviceId` (not object ID) is `device_id`.
    pub fn entra_device_by_device_id(&self, device_id: Guid) -> Option<EntraDeviceIx> {
        self.entra_device_id_index.get(&device_id).copied()
    }

    /// The name of a service plan, if known.
    pub fn plan_name(&self, plan: PlanIx) -> Option<&str> {
        self.service_plans[plan.ix()].name.as_deref()
    }
}
