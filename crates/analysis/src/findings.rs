//! The readiness findings: every risk Microsoft's "Prepare" step warns about, found, counted
//! and explained with its subjects before anything changes. This module owns the finding
//! vocabulary (stable kebab-case [`Code`]s, [`Severity`], [`Subject`]), the check behind each
//! code, and [`assess`], which runs them all over a [`Tenant`] and returns them sorted.
//!
//! **Severities**, as an Intune admin would triage them:
//! - `blocker`: switching now loses settings or cannot be licensed: `license-shortfall`,
//!   `licensed-without-replacement`.
//! - `warning`: must be decided or fixed before the switch, or some users and devices end up
//!   unmanaged or unsupported: `already-licensed-users`, `unlicensed-targets`,
//!   `unsupported-os`, `windows-not-migrated`, `android-device-admin`, `no-user-affinity`,
//!   `overlapping-bms-policies`, `unknown-target-group`, `education-sku`, `mam-only-license`.
//! - `info`: clean-up and communication: `policy-not-targeted`, `policy-pending-deletion`,
//!   `duplicate-policies`, `email-profile-reauth`, and `not-assessed`.
//!
//! **Count**: the number of subjects, except `license-shortfall`, whose count is the number of
//! missing seats (its subjects are every user who needs a new seat) and `not-assessed`
//! (count 0, no subjects).
//!
//! **Missing data**: a check whose Graph files are absent is not run; instead one
//! `not-assessed` finding per skipped code names the code (`assessedCode`) and the missing
//! files (`missing`). Checks that need only `bms/` always run; without groups,
//! `policy-not-targeted` checks only the all-zero sentinel and missing rules, and says so.
//!
//! Everything is deterministic: subjects are sorted by kind, name and ID; findings by
//! severity, code and the code they are about.

use crate::bitset::BitSet;
use crate::config::{AssessConfig, Date, OsFloors, Version};
use crate::devices::{
    assumed_gms, has_user_affinity, is_android_device_admin, is_bms_device, windows_kind,
    DevicesByUser, WindowsKind,
};
use crate::licensing::{is_education_sku, Licensing};
use crate::membership::Membership;
use crate::targets::BmsTargets;
use bms2intune_model::order::{rank_by_name, NameOrder};
use bms2intune_model::{
    AssignmentTarget, BmsPolicy, BmsSetting, DevicePlatform, Directory, GroupIx, Guid,
    IntunePolicy, ManagedDeviceIx, Part, SettingValue, SkuIx, Tenant, UserIx,
};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fix before switching anyone: users would lose settings or can't be licensed.
    Blocker,
    /// Decide or fix before the switch.
    Warning,
    /// Clean-up and communication.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $severity:ident, $title:literal, [$($part:ident),*] );* $(;)?) => {
        /// A stable finding code: automation may gate on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant ),* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant ),* ];

            /// The kebab-case code as written in `plan.json`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name ),* }
            }

            /// The severity of a finding with this code.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity ),* }
            }

            /// A one-line title.
            pub fn title(self) -> &'static str {
                match self { $( Code::$variant => $title ),* }
            }

            /// The Graph parts the check needs.
            pub fn needs(self) -> &'static [Part] {
                match self { $( Code::$variant => &[$(Part::$part),*] ),* }
            }

            /// Parses a code from its kebab-case name.
            pub fn from_name(name: &str) -> Option<Code> {
                Self::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

codes! {
    LicenseShortfall = "license-shortfall", Blocker,
        "Not enough free Intune licences for the users BMS manages",
        [Users, Groups, GroupMembers, SubscribedSkus];
    AlreadyLicensedUsers = "already-licensed-users", Warning,
        "Users in BMS targets already hold Intune: they switch when coexistence is turned on",
        [Users, Groups, GroupMembers];
    LicensedWithoutReplacement = "licensed-without-replacement", Blocker,
        "Intune-licensed users with BMS devices and no replacement Intune policy",
        [Users, Groups, GroupMembers, ManagedDevices];
    UnlicensedTargets = "unlicensed-targets", Warning,
        "Users in BMS targets without a licence that covers BMS or Intune",
        [Users, Groups, GroupMembers];
    UnsupportedOs = "unsupported-os", Warning,
        "Devices below Intune's supported OS versions",
        [ManagedDevices];
    WindowsNotMigrated = "windows-not-migrated", Warning,
        "Windows 8.1, RT, Phone and other non-desktop Windows devices: no policy migrates",
        [ManagedDevices];
    AndroidDeviceAdmin = "android-device-admin", Warning,
        "Android device administrator devices on Google Mobile Services: unsupported by Intune",
        [ManagedDevices];
    NoUserAffinity = "no-user-affinity", Warning,
        "BMS devices without a primary user: they do not switch automatically",
        [ManagedDevices];
    PolicyNotTargeted = "policy-not-targeted", Info,
        "BMS policies that target nobody or only empty groups",
        [];
    PolicyPendingDeletion = "policy-pending-deletion", Info,
        "BMS policies or rules pending deletion: not migrated",
        [];
    DuplicatePolicies = "duplicate-policies", Info,
        "BMS policies with identical settings",
        [];
    OverlappingBmsPolicies = "overlapping-bms-policies", Warning,
        "Users in more than one BMS policy: BMS applies the first, Intune merges all",
        [Users, Groups, GroupMembers];
    UnknownTargetGroup = "unknown-target-group", Warning,
        "BMS target or exclusion groups not found in the directory, or Microsoft 365 groups",
        [Groups];
    EducationSku = "education-sku", Warning,
        "Education SKUs: contact Microsoft support before migrating",
        [SubscribedSkus];
    MamOnlyLicense = "mam-only-license", Warning,
        "Intune licences assigned only for app protection: they switch devices too",
        [Users, Groups, GroupMembers, SubscribedSkus];
    EmailProfileReauth = "email-profile-reauth", Info,
        "Users with a BMS-managed email profile: expect a password prompt after the switch",
        [Users, Groups, GroupMembers];
    NotAssessed = "not-assessed", Info,
        "Not assessed: data missing from the snapshot",
        [];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What a subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    User,
    Group,
    Device,
    Policy,
    Sku,
}

impl SubjectKind {
    /// The JSON spelling: `user`, `group`, `device`, `policy`, `sku`.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::User => "user",
            SubjectKind::Group => "group",
            SubjectKind::Device => "device",
            SubjectKind::Policy => "policy",
            SubjectKind::Sku => "sku",
        }
    }
}

/// One user, group, device, policy or SKU a finding is about. Names borrow from the tenant:
/// a finding about a million users allocates no strings for them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject<'t> {
    pub kind: SubjectKind,
    /// Users: UPN; groups: display name; devices: device name; policies: policy name; SKUs:
    /// `skuPartNumber`. (Field order makes subjects sort by kind, then name, then ID.)
    pub name: Cow<'t, str>,
    /// Entra object ID, managed device ID, BMS policy GUID (its name when it has none), or
    /// `skuId`.
    pub id: SubjectId<'t>,
    /// Users and devices: the index into the directory's `users` or `managed_devices`, so
    /// that later stages count per user without looking the ID up again. Not serialized.
    #[serde(skip)]
    pub ix: Option<u32>,
}

/// A subject's ID: a GUID, or a name for the BMS policies that have none. Serialized as a
/// string; GUIDs order as their text does.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectId<'t> {
    Guid(Guid),
    Text(Cow<'t, str>),
}

impl SubjectId<'_> {
    /// Calls `f` with the ID as text (GUIDs are formatted on the stack).
    pub fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            SubjectId::Guid(g) => f(g.text().as_str()),
            SubjectId::Text(t) => f(t),
        }
    }
}

impl fmt::Display for SubjectId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectId::Guid(g) => g.fmt(f),
            SubjectId::Text(t) => f.write_str(t),
        }
    }
}

impl Serialize for SubjectId<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_str(|text| s.serialize_str(text))
    }
}

/// A group the assessment proposes to create (the Group 1 / Group 2 split).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposedGroup<'t> {
    /// `group1` or `group2`.
    pub key: String,
    pub display_name: String,
    pub description: String,
    pub members: Vec<Subject<'t>>,
    /// Members left out of `members` by the plan's list limit (`plan.json` `listLimit`).
    #[serde(skip_serializing_if = "is_zero")]
    pub members_omitted: u64,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding<'t> {
    pub code: Code,
    pub severity: Severity,
    pub title: String,
    pub detail: String,
    pub count: u64,
    pub subjects: Vec<Subject<'t>>,
    /// Subjects left out of `subjects` by the plan's list limit (`plan.json` `listLimit`);
    /// `findings.csv` lists them all.
    #[serde(skip_serializing_if = "is_zero")]
    pub subjects_omitted: u64,
    pub remediation: String,
    /// `already-licensed-users` only: the proposed Group 1 / Group 2 split.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proposed_groups: Vec<ProposedGroup<'t>>,
    /// `not-assessed` only: the code that could not be assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed_code: Option<Code>,
    /// `not-assessed` only: the snapshot files that were missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// A BMS policy (or orphaned rule) as a subject: its GUID, or its name when it has none.
fn policy_subject(name: &str, guid: Option<Guid>) -> Subject<'_> {
    Subject {
        kind: SubjectKind::Policy,
        name: Cow::Borrowed(name),
        id: guid.map_or(SubjectId::Text(Cow::Borrowed(name)), SubjectId::Guid),
        ix: None,
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Number of findings per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub blockers: usize,
    pub warnings: usize,
    pub info: usize,
}

/// The result of [`assess`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment<'t> {
    /// The date the assessment was made for.
    pub as_of: Date,
    /// The OS floors used, with their source.
    pub os_floors: OsFloors,
    pub summary: Summary,
    pub findings: Vec<Finding<'t>>,
}

impl<'t> Assessment<'t> {
    /// The finding with this code (the first, for `not-assessed`).
    pub fn finding(&self, code: Code) -> Option<&Finding<'t>> {
        self.findings.iter().find(|f| f.code == code)
    }

    /// The distinct codes raised, `not-assessed` included, sorted.
    pub fn codes(&self) -> Vec<Code> {
        let mut codes: Vec<Code> = self.findings.iter().map(|f| f.code).collect();
        codes.sort();
        codes.dedup();
        codes
    }

    pub fn has_blockers(&self) -> bool {
        self.summary.blockers > 0
    }
}

/// Assesses a tenant's readiness to move from BMS to Intune.
pub fn assess<'t>(tenant: &'t Tenant, config: &AssessConfig) -> Assessment<'t> {
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(tenant, &membership);
    let licensing = Licensing::new(&tenant.directory, config);
    assess_with(tenant, config, &membership, &targets, &licensing)
}

/// [`assess`] with group membership, BMS targets and licensing already computed (the `plan`
/// pipeline needs them for staging and simulation too, and expanding groups is the costly
/// part on a large tenant). `licensing` must have been built with the same `config`.
pub fn assess_with<'t>(
    tenant: &'t Tenant,
    config: &AssessConfig,
    membership: &Membership,
    targets: &BmsTargets,
    licensing: &Licensing,
) -> Assessment<'t> {
    let ctx = Ctx::new(tenant, config, membership, targets, licensing);
    let mut findings = Vec::new();
    for &code in Code::ALL {
        if code == Code::NotAssessed {
            continue;
        }
        let missing = ctx.missing_files(code);
        if !missing.is_empty() {
            findings.push(not_assessed(code, missing));
            continue;
        }
        let finding = match code {
            Code::LicenseShortfall => ctx.license_shortfall(),
            Code::AlreadyLicensedUsers => ctx.already_licensed_users(),
            Code::LicensedWithoutReplacement => ctx.licensed_without_replacement(),
            Code::UnlicensedTargets => ctx.unlicensed_targets(),
            Code::UnsupportedOs => ctx.unsupported_os(),
            Code::WindowsNotMigrated => ctx.windows_not_migrated(),
            Code::AndroidDeviceAdmin => ctx.android_device_admin(),
            Code::NoUserAffinity => ctx.no_user_affinity(),
            Code::PolicyNotTargeted => ctx.policy_not_targeted(),
            Code::PolicyPendingDeletion => ctx.policy_pending_deletion(),
            Code::DuplicatePolicies => ctx.duplicate_policies(),
            Code::OverlappingBmsPolicies => ctx.overlapping_bms_policies(),
            Code::UnknownTargetGroup => ctx.unknown_target_group(),
            Code::EducationSku => ctx.education_sku(),
            Code::MamOnlyLicense => ctx.mam_only_license(),
            Code::EmailProfileReauth => ctx.email_profile_reauth(),
            Code::NotAssessed => None,
        };
        findings.extend(finding);
    }
    findings.sort_by(|a, b| {
        (a.severity, a.code, a.assessed_code, &a.title).cmp(&(
            b.severity,
            b.code,
            b.assessed_code,
            &b.title,
        ))
    });
    let mut summary = Summary::default();
    for f in &findings {
        match f.severity {
            Severity::Blocker => summary.blockers += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.info += 1,
        }
    }
    Assessment {
        as_of: config.as_of,
        os_floors: config.os_floors.clone(),
        summary,
        findings,
    }
}

fn not_assessed(code: Code, missing: Vec<String>) -> Finding<'static> {
    Finding {
        code: Code::NotAssessed,
        severity: Code::NotAssessed.severity(),
        title: format!("Not assessed: {code}"),
        detail: format!(
            "{code} ({}) needs {} in the snapshot.",
            code.title(),
            missing.join(", ")
        ),
        count: 0,
        subjects: Vec::new(),
        subjects_omitted: 0,
        remediation: format!(
            "Export {} with the Graph requests in docs/snapshot.md and run the assessment again.",
            missing.join(", ")
        ),
        proposed_groups: Vec::new(),
        assessed_code: Some(code),
        missing,
    }
}

/// The snapshot file (or folder) of a Graph part.
fn part_file(part: Part) -> String {
    match part {
        Part::GroupMembers => "graph/groupMembers/".to_string(),
        _ => format!("graph/{}.json", part.file_stem()),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Everything the checks share, computed once.
/// `'t`: the tenant, which findings borrow names from; `'c`: the stages' other results.
struct Ctx<'t, 'c> {
    tenant: &'t Tenant,
    dir: &'t Directory,
    config: &'c AssessConfig,
    membership: &'c Membership<'c>,
    targets: &'c BmsTargets,
    licensing: &'c Licensing,
    /// Managed devices per user (BMS-managed only), as sorted lists.
    bms_devices_by_user: DevicesByUser,
}

impl<'t, 'c> Ctx<'t, 'c> {
    fn new(
        tenant: &'t Tenant,
        config: &'c AssessConfig,
        membership: &'c Membership<'c>,
        targets: &'c BmsTargets,
        licensing: &'c Licensing,
    ) -> Ctx<'t, 'c> {
        let dir = &tenant.directory;
        let bms_devices_by_user = DevicesByUser::new(dir, |_, md| is_bms_device(dir, md));
        Ctx {
            tenant,
            dir,
            config,
            membership,
            targets,
            licensing,
            bms_devices_by_user,
        }
    }

    fn has_part(&self, part: Part) -> bool {
        self.tenant.parts.contains(part)
            || (part == Part::GroupMembers && self.dir.groups.iter().any(|g| g.members_known))
    }

    fn missing_files(&self, code: Code) -> Vec<String> {
        code.needs()
            .iter()
            .copied()
            .filter(|p| !self.has_part(*p))
            .map(part_file)
            .collect()
    }

    // ----- subjects -----

    fn user(&self, u: UserIx) -> Subject<'t> {
        let user = &self.dir.users[u.ix()];
        Subject {
            kind: SubjectKind::User,
            name: Cow::Borrowed(&user.user_principal_name),
            id: SubjectId::Guid(user.id),
            ix: Some(u.ix() as u32),
        }
    }

    fn group(&self, g: GroupIx) -> Subject<'t> {
        let group = &self.dir.groups[g.ix()];
        Subject {
            kind: SubjectKind::Group,
            name: Cow::Borrowed(&group.display_name),
            id: SubjectId::Guid(group.id),
            ix: None,
        }
    }

    fn device(&self, d: ManagedDeviceIx) -> Subject<'t> {
        let md = &self.dir.managed_devices[d.ix()];
        Subject {
            kind: SubjectKind::Device,
            name: Cow::Borrowed(&md.device_name),
            id: SubjectId::Guid(md.id),
            ix: Some(d.ix() as u32),
        }
    }

    fn policy(&self, p: &'t BmsPolicy) -> Subject<'t> {
        policy_subject(&p.name, p.guid)
    }

    fn sku(&self, s: SkuIx) -> Subject<'t> {
        let sku = &self.dir.skus[s.ix()];
        Subject {
            kind: SubjectKind::Sku,
            name: Cow::Borrowed(&sku.part_number),
            id: SubjectId::Guid(sku.sku_id),
            ix: None,
        }
    }

    fn finding(
        &self,
        code: Code,
        detail: String,
        mut subjects: Vec<Subject<'t>>,
        remediation: String,
    ) -> Finding<'t> {
        self.sort_subjects(&mut subjects);
        subjects.dedup();
        Finding {
            code,
            severity: code.severity(),
            title: code.title().to_string(),
            detail,
            count: subjects.len() as u64,
            subjects,
            subjects_omitted: 0,
            remediation,
            proposed_groups: Vec::new(),
            assessed_code: None,
            missing: Vec::new(),
        }
    }

    /// Sorts subjects in their `Ord` order (kind, name, ID). The large lists are ranked instead
    /// of compared string by string: users by the directory's UPN rank table (which the
    /// simulation needs too), other lists of one kind by `model::order::rank_by_name`. Same
    /// order, several times faster on a large tenant.
    fn sort_subjects(&self, subjects: &mut Vec<Subject<'t>>) {
        let guid = |s: &Subject<'t>| match s.id {
            SubjectId::Guid(g) => Some(g),
            SubjectId::Text(_) => None,
        };
        let uniform = subjects.first().is_some_and(|first| {
            subjects
                .iter()
                .all(|s| s.kind == first.kind && guid(s).is_some())
        });
        if !uniform {
            subjects.sort_unstable();
            return;
        }
        if subjects[0].kind == SubjectKind::User && subjects.iter().all(|s| s.ix.is_some()) {
            // Users: the directory's rank table, which the simulation needs too.
            let rank = self.dir.user_rank(NameOrder::Exact);
            subjects.sort_by_cached_key(|s| s.ix.and_then(|u| rank.get(u as usize).copied()));
            return;
        }
        let rank = rank_by_name(
            subjects.len(),
            NameOrder::Exact,
            |i| &subjects[i].name,
            |i| guid(&subjects[i]).unwrap_or_default(),
        );
        let mut ranked: Vec<(u32, Subject<'t>)> =
            rank.iter().copied().zip(subjects.drain(..)).collect();
        ranked.sort_unstable_by_key(|(r, _)| *r);
        subjects.extend(ranked.into_iter().map(|(_, s)| s));
    }

    fn policy_name(&self, p: usize) -> &str {
        &self.tenant.bms.policies[p].name
    }

    fn in_scope_users(&self) -> impl Iterator<Item = UserIx> + '_ {
        self.targets.in_scope.iter().map(|u| UserIx(u as u32))
    }

    /// BMS-managed devices, in snapshot order.
    fn bms_devices(
        &self,
    ) -> impl Iterator<Item = (ManagedDeviceIx, &bms2intune_model::ManagedDevice)> + '_ {
        self.dir
            .managed_devices
            .iter()
            .enumerate()
            .filter(|(_, md)| is_bms_device(self.dir, md))
            .map(|(i, md)| (ManagedDeviceIx(i as u32), md))
    }

    // ----- licences -----

    fn license_shortfall(&self) -> Option<Finding<'t>> {
        let (mut licensed, mut can_enable, mut need) = (0usize, 0usize, Vec::new());
        for u in self.in_scope_users() {
            if self.licensing.has_intune(u) {
                licensed += 1;
            } else if self.licensing.can_enable_intune(u) {
                can_enable += 1;
            } else {
                need.push(u);
            }
        }
        let free = self.licensing.free_intune_seats();
        let short = (need.len() as i64).saturating_sub(free);
        if short <= 0 {
            return None;
        }
        let skus = if self.licensing.intune_skus.is_empty() {
            "no subscribed SKU includes an Intune plan".to_string()
        } else {
            self.licensing
                .intune_skus
                .iter()
                .map(|s| format!("{} {} free of {}", s.part_number, s.free, s.enabled))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let in_scope = licensed + can_enable + need.len();
        let mut f = self.finding(
            Code::LicenseShortfall,
            format!(
                "Users in scope of BMS policies: {in_scope}. Already Intune-licensed: {licensed}; Intune plan only \
                 switched off in a licence they hold (switching it on needs no new seat): {can_enable}; needing a \
                 new Intune seat: {}. Free Intune seats: {free} ({skus}). Short by {short}.",
                need.len()
            ),
            need.iter().map(|&u| self.user(u)).collect(),
            format!(
                "Buy or free up at least {short} Intune-capable seats (Intune Plan 1, EMS E3/E5, Microsoft 365 \
                 E3/E5/F3 or Business Premium) before the switch. Assign them only after the replacement Intune \
                 policies are in place: a licence switches the user's devices at the next check-in."
            ),
        );
        f.count = short as u64;
        Some(f)
    }

    fn already_licensed_users(&self) -> Option<Finding<'t>> {
        let (group1, group2): (Vec<UserIx>, Vec<UserIx>) = self
            .in_scope_users()
            .partition(|&u| self.licensing.has_intune(u));
        if group1.is_empty() {
            return None;
        }
        let subjects = |users: &[UserIx]| {
            let mut s: Vec<Subject<'t>> = users.iter().map(|&u| self.user(u)).collect();
            self.sort_subjects(&mut s);
            s
        };
        let group1_members = subjects(&group1);
        let mut f = self.finding(
            Code::AlreadyLicensedUsers,
            format!(
                "{} of the {} in BMS targets already hold an Intune licence. When coexistence is turned on (the \
                 Intune MDM authority is added), their devices move to Intune at the next check-in: the BMS \
                 settings are removed and only Intune policies assigned to them apply.",
                group1.len(),
                plural(group1.len() + group2.len(), "user", "users")
            ),
            group1_members.clone(),
            "Split the BMS target groups in two. Group 1 (Intune-licensed) gets the replacement Intune policies \
             before coexistence is turned on; Group 2 (not yet licensed) stays under BMS and is licensed wave by \
             wave once its replacement policies are assigned. Keep BMS policies assigned only to users without \
             Intune licences."
                .to_string(),
        );
        f.proposed_groups = vec![
            ProposedGroup {
                key: "group1".into(),
                display_name: "BMS migration - Group 1 (Intune-licensed)".into(),
                description: "Users in BMS targets who already hold Intune: they switch as soon as coexistence is on. \
                              Assign the replacement Intune policies to this group first."
                    .into(),
                members: group1_members,
                members_omitted: 0,
            },
            ProposedGroup {
                key: "group2".into(),
                display_name: "BMS migration - Group 2 (BMS until licensed)".into(),
                description: "Users in BMS targets without Intune: they stay on BMS until licensed. License them \
                              after the replacement policies are assigned to this group."
                    .into(),
                members: subjects(&group2),
                members_omitted: 0,
            },
        ];
        Some(f)
    }

    fn licensed_without_replacement(&self) -> Option<Finding<'t>> {
        let intune = IntuneCoverage::new(self);
        let mut users = Vec::new();
        let mut devices = 0usize;
        for (u, list) in self.bms_devices_by_user.iter() {
            if !self.targets.is_in_scope(u) || !self.licensing.has_intune(u) {
                continue;
            }
            let uncovered = list.iter().filter(|&&d| !intune.covers(self, u, d)).count();
            if uncovered > 0 {
                users.push(u);
                devices += uncovered;
            }
        }
        if users.is_empty() {
            return None;
        }
        let assumption = if intune.exported {
            String::new()
        } else {
            format!(
                " {} missing: assumed that no Intune policy exists yet.",
                intune
                    .missing
                    .iter()
                    .map(|p| part_file(*p))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        };
        Some(self.finding(
            Code::LicensedWithoutReplacement,
            format!(
                "{} hold Intune and have {} still managed by BMS with no Intune compliance policy or configuration \
                 profile for the device's platform assigned to them. At the next check-in after coexistence is on, \
                 these devices lose every BMS setting and the managed email profile, with nothing in their place.{assumption}",
                plural(users.len(), "user", "users"),
                plural(devices, "device", "devices")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Create the replacement Intune policies (the plan's compliance policies and configuration profiles, \
             including the email profile) and assign them to these users before turning on coexistence, or remove \
             their Intune licence until then."
                .to_string(),
        ))
    }

    fn unlicensed_targets(&self) -> Option<Finding<'t>> {
        let users: Vec<UserIx> = self
            .in_scope_users()
            .filter(|&u| !self.licensing.has_intune(u) && !self.licensing.has_bms(u))
            .collect();
        if users.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::UnlicensedTargets,
            format!(
                "{} in BMS targets hold no licence with BMS (INTUNE_O365) or Intune. BMS does not manage their \
                 devices today, so the policies don't reach them in practice; after the move they are managed only \
                 once they get an Intune licence, and then have to enrol.",
                plural(users.len(), "user", "users")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Decide per user: license them for Intune with the rest of their wave (they count in the seat need), or \
             remove them from the BMS target groups if they should not be managed."
                .to_string(),
        ))
    }

    fn mam_only_license(&self) -> Option<Finding<'t>> {
        let users: Vec<UserIx> = self
            .in_scope_users()
            .filter(|&u| self.licensing.is_mam_only(u))
            .collect();
        if users.is_empty() {
            return None;
        }
        let listed = if self.config.app_protection_only_skus.is_empty() {
            String::new()
        } else {
            format!(
                " or a SKU listed as app-protection-only ({})",
                self.config.app_protection_only_skus.join(", ")
            )
        };
        Some(self.finding(
            Code::MamOnlyLicense,
            format!(
                "{} in BMS targets hold Intune only through a licence trimmed to Intune and identity plans{listed}, \
                 which looks assigned for app protection (MAM). Any Intune licence switches the user's enrolled \
                 devices from BMS to Intune once coexistence is on, whatever it was assigned for.",
                plural(users.len(), "user", "users")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Treat these users like Group 1: assign the replacement Intune policies to them before coexistence, or \
             remove the Intune plan until their wave. Microsoft advises not to assign Intune licences for MAM \
             before the migration."
                .to_string(),
        ))
    }

    fn education_sku(&self) -> Option<Finding<'t>> {
        let skus: Vec<SkuIx> = (0..self.dir.skus.len())
            .map(|i| SkuIx(i as u32))
            .filter(|s| {
                let sku = &self.dir.skus[s.ix()];
                sku.subscribed && is_education_sku(self.dir, *s, self.config)
            })
            .collect();
        if skus.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::EducationSku,
            format!(
                "The tenant subscribes to {}: EMS A3/A5 for faculty or students, or a product that includes \
                 Intune for Education. Microsoft's migration guide (06/25/2024) says to contact support before \
                 migrating tenants with these products; the 01/22/2026 guide no longer lists them, so review them \
                 by hand.",
                plural(skus.len(), "education SKU", "education SKUs")
            ),
            skus.iter().map(|&s| self.sku(s)).collect(),
            "Open a Microsoft support request describing the BMS-to-Intune move and these SKUs before licensing \
             anyone or turning on coexistence."
                .to_string(),
        ))
    }

    // ----- devices -----

    fn unsupported_os(&self) -> Option<Finding<'t>> {
        let floors = &self.config.os_floors;
        let windows10_allowed_only = self.config.as_of >= self.config.windows10_end_of_support;
        let mut below: BTreeMap<DevicePlatform, usize> = BTreeMap::new();
        let (mut windows10, mut unreadable) = (0usize, 0usize);
        let mut subjects = Vec::new();
        for (d, md) in self.bms_devices() {
            if md.platform == DevicePlatform::Windows {
                match windows_kind(md) {
                    WindowsKind::Desktop10 if windows10_allowed_only => {
                        windows10 += 1;
                        subjects.push(self.device(d));
                    }
                    WindowsKind::Unknown => unreadable += 1,
                    _ => {}
                }
                continue;
            }
            let Some(floor) = floors.floor(md.platform) else {
                continue;
            };
            match Version::parse(&md.os_version) {
                Some(v) if v < *floor => {
                    *below.entry(md.platform).or_default() += 1;
                    subjects.push(self.device(d));
                }
                Some(_) => {}
                None => unreadable += 1,
            }
        }
        if subjects.is_empty() {
            return None;
        }
        let mut parts: Vec<String> = below
            .iter()
            .filter_map(|(p, n)| {
                floors
                    .floor(*p)
                    .map(|f| format!("{} below {}: {n}", p.label(), f))
            })
            .collect();
        if windows10 > 0 {
            parts.push(format!(
                "Windows 10 (\"allowed\", no longer supported since {}): {windows10}",
                self.config.windows10_end_of_support
            ));
        }
        let unreadable = if unreadable > 0 {
            format!(
                " {} had no readable OS version and were not assessed.",
                plural(unreadable, "device", "devices")
            )
        } else {
            String::new()
        };
        Some(self.finding(
            Code::UnsupportedOs,
            format!(
                "{} managed by BMS run an OS Intune does not support as of {}: {}. Floors: {} (reviewed {}). \
                 Unsupported versions may keep working after the move but without support, and new enrolments \
                 below the floor are refused.{unreadable}",
                plural(subjects.len(), "device", "devices"),
                self.config.as_of,
                parts.join("; "),
                floors.source,
                floors.reviewed
            ),
            subjects,
            "Ask the users to update these devices (or replace them) before their wave; meanwhile consider an Intune \
             compliance policy with a minimum OS version and a grace period."
                .to_string(),
        ))
    }

    fn windows_not_migrated(&self) -> Option<Finding<'t>> {
        let mut kinds: BTreeMap<WindowsKind, usize> = BTreeMap::new();
        let mut subjects = Vec::new();
        for (d, md) in self.bms_devices() {
            if !matches!(
                md.platform,
                DevicePlatform::Windows | DevicePlatform::WindowsMobile
            ) {
                continue;
            }
            let kind = windows_kind(md);
            if kind.is_not_migrated() {
                *kinds.entry(kind).or_default() += 1;
                subjects.push(self.device(d));
            }
        }
        if subjects.is_empty() {
            return None;
        }
        let breakdown = kinds
            .iter()
            .map(|(k, n)| format!("{}: {n}", k.label()))
            .collect::<Vec<_>>()
            .join(", ");
        Some(self.finding(
            Code::WindowsNotMigrated,
            format!(
                "{} managed by BMS run Windows other than Windows 10/11 desktop ({breakdown}). Only Windows 10/11 \
                 desktop policy migrates; if their users are licensed for Intune these devices lose their BMS \
                 configuration and Intune does not support them.",
                plural(subjects.len(), "device", "devices")
            ),
            subjects,
            "Retire or replace these devices before their users' wave; until then keep those users on BMS (no \
             Intune licence) or accept that the devices become unmanaged."
                .to_string(),
        ))
    }

    fn android_device_admin(&self) -> Option<Finding<'t>> {
        let mut subjects = Vec::new();
        let (mut non_gms, mut by_bms) = (0usize, 0usize);
        for (i, md) in self.dir.managed_devices.iter().enumerate() {
            if !is_android_device_admin(md) {
                continue;
            }
            if assumed_gms(md, self.config) {
                subjects.push(self.device(ManagedDeviceIx(i as u32)));
                by_bms += usize::from(is_bms_device(self.dir, md));
            } else {
                non_gms += 1;
            }
        }
        if subjects.is_empty() {
            return None;
        }
        let non_gms = if non_gms > 0 {
            format!(
                " {} without GMS (by manufacturer) were left out.",
                plural(non_gms, "device", "devices")
            )
        } else {
            String::new()
        };
        Some(self.finding(
            Code::AndroidDeviceAdmin,
            format!(
                "{} enrolled through Android device administrator ({by_bms} managed by BMS, which enrols Android \
                 that way; {} already by Intune), assumed to have Google Mobile Services (Graph v1.0 cannot tell; \
                 list exceptions in nonGmsManufacturers). Intune ended device administrator support on GMS devices \
                 on 31 December 2024: no enrolment, fixes or support.{non_gms}",
                plural(subjects.len(), "Android device is", "Android devices are"),
                subjects.len() - by_bms
            ),
            subjects,
            "Plan a re-enrolment as Android Enterprise personally-owned work profile (Intune's guided move: the \
             compliance setting \"Block devices managed with device administrator\", Company Portal 5.0.4720.0 or \
             later; raise the device limit meanwhile), or move these users to app protection without enrolment."
                .to_string(),
        ))
    }

    fn no_user_affinity(&self) -> Option<Finding<'t>> {
        let subjects: Vec<Subject<'t>> = self
            .bms_devices()
            .filter(|(_, md)| !has_user_affinity(md))
            .map(|(d, _)| self.device(d))
            .collect();
        if subjects.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::NoUserAffinity,
            format!(
                "{} managed by BMS have no primary user (no user, or a userless enrolment type). The switch to \
                 Intune follows the user's licence, so these devices are not moved automatically.",
                plural(subjects.len(), "device", "devices")
            ),
            subjects,
            "Ask Microsoft support to move these devices to the Intune authority, or retire them and re-enrol them \
             with a user (or as userless devices with Intune device licences)."
                .to_string(),
        ))
    }

    // ----- policies -----

    fn policy_not_targeted(&self) -> Option<Finding<'t>> {
        let directory_known = self.has_part(Part::Groups);
        let members_known = directory_known && self.has_part(Part::GroupMembers);
        let mut reasons: Vec<(Subject, String)> = Vec::new();
        for p in self.tenant.bms.mappable_policies() {
            let reason = match &p.rule {
                None => Some("has no rule".to_string()),
                Some(rule) if rule.targets_nobody() => {
                    Some("targets nobody (00000000-…)".to_string())
                }
                Some(rule) if directory_known => {
                    let mut kinds: Vec<&str> = Vec::new();
                    let mut reaches_someone = false;
                    for id in rule.real_target_groups() {
                        let kind = match self.dir.group(id) {
                            None => "groups not in the directory",
                            Some(g) if self.dir.groups[g.ix()].unified => "Microsoft 365 groups",
                            Some(g) if members_known && self.membership.is_known_empty(g) => {
                                "empty groups"
                            }
                            Some(_) => {
                                reaches_someone = true;
                                continue;
                            }
                        };
                        if !kinds.contains(&kind) {
                            kinds.push(kind);
                        }
                    }
                    kinds.sort_unstable();
                    (!reaches_someone).then(|| format!("targets only {}", kinds.join(" and ")))
                }
                Some(_) => None,
            };
            if let Some(reason) = reason {
                reasons.push((self.policy(p), reason));
            }
        }
        if reasons.is_empty() {
            return None;
        }
        reasons.sort();
        let list = reasons
            .iter()
            .map(|(s, r)| format!("{} {r}", s.name))
            .collect::<Vec<_>>()
            .join("; ");
        let partial = if members_known {
            String::new()
        } else {
            format!(
                " Empty-group check skipped: {} missing.",
                [Part::Groups, Part::GroupMembers]
                    .into_iter()
                    .filter(|p| !self.has_part(*p))
                    .map(part_file)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Some(self.finding(
            Code::PolicyNotTargeted,
            format!(
                "{} reach nobody: {list}. They would migrate to Intune policies with no assignment.{partial}",
                plural(reasons.len(), "BMS policy would", "BMS policies would")
            ),
            reasons.into_iter().map(|(s, _)| s).collect(),
            "Delete these policies in BMS if they are no longer needed (fewer policies to review), or target them at \
             the right groups before planning."
                .to_string(),
        ))
    }

    fn policy_pending_deletion(&self) -> Option<Finding<'t>> {
        let mut subjects: Vec<Subject<'t>> = self
            .tenant
            .bms
            .policies
            .iter()
            .filter(|p| p.effective_mode().is_deleting())
            .map(|p| self.policy(p))
            .collect();
        subjects.extend(
            self.tenant
                .bms
                .orphan_rules
                .iter()
                .filter(|r| r.mode.is_deleting())
                .map(|r| policy_subject(&r.name, r.policy_guid)),
        );
        if subjects.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::PolicyPendingDeletion,
            format!(
                "{} pending deletion (the policy or its rule is in PendingDeletion or Deleted mode). They are shown \
                 but not migrated.",
                plural(subjects.len(), "BMS policy or rule is", "BMS policies or rules are")
            ),
            subjects,
            "Nothing to do if the deletion was intended. If a policy is still needed, recreate it in BMS before \
             planning, or create its Intune replacement by hand."
                .to_string(),
        ))
    }

    fn duplicate_policies(&self) -> Option<Finding<'t>> {
        type Key<'a> = (
            bms2intune_model::PolicyKind,
            Vec<(BmsSetting, &'a SettingValue)>,
        );
        let mut clusters: BTreeMap<Key<'_>, Vec<&BmsPolicy>> = BTreeMap::new();
        for p in self.tenant.bms.mappable_policies() {
            if let Some(rule) = &p.rule {
                clusters
                    .entry((p.kind, rule.settings.configured().collect()))
                    .or_default()
                    .push(p);
            }
        }
        let mut groups: Vec<Vec<String>> = clusters
            .values()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut names: Vec<String> = c.iter().map(|p| p.name.clone()).collect();
                names.sort();
                names
            })
            .collect();
        if groups.is_empty() {
            return None;
        }
        groups.sort();
        let subjects: Vec<Subject<'t>> = clusters
            .values()
            .filter(|c| c.len() > 1)
            .flat_map(|c| c.iter().map(|p| self.policy(p)))
            .collect();
        let list = groups
            .iter()
            .map(|g| g.join(" = "))
            .collect::<Vec<_>>()
            .join("; ");
        Some(self.finding(
            Code::DuplicatePolicies,
            format!(
                "{} have the same kind and identical settings: {list}. Each would become its own set of Intune \
                 policies.",
                plural(subjects.len(), "BMS policy", "BMS policies")
            ),
            subjects,
            "Merge each set into one policy targeting all their groups (or delete the extras) before migrating: \
             fewer Intune policies to review and assign."
                .to_string(),
        ))
    }

    fn overlapping_bms_policies(&self) -> Option<Finding<'t>> {
        let mut combos: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        let mut users = Vec::new();
        for u in self.in_scope_users() {
            let mut it = self.targets.policies_of_user(u);
            let (Some(first), Some(second)) = (it.next(), it.next()) else {
                continue;
            };
            let mut combo = vec![first.policy, second.policy];
            combo.extend(it.map(|p| p.policy));
            *combos.entry(combo).or_default() += 1;
            users.push(u);
        }
        if users.is_empty() {
            return None;
        }
        let mut lines: Vec<(usize, String)> = combos
            .iter()
            .map(|(combo, n)| {
                let names = combo
                    .iter()
                    .map(|&p| self.policy_name(p))
                    .collect::<Vec<_>>();
                (
                    *n,
                    format!("{n} in {} (BMS applies {})", names.join(" + "), names[0]),
                )
            })
            .collect();
        lines.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Some(self.finding(
            Code::OverlappingBmsPolicies,
            format!(
                "{} are targeted by more than one BMS policy: {}. BMS applies only the first by priority; Intune \
                 applies every assigned policy and resolves conflicts per setting (compliance: the most restrictive \
                 wins; configuration profiles: the conflict is shown and left for an admin to fix), so these users may get \
                 stricter or conflicting settings after the move.",
                plural(users.len(), "user", "users"),
                lines.into_iter().map(|(_, l)| l).collect::<Vec<_>>().join("; ")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Before migrating, make the target groups disjoint (exclude higher-priority policy groups from the \
             lower ones in Intune assignments), or accept the merged result after reviewing it in the plan."
                .to_string(),
        ))
    }

    fn unknown_target_group(&self) -> Option<Finding<'t>> {
        let mut uses: BTreeMap<Guid, Vec<String>> = BTreeMap::new();
        for p in self.tenant.bms.mappable_policies() {
            for id in p.rule.iter().flat_map(|r| r.real_target_groups()) {
                uses.entry(id)
                    .or_default()
                    .push(format!("target of {}", p.name));
            }
        }
        for id in self.tenant.bms.tenant.exclusion_groups() {
            uses.entry(id)
                .or_default()
                .push("ExclusionList".to_string());
        }
        let mut subjects = Vec::new();
        let mut lines = Vec::new();
        for (id, mut used) in uses {
            used.sort();
            used.dedup();
            let (subject, what) = match self.dir.group(id) {
                Some(g) if self.dir.groups[g.ix()].unified => {
                    (self.group(g), "is a Microsoft 365 group (not allowed)")
                }
                Some(_) => continue,
                None if self.dir.user(id).is_some() => (
                    Subject {
                        kind: SubjectKind::Group,
                        name: "(a user, not a group)".into(),
                        id: SubjectId::Guid(id),
                        ix: None,
                    },
                    "is a user ID",
                ),
                None => (
                    Subject {
                        kind: SubjectKind::Group,
                        name: "(not in directory)".into(),
                        id: SubjectId::Guid(id),
                        ix: None,
                    },
                    "is not in the directory",
                ),
            };
            lines.push(format!("{id} {what}, {}", used.join(", ")));
            subjects.push(subject);
        }
        if subjects.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::UnknownTargetGroup,
            format!(
                "{} used by BMS cannot be resolved to a security group: {}. BMS applies nothing through them, and \
                 their members cannot be counted or carried over to Intune assignments and exclusions.",
                plural(subjects.len(), "group", "groups"),
                lines.join("; ")
            ),
            subjects,
            "Check each ID in Entra ID: re-export graph/groups.json if the group exists, replace deleted groups and \
             Microsoft 365 groups with security groups, and fix the BMS policy or ExclusionList before planning."
                .to_string(),
        ))
    }

    fn email_profile_reauth(&self) -> Option<Finding<'t>> {
        let mut users = Vec::new();
        let (mut devices, mut apple) = (0usize, 0usize);
        let mut by_policy: BTreeMap<usize, usize> = BTreeMap::new();
        for u in self.in_scope_users() {
            let Some(p) = self.targets.effective_policy(u) else {
                continue;
            };
            let policy = &self.tenant.bms.policies[p.policy];
            let manages_mail = policy
                .rule
                .as_ref()
                .and_then(|r| r.settings.bool(BmsSetting::RequireEmailProfile))
                == Some(true);
            if !manages_mail {
                continue;
            }
            users.push(u);
            *by_policy.entry(p.policy).or_default() += 1;
            for d in self.bms_devices_by_user.get(u) {
                devices += 1;
                let platform = self.dir.managed_devices[d.ix()].platform;
                if matches!(platform, DevicePlatform::Ios | DevicePlatform::IpadOs) {
                    apple += 1;
                }
            }
        }
        if users.is_empty() {
            return None;
        }
        let policies = by_policy
            .iter()
            .map(|(p, n)| format!("{} ({n})", self.policy_name(*p)))
            .collect::<Vec<_>>()
            .join(", ");
        let device_text = if self.has_part(Part::ManagedDevices) {
            format!(
                " They have {} managed by BMS ({apple} iOS/iPadOS, where BMS manages the mail profile).",
                plural(devices, "device", "devices")
            )
        } else {
            " Device counts need graph/managedDevices.json.".to_string()
        };
        Some(self.finding(
            Code::EmailProfileReauth,
            format!(
                "{} get their effective BMS policy with \"Require managed email profile\" on: {policies}. The BMS \
                 email profile is removed at the switch; with the replacement Intune email profile assigned, users \
                 may still be asked to enter their password again.{device_text}",
                plural(users.len(), "user", "users")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Assign the replacement Intune email profile (same groups, unchanged settings) before each wave and tell \
             these users to expect a password prompt in their mail app after the switch."
                .to_string(),
        ))
    }
}

/// Which existing Intune policies reach which users and devices, for
/// `licensed-without-replacement`.
struct IntuneCoverage {
    policies: Vec<CoveragePolicy>,
    /// Both Intune policy files were in the snapshot.
    exported: bool,
    missing: Vec<Part>,
}

struct CoveragePolicy {
    platforms: Vec<DevicePlatform>,
    all_users: bool,
    all_devices: bool,
    users: BitSet,
    devices: BitSet,
    excluded_users: BitSet,
    excluded_devices: BitSet,
}

/// The platforms an Intune policy applies to, from its `@odata.type`.
fn intune_platforms(policy: &IntunePolicy) -> Vec<DevicePlatform> {
    let t = policy.odata_type.to_ascii_lowercase();
    if t.starts_with("ios") {
        vec![DevicePlatform::Ios, DevicePlatform::IpadOs]
    } else if t.starts_with("android") || t.starts_with("aosp") {
        vec![DevicePlatform::Android]
    } else if t.starts_with("windows") {
        vec![DevicePlatform::Windows]
    } else if t.starts_with("macos") {
        vec![DevicePlatform::MacOs]
    } else {
        Vec::new()
    }
}

impl IntuneCoverage {
    fn new(ctx: &Ctx<'_, '_>) -> IntuneCoverage {
        let dir = ctx.dir;
        let groups = |ids: &mut dyn Iterator<Item = Guid>| {
            ids.filter_map(|id| dir.group(id)).collect::<Vec<_>>()
        };
        let policies = ctx
            .tenant
            .intune
            .compliance_policies
            .iter()
            .chain(&ctx.tenant.intune.configurations)
            .map(|p| {
                let include = groups(&mut p.assignments.iter().filter_map(|a| match a {
                    AssignmentTarget::Group(g) => Some(*g),
                    _ => None,
                }));
                let exclude = groups(&mut p.assignments.iter().filter_map(|a| match a {
                    AssignmentTarget::ExclusionGroup(g) => Some(*g),
                    _ => None,
                }));
                CoveragePolicy {
                    platforms: intune_platforms(p),
                    all_users: p.assignments.contains(&AssignmentTarget::AllLicensedUsers),
                    all_devices: p.assignments.contains(&AssignmentTarget::AllDevices),
                    users: ctx.membership.users_in_any(&include),
                    devices: ctx.membership.managed_devices_in_any(&include),
                    excluded_users: ctx.membership.users_in_any(&exclude),
                    excluded_devices: ctx.membership.managed_devices_in_any(&exclude),
                }
            })
            .collect();
        let missing: Vec<Part> = [Part::DeviceCompliancePolicies, Part::DeviceConfigurations]
            .into_iter()
            .filter(|p| !ctx.has_part(*p))
            .collect();
        IntuneCoverage {
            policies,
            exported: missing.is_empty(),
            missing,
        }
    }

    /// Whether some Intune policy for the device's platform reaches the (Intune-licensed) user
    /// or the device.
    fn covers(&self, ctx: &Ctx<'_, '_>, user: UserIx, device: ManagedDeviceIx) -> bool {
        let platform = ctx.dir.managed_devices[device.ix()].platform;
        self.policies.iter().any(|p| {
            let reaches_user = (p.all_users || p.users.contains(user.ix()))
                && !p.excluded_users.contains(user.ix());
            let reaches_device = (p.all_devices || p.devices.contains(device.ix()))
                && !p.excluded_devices.contains(device.ix());
            p.platforms.contains(&platform) && (reaches_user || reaches_device)
        })
    }
}

#[cfg(test)]
#[path = "findings_tests.rs"]
mod tests;
