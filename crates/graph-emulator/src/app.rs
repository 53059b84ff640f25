//! The emulator's shared state and the path every Graph request takes, at the top level or
//! inside `$batch`: bearer token check, throttling, injected transient failures, then the
//! route. Request ids, dates and Graph's error `innerError` are added here.

use crate::config::{Config, ThrottleMode};
use crate::jwt::{Certificate, Signer};
use crate::reply::Reply;
use crate::store::Store;
use crate::throttle::{self, Service, Throttle, Verdict};
use crate::util::{graph_date, unix_now, Rng};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Instant;

/// A device code waiting to be redeemed.
#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub client_id: String,
    pub tenant: String,
    pub approve_at: Instant,
    pub expires_at: Instant,
    pub last_poll: Option<Instant>,
    pub redeemed: bool,
}

/// Everything the handlers share.
pub struct Shared {
    pub config: Config,
    pub base_url: String,
    /// Reads (list pages, single objects) share it; writes take it alone.
    pub store: RwLock<Store>,
    pub throttle: Mutex<Throttle>,
    pub rng: Mutex<Rng>,
    pub signer: Signer,
    pub certs: Vec<(String, Certificate)>,
    pub device_codes: Mutex<HashMap<String, DeviceCode>>,
    /// refresh token → (client id, tenant id)
    pub refresh_tokens: Mutex<HashMap<String, (String, String)>>,
    /// opaque access token → claims
    pub opaque: Mutex<HashMap<String, Map<String, Value>>>,
    counter: AtomicU64,
}

/// Which Graph version a request addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    V1,
    Beta,
}

impl Api {
    pub fn name(self) -> &'static str {
        match self {
            Api::V1 => "v1.0",
            Api::Beta => "beta",
        }
    }
}

/// One Graph request, decoded.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub api: Api,
    /// The path after `/v1.0/` or `/beta/`, percent-decoded, without a trailing slash.
    pub path: String,
    /// The raw query string (without `?`).
    pub query: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The caller, from its access token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub app_id: String,
    pub roles: Vec<String>,
}

/// What fault, if any, to inject into one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    Status(u16),
    /// Close the connection without a response body.
    Drop,
    /// Send the headers and part of the body, then close.
    Truncate,
}

impl Shared {
    pub fn new(
        config: Config,
        base_url: String,
        store: Store,
        certs: Vec<(String, Certificate)>,
        secret: &[u8],
    ) -> Shared {
        let users = store.coll(crate::store::Coll::Users).len();
        let throttle = Throttle::new(config.throttle == ThrottleMode::Documented, users);
        let rng = Rng::new(config.seed);
        Shared {
            config,
            base_url,
            store: RwLock::new(store),
            throttle: Mutex::new(throttle),
            rng: Mutex::new(rng),
            signer: Signer::new(secret),
            certs,
            device_codes: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
            opaque: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(0),
        }
    }

    /// The store, for a write (exclusive).
    pub fn store(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The store, for a read: pages of several requests render side by side.
    pub fn store_read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn rng(&self) -> std::sync::MutexGuard<'_, Rng> {
        self.rng.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh request id (UUID-shaped, unique per emulator run).
    pub fn request_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("6e6f6e65-0000-4000-8000-{n:012x}")
    }

    /// Draws the fault for one request (`inner`: inside a batch, where only statuses apply).
    pub fn draw_fault(&self, inner: bool) -> Fault {
        if self.config.fault_rate <= 0.0 {
            return Fault::None;
        }
        let mut rng = self.rng();
        if rng.unit() >= self.config.fault_rate {
            return Fault::None;
        }
        let kinds: &[Fault] = if inner {
            &[Fault::Status(500), Fault::Status(503), Fault::Status(504)]
        } else {
            &[
                Fault::Status(500),
                Fault::Status(503),
                Fault::Status(504),
                Fault::Drop,
                Fault::Truncate,
            ]
        };
        kinds[rng.below(kinds.len() as u64) as usize]
    }

    /// Checks the bearer token: Graph's 401s for a missing, invalid, expired or foreign token.
    pub fn authenticate(
        &self,
        authorization: Option<&str>,
        tenant_id: &str,
    ) -> Result<Caller, Reply> {
        let invalid = |m: &str| {
            Reply::error(401, "InvalidAuthenticationToken", m)
            .with_header("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"")
        };
        let token = match authorization.and_then(|a| {
            a.strip_prefix("Bearer ")
                .or_else(|| a.strip_prefix("bearer "))
        }) {
            Some(t) if !t.trim().is_empty() => t.trim(),
            _ => return Err(invalid("Access token is empty.")),
        };
        let claims = match self.signer.verify(token) {
            Ok(c) => c,
            Err(_) => match self
                .opaque
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(token)
            {
                Some(c) => c.clone(),
                None => {
                    return Err(invalid(
                        "Access token validation failure. Invalid signature.",
                    ))
                }
            },
        };
        let exp = claims.get("exp").and_then(Value::as_u64).unwrap_or(0);
        if exp <= unix_now() {
            return Err(invalid("Lifetime validation failed, the token is expired."));
        }
        let tid = claims
            .get("tid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !tid.eq_ignore_ascii_case(tenant_id) {
            return Err(invalid(&format!("Access token validation failure. The token was issued for tenant '{tid}', which is not this tenant.")));
        }
        let app_id = claims
            .get("appid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut roles: Vec<String> = claims
            .get("roles")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(scp) = claims.get("scp").and_then(Value::as_str) {
            roles.extend(scp.split(' ').filter(|s| !s.is_empty()).map(String::from));
        }
        Ok(Caller { app_id, roles })
    }

    /// Runs one authenticated Graph request through throttling and its route.
    pub fn execute(&self, caller: &Caller, req: &Request, inner: bool) -> (Reply, Fault) {
        let fault = self.draw_fault(inner);
        let segments: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
        let service = service_of(&segments);
        let write = req.method != "GET";
        let query = crate::odata::Query::parse(&req.query);
        let cost = match service {
            Service::Directory => throttle::directory_cost(
                &req.method,
                &segments,
                query.get("$select").is_some(),
                query.get("$expand").is_some(),
                query.get("$top").and_then(|t| t.parse().ok()),
            ),
            _ => 1,
        };
        let verdict = self
            .throttle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .check(service, &caller.app_id, write, cost, Instant::now());
        let mut reply = match verdict {
            Verdict::Throttled {
                retry_after_secs,
                scope,
            } => {
                return (
                    throttled(service, scope, retry_after_secs, &caller.app_id),
                    Fault::None,
                );
            }
            Verdict::Pass { used } => {
                if let Fault::Status(status) = fault {
                    return (transient(status), Fault::None);
                }
                let mut reply = crate::api::route(self, caller, req, &segments, &query);
                if service == Service::Directory {
                    reply
                        .headers
                        .push(("x-ms-resource-unit".into(), cost.to_string()));
                    if used >= 0.8 {
                        reply.headers.push((
                            "x-ms-throttle-limit-percentage".into(),
                            format!("{used:.1}"),
                        ));
                    }
                }
                reply
            }
        };
        if !reply
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            && matches!(reply.body, crate::reply::Body::Json(_))
        {
            reply.headers.push(("Content-Type".into(), "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8".into()));
        }
        (reply, fault)
    }

    /// Adds request ids and the error's innerError.
    pub fn finish(&self, reply: Reply, client_request_id: Option<&str>) -> Reply {
        let request_id = self.request_id();
        let client = client_request_id
            .map(str::to_string)
            .unwrap_or_else(|| request_id.clone());
        reply.finish(&request_id, &client, &graph_date(unix_now()))
    }
}

/// The throttling service a path belongs to.
pub fn service_of(segments: &[&str]) -> Service {
    match segments {
        ["deviceManagement", "managedDevices", ..] => Service::IntuneDevices,
        ["deviceManagement", ..] => Service::IntuneConfiguration,
        ["identity", "conditionalAccess", ..] => Service::ConditionalAccess,
        _ => Service::Directory,
    }
}

fn throttled(service: Service, scope: throttle::Scope, secs: u64, app: &str) -> Reply {
    let (code, message) = match service {
        Service::Directory => (
            "Request_ThrottledTemporarily",
            format!("Your request is throttled temporarily. Please try after {secs} seconds."),
        ),
        _ => ("TooManyRequests", "Too many requests.".to_string()),
    };
    let mut reply = Reply::error(429, code, message);
    if service.sends_retry_after() {
        reply = reply.with_header("Retry-After", secs.to_string());
    }
    if service == Service::Directory {
        let scope = match scope {
            throttle::Scope::Tenant => "Tenant".to_string(),
            throttle::Scope::AppTenant => format!("Tenant_Application/ReadWrite/{app}"),
        };
        reply = reply
            .with_header("x-ms-throttle-scope", scope)
            .with_header("x-ms-throttle-information", "ResourceUnitLimitExceeded");
    }
    reply
}

fn transient(status: u16) -> Reply {
    let (code, message) = match status {
        503 => (
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please retry later.",
        ),
        504 => (
            "UnknownError",
            "The gateway timed out waiting for the service.",
        ),
        _ => (
            "generalException",
            "An unexpected error occurred while processing the request.",
        ),
    };
    Reply::error(status, code, message)
}
