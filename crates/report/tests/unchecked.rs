//! The conflicts section never says "No conflicts" when an existing Intune policy's targets
//! were unknown (`impact.conflictsUnchecked`): it says which policies were not checked.

mod common;

use bms2intune_plan::PlanDocument;
use bms2intune_report::{render_html, render_markdown};
use bms2intune_simulation::UncheckedObject;
use common::fixture;

fn plan_without_conflicts(unchecked: Vec<UncheckedObject>) -> PlanDocument<'static> {
    let mut plan = fixture();
    plan.conflicts.clear();
    plan.impact.conflicts_unchecked = unchecked;
    plan
}

#[test]
fn unknown_targets_are_never_reported_as_no_conflicts() {
    let plan = plan_without_conflicts(vec![UncheckedObject {
        display_name: "Co-managed <PCs>".into(),
        odata_type: "windows10GeneralConfiguration".into(),
        id: "5c7e9a1b-2d4f-4a6c-8e0b-1f3a5c7e9b2d".into(),
        reasons: vec!["target not evaluated: Configuration Manager collection CON00017".into()],
    }]);
    let html = render_html(&plan).unwrap();
    let md = render_markdown(&plan).unwrap();
    for out in [&html, &md] {
        assert!(!out.to_lowercase().contains("no conflicts"), "{out}");
        assert!(out.contains("Not checked:"));
        assert!(out.contains("Configuration Manager collection CON00017"));
    }
    assert!(
        html.contains("Co-managed &lt;PCs&gt;"),
        "tenant strings are escaped"
    );

    let known = plan_without_conflicts(vec![]);
    for out in [
        render_html(&known).unwrap(),
        render_markdown(&known).unwrap(),
    ] {
        assert!(out.contains("No conflicts with existing Intune policies."));
        assert!(!out.contains("Not checked:"));
    }
}
