//! The checks about what already exists in the tenant besides BMS: existing Intune policies
//! whose targets the tool cannot know (`intune-assignments-unknown`), existing Conditional
//! Access that requires a compliant device or approved app of users BMS manages
//! (`existing-ca-requires-compliance`), and BMS devices that stopped checking in
//! (`stale-devices`); and, for `no-user-affinity`, the count of devices with a registered
//! owner. Each is a method on the findings' shared context, hooked into
//! [`super::assess_with`] by its code.

use super::context::{plural, Ctx};
use super::coverage::intune_platforms;
use super::vocabulary::{Code, Finding, Severity, Subject, SubjectId, SubjectKind};
use crate::bitset::BitSet;
use crate::config::Date;
use bms2intune_model::{
    ConditionalAccessPolicy, DevicePlatform, GroupIx, Guid, IntunePolicy, ManagedDeviceIx, Part,
    Unknown, UserIx,
};
use std::borrow::Cow;

/// The calendar date (in UTC) of a Graph `DateTimeOffset` such as `2025-08-14T09:12:44Z`.
/// Graph's "never" (`0001-01-01T00:00:00Z`) and text that is no date are no date.
fn sync_date(text: &str) -> Option<Date> {
    Date::parse(text).ok().filter(|d| d.year() > 1)
}

/// The CA platform names (`conditions.platforms`) a device platform is known by.
fn ca_platform(platform: DevicePlatform) -> &'static [&'static str] {
    match platform {
        DevicePlatform::Ios | DevicePlatform::IpadOs => &["ios"],
        DevicePlatform::Android => &["android"],
        DevicePlatform::Windows => &["windows", "windowsphone"],
        DevicePlatform::MacOs => &["macos"],
        _ => &[],
    }
}

/// Whether a platform condition applies to a device platform.
fn platform_applies(policy: &ConditionalAccessPolicy, platform: DevicePlatform) -> bool {
    let names = ca_platform(platform);
    let listed = |list: &[Box<str>]| {
        list.iter().any(|p| {
            let p = p.to_ascii_lowercase();
            p == "all" || names.contains(&p.as_str())
        })
    };
    (policy.include_platforms.is_empty() || listed(&policy.include_platforms))
        && !listed(&policy.exclude_platforms)
}

/// The BMS classic Conditional Access policies (`[<service>] Device policy`) are BMS's own
/// enforcement, covered by the plan's classic-CA statement, not an existing requirement.
fn is_bms_classic(policy: &ConditionalAccessPolicy) -> bool {
    policy.display_name.starts_with('[') && policy.display_name.ends_with("] Device policy")
}

/// What a CA policy's grant asks for, in words.
fn requirement(policy: &ConditionalAccessPolicy) -> String {
    let mut parts = Vec::new();
    if policy.requires_compliant_device {
        parts.push("a compliant device");
    }
    if policy.requires_hybrid_join {
        parts.push("a Microsoft Entra hybrid joined device");
    }
    if policy.requires_approved_app {
        parts.push("an approved client app or app protection policy");
    }
    let joiner = if policy.operator.eq_ignore_ascii_case("AND") {
        " and "
    } else {
        " or "
    };
    parts.join(joiner)
}

impl<'t> Ctx<'t, '_> {
    /// For `no-user-affinity`: how many of the devices have a registered owner in Microsoft
    /// Entra ID (`devices?$expand=registeredOwners`), a user an admin can make their primary
    /// user; empty when none has.
    pub(super) fn registered_owner_note(&self, devices: &[Subject<'t>]) -> String {
        let owned = devices
            .iter()
            .filter_map(|s| s.ix)
            .filter_map(|d| self.dir.managed_devices()[d as usize].entra_device)
            .filter(|e| !self.dir.entra_devices()[e.ix()].owners.is_empty())
            .count();
        if owned == 0 {
            return String::new();
        }
        format!(
            " {} a registered owner in Microsoft Entra ID, who can be made the primary user so the device moves with that user.",
            if owned == 1 {
                "1 of them has".to_string()
            } else {
                format!("{owned} of them have")
            }
        )
    }

    /// `intune-assignments-unknown`: existing Intune policies for a platform the move concerns
    /// whose targets are not exactly known.
    pub(super) fn intune_assignments_unknown(&self) -> Option<Finding<'t>> {
        let concerned = |p: &IntunePolicy| {
            let platforms = intune_platforms(p);
            platforms.is_empty() || platforms.iter().any(|x| *x != DevicePlatform::MacOs)
        };
        let mut subjects = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        let (mut not_exported, mut filtered, mut unevaluable) = (0usize, 0usize, 0usize);
        let dir = self.dir;
        let name = |id: Guid| {
            dir.group(id)
                .map(|g| dir.groups()[g.ix()].display_name.to_string())
        };
        for p in self.tenant.intune.policies().filter(|p| concerned(p)) {
            let unknowns = p.unknowns_with(&name);
            if unknowns.is_empty() {
                continue;
            }
            for u in &unknowns {
                match u {
                    Unknown::AssignmentsNotExported => not_exported += 1,
                    Unknown::Filter(_) => filtered += 1,
                    Unknown::UnevaluableTarget(_) => unevaluable += 1,
                }
            }
            reasons.push(format!(
                "\"{}\" ({})",
                p.display_name,
                unknowns
                    .iter()
                    .map(Unknown::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            subjects.push(Subject {
                kind: SubjectKind::Policy,
                name: Cow::Borrowed(&p.display_name),
                id: SubjectId::Text(Cow::Borrowed(&p.id)),
                ix: None,
            });
        }
        if subjects.is_empty() {
            return None;
        }
        reasons.sort();
        Some(self.finding(
            Code::IntuneAssignmentsUnknown,
            format!(
                "{} whose targets the snapshot does not fully know: {}. Who they reach is unknown \
                 ({not_exported} without exported assignments, {filtered} assignment filter(s), \
                 {unevaluable} Configuration Manager collection(s) or other targets not evaluated), \
                 so conflicts between them and the migrated policies are not checked: the impact \
                 reports their settings as `unknown` for every user they may reach, never as unchanged.",
                plural(subjects.len(), "existing Intune policy", "existing Intune policies"),
                reasons.join(", ")
            ),
            subjects,
            "Export the policies with their assignments (`$expand=assignments`, see docs/snapshot.md) and run \
             again. For filtered assignments and Configuration Manager collections, check in the Intune admin \
             center (Devices › the policy › Device and user check-in status) which migrated users and devices \
             they reach, and compare their settings with the plan's objects before the first wave."
                .to_string(),
        ))
    }

    /// `existing-ca-requires-compliance`: one warning for the enforced policies and one info
    /// for the report-only ones, each listing the BMS users they reach.
    pub(super) fn existing_ca_requires_compliance(&self) -> Vec<Finding<'t>> {
        let devices_known = self.has_part(Part::ManagedDevices);
        let mut findings = Vec::new();
        for enforced in [true, false] {
            let mut affected = BitSet::new(self.dir.users().len());
            let mut named: Vec<String> = Vec::new();
            for policy in self.tenant.intune.conditional_access.iter().filter(|p| {
                p.requires_managed_device_or_app()
                    && !is_bms_classic(p)
                    && if enforced {
                        p.is_enabled()
                    } else {
                        p.is_report_only()
                    }
            }) {
                let reached = self.ca_reach(policy, devices_known);
                let count = reached.count();
                if count == 0 {
                    continue;
                }
                named.push(format!(
                    "\"{}\" requires {} of {}",
                    policy.display_name,
                    requirement(policy),
                    plural(count, "user BMS manages", "users BMS manages")
                ));
                affected.union_with(&reached);
            }
            if named.is_empty() {
                continue;
            }
            let subjects: Vec<Subject<'t>> = affected
                .iter()
                .map(|u| self.user(UserIx(u as u32)))
                .collect();
            let (what, effect) = if enforced {
                (
                    "Enabled Conditional Access policies",
                    "Today BMS reports these users' devices compliant to Microsoft Entra ID. At the switch \
                     the device's compliance comes from Intune instead: until it is enrolled and an Intune \
                     compliance policy has evaluated it compliant, the policy blocks the user from the apps it \
                     covers.",
                )
            } else {
                (
                    "Report-only Conditional Access policies",
                    "They block nobody today, but would once enabled; their sign-in logs show whom the switch \
                     would affect.",
                )
            };
            let mut finding = self.finding(
                Code::ExistingCaRequiresCompliance,
                format!(
                    "{what} ask for a managed device or app: {}. {effect}",
                    named.join("; ")
                ),
                subjects,
                "Before each wave: assign the replacement compliance policies (the plan's objects) to the \
                 wave's users, consider a grace period (--grace-hours), and check in each wave's gate that the \
                 wave's devices report compliant before the next; if that cannot be ensured, exclude the \
                 wave's licence group from these policies until it does."
                    .to_string(),
            );
            if !enforced {
                finding.severity = Severity::Info;
            }
            findings.push(finding);
        }
        findings
    }

    /// The users BMS manages that a CA policy reaches: all users or its included users and
    /// groups (transitively), minus its excluded users and groups; with a platform condition,
    /// only users with a BMS device on an included platform (when devices were exported).
    fn ca_reach(&self, policy: &ConditionalAccessPolicy, devices_known: bool) -> BitSet {
        let dir = self.dir;
        let groups =
            |ids: &[Guid]| -> Vec<GroupIx> { ids.iter().filter_map(|&id| dir.group(id)).collect() };
        let mut reached = if policy.include_all_users {
            (0..dir.users().len()).collect::<BitSet>()
        } else {
            let mut set = self
                .membership
                .users_in_any(&groups(&policy.include_groups));
            for &u in &policy.include_users {
                if let Some(u) = dir.user(u) {
                    set.insert(u.ix());
                }
            }
            set
        };
        let mut in_scope = BitSet::new(dir.users().len());
        in_scope.union_with(&self.targets.in_scope);
        let mut full = BitSet::new(dir.users().len());
        full.union_with(&reached);
        reached = full;
        reached.intersect_with(&in_scope);
        reached.difference_with(
            &self
                .membership
                .users_in_any(&groups(&policy.exclude_groups)),
        );
        for &u in &policy.exclude_users {
            if let Some(u) = dir.user(u) {
                reached.remove(u.ix());
            }
        }
        let platform_condition =
            !(policy.include_platforms.is_empty() && policy.exclude_platforms.is_empty());
        if platform_condition && devices_known {
            let users: Vec<usize> = reached.iter().collect();
            for u in users {
                let on_platform = self
                    .bms_devices_by_user
                    .get(UserIx(u as u32))
                    .iter()
                    .any(|d| platform_applies(policy, dir.managed_devices()[d.ix()].platform));
                if !on_platform {
                    reached.remove(u);
                }
            }
        }
        reached
    }

    /// `stale-devices`: BMS-managed devices whose last check-in is more than
    /// `staleDeviceDays` before the newest check-in of the snapshot (which dates the export,
    /// so the result does not depend on when the tool runs).
    pub(super) fn stale_devices(&self) -> Option<Finding<'t>> {
        let days = self.config.stale_device_days as i64;
        let synced: Vec<(ManagedDeviceIx, Date)> = self
            .bms_devices()
            .filter_map(|(d, md)| {
                md.last_sync
                    .as_deref()
                    .and_then(sync_date)
                    .map(|date| (d, date))
            })
            .collect();
        let newest = self
            .dir
            .managed_devices()
            .iter()
            .filter_map(|md| md.last_sync.as_deref().and_then(sync_date))
            .max()?;
        let subjects: Vec<Subject<'t>> = synced
            .iter()
            .filter(|(_, day)| newest.days_since(*day) > days)
            .map(|(d, _)| self.device(*d))
            .collect();
        if subjects.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::StaleDevices,
            format!(
                "{} managed by BMS last checked in more than {days} days before the newest check-in in the \
                 snapshot ({newest}). A device switches to Intune only when it checks in, so these will not move \
                 with their user's wave, and may no longer be in use.",
                plural(subjects.len(), "device", "devices"),
            ),
            subjects,
            "Ask the users whether the devices are still in use; retire the abandoned ones (or set an Intune \
             device clean-up rule) before the move, so the waves' exit gates do not wait on them. The number of \
             days is `staleDeviceDays` in the assessment config."
                .to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_dates_are_utc_days_and_never_is_none() {
        assert_eq!(sync_date("0001-01-01T00:00:00Z"), None);
        assert_eq!(sync_date("last Tuesday"), None);
        assert_eq!(
            sync_date("2025-08-14T09:12:44.123Z"),
            Some(Date::new(2025, 8, 14))
        );
        assert_eq!(
            sync_date("2025-08-14T22:00:00-05:00"),
            Some(Date::new(2025, 8, 15)),
            "offsets are normalised to UTC"
        );
    }
}

/// Constructed tenants that raise each of this module's codes, and variants that do not.
#[cfg(test)]
mod finding_tests {
    use super::*;
    use crate::config::AssessConfig;
    use crate::testkit::{Dev, IntuneTarget, Policy, TenantBuilder};
    use crate::{assess, Assessment};
    use bms2intune_model::ManagementAgent;

    fn run(t: &mut TenantBuilder) -> Assessment<'static> {
        assess(Box::leak(Box::new(t.build())), &AssessConfig::default())
    }

    fn subject_names(a: &Assessment, code: Code) -> Vec<String> {
        a.finding(code)
            .unwrap_or_else(|| panic!("{code} not raised; got {:?}", a.codes()))
            .subjects
            .iter()
            .map(|s| s.name.to_string())
            .collect()
    }

    /// Sales (a, b) under a BMS Block policy, with one iPhone each.
    fn sales_tenant() -> (TenantBuilder, GroupIx) {
        let mut t = TenantBuilder::new();
        let (a, b) = (t.user("a"), t.user("b"));
        t.managed(Dev::ios("A-IPHONE", "18.2").user(a));
        t.managed(Dev::android("B-PIXEL", "14").user(b));
        let sales = t.group("Sales", &[a, b], &[]);
        t.policy(Policy::block("Sales policy").targets(&[sales]));
        (t, sales)
    }

    #[test]
    fn intune_assignments_unknown_lists_unknown_targets_only() {
        let (mut t, sales) = sales_tenant();
        t.intune_compliance(
            "iosCompliancePolicy",
            "Known",
            &[IntuneTarget::Group(sales)],
        );
        t.intune_compliance(
            "iosCompliancePolicy",
            "Filtered",
            &[IntuneTarget::Filtered(sales)],
        );
        t.intune_configuration(
            "windows10GeneralConfiguration",
            "Co-managed",
            &[IntuneTarget::Collection("SMS00001")],
        );
        t.intune_configuration_unexported("iosGeneralDeviceConfiguration", "From a backup");
        t.intune_configuration_unexported("macOSGeneralDeviceConfiguration", "Mac only");
        let a = run(&mut t);
        let f = a.finding(Code::IntuneAssignmentsUnknown).expect("raised");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            subject_names(&a, Code::IntuneAssignmentsUnknown),
            ["Co-managed", "Filtered", "From a backup"],
            "known targets and macOS-only policies are not listed"
        );
        assert!(
            f.detail.contains("1 without exported assignments"),
            "{}",
            f.detail
        );
        assert!(
            f.detail
                .contains("Configuration Manager collection SMS00001"),
            "{}",
            f.detail
        );

        let (mut t, sales) = sales_tenant();
        t.intune_compliance(
            "iosCompliancePolicy",
            "Known",
            &[IntuneTarget::Group(sales), IntuneTarget::AllDevices],
        );
        assert!(run(&mut t)
            .finding(Code::IntuneAssignmentsUnknown)
            .is_none());
    }

    #[test]
    fn filtered_assignments_do_not_count_as_replacement_policies() {
        let mut t = TenantBuilder::new();
        let e3 = t.sku("SPE_E3", &["INTUNE_A", "INTUNE_O365"], 10, 1);
        let a = t.user("a");
        t.license(a, e3, &[]);
        t.managed(Dev::ios("A-IPHONE", "18.2").user(a));
        let sales = t.group("Sales", &[a], &[]);
        t.policy(Policy::block("Sales policy").targets(&[sales]));
        t.intune_compliance(
            "iosCompliancePolicy",
            "Filtered",
            &[IntuneTarget::Filtered(sales)],
        );
        assert!(run(&mut t)
            .finding(Code::LicensedWithoutReplacement)
            .is_some());
    }

    #[test]
    fn existing_ca_requiring_compliance_of_bms_users() {
        let (mut t, sales) = sales_tenant();
        let c = t.user("c");
        let others = t.group("Others", &[c], &[]);
        let b_only = t.group("B only", &[], &[]);
        let b = bms2intune_model::UserIx(1);
        t.add_member(b_only, b);
        t.conditional_access("All users - compliant", "enabled", None, &[b_only], &[]);
        t.conditional_access("iOS - compliant", "enabled", Some(&[sales]), &[], &["iOS"]);
        t.conditional_access("Others - compliant", "enabled", Some(&[others]), &[], &[]);
        t.conditional_access(
            "Pilot",
            "enabledForReportingButNotEnforced",
            Some(&[sales]),
            &[],
            &[],
        );
        t.conditional_access("Off", "disabled", Some(&[sales]), &[], &[]);
        let a = run(&mut t);
        let found: Vec<&Finding> = a
            .findings
            .iter()
            .filter(|f| f.code == Code::ExistingCaRequiresCompliance)
            .collect();
        assert_eq!(found.len(), 2);
        let (enforced, report_only) = (found[0], found[1]);
        assert_eq!(enforced.severity, Severity::Warning);
        assert_eq!(
            enforced
                .subjects
                .iter()
                .map(|s| s.name.to_string())
                .collect::<Vec<_>>(),
            ["a@contoso.test"],
            "b is excluded from the first and has no iOS device; c is not a BMS user"
        );
        assert!(
            enforced.detail.contains(
                "\"All users - compliant\" requires a compliant device of 1 user BMS manages"
            ),
            "{}",
            enforced.detail
        );
        assert!(
            enforced.detail.contains("\"iOS - compliant\""),
            "{}",
            enforced.detail
        );
        assert!(!enforced.detail.contains("Others"), "{}", enforced.detail);
        assert_eq!(report_only.severity, Severity::Info);
        assert_eq!(report_only.count, 2);

        let (mut t, _) = sales_tenant();
        let c = t.user("c");
        let others = t.group("Others", &[c], &[]);
        t.conditional_access("Others - compliant", "enabled", Some(&[others]), &[], &[]);
        t.conditional_access(
            "[Office 365 Exchange Online] Device policy",
            "enabled",
            None,
            &[],
            &[],
        );
        assert!(run(&mut t)
            .finding(Code::ExistingCaRequiresCompliance)
            .is_none());
    }

    #[test]
    fn no_user_affinity_counts_registered_owners() {
        let build = |owned: bool| {
            let mut t = TenantBuilder::new();
            let a = t.user("a");
            let entra = t.entra_device("SCANNER");
            t.managed(Dev::android("SCANNER", "13").entra(entra));
            t.managed(Dev::android("OTHER", "13"));
            if owned {
                t.tenant_mut()
                    .directory
                    .update_entra_device(entra, |d| d.owners = vec![a]);
            }
            t
        };
        let a = run(&mut build(true));
        let f = a.finding(Code::NoUserAffinity).expect("raised");
        assert_eq!(f.count, 2);
        assert!(
            f.detail.contains("1 of them has a registered owner"),
            "{}",
            f.detail
        );
        let a = run(&mut build(false));
        let f = a.finding(Code::NoUserAffinity).expect("raised");
        assert!(!f.detail.contains("registered owner"), "{}", f.detail);
    }

    #[test]
    fn stale_devices_relative_to_the_newest_check_in() {
        let build = |old: &str| {
            let mut t = TenantBuilder::new();
            let a = t.user("a");
            t.managed(
                Dev::ios("FRESH", "18.2")
                    .user(a)
                    .last_sync("2025-09-10T08:00:00Z"),
            );
            t.managed(Dev::ios("OLD", "18.2").user(a).last_sync(old));
            t.managed(
                Dev::ios("NEVER", "18.2")
                    .user(a)
                    .last_sync("0001-01-01T00:00:00Z"),
            );
            t.managed(
                Dev::ios("NOT-BMS", "18.2")
                    .user(a)
                    .agent(ManagementAgent::Mdm)
                    .last_sync("2024-01-01T00:00:00Z"),
            );
            t
        };
        let a = run(&mut build("2025-08-10T07:59:59Z"));
        let f = a.finding(Code::StaleDevices).expect("raised");
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(subject_names(&a, Code::StaleDevices), ["OLD"]);
        assert!(f.detail.contains("more than 30 days"), "{}", f.detail);
        // Exactly 30 days is not stale.
        assert!(run(&mut build("2025-08-11T00:00:00Z"))
            .finding(Code::StaleDevices)
            .is_none());
        let config = AssessConfig {
            stale_device_days: 10,
            ..AssessConfig::default()
        };
        let tenant = Box::leak(Box::new(build("2025-08-25T00:00:00Z").build()));
        assert!(assess(tenant, &config)
            .finding(Code::StaleDevices)
            .is_some());
    }
}
