//! The report's view model: what every section shows, derived once from the typed plan
//! ([`PlanDocument`]) and shared by the HTML and Markdown templates (so both say the same
//! thing). Each section has its own module, which owns the decisions a reader sees there (the
//! readiness verdict, the grouping of recommendations under their BMS policy, the order of
//! findings, the runbook phases cut from the ordered steps, …). This module assembles them and
//! the table of contents. Texts here are plain strings; escaping is the templates' job.

mod closeout;
mod conflicts;
mod findings;
mod impact;
mod licences;
mod policies;
mod runbook;
mod signoff;
mod summary;
mod waves;

use crate::messages::{self, WaveMessages};
use bms2intune_plan::PlanDocument;
use serde::Serialize;

pub use closeout::{BaselineView, CloseOutView};
pub use conflicts::Conflicts;
pub use findings::Findings;
pub use impact::Impact;
pub use licences::Licences;
pub use policies::Policies;
pub use runbook::Runbook;
pub use summary::Summary;
pub use waves::Waves;

/// How many subjects a finding lists before "and N more".
pub const SUBJECTS_SHOWN: usize = 25;
/// How many users a conflict, the impact table or the list of users in no wave names.
pub const USERS_SHOWN: usize = 25;
/// How many rows the impact-by-setting table shows at least, when that many settings change
/// (the settings that turn looser, conflict or are lost are always shown, even beyond it).
pub const SETTINGS_SHOWN: usize = 30;
/// How many steps a step's "after …" lists before "and N more".
pub const DEPENDS_SHOWN: usize = 5;

#[derive(Debug, Serialize)]
pub struct View {
    pub title: String,
    pub organization: Option<String>,
    pub tenant_id: Option<String>,
    pub tool: Option<String>,
    pub format_version: Option<String>,
    pub toc: Vec<TocEntry>,
    pub summary: Summary,
    pub licences: Option<Licences>,
    pub policies: Option<Policies>,
    pub findings: Option<Findings>,
    pub impact: Option<Impact>,
    pub conflicts: Option<Conflicts>,
    pub waves: Option<Waves>,
    pub runbook: Option<Runbook>,
    /// What happens to the BMS policies during and after the move (`closeOut`).
    pub close_out: Option<CloseOutView>,
    /// The recommended baseline and its impact, apart from parity's (`baseline`).
    pub baseline: Option<BaselineView>,
    pub messages: Option<Vec<WaveMessages>>,
    pub signoff: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TocEntry {
    pub num: usize,
    pub id: &'static str,
    pub title: &'static str,
}

/// A labelled number of a section's fact grid.
#[derive(Debug, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
    pub detail: Option<String>,
}

fn fact(label: &str, value: impl ToString, detail: Option<String>) -> Fact {
    Fact {
        label: label.into(),
        value: value.to_string(),
        detail,
    }
}

/// A count with its badge class (fidelity grades, severities).
#[derive(Debug, Serialize)]
pub struct FidelityCount {
    pub class: String,
    pub label: String,
    pub count: u64,
    /// `3 warnings`, `8 exact`.
    pub text: String,
}

/// A check before the next wave, as the waves section and the runbook show it.
#[derive(Debug, Serialize)]
pub struct Gate {
    pub text: String,
    /// Where and how to measure it.
    pub how: Option<String>,
    /// The metric the threshold is on, when it has one.
    pub metric: Option<String>,
    /// `≥ 95`, `= 0`, `≤ 3`, `between 1 and 5`.
    pub bound: Option<String>,
}

/// The text, or `None` when it is empty (the templates leave out empty lines).
fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The non-empty texts of a list.
fn texts<S: AsRef<str>>(list: &[S]) -> Vec<String> {
    list.iter()
        .map(AsRef::as_ref)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Builds the view of a plan.
pub fn build(plan: &PlanDocument<'_>) -> View {
    let snapshot = &plan.snapshot;
    let organization = snapshot.organization.as_deref().and_then(non_empty);
    let tenant_id = snapshot.tenant_id.as_deref().and_then(non_empty);
    let tool = {
        let name = non_empty(&plan.tool.name).unwrap_or_else(|| "bms2intune".into());
        Some(match non_empty(&plan.tool.version) {
            Some(ver) => format!("{name} {ver}"),
            None => name,
        })
    };
    let signals = messages::Signals::of(plan);

    let findings = findings::build(&plan.findings);
    let conflicts = conflicts::build(&plan.conflicts, &plan.impact.conflicts_unchecked);
    let waves = waves::build(&plan.staging);
    let runbook = runbook::build(&plan.staging.steps, &plan.staging.waves, &signals);
    let messages = messages::for_waves(&plan.staging.waves, organization.as_deref(), &signals);
    let mut policies = policies::build(plan);
    let licences = licences::build(plan, &findings);
    let impact = impact::build(&plan.impact);
    let close_out = closeout::close_out(&plan.close_out);
    let baseline = closeout::baseline(&plan.baseline);
    let summary = summary::build(plan, &findings, conflicts.list.len(), &waves);
    let signoff = signoff::build(&summary.verdict, &waves, &signals);
    policies::name_groups(&plan.groups, &mut policies);

    let mut toc = vec![TocEntry {
        num: 1,
        id: "summary",
        title: "Summary",
    }];
    let present = [
        ("licences", "Licences", licences.is_some()),
        ("policies", "Policies: BMS → Intune", true),
        ("findings", "Findings", true),
        ("impact", "Impact", true),
        ("conflicts", "Conflicts", true),
        ("waves", "Waves", true),
        ("runbook", "Runbook", true),
        ("closeout", "After the move: BMS policies", true),
        ("baseline", "Recommended baseline (optional)", true),
        ("messages", "Messages to users", true),
        ("signoff", "Sign-off", true),
    ];
    for &(id, title, _) in present.iter().filter(|p| p.2) {
        toc.push(TocEntry {
            num: toc.len() + 1,
            id,
            title,
        });
    }

    View {
        title: match &organization {
            Some(o) => format!("BMS to Intune migration plan: {o}"),
            None => "BMS to Intune migration plan".into(),
        },
        organization,
        tenant_id,
        tool,
        format_version: Some(plan.format_version.to_string()),
        toc,
        summary,
        licences,
        policies: Some(policies),
        findings: Some(findings),
        impact: Some(impact),
        conflicts: Some(conflicts),
        waves: Some(waves),
        runbook: Some(runbook),
        close_out: Some(close_out),
        baseline: Some(baseline),
        messages: Some(messages),
        signoff,
    }
}

/// The sample tenant's plan (`tests/fixtures/plan.json`), for the sections' tests.
#[cfg(test)]
fn sample() -> PlanDocument<'static> {
    serde_json::from_str(include_str!("../../tests/fixtures/plan.json"))
        .expect("the fixture is a plan.json of the current shape")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_is_in_the_contents() {
        let view = build(&sample());
        let ids: Vec<&str> = view.toc.iter().map(|t| t.id).collect();
        assert_eq!(
            ids,
            [
                "summary",
                "licences",
                "policies",
                "findings",
                "impact",
                "conflicts",
                "waves",
                "runbook",
                "closeout",
                "baseline",
                "messages",
                "signoff"
            ]
        );
        assert_eq!(view.title, "BMS to Intune migration plan: Contoso Ltd");
        assert_eq!(view.tool.as_deref(), Some("bms2intune 0.1.0"));
    }
}
