//! Shared by the integration tests: the fixture plan and a hostile variant of it whose tenant
//! strings carry markup (a policy named `<script>…`, a description with `onerror=`, a group name
//! with `|` and backticks, CSV-breaking and formula-like subject names).
#![allow(dead_code)]

use bms2intune_analysis::{Code, Finding, Severity, Subject, SubjectId, SubjectKind};
use bms2intune_plan::{GroupKind, GroupName, PlanDocument};
use std::borrow::Cow;

pub const SCRIPT_NAME: &str = "<script>alert(1)</script>";
pub const IMG_DESCRIPTION: &str = "\"><img src=x onerror=alert(1)>";
pub const PIPE_GROUP: &str = "Sales | EU `ops` team";
pub const CSV_SUBJECT: &str = "Doe, \"Jo\" <b>x</b>";
pub const FORMULA_SUBJECT: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

/// `tests/fixtures/plan.json`: the sample tenant's plan, as the CLI writes it with a list
/// limit of 30. Regenerate it after a change to the plan's shape:
/// `cargo run -- plan --snapshot examples/contoso --out /tmp/fx --list-limit 30` and copy
/// `/tmp/fx/plan.json` here.
pub fn fixture() -> PlanDocument<'static> {
    serde_json::from_str(include_str!("../fixtures/plan.json"))
        .expect("the fixture is a plan.json of the current shape (see above to regenerate it)")
}

fn subject(kind: SubjectKind, id: &str, name: &str) -> Subject<'static> {
    Subject {
        kind,
        name: Cow::Owned(name.into()),
        id: SubjectId::Text(Cow::Owned(id.into())),
        ix: None,
    }
}

/// The fixture plus a BMS policy, a group and a finding whose strings try to inject markup, and
/// such strings in the staging and simulation fields.
pub fn hostile() -> PlanDocument<'static> {
    let mut plan = fixture();
    let mut rec = plan.recommendations[0].clone();
    rec.source_policy = SCRIPT_NAME.into();
    rec.display_name = format!("{SCRIPT_NAME}_O365_i");
    rec.notes.push(IMG_DESCRIPTION.into());
    let group: bms2intune_model::Guid = "0b6a3c4e-2f7d-4e7a-9a53-3f0d6c1e2b11".parse().unwrap();
    rec.include_groups = vec![group];
    plan.groups.push(GroupName {
        id: group.to_string(),
        display_name: PIPE_GROUP.into(),
        kind: GroupKind::Security,
    });
    rec.settings[0].note = "<iframe src=\"https://evil.example\"></iframe>".into();
    plan.recommendations.push(rec);
    plan.findings.push(Finding {
        code: Code::PolicyNotTargeted,
        severity: Severity::Warning,
        title: format!("Policy {SCRIPT_NAME} is targeted at nobody"),
        detail: IMG_DESCRIPTION.into(),
        count: 3,
        subjects: vec![
            subject(SubjectKind::Policy, "p1", SCRIPT_NAME),
            subject(SubjectKind::User, "u1", CSV_SUBJECT),
            subject(SubjectKind::Group, "g1", FORMULA_SUBJECT),
        ],
        subjects_omitted: 0,
        remediation: "Target it or delete it. [click](javascript:alert(1))".into(),
        proposed_groups: vec![],
        assessed_code: None,
        missing: vec![],
    });
    let staging = &mut plan.staging;
    staging.waves[0].name = "Pilot <svg onload=alert(1)>".into();
    staging.waves[0].exit_gates[0].how = IMG_DESCRIPTION.into();
    staging.waves[0].user_impact[0] = SCRIPT_NAME.into();
    staging.steps[0].checks = vec![SCRIPT_NAME.into()];
    staging.unplaced_users[0].user_principal_name = PIPE_GROUP.into();
    staging.license_capacity.statement = IMG_DESCRIPTION.into();
    plan.conflicts[0].objects[1].display_name = SCRIPT_NAME.into();
    plan.impact.by_setting[0].setting = format!("bms:{PIPE_GROUP}");
    plan
}

/// Every section id of the HTML report, in order.
pub const SECTION_IDS: [&str; 10] = [
    "summary",
    "licences",
    "policies",
    "findings",
    "impact",
    "conflicts",
    "waves",
    "runbook",
    "messages",
    "signoff",
];
