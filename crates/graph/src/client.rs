//! The request/response core every Graph call goes through: bounded concurrency, pacing per
//! service (`pacing`), a bearer token that is renewed on expiry or on a 401, retries of
//! throttled and transient failures (`retry`; a cut-off or unparsable answer counts as a
//! dropped connection), `client-request-id` on every request and `request-id` in the debug
//! log, Graph's error JSON decoded into [`GraphError`]. On top: `@odata.nextLink` paging and
//! JSON `$batch` (20 requests per batch, each inner 429 retried on its own `Retry-After`).
//! Writes (the apply command) use [`GraphClient::send`] with a body.

use crate::auth::certificate::random_uuid;
use crate::auth::token::{transport_detail, DevicePrompt};
use crate::auth::{Connection, TokenProvider};
use crate::endpoint::Endpoints;
use crate::error::{decode_error_body, GraphError, RequestIds};
use crate::pacing::{classify, cost, resource_path, Pacer, Service};
use crate::retry::{parse_retry_after, retryable_status, RetryPolicy};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// How a client behaves.
#[derive(Clone)]
pub struct ClientOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Pace proactively at the documented limits (off only to test the reactive path).
    pub pacing: bool,
    pub retry: RetryPolicy,
    /// The longest one request may take.
    pub timeout: Duration,
    /// Where device code sign-in instructions go.
    pub device_prompt: DevicePrompt,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            concurrency: 8,
            pacing: true,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(120),
            device_prompt: Arc::new(|message| eprintln!("{message}")),
        }
    }
}

/// A Graph client for one tenant; cheap to clone.
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    tokens: TokenProvider,
    pacer: Pacer,
    retry: RetryPolicy,
    permits: Semaphore,
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    pub ids: RequestIds,
}

/// One page of a collection, checked to be complete JSON with a `value` array.
#[derive(Debug)]
pub struct Page {
    /// The page as Graph sent it.
    pub raw: Vec<u8>,
    /// Items in `value`.
    pub items: usize,
    /// `@odata.nextLink`, followed verbatim.
    pub next_link: Option<String>,
}

#[derive(Deserialize)]
struct PageShape {
    value: Vec<serde::de::IgnoredAny>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
}

/// A body check: `Err` means the answer was cut off or garbled (retried like a dropped
/// connection).
type Validate = fn(&[u8]) -> Result<(), String>;

fn any_json(body: &[u8]) -> Result<(), String> {
    if body.is_empty() {
        return Ok(());
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(body)
        .map(|_| ())
        .map_err(|e| format!("the answer is not complete JSON ({e})"))
}

/// Checks a page and reads its shape in the same pass (a page is parsed once).
fn page_json(body: &[u8]) -> Result<PageShape, String> {
    serde_json::from_slice::<PageShape>(body)
        .map_err(|e| format!("the page is incomplete or not a Graph collection ({e})"))
}

impl Page {
    /// A page whose bytes were already read (a `$batch` inner body), checked like
    /// [`GraphClient::get_page`] checks one; `Err` says what is wrong with it.
    pub fn from_raw(raw: Vec<u8>) -> Result<Page, String> {
        let shape = page_json(&raw)?;
        Ok(Page {
            items: shape.value.len(),
            next_link: shape.next_link,
            raw,
        })
    }
}

impl GraphClient {
    /// A client for `connection`.
    pub fn new(connection: Connection, options: ClientOptions) -> Result<GraphClient, GraphError> {
        crate::install_crypto_provider();
        let http = reqwest::Client::builder()
            .user_agent(concat!("bms2intune/", env!("CARGO_PKG_VERSION")))
            .timeout(options.timeout)
            .connect_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| GraphError::Unexpected {
                url: connection.endpoints.graph.clone(),
                detail: format!("cannot set up HTTPS: {e}"),
            })?;
        let tokens = TokenProvider::new(http.clone(), connection, options.device_prompt.clone());
        Ok(GraphClient {
            inner: Arc::new(Inner {
                http,
                tokens,
                pacer: Pacer::new(options.pacing),
                retry: options.retry,
                permits: Semaphore::new(options.concurrency.max(1)),
            }),
        })
    }

    /// The token provider (for the preflight and tests).
    pub fn tokens(&self) -> &TokenProvider {
        &self.inner.tokens
    }

    /// The pacer and its counters.
    pub fn pacer(&self) -> &Pacer {
        &self.inner.pacer
    }

    /// The connection's base URLs.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.tokens.connection().endpoints
    }

    /// `{graph}/{api}{path}` for a path starting with `/`.
    pub fn url(&self, api: &str, path: &str) -> String {
        format!("{}{path}", self.endpoints().api(api))
    }

    /// Sends one request and returns its successful answer, retrying as the module
    /// documentation says. `body` is sent as JSON.
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Response, GraphError> {
        self.send_checked(method, url, &[], body, any_json).await
    }

    /// [`send`](Self::send) with extra request headers (such as `Prefer: create-if-missing`);
    /// never `Authorization`, which the client adds itself.
    pub async fn send_with(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<Response, GraphError> {
        self.send_checked(method, url, headers, body, any_json)
            .await
    }

    /// GET and parse JSON.
    pub async fn get_json(&self, url: &str) -> Result<Value, GraphError> {
        let r = self.send("GET", url, None).await?;
        serde_json::from_slice(&r.body).map_err(|e| GraphError::Unexpected {
            url: url.into(),
            detail: e.to_string(),
        })
    }

    /// GET one page of a collection.
    /// The URL must be under the Graph base URL: a `@odata.nextLink` pointing elsewhere is
    /// refused rather than sent the token.
    pub async fn get_page(&self, url: &str) -> Result<Page, GraphError> {
        if !url.starts_with(&format!("{}/", self.endpoints().graph)) {
            return Err(GraphError::Unexpected {
                url: url.into(),
                detail: format!(
                    "a page link outside {}; not following it",
                    self.endpoints().graph
                ),
            });
        }
        let (r, shape) = self.send_parsed("GET", url, &[], None, page_json).await?;
        Ok(Page {
            items: shape.value.len(),
            next_link: shape.next_link,
            raw: r.body,
        })
    }

    async fn send_checked(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
        validate: Validate,
    ) -> Result<Response, GraphError> {
        self.send_parsed(method, url, headers, body, validate)
            .await
            .map(|(response, ())| response)
    }

    /// The request loop behind every call. `validate` checks a successful body and may read
    /// from it what the caller needs (a page's shape), so the body is parsed once; `Err`
    /// means the answer was cut off or garbled and is retried like a dropped connection.
    async fn send_parsed<T>(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
        validate: impl Fn(&[u8]) -> Result<T, String>,
    ) -> Result<(Response, T), GraphError> {
        let inner = &*self.inner;
        let (path, query) = resource_path(url);
        let service = classify(path);
        let units = cost(service, method, path, query);
        let idempotent = !method.eq_ignore_ascii_case("POST") || path.ends_with("/$batch");
        let http_method =
            reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| GraphError::Unexpected {
                url: url.into(),
                detail: format!("bad method {method}"),
            })?;
        let mut attempt = 0u32;
        let mut renewed_token = false;
        loop {
            attempt += 1;
            let permit = inner
                .permits
                .acquire()
                .await
                .expect("the semaphore is never closed");
            inner.pacer.admit(service, units).await;
            let token = inner.tokens.token().await?;
            let ids = RequestIds {
                client_request_id: random_uuid(),
                request_id: String::new(),
            };
            let mut request = inner
                .http
                .request(http_method.clone(), url)
                .bearer_auth(token.expose())
                .header("client-request-id", &ids.client_request_id)
                .header("return-client-request-id", "true");
            for (name, value) in headers {
                request = request.header(name.as_str(), value.as_str());
            }
            if let Some(b) = body {
                request = request.json(b);
            }
            let started = Instant::now();
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let header = |name: &str| {
                        response
                            .headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string)
                    };
                    let request_id = header("request-id").unwrap_or_default();
                    let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
                    let bytes = response.bytes().await;
                    Ok((status, request_id, retry_after, bytes))
                }
                Err(e) => Err(transport_detail(&e)),
            };
            drop(permit);
            let ids = RequestIds {
                request_id: outcome.as_ref().map(|o| o.1.clone()).unwrap_or_default(),
                ..ids
            };
            let ms = started.elapsed().as_millis() as u64;
            // Transport failures, including answers cut off mid-body, are retried.
            let failure = match outcome {
                Err(detail) => detail,
                Ok((status, _, retry_after, Ok(bytes))) => {
                    tracing::debug!(
                        method,
                        url,
                        status,
                        client_request_id = %ids.client_request_id,
                        request_id = %ids.request_id,
                        ms,
                        service = service.name(),
                        "graph"
                    );
                    if (200..300).contains(&status) {
                        match validate(&bytes) {
                            Ok(parsed) => {
                                let response = Response {
                                    status,
                                    body: Vec::from(bytes),
                                    ids,
                                };
                                return Ok((response, parsed));
                            }
                            Err(detail) => detail,
                        }
                    } else if status == 401 && !renewed_token {
                        // The token expired early or was revoked: fetch a new one once.
                        renewed_token = true;
                        inner.tokens.invalidate(&token).await;
                        attempt -= 1;
                        continue;
                    } else if retryable_status(status, idempotent) {
                        inner.pacer.record(service, status == 429);
                        if attempt >= inner.retry.max_attempts {
                            return Err(GraphError::GaveUp {
                                method: method.into(),
                                url: url.into(),
                                status,
                                attempts: attempt,
                                ids,
                            });
                        }
                        let wait = inner.retry.delay(attempt, retry_after);
                        tracing::debug!(
                            status,
                            wait_ms = wait.as_millis() as u64,
                            retry_after = retry_after.is_some(),
                            service = service.name(),
                            "graph: retrying {method} {url}"
                        );
                        if status == 429 {
                            inner.pacer.pause(service, Instant::now() + wait);
                        }
                        tokio::time::sleep(wait).await;
                        continue;
                    } else {
                        let (code, message) = decode_error_body(status, &bytes);
                        return Err(GraphError::Status {
                            method: method.into(),
                            url: url.into(),
                            status,
                            code,
                            message,
                            ids,
                        });
                    }
                }
                Ok((_, _, _, Err(e))) => transport_detail(&e),
            };
            inner.pacer.record(service, false);
            tracing::debug!(
                client_request_id = %ids.client_request_id,
                "graph: {method} {url} failed ({failure}); attempt {attempt}"
            );
            if !idempotent || attempt >= inner.retry.max_attempts {
                return Err(GraphError::Transport {
                    method: method.into(),
                    url: url.into(),
                    detail: failure,
                    attempts: attempt,
                    ids,
                });
            }
            tokio::time::sleep(inner.retry.delay(attempt, None)).await;
        }
    }

    /// Reads every page of a collection, following `@odata.nextLink` verbatim, and hands each
    /// page to `on_page` as it arrives. The next page is already being read while `on_page`
    /// handles the current one (pages still arrive in order; on an error the read ahead is
    /// cancelled).
    pub async fn for_each_page<E: From<GraphError>>(
        &self,
        first_url: &str,
        mut on_page: impl FnMut(Page) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut next = Some(self.read_ahead(first_url.to_string()));
        while let Some(pending) = next.take() {
            let page = pending.finish(first_url).await?;
            next = page.next_link.clone().map(|link| self.read_ahead(link));
            on_page(page)?;
        }
        Ok(())
    }

    /// Starts reading one page on its own task.
    fn read_ahead(&self, url: String) -> ReadAhead {
        let client = self.clone();
        ReadAhead(tokio::spawn(async move { client.get_page(&url).await }))
    }

    /// Reads every item of a (small) collection into memory.
    pub async fn get_all(&self, first_url: &str) -> Result<Vec<Value>, GraphError> {
        #[derive(Deserialize)]
        struct Items {
            value: Vec<Value>,
        }
        let mut all = Vec::new();
        self.for_each_page(first_url, |page| {
            let items: Items =
                serde_json::from_slice(&page.raw).map_err(|e| GraphError::Unexpected {
                    url: first_url.into(),
                    detail: e.to_string(),
                })?;
            all.extend(items.value);
            Ok::<(), GraphError>(())
        })
        .await?;
        Ok(all)
    }

    /// Runs up to 20 GET requests (URLs relative to `/{api}`, e.g. `/groups/{id}/members`)
    /// as one JSON `$batch`, retrying the inner requests Graph throttled (on their own
    /// `Retry-After`, or with backoff) until each has an answer. Results come back in the
    /// order of `relative_urls`.
    pub async fn batch_get(
        &self,
        api: &str,
        relative_urls: &[String],
    ) -> Vec<Result<Value, GraphError>> {
        self.batch_get_raw(api, relative_urls)
            .await
            .into_iter()
            .zip(relative_urls)
            .map(|(result, url)| {
                result.and_then(|raw| {
                    serde_json::from_str(raw.get()).map_err(|e| GraphError::Unexpected {
                        url: url.clone(),
                        detail: e.to_string(),
                    })
                })
            })
            .collect()
    }

    /// [`batch_get`](Self::batch_get) handing back each inner body as the JSON text Graph
    /// sent (`null` when it sent none), for callers that store it as it is: the envelope is
    /// parsed once and the bodies are not parsed again.
    pub async fn batch_get_raw(
        &self,
        api: &str,
        relative_urls: &[String],
    ) -> Vec<Result<Box<RawValue>, GraphError>> {
        assert!(
            relative_urls.len() <= BATCH_LIMIT,
            "at most {BATCH_LIMIT} requests per $batch"
        );
        let inner = &*self.inner;
        let batch_url = self.url(api, "/$batch");
        let mut results: Vec<Option<Result<Box<RawValue>, GraphError>>> =
            vec![None; relative_urls.len()];
        let mut pending: Vec<usize> = (0..relative_urls.len()).collect();
        let mut round = 0u32;
        while !pending.is_empty() {
            round += 1;
            for &i in &pending {
                let (path, query) = resource_path(&relative_urls[i]);
                let service = classify(path);
                inner
                    .pacer
                    .admit(service, cost(service, "GET", path, query))
                    .await;
            }
            let requests: Vec<Value> = pending
                .iter()
                .map(|&i| serde_json::json!({"id": i.to_string(), "method": "GET", "url": relative_urls[i]}))
                .collect();
            let body = serde_json::json!({ "requests": requests });
            let answer = match self.send("POST", &batch_url, Some(&body)).await {
                Ok(r) => r,
                Err(e) => {
                    for &i in &pending {
                        results[i] = Some(Err(e.clone()));
                    }
                    break;
                }
            };
            let parsed: Result<BatchAnswer, _> = serde_json::from_slice(&answer.body);
            let Ok(parsed) = parsed else {
                let e = GraphError::Unexpected {
                    url: batch_url.clone(),
                    detail: "the $batch answer has no responses".into(),
                };
                for &i in &pending {
                    results[i] = Some(Err(e.clone()));
                }
                break;
            };
            let mut retry: Vec<usize> = Vec::new();
            let mut wait: Option<Duration> = None;
            let mut throttled_service: Option<Service> = None;
            for r in parsed.responses {
                let Some(i) = r.id.parse::<usize>().ok().filter(|i| pending.contains(i)) else {
                    continue;
                };
                let url = format!("{}{}", self.endpoints().api(api), relative_urls[i]);
                let service = classify(resource_path(&relative_urls[i]).0);
                if (200..300).contains(&r.status) {
                    results[i] = Some(Ok(r.body.unwrap_or_else(null_body)));
                } else if retryable_status(r.status, true) && round < inner.retry.max_attempts {
                    inner.pacer.record(service, r.status == 429);
                    let after = r.header("retry-after").and_then(|v| parse_retry_after(&v));
                    let d = inner.retry.delay(round, after);
                    wait = Some(wait.map_or(d, |w| w.max(d)));
                    if r.status == 429 {
                        throttled_service = Some(service);
                    }
                    retry.push(i);
                } else if retryable_status(r.status, true) {
                    results[i] = Some(Err(GraphError::GaveUp {
                        method: "GET".into(),
                        url,
                        status: r.status,
                        attempts: round,
                        ids: answer.ids.clone(),
                    }));
                } else {
                    let bytes = r.body.as_ref().map_or("", |b| b.get()).as_bytes();
                    let (code, message) = decode_error_body(r.status, bytes);
                    results[i] = Some(Err(GraphError::Status {
                        method: "GET".into(),
                        url,
                        status: r.status,
                        code,
                        message,
                        ids: answer.ids.clone(),
                    }));
                }
            }
            // An inner request the answer left out is asked again.
            for &i in &pending {
                if results[i].is_none() && !retry.contains(&i) {
                    retry.push(i);
                }
            }
            pending = retry;
            if !pending.is_empty() {
                let wait = wait.unwrap_or_else(|| inner.retry.delay(round, None));
                tracing::debug!(
                    requests = pending.len(),
                    wait_ms = wait.as_millis() as u64,
                    "graph: retrying inner $batch requests"
                );
                if let Some(service) = throttled_service {
                    inner.pacer.pause(service, Instant::now() + wait);
                }
                if round >= inner.retry.max_attempts {
                    for &i in &pending {
                        results[i] = Some(Err(GraphError::Unexpected {
                            url: relative_urls[i].clone(),
                            detail: "no answer inside $batch".into(),
                        }));
                    }
                    break;
                }
                tokio::time::sleep(wait).await;
            }
        }
        results
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.unwrap_or_else(|| {
                    Err(GraphError::Unexpected {
                        url: relative_urls[i].clone(),
                        detail: "no answer inside $batch".into(),
                    })
                })
            })
            .collect()
    }
}

/// A page being read on its own task; dropping it cancels the read.
struct ReadAhead(tokio::task::JoinHandle<Result<Page, GraphError>>);

impl ReadAhead {
    async fn finish(mut self, collection: &str) -> Result<Page, GraphError> {
        match (&mut self.0).await {
            Ok(page) => page,
            Err(e) => Err(GraphError::Unexpected {
                url: collection.into(),
                detail: format!("the page reader stopped: {e}"),
            }),
        }
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Graph's limit of requests in one JSON batch.
pub const BATCH_LIMIT: usize = 20;

#[derive(Deserialize)]
struct BatchAnswer {
    responses: Vec<BatchItem>,
}

#[derive(Deserialize)]
struct BatchItem {
    id: String,
    status: u16,
    #[serde(default)]
    headers: serde_json::Map<String, Value>,
    #[serde(default)]
    body: Option<Box<RawValue>>,
}

fn null_body() -> Box<RawValue> {
    RawValue::from_string("null".into()).expect("null is JSON")
}

impl BatchItem {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    }
}

/// Turns an absolute `@odata.nextLink` into a URL relative to `{graph}/{api}` (for `$batch`),
/// or `None` when it points elsewhere.
pub fn relative_to_api(endpoints: &Endpoints, api: &str, absolute: &str) -> Option<String> {
    let base = endpoints.api(api);
    absolute
        .strip_prefix(&base)
        .filter(|rest| rest.starts_with('/'))
        .map(str::to_string)
}
