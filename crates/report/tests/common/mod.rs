//! Shared by the integration tests: the fixture plan and a hostile variant of it whose tenant
//! strings carry markup (a policy named `<script>…`, a description with `onerror=`, a group name
//! with `|` and backticks, CSV-breaking and formula-like subject names).
#![allow(dead_code)]

use serde_json::{json, Value};

pub const SCRIPT_NAME: &str = "<script>alert(1)</script>";
pub const IMG_DESCRIPTION: &str = "\"><img src=x onerror=alert(1)>";
pub const PIPE_GROUP: &str = "Sales | EU `ops` team";
pub const CSV_SUBJECT: &str = "Doe, \"Jo\" <b>x</b>";
pub const FORMULA_SUBJECT: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

/// `tests/fixtures/plan.json`: every section, realistic data.
pub fn fixture() -> Value {
    let text = include_str!("../fixtures/plan.json");
    serde_json::from_str(text).expect("the fixture is valid JSON")
}

/// The fixture plus a third BMS policy and a finding whose strings try to inject markup.
pub fn hostile() -> Value {
    let mut plan = fixture();
    let mut rec = plan["recommendations"][0].clone();
    rec["sourcePolicy"] = json!(SCRIPT_NAME);
    rec["displayName"] = json!(format!("{SCRIPT_NAME}_O365_i"));
    rec["description"] = json!(IMG_DESCRIPTION);
    rec["includeGroups"] =
        json!([{"id": "0b6a3c4e-2f7d-4e7a-9a53-3f0d6c1e2b11", "name": PIPE_GROUP}]);
    rec["settings"][0]["note"] = json!("<iframe src=\"https://evil.example\"></iframe>");
    plan["recommendations"].as_array_mut().unwrap().push(rec);
    plan["findings"].as_array_mut().unwrap().push(json!({
        "code": "policy-not-targeted",
        "severity": "warning",
        "title": format!("Policy {SCRIPT_NAME} is targeted at nobody"),
        "detail": IMG_DESCRIPTION,
        "count": 3,
        "subjects": [
            {"kind": "policy", "id": "p1", "name": SCRIPT_NAME},
            {"kind": "user", "id": "u1", "name": CSV_SUBJECT},
            {"kind": "group", "id": "g1", "name": FORMULA_SUBJECT},
        ],
        "remediation": "Target it or delete it. [click](javascript:alert(1))",
    }));
    plan["waves"][0]["name"] = json!("Pilot <svg onload=alert(1)>");
    // The staging and simulation fields carry tenant strings too.
    plan["waves"][0]["exitGates"][0]["how"] = json!(IMG_DESCRIPTION);
    plan["waves"][0]["userImpact"][0] = json!(SCRIPT_NAME);
    plan["steps"][0]["checks"] = json!([SCRIPT_NAME]);
    plan["unplacedUsers"][0]["userPrincipalName"] = json!(PIPE_GROUP);
    plan["conflicts"][0]["objects"][1]["displayName"] = json!(SCRIPT_NAME);
    plan["impact"]["bySetting"][0]["setting"] = json!(format!("bms:{PIPE_GROUP}"));
    plan["licenseCapacity"]["statement"] = json!(IMG_DESCRIPTION);
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
