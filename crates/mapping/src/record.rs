//! The public result types of a mapping run: [`Mapping`] with its [`Recommendation`]s (one per
//! Intune object, serialized as the `recommendations` of `plan.json`), the per-setting
//! [`SettingRecord`]s with their [`Fidelity`], the [`ClassicCaStatement`] and the
//! [`SkippedPolicy`] list. This module owns their JSON shape (camelCase, fixed member names).

use bms2intune_model::{BmsSetting, Guid, PolicyKind, SettingValue};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Graph API version of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Api {
    #[serde(rename = "v1.0")]
    V1,
    #[serde(rename = "beta")]
    Beta,
}

impl Api {
    /// `v1.0` or `beta`, as in the URL and the output folder.
    pub fn as_str(self) -> &'static str {
        match self {
            Api::V1 => "v1.0",
            Api::Beta => "beta",
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The collection a body is POSTed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Collection {
    /// `/deviceManagement/deviceCompliancePolicies`
    DeviceCompliancePolicies,
    /// `/deviceManagement/deviceConfigurations`
    DeviceConfigurations,
    /// `/identity/conditionalAccess/policies`
    ConditionalAccessPolicies,
}

impl Collection {
    /// The folder name under `graph/<api>/`.
    pub fn as_str(self) -> &'static str {
        match self {
            Collection::DeviceCompliancePolicies => "deviceCompliancePolicies",
            Collection::DeviceConfigurations => "deviceConfigurations",
            Collection::ConditionalAccessPolicies => "conditionalAccessPolicies",
        }
    }

    /// The Graph path (after `https://graph.microsoft.com/<api>`) to POST to.
    pub fn endpoint(self) -> &'static str {
        match self {
            Collection::DeviceCompliancePolicies => "/deviceManagement/deviceCompliancePolicies",
            Collection::DeviceConfigurations => "/deviceManagement/deviceConfigurations",
            Collection::ConditionalAccessPolicies => "/identity/conditionalAccess/policies",
        }
    }
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The device platform an object (or a setting record) is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TargetPlatform {
    /// Windows 10/11 desktop (`_O365_W`).
    Windows,
    /// iOS/iPadOS (`_O365_i`).
    Ios,
    /// Android device administrator (`_O365_A`).
    AndroidDeviceAdmin,
    /// Android Enterprise personally-owned work profile (`_O365_AWP`, our suffix).
    AndroidWorkProfile,
    /// iOS and Android together: the Conditional Access policy (`_OfficeMDM`).
    Mobile,
}

impl TargetPlatform {
    /// The four device platforms that get compliance policies and profiles, in output order.
    pub const DEVICE: [TargetPlatform; 4] = [
        TargetPlatform::Windows,
        TargetPlatform::Ios,
        TargetPlatform::AndroidDeviceAdmin,
        TargetPlatform::AndroidWorkProfile,
    ];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetPlatform::Windows => "windows",
            TargetPlatform::Ios => "ios",
            TargetPlatform::AndroidDeviceAdmin => "androidDeviceAdmin",
            TargetPlatform::AndroidWorkProfile => "androidWorkProfile",
            TargetPlatform::Mobile => "mobile",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            TargetPlatform::Windows => "Windows 10/11",
            TargetPlatform::Ios => "iOS/iPadOS",
            TargetPlatform::AndroidDeviceAdmin => "Android device administrator",
            TargetPlatform::AndroidWorkProfile => "Android Enterprise work profile",
            TargetPlatform::Mobile => "iOS and Android",
        }
    }
}

impl fmt::Display for TargetPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How faithfully a BMS setting survives on one platform (mapping.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fidelity {
    /// Same meaning, same value.
    Exact,
    /// Nearest Intune value; the note shows before → after and why.
    Approximated,
    /// Applied, but only on some devices (supervised iOS, Samsung Knox, iPadOS, Windows Mobile).
    PlatformLimited,
    /// Needs an admin decision or a step Graph cannot do.
    Manual,
    /// No Intune target.
    NotMigrated,
}

impl Fidelity {
    pub const ALL: [Fidelity; 5] = [
        Fidelity::Exact,
        Fidelity::Approximated,
        Fidelity::PlatformLimited,
        Fidelity::Manual,
        Fidelity::NotMigrated,
    ];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Fidelity::Exact => "exact",
            Fidelity::Approximated => "approximated",
            Fidelity::PlatformLimited => "platform-limited",
            Fidelity::Manual => "manual",
            Fidelity::NotMigrated => "not-migrated",
        }
    }
}

impl fmt::Display for Fidelity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to one configured BMS setting on one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingRecord {
    /// The BMS PowerShell property, e.g. `PasswordTimeout` (for the Conditional Access record:
    /// the policy `Type`).
    pub bms_property: String,
    /// The configured value as BMS exports it.
    pub bms_value: SettingValue,
    pub platform: TargetPlatform,
    /// The Graph property set, if any (`mediaContentRatingUnitedStates.movieRating` for a part
    /// of a complex value).
    pub target_property: Option<String>,
    pub target_value: Option<serde_json::Value>,
    pub fidelity: Fidelity,
    /// Why; starts with `[our rule] ` when the mapping is a product decision of ours.
    pub note: String,
    /// The id of the mapping-table row that produced this record.
    pub rule: Cow<'static, str>,
    /// Where the rule is specified, e.g. `mapping.md §1 PasswordTimeout`.
    pub spec: Cow<'static, str>,
    /// True when the mapping is a product decision of ours rather than Microsoft's map.
    pub our_rule: bool,
    /// The BMS setting, for callers (not serialized: `bmsProperty` carries its name).
    #[serde(skip)]
    pub setting: Option<BmsSetting>,
}

/// One Intune object to create (or, with `api: None`, a record-only entry holding the setting
/// records of a platform for which no object is needed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    pub api: Option<Api>,
    pub collection: Option<Collection>,
    pub odata_type: Option<String>,
    pub display_name: String,
    /// Relative to the plan folder: `graph/<api>/<collection>/<file-safe name>.json`.
    pub file: Option<String>,
    pub source_policy: String,
    pub source_kind: PolicyKind,
    pub platform: TargetPlatform,
    /// Assign to these groups (`#microsoft.graph.groupAssignmentTarget`; for Conditional Access:
    /// `conditions.users.includeGroups`).
    pub include_groups: Vec<Guid>,
    /// Exclude these groups (`#microsoft.graph.exclusionGroupAssignmentTarget`).
    pub exclude_groups: Vec<Guid>,
    /// Things the admin must know about this object (targets, warnings), in a fixed order.
    pub notes: Vec<String>,
    pub settings: Vec<SettingRecord>,
    /// Exactly the POST body (serialized from the typed Graph structs), `None` for a record-only
    /// entry. Written to `file` by the CLI.
    #[serde(skip)]
    pub body: Option<serde_json::Value>,
}

/// Which classic Conditional Access policies must stay, and who they apply to (mapping.md §5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicCaStatement {
    /// The five classic policies, by name.
    pub policies: Vec<Cow<'static, str>>,
    /// A plain-language statement for the admin.
    pub statement: String,
    /// Groups assigned to the classic policies: the target groups of every mappable Block policy.
    pub assigned_groups: Vec<Guid>,
    /// Per Block policy: its name and groups.
    pub by_policy: Vec<ClassicCaAssignment>,
    /// The tenant `ExclusionList`: excluded from all five.
    pub excluded_groups: Vec<Guid>,
    /// `DeviceTenantRule.BlockUnsupportedDevices`, if exported.
    pub block_unsupported_devices: Option<bool>,
}

/// The groups one Block policy contributes to the classic policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicCaAssignment {
    pub policy: String,
    pub groups: Vec<Guid>,
}

/// A BMS policy (or orphan rule) that produced nothing, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedPolicy {
    pub name: String,
    pub kind: Option<PolicyKind>,
    pub mode: bms2intune_model::Mode,
    pub reason: String,
}

/// The result of mapping a BMS export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mapping {
    /// One entry per Intune object, ordered by policy priority, then platform, then collection.
    pub recommendations: Vec<Recommendation>,
    pub classic_conditional_access: ClassicCaStatement,
    pub skipped_policies: Vec<SkippedPolicy>,
}
