//! The writes apply makes, against the emulator serving the sample tenant: creates checked
//! against the v1.0 schema (the sample plan's own bodies are accepted, broken ones refused
//! as Graph refuses them), replace-all assign, PATCH, DELETE, the group upsert, member adds,
//! licences, the replication lag, and the state dump.

use bms2intune_mapping::{map_export, Api, MappingOptions};
use graph_emulator::{Config, Emulator};
use reqwest::Client;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso")
}

async fn start(adjust: impl FnOnce(&mut Config)) -> (Emulator, Client, String) {
    let mut config = Config::new(sample());
    adjust(&mut config);
    let emu = Emulator::start(config).await.expect("emulator starts");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let c = Client::builder().build().unwrap();
    let r: Value = c
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            emu.base_url(),
            emu.tenant_id()
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "apply"),
            ("client_secret", "x"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let t = r["access_token"].as_str().unwrap().to_string();
    (emu, c, t)
}

struct Res {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn call(
    c: &Client,
    t: &str,
    method: &str,
    url: String,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Res {
    let mut rb = c.request(method.parse().unwrap(), url).bearer_auth(t);
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    Res {
        status,
        headers,
        body: if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    }
}

/// The sample plan's request bodies, as `plan` writes them to graph/<api>/<collection>/.
fn sample_bodies() -> Vec<(Api, String, Value)> {
    let tenant = bms2intune_snapshot::read_snapshot(&sample()).expect("sample reads");
    let mapping = map_export(&tenant.bms, &MappingOptions::default());
    mapping
        .recommendations
        .into_iter()
        .filter_map(|r| Some((r.api?, r.collection?.as_str().to_string(), r.body?)))
        .collect()
}

fn path_of(collection: &str) -> &'static str {
    match collection {
        "deviceCompliancePolicies" => "deviceManagement/deviceCompliancePolicies",
        "deviceConfigurations" => "deviceManagement/deviceConfigurations",
        _ => "identity/conditionalAccess/policies",
    }
}

#[tokio::test]
async fn the_sample_plans_bodies_are_created_and_listed() {
    let (emu, c, t) = start(|_| {}).await;
    let bodies = sample_bodies();
    assert!(bodies.iter().any(|(a, _, _)| *a == Api::V1));
    assert!(
        bodies.iter().any(|(a, _, _)| *a == Api::Beta),
        "the sample has beta email profiles"
    );
    let before = emu.state();
    for (api, collection, body) in &bodies {
        let url = format!(
            "{}/{}/{}",
            emu.base_url(),
            api.as_str(),
            path_of(collection)
        );
        let r = call(&c, &t, "POST", url, Some(body.clone()), &[]).await;
        assert_eq!(r.status, 201, "{} {collection}: {}", api.as_str(), r.body);
        assert!(r.body["id"].is_string());
        assert_eq!(r.body["displayName"], body["displayName"]);
        if *api == Api::V1 {
            graph_emulator::validate_v1_body(
                match collection.as_str() {
                    "deviceCompliancePolicies" => "deviceCompliancePolicy",
                    "deviceConfigurations" => "deviceConfiguration",
                    _ => "conditionalAccessPolicy",
                },
                body,
            )
            .unwrap();
        }
    }
    // v1.0 lists omit the beta-only email profiles; beta lists show them.
    let names = |v: &Value| -> Vec<String> {
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["displayName"].as_str().unwrap().to_string())
            .collect()
    };
    let v1 = call(
        &c,
        &t,
        "GET",
        format!(
            "{}/v1.0/deviceManagement/deviceConfigurations",
            emu.base_url()
        ),
        None,
        &[],
    )
    .await;
    let beta = call(
        &c,
        &t,
        "GET",
        format!(
            "{}/beta/deviceManagement/deviceConfigurations",
            emu.base_url()
        ),
        None,
        &[],
    )
    .await;
    for (api, collection, body) in bodies
        .iter()
        .filter(|(_, c, _)| c == "deviceConfigurations")
    {
        let name = body["displayName"].as_str().unwrap().to_string();
        assert!(names(&beta.body).contains(&name));
        assert_eq!(
            names(&v1.body).contains(&name),
            *api == Api::V1,
            "{name} in {collection}"
        );
    }
    // Compliance policies: GET does not return the scheduled actions, $expand does.
    let list = call(
        &c,
        &t,
        "GET",
        format!(
            "{}/v1.0/deviceManagement/deviceCompliancePolicies?$expand=scheduledActionsForRule",
            emu.base_url()
        ),
        None,
        &[],
    )
    .await;
    let created: Vec<&Value> = list.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["version"] == 1)
        .collect();
    assert!(!created.is_empty());
    assert!(created.iter().all(|p| p["scheduledActionsForRule"][0]
        ["scheduledActionConfigurations"][0]["actionType"]
        == "block"));
    let plain = call(
        &c,
        &t,
        "GET",
        format!(
            "{}/v1.0/deviceManagement/deviceCompliancePolicies/{}",
            emu.base_url(),
            created[0]["id"].as_str().unwrap()
        ),
        None,
        &[],
    )
    .await;
    assert!(plain.body.get("scheduledActionsForRule").is_none());
    let after = emu.state();
    assert_ne!(before, after);
    assert_eq!(
        after["collections"]["deviceCompliancePolicies"]
            .as_array()
            .unwrap()
            .len(),
        before["collections"]["deviceCompliancePolicies"]
            .as_array()
            .unwrap()
            .len()
            + bodies
                .iter()
                .filter(|(_, c, _)| c == "deviceCompliancePolicies")
                .count()
    );
    emu.stop().await;
}

#[tokio::test]
async fn broken_bodies_are_refused_like_graph() {
    let (emu, c, t) = start(|_| {}).await;
    let (_, _, good) = sample_bodies()
        .into_iter()
        .find(|(a, c, _)| *a == Api::V1 && c == "deviceCompliancePolicies")
        .unwrap();
    let url = format!(
        "{}/v1.0/deviceManagement/deviceCompliancePolicies",
        emu.base_url()
    );
    let post = |b: Value| call(&c, &t, "POST", url.clone(), Some(b), &[]);

    let mut unknown = good.clone();
    unknown["passcodeBlockSimpel"] = json!(true);
    let r = post(unknown).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["code"], "BadRequest");
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with(
        "The property 'passcodeBlockSimpel' does not exist on type 'microsoft.graph."
    ));
    assert!(r.body["error"]["innerError"]["request-id"].is_string());

    let mut no_block = good.clone();
    no_block["scheduledActionsForRule"] = json!([]);
    let r = post(no_block).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["error"]["message"],
        "Compliance policy must have one and only one block scheduled action"
    );

    let mut two_blocks = good.clone();
    let action = good["scheduledActionsForRule"][0]["scheduledActionConfigurations"][0].clone();
    two_blocks["scheduledActionsForRule"][0]["scheduledActionConfigurations"] =
        json!([action.clone(), action]);
    assert_eq!(post(two_blocks).await.status, 400);

    // A wrong enum member, on a CA policy.
    let (_, _, ca) = sample_bodies()
        .into_iter()
        .find(|(_, c, _)| c == "conditionalAccessPolicies")
        .unwrap();
    let mut bad_state = ca.clone();
    bad_state["state"] = json!("reportOnly");
    let r = call(
        &c,
        &t,
        "POST",
        format!(
            "{}/v1.0/identity/conditionalAccess/policies",
            emu.base_url()
        ),
        Some(bad_state),
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["message"], "Cannot convert the literal 'reportOnly' to the expected type 'microsoft.graph.conditionalAccessPolicyState'.");

    // A beta-only type posted to v1.0.
    let (_, _, email) = sample_bodies()
        .into_iter()
        .find(|(a, _, _)| *a == Api::Beta)
        .unwrap();
    let r = call(
        &c,
        &t,
        "POST",
        format!(
            "{}/v1.0/deviceManagement/deviceConfigurations",
            emu.base_url()
        ),
        Some(email),
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("could not be resolved by the model"));
    // Nothing was created by any of these.
    let list = call(&c, &t, "GET", url.clone(), None, &[]).await;
    assert!(list.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["version"] != 1 || p["displayName"] != good["displayName"]));
    emu.stop().await;
}

#[tokio::test]
async fn assign_replaces_all_and_keeps_targets_already_present() {
    let (emu, c, t) = start(|_| {}).await;
    let (_, _, body) = sample_bodies()
        .into_iter()
        .find(|(a, c, _)| *a == Api::V1 && c == "deviceConfigurations")
        .unwrap();
    let base = format!(
        "{}/v1.0/deviceManagement/deviceConfigurations",
        emu.base_url()
    );
    let created = call(&c, &t, "POST", base.clone(), Some(body), &[])
        .await
        .body;
    let id = created["id"].as_str().unwrap();
    let g = |gid: &str, t: &str| json!({"target": {"@odata.type": format!("#microsoft.graph.{t}"), "groupId": gid}});
    let assign = |set: Value| {
        call(
            &c,
            &t,
            "POST",
            format!("{base}/{id}/assign"),
            Some(json!({"assignments": set})),
            &[],
        )
    };
    let r = assign(json!([
        g("g1", "groupAssignmentTarget"),
        g("g2", "exclusionGroupAssignmentTarget"),
        g("g1", "groupAssignmentTarget")
    ]))
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["value"].as_array().unwrap().len(),
        2,
        "duplicates collapse"
    );
    let first_id = r.body["value"][0]["id"].clone();
    let r = assign(json!([
        g("g1", "groupAssignmentTarget"),
        g("g3", "groupAssignmentTarget")
    ]))
    .await;
    let value = r.body["value"].as_array().unwrap();
    assert_eq!(value.len(), 2, "replace-all: g2 is gone");
    assert_eq!(
        value[0]["id"], first_id,
        "a target already present keeps its assignment"
    );
    let listed = call(
        &c,
        &t,
        "GET",
        format!("{base}?$expand=assignments&$select=id,assignments"),
        None,
        &[],
    )
    .await;
    let mine = listed.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
        .clone();
    let groups: Vec<&str> = mine["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["target"]["groupId"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["g1", "g3"]);
    // A target type v1.0 does not have, or a beta-only filter property, is refused.
    let r = assign(json!([{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1", "deviceAndAppManagementAssignmentFilterId": "f"}}])).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        assign(json!([])).await.body["value"],
        json!([]),
        "[] clears"
    );

    // PATCH bumps the version; DELETE removes; a second DELETE is 404.
    let r = call(
        &c,
        &t,
        "PATCH",
        format!("{base}/{id}"),
        Some(json!({"@odata.type": created["@odata.type"], "description": "changed"})),
        &[],
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["version"], 2);
    assert_eq!(
        call(&c, &t, "GET", format!("{base}/{id}"), None, &[])
            .await
            .body["description"],
        "changed"
    );
    assert_eq!(
        call(
            &c,
            &t,
            "PATCH",
            format!("{base}/{id}"),
            Some(json!({"nonsense": 1})),
            &[]
        )
        .await
        .status,
        400
    );
    assert_eq!(
        call(&c, &t, "DELETE", format!("{base}/{id}"), None, &[])
            .await
            .status,
        204
    );
    assert_eq!(
        call(&c, &t, "DELETE", format!("{base}/{id}"), None, &[])
            .await
            .status,
        404
    );
    assert_eq!(
        call(&c, &t, "GET", format!("{base}/{id}"), None, &[])
            .await
            .status,
        404
    );
    emu.stop().await;
}

fn first_user_ids(emu: &Emulator, n: usize) -> Vec<String> {
    emu.state()["collections"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .take(n)
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn groups_upsert_by_unique_name_and_members_are_added_all_or_nothing() {
    let (emu, c, t) = start(|_| {}).await;
    let users = first_user_ids(&emu, 3);
    let dir = |id: &str| format!("https://graph.microsoft.com/v1.0/directoryObjects/{id}");
    let upsert_url = format!(
        "{}/v1.0/groups(uniqueName='bms2intune-wave-1')",
        emu.base_url()
    );
    let body = json!({"displayName": "bms2intune wave 1", "mailEnabled": false, "mailNickname": "bms2intune-wave-1", "securityEnabled": true, "members@odata.bind": [dir(&users[0])]});
    // Without Prefer: create-if-missing, a missing group is 404.
    assert_eq!(
        call(&c, &t, "PATCH", upsert_url.clone(), Some(body.clone()), &[])
            .await
            .status,
        404
    );
    let r = call(
        &c,
        &t,
        "PATCH",
        upsert_url.clone(),
        Some(body.clone()),
        &[("Prefer", "create-if-missing")],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.headers["preference-applied"], "create-if-missing");
    let gid = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["uniqueName"], "bms2intune-wave-1");
    // The same upsert again updates: 204, no second group.
    let again = json!({"displayName": "bms2intune wave 1 (renamed)", "mailEnabled": false, "mailNickname": "bms2intune-wave-1", "securityEnabled": true});
    assert_eq!(
        call(
            &c,
            &t,
            "PATCH",
            upsert_url.clone(),
            Some(again),
            &[("Prefer", "create-if-missing")]
        )
        .await
        .status,
        204
    );
    let got = call(&c, &t, "GET", upsert_url.clone(), None, &[]).await;
    assert_eq!(
        (
            got.body["id"].as_str().unwrap(),
            got.body["displayName"].as_str().unwrap()
        ),
        (gid.as_str(), "bms2intune wave 1 (renamed)")
    );

    let members_url = format!("{}/v1.0/groups/{gid}/members", emu.base_url());
    let add = |id: &str| {
        call(
            &c,
            &t,
            "POST",
            format!("{members_url}/$ref"),
            Some(json!({"@odata.id": dir(id)})),
            &[],
        )
    };
    let r = add(&users[0]).await;
    assert_eq!(r.status, 400, "already a member");
    assert_eq!(r.body["error"]["message"], "One or more added object references already exist for the following modified properties: 'members'.");
    assert_eq!(add(&users[1]).await.status, 204);
    assert_eq!(
        add("00000000-0000-0000-0000-00000000beef").await.status,
        404
    );
    // A bulk PATCH with one existing member adds nobody.
    let patch = |ids: Vec<String>| {
        call(
            &c,
            &t,
            "PATCH",
            format!("{}/v1.0/groups/{gid}", emu.base_url()),
            Some(json!({"members@odata.bind": ids})),
            &[],
        )
    };
    assert_eq!(
        patch(vec![dir(&users[2]), dir(&users[1])]).await.status,
        400
    );
    let listed = call(
        &c,
        &t,
        "GET",
        format!("{members_url}?$select=id"),
        None,
        &[],
    )
    .await;
    assert_eq!(listed.body["value"].as_array().unwrap().len(), 2);
    assert_eq!(patch(vec![dir(&users[2])]).await.status, 204);
    assert_eq!(
        patch((0..21).map(|i| dir(&format!("{i}"))).collect())
            .await
            .status,
        400,
        "at most 20 per request"
    );
    assert_eq!(
        call(
            &c,
            &t,
            "DELETE",
            format!("{members_url}/{}/$ref", users[2]),
            None,
            &[]
        )
        .await
        .status,
        204
    );
    assert_eq!(
        call(
            &c,
            &t,
            "DELETE",
            format!("{members_url}/{}/$ref", users[2]),
            None,
            &[]
        )
        .await
        .status,
        404
    );
    let state = emu.state();
    assert_eq!(state["groupMembers"][&gid].as_array().unwrap().len(), 2);
    // A group without the required properties is refused like the directory does.
    let r = call(
        &c,
        &t,
        "POST",
        format!("{}/v1.0/groups", emu.base_url()),
        Some(json!({"displayName": "x", "mailEnabled": false, "securityEnabled": true})),
        &[],
    )
    .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str().unwrap()),
        (400, "Request_BadRequest")
    );
    emu.stop().await;
}

#[tokio::test]
async fn new_objects_are_invisible_during_the_replication_lag() {
    let (emu, c, t) = start(|c| c.replication_lag = Duration::from_millis(1500)).await;
    let users = first_user_ids(&emu, 1);
    let r = call(&c, &t, "POST", format!("{}/v1.0/groups", emu.base_url()), Some(json!({"displayName": "lag", "mailEnabled": false, "mailNickname": "lag", "securityEnabled": true})), &[]).await;
    assert_eq!(r.status, 201);
    let gid = r.body["id"].as_str().unwrap().to_string();
    let add = || {
        call(
            &c,
            &t,
            "POST",
            format!("{}/v1.0/groups/{gid}/members/$ref", emu.base_url()),
            Some(
                json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{}", users[0])}),
            ),
            &[],
        )
    };
    assert_eq!(
        call(
            &c,
            &t,
            "GET",
            format!("{}/v1.0/groups/{gid}", emu.base_url()),
            None,
            &[]
        )
        .await
        .status,
        404
    );
    assert_eq!(add().await.status, 404);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(
        call(
            &c,
            &t,
            "GET",
            format!("{}/v1.0/groups/{gid}", emu.base_url()),
            None,
            &[]
        )
        .await
        .status,
        200
    );
    assert_eq!(add().await.status, 204);
    emu.stop().await;
}

#[tokio::test]
async fn licences_take_seats_users_synchronously_groups_later() {
    let (emu, c, t) = start(|c| c.license_processing = Duration::from_millis(300)).await;
    let state = emu.state();
    let skus = state["collections"]["subscribedSkus"]
        .as_array()
        .unwrap()
        .clone();
    let free = |s: &Value| {
        s["prepaidUnits"]["enabled"].as_i64().unwrap() - s["consumedUnits"].as_i64().unwrap()
    };
    let sku = skus
        .iter()
        .find(|s| free(s) >= 1)
        .expect("the sample has a SKU with free seats")
        .clone();
    let sku_id = sku["skuId"].as_str().unwrap();
    let users = state["collections"]["users"].as_array().unwrap();
    let unlicensed: Vec<&Value> = users
        .iter()
        .filter(|u| {
            u["usageLocation"].is_string()
                && !u["assignedLicenses"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["skuId"] == sku_id)
        })
        .collect();
    assert!(
        unlicensed.len() as i64 > free(&sku),
        "enough users to run out of seats"
    );
    let body =
        json!({"addLicenses": [{"skuId": sku_id, "disabledPlans": []}], "removeLicenses": []});
    let uid = unlicensed[0]["id"].as_str().unwrap();
    let r = call(
        &c,
        &t,
        "POST",
        format!("{}/v1.0/users/{uid}/assignLicense", emu.base_url()),
        Some(body.clone()),
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["assignedLicenses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["skuId"] == sku_id));
    let consumed = |emu: &Emulator| {
        emu.state()["collections"]["subscribedSkus"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["skuId"] == sku_id)
            .unwrap()["consumedUnits"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(consumed(&emu), sku["consumedUnits"].as_i64().unwrap() + 1);
    // removeLicenses is required, even empty.
    let r = call(
        &c,
        &t,
        "POST",
        format!("{}/v1.0/users/{uid}/assignLicense", emu.base_url()),
        Some(json!({"addLicenses": []})),
        &[],
    )
    .await;
    assert_eq!(r.status, 400);

    // A group with every unlicensed user: 202, queued, then processed with CountViolation errors.
    let binds: Vec<String> = unlicensed[1..]
        .iter()
        .take(20)
        .map(|u| {
            format!(
                "https://graph.microsoft.com/v1.0/directoryObjects/{}",
                u["id"].as_str().unwrap()
            )
        })
        .collect();
    let g = call(&c, &t, "POST", format!("{}/v1.0/groups", emu.base_url()), Some(json!({"displayName": "lic", "mailEnabled": false, "mailNickname": "lic", "securityEnabled": true, "members@odata.bind": binds})), &[]).await;
    let gid = g.body["id"].as_str().unwrap().to_string();
    let r = call(
        &c,
        &t,
        "POST",
        format!("{}/v1.0/groups/{gid}/assignLicense", emu.base_url()),
        Some(body),
        &[],
    )
    .await;
    assert_eq!(r.status, 202);
    assert_eq!(
        r.body["licenseProcessingState"]["state"],
        "QueuedForProcessing"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let g = call(
        &c,
        &t,
        "GET",
        format!(
            "{}/v1.0/groups/{gid}?$select=id,licenseProcessingState,hasMembersWithLicenseErrors",
            emu.base_url()
        ),
        None,
        &[],
    )
    .await;
    assert_eq!(
        g.body["licenseProcessingState"]["state"],
        "ProcessingComplete"
    );
    let enabled = sku["prepaidUnits"]["enabled"].as_i64().unwrap();
    assert_eq!(consumed(&emu), enabled, "every free seat is used");
    let members = binds.len() as i64;
    let errors = call(
        &c,
        &t,
        "GET",
        format!(
            "{}/v1.0/groups/{gid}/membersWithLicenseErrors",
            emu.base_url()
        ),
        None,
        &[],
    )
    .await;
    let expected_errors = (members - (free(&sku) - 1)).max(0);
    assert_eq!(
        errors.body["value"].as_array().unwrap().len() as i64,
        expected_errors
    );
    assert_eq!(g.body["hasMembersWithLicenseErrors"], expected_errors > 0);
    emu.stop().await;
}

#[tokio::test]
async fn organization_reports_the_mdm_authority() {
    let (emu, c, t) = start(|_| {}).await;
    let url = format!(
        "{}/v1.0/organization?$select=id,mobileDeviceManagementAuthority",
        emu.base_url()
    );
    let r = call(&c, &t, "GET", url.clone(), None, &[]).await;
    assert_eq!(
        r.body["value"][0]["mobileDeviceManagementAuthority"],
        "office365"
    );
    let r = c
        .post(format!("{}/_emulator/mdmAuthority", emu.base_url()))
        .json(&json!({"value": "intune"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = call(&c, &t, "GET", url, None, &[]).await;
    assert_eq!(
        r.body["value"][0]["mobileDeviceManagementAuthority"],
        "intune"
    );
    let dm = call(
        &c,
        &t,
        "GET",
        format!("{}/v1.0/deviceManagement", emu.base_url()),
        None,
        &[],
    )
    .await;
    assert_eq!(dm.body["subscriptionState"], "active");
    let dump: Value = c
        .get(format!(
            "{}/_emulator/state?only=organization",
            emu.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        dump["collections"]["organization"][0]["mobileDeviceManagementAuthority"],
        "intune"
    );
    emu.stop().await;
}

#[tokio::test]
async fn non_loopback_addresses_are_refused() {
    let mut config = Config::new(sample());
    config.listen = "0.0.0.0:0".parse().unwrap();
    assert!(matches!(
        Emulator::start(config).await,
        Err(graph_emulator::StartError::NotLoopback(_))
    ));
}

#[tokio::test]
async fn scheduled_actions_conditional_access_updates_and_opaque_tokens() {
    let (emu, c, t) = start(|c| c.opaque_tokens = true).await;
    assert_ne!(t.split('.').count(), 3, "an opaque token is not a JWT");
    let (_, _, body) = sample_bodies()
        .into_iter()
        .find(|(a, c, _)| *a == Api::V1 && c == "deviceCompliancePolicies")
        .unwrap();
    let base = format!(
        "{}/v1.0/deviceManagement/deviceCompliancePolicies",
        emu.base_url()
    );
    let id = call(&c, &t, "POST", base.clone(), Some(body), &[])
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rules = json!({"deviceComplianceScheduledActionForRules": [{"ruleName": "PasswordRequired", "scheduledActionConfigurations": [
        {"actionType": "block", "gracePeriodHours": 24, "notificationTemplateId": "", "notificationMessageCCList": []}]}]});
    assert_eq!(
        call(
            &c,
            &t,
            "POST",
            format!("{base}/{id}/scheduleActionsForRules"),
            Some(rules),
            &[]
        )
        .await
        .status,
        204
    );
    let r = call(
        &c,
        &t,
        "GET",
        format!("{base}/{id}/scheduledActionsForRule"),
        None,
        &[],
    )
    .await;
    assert_eq!(
        r.body["value"][0]["scheduledActionConfigurations"][0]["gracePeriodHours"],
        24
    );

    let (_, _, ca) = sample_bodies()
        .into_iter()
        .find(|(_, c, _)| c == "conditionalAccessPolicies")
        .unwrap();
    let ca_url = format!(
        "{}/v1.0/identity/conditionalAccess/policies",
        emu.base_url()
    );
    let created = call(&c, &t, "POST", ca_url.clone(), Some(ca), &[]).await;
    assert_eq!(created.status, 201);
    let ca_id = created.body["id"].as_str().unwrap();
    assert_eq!(
        call(
            &c,
            &t,
            "PATCH",
            format!("{ca_url}/{ca_id}"),
            Some(json!({"state": "enabled"})),
            &[]
        )
        .await
        .status,
        204
    );
    assert_eq!(
        call(&c, &t, "GET", format!("{ca_url}/{ca_id}"), None, &[])
            .await
            .body["state"],
        "enabled"
    );
    assert_eq!(
        call(
            &c,
            &t,
            "PATCH",
            format!("{ca_url}/{ca_id}"),
            Some(json!({"state": "on"})),
            &[]
        )
        .await
        .status,
        400
    );
    // $count on the first page only.
    let r = call(
        &c,
        &t,
        "GET",
        format!("{ca_url}?$count=true"),
        None,
        &[("ConsistencyLevel", "eventual")],
    )
    .await;
    assert_eq!(
        r.body["@odata.count"].as_u64().unwrap() as usize,
        r.body["value"].as_array().unwrap().len()
    );
    emu.stop().await;
}

/// Copies the sample's `graph/` into a temporary snapshot and adds `files` to it.
fn sample_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph");
    copy_dir(&sample().join("graph"), &graph);
    for (name, text) in files {
        std::fs::write(graph.join(name), text).unwrap();
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[tokio::test]
async fn security_defaults_are_off_unless_the_snapshot_says_otherwise() {
    let path = "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy";
    let (emu, c, t) = start(|_| {}).await;
    let r = call(
        &c,
        &t,
        "GET",
        format!("{}{path}", emu.base_url()),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["id"], "00000000-0000-0000-0000-000000000005");
    assert_eq!(r.body["displayName"], "Security Defaults");
    assert_eq!(r.body["isEnabled"], false);
    emu.stop().await;

    let on = sample_with(&[(
        "identitySecurityDefaultsEnforcementPolicy.json",
        r#"{"id":"00000000-0000-0000-0000-000000000005","displayName":"Security Defaults","isEnabled":true}"#,
    )]);
    let root = on.path().to_path_buf();
    let (emu, c, t) = start(|cfg| cfg.snapshot = root).await;
    let r = call(
        &c,
        &t,
        "GET",
        format!("{}{path}", emu.base_url()),
        None,
        &[],
    )
    .await;
    assert_eq!((r.status, &r.body["isEnabled"]), (200, &json!(true)));
    emu.stop().await;

    // Reading it needs Policy.Read.All (or the security-defaults write permission).
    let (emu, c, t) = start(|cfg| cfg.roles = vec!["Directory.Read.All".into()]).await;
    let r = call(
        &c,
        &t,
        "GET",
        format!("{}{path}", emu.base_url()),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    emu.stop().await;

    // A file the emulator cannot read is an error naming it, not "off".
    let broken = sample_with(&[(
        "identitySecurityDefaultsEnforcementPolicy.json",
        r#"{"isEnabled":"yes"}"#,
    )]);
    let e = Emulator::start(Config::new(broken.path()))
        .await
        .err()
        .expect("a broken file is refused");
    let text = e.to_string();
    assert!(
        text.contains("identitySecurityDefaultsEnforcementPolicy.json")
            && text.contains("isEnabled"),
        "{text}"
    );
}

#[tokio::test]
async fn intune_objects_answer_their_snapshot_version() {
    let (emu, c, t) = start(|_| {}).await;
    let snapshot = |file: &str| -> Vec<(String, i64)> {
        let text = std::fs::read_to_string(sample().join("graph").join(file)).unwrap();
        let page: Value = serde_json::from_str(&text).unwrap();
        page["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().unwrap().to_string(),
                    p["version"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    for collection in ["deviceCompliancePolicies", "deviceConfigurations"] {
        let expected = snapshot(&format!("{collection}.json"));
        assert!(expected.len() >= 4, "{collection}");
        let distinct: std::collections::BTreeSet<i64> = expected.iter().map(|e| e.1).collect();
        assert!(distinct.len() > 1, "the sample's versions differ");
        for (id, version) in expected {
            let url = format!(
                "{}/v1.0/deviceManagement/{collection}/{id}?$select=id,version",
                emu.base_url()
            );
            let r = call(&c, &t, "GET", url, None, &[]).await;
            assert_eq!(r.status, 200, "{collection}/{id}: {}", r.body);
            assert_eq!(r.body["id"], id.as_str());
            assert_eq!(r.body["version"], version, "{collection}/{id}");
            assert!(
                r.body.get("displayName").is_none(),
                "$select keeps only id, version"
            );
        }
    }
    emu.stop().await;
}

#[tokio::test]
async fn groups_take_owners_on_create_and_upsert_and_list_them() {
    // The tenant knows two apps: the caller and `app_id`, which owns the group.
    let app_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let (emu, c, t) =
        start(|cfg| cfg.clients = vec![("apply".into(), "x".into()), (app_id.into(), "y".into())])
            .await;
    let users = first_user_ids(&emu, 2);
    let sp = call(
        &c,
        &t,
        "GET",
        format!(
            "{}/v1.0/servicePrincipals(appId='{app_id}')?$select=id",
            emu.base_url()
        ),
        None,
        &[],
    )
    .await;
    let sp_id = sp.body["id"].as_str().unwrap().to_string();
    let base = "https://graph.microsoft.com/v1.0";
    let upsert_url = format!(
        "{}/v1.0/groups(uniqueName='bms2intune-owned')",
        emu.base_url()
    );
    let body = |owners: Value| {
        json!({"displayName": "owned", "mailEnabled": false, "mailNickname": "bms2intune-owned",
               "securityEnabled": true, "owners@odata.bind": owners})
    };
    let prefer = [("Prefer", "create-if-missing")];
    let r = call(
        &c,
        &t,
        "PATCH",
        upsert_url.clone(),
        Some(body(json!([
            format!("{base}/servicePrincipals/{sp_id}"),
            format!("{base}/directoryObjects/{}", users[0]),
        ]))),
        &prefer,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.body.get("owners@odata.bind").is_none());
    let gid = r.body["id"].as_str().unwrap().to_string();
    let owners_url = format!("{}/v1.0/groups/{gid}/owners", emu.base_url());
    let owners = |r: &Res| -> Vec<(String, String)> {
        r.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["@odata.type"].as_str().unwrap().to_string(),
                    o["id"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let r = call(&c, &t, "GET", owners_url.clone(), None, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        owners(&r),
        vec![
            (
                "#microsoft.graph.servicePrincipal".to_string(),
                sp_id.clone()
            ),
            ("#microsoft.graph.user".to_string(), users[0].clone()),
        ]
    );
    assert_eq!(r.body["value"][0]["appId"], app_id);

    // The same upsert again (idempotent by key) keeps the owners; a new one is added.
    let r = call(
        &c,
        &t,
        "PATCH",
        upsert_url.clone(),
        Some(body(json!([
            format!("{base}/directoryObjects/{sp_id}"),
            format!("{base}/directoryObjects/{}", users[1]),
        ]))),
        &prefer,
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = call(&c, &t, "GET", format!("{owners_url}?$select=id"), None, &[]).await;
    let ids: Vec<String> = owners(&r).into_iter().map(|(_, id)| id).collect();
    assert_eq!(ids, vec![sp_id.clone(), users[0].clone(), users[1].clone()]);
    assert!(r.body["value"][1].get("displayName").is_none());

    // Unknown ids are 404, a group cannot own a group, other URLs are refused; nothing changes.
    let post = |owners: Value, name: &str| {
        let b = json!({"displayName": name, "mailEnabled": false, "mailNickname": name,
                       "securityEnabled": true, "owners@odata.bind": owners});
        call(
            &c,
            &t,
            "POST",
            format!("{}/v1.0/groups", emu.base_url()),
            Some(b),
            &[],
        )
    };
    let unknown = "11111111-2222-4333-8444-555555555555";
    let r = post(json!([format!("{base}/directoryObjects/{unknown}")]), "x1").await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = post(json!([format!("{base}/directoryObjects/{gid}")]), "x2").await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = post(json!([format!("{base}/groups/{}", users[0])]), "x3").await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = post(json!([format!("{base}/users/{sp_id}")]), "x4").await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = post(json!(format!("{base}/users/{}", users[1])), "x5").await;
    assert_eq!(r.status, 201, "{}", r.body);
    let x5 = r.body["id"].as_str().unwrap().to_string();
    let r = call(
        &c,
        &t,
        "GET",
        format!("{}/v1.0/groups/{x5}/owners", emu.base_url()),
        None,
        &[],
    )
    .await;
    assert_eq!(
        owners(&r),
        vec![("#microsoft.graph.user".to_string(), users[1].clone())]
    );
    let r = call(
        &c,
        &t,
        "GET",
        format!("{}/v1.0/groups/{unknown}/owners", emu.base_url()),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, 404);
    emu.stop().await;
}
