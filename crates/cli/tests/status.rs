//! End-to-end tests of `bms2intune status` against the Graph emulator serving the sample
//! tenant: before anything is applied it judges nothing (exit 0); after an imitated wave 1
//! (the plan's compliance policies and profiles created and assigned through the emulator's
//! Graph API, and journaled as apply journals them) a wave-1 device still on BMS and online
//! fails the `devices-switched` gate (exit 4), moving it passes (exit 0), and each created
//! policy's delivery overview counts the moved devices.

use bms2intune_apply::journal::{self, Intent, Journal, Outcome};
use bms2intune_graph::auth::{Connection, Credential};
use bms2intune_graph::{ClientOptions, Endpoints, GraphClient, Secret};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

mod emulated;

use emulated::{sample, Served, CLIENT_ID};

impl Served {
    fn client(&self) -> GraphClient {
        let e = self.emulator();
        let _guard = self.runtime.enter();
        GraphClient::new(
            Connection {
                tenant_id: e.tenant_id(),
                client_id: CLIENT_ID.into(),
                credential: Credential::Secret(Secret::new("test-secret")),
                endpoints: Endpoints::new(e.base_url(), e.base_url()).unwrap(),
            },
            ClientOptions::default(),
        )
        .unwrap()
    }

    /// `bms2intune status --plan DIR` against this emulator.
    fn status(&self, plan: &Path, extra: &[&str]) -> Output {
        self.bms2intune("status", "test-secret")
            .args(["--plan", plan.to_str().unwrap()])
            .args(["--tenant-id", &self.tenant()])
            .args(extra)
            .output()
            .unwrap()
    }

    fn managed_devices(&self) -> Vec<Value> {
        self.emulator().state()["collections"]["managedDevices"]
            .as_array()
            .unwrap()
            .clone()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn plan(out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_bms2intune"))
        .args(["plan", "--snapshot", sample().to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// What apply would do for wave 1's policies: create every v1.0 compliance policy and
/// configuration profile the plan assigns, assign it to its groups, and journal the creates.
fn imitate_apply(served: &Served, out: &Path) -> usize {
    let plan: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let client = served.client();
    let mut journal = Journal::open(
        &journal::beside(&out.join("plan.json")),
        &served.emulator().tenant_id(),
        "testplan",
    )
    .unwrap();
    let mut seq = 0;
    for step in plan["steps"].as_array().unwrap() {
        let t = &step["target"];
        if step["kind"] != "assign-policy"
            || t["api"] != "v1.0"
            || !matches!(
                t["collection"].as_str(),
                Some("deviceCompliancePolicies" | "deviceConfigurations")
            )
        {
            continue;
        }
        let create_id = step["dependsOn"][0].as_str().unwrap();
        let body: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(t["file"].as_str().unwrap())).unwrap(),
        )
        .unwrap();
        let collection = format!("/v1.0{}", t["endpoint"].as_str().unwrap());
        let url = format!("{}{collection}", served.emulator().base_url());
        seq += 1;
        let intent = Intent::CreateObject {
            collection: collection.clone(),
            marker: format!("[m{seq}]"),
        };
        journal
            .record_intent(seq, 1, "hash", create_id, &intent)
            .unwrap();
        let created = served
            .runtime
            .block_on(client.send("POST", &url, Some(&body)))
            .unwrap();
        let created: Value = serde_json::from_slice(&created.body).unwrap();
        let id = created["id"].as_str().unwrap().to_string();
        journal
            .record_outcome(
                seq,
                &Outcome {
                    status: 201,
                    object_id: Some(id.clone()),
                    created: true,
                    request_id: None,
                    error: None,
                },
            )
            .unwrap();
        let target = |kind: &str, g: &Value| json!({"target": {"@odata.type": format!("#microsoft.graph.{kind}"), "groupId": g["id"]}});
        let mut assignments: Vec<Value> = Vec::new();
        for g in t["include"].as_array().into_iter().flatten() {
            assignments.push(target("groupAssignmentTarget", g));
        }
        for g in t["exclude"].as_array().into_iter().flatten() {
            assignments.push(target("exclusionGroupAssignmentTarget", g));
        }
        served
            .runtime
            .block_on(client.send(
                "POST",
                &format!("{url}/{id}/assign"),
                Some(&json!({ "assignments": assignments })),
            ))
            .unwrap();
    }
    seq as usize
}

/// The user ids of a wave, from `waves.csv`.
fn wave_users(out: &Path, wave: &str) -> Vec<String> {
    std::fs::read_to_string(out.join("waves.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| l.split(',').next() == Some(wave))
        .map(|l| l.split(',').nth(2).unwrap().to_string())
        .collect()
}

fn gate<'v>(report: &'v Value, id: &str) -> &'v Value {
    report["waves"][0]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("no gate {id} in {report}"))
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// Devices counted by every created policy's overview, and the successes.
fn delivered(report: &Value) -> (u64, u64) {
    let mut total = 0;
    let mut success = 0;
    for p in report["policies"].as_array().unwrap() {
        let o = &p["overview"];
        for k in [
            "successCount",
            "failedCount",
            "errorCount",
            "pendingCount",
            "notApplicableCount",
        ] {
            total += o[k].as_u64().unwrap_or_else(|| panic!("{k} in {p}"));
        }
        success += o["successCount"].as_u64().unwrap();
    }
    (total, success)
}

#[test]
fn status_judges_wave_gates_from_the_tenant_and_the_journal() {
    let served = Served::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    plan(&out);

    // Nothing applied: counts are shown, no gate is judged, exit 0.
    let o = served.status(&out, &["--wave", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("Nothing applied yet"), "{text}");
    assert!(text.contains("Wave 1 Pilot (not started)"), "{text}");

    let created = imitate_apply(&served, &out);
    assert!(created >= 10, "{created} policies created");

    // Move every wave-1 BMS device but one to Intune; the last one checks in, still on BMS.
    let users = wave_users(&out, "1");
    let bms: Vec<Value> = served
        .managed_devices()
        .into_iter()
        .filter(|d| {
            d["managementAgent"] == "microsoft365ManagedMdm"
                && users.iter().any(|u| d["userId"] == u.as_str())
        })
        .collect();
    assert!(bms.len() >= 3, "{} BMS devices in wave 1", bms.len());
    let (last, moved) = bms.split_last().unwrap();
    for d in moved {
        served
            .emulator()
            .update_managed_device(
                d["id"].as_str().unwrap(),
                &json!({"managementAgent": "mdm", "complianceState": "compliant"}),
            )
            .unwrap();
    }
    let now = "2099-01-01T00:00:00Z"; // later than the test's clock: never offline
    served
        .emulator()
        .update_managed_device(
            last["id"].as_str().unwrap(),
            &json!({"lastSyncDateTime": now}),
        )
        .unwrap();

    let o = served.status(&out, &["--wave", "1", "--json"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 measurable exit gate(s) failed"),
        "{}",
        stderr(&o)
    );
    let failing = json_of(&o);
    assert_eq!(failing["applied"], true);
    assert_eq!(failing["waves"].as_array().unwrap().len(), 1);
    let switched = gate(&failing, "devices-switched");
    assert_eq!(switched["status"], "fail", "{switched}");
    assert_eq!(switched["value"], 1);
    assert_eq!(gate(&failing, "helpdesk")["status"], "manual");
    assert_eq!(gate(&failing, "soak")["status"], "unmeasured");
    assert_eq!(gate(&failing, "compliance")["status"], "pass");
    assert_eq!(failing["waves"][0]["devices"]["bms"], 1);
    assert_eq!(failing["policies"].as_array().unwrap().len(), created);
    let (total_before, success_before) = delivered(&failing);

    // The text says the same.
    let o = served.status(&out, &["--wave", "1"]);
    assert_eq!(o.status.code(), Some(4));
    let text = stdout(&o);
    assert!(
        text.contains("FAIL        devices-switched     bmsManagedDevicesLeft 1 (at most 0)"),
        "{text}"
    );
    assert!(
        text.contains("Policy delivery (deviceStatusOverview"),
        "{text}"
    );

    // The last device moves: the gate passes, and the policies reach one more device.
    served
        .emulator()
        .update_managed_device(
            last["id"].as_str().unwrap(),
            &json!({"managementAgent": "mdm", "complianceState": "compliant"}),
        )
        .unwrap();
    let o = served.status(&out.join("plan.json"), &["--wave", "1", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let passing = json_of(&o);
    assert_eq!(gate(&passing, "devices-switched")["status"], "pass");
    assert_eq!(gate(&passing, "devices-switched")["value"], 0);
    assert_eq!(gate(&passing, "no-conflicts")["status"], "pass");
    assert_eq!(passing["gatesFailed"], 0);
    let (total_after, success_after) = delivered(&passing);
    assert!(total_after > total_before, "{total_before} → {total_after}");
    assert!(success_after >= success_before);

    // Later waves have not started: their gates are not judged, so they cannot fail.
    let o = served.status(&out, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = json_of(&o);
    assert!(all["waves"].as_array().unwrap().len() >= 2);
    assert!(all["waves"][1]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["status"] == "not-started"));

    // A wave the plan does not have is bad usage.
    let o = served.status(&out, &["--wave", "99"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--wave 99"), "{}", stderr(&o));
}
