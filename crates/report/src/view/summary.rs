//! The summary section: the readiness verdict with its reason, the headline facts (policies,
//! objects, users, devices, findings, conflicts, waves) and the three bar charts.

use super::findings::Findings;
use super::waves::Waves;
use super::{fact, policies, texts, Fact};
use crate::charts::{self, BarChart, BarInput};
use crate::values::{self as v, SEVERITIES};
use bms2intune_analysis::{Code, Severity};
use bms2intune_plan::PlanDocument;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub verdict: Verdict,
    pub facts: Vec<Fact>,
    pub charts: Vec<BarChart>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Verdict {
    pub label: &'static str,
    /// `blocked`, `warn` or `ready`.
    pub class: &'static str,
    pub reason: String,
}

/// The verdict, from the findings (and the conflicts, which a reviewer must decide too).
fn verdict(findings: &Findings, conflicts: usize) -> Verdict {
    let blockers = findings.count(Severity::Blocker);
    let warnings = findings.count(Severity::Warning);
    let not_assessed = findings
        .list
        .iter()
        .filter(|x| x.code == Code::NotAssessed)
        .count();
    if blockers > 0 {
        let titles: Vec<&str> = findings
            .list
            .iter()
            .filter(|x| x.severity == Severity::Blocker)
            .take(3)
            .map(|x| x.title.as_str())
            .collect();
        return Verdict {
            label: "Blocked",
            class: "blocked",
            reason: format!(
                "{} must be resolved before the first wave: {}{}.",
                v::plural(blockers as u64, "blocker", "blockers"),
                titles.join("; "),
                if blockers > titles.len() { "; …" } else { "" }
            ),
        };
    }
    if warnings > 0 || conflicts > 0 || not_assessed > 0 {
        let mut parts = Vec::new();
        if warnings > 0 {
            parts.push(v::plural(warnings as u64, "warning", "warnings"));
        }
        if conflicts > 0 {
            parts.push(v::plural(conflicts as u64, "conflict", "conflicts"));
        }
        if not_assessed > 0 {
            parts.push(v::plural(
                not_assessed as u64,
                "check that could not be assessed",
                "checks that could not be assessed",
            ));
        }
        return Verdict {
            label: "Ready with warnings",
            class: "warn",
            reason: format!(
                "No blockers. Review {} before the first wave.",
                parts.join(" and ")
            ),
        };
    }
    Verdict {
        label: "Ready",
        class: "ready",
        reason: "No blockers, warnings or conflicts.".into(),
    }
}

pub fn build(
    plan: &PlanDocument<'_>,
    findings: &Findings,
    conflicts: usize,
    waves: &Waves,
) -> Summary {
    let snapshot = &plan.snapshot;
    let bms = &snapshot.bms;
    let directory = snapshot.directory.as_ref();
    let mut facts = vec![fact(
        "BMS policies",
        bms.policies,
        Some(format!(
            "{} to migrate · {} block, {} allow",
            bms.mappable_policies, bms.block_policies, bms.allow_policies
        )),
    )];
    let recs = &plan.recommendations;
    let objects = recs.iter().filter(|r| r.api.is_some()).count();
    let settings: usize = recs.iter().map(|r| r.settings.len()).sum();
    facts.push(fact(
        "Intune objects",
        objects,
        Some(format!(
            "{} recorded",
            v::plural(settings as u64, "setting", "settings")
        )),
    ));
    if let Some(d) = directory {
        facts.push(fact(
            "Users",
            d.users,
            Some(v::plural(d.groups as u64, "group", "groups")),
        ));
        facts.push(fact(
            "Managed devices",
            d.managed_devices,
            Some(format!("{} in Entra ID", d.entra_devices)),
        ));
    }
    facts.push(fact("Blockers", findings.count(Severity::Blocker), None));
    facts.push(fact(
        "Warnings",
        findings.count(Severity::Warning),
        Some(format!("{} info", findings.count(Severity::Info))),
    ));
    let unchecked = plan.impact.conflicts_unchecked.len();
    facts.push(fact(
        "Conflicts",
        conflicts,
        Some(if unchecked == 0 {
            "with existing Intune policies".into()
        } else {
            format!(
                "with existing Intune policies; {} not checked: targets unknown",
                v::plural(unchecked as u64, "policy", "policies")
            )
        }),
    ));
    let mut detail: Vec<String> = waves
        .list
        .first()
        .and_then(|w| w.users.as_ref())
        .map(|u| format!("pilot: {u} users"))
        .into_iter()
        .collect();
    if let Some(u) = &waves.unplaced {
        detail.push(u.headline.clone());
    }
    facts.push(fact(
        "Waves",
        waves.list.len(),
        (!detail.is_empty()).then(|| detail.join(" · ")),
    ));

    let mut charts = Vec::new();
    let inputs = SEVERITIES
        .iter()
        .map(|(severity, label)| BarInput {
            label: label.to_string(),
            value: findings.count(*severity) as u64,
            class: format!("sev-{severity}"),
        })
        .collect();
    charts.extend(charts::bar_chart("Findings by severity", inputs));
    if let Some(d) = directory {
        let mut inputs: Vec<BarInput> = d
            .managed_devices_by_platform
            .iter()
            .map(|(k, &n)| BarInput {
                label: v::device_platform_label(k),
                value: n as u64,
                class: "plat".into(),
            })
            .collect();
        inputs.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
        charts.extend(charts::bar_chart("Managed devices by platform", inputs));
    }
    let inputs = policies::fidelity_counts(recs.iter().flat_map(|r| &r.settings), true)
        .into_iter()
        .map(|c| BarInput {
            label: c.label,
            value: c.count,
            class: c.class,
        })
        .collect();
    charts.extend(charts::bar_chart("Settings by fidelity", inputs));
    Summary {
        verdict: verdict(findings, conflicts),
        facts,
        charts,
        notes: texts(&snapshot.notes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{conflicts, findings, waves};

    fn verdict_of(plan: &PlanDocument<'_>) -> Verdict {
        let f = findings::build(&plan.findings);
        let c = conflicts::build(&plan.conflicts, &plan.impact.conflicts_unchecked);
        build(plan, &f, c.list.len(), &waves::build(&plan.staging)).verdict
    }

    #[test]
    fn verdict_follows_the_worst_finding() {
        let mut plan = super::super::sample();
        let v = verdict_of(&plan);
        assert_eq!(v.label, "Blocked");
        assert!(
            v.reason.starts_with("2 blockers must be resolved"),
            "{}",
            v.reason
        );
        plan.findings.retain(|f| f.severity != Severity::Blocker);
        assert_eq!(verdict_of(&plan).label, "Ready with warnings");
        plan.findings.retain(|f| f.severity == Severity::Info);
        let v = verdict_of(&plan);
        assert_eq!(
            v.label, "Ready with warnings",
            "the conflicts still need a decision"
        );
        assert!(v.reason.contains("conflicts"), "{}", v.reason);
        plan.conflicts.clear();
        assert_eq!(verdict_of(&plan).label, "Ready");
        let mut not_assessed = plan.findings[0].clone();
        not_assessed.code = Code::NotAssessed;
        plan.findings.push(not_assessed);
        let v = verdict_of(&plan);
        assert_eq!(v.label, "Ready with warnings");
        assert!(v.reason.contains("1 check that could not be assessed"));
    }
}
