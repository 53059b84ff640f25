//! Reads the optional `graph/` folder: organization, licences, users, groups and their direct
//! members, Entra and managed devices, and existing Intune and Conditional Access policies.
//!
//! Large collections are streamed item by item into the model (see [`crate::page`]); nothing
//! holds a second copy of a million users. Each file is optional: what was present is recorded
//! in [`Parts`], so later stages can say what they could not assess.

use crate::error::InputError;
use crate::intune::{conditional_access_policy, intune_policy, settings_catalog_policy};
use crate::page::{for_each_item, refuse_item};
use bms2intune_model::directory::{AssignedLicense, AssignedPlan, Organization, SkuPlan};
use bms2intune_model::{
    DevicePlatform, Directory, EntraDevice, EntraDeviceIx, Group, GroupIx, Guid, IntuneCollection,
    IntuneState, ManagedDevice, ManagedDeviceIx, ManagementAgent, MdmAuthority, Part, Parts, Sku,
    User,
};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// A source of Graph files. Files are listed first and read one at a time, into a buffer the
/// reader reuses: a collection of many pages never sits in memory as a whole.
pub trait GraphFiles {
    /// The files of a collection in reading order (`graph/users.json`, or every file of
    /// `graph/users/` in name order); `None` when the part is absent.
    fn pages(&mut self, part: Part) -> Result<Option<Vec<String>>, InputError>;
    /// The member files of `groupMembers/` in reading order, with their group.
    fn group_member_pages(&mut self) -> Result<Option<Vec<MemberPage>>, InputError>;
    /// Reads a file that `pages` or `group_member_pages` named into `text` (replacing its
    /// content; its allocation may be reused).
    fn read(&mut self, file: &str, text: &mut String) -> Result<(), InputError>;
}

/// One `groupMembers/` file: `(file name, group ID)`.
pub type MemberPage = (String, Guid);

/// A string borrowed from the page text when it holds no escapes, copied otherwise: fields
/// that are only inspected cost no allocation.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        de.deserialize_str(V)
    }
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        &self.0
    }
}

fn lenient_guid<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Guid>, D::Error> {
    let text: Option<Text> = Option::deserialize(de)?;
    match text.as_ref().map(|t| t.as_str().trim()) {
        None | Some("") => Ok(None),
        Some(t) => match Guid::parse(t) {
            Some(g) if g.is_nil() => Ok(None),
            Some(g) => Ok(Some(g)),
            None => Err(serde::de::Error::custom(format!(
                "expected a GUID, got {t:?}"
            ))),
        },
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrganizationDto {
    id: Option<Guid>,
    display_name: Option<String>,
    verified_domains: Option<Vec<DomainDto>>,
}

#[derive(Deserialize)]
struct DomainDto {
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SkuDto {
    sku_id: Guid,
    sku_part_number: Option<String>,
    capability_status: Option<String>,
    consumed_units: Option<i64>,
    prepaid_units: Option<PrepaidDto>,
    service_plans: Option<Vec<ServicePlanDto>>,
}

#[derive(Deserialize)]
struct PrepaidDto {
    enabled: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServicePlanDto {
    service_plan_id: Guid,
    service_plan_name: Option<String>,
    provisioning_status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserDto<'a> {
    id: Guid,
    #[serde(borrow)]
    user_principal_name: Option<Text<'a>>,
    #[serde(borrow)]
    display_name: Option<Text<'a>>,
    account_enabled: Option<bool>,
    #[serde(borrow)]
    usage_location: Option<Text<'a>>,
    assigned_licenses: Option<Vec<LicenseDto>>,
    #[serde(borrow)]
    assigned_plans: Option<Vec<AssignedPlanDto<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LicenseDto {
    sku_id: Guid,
    disabled_plans: Option<Vec<Guid>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignedPlanDto<'a> {
    service_plan_id: Guid,
    #[serde(borrow)]
    capability_status: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupDto<'a> {
    id: Guid,
    #[serde(borrow)]
    display_name: Option<Text<'a>>,
    #[serde(borrow)]
    group_types: Option<Vec<Text<'a>>>,
    security_enabled: Option<bool>,
    mail_enabled: Option<bool>,
    #[serde(borrow)]
    membership_rule: Option<Text<'a>>,
    #[serde(borrow)]
    members: Option<Vec<MemberDto<'a>>>,
}

#[derive(Deserialize)]
struct MemberDto<'a> {
    #[serde(rename = "@odata.type", borrow)]
    odata_type: Option<Text<'a>>,
    id: Guid,
}

/// What a directory object in a member list is, from its `@odata.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MemberKind {
    User,
    Group,
    Device,
    /// No `@odata.type`: whichever of user, group or device has the ID.
    Untyped,
    /// Service principals, contacts, …: not managed by BMS or Intune.
    Other,
}

/// A member, kept after its page's text is gone.
#[derive(Debug, Clone, Copy)]
struct Member {
    kind: MemberKind,
    id: Guid,
}

impl MemberDto<'_> {
    fn member(&self) -> Member {
        let kind = match self
            .odata_type
            .as_ref()
            .map_or("", |t| t.as_str())
            .trim_start_matches("#microsoft.graph.")
        {
            "user" => MemberKind::User,
            "group" => MemberKind::Group,
            "device" => MemberKind::Device,
            "" => MemberKind::Untyped,
            _ => MemberKind::Other,
        };
        Member { kind, id: self.id }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntraDeviceDto<'a> {
    id: Guid,
    #[serde(default, deserialize_with = "lenient_guid")]
    device_id: Option<Guid>,
    #[serde(borrow)]
    display_name: Option<Text<'a>>,
    #[serde(borrow)]
    operating_system: Option<Text<'a>>,
    #[serde(borrow)]
    operating_system_version: Option<Text<'a>>,
    #[serde(borrow)]
    trust_type: Option<Text<'a>>,
    #[serde(default, deserialize_with = "lenient_guid")]
    mdm_app_id: Option<Guid>,
    #[serde(borrow)]
    registered_owners: Option<Vec<MemberDto<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManagedDeviceDto<'a> {
    id: Guid,
    #[serde(borrow)]
    device_name: Option<Text<'a>>,
    #[serde(default, deserialize_with = "lenient_guid")]
    user_id: Option<Guid>,
    #[serde(borrow)]
    user_principal_name: Option<Text<'a>>,
    #[serde(borrow)]
    operating_system: Option<Text<'a>>,
    #[serde(borrow)]
    os_version: Option<Text<'a>>,
    #[serde(borrow)]
    management_agent: Option<Text<'a>>,
    #[serde(borrow)]
    device_enrollment_type: Option<Text<'a>>,
    #[serde(borrow)]
    managed_device_owner_type: Option<Text<'a>>,
    #[serde(default, rename = "azureADDeviceId", deserialize_with = "lenient_guid")]
    azure_ad_device_id: Option<Guid>,
    is_supervised: Option<bool>,
    #[serde(borrow)]
    manufacturer: Option<Text<'a>>,
    #[serde(borrow)]
    model: Option<Text<'a>>,
    #[serde(borrow)]
    compliance_state: Option<Text<'a>>,
    #[serde(borrow)]
    last_sync_date_time: Option<Text<'a>>,
}

/// Small strings the model keeps; `Option<String>` for the few owned DTO fields.
trait IntoText {
    fn text(&self) -> Option<&str>;
}

impl IntoText for Option<String> {
    fn text(&self) -> Option<&str> {
        self.as_deref()
    }
}

impl IntoText for Option<Text<'_>> {
    fn text(&self) -> Option<&str> {
        self.as_ref().map(Text::as_str)
    }
}

fn boxed(text: impl IntoText) -> Box<str> {
    text.text().unwrap_or_default().into()
}

fn non_empty(text: impl IntoText) -> Option<Box<str>> {
    text.text().filter(|t| !t.trim().is_empty()).map(Into::into)
}

/// Reads every page of `part` (if present) into `text`, one after the other, and hands each
/// `(file name, text)` to `each`.
fn each_page(
    files: &mut dyn GraphFiles,
    part: Part,
    parts: &mut Parts,
    text: &mut String,
    mut each: impl FnMut(&str, &str) -> Result<(), InputError>,
) -> Result<(), InputError> {
    if let Some(pages) = files.pages(part)? {
        parts.insert(part);
        for file in &pages {
            files.read(file, text)?;
            each(file, text)?;
        }
    }
    Ok(())
}

/// Reads every Graph part that `files` has into `directory` and `intune`.
pub fn read_graph(
    files: &mut dyn GraphFiles,
    directory: &mut Directory,
    intune: &mut IntuneState,
    parts: &mut Parts,
    notes: &mut Vec<String>,
) -> Result<(), InputError> {
    let mut reader = Reader {
        files,
        directory,
        intune,
        parts,
        notes,
        text: String::new(),
    };
    // The order matters: licences before users (assigned SKUs), users before devices (owners),
    // groups before devices before members (members name both).
    reader.organization()?;
    reader.subscribed_skus()?;
    reader.users()?;
    let inline_members = reader.groups()?;
    reader.devices()?;
    reader.managed_devices()?;
    reader.group_members(inline_members)?;
    reader.intune_policies(
        Part::DeviceCompliancePolicies,
        IntuneCollection::DeviceCompliancePolicies,
    )?;
    reader.intune_policies(
        Part::DeviceConfigurations,
        IntuneCollection::DeviceConfigurations,
    )?;
    reader.settings_catalog()?;
    reader.conditional_access()?;
    Ok(())
}

/// The state shared by the per-file readers: where they write, and one text buffer for every
/// file (pages are read, parsed into the model, and forgotten).
struct Reader<'r> {
    files: &'r mut dyn GraphFiles,
    directory: &'r mut Directory,
    intune: &'r mut IntuneState,
    parts: &'r mut Parts,
    notes: &'r mut Vec<String>,
    text: String,
}

/// Inline group members (`$expand=members`) by group index, resolved with the member files.
type MemberLists = Vec<(usize, Vec<Member>)>;

impl Reader<'_> {
    /// `organization.json`.
    fn organization(&mut self) -> Result<(), InputError> {
        let directory = &mut *self.directory;
        each_page(
            self.files,
            Part::Organization,
            self.parts,
            &mut self.text,
            |file, text| {
                for_each_item::<OrganizationDto, _>(file, text, |org, _| {
                    if directory.organization.is_none() {
                        directory.organization = Some(Organization {
                            tenant_id: org.id,
                            display_name: boxed(org.display_name),
                            verified_domains: org
                                .verified_domains
                                .unwrap_or_default()
                                .into_iter()
                                .filter_map(|d| non_empty(d.name))
                                .collect(),
                        });
                    }
                    Ok(())
                })
                .map(|_| ())
            },
        )
    }

    /// `subscribedSkus.json`.
    fn subscribed_skus(&mut self) -> Result<(), InputError> {
        let directory = &mut *self.directory;
        each_page(
            self.files,
            Part::SubscribedSkus,
            self.parts,
            &mut self.text,
            |file, text| {
                for_each_item::<SkuDto, _>(file, text, |sku, _| {
                    if directory.sku(sku.sku_id).is_some() {
                        return Err(format!("SKU {} is listed twice", sku.sku_id));
                    }
                    let plans = sku
                        .service_plans
                        .unwrap_or_default()
                        .into_iter()
                        .map(|p| SkuPlan {
                            plan: directory
                                .intern_plan(p.service_plan_id, p.service_plan_name.as_deref()),
                            provisioning_status: boxed(p.provisioning_status),
                        })
                        .collect();
                    directory.add_sku(Sku {
                        sku_id: sku.sku_id,
                        part_number: boxed(sku.sku_part_number),
                        capability_status: boxed(sku.capability_status),
                        enabled_units: sku.prepaid_units.and_then(|p| p.enabled).unwrap_or(0),
                        consumed_units: sku.consumed_units.unwrap_or(0),
                        plans,
                        subscribed: true,
                    });
                    Ok(())
                })
                .map(|_| ())
            },
        )
    }

    /// `users.json | users/`.
    fn users(&mut self) -> Result<(), InputError> {
        let directory = &mut *self.directory;
        // Users are indexed after each page, in one tight loop: the index lookups are
        // independent and the CPU overlaps their cache misses, which it cannot between parsing
        // objects.
        let mut page_users: Vec<User> = Vec::new();
        each_page(
            self.files,
            Part::Users,
            self.parts,
            &mut self.text,
            |file, text| {
                for_each_item::<UserDto, _>(file, text, |u, _| {
                    let licenses = u
                        .assigned_licenses
                        .unwrap_or_default()
                        .into_iter()
                        .map(|l| AssignedLicense {
                            sku: directory.sku_or_placeholder(l.sku_id),
                            disabled_plans: l
                                .disabled_plans
                                .unwrap_or_default()
                                .into_iter()
                                .map(|p| directory.intern_plan(p, None))
                                .collect(),
                        })
                        .collect();
                    let plans = u
                        .assigned_plans
                        .unwrap_or_default()
                        .into_iter()
                        .map(|p| AssignedPlan {
                            plan: directory.intern_plan(p.service_plan_id, None),
                            enabled: p.capability_status.text() == Some("Enabled"),
                        })
                        .collect();
                    page_users.push(User {
                        id: u.id,
                        user_principal_name: boxed(u.user_principal_name),
                        display_name: boxed(u.display_name),
                        account_enabled: u.account_enabled.unwrap_or(true),
                        usage_location: non_empty(u.usage_location),
                        licenses,
                        plans,
                    });
                    Ok(())
                })?;
                for (k, user) in page_users.drain(..).enumerate() {
                    let id = user.id;
                    if directory.add_user(user).is_err() {
                        return Err(refuse_item(
                            file,
                            text,
                            k,
                            format!("user {id} is listed twice"),
                        ));
                    }
                }
                Ok(())
            },
        )
    }

    /// `groups.json | groups/`; their inline members are returned, to be resolved once
    /// devices are known.
    fn groups(&mut self) -> Result<MemberLists, InputError> {
        let directory = &mut *self.directory;
        let mut inline_members: MemberLists = Vec::new();
        each_page(
            self.files,
            Part::Groups,
            self.parts,
            &mut self.text,
            |file, text| {
                for_each_item::<GroupDto, _>(file, text, |g, _| {
                    let id = g.id;
                    let ix = directory
                        .add_group(Group {
                            id,
                            display_name: boxed(g.display_name),
                            security_enabled: g.security_enabled.unwrap_or(false),
                            mail_enabled: g.mail_enabled.unwrap_or(false),
                            unified: g
                                .group_types
                                .iter()
                                .flatten()
                                .any(|t| t.as_str().eq_ignore_ascii_case("Unified")),
                            dynamic: g
                                .membership_rule
                                .is_some_and(|r| !r.as_str().trim().is_empty()),
                            ..Group::default()
                        })
                        .map_err(|_| format!("group {id} is listed twice"))?;
                    if let Some(members) = g.members {
                        inline_members
                            .push((ix.ix(), members.iter().map(MemberDto::member).collect()));
                    }
                    Ok(())
                })
                .map(|_| ())
            },
        )?;
        Ok(inline_members)
    }

    /// `devices.json | devices/` (Entra devices), with their inline registered owners.
    fn devices(&mut self) -> Result<(), InputError> {
        let directory = &mut *self.directory;
        let mut device_owners: Vec<(usize, Vec<Guid>)> = Vec::new();
        // Indexed after each page, as the users are.
        let mut page_devices: Vec<(EntraDevice, Option<Vec<Guid>>)> = Vec::new();
        each_page(
            self.files,
            Part::Devices,
            self.parts,
            &mut self.text,
            |file, text| {
                for_each_item::<EntraDeviceDto, _>(file, text, |d, _| {
                    page_devices.push((
                        EntraDevice {
                            id: d.id,
                            device_id: d.device_id,
                            display_name: boxed(d.display_name),
                            platform: DevicePlatform::from_operating_system(
                                d.operating_system.text().unwrap_or(""),
                            ),
                            os_version: boxed(d.operating_system_version),
                            trust_type: non_empty(d.trust_type),
                            mdm: MdmAuthority::from_mdm_app_id(d.mdm_app_id),
                            owners: Vec::new(),
                        },
                        d.registered_owners
                            .map(|owners| owners.iter().map(|o| o.id).collect()),
                    ));
                    Ok(())
                })?;
                for (k, (device, owners)) in page_devices.drain(..).enumerate() {
                    let id = device.id;
                    let Ok(ix) = directory.add_entra_device(device) else {
                        return Err(refuse_item(
                            file,
                            text,
                            k,
                            format!("device {id} is listed twice"),
                        ));
                    };
                    if let Some(owners) = owners {
                        device_owners.push((ix.ix(), owners));
                    }
                }
                Ok(())
            },
        )?;
        for (ix, owners) in device_owners {
            let owners = owners.iter().filter_map(|&o| directory.user(o)).collect();
            directory.update_entra_device(EntraDeviceIx(ix as u32), |d| d.owners = owners);
        }
        Ok(())
    }

    /// `managedDevices.json | managedDevices/`, joined to their primary users and Entra
    /// devices.
    fn managed_devices(&mut self) -> Result<(), InputError> {
        let directory = &mut *self.directory;
        let mut seen =
            std::collections::HashSet::<Guid, bms2intune_model::guid::GuidHashing>::default();
        let users_known = self.parts.contains(Part::Users);
        // (primary user ID, azureADDeviceId) per device, resolved after the pages (below).
        let mut references: Vec<(Option<Guid>, Option<Guid>)> = Vec::new();
        let first_device = directory.managed_devices().len();
        each_page(
            self.files,
            Part::ManagedDevices,
            self.parts,
            &mut self.text,
            |file, text| {
                let first_on_page = directory.managed_devices().len();
                for_each_item::<ManagedDeviceDto, _>(file, text, |d, _| {
                    references.push((d.user_id, d.azure_ad_device_id));
                    let operating_system = boxed(d.operating_system);
                    directory.add_managed_device(ManagedDevice {
                        id: d.id,
                        device_name: boxed(d.device_name),
                        user: None,
                        user_principal_name: non_empty(d.user_principal_name),
                        platform: DevicePlatform::from_operating_system(&operating_system),
                        operating_system,
                        os_version: boxed(d.os_version),
                        management_agent: ManagementAgent::from_graph(
                            d.management_agent.text().unwrap_or("unknown"),
                        ),
                        enrollment_type: non_empty(d.device_enrollment_type),
                        owner_type: non_empty(d.managed_device_owner_type),
                        azure_ad_device_id: d.azure_ad_device_id,
                        entra_device: None,
                        supervised: d.is_supervised.unwrap_or(false),
                        manufacturer: non_empty(d.manufacturer),
                        model: non_empty(d.model),
                        compliance_state: non_empty(d.compliance_state),
                        last_sync: non_empty(d.last_sync_date_time),
                    });
                    Ok(())
                })?;
                // Duplicates checked after the page, in one loop (see the users).
                for (k, md) in directory.managed_devices()[first_on_page..]
                    .iter()
                    .enumerate()
                {
                    if !seen.insert(md.id) {
                        let message = format!("managed device {} is listed twice", md.id);
                        return Err(refuse_item(file, text, k, message));
                    }
                }
                Ok(())
            },
        )?;
        drop(seen);
        // Resolved in one tight loop rather than between parsing objects: the lookups are
        // independent, so the CPU overlaps their cache misses (at a million users the GUID
        // indexes are far larger than the caches).
        let resolved: Vec<_> = references
            .iter()
            .map(|&(user, aad)| {
                (
                    user.and_then(|u| directory.user(u)),
                    aad.and_then(|id| directory.entra_device_by_device_id(id)),
                )
            })
            .collect();
        let mut missing_users = 0usize;
        for ((md, (user, entra)), (user_id, _)) in (first_device..).zip(resolved).zip(references) {
            if user_id.is_some() && user.is_none() && users_known {
                missing_users += 1;
            }
            directory.update_managed_device(ManagedDeviceIx(md as u32), |md| {
                md.user = user;
                md.entra_device = entra;
            });
        }
        if missing_users > 0 {
            self.notes.push(format!(
                "{missing_users} managed device(s) name a primary user who is not in graph/users; they are treated as userless"
            ));
        }
        Ok(())
    }

    /// `groupMembers/<groupId>.json`, merged with the groups' inline members and resolved to
    /// users, groups and devices.
    fn group_members(&mut self, inline_members: MemberLists) -> Result<(), InputError> {
        let directory = &mut *self.directory;
        let mut member_lists = inline_members;
        if let Some(pages) = self.files.group_member_pages()? {
            self.parts.insert(Part::GroupMembers);
            let mut unknown_groups = Vec::new();
            for (file, group_id) in &pages {
                let Some(group) = directory.group(*group_id) else {
                    unknown_groups.push(file.clone());
                    continue;
                };
                self.files.read(file, &mut self.text)?;
                // The pages of a group come one after the other: gather them into one list, so
                // that each group's members are sorted once, not once per page (a group of a
                // million members has a thousand pages).
                let members = match member_lists.last_mut() {
                    Some((ix, list)) if *ix == group.ix() => list,
                    _ => {
                        member_lists.push((group.ix(), Vec::new()));
                        &mut member_lists.last_mut().expect("just pushed").1
                    }
                };
                for_each_item::<MemberDto, _>(file, &self.text, |m, _| {
                    members.push(m.member());
                    Ok(())
                })?;
            }
            if !unknown_groups.is_empty() {
                self.notes.push(format!(
                    "{} member file(s) name a group that is not in graph/groups and were ignored: {}",
                    unknown_groups.len(),
                    unknown_groups.join(", ")
                ));
            }
        }
        let mut unresolved_total = 0u32;
        for (ix, members) in member_lists {
            let mut users = Vec::new();
            let mut groups = Vec::new();
            let mut devices = Vec::new();
            let mut unresolved = 0u32;
            for m in members {
                let resolved = match m.kind {
                    MemberKind::User => directory.user(m.id).map(|u| users.push(u)),
                    MemberKind::Group => directory.group(m.id).map(|g| groups.push(g)),
                    MemberKind::Device => directory.entra_device(m.id).map(|d| devices.push(d)),
                    MemberKind::Untyped => directory
                        .user(m.id)
                        .map(|u| users.push(u))
                        .or_else(|| directory.group(m.id).map(|g| groups.push(g)))
                        .or_else(|| directory.entra_device(m.id).map(|d| devices.push(d))),
                    MemberKind::Other => Some(()),
                };
                if resolved.is_none() {
                    unresolved += 1;
                }
            }
            directory.update_group(GroupIx(ix as u32), |group| {
                merge_sorted(&mut group.member_users, users);
                merge_sorted(&mut group.member_groups, groups);
                merge_sorted(&mut group.member_devices, devices);
                group.unresolved_members += unresolved;
                group.members_known = true;
            });
            unresolved_total += unresolved;
        }
        if unresolved_total > 0 && self.parts.contains(Part::Users) {
            self.notes.push(format!(
                "{unresolved_total} group member(s) are not in the snapshot's users, groups or devices and were ignored"
            ));
        }
        Ok(())
    }

    /// `deviceCompliancePolicies.json` or `deviceConfigurations.json`.
    fn intune_policies(
        &mut self,
        part: Part,
        collection: IntuneCollection,
    ) -> Result<(), InputError> {
        let intune = &mut *self.intune;
        each_page(
            self.files,
            part,
            self.parts,
            &mut self.text,
            |file, text| {
                for_each_item::<Map<String, Value>, _>(file, text, |object, _| {
                    let policy = intune_policy(object, collection)?;
                    match collection {
                        IntuneCollection::DeviceCompliancePolicies => {
                            intune.compliance_policies.push(policy)
                        }
                        IntuneCollection::DeviceConfigurations => {
                            intune.configurations.push(policy)
                        }
                        IntuneCollection::ConfigurationPolicies => {
                            intune.configuration_policies.push(policy)
                        }
                    }
                    Ok(())
                })
                .map(|_| ())
            },
        )
    }

    /// `configurationPolicies.json | configurationPolicies/` (the settings catalog, from
    /// `GET /beta/deviceManagement/configurationPolicies?$expand=settings,assignments`).
    fn settings_catalog(&mut self) -> Result<(), InputError> {
        let intune = &mut *self.intune;
        each_page(
            self.files,
            Part::ConfigurationPolicies,
            self.parts,
            &mut self.text,
            |file, text| {
                for_each_item::<Map<String, Value>, _>(file, text, |object, _| {
                    intune
                        .configuration_policies
                        .push(settings_catalog_policy(object)?);
                    Ok(())
                })
                .map(|_| ())
            },
        )
    }

    /// `conditionalAccessPolicies.json`.
    fn conditional_access(&mut self) -> Result<(), InputError> {
        let intune = &mut *self.intune;
        each_page(
            self.files,
            Part::ConditionalAccessPolicies,
            self.parts,
            &mut self.text,
            |file, text| {
                for_each_item::<Map<String, Value>, _>(file, text, |object, _| {
                    intune
                        .conditional_access
                        .push(conditional_access_policy(&object)?);
                    Ok(())
                })
                .map(|_| ())
            },
        )
    }
}

/// Adds members to a list kept sorted and free of duplicates (pages may repeat members).
fn merge_sorted<T: Ord>(list: &mut Vec<T>, new: Vec<T>) {
    list.extend(new);
    list.sort_unstable();
    list.dedup();
}
