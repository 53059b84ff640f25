//! BMS policies and rules as read from Security & Compliance PowerShell.
//!
//! A BMS policy is a device policy (name, comment, enabled, priority) plus at most one rule
//! holding its settings and target groups. [`BmsExport`] is the whole `bms/` folder: the
//! policies joined to their rules, the organization-wide tenant settings, and the rules that
//! matched no policy.

use crate::date::Instant;
use crate::guid::Guid;
use crate::setting::RuleSettings;
use serde::{Deserialize, Serialize};

/// Rule-name suffix of "Allow access" (configuration) rules.
pub const ALLOW_RULE_SUFFIX: &str = "{58b50d1c-2b18-461c-8893-3e20c648b136}";
/// Rule-name suffix of "Block access" (conditional access) rules.
pub const BLOCK_RULE_SUFFIX: &str = "{914f151c-394b-4da9-9422-f5a2f65dec30}";
/// Legacy Exchange-workload suffixes, accepted when reading.
pub const LEGACY_ALLOW_RULE_SUFFIX: &str = "{4cd01950-43f9-47a1-af0c-ea4e1be47cbb}";
pub const LEGACY_BLOCK_RULE_SUFFIX: &str = "{3cb6ec45-68e8-4758-935b-fcefd71e234c}";
/// Name of the organization-wide tenant policy.
pub const TENANT_POLICY_NAME: &str = "a6958701-c82c-4064-ac11-64e40e7f4032";
/// Name of the organization-wide tenant rule.
pub const TENANT_RULE_NAME: &str = "7577c5f3-05a4-4f55-a0a3-82aab5e98c84";

/// What BMS does with a device that fails the policy: the policy's object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    /// "Block access and report violation": `DeviceConditionalAccessPolicy`/`Rule`.
    Block,
    /// "Allow access and report violation": `DeviceConfigurationPolicy`/`Rule`.
    Allow,
}

impl PolicyKind {
    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::Block => "Block access",
            PolicyKind::Allow => "Allow access",
        }
    }
}

/// The `Mode` of a policy or rule.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub enum Mode {
    #[default]
    Enforce,
    Audit,
    PendingDeletion,
    Deleted,
}

impl Mode {
    pub const MEMBERS: &'static [(&'static str, i64)] = &[
        ("Enforce", 0),
        ("Audit", 1),
        ("PendingDeletion", 2),
        ("Deleted", 3),
    ];

    pub fn from_name(name: &str) -> Option<Mode> {
        match name {
            "Enforce" => Some(Mode::Enforce),
            "Audit" => Some(Mode::Audit),
            "PendingDeletion" => Some(Mode::PendingDeletion),
            "Deleted" => Some(Mode::Deleted),
            _ => None,
        }
    }

    /// True for `PendingDeletion` and `Deleted`: read and shown, never mapped.
    pub fn is_deleting(self) -> bool {
        matches!(self, Mode::PendingDeletion | Mode::Deleted)
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Enforce => "Enforce",
            Mode::Audit => "Audit",
            Mode::PendingDeletion => "PendingDeletion",
            Mode::Deleted => "Deleted",
        }
    }
}

/// Where an object came from, for messages: `bms/DeviceConfigurationRule.json` item 3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub index: usize,
}

/// A BMS device rule: settings and targets of one policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BmsRule {
    pub name: String,
    /// The rule's `Policy` property: the owning policy's `ExchangeObjectId`.
    pub policy_guid: Option<Guid>,
    pub mode: Mode,
    /// Entra group object IDs; `[NIL]` means "applies to no one".
    pub target_groups: Vec<Guid>,
    pub settings: RuleSettings,
    pub source: Source,
}

impl BmsRule {
    /// The rule name before its `{…}` type suffix: the policy name as typed at creation.
    pub fn policy_name_prefix(&self) -> &str {
        for suffix in [
            ALLOW_RULE_SUFFIX,
            BLOCK_RULE_SUFFIX,
            LEGACY_ALLOW_RULE_SUFFIX,
            LEGACY_BLOCK_RULE_SUFFIX,
        ] {
            if let Some(prefix) = self.name.strip_suffix(suffix) {
                return prefix;
            }
        }
        &self.name
    }

    /// True when the rule targets nobody: no groups, or only the all-zero sentinel.
    pub fn targets_nobody(&self) -> bool {
        self.target_groups.iter().all(|g| g.is_nil())
    }

    /// Target groups without the all-zero sentinel.
    pub fn real_target_groups(&self) -> impl Iterator<Item = Guid> + '_ {
        self.target_groups.iter().copied().filter(|g| !g.is_nil())
    }
}

/// A BMS device security policy with its rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BmsPolicy {
    pub name: String,
    pub kind: PolicyKind,
    /// `ExchangeObjectId` (or `Guid`): what rules point at.
    pub guid: Option<Guid>,
    pub comment: Option<String>,
    pub enabled: Option<bool>,
    pub mode: Mode,
    /// Lower number = higher priority (older policy). Missing in old exports.
    pub priority: Option<i64>,
    /// `WhenChangedUTC` (or `WhenChanged`), in UTC.
    pub when_changed: Option<Instant>,
    pub rule: Option<BmsRule>,
    pub source: Source,
}

impl BmsPolicy {
    /// Whether the policy is migrated: not being deleted, and its rule neither.
    pub fn is_mappable(&self) -> bool {
        !self.mode.is_deleting() && self.rule.as_ref().is_none_or(|r| !r.mode.is_deleting())
    }

    /// Mode of the policy, or `PendingDeletion`/`Deleted` if only its rule is being deleted.
    pub fn effective_mode(&self) -> Mode {
        match &self.rule {
            Some(rule) if rule.mode.is_deleting() && !self.mode.is_deleting() => rule.mode,
            _ => self.mode,
        }
    }

    pub fn target_groups(&self) -> &[Guid] {
        self.rule
            .as_ref()
            .map_or(&[], |r| r.target_groups.as_slice())
    }
}

/// The organization-wide settings (`DeviceTenantPolicy` + `DeviceTenantRule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TenantSettings {
    pub policy_present: bool,
    pub policy_enabled: Option<bool>,
    pub rule_present: bool,
    pub block_unsupported_devices: Option<bool>,
    /// Groups excluded from all BMS enforcement; `[NIL]` means nobody.
    pub exclusion_list: Vec<Guid>,
    pub apply_policy_to: Option<String>,
    pub mode: Mode,
}

impl TenantSettings {
    /// Exclusion groups without the all-zero sentinel.
    pub fn exclusion_groups(&self) -> impl Iterator<Item = Guid> + '_ {
        self.exclusion_list.iter().copied().filter(|g| !g.is_nil())
    }
}

/// Everything read from `bms/`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BmsExport {
    /// Policies ordered by priority (lowest number first), then name.
    pub policies: Vec<BmsPolicy>,
    pub tenant: TenantSettings,
    /// Rules that belong to no exported policy.
    pub orphan_rules: Vec<BmsRule>,
}

impl BmsExport {
    /// The policies that are migrated, in priority order.
    pub fn mappable_policies(&self) -> impl Iterator<Item = &BmsPolicy> {
        self.policies.iter().filter(|p| p.is_mappable())
    }
}
