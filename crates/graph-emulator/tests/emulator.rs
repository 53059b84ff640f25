//! The emulator's own behaviour over HTTP, against the bundled sample tenant
//! (examples/contoso): tokens, paging, `$select`, `$batch`, members, throttling, faults,
//! and the writes apply needs, each compared with what Microsoft Graph documents.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use graph_emulator::{Config, Emulator, ThrottleMode};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SECRET: &str = "s3cret";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

async fn start(adjust: impl FnOnce(&mut Config)) -> Emulator {
    let mut config = Config::new(sample());
    adjust(&mut config);
    Emulator::start(config).await.expect("emulator starts")
}

fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder().build().expect("client")
}

async fn token_for(emu: &Emulator, c: &Client, tenant: &str, client_id: &str) -> String {
    let r = c
        .post(format!("{}/{tenant}/oauth2/v2.0/token", emu.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["token_type"], "Bearer");
    v["access_token"].as_str().unwrap().to_string()
}

async fn token(emu: &Emulator, c: &Client) -> String {
    token_for(emu, c, &emu.tenant_id(), "app-1").await
}

struct Res {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn call(
    c: &Client,
    method: &str,
    url: &str,
    token: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Res {
    let mut rb = c.request(method.parse().unwrap(), url).bearer_auth(token);
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
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    Res {
        status,
        headers,
        body,
    }
}

async fn get(c: &Client, url: &str, token: &str) -> Res {
    call(c, "GET", url, token, None, &[]).await
}

/// Follows next links from `url`; returns every item and the number of pages.
async fn get_all(c: &Client, url: &str, token: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut next = Some(url.to_string());
    while let Some(u) = next {
        let r = get(c, &u, token).await;
        assert_eq!(r.status, 200, "{u}: {}", r.body);
        items.extend(r.body["value"].as_array().unwrap().iter().cloned());
        next = r.body["@odata.nextLink"].as_str().map(String::from);
        pages += 1;
    }
    (items, pages)
}

fn snapshot_count(name: &str) -> usize {
    let graph = sample().join("graph");
    let mut files = vec![];
    if graph.join(format!("{name}.json")).is_file() {
        files.push(graph.join(format!("{name}.json")));
    } else {
        let mut fs: Vec<_> = std::fs::read_dir(graph.join(name))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        fs.sort();
        files = fs;
    }
    files
        .iter()
        .map(|f| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            v["value"]
                .as_array()
                .or(v.as_array())
                .map(Vec::len)
                .unwrap_or(0)
        })
        .sum()
}

fn error_code(r: &Res) -> &str {
    r.body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn pages_follow_next_links_and_select_projects() {
    let emu = start(|c| c.page_size = Some(7)).await;
    let c = client();
    let t = token(&emu, &c).await;
    let (users, pages) = get_all(
        &c,
        &format!("{}/v1.0/users?$select=id,displayName", emu.base_url()),
        &t,
    )
    .await;
    let expected = snapshot_count("users");
    assert_eq!(users.len(), expected);
    assert_eq!(pages, expected.div_ceil(7));
    for u in &users {
        let keys: Vec<&String> = u.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "displayName"], "{u}");
    }
    let mut ids: Vec<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), expected, "no item twice across pages");
    // $top chooses the page size; the directory refuses more than 999.
    let r = get(&c, &format!("{}/v1.0/users?$top=3", emu.base_url()), &t).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 3);
    assert!(r.body["@odata.nextLink"]
        .as_str()
        .unwrap()
        .contains("$top=3"));
    let r = get(&c, &format!("{}/v1.0/users?$top=1000", emu.base_url()), &t).await;
    assert_eq!(r.status, 400);
    assert_eq!(error_code(&r), "Request_BadRequest");
    // Without $select the stored objects come back whole.
    let r = get(&c, &format!("{}/v1.0/users?$top=1", emu.base_url()), &t).await;
    assert!(r.body["value"][0]["assignedLicenses"].is_array());
    emu.stop().await;
}

#[tokio::test]
async fn group_members_page_and_batch_reads_them() {
    let emu = start(|c| c.page_size = Some(5)).await;
    let c = client();
    let t = token(&emu, &c).await;
    let gid = "8414ecd0-60c9-4206-822f-b6ba91dcbe5f"; // two member pages in the snapshot
    let files = ["", ".2"].map(|s| sample().join(format!("graph/groupMembers/{gid}{s}.json")));
    let expected: usize = files
        .iter()
        .map(|f| {
            serde_json::from_str::<Value>(&std::fs::read_to_string(f).unwrap()).unwrap()["value"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    let (members, pages) = get_all(
        &c,
        &format!("{}/v1.0/groups/{gid}/members?$select=id", emu.base_url()),
        &t,
    )
    .await;
    assert_eq!(members.len(), expected);
    assert!(pages > 1);
    assert!(members
        .iter()
        .all(|m| m["@odata.type"].is_string() && m["id"].is_string()));

    // $batch: three reads, one missing group, ids echoed, bodies are JSON.
    let batch = json!({"requests": [
        {"id": "1", "method": "GET", "url": format!("/groups/{gid}/members?$select=id")},
        {"id": "2", "method": "GET", "url": "/groups/00000000-0000-0000-0000-00000000dead/members"},
        {"id": "3", "method": "GET", "url": "/organization?$select=id"},
    ]});
    let r = call(
        &c,
        "POST",
        &format!("{}/v1.0/$batch", emu.base_url()),
        &t,
        Some(batch),
        &[],
    )
    .await;
    assert_eq!(r.status, 200);
    let responses = r.body["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 3);
    let by_id = |id: &str| responses.iter().find(|x| x["id"] == id).unwrap().clone();
    assert_eq!(by_id("1")["status"], 200);
    assert_eq!(by_id("1")["body"]["value"].as_array().unwrap().len(), 5);
    assert!(by_id("1")["body"]["@odata.nextLink"].is_string());
    assert_eq!(by_id("2")["status"], 404);
    assert_eq!(
        by_id("2")["body"]["error"]["code"],
        "Request_ResourceNotFound"
    );
    assert_eq!(by_id("3")["body"]["value"][0]["id"], emu.tenant_id());

    // More than 20 requests, or a repeated id, fails the whole batch.
    let many: Vec<Value> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/organization"}))
        .collect();
    let r = call(
        &c,
        "POST",
        &format!("{}/v1.0/$batch", emu.base_url()),
        &t,
        Some(json!({"requests": many})),
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    let dup = json!({"requests": [{"id": "a", "method": "GET", "url": "/organization"}, {"id": "a", "method": "GET", "url": "/subscribedSkus"}]});
    let r = call(
        &c,
        "POST",
        &format!("{}/v1.0/$batch", emu.base_url()),
        &t,
        Some(dup),
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    // dependsOn on a failed request gives 424.
    let dep = json!({"requests": [
        {"id": "a", "method": "GET", "url": "/groups/00000000-0000-0000-0000-00000000dead"},
        {"id": "b", "method": "GET", "url": "/organization", "dependsOn": ["a"]},
    ]});
    let r = call(
        &c,
        "POST",
        &format!("{}/v1.0/$batch", emu.base_url()),
        &t,
        Some(dep),
        &[],
    )
    .await;
    let b = r.body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "b")
        .unwrap()
        .clone();
    assert_eq!(b["status"], 424);
    emu.stop().await;
}

#[tokio::test]
async fn errors_have_graphs_shape_and_bad_tokens_get_401() {
    let emu = start(|c| c.token_lifetime = Duration::from_secs(2)).await;
    let c = client();
    let url = format!("{}/v1.0/organization", emu.base_url());
    let r = call(
        &c,
        "GET",
        &url,
        "",
        None,
        &[("client-request-id", "11111111-2222-3333-4444-555555555555")],
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(error_code(&r), "InvalidAuthenticationToken");
    let inner = &r.body["error"]["innerError"];
    assert_eq!(
        inner["client-request-id"],
        "11111111-2222-3333-4444-555555555555"
    );
    assert!(inner["request-id"].is_string() && inner["date"].is_string());
    assert_eq!(
        r.headers["client-request-id"],
        "11111111-2222-3333-4444-555555555555"
    );
    assert!(r.headers.contains_key("request-id"));

    // A token for another tenant is refused.
    let foreign = token_for(&emu, &c, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "app-1").await;
    let r = get(&c, &url, &foreign).await;
    assert_eq!(r.status, 401);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("tenant"));

    // Tokens are JWTs with tid, roles and exp; after exp they are refused.
    let t = token(&emu, &c).await;
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(t.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["tid"], emu.tenant_id());
    assert!(claims["roles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "DeviceManagementConfiguration.ReadWrite.All"));
    assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
    assert_eq!(get(&c, &url, &t).await.status, 200);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let r = get(&c, &url, &t).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.body["error"]["message"],
        "Lifetime validation failed, the token is expired."
    );

    // Unknown tenant names fail at the token endpoint like Entra.
    let r = c
        .post(format!(
            "{}/not-a-tenant.example/oauth2/v2.0/token",
            emu.base_url()
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "x"),
            ("client_secret", "y"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS90002"));
    emu.stop().await;
}

#[tokio::test]
async fn only_configured_clients_and_missing_roles_are_refused() {
    let emu = start(|c| {
        c.clients = vec![("app-1".into(), SECRET.into())];
        c.roles = vec!["User.Read.All".into()];
    })
    .await;
    let c = client();
    let form = |id: &'static str, secret: &'static str| {
        [
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ]
    };
    let url = format!("{}/{}/oauth2/v2.0/token", emu.base_url(), emu.tenant_id());
    let r = c
        .post(&url)
        .form(&form("app-1", "wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "invalid_client");
    assert_eq!(v["error_codes"][0], 7000215);
    let r = c
        .post(&url)
        .form(&form("app-2", SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let t = token(&emu, &c).await;
    assert_eq!(
        get(&c, &format!("{}/v1.0/users", emu.base_url()), &t)
            .await
            .status,
        200
    );
    let r = get(
        &c,
        &format!(
            "{}/v1.0/deviceManagement/deviceCompliancePolicies",
            emu.base_url()
        ),
        &t,
    )
    .await;
    assert_eq!(r.status, 403);
    let r = get(&c, &format!("{}/v1.0/groups", emu.base_url()), &t).await;
    assert_eq!(
        (r.status, error_code(&r)),
        (403, "Authorization_RequestDenied")
    );
    emu.stop().await;
}

/// Builds a client assertion as Microsoft documents it: PS256 with `x5t#S256`.
fn assertion(key_file: &str, client_id: &str, aud: &str, alg: &str) -> String {
    let key = ring::signature::RsaKeyPair::from_pkcs8(&std::fs::read(fixture(key_file)).unwrap())
        .unwrap();
    let pem = std::fs::read_to_string(fixture("client-cert.pem")).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let x5t = URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, &der));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let header = json!({"alg": alg, "typ": "JWT", "x5t#S256": x5t});
    let claims = json!({"aud": aud, "iss": client_id, "sub": client_id, "jti": "1", "nbf": now, "iat": now, "exp": now + 600});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut sig = vec![0; key.public().modulus_len()];
    let padding: &dyn ring::signature::RsaEncoding = if alg == "PS256" {
        &ring::signature::RSA_PSS_SHA256
    } else {
        &ring::signature::RSA_PKCS1_SHA256
    };
    key.sign(
        padding,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

#[tokio::test]
async fn client_assertions_are_verified_against_the_registered_certificate() {
    let emu =
        start(|c| c.client_certs = vec![("cert-app".into(), fixture("client-cert.pem"))]).await;
    let c = client();
    let url = format!("{}/{}/oauth2/v2.0/token", emu.base_url(), emu.tenant_id());
    let post = |a: String| {
        c.post(&url)
            .form(&[
                ("grant_type", "client_credentials".to_string()),
                ("client_id", "cert-app".to_string()),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_string(),
                ),
                ("client_assertion", a),
                ("scope", "https://graph.microsoft.com/.default".to_string()),
            ])
            .send()
    };
    for alg in ["PS256", "RS256"] {
        let r = post(assertion("client-key.pk8.der", "cert-app", &url, alg))
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{alg}");
    }
    // Signed by another key under the same thumbprint: refused.
    let r = post(assertion("other-key.pk8.der", "cert-app", &url, "PS256"))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error_codes"][0], 700027);
    // iss/sub not the client: refused.
    let r = post(assertion(
        "client-key.pk8.der",
        "someone-else",
        &url,
        "PS256",
    ))
    .await
    .unwrap();
    assert_eq!(r.status(), 401);
    emu.stop().await;
}

#[tokio::test]
async fn device_code_is_pending_then_approved() {
    let emu = start(|c| c.device_code_approval = Duration::from_millis(300)).await;
    let c = client();
    let base = format!("{}/organizations/oauth2/v2.0", emu.base_url());
    let r = c
        .post(format!("{base}/devicecode"))
        .form(&[
            ("client_id", "app-1"),
            (
                "scope",
                "https://graph.microsoft.com/.default offline_access",
            ),
        ])
        .send()
        .await
        .unwrap();
    let dc: Value = r.json().await.unwrap();
    assert!(dc["message"]
        .as_str()
        .unwrap()
        .contains(dc["user_code"].as_str().unwrap()));
    let poll = || {
        c.post(format!("{base}/token"))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", "app-1"),
                ("device_code", dc["device_code"].as_str().unwrap()),
            ])
            .send()
    };
    let first: Value = poll().await.unwrap().json().await.unwrap();
    assert_eq!(first["error"], "authorization_pending");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = poll().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(v["refresh_token"].is_string());
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(
                v["access_token"]
                    .as_str()
                    .unwrap()
                    .split('.')
                    .nth(1)
                    .unwrap(),
            )
            .unwrap(),
    )
    .unwrap();
    assert!(claims["scp"].as_str().unwrap().contains("Policy.Read.All"));
    let again: Value = poll().await.unwrap().json().await.unwrap();
    assert_eq!(again["error"], "invalid_grant");
    emu.stop().await;
}

#[tokio::test]
async fn conditional_access_top_drops_the_next_link_and_throttles_without_retry_after() {
    let emu = start(|c| {
        c.page_size = Some(1);
        c.throttle = ThrottleMode::Documented;
    })
    .await;
    let c = client();
    let t = token(&emu, &c).await;
    let url = format!(
        "{}/v1.0/identity/conditionalAccess/policies",
        emu.base_url()
    );
    let first = get(&c, &url, &t).await;
    assert_eq!(first.status, 200);
    assert!(snapshot_count("conditionalAccessPolicies") > 1);
    assert!(first.body["@odata.nextLink"].is_string());
    // Second request inside the same second: 429, and no Retry-After.
    let r = get(&c, &format!("{url}?$top=1"), &t).await;
    assert_eq!(r.status, 429);
    assert!(!r.headers.contains_key("retry-after"));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = get(&c, &format!("{url}?$top=1"), &t).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    assert!(
        r.body.get("@odata.nextLink").is_none(),
        "CA with $top loses the next link"
    );
    emu.stop().await;
}

#[tokio::test]
async fn intune_writes_beyond_the_documented_limit_get_retry_after_also_inside_batch() {
    let emu = start(|c| c.throttle = ThrottleMode::Documented).await;
    let c = client();
    let t = token(&emu, &c).await;
    // 100 writes per 20 s per app: DELETEs of missing objects still count.
    let mut statuses = vec![];
    for chunk in 0..6 {
        let reqs: Vec<Value> = (0..20)
            .map(|i| json!({"id": i.to_string(), "method": "DELETE", "url": format!("/deviceManagement/deviceConfigurations/00000000-0000-0000-0000-{:012}", chunk * 20 + i)}))
            .collect();
        let r = call(
            &c,
            "POST",
            &format!("{}/v1.0/$batch", emu.base_url()),
            &t,
            Some(json!({"requests": reqs})),
            &[],
        )
        .await;
        for x in r.body["responses"].as_array().unwrap() {
            statuses.push((
                x["status"].as_u64().unwrap(),
                x["headers"]["Retry-After"].as_str().map(String::from),
            ));
        }
    }
    let throttled: Vec<_> = statuses.iter().filter(|(s, _)| *s == 429).collect();
    // 120 writes, 100 allowed at once (the bucket refills 5 per second meanwhile).
    assert!(
        !throttled.is_empty() && throttled.len() <= 20,
        "{}",
        throttled.len()
    );
    assert!(throttled.iter().all(|(_, ra)| ra
        .as_deref()
        .is_some_and(|v| v.parse::<u64>().unwrap() >= 1)));
    assert!(statuses.iter().filter(|(s, _)| *s == 404).count() >= 100);
    emu.stop().await;
}

#[tokio::test]
async fn faults_are_seeded_transient_and_sometimes_cut_the_connection() {
    let run = |seed: u64| async move {
        let emu = start(|c| {
            c.fault_rate = 0.5;
            c.seed = seed;
        })
        .await;
        let c = client();
        let t = token(&emu, &c).await;
        let mut outcomes = vec![];
        for _ in 0..40 {
            let r = c
                .get(format!("{}/v1.0/subscribedSkus", emu.base_url()))
                .bearer_auth(&t)
                .send()
                .await;
            let outcome = match r {
                Err(_) => "cut".to_string(),
                Ok(r) => {
                    let status = r.status().as_u16();
                    match r.bytes().await {
                        Ok(b) if serde_json::from_slice::<Value>(&b).is_err() => "cut".to_string(),
                        Ok(_) => status.to_string(),
                        // Whether a cut shows before or after the headers is the transport's
                        // business: both are "cut".
                        Err(_) => "cut".to_string(),
                    }
                }
            };
            outcomes.push(outcome);
        }
        emu.stop().await;
        outcomes
    };
    let a = run(7).await;
    assert_eq!(a, run(7).await, "the same seed gives the same faults");
    assert!(a.iter().any(|o| o == "200"));
    assert!(a
        .iter()
        .any(|o| ["500", "503", "504"].contains(&o.as_str())));
    assert!(a.iter().any(|o| o == "cut"), "{a:?}");
}

#[tokio::test]
async fn compact_pages_are_served_from_the_snapshot_files_themselves() {
    // Large snapshots (bms2intune synth) are compact JSON: the emulator keeps offsets into
    // the files instead of the objects. A BOM and a pretty page must work too.
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph");
    std::fs::create_dir_all(graph.join("users")).unwrap();
    std::fs::write(graph.join("organization.json"), r#"{"value":[{"id":"11111111-1111-1111-1111-111111111111","displayName":"T","verifiedDomains":[{"name":"t.example"}]}]}"#).unwrap();
    let users: Vec<Value> = (0..25)
        .map(|i| json!({"id": format!("00000000-0000-0000-0000-{i:012}"), "displayName": format!("User {i} \"q\" é"), "userPrincipalName": format!("u{i}@t.example"), "usageLocation": "DE"}))
        .collect();
    let page = |items: &[Value]| serde_json::to_string(&json!({"value": items})).unwrap();
    let mut first = vec![0xEF, 0xBB, 0xBF];
    first.extend(page(&users[..10]).into_bytes());
    std::fs::write(graph.join("users/page-0001.json"), first).unwrap();
    std::fs::write(
        graph.join("users/page-0002.json"),
        serde_json::to_string_pretty(&json!({"value": &users[10..20]})).unwrap(),
    )
    .unwrap();
    std::fs::write(
        graph.join("users/page-0003.json"),
        serde_json::to_string(&users[20..]).unwrap(),
    )
    .unwrap();
    let emu = Emulator::start({
        let mut c = Config::new(dir.path());
        c.page_size = Some(4);
        c
    })
    .await
    .unwrap();
    let c = client();
    let t = token_for(&emu, &c, "t.example", "app").await;
    let (all, _) = get_all(&c, &format!("{}/v1.0/users", emu.base_url()), &t).await;
    assert_eq!(all, users);
    let (selected, _) = get_all(
        &c,
        &format!("{}/v1.0/users?$select=id,displayName", emu.base_url()),
        &t,
    )
    .await;
    assert_eq!(
        selected[3],
        json!({"id": users[3]["id"], "displayName": users[3]["displayName"]})
    );
    let one = get(
        &c,
        &format!("{}/v1.0/users/u22@t.example", emu.base_url()),
        &t,
    )
    .await;
    assert_eq!(one.body["displayName"], users[22]["displayName"]);
    let r = get(
        &c,
        &format!(
            "{}/v1.0/users?$filter=userPrincipalName eq 'u7@t.example'",
            emu.base_url()
        ),
        &t,
    )
    .await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    emu.stop().await;
}

#[tokio::test]
async fn the_binary_says_where_it_listens_and_refuses_other_interfaces() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_graph-emulator");
    let refused = Command::new(bin)
        .args([
            "--snapshot",
            sample().to_str().unwrap(),
            "--listen",
            "0.0.0.0:0",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("loopback"));
    let mut child = Command::new(bin)
        .args([
            "--snapshot",
            sample().to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--throttle",
            "off",
            "--seed",
            "3",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("first line says where")
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let state: Value = client()
        .get(format!("{base}/_emulator/state?only=organization"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(state["tenantId"].is_string());
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn the_directory_counts_resource_units_and_says_when_to_retry() {
    // A small tenant (< 50 users): 3,500 resource units per 10 s; GET /users/{id} costs 2.
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph");
    std::fs::create_dir_all(&graph).unwrap();
    std::fs::write(
        graph.join("organization.json"),
        r#"{"value":[{"id":"22222222-2222-2222-2222-222222222222","displayName":"S"}]}"#,
    )
    .unwrap();
    std::fs::write(
        graph.join("users.json"),
        r#"{"value":[{"id":"00000000-0000-0000-0000-000000000001","displayName":"A"}]}"#,
    )
    .unwrap();
    let emu = Emulator::start({
        let mut c = Config::new(dir.path());
        c.throttle = ThrottleMode::Documented;
        c
    })
    .await
    .unwrap();
    let c = client();
    let t = token(&emu, &c).await;
    let one = get(
        &c,
        &format!(
            "{}/v1.0/users/00000000-0000-0000-0000-000000000001",
            emu.base_url()
        ),
        &t,
    )
    .await;
    assert_eq!(one.headers["x-ms-resource-unit"], "2");
    let reqs: Vec<Value> = (0..20).map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/users/00000000-0000-0000-0000-000000000001"})).collect();
    let mut ok = 1;
    let mut throttled = None;
    for _ in 0..500 {
        if throttled.is_some() {
            break;
        }
        let r = call(
            &c,
            "POST",
            &format!("{}/v1.0/$batch", emu.base_url()),
            &t,
            Some(json!({"requests": reqs})),
            &[],
        )
        .await;
        for x in r.body["responses"].as_array().unwrap() {
            match x["status"].as_u64().unwrap() {
                200 => ok += 1,
                429 => throttled = Some(x.clone()),
                s => panic!("unexpected {s}"),
            }
        }
    }
    let inner = throttled.expect("the directory throttled");
    assert!(
        ok >= 1750,
        "the whole budget (3,500 units at 2 each) is usable, got {ok}"
    );
    assert_eq!(
        inner["body"]["error"]["code"],
        "Request_ThrottledTemporarily"
    );
    assert!(
        inner["headers"]["Retry-After"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let r = get(&c, &format!("{}/v1.0/users", emu.base_url()), &t).await;
    assert_eq!(r.status, 429);
    assert!(r.headers.contains_key("retry-after"));
    assert!(r.headers["x-ms-throttle-scope"]
        .to_str()
        .unwrap()
        .starts_with("Tenant_Application/"));
    emu.stop().await;
}

#[tokio::test]
async fn device_owners_come_only_with_expand() {
    // docs/snapshot.md: devices are read with $expand=registeredOwners, kept inline.
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph");
    std::fs::create_dir_all(&graph).unwrap();
    std::fs::write(
        graph.join("organization.json"),
        r#"{"value":[{"id":"33333333-3333-3333-3333-333333333333"}]}"#,
    )
    .unwrap();
    let owner = json!([{"@odata.type": "#microsoft.graph.user", "id": "u1"}]);
    let devices = json!({"value": [
        {"id": "d1", "displayName": "Phone", "registeredOwners": owner},
        {"id": "d2", "displayName": "Tablet"},
    ]});
    std::fs::write(graph.join("devices.json"), devices.to_string()).unwrap();
    let emu = Emulator::start(Config::new(dir.path())).await.unwrap();
    let c = client();
    let t = token(&emu, &c).await;
    let plain = get(&c, &format!("{}/v1.0/devices", emu.base_url()), &t).await;
    assert_eq!(
        plain.body["value"][0],
        json!({"id": "d1", "displayName": "Phone"})
    );
    let expanded = get(
        &c,
        &format!(
            "{}/v1.0/devices?$expand=registeredOwners($select=id)",
            emu.base_url()
        ),
        &t,
    )
    .await;
    assert_eq!(expanded.body["value"][0]["registeredOwners"], owner);
    assert_eq!(expanded.body["value"][1]["registeredOwners"], json!([]));
    let selected = get(
        &c,
        &format!(
            "{}/v1.0/devices?$select=id&$expand=registeredOwners",
            emu.base_url()
        ),
        &t,
    )
    .await;
    assert_eq!(
        selected.body["value"][0],
        json!({"id": "d1", "registeredOwners": owner})
    );
    assert_eq!(
        get(
            &c,
            &format!("{}/v1.0/devices?$expand=owners", emu.base_url()),
            &t
        )
        .await
        .status,
        400
    );
    emu.stop().await;
}
