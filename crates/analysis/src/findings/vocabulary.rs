//! The finding vocabulary: stable kebab-case [`Code`]s with their severity, title and the Graph
//! parts each check needs (the `codes!` table: add a row here for a new code), [`Severity`],
//! the [`Subject`]s a finding names, and the [`Finding`] and [`Assessment`] documents.

use crate::config::{Date, OsFloors};
use bms2intune_model::{Guid, Part};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    IntuneAssignmentsUnknown = "intune-assignments-unknown", Warning,
        "Existing Intune policies whose targets are unknown: conflicts with them are not checked",
        [];
    ExistingCaRequiresCompliance = "existing-ca-requires-compliance", Warning,
        "Existing Conditional Access requires a compliant device or approved app of users BMS manages",
        [ConditionalAccessPolicies, Users, Groups, GroupMembers];
    StaleDevices = "stale-devices", Info,
        "BMS devices that have not checked in for a long time",
        [ManagedDevices];
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

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let name = Cow::<'de, str>::deserialize(d)?;
        Code::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding code {name:?}")))
    }
}

/// What a subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

/// Read back as text: the JSON does not say whether an ID was a GUID, and either writes the
/// same string.
impl<'de> Deserialize<'de> for SubjectId<'_> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|text| SubjectId::Text(Cow::Owned(text)))
    }
}

/// A group the assessment proposes to create (the Group 1 / Group 2 split).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposedGroup<'t> {
    /// `group1` or `group2`.
    pub key: String,
    pub display_name: String,
    pub description: String,
    pub members: Vec<Subject<'t>>,
    /// Members left out of `members` by the plan's list limit (`plan.json` `listLimit`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub members_omitted: u64,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "is_zero")]
    pub subjects_omitted: u64,
    pub remediation: String,
    /// `already-licensed-users` only: the proposed Group 1 / Group 2 split.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposed_groups: Vec<ProposedGroup<'t>>,
    /// `not-assessed` only: the code that could not be assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_code: Option<Code>,
    /// `not-assessed` only: the snapshot files that were missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// A BMS policy (or orphaned rule) as a subject: its GUID, or its name when it has none.
pub(super) fn policy_subject(name: &str, guid: Option<Guid>) -> Subject<'_> {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub blockers: usize,
    pub warnings: usize,
    pub info: usize,
}

/// The result of [`assess`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
