//! The HTTP shell: binds a loopback address, serves the identity endpoints, `/v1.0` and
//! `/beta`, and the emulator's own `/_emulator/*` control endpoints with axum, and puts
//! dropped connections and truncated bodies on the wire when a fault says so.
//! `Emulator` is the handle tests hold: its base URL, a state dump, and `stop`.

use crate::app::{Api, Fault, Request, Shared};
use crate::config::Config;
use crate::jwt::Certificate;
use crate::reply::{Body as ReplyBody, Reply};
use crate::snapshot::{self, LoadError};
use crate::store::Coll;
use crate::util::{parse_pairs, percent_decode};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Map, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Why the emulator could not start.
#[derive(Debug)]
pub enum StartError {
    /// `--listen` named an address other than loopback.
    NotLoopback(SocketAddr),
    Snapshot(LoadError),
    Certificate(String),
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::NotLoopback(a) => write!(f, "refusing to listen on {a}: the emulator listens on loopback only (127.0.0.0/8 or ::1)"),
            StartError::Snapshot(e) => write!(f, "cannot load the snapshot: {e}"),
            StartError::Certificate(e) => write!(f, "cannot read a client certificate: {e}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A running emulator.
pub struct Emulator {
    base_url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Loads the snapshot, binds, and serves until `stop` (or drop).
    pub async fn start(config: Config) -> Result<Emulator, StartError> {
        if !config.listen.ip().is_loopback() {
            return Err(StartError::NotLoopback(config.listen));
        }
        let mut certs = Vec::new();
        for (id, path) in &config.client_certs {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| StartError::Certificate(format!("{}: {e}", path.display())))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| StartError::Certificate(format!("{}: {e}", path.display())))?;
            certs.push((id.clone(), cert));
        }
        let snapshot = config.snapshot.clone();
        let tenant = config.tenant_id.clone();
        let store =
            tokio::task::spawn_blocking(move || snapshot::load(&snapshot, tenant.as_deref()))
                .await
                .map_err(|e| {
                    StartError::Snapshot(LoadError {
                        file: config.snapshot.clone(),
                        message: e.to_string(),
                    })
                })?
                .map_err(StartError::Snapshot)?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let base_url = format!("http://{addr}");
        let mut secret = [0u8; 32];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut secret)
            .map_err(|_| StartError::Certificate("no system randomness".into()))?;
        let shared = Arc::new(Shared::new(config, base_url.clone(), store, certs, &secret));
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Emulator {
            base_url,
            addr,
            shared,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`: Graph is at `{base}/v1.0`, the authority at `{base}`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The emulated tenant's id (from the snapshot's organization.json).
    pub fn tenant_id(&self) -> String {
        self.shared.store().tenant_id.clone()
    }

    /// The whole state as canonical JSON (what `GET /_emulator/state` returns).
    pub fn state(&self) -> Value {
        dump(&self.shared, None)
    }

    /// Sets `organization.mobileDeviceManagementAuthority` (the manual coexistence step).
    pub fn set_mdm_authority(&self, value: &str) {
        set_mdm_authority(&self.shared, value);
    }

    /// Changes a managed device as Intune would see it change (the control route
    /// `PATCH /_emulator/managedDevices/{id}`): `managementAgent` (`mdm` moves a BMS device to
    /// Intune), `complianceState`, `lastSyncDateTime`. `Err` says why the change was refused.
    pub fn update_managed_device(&self, id: &str, change: &Value) -> Result<Value, String> {
        update_managed_device(&self.shared, id, change).map_err(|(_, e)| e)
    }

    /// Stops serving and waits for the server task.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn set_mdm_authority(sh: &Shared, value: &str) {
    let mut store = sh.store();
    let orgs: Vec<(String, Map<String, Value>)> = store
        .coll(Coll::Organization)
        .live()
        .map(|e| (e.id.to_string(), store.value(e)))
        .collect();
    for (id, mut v) in orgs {
        v.insert("mobileDeviceManagementAuthority".into(), value.into());
        if let Some(e) = store.coll_mut(Coll::Organization).get_mut(&id) {
            e.set_value(&v);
        }
    }
}

fn update_managed_device(sh: &Shared, id: &str, change: &Value) -> Result<Value, (u16, String)> {
    let mut store = sh.store();
    crate::device_status::update_managed_device(&mut store, id, change)
}

/// Sorts object keys recursively, so equal states serialize to equal bytes.
fn canonical(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> =
                m.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(canonical).collect()),
        other => other,
    }
}

fn dump(sh: &Shared, only: Option<&[String]>) -> Value {
    let mut store = sh.store();
    crate::licensing::process_due(&mut store, std::time::Instant::now());
    let wanted = |name: &str| only.is_none_or(|o| o.iter().any(|x| x == name));
    let mut colls = Map::new();
    for c in Coll::ALL {
        if !wanted(c.file()) {
            continue;
        }
        let mut items: Vec<(String, Value)> = store
            .coll(c)
            .live()
            .map(|e| {
                let mut v = store.value(e);
                for (k, x) in e.extras.iter().flat_map(|x| x.iter()) {
                    v.insert(k.clone(), x.clone());
                }
                (e.id.to_string(), Value::Object(v))
            })
            .collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        colls.insert(
            c.file().into(),
            Value::Array(items.into_iter().map(|x| x.1).collect()),
        );
    }
    let mut members = Map::new();
    if wanted("groupMembers") {
        let mut groups: Vec<(&str, Vec<&str>)> = store
            .members
            .iter()
            .map(|(g, m)| {
                let mut ids: Vec<&str> = m.order.iter().map(|(i, _)| i.as_ref()).collect();
                ids.sort_unstable();
                (g.as_ref(), ids)
            })
            .collect();
        groups.sort_by(|a, b| a.0.cmp(b.0));
        for (g, ids) in groups {
            members.insert(g.into(), json!(ids));
        }
    }
    canonical(json!({
        "tenantId": store.tenant_id,
        "collections": colls,
        "groupMembers": members,
        "deviceManagement": Value::Object(store.device_management.clone()),
    }))
}

fn json_response(status: u16, value: &Value) -> Response {
    let mut r = Response::new(Body::from(value.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

async fn handle(
    State(sh): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or_default().to_string();
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method.as_str(), seg.as_slice()) {
        ("GET", ["_emulator", "state"]) => {
            let only = parse_pairs(&query)
                .into_iter()
                .find(|(k, _)| k == "only")
                .map(|(_, v)| v.split(',').map(String::from).collect::<Vec<_>>());
            let sh2 = sh.clone();
            let value = tokio::task::spawn_blocking(move || dump(&sh2, only.as_deref()))
                .await
                .unwrap_or(Value::Null);
            json_response(200, &value)
        }
        ("POST", ["_emulator", "mdmAuthority"]) => {
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            match v.get("value").and_then(Value::as_str) {
                Some(a @ ("unknown" | "intune" | "sccm" | "office365")) => {
                    set_mdm_authority(&sh, a);
                    json_response(200, &json!({"mobileDeviceManagementAuthority": a}))
                }
                _ => json_response(
                    400,
                    &json!({"error": "send {\"value\": \"intune\"|\"office365\"|\"sccm\"|\"unknown\"}"}),
                ),
            }
        }
        ("PATCH", ["_emulator", "managedDevices", id]) => {
            let change: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            match update_managed_device(&sh, id, &change) {
                Ok(device) => json_response(200, &device),
                Err((status, error)) => json_response(status, &json!({ "error": error })),
            }
        }
        ("POST", [tenant, "oauth2", "v2.0", endpoint @ ("token" | "devicecode")]) => {
            let form = parse_pairs(&String::from_utf8_lossy(&body));
            let (status, value) = if *endpoint == "token" {
                crate::auth::token(&sh, tenant, &form)
            } else {
                crate::auth::device_code(&sh, tenant, &form)
            };
            let mut r = json_response(status, &value);
            r.headers_mut().insert(
                "cache-control",
                HeaderValue::from_static("no-store, no-cache"),
            );
            r
        }
        (_, [version @ ("v1.0" | "beta"), ..]) => {
            let api = if *version == "v1.0" {
                Api::V1
            } else {
                Api::Beta
            };
            let rest = seg[1..].join("/");
            let sh2 = sh.clone();
            let header_pairs: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        v.to_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            let method = method.as_str().to_string();
            let (reply, fault) = tokio::task::spawn_blocking(move || {
                graph(&sh2, api, method, rest, query, header_pairs, body)
            })
            .await
            .unwrap_or_else(|_| {
                (
                    Reply::error(500, "generalException", "The emulator failed."),
                    Fault::None,
                )
            });
            to_response(reply, fault)
        }
        _ => {
            let reply = sh.finish(
                Reply::error(
                    400,
                    "BadRequest",
                    format!("Invalid version: {}", seg.first().copied().unwrap_or("")),
                ),
                None,
            );
            to_response(reply, Fault::None)
        }
    }
}

fn graph(
    sh: &Shared,
    api: Api,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Bytes,
) -> (Reply, Fault) {
    let client_request_id = headers
        .iter()
        .find(|(k, _)| k == "client-request-id")
        .map(|(_, v)| v.clone());
    let finish = |r: Reply| sh.finish(r, client_request_id.as_deref());
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => Some(v),
            Err(_) => {
                return (finish(Reply::error(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")), Fault::None)
            }
        }
    };
    let tenant = sh.store().tenant_id.clone();
    let authorization = headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone());
    let caller = match sh.authenticate(authorization.as_deref(), &tenant) {
        Ok(c) => c,
        Err(e) => return (finish(e), Fault::None),
    };
    let req = Request {
        method,
        api,
        path,
        query,
        headers,
        body,
    };
    if req.path == "$batch" {
        if req.method != "POST" {
            return (
                finish(Reply::error(
                    405,
                    "BadRequest",
                    "Only POST is allowed on $batch.",
                )),
                Fault::None,
            );
        }
        let fault = sh.draw_fault(false);
        if let Fault::Status(s) = fault {
            return (
                finish(Reply::error(
                    s,
                    "serviceNotAvailable",
                    "The service is temporarily unavailable.",
                )),
                Fault::None,
            );
        }
        return (
            finish(crate::batch::batch(sh, &caller, api, req.body.as_ref())),
            fault,
        );
    }
    let (reply, fault) = sh.execute(&caller, &req, false);
    (finish(reply), fault)
}

fn to_response(reply: Reply, fault: Fault) -> Response {
    let bytes: Bytes = match reply.body {
        ReplyBody::Empty => Bytes::new(),
        ReplyBody::Json(text) => Bytes::from(text),
    };
    let len = bytes.len();
    let body = match fault {
        Fault::Drop => Body::from_stream(futures_util::stream::iter(vec![Err::<
            Bytes,
            std::io::Error,
        >(
            std::io::Error::other("connection dropped by fault injection"),
        )])),
        Fault::Truncate => {
            let half = bytes.slice(..len / 2);
            Body::from_stream(futures_util::stream::iter(vec![
                Ok(half),
                Err(std::io::Error::other("body truncated by fault injection")),
            ]))
        }
        _ => Body::from(bytes),
    };
    let mut r = Response::new(body);
    *r.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in &reply.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(k.as_str()), HeaderValue::from_str(v))
        {
            r.headers_mut().append(name, value);
        }
    }
    if matches!(fault, Fault::Drop | Fault::Truncate) {
        if let Ok(v) = HeaderValue::from_str(&len.to_string()) {
            r.headers_mut().insert("content-length", v);
        }
    }
    r
}
