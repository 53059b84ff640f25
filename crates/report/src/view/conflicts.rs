//! The conflicts section: pairs of Intune objects that give one setting different values for
//! the same users, neither-applies first, with the value that applies and the suggested fix,
//! and the count per resolution rule.

use super::{non_empty, texts, USERS_SHOWN};
use crate::values as v;
use bms2intune_simulation::{Conflict, ObjectKind, ObjectRef, Origin, Rule, UncheckedObject};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Conflicts {
    pub list: Vec<ConflictView>,
    /// Existing policies whose targets are unknown, conflicts with which were not checked:
    /// `name (reasons)`.
    pub unchecked: Vec<String>,
    /// How Intune resolves them, neither-applies first.
    pub by_rule: Vec<RuleCount>,
}

#[derive(Debug, Serialize)]
pub struct RuleCount {
    pub label: &'static str,
    pub count: u64,
    /// Badge class: `out-conflict` when neither value applies, `neutral` otherwise.
    pub class: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ConflictView {
    pub setting: String,
    pub platform: Option<String>,
    /// The objects that disagree, in the plan's order.
    pub sides: Vec<ConflictSide>,
    pub resolution: Option<String>,
    /// What the devices get: the applied value, or that neither applies.
    pub applied: Option<String>,
    /// The rule (`configuration-conflict`, …), also the CSS class.
    pub rule: Option<Rule>,
    pub affected: Option<String>,
    pub affected_names: Vec<String>,
    /// Affected users not named.
    pub affected_more: u64,
    pub suggested_fix: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ConflictSide {
    pub name: String,
    /// `new configuration profile, from BMS policy Sales` / `existing compliance policy`.
    pub about: Option<String>,
    /// `new` (this plan creates it) or `existing`.
    pub origin: Option<&'static str>,
    pub value: String,
    /// Its value is the one Intune applies.
    pub applies: bool,
}

/// How Intune resolves a conflict: (rank, label). Neither-applies first.
fn rule_label(rule: Rule) -> (usize, &'static str) {
    match rule {
        Rule::ConfigurationConflict => (
            0,
            "neither value applies (two configuration profiles disagree)",
        ),
        Rule::ComplianceBeatsConfiguration => (
            1,
            "the compliance policy's value applies over the configuration profile's",
        ),
        Rule::MostRestrictiveCompliance => (2, "the most restrictive compliance value applies"),
        Rule::SingleValue => (3, "single-value"),
        Rule::UnorderedComplianceConflict => (3, "unordered-compliance-conflict"),
    }
}

pub fn build(list: &[Conflict], unchecked: &[UncheckedObject]) -> Conflicts {
    let mut views: Vec<(usize, ConflictView)> = list
        .iter()
        .map(|c| (rule_label(c.rule).0, conflict(c)))
        .collect();
    // Neither-applies first; the plan's order otherwise.
    views.sort_by_key(|(rank, _)| *rank);
    let mut by_rule: Vec<(usize, &'static str, u64)> = Vec::new();
    for c in list {
        let (rank, label) = rule_label(c.rule);
        match by_rule.iter_mut().find(|r| r.1 == label) {
            Some(r) => r.2 += 1,
            None => by_rule.push((rank, label, 1)),
        }
    }
    by_rule.sort_by_key(|r| r.0);
    Conflicts {
        list: views.into_iter().map(|(_, c)| c).collect(),
        unchecked: unchecked
            .iter()
            .map(|o| match texts(&o.reasons).join("; ") {
                r if r.is_empty() => o.display_name.clone(),
                r => format!("{} ({r})", o.display_name),
            })
            .collect(),
        by_rule: by_rule
            .into_iter()
            .map(|(rank, label, count)| RuleCount {
                label,
                count,
                class: if rank == 0 { "out-conflict" } else { "neutral" },
            })
            .collect(),
    }
}

/// `configuration` → `configuration profile`.
fn object_kind(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Configuration => "configuration profile",
        ObjectKind::Compliance => "compliance policy",
    }
}

fn side(
    o: &ObjectRef,
    value: &serde_json::Value,
    applied: Option<&serde_json::Value>,
) -> ConflictSide {
    let (origin, source_policy, id) = match &o.origin {
        Origin::Generated { source_policy, .. } => ("new", non_empty(source_policy), None),
        Origin::Existing { id } => ("existing", None, non_empty(id)),
    };
    let about = format!("{origin} {}", object_kind(o.kind));
    ConflictSide {
        name: non_empty(&o.display_name)
            .or(id)
            .unwrap_or_else(|| "?".into()),
        about: Some(match source_policy {
            Some(p) => format!("{about}, from BMS policy {p}"),
            None => about,
        }),
        origin: Some(origin),
        value: v::display(value),
        applies: applied.is_some_and(|a| !a.is_null() && a == value),
    }
}

fn conflict(c: &Conflict) -> ConflictView {
    let applied = c.applied_value.as_ref();
    let samples = texts(&c.sample_users);
    let total = c.affected_users.max(samples.len() as u64);
    let shown = samples.len().min(USERS_SHOWN);
    ConflictView {
        setting: non_empty(&c.setting).unwrap_or_else(|| "(setting)".into()),
        platform: Some(v::platform_label(c.platform.as_str())),
        sides: c
            .objects
            .iter()
            .zip(&c.values)
            .map(|(o, value)| side(o, value, applied))
            .collect(),
        resolution: non_empty(&c.resolution),
        // `null` (neither applies) is what the resolution says already.
        applied: applied.filter(|a| !a.is_null()).map(v::display),
        rule: Some(c.rule),
        affected: Some(v::plural(c.affected_users, "user", "users")),
        affected_names: samples.into_iter().take(USERS_SHOWN).collect(),
        affected_more: total.saturating_sub(shown as u64),
        suggested_fix: non_empty(&c.suggested_fix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_mapping::TargetPlatform;
    use serde_json::json;

    fn object(name: &str, kind: ObjectKind, origin: Origin) -> ObjectRef {
        ObjectRef {
            display_name: name.into(),
            odata_type: "#microsoft.graph.x".into(),
            kind,
            origin,
        }
    }

    #[test]
    fn conflicts_name_their_objects_and_the_applied_value() {
        let generated = |policy: &str| Origin::Generated {
            source_policy: policy.into(),
            file: "graph/x.json".into(),
        };
        let existing = Origin::Existing { id: "x".into() };
        let compliance = Conflict {
            platform: TargetPlatform::Windows,
            setting: "passwordMinimumLength".into(),
            objects: [
                object("Sales_O365_W", ObjectKind::Compliance, generated("Sales")),
                object("Corp", ObjectKind::Compliance, existing.clone()),
            ],
            values: [json!(6), json!(12)],
            resolution: Rule::MostRestrictiveCompliance.explain().into(),
            rule: Rule::MostRestrictiveCompliance,
            applied_value: Some(json!(12)),
            affected_users: 7,
            affected_unplaced_users: 0,
            sample_users: vec!["a@x".into(), "b@x".into()],
            suggested_fix: "Align them.".into(),
        };
        let configuration = Conflict {
            platform: TargetPlatform::Ios,
            setting: "cameraBlocked".into(),
            objects: [
                object("N", ObjectKind::Configuration, generated("")),
                object("", ObjectKind::Configuration, existing),
            ],
            values: [json!(true), json!(false)],
            resolution: Rule::ConfigurationConflict.explain().into(),
            rule: Rule::ConfigurationConflict,
            applied_value: None,
            affected_users: 1,
            affected_unplaced_users: 0,
            sample_users: vec!["a@x".into()],
            suggested_fix: String::new(),
        };
        let c = build(&[compliance, configuration], &[]);
        assert_eq!(c.list[0].setting, "cameraBlocked", "neither-applies first");
        assert_eq!(c.list[0].applied, None);
        assert_eq!(c.list[0].suggested_fix, None);
        assert_eq!(
            c.list[0].sides[0].about.as_deref(),
            Some("new configuration profile")
        );
        assert_eq!(
            c.list[0].sides[1].name, "x",
            "an unnamed existing object by its ID"
        );
        assert_eq!(c.by_rule[0].class, "out-conflict");
        assert_eq!(c.by_rule[1].class, "neutral");
        let m = &c.list[1];
        assert_eq!(
            m.sides[0].about.as_deref(),
            Some("new compliance policy, from BMS policy Sales")
        );
        assert_eq!(
            m.sides[1].about.as_deref(),
            Some("existing compliance policy")
        );
        assert!(!m.sides[0].applies && m.sides[1].applies);
        assert_eq!(m.applied.as_deref(), Some("12"));
        assert_eq!(m.affected.as_deref(), Some("7 users"));
        assert_eq!((m.affected_names.len(), m.affected_more), (2, 5));
    }
}
