//! Reads the `bms/` folder: the six Security & Compliance PowerShell exports, joined into
//! policies with their rules and the organization-wide tenant settings.

use crate::error::{child, describe, item, InputError};
use crate::powershell as ps;
use bms2intune_model::bms::{
    Source, ALLOW_RULE_SUFFIX, BLOCK_RULE_SUFFIX, LEGACY_ALLOW_RULE_SUFFIX,
    LEGACY_BLOCK_RULE_SUFFIX,
};
use bms2intune_model::{
    BmsExport, BmsPolicy, BmsRule, BmsSetting, Guid, Instant, Mode, PolicyKind, RuleSettings,
    TenantSettings,
};
use serde_json::{Map, Value};

/// The six export files, by cmdlet noun.
pub const BMS_FILES: [&str; 6] = [
    "DeviceConditionalAccessPolicy",
    "DeviceConditionalAccessRule",
    "DeviceConfigurationPolicy",
    "DeviceConfigurationRule",
    "DeviceTenantPolicy",
    "DeviceTenantRule",
];

/// `PolicyScenario` members (the policy `Type`).
const POLICY_SCENARIOS: &[(&str, i64)] = &[
    ("Retention", 0),
    ("Hold", 1),
    ("Dlp", 2),
    ("DeviceSettings", 3),
    ("AuditSettings", 4),
    ("DeviceConditionalAccess", 5),
    ("DeviceTenantConditionalAccess", 6),
];

const APPLY_POLICY_TO: &[(&str, i64)] = &[
    ("ExchangeOnline", 0),
    ("SharePointOnline", 1),
    ("ExchangeAndSharePoint", 2),
    ("None", 3),
];

/// The parsed JSON documents of `bms/`, by noun; `None` where the file was absent.
pub struct BmsDocuments {
    pub files: Vec<(&'static str, Option<Value>)>,
}

/// One object of an export file with its location.
struct Item<'a> {
    file: &'a str,
    path: String,
    index: usize,
    object: &'a Map<String, Value>,
}

impl<'a> Item<'a> {
    fn err(&self, key: &str, message: impl Into<String>) -> InputError {
        InputError::new(self.file, child(&self.path, key), message)
    }

    /// The property with this name (exact, else case-insensitive), treating `null` as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.object
            .get(key)
            .or_else(|| {
                self.object
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
            .filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>, InputError> {
        self.get(key)
            .map(|v| ps::string(v).map_err(|e| self.err(key, e)))
            .transpose()
    }

    fn required_string(&self, key: &str) -> Result<String, InputError> {
        match self.string(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(self.err(key, "expected a non-empty string, but it is missing")),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, InputError> {
        self.get(key)
            .map(|v| ps::boolean(v).map_err(|e| self.err(key, e)))
            .transpose()
    }

    fn integer(&self, key: &str) -> Result<Option<i64>, InputError> {
        self.get(key)
            .map(|v| ps::integer(v).map_err(|e| self.err(key, e)))
            .transpose()
    }

    fn guid(&self, key: &str) -> Result<Option<Guid>, InputError> {
        self.get(key)
            .map(|v| ps::guid(v).map_err(|e| self.err(key, e)))
            .transpose()
    }

    fn guid_list(&self, key: &str) -> Result<Vec<Guid>, InputError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(v) => ps::guid_list(v).map_err(|(index, e)| match index {
                Some(i) => InputError::new(self.file, item(&child(&self.path, key), i), e),
                None => self.err(key, e),
            }),
        }
    }

    fn mode(&self) -> Result<Mode, InputError> {
        match self.get("Mode") {
            None => Ok(Mode::Enforce),
            Some(v) => ps::enum_member(v, Mode::MEMBERS, "a Mode")
                .map(|name| Mode::from_name(name).unwrap_or_default())
                .map_err(|e| self.err("Mode", e)),
        }
    }

    fn date(&self, key: &str) -> Result<Option<Instant>, InputError> {
        self.get(key)
            .map(|v| ps::date(v).map_err(|e| self.err(key, e)))
            .transpose()
    }

    fn source(&self) -> Source {
        Source {
            file: self.file.to_string(),
            index: self.index,
        }
    }
}

/// Splits a document into its objects: one object, an array of objects, or nothing.
fn items<'a>(file: &'a str, doc: Option<&'a Value>) -> Result<Vec<Item<'a>>, InputError> {
    match doc {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(object)) => Ok(vec![Item {
            file,
            path: String::new(),
            index: 0,
            object,
        }]),
        Some(Value::Array(values)) => values
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_null())
            .map(|(index, v)| match v {
                Value::Object(object) => Ok(Item {
                    file,
                    path: item("", index),
                    index,
                    object,
                }),
                other => Err(InputError::new(
                    file,
                    item("", index),
                    format!("expected an object, got {}", describe(other)),
                )),
            })
            .collect(),
        Some(other) => Err(InputError::new(
            file,
            "",
            format!(
                "expected an object or an array of objects, got {}",
                describe(other)
            ),
        )),
    }
}

fn kind_of(noun: &str) -> PolicyKind {
    if noun.starts_with("DeviceConditionalAccess") {
        PolicyKind::Block
    } else {
        PolicyKind::Allow
    }
}

fn read_policy(it: &Item, kind: PolicyKind) -> Result<BmsPolicy, InputError> {
    let name = it.required_string("Name")?;
    if let Some(ty) = it.get("Type") {
        let scenario = ps::enum_member(ty, POLICY_SCENARIOS, "a policy Type")
            .map_err(|e| it.err("Type", e))?;
        let expected = match kind {
            PolicyKind::Block => "DeviceConditionalAccess",
            PolicyKind::Allow => "DeviceSettings",
        };
        if scenario != expected {
            return Err(it.err(
                "Type",
                format!("expected {expected} for a policy in this file, got {scenario} (was the file exported with the right cmdlet?)"),
            ));
        }
    }
    let guid = match it.guid("ExchangeObjectId")? {
        Some(g) => Some(g),
        None => it.guid("Guid")?,
    };
    Ok(BmsPolicy {
        name,
        kind,
        guid,
        comment: it.string("Comment")?.filter(|c| !c.trim().is_empty()),
        enabled: it.boolean("Enabled")?,
        mode: it.mode()?,
        priority: it.integer("Priority")?,
        when_changed: match it.date("WhenChangedUTC")? {
            Some(d) => Some(d),
            None => it.date("WhenChanged")?,
        },
        rule: None,
        source: it.source(),
    })
}

fn read_rule(it: &Item, kind: PolicyKind) -> Result<BmsRule, InputError> {
    let name = it.required_string("Name")?;
    let (own, other) = match kind {
        PolicyKind::Block => (
            [BLOCK_RULE_SUFFIX, LEGACY_BLOCK_RULE_SUFFIX],
            [ALLOW_RULE_SUFFIX, LEGACY_ALLOW_RULE_SUFFIX],
        ),
        PolicyKind::Allow => (
            [ALLOW_RULE_SUFFIX, LEGACY_ALLOW_RULE_SUFFIX],
            [BLOCK_RULE_SUFFIX, LEGACY_BLOCK_RULE_SUFFIX],
        ),
    };
    let lower = name.to_ascii_lowercase();
    if other.iter().any(|s| lower.ends_with(s)) && !own.iter().any(|s| lower.ends_with(s)) {
        return Err(it.err(
            "Name",
            format!(
                "expected a rule name ending {} (this file holds {} rules), got {:?}",
                own[0],
                kind.label(),
                name
            ),
        ));
    }
    let mut settings = RuleSettings::new();
    for (key, value) in it.object {
        let Some(setting) = BmsSetting::from_property(key) else {
            continue;
        };
        match ps::setting_value(value, setting.kind(), setting.property()) {
            Ok(Some(v)) => settings.set(setting, v),
            Ok(None) => {}
            Err(e) => return Err(it.err(key, e)),
        }
    }
    Ok(BmsRule {
        name,
        policy_guid: it.guid("Policy")?,
        mode: it.mode()?,
        target_groups: it.guid_list("TargetGroups")?,
        settings,
        source: it.source(),
    })
}

/// Reads and joins the `bms/` documents. `notes` receives what the admin should know.
pub fn read_bms(docs: &BmsDocuments, notes: &mut Vec<String>) -> Result<BmsExport, InputError> {
    let doc = |noun: &str| {
        docs.files
            .iter()
            .find(|(n, _)| *n == noun)
            .and_then(|(_, d)| d.as_ref())
    };
    let file = |noun: &'static str| -> &'static str {
        match noun {
            "DeviceConditionalAccessPolicy" => "bms/DeviceConditionalAccessPolicy.json",
            "DeviceConditionalAccessRule" => "bms/DeviceConditionalAccessRule.json",
            "DeviceConfigurationPolicy" => "bms/DeviceConfigurationPolicy.json",
            "DeviceConfigurationRule" => "bms/DeviceConfigurationRule.json",
            "DeviceTenantPolicy" => "bms/DeviceTenantPolicy.json",
            _ => "bms/DeviceTenantRule.json",
        }
    };

    let mut policies: Vec<BmsPolicy> = Vec::new();
    let mut orphan_rules = Vec::new();
    for (policy_noun, rule_noun) in [
        (
            "DeviceConditionalAccessPolicy",
            "DeviceConditionalAccessRule",
        ),
        ("DeviceConfigurationPolicy", "DeviceConfigurationRule"),
    ] {
        let kind = kind_of(policy_noun);
        let first = policies.len();
        for it in items(file(policy_noun), doc(policy_noun))? {
            let policy = read_policy(&it, kind)?;
            if let Some(dup) = policies[first..]
                .iter()
                .find(|p| p.name == policy.name && p.guid == policy.guid)
            {
                return Err(it.err(
                    "Name",
                    format!(
                        "policy {:?} appears twice (also item {})",
                        policy.name, dup.source.index
                    ),
                ));
            }
            policies.push(policy);
        }
        for it in items(file(rule_noun), doc(rule_noun))? {
            let rule = read_rule(&it, kind)?;
            let by_guid = rule
                .policy_guid
                .and_then(|g| policies[first..].iter().position(|p| p.guid == Some(g)));
            let by_name = || {
                policies[first..]
                    .iter()
                    .position(|p| p.name == rule.policy_name_prefix())
            };
            let Some(offset) = by_guid.or_else(by_name) else {
                notes.push(format!(
                    "{}{}: rule {:?} belongs to no exported policy; it is ignored",
                    it.file,
                    if it.path.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", it.path)
                    },
                    rule.name
                ));
                orphan_rules.push(rule);
                continue;
            };
            let policy = &mut policies[first + offset];
            match &policy.rule {
                None => policy.rule = Some(rule),
                Some(existing) if existing.mode.is_deleting() && !rule.mode.is_deleting() => {
                    notes.push(format!(
                        "policy {:?} has a rule being deleted and a current one; the current one is used",
                        policy.name
                    ));
                    policy.rule = Some(rule);
                }
                Some(existing) if rule.mode.is_deleting() && !existing.mode.is_deleting() => {
                    notes.push(format!(
                        "policy {:?} has a rule being deleted and a current one; the current one is used",
                        policy.name
                    ));
                }
                Some(existing) => {
                    return Err(it.err(
                        "Policy",
                        format!(
                            "a second rule for policy {:?} (the first is item {}); BMS allows one rule per policy",
                            policy.name, existing.source.index
                        ),
                    ));
                }
            }
        }
    }
    for policy in &policies {
        if policy.rule.is_none() {
            notes.push(format!(
                "policy {:?} has no rule: it has no settings and targets nobody",
                policy.name
            ));
        }
    }
    policies.sort_by(|a, b| {
        (a.priority.unwrap_or(i64::MAX), &a.name, a.kind).cmp(&(
            b.priority.unwrap_or(i64::MAX),
            &b.name,
            b.kind,
        ))
    });

    let mut tenant = TenantSettings::default();
    let tenant_policies = items(file("DeviceTenantPolicy"), doc("DeviceTenantPolicy"))?;
    if tenant_policies.len() > 1 {
        return Err(InputError::new(
            file("DeviceTenantPolicy"),
            "",
            "expected one tenant policy, found several",
        ));
    }
    if let Some(it) = tenant_policies.first() {
        tenant.policy_present = true;
        tenant.policy_enabled = it.boolean("Enabled")?;
        tenant.mode = it.mode()?;
    }
    let tenant_rules = items(file("DeviceTenantRule"), doc("DeviceTenantRule"))?;
    if tenant_rules.len() > 1 {
        return Err(InputError::new(
            file("DeviceTenantRule"),
            "",
            "expected one tenant rule, found several",
        ));
    }
    if let Some(it) = tenant_rules.first() {
        tenant.rule_present = true;
        tenant.block_unsupported_devices = it.boolean("BlockUnsupportedDevices")?;
        tenant.exclusion_list = it.guid_list("ExclusionList")?;
        tenant.apply_policy_to = match it.get("ApplyPolicyTo") {
            None => None,
            Some(v) => Some(
                ps::enum_member(v, APPLY_POLICY_TO, "an ApplyPolicyTo value")
                    .map_err(|e| it.err("ApplyPolicyTo", e))?
                    .to_string(),
            ),
        };
        if it.mode()?.is_deleting() {
            tenant.mode = it.mode()?;
        }
    }
    Ok(BmsExport {
        policies,
        tenant,
        orphan_rules,
    })
}
