//! The Graph client, the preflight and `collect` against the in-repo Graph emulator serving
//! the sample tenant (examples/contoso): paging, `$select`, `$batch`, throttling with and
//! without `Retry-After` (inner `$batch` 429s too), proactive pacing, injected faults, token
//! expiry and refresh, certificates (PEM and PFX) and device code, a foreign tenant, and the
//! permission preflight.

use bms2intune_graph::auth::{ClientCertificate, Connection, Credential};
use bms2intune_graph::client::{ClientOptions, GraphClient};
use bms2intune_graph::collect::{collect, CollectOptions};
use bms2intune_graph::pacing::Service;
use bms2intune_graph::preflight::{self, GrantSource, IntuneSubscription, PreflightError};
use bms2intune_graph::retry::RetryPolicy;
use bms2intune_graph::{Endpoints, GraphError, Secret};
use graph_emulator::{Config, Emulator, ThrottleMode};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn contoso() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso")
}

async fn emulator(configure: impl FnOnce(&mut Config)) -> Emulator {
    let mut config = Config::new(contoso());
    configure(&mut config);
    Emulator::start(config).await.expect("emulator starts")
}

fn connection(emu: &Emulator, credential: Credential) -> Connection {
    Connection {
        tenant_id: emu.tenant_id(),
        client_id: "11111111-2222-3333-4444-555555555555".into(),
        credential,
        endpoints: Endpoints::new(emu.base_url(), emu.base_url()).unwrap(),
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 10,
        base: Duration::from_millis(50),
        cap: Duration::from_millis(400),
    }
}

fn client_with(emu: &Emulator, options: ClientOptions) -> GraphClient {
    GraphClient::new(
        connection(emu, Credential::Secret(Secret::new("app-secret"))),
        options,
    )
    .unwrap()
}

fn client(emu: &Emulator) -> GraphClient {
    client_with(
        emu,
        ClientOptions {
            retry: fast_retries(),
            ..ClientOptions::default()
        },
    )
}

type Files = Arc<Mutex<BTreeMap<String, Vec<u8>>>>;

async fn collect_into(
    client: &GraphClient,
    intune: bool,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let files: Files = Arc::default();
    let sink_files = files.clone();
    let sink = move |path: &str, bytes: &[u8]| {
        sink_files
            .lock()
            .unwrap()
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    };
    collect(
        client,
        CollectOptions {
            intune,
            progress: false,
            batches_in_flight: 2,
        },
        &sink,
    )
    .await
    .map_err(|e| e.to_string())?;
    let files = files.lock().unwrap().clone();
    Ok(files)
}

/// The items of every collected file, by collection (pages merged), for comparisons that do
/// not depend on page boundaries.
fn items_by_collection(
    files: &BTreeMap<String, Vec<u8>>,
) -> BTreeMap<String, Vec<serde_json::Value>> {
    let mut out: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for (path, bytes) in files {
        let key = path
            .strip_prefix("graph/")
            .unwrap()
            .split(['/', '.'])
            .take(if path.contains("groupMembers/") { 2 } else { 1 })
            .collect::<Vec<_>>()
            .join("/");
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        out.entry(key)
            .or_default()
            .extend(v["value"].as_array().unwrap().iter().cloned());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_pages_selects_and_batches_every_collection() {
    let emu = emulator(|c| c.page_size = Some(7)).await;
    let client = client(&emu);
    let files = collect_into(&client, true).await.unwrap();
    // Large collections are page folders, several pages each at 7 per page.
    let user_pages: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("graph/users/page-"))
        .collect();
    assert!(user_pages.len() >= 9, "{user_pages:?}");
    assert!(files.contains_key("graph/users/page-000001.json"));
    assert!(files
        .keys()
        .any(|k| k.starts_with("graph/managedDevices/page-")));
    for single in [
        "organization",
        "subscribedSkus",
        "deviceCompliancePolicies",
        "deviceConfigurations",
        "conditionalAccessPolicies",
    ] {
        assert!(
            files.contains_key(&format!("graph/{single}.json")),
            "{single}"
        );
    }
    let items = items_by_collection(&files);
    // $select: users carry only the selected properties.
    for user in &items["users"] {
        for key in user.as_object().unwrap().keys() {
            assert!(
                [
                    "id",
                    "displayName",
                    "userPrincipalName",
                    "mail",
                    "accountEnabled",
                    "usageLocation",
                    "assignedLicenses",
                    "assignedPlans",
                    "@odata.type"
                ]
                .contains(&key.as_str()),
                "unexpected {key}"
            );
        }
    }
    // Every group's members were read, with pages beyond the first as <id>.2.json.
    let groups = &items["groups"];
    for g in groups {
        let id = g["id"].as_str().unwrap();
        assert!(
            files.contains_key(&format!("graph/groupMembers/{id}.json")),
            "members of {id}"
        );
    }
    assert!(files
        .keys()
        .any(|k| k.starts_with("graph/groupMembers/") && k.ends_with(".2.json")));
    // Counts equal the sample's.
    let sample = |name: &str| -> usize {
        let dir = contoso().join("graph");
        let mut n = 0;
        let mut add = |p: PathBuf| {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            n += v.get("value").unwrap_or(&v).as_array().unwrap().len();
        };
        if dir.join(name).is_dir() {
            for e in std::fs::read_dir(dir.join(name)).unwrap() {
                add(e.unwrap().path());
            }
        } else {
            add(dir.join(format!("{name}.json")));
        }
        n
    };
    for name in [
        "users",
        "groups",
        "devices",
        "managedDevices",
        "deviceCompliancePolicies",
        "conditionalAccessPolicies",
    ] {
        assert_eq!(items[name].len(), sample(name), "{name}");
    }
    // Member reads went through $batch: far fewer envelopes than groups.
    let stats = client.pacer().stats();
    let batches = stats[&Service::Other].requests;
    assert!(
        batches >= 1 && batches * 10 <= groups.len() as u64 + 10,
        "{batches} $batch requests for {} groups",
        groups.len()
    );
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_intune_reads_wait_for_retry_after() {
    let emu = emulator(|c| c.throttle = ThrottleMode::Documented).await;
    // Pacing off, and a backoff far longer than Retry-After: finishing quickly proves the
    // client waited for Retry-After (1 s here) rather than backing off on its own.
    let client = client_with(
        &emu,
        ClientOptions {
            pacing: false,
            concurrency: 8,
            retry: RetryPolicy {
                max_attempts: 6,
                base: Duration::from_secs(30),
                cap: Duration::from_secs(60),
            },
            ..ClientOptions::default()
        },
    );
    let url = client.url("v1.0", "/deviceManagement/deviceCompliancePolicies?$top=1");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..1050 {
        let (c, u) = (client.clone(), url.clone());
        tasks.spawn(async move { c.get_json(&u).await.map(|_| ()) });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap().unwrap();
    }
    let stats = client.pacer().stats()[&Service::IntuneConfiguration];
    assert!(
        stats.throttled > 0,
        "the emulator's 1,000 per 20 s was exceeded: {stats:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_access_429s_without_retry_after_back_off_and_pacing_avoids_them() {
    let emu = emulator(|c| c.throttle = ThrottleMode::Documented).await;
    let url = |c: &GraphClient| c.url("v1.0", "/identity/conditionalAccess/policies");
    // Reactive: five at once; CA's 429s carry no Retry-After, so the client backs off.
    let reactive = client_with(
        &emu,
        ClientOptions {
            pacing: false,
            retry: RetryPolicy {
                max_attempts: 12,
                base: Duration::from_millis(300),
                cap: Duration::from_secs(2),
            },
            ..ClientOptions::default()
        },
    );
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let (c, u) = (reactive.clone(), url(&reactive));
        tasks.spawn(async move { c.get_all(&u).await.map(|v| v.len()) });
    }
    while let Some(r) = tasks.join_next().await {
        assert!(r.unwrap().unwrap() > 0);
    }
    assert!(reactive.pacer().stats()[&Service::ConditionalAccess].throttled > 0);
    // Proactive: paced at about one a second, four reads meet no 429.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let paced = client(&emu);
    let started = Instant::now();
    for _ in 0..4 {
        paced.get_all(&url(&paced)).await.unwrap();
    }
    let s = paced.pacer().stats()[&Service::ConditionalAccess];
    assert_eq!(s.throttled, 0, "{s:?}");
    assert!(started.elapsed() >= Duration::from_secs(3));
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inner_batch_429s_are_retried_on_their_own() {
    let emu = emulator(|c| c.throttle = ThrottleMode::Documented).await;
    let client = client_with(
        &emu,
        ClientOptions {
            pacing: false,
            retry: RetryPolicy {
                max_attempts: 20,
                base: Duration::from_millis(200),
                cap: Duration::from_secs(2),
            },
            ..ClientOptions::default()
        },
    );
    let groups = client
        .get_all(&client.url("v1.0", "/groups?$select=id"))
        .await
        .unwrap();
    let urls: Vec<String> = groups
        .iter()
        .cycle()
        .take(20)
        .map(|g| format!("/groups/{}/members?$select=id", g["id"].as_str().unwrap()))
        .collect();
    // The sample's 5,000 units per 10 s run out after 2,500 member reads (2 units each).
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..140 {
        let (c, u) = (client.clone(), urls.clone());
        tasks.spawn(async move { c.batch_get("v1.0", &u).await });
    }
    while let Some(r) = tasks.join_next().await {
        for item in r.unwrap() {
            assert!(item.unwrap()["value"].is_array());
        }
    }
    let s = client.pacer().stats()[&Service::Directory];
    assert!(s.throttled > 0, "{s:?}");
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_faults_are_retried_into_the_same_snapshot() {
    let clean_emu = emulator(|c| c.page_size = Some(10)).await;
    let clean = items_by_collection(&collect_into(&client(&clean_emu), true).await.unwrap());
    clean_emu.stop().await;
    let faulty_emu = emulator(|c| {
        c.page_size = Some(10);
        c.fault_rate = 0.25;
        c.seed = 7;
    })
    .await;
    let faulty_client = client(&faulty_emu);
    let faulty = items_by_collection(&collect_into(&faulty_client, true).await.unwrap());
    assert_eq!(clean, faulty);
    let retried: u64 = faulty_client
        .pacer()
        .stats()
        .values()
        .map(|s| s.transient)
        .sum();
    assert!(retried > 0, "faults were injected and retried");
    faulty_emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_keeps_failing_fails_the_collection() {
    let emu = emulator(|c| {
        c.fault_rate = 1.0;
        c.seed = 3;
    })
    .await;
    let client = client_with(
        &emu,
        ClientOptions {
            retry: RetryPolicy {
                max_attempts: 3,
                base: Duration::from_millis(20),
                cap: Duration::from_millis(50),
            },
            ..ClientOptions::default()
        },
    );
    let err = collect_into(&client, true).await.unwrap_err();
    assert!(err.contains("attempts"), "{err}");
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_refreshed_before_they_expire() {
    let emu = emulator(|c| c.token_lifetime = Duration::from_secs(2)).await;
    let client = client(&emu);
    let url = client.url("v1.0", "/organization");
    for _ in 0..4 {
        client.get_json(&url).await.unwrap();
        tokio::time::sleep(Duration::from_millis(900)).await;
    }
    let n = client.tokens().acquisitions();
    assert!(
        n >= 2,
        "a 2 s token was renewed while reading for 3.6 s ({n} tokens)"
    );
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_tenants_token_is_refused() {
    let emu = emulator(|_| {}).await;
    let mut conn = connection(&emu, Credential::Secret(Secret::new("s")));
    conn.tenant_id = "99999999-9999-4999-8999-999999999999".into();
    let client = GraphClient::new(conn, ClientOptions::default()).unwrap();
    match preflight::preflight(&client, preflight::COLLECT).await {
        Err(PreflightError::Graph(GraphError::Status { status: 401, .. }))
        | Err(PreflightError::ForeignTenant { .. }) => {}
        other => panic!("{other:?}"),
    }
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preflight_lists_every_missing_permission_at_once() {
    let emu = emulator(|c| c.roles = vec!["User.Read.All".into(), "Group.Read.All".into()]).await;
    let err = preflight::preflight(&client(&emu), preflight::COLLECT)
        .await
        .unwrap_err();
    let PreflightError::MissingPermissions { missing, .. } = &err else {
        panic!("{err:?}")
    };
    let names: Vec<&str> = missing.iter().map(|r| r.permission).collect();
    assert_eq!(
        names,
        [
            "Organization.Read.All",
            "Device.Read.All",
            "DeviceManagementManagedDevices.Read.All",
            "DeviceManagementConfiguration.Read.All",
            "Policy.Read.All"
        ]
    );
    emu.stop().await;

    let ok = emulator(|_| {}).await;
    let report = preflight::preflight(&client(&ok), preflight::COLLECT)
        .await
        .unwrap();
    assert_eq!(report.source, GrantSource::TokenRoles);
    assert_eq!(report.intune, IntuneSubscription::Active);
    assert_eq!(report.tenant_id, ok.tenant_id());
    ok.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_intune_the_intune_collections_are_left_out() {
    let emu = emulator(|c| c.intune_subscription = "disabled".into()).await;
    let client = client(&emu);
    let report = preflight::preflight(&client, preflight::COLLECT)
        .await
        .unwrap();
    let IntuneSubscription::NotActive(reason) = &report.intune else {
        panic!("{:?}", report.intune)
    };
    assert!(preflight::intune_consequence(reason).contains("not-assessed"));
    let files = collect_into(&client, false).await.unwrap();
    assert!(files.keys().all(|k| !k.contains("managedDevices")
        && !k.contains("deviceCompliance")
        && !k.contains("deviceConfigurations")));
    assert!(files.contains_key("graph/users/page-000001.json"));
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opaque_tokens_fall_back_to_the_apps_role_assignments() {
    let emu = emulator(|c| c.opaque_tokens = true).await;
    let report = preflight::preflight(&client(&emu), preflight::COLLECT)
        .await
        .unwrap();
    assert_eq!(report.source, GrantSource::AppRoleAssignments);
    assert!(report
        .granted
        .contains("DeviceManagementManagedDevices.Read.All"));
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_assignment_fallback_fails_closed_on_a_missing_permission() {
    let emu = emulator(|c| {
        c.opaque_tokens = true;
        c.roles.retain(|r| !r.starts_with("Policy."));
    })
    .await;
    let err = preflight::preflight(&client(&emu), preflight::COLLECT)
        .await
        .unwrap_err();
    let PreflightError::MissingPermissions {
        missing,
        source_name,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    let names: Vec<&str> = missing.iter().map(|r| r.permission).collect();
    assert_eq!(names, ["Policy.Read.All"]);
    assert_eq!(*source_name, "read from the app's role assignments");
    emu.stop().await;
}

fn test_certificate(dir: &std::path::Path) -> (PathBuf, PathBuf, PathBuf) {
    let key_pem = include_str!("data/test-rsa-key.pem");
    let key = rcgen::KeyPair::from_pem(key_pem).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["bms2intune-test".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let cert_only = dir.join("cert.pem");
    std::fs::write(&cert_only, cert.pem()).unwrap();
    let both = dir.join("app.pem");
    std::fs::write(&both, format!("{}{key_pem}", cert.pem())).unwrap();
    // The same certificate as a PFX.
    use rustls_pki_types::pem::PemObject;
    let key_der = rustls_pki_types::PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    let chain = p12_keystore::PrivateKeyChain::new(
        b"id".to_vec(),
        p12_keystore::PrivateKey::from_der(key_der.secret_der()).unwrap(),
        vec![p12_keystore::Certificate::from_der(cert.der()).unwrap()],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry("app", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    let pfx = dir.join("app.pfx");
    std::fs::write(&pfx, store.writer("pfx-pass").write().unwrap()).unwrap();
    (cert_only, both, pfx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_assertions_from_pem_and_pfx_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let (cert_only, pem, pfx) = test_certificate(dir.path());
    let client_id = "11111111-2222-3333-4444-555555555555";
    let emu = emulator(|c| c.client_certs = vec![(client_id.into(), cert_only.clone())]).await;
    for credential in [
        ClientCertificate::load(&pem, None).unwrap(),
        ClientCertificate::load(&pfx, Some(&Secret::new("pfx-pass"))).unwrap(),
    ] {
        let client = GraphClient::new(
            connection(&emu, Credential::Certificate(credential)),
            ClientOptions::default(),
        )
        .unwrap();
        client
            .get_json(&client.url("v1.0", "/organization"))
            .await
            .unwrap();
    }
    // A secret is not accepted for an app that signs in with a certificate.
    let by_secret = client(&emu);
    let err = by_secret
        .get_json(&by_secret.url("v1.0", "/organization"))
        .await
        .unwrap_err();
    assert!(matches!(err, GraphError::Auth(_)), "{err}");
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_prints_instructions_and_gets_a_delegated_token() {
    let emu = emulator(|c| {
        c.device_code_approval = Duration::from_millis(1500);
        c.device_code_interval = 1;
    })
    .await;
    let prompts = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = prompts.clone();
    let client = GraphClient::new(
        connection(&emu, Credential::DeviceCode),
        ClientOptions {
            device_prompt: Arc::new(move |m| seen.lock().unwrap().push(m.to_string())),
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let report = preflight::preflight(&client, preflight::COLLECT)
        .await
        .unwrap();
    assert_eq!(report.source, GrantSource::TokenScopes);
    assert_eq!(prompts.lock().unwrap().len(), 1);
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_links_outside_graph_are_not_followed() {
    let emu = emulator(|_| {}).await;
    let client = client(&emu);
    let err = client
        .get_page("http://127.0.0.2:9/v1.0/users?$skiptoken=x")
        .await
        .unwrap_err();
    assert!(matches!(err, GraphError::Unexpected { .. }), "{err}");
    assert_eq!(
        client.tokens().acquisitions(),
        0,
        "no token was fetched for it"
    );
    emu.stop().await;
}
