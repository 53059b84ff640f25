//! The policies section: each BMS policy with the Intune objects that replace it (the
//! recommendations grouped under their source policy), every setting record with its fidelity,
//! the skipped policies and the classic Conditional Access statement. Group IDs are shown with
//! their names from the plan's `groups`.

use super::{non_empty, texts, FidelityCount};
use crate::values::{self as v, FIDELITIES};
use bms2intune_mapping::{ClassicCaStatement, Collection, Recommendation, SettingRecord};
use bms2intune_model::Guid;
use bms2intune_plan::{GroupName, PlanDocument};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct Policies {
    pub list: Vec<PolicyView>,
    pub skipped: Vec<Skipped>,
    pub classic_ca: Option<ClassicCa>,
    pub objects: u64,
    pub settings: u64,
}

#[derive(Debug, Serialize)]
pub struct PolicyView {
    pub name: String,
    pub anchor: String,
    pub kind: String,
    pub include_groups: Vec<String>,
    pub exclude_groups: Vec<String>,
    pub settings: u64,
    pub fidelity: Vec<FidelityCount>,
    pub objects: Vec<ObjectView>,
}

#[derive(Debug, Serialize)]
pub struct ObjectView {
    pub display_name: String,
    /// `compliance policy`, `configuration profile`, `email profile`, `Conditional Access policy`.
    pub kind: Option<String>,
    pub odata_type: Option<String>,
    /// `POST <api> <collection>` destination, e.g. `v1.0 deviceCompliancePolicies`.
    pub destination: Option<String>,
    pub platform: String,
    pub file: Option<String>,
    pub include_groups: Vec<String>,
    pub exclude_groups: Vec<String>,
    pub notes: Vec<String>,
    /// True for a record-only entry (no object is created; it holds settings records).
    pub record_only: bool,
    pub settings: Vec<SettingView>,
}

#[derive(Debug, Serialize)]
pub struct SettingView {
    pub bms_property: String,
    pub bms_value: String,
    pub platform: String,
    pub target_property: Option<String>,
    pub target_value: Option<String>,
    pub fidelity: &'static str,
    pub fidelity_label: &'static str,
    pub note: Option<String>,
    pub spec: Option<String>,
    pub our_rule: bool,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub name: String,
    pub kind: Option<String>,
    pub mode: Option<String>,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ClassicCa {
    pub statement: Option<String>,
    pub policies: Vec<String>,
    pub assigned_groups: Vec<String>,
    pub by_policy: Vec<(String, Vec<String>)>,
    pub excluded_groups: Vec<String>,
    pub block_unsupported_devices: Option<String>,
}

/// Counts of setting records per fidelity grade, best first (all grades when `with_zero`).
pub fn fidelity_counts<'a>(
    settings: impl Iterator<Item = &'a SettingRecord>,
    with_zero: bool,
) -> Vec<FidelityCount> {
    let mut counts = [0u64; FIDELITIES.len()];
    for s in settings {
        if let Some(i) = FIDELITIES.iter().position(|(f, _)| *f == s.fidelity) {
            counts[i] += 1;
        }
    }
    FIDELITIES
        .iter()
        .zip(counts)
        .filter(|(_, n)| with_zero || *n > 0)
        .map(|((f, label), n)| FidelityCount {
            class: format!("fid-{f}"),
            label: label.to_string(),
            count: n,
            text: format!("{n} {}", label.to_lowercase()),
        })
        .collect()
}

fn guids(ids: &[Guid]) -> Vec<String> {
    ids.iter().map(Guid::to_string).collect()
}

/// The BMS policy a recommendation comes from, as the report names it.
fn source_name(r: &Recommendation) -> String {
    non_empty(&r.source_policy).unwrap_or_else(|| "(no source policy)".into())
}

pub fn build(plan: &PlanDocument<'_>) -> Policies {
    let recs = &plan.recommendations;
    let mut order: Vec<String> = Vec::new();
    for r in recs {
        let name = source_name(r);
        if !order.contains(&name) {
            order.push(name);
        }
    }
    let list = order
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mine: Vec<&Recommendation> =
                recs.iter().filter(|r| source_name(r) == *name).collect();
            let union = |groups: fn(&Recommendation) -> &[Guid]| {
                let mut out: Vec<String> = Vec::new();
                for r in &mine {
                    for g in guids(groups(r)) {
                        if !out.contains(&g) {
                            out.push(g);
                        }
                    }
                }
                out
            };
            PolicyView {
                name: name.clone(),
                anchor: format!("policy-{}", i + 1),
                kind: mine
                    .first()
                    .map(|r| r.source_kind.label().to_string())
                    .unwrap_or_default(),
                include_groups: union(|r| &r.include_groups),
                exclude_groups: union(|r| &r.exclude_groups),
                settings: mine.iter().map(|r| r.settings.len() as u64).sum(),
                fidelity: fidelity_counts(mine.iter().flat_map(|r| &r.settings), false),
                objects: mine.iter().map(|r| object(r)).collect(),
            }
        })
        .collect();
    let skipped = plan
        .skipped_policies
        .iter()
        .map(|s| Skipped {
            name: s.name.clone(),
            kind: s.kind.map(|k| k.label().to_string()),
            mode: Some(s.mode.name().to_string()),
            reason: s.reason.clone(),
        })
        .collect();
    Policies {
        list,
        skipped,
        classic_ca: Some(classic_ca(&plan.classic_conditional_access)),
        objects: recs.iter().filter(|r| r.api.is_some()).count() as u64,
        settings: recs.iter().map(|r| r.settings.len() as u64).sum(),
    }
}

fn classic_ca(c: &ClassicCaStatement) -> ClassicCa {
    ClassicCa {
        statement: non_empty(&c.statement),
        policies: texts(&c.policies),
        assigned_groups: guids(&c.assigned_groups),
        by_policy: c
            .by_policy
            .iter()
            .map(|p| (p.policy.clone(), guids(&p.groups)))
            .collect(),
        excluded_groups: guids(&c.excluded_groups),
        block_unsupported_devices: c
            .block_unsupported_devices
            .map(|b| if b { "blocked" } else { "allowed" }.to_string()),
    }
}

fn object(r: &Recommendation) -> ObjectView {
    let api = r.api.map(|a| a.as_str());
    let collection = r.collection.map(Collection::as_str);
    let odata_type = r.odata_type.as_deref().and_then(non_empty);
    let kind = match r.collection {
        _ if odata_type
            .as_deref()
            .is_some_and(|t| t.contains("EmailProfile")) =>
        {
            Some("email profile".to_string())
        }
        Some(Collection::DeviceCompliancePolicies) => Some("compliance policy".into()),
        Some(Collection::DeviceConfigurations) => Some("configuration profile".into()),
        Some(Collection::ConditionalAccessPolicies) => Some("Conditional Access policy".into()),
        None => None,
    };
    ObjectView {
        display_name: non_empty(&r.display_name).unwrap_or_else(|| "(unnamed)".into()),
        kind,
        destination: match (api, collection) {
            (Some(a), Some(c)) => Some(format!("{a} {c}")),
            (None, Some(c)) => Some(c.to_string()),
            (Some(a), None) => Some(a.to_string()),
            (None, None) => None,
        },
        record_only: api.is_none() && r.odata_type.is_none(),
        odata_type,
        platform: v::platform_label(r.platform.as_str()),
        file: r.file.as_deref().and_then(non_empty),
        include_groups: guids(&r.include_groups),
        exclude_groups: guids(&r.exclude_groups),
        notes: texts(&r.notes),
        settings: r.settings.iter().map(setting).collect(),
    }
}

fn setting(s: &SettingRecord) -> SettingView {
    SettingView {
        bms_property: s.bms_property.clone(),
        bms_value: s.bms_value.to_string(),
        platform: v::platform_label(s.platform.as_str()),
        target_property: s.target_property.as_deref().and_then(non_empty),
        target_value: s
            .target_value
            .as_ref()
            .filter(|t| !t.is_null())
            .map(v::display),
        fidelity: s.fidelity.as_str(),
        fidelity_label: v::fidelity_label(s.fidelity),
        note: non_empty(&s.note),
        spec: non_empty(&s.spec),
        our_rule: s.our_rule,
    }
}

/// Shows group IDs as `Name (id)` where `plan.json` → `groups` knows the name, so readers see
/// "BMS - Sales" rather than a GUID. Unknown IDs stay as they are.
pub fn name_groups(groups: &[GroupName], policies: &mut Policies) {
    let names: HashMap<&str, &str> = groups
        .iter()
        .filter(|g| !g.display_name.is_empty())
        .map(|g| (g.id.as_str(), g.display_name.as_str()))
        .collect();
    if names.is_empty() {
        return;
    }
    let name = |ids: &mut Vec<String>| {
        for id in ids.iter_mut() {
            if let Some(n) = names.get(id.as_str()) {
                *id = format!("{n} ({id})");
            }
        }
    };
    for policy in &mut policies.list {
        name(&mut policy.include_groups);
        name(&mut policy.exclude_groups);
        for object in &mut policy.objects {
            name(&mut object.include_groups);
            name(&mut object.exclude_groups);
        }
    }
    if let Some(ca) = policies.classic_ca.as_mut() {
        name(&mut ca.assigned_groups);
        name(&mut ca.excluded_groups);
        for (_, groups) in &mut ca.by_policy {
            name(groups);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_plan::GroupKind;

    #[test]
    fn group_ids_are_shown_with_their_names() {
        let mut plan = super::super::sample();
        let known: Guid = "87d86916-0054-44dd-a5fe-dde04e594d84".parse().unwrap();
        let unknown: Guid = "00000000-0000-0000-0000-0000000000aa".parse().unwrap();
        let mut rec = plan.recommendations[0].clone();
        rec.source_policy = "P".into();
        rec.include_groups = vec![known];
        rec.exclude_groups = vec![unknown];
        plan.recommendations = vec![rec];
        plan.groups = vec![GroupName {
            id: known.to_string(),
            display_name: "BMS - Sales".into(),
            kind: GroupKind::Security,
        }];
        let mut policies = build(&plan);
        name_groups(&plan.groups, &mut policies);
        let policy = &policies.list[0];
        assert_eq!(policy.include_groups, [format!("BMS - Sales ({known})")]);
        assert_eq!(policy.exclude_groups, [unknown.to_string()]);
        assert_eq!(
            policy.objects[0].include_groups,
            [format!("BMS - Sales ({known})")]
        );
    }

    #[test]
    fn recommendations_group_under_their_policy() {
        let plan = super::super::sample();
        let policies = build(&plan);
        let names: Vec<&str> = policies.list.iter().map(|p| p.name.as_str()).collect();
        let mut sources: Vec<&str> = Vec::new();
        for r in &plan.recommendations {
            if !sources.contains(&r.source_policy.as_str()) {
                sources.push(&r.source_policy);
            }
        }
        assert_eq!(
            names, sources,
            "one entry per BMS policy, in the plan's order"
        );
        let objects: usize = policies.list.iter().map(|p| p.objects.len()).sum();
        assert_eq!(objects, plan.recommendations.len());
        let ca = policies.classic_ca.unwrap();
        assert_eq!(ca.policies.len(), 5);
    }
}
