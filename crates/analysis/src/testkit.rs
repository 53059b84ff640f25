//! A compact builder of test tenants: users, groups, licences, devices, BMS policies and
//! Intune policies, built directly through the model's public API. It owns nothing but test
//! convenience; IDs are derived from names (`Guid::from_name`), so tests can name subjects.
//!
//! Available to this crate's tests, and to other crates' tests through the `testkit` feature.

use bms2intune_model::directory::{AssignedLicense, AssignedPlan, SkuPlan};
use bms2intune_model::{
    Assignment, AssignmentFilter, AssignmentTarget, Assignments, BmsPolicy, BmsRule, BmsSetting,
    ConditionalAccessPolicy, DevicePlatform, EntraDevice, EntraDeviceIx, FilterMode, Group,
    GroupIx, Guid, IntuneCollection, IntunePolicy, ManagedDevice, ManagedDeviceIx, ManagementAgent,
    MdmAuthority, Mode, Part, PlanIx, PolicyKind, RuleSettings, SettingValue, Sku, SkuIx, Tenant,
    User, UserIx,
};

/// Builds a [`Tenant`] step by step. Every Graph part counts as present unless removed with
/// [`TenantBuilder::without`].
#[derive(Default)]
pub struct TenantBuilder {
    tenant: Tenant,
    missing: Vec<Part>,
}

/// The ID the builder gives a user of this name.
pub fn user_id(name: &str) -> Guid {
    Guid::from_name(&format!("user:{name}"))
}

/// The ID the builder gives a group of this name.
pub fn group_id(name: &str) -> Guid {
    Guid::from_name(&format!("group:{name}"))
}

/// The ID the builder gives a managed device of this name.
pub fn device_id(name: &str) -> Guid {
    Guid::from_name(&format!("managed:{name}"))
}

/// The ID the builder gives a SKU of this part number.
pub fn sku_id(part_number: &str) -> Guid {
    Guid::from_name(&format!("sku:{part_number}"))
}

/// The ID of a service plan: the real one for well-known plans, else derived from the name.
pub fn plan_id(name: &str) -> Guid {
    use crate::licensing::plan_ids::*;
    match name {
        "INTUNE_A" => INTUNE_A,
        "INTUNE_A_VL" => INTUNE_A_VL,
        "INTUNE_EDU" => INTUNE_EDU,
        "INTUNE_SMBIZ" => INTUNE_SMBIZ,
        "INTUNE_A_GOV" => INTUNE_A_GOV,
        "INTUNE_O365" => INTUNE_O365,
        _ => Guid::from_name(&format!("plan:{name}")),
    }
}

impl TenantBuilder {
    pub fn new() -> TenantBuilder {
        TenantBuilder::default()
    }

    /// Marks a Graph part as absent from the snapshot.
    pub fn without(&mut self, part: Part) -> &mut Self {
        self.missing.push(part);
        self
    }

    /// Adds an enabled user `name@contoso.test` without licences.
    pub fn user(&mut self, name: &str) -> UserIx {
        let user = User {
            id: user_id(name),
            user_principal_name: format!("{name}@contoso.test").into(),
            display_name: name.into(),
            account_enabled: true,
            usage_location: Some("US".into()),
            licenses: Box::new([]),
            plans: Box::new([]),
        };
        self.tenant.directory.add_user(user).unwrap_or_else(|ix| ix)
    }

    /// Turns a user's account off.
    pub fn disable(&mut self, user: UserIx) {
        self.tenant
            .directory
            .update_user(user, |u| u.account_enabled = false);
    }

    /// Adds a security group with these direct members (member lists count as exported).
    pub fn group(&mut self, name: &str, users: &[UserIx], groups: &[GroupIx]) -> GroupIx {
        let group = Group {
            id: group_id(name),
            display_name: name.into(),
            security_enabled: true,
            members_known: true,
            member_users: sorted(users),
            member_groups: sorted(groups),
            ..Group::default()
        };
        self.tenant
            .directory
            .add_group(group)
            .unwrap_or_else(|ix| ix)
    }

    /// Adds a Microsoft 365 (Unified) group.
    pub fn unified_group(&mut self, name: &str, users: &[UserIx]) -> GroupIx {
        let g = self.group(name, users, &[]);
        self.tenant.directory.update_group(g, |group| {
            group.unified = true;
            group.security_enabled = false;
            group.mail_enabled = true;
        });
        g
    }

    /// Adds a device group with these Entra devices.
    pub fn group_with_devices(&mut self, name: &str, devices: &[EntraDeviceIx]) -> GroupIx {
        let g = self.group(name, &[], &[]);
        self.tenant
            .directory
            .update_group(g, |group| group.member_devices = sorted(devices));
        g
    }

    /// Makes `child` a direct member of `parent`.
    pub fn nest(&mut self, parent: GroupIx, child: GroupIx) {
        self.tenant.directory.update_group(parent, |group| {
            let list = &mut group.member_groups;
            list.push(child);
            list.sort_unstable();
            list.dedup();
        });
    }

    /// Makes `user` a direct member of `group`.
    pub fn add_member(&mut self, group: GroupIx, user: UserIx) {
        self.tenant.directory.update_group(group, |group| {
            let list = &mut group.member_users;
            list.push(user);
            list.sort_unstable();
            list.dedup();
        });
    }

    /// Interns a service plan by name.
    pub fn plan(&mut self, name: &str) -> PlanIx {
        self.tenant.directory.intern_plan(plan_id(name), Some(name))
    }

    /// Adds a subscribed, enabled SKU whose plans are all provisioned (`Success`).
    pub fn sku(&mut self, part_number: &str, plans: &[&str], enabled: i64, consumed: i64) -> SkuIx {
        let plans = plans
            .iter()
            .map(|p| SkuPlan {
                plan: self.plan(p),
                provisioning_status: "Success".into(),
            })
            .collect();
        self.tenant.directory.add_sku(Sku {
            sku_id: sku_id(part_number),
            part_number: part_number.into(),
            capability_status: "Enabled".into(),
            enabled_units: enabled,
            consumed_units: consumed,
            plans,
            subscribed: true,
        })
    }

    /// Assigns a licence with these plans disabled; also records the enabled plans in the
    /// user's `assignedPlans`, as Graph does.
    pub fn license(&mut self, user: UserIx, sku: SkuIx, disabled: &[&str]) {
        let disabled: Box<[PlanIx]> = disabled.iter().map(|p| self.plan(p)).collect();
        let enabled: Vec<AssignedPlan> = self.tenant.directory.skus()[sku.ix()]
            .plans
            .iter()
            .filter(|p| !disabled.contains(&p.plan))
            .map(|p| AssignedPlan {
                plan: p.plan,
                enabled: true,
            })
            .collect();
        self.tenant.directory.update_user(user, |u| {
            let mut licenses = u.licenses.to_vec();
            licenses.push(AssignedLicense {
                sku,
                disabled_plans: disabled,
            });
            u.licenses = licenses.into();
            let mut plans = u.plans.to_vec();
            plans.extend(enabled);
            u.plans = plans.into();
        });
    }

    /// Adds one `assignedPlans` entry by plan name (without a licence).
    pub fn assigned_plan(&mut self, user: UserIx, plan: &str, enabled: bool) {
        let plan = self.tenant.directory.intern_plan(plan_id(plan), None);
        self.tenant.directory.update_user(user, |u| {
            let mut plans = u.plans.to_vec();
            plans.push(AssignedPlan { plan, enabled });
            u.plans = plans.into();
        });
    }

    /// Adds an Entra device (its `deviceId` is derived from the name too).
    pub fn entra_device(&mut self, name: &str) -> EntraDeviceIx {
        let device = EntraDevice {
            id: Guid::from_name(&format!("entra:{name}")),
            device_id: Some(Guid::from_name(&format!("entra-device-id:{name}"))),
            display_name: name.into(),
            platform: DevicePlatform::Other,
            os_version: "".into(),
            trust_type: Some("Workplace".into()),
            mdm: MdmAuthority::Office365,
            owners: Vec::new(),
        };
        self.tenant
            .directory
            .add_entra_device(device)
            .unwrap_or_else(|ix| ix)
    }

    /// Adds a managed device.
    pub fn managed(&mut self, dev: Dev) -> ManagedDeviceIx {
        let dir = &mut self.tenant.directory;
        let upn = dev
            .user
            .map(|u| dir.users()[u.ix()].user_principal_name.clone());
        let azure_ad_device_id = dev
            .entra
            .and_then(|e| dir.entra_devices()[e.ix()].device_id);
        if let Some(e) = dev.entra {
            dir.update_entra_device(e, |entra| {
                entra.platform = DevicePlatform::from_operating_system(&dev.operating_system);
                entra.os_version = dev.os_version.clone().into();
            });
        }
        dir.add_managed_device(ManagedDevice {
            id: device_id(&dev.name),
            device_name: dev.name.clone().into(),
            user: dev.user,
            user_principal_name: dev.upn.map(Into::into).or(upn),
            platform: DevicePlatform::from_operating_system(&dev.operating_system),
            operating_system: dev.operating_system.into(),
            os_version: dev.os_version.into(),
            management_agent: dev.agent,
            enrollment_type: dev.enrollment.map(Into::into),
            owner_type: Some("personal".into()),
            azure_ad_device_id,
            entra_device: dev.entra,
            supervised: false,
            manufacturer: dev.manufacturer.map(Into::into),
            model: None,
            compliance_state: Some("compliant".into()),
            last_sync: dev.last_sync.map(Into::into),
        })
    }

    /// Adds a BMS policy (with its rule).
    pub fn policy(&mut self, p: Policy) -> usize {
        let target_groups = p
            .targets
            .iter()
            .map(|t| match t {
                Target::Group(g) => self.tenant.directory.groups()[g.ix()].id,
                Target::Id(id) => *id,
            })
            .collect();
        let source = bms2intune_model::bms::Source {
            file: "test".into(),
            index: self.tenant.bms.policies.len(),
        };
        let rule = p.with_rule.then(|| BmsRule {
            name: format!("{}{}", p.name, bms2intune_model::bms::ALLOW_RULE_SUFFIX),
            policy_guid: Some(Guid::from_name(&format!("policy:{}", p.name))),
            mode: p.rule_mode,
            target_groups,
            settings: p.settings,
            source: source.clone(),
        });
        self.tenant.bms.policies.push(BmsPolicy {
            guid: Some(Guid::from_name(&format!("policy:{}", p.name))),
            name: p.name,
            kind: p.kind,
            comment: None,
            enabled: Some(true),
            mode: p.mode,
            priority: p.priority,
            when_changed: None,
            rule,
            source,
        });
        self.tenant.bms.policies.len() - 1
    }

    /// Adds a group to the tenant `ExclusionList`.
    pub fn exclude(&mut self, group: GroupIx) {
        let id = self.tenant.directory.groups()[group.ix()].id;
        self.tenant.bms.tenant.exclusion_list.push(id);
        self.tenant.bms.tenant.rule_present = true;
    }

    /// Adds a raw ID to the tenant `ExclusionList`.
    pub fn exclude_id(&mut self, id: Guid) {
        self.tenant.bms.tenant.exclusion_list.push(id);
        self.tenant.bms.tenant.rule_present = true;
    }

    /// Adds an existing Intune compliance policy (`odata_type` like `iosCompliancePolicy`).
    pub fn intune_compliance(&mut self, odata_type: &str, name: &str, targets: &[IntuneTarget]) {
        let p = self.intune_policy(
            IntuneCollection::DeviceCompliancePolicies,
            odata_type,
            name,
            targets,
        );
        self.tenant.intune.compliance_policies.push(p);
    }

    /// Adds an existing Intune configuration profile.
    pub fn intune_configuration(&mut self, odata_type: &str, name: &str, targets: &[IntuneTarget]) {
        let p = self.intune_policy(
            IntuneCollection::DeviceConfigurations,
            odata_type,
            name,
            targets,
        );
        self.tenant.intune.configurations.push(p);
    }

    fn intune_policy(
        &self,
        collection: IntuneCollection,
        odata_type: &str,
        name: &str,
        targets: &[IntuneTarget],
    ) -> IntunePolicy {
        let group_id = |g: &GroupIx| self.tenant.directory.groups()[g.ix()].id;
        IntunePolicy {
            id: Guid::from_name(&format!("intune:{name}"))
                .to_string()
                .into(),
            collection,
            odata_type: odata_type.into(),
            display_name: name.into(),
            version: None,
            assignments: Assignments::Exported(
                targets
                    .iter()
                    .map(|t| match t {
                        IntuneTarget::Group(g) => Assignment::to(AssignmentTarget::Group {
                            group_id: group_id(g),
                        }),
                        IntuneTarget::Exclude(g) => {
                            Assignment::to(AssignmentTarget::ExclusionGroup {
                                group_id: group_id(g),
                            })
                        }
                        IntuneTarget::AllUsers => {
                            Assignment::to(AssignmentTarget::AllLicensedUsers)
                        }
                        IntuneTarget::AllDevices => Assignment::to(AssignmentTarget::AllDevices),
                        IntuneTarget::Filtered(g) => Assignment {
                            target: AssignmentTarget::Group {
                                group_id: group_id(g),
                            },
                            filter: Some(AssignmentFilter {
                                id: "3f8c2a7e-0d1b-4c5e-9a6f-1b2c3d4e5f60".into(),
                                mode: FilterMode::Include,
                            }),
                        },
                        IntuneTarget::Collection(id) => {
                            Assignment::to(AssignmentTarget::ConfigurationManagerCollection {
                                collection_id: (*id).into(),
                            })
                        }
                    })
                    .collect(),
            ),
            properties: serde_json::Map::new(),
            catalog_settings: Vec::new(),
        }
    }

    /// Adds an existing Intune configuration profile exported without its assignments.
    pub fn intune_configuration_unexported(&mut self, odata_type: &str, name: &str) {
        let mut p = self.intune_policy(
            IntuneCollection::DeviceConfigurations,
            odata_type,
            name,
            &[],
        );
        p.assignments = Assignments::NotExported;
        self.tenant.intune.configurations.push(p);
    }

    /// Adds an existing Conditional Access policy in `state` that requires a compliant
    /// device of `include` (`None` = all users) minus `exclude`, on `platforms` (empty = all).
    pub fn conditional_access(
        &mut self,
        name: &str,
        state: &str,
        include: Option<&[GroupIx]>,
        exclude: &[GroupIx],
        platforms: &[&str],
    ) {
        let ids = |groups: &[GroupIx]| -> Vec<Guid> {
            groups
                .iter()
                .map(|g| self.tenant.directory.groups()[g.ix()].id)
                .collect()
        };
        let policy = ConditionalAccessPolicy {
            id: Guid::from_name(&format!("ca:{name}")).to_string().into(),
            display_name: name.into(),
            state: state.into(),
            include_all_users: include.is_none(),
            include_users: Vec::new(),
            exclude_users: Vec::new(),
            include_groups: include.map(ids).unwrap_or_default(),
            exclude_groups: ids(exclude),
            include_platforms: platforms.iter().map(|p| (*p).into()).collect(),
            exclude_platforms: Vec::new(),
            requires_compliant_device: true,
            requires_hybrid_join: false,
            requires_approved_app: false,
            operator: "OR".into(),
        };
        self.tenant.intune.conditional_access.push(policy);
    }

    /// Direct access for tests that need an unusual shape.
    pub fn tenant_mut(&mut self) -> &mut Tenant {
        &mut self.tenant
    }

    /// The finished tenant.
    pub fn build(&mut self) -> Tenant {
        let mut tenant = std::mem::take(&mut self.tenant);
        for part in Part::ALL {
            if !self.missing.contains(&part) {
                tenant.parts.insert(part);
            }
        }
        tenant
    }
}

fn sorted<T: Ord + Copy>(items: &[T]) -> Vec<T> {
    let mut v = items.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// An assignment target of an existing Intune policy.
#[derive(Debug, Clone, Copy)]
pub enum IntuneTarget {
    Group(GroupIx),
    Exclude(GroupIx),
    AllUsers,
    AllDevices,
    /// The group, with an include assignment filter.
    Filtered(GroupIx),
    /// A Configuration Manager collection.
    Collection(&'static str),
}

/// A managed device to add; BMS-managed (`microsoft365ManagedMdm`) unless told otherwise.
#[derive(Debug, Clone)]
pub struct Dev {
    name: String,
    operating_system: String,
    os_version: String,
    agent: ManagementAgent,
    user: Option<UserIx>,
    upn: Option<String>,
    entra: Option<EntraDeviceIx>,
    enrollment: Option<String>,
    manufacturer: Option<String>,
    last_sync: Option<String>,
}

impl Dev {
    pub fn new(name: &str, operating_system: &str, os_version: &str) -> Dev {
        Dev {
            name: name.into(),
            operating_system: operating_system.into(),
            os_version: os_version.into(),
            agent: ManagementAgent::Microsoft365ManagedMdm,
            user: None,
            upn: None,
            entra: None,
            enrollment: None,
            manufacturer: None,
            last_sync: None,
        }
    }
    pub fn ios(name: &str, version: &str) -> Dev {
        Dev::new(name, "iOS", version)
    }
    pub fn ipados(name: &str, version: &str) -> Dev {
        Dev::new(name, "iPadOS", version)
    }
    pub fn android(name: &str, version: &str) -> Dev {
        Dev::new(name, "Android", version).manufacturer("samsung")
    }
    pub fn windows(name: &str, version: &str) -> Dev {
        Dev::new(name, "Windows", version)
    }
    pub fn macos(name: &str, version: &str) -> Dev {
        Dev::new(name, "macOS", version)
    }
    pub fn user(mut self, user: UserIx) -> Dev {
        self.user = Some(user);
        self
    }
    /// A primary user UPN that is not in the snapshot's users.
    pub fn upn(mut self, upn: &str) -> Dev {
        self.upn = Some(upn.into());
        self
    }
    pub fn entra(mut self, device: EntraDeviceIx) -> Dev {
        self.entra = Some(device);
        self
    }
    pub fn agent(mut self, agent: ManagementAgent) -> Dev {
        self.agent = agent;
        self
    }
    pub fn enrollment(mut self, enrollment_type: &str) -> Dev {
        self.enrollment = Some(enrollment_type.into());
        self
    }
    /// `lastSyncDateTime`, e.g. `2025-08-14T09:00:00Z`.
    pub fn last_sync(mut self, when: &str) -> Dev {
        self.last_sync = Some(when.to_string());
        self
    }
    pub fn manufacturer(mut self, manufacturer: &str) -> Dev {
        self.manufacturer = Some(manufacturer.into());
        self
    }
}

#[derive(Debug, Clone)]
enum Target {
    Group(GroupIx),
    Id(Guid),
}

/// A BMS policy to add.
#[derive(Debug, Clone)]
pub struct Policy {
    name: String,
    kind: PolicyKind,
    priority: Option<i64>,
    mode: Mode,
    rule_mode: Mode,
    targets: Vec<Target>,
    settings: RuleSettings,
    with_rule: bool,
}

impl Policy {
    pub fn new(name: &str, kind: PolicyKind) -> Policy {
        Policy {
            name: name.into(),
            kind,
            priority: None,
            mode: Mode::Enforce,
            rule_mode: Mode::Enforce,
            targets: Vec::new(),
            settings: RuleSettings::new(),
            with_rule: true,
        }
    }
    /// "Block access and report violation".
    pub fn block(name: &str) -> Policy {
        Policy::new(name, PolicyKind::Block)
    }
    /// "Allow access and report violation".
    pub fn allow(name: &str) -> Policy {
        Policy::new(name, PolicyKind::Allow)
    }
    pub fn priority(mut self, priority: i64) -> Policy {
        self.priority = Some(priority);
        self
    }
    pub fn targets(mut self, groups: &[GroupIx]) -> Policy {
        self.targets
            .extend(groups.iter().map(|g| Target::Group(*g)));
        self
    }
    /// Raw target IDs (unknown groups, the all-zero sentinel).
    pub fn target_ids(mut self, ids: &[Guid]) -> Policy {
        self.targets.extend(ids.iter().map(|g| Target::Id(*g)));
        self
    }
    pub fn setting(mut self, setting: BmsSetting, value: SettingValue) -> Policy {
        self.settings.set(setting, value);
        self
    }
    pub fn pending_deletion(mut self) -> Policy {
        self.mode = Mode::PendingDeletion;
        self
    }
    /// The policy is fine but its rule is being deleted.
    pub fn rule_pending_deletion(mut self) -> Policy {
        self.rule_mode = Mode::PendingDeletion;
        self
    }
    /// A policy exported without a rule.
    pub fn without_rule(mut self) -> Policy {
        self.with_rule = false;
        self
    }
}
