//! Access tokens: fetched from `{authority}/{tenant}/oauth2/v2.0/token` with the
//! connection's credential, cached, and fetched again before they expire (a fifth of their
//! lifetime early, at most five minutes), or at once when Graph says a token is no longer
//! valid. The device code flow prints Entra's sign-in instructions and polls as RFC 8628 asks
//! (`authorization_pending`, `slow_down`); its refresh token renews the session silently.
//! Tokens and secrets live in [`Secret`]s: nothing here logs or formats them.

use super::{Connection, Credential};
use crate::error::AuthError;
use crate::secret::Secret;
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// A bearer token and when to stop using it.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: Secret,
    /// When the token should be replaced (before it really expires).
    pub refresh_at: Instant,
}

/// Where device code instructions go (the CLI prints them on standard error).
pub type DevicePrompt = Arc<dyn Fn(&str) + Send + Sync>;

/// Fetches and caches tokens for one connection.
pub struct TokenProvider {
    http: reqwest::Client,
    connection: Connection,
    cached: Mutex<Option<AccessToken>>,
    refresh_token: Mutex<Option<Secret>>,
    prompt: DevicePrompt,
    acquired: AtomicU64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default, deserialize_with = "number_or_string")]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenErrorResponse {
    error: String,
    #[serde(default)]
    error_description: String,
}

#[derive(Deserialize)]
struct DeviceCodeResponse {
    device_code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    verification_uri: String,
    #[serde(default, deserialize_with = "number_or_string")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "number_or_string")]
    interval: Option<u64>,
}

fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        N(u64),
        S(String),
    }
    Ok(match Option::<N>::deserialize(d)? {
        Some(N::N(n)) => Some(n),
        Some(N::S(s)) => s.trim().parse().ok(),
        None => None,
    })
}

impl TokenProvider {
    /// A provider for `connection`; device code instructions go to `prompt`.
    pub fn new(
        http: reqwest::Client,
        connection: Connection,
        prompt: DevicePrompt,
    ) -> TokenProvider {
        TokenProvider {
            http,
            connection,
            cached: Mutex::new(None),
            refresh_token: Mutex::new(None),
            prompt,
            acquired: AtomicU64::new(0),
        }
    }

    /// The connection this provider signs in to.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// How many tokens were fetched so far (for tests of the refresh).
    pub fn acquisitions(&self) -> u64 {
        self.acquired.load(Ordering::Relaxed)
    }

    /// A token that is good for a while yet.
    pub async fn token(&self) -> Result<Secret, AuthError> {
        let mut cached = self.cached.lock().await;
        if let Some(t) = cached.as_ref() {
            if Instant::now() < t.refresh_at {
                return Ok(t.token.clone());
            }
            tracing::debug!("access token near expiry: fetching a new one");
        }
        let fresh = self.acquire().await?;
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Forgets `stale` (Graph answered 401 to it), so the next call fetches a new token.
    pub async fn invalidate(&self, stale: &Secret) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| &t.token == stale) {
            *cached = None;
        }
    }

    fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.connection.endpoints.authority, self.connection.tenant_id
        )
    }

    async fn acquire(&self) -> Result<AccessToken, AuthError> {
        let c = &self.connection;
        let scope = c.endpoints.default_scope();
        let url = self.token_url();
        let mut form: Vec<(&str, String)> = vec![("client_id", c.client_id.clone())];
        let token = match &c.credential {
            Credential::Secret(secret) => {
                form.push(("scope", scope));
                form.push(("grant_type", "client_credentials".into()));
                form.push(("client_secret", secret.expose().to_string()));
                self.post_token(&url, &form).await?
            }
            Credential::Certificate(cert) => {
                let assertion = cert
                    .assertion(&c.client_id, &url, unix_now())
                    .map_err(|e| AuthError::Protocol {
                        url: url.clone(),
                        detail: e.0,
                    })?;
                form.push(("scope", scope));
                form.push(("grant_type", "client_credentials".into()));
                form.push(("client_assertion_type", ASSERTION_TYPE.into()));
                form.push(("client_assertion", assertion.expose().to_string()));
                self.post_token(&url, &form).await?
            }
            Credential::FederatedTokenFile(path) => {
                let assertion = std::fs::read_to_string(path).map_err(|e| AuthError::Protocol {
                    url: url.clone(),
                    detail: format!(
                        "cannot read AZURE_FEDERATED_TOKEN_FILE {}: {e}",
                        path.display()
                    ),
                })?;
                form.push(("scope", scope));
                form.push(("grant_type", "client_credentials".into()));
                form.push(("client_assertion_type", ASSERTION_TYPE.into()));
                form.push(("client_assertion", assertion.trim().to_string()));
                self.post_token(&url, &form).await?
            }
            Credential::DeviceCode => {
                let refresh = self.refresh_token.lock().await.clone();
                let renewed = match refresh {
                    Some(rt) => {
                        let mut f = form.clone();
                        f.push(("scope", format!("{scope} offline_access")));
                        f.push(("grant_type", "refresh_token".into()));
                        f.push(("refresh_token", rt.expose().to_string()));
                        self.post_token(&url, &f).await.ok()
                    }
                    None => None,
                };
                match renewed {
                    Some(t) => t,
                    None => self.device_code(&scope).await?,
                }
            }
        };
        if let Some(rt) = &token.refresh_token {
            *self.refresh_token.lock().await = Some(Secret::new(rt.clone()));
        }
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(3600).max(1));
        let margin = (lifetime / 5).min(Duration::from_secs(300));
        self.acquired.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(
            credential = c.credential.kind(),
            lifetime_s = lifetime.as_secs(),
            "signed in to tenant {}",
            c.tenant_id
        );
        Ok(AccessToken {
            token: Secret::new(token.access_token),
            refresh_at: Instant::now() + lifetime - margin,
        })
    }

    async fn post_token(
        &self,
        url: &str,
        form: &[(&str, String)],
    ) -> Result<TokenResponse, AuthError> {
        let response =
            self.http
                .post(url)
                .form(form)
                .send()
                .await
                .map_err(|e| AuthError::Unreachable {
                    url: url.into(),
                    detail: transport_detail(&e),
                })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| AuthError::Unreachable {
            url: url.into(),
            detail: transport_detail(&e),
        })?;
        if status.is_success() {
            return serde_json::from_slice::<TokenResponse>(&body).map_err(|e| {
                AuthError::Protocol {
                    url: url.into(),
                    detail: format!("HTTP {status} without an access token ({e})"),
                }
            });
        }
        Err(refusal(
            &self.connection.endpoints.authority,
            status.as_u16(),
            &body,
        ))
    }

    async fn device_code(&self, scope: &str) -> Result<TokenResponse, AuthError> {
        let c = &self.connection;
        let url = format!(
            "{}/{}/oauth2/v2.0/devicecode",
            c.endpoints.authority, c.tenant_id
        );
        let form = [
            ("client_id", c.client_id.clone()),
            ("scope", format!("{scope} offline_access")),
        ];
        let response =
            self.http
                .post(&url)
                .form(&form)
                .send()
                .await
                .map_err(|e| AuthError::Unreachable {
                    url: url.clone(),
                    detail: transport_detail(&e),
                })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| AuthError::Unreachable {
            url: url.clone(),
            detail: transport_detail(&e),
        })?;
        if !status.is_success() {
            return Err(refusal(&c.endpoints.authority, status.as_u16(), &body));
        }
        let code: DeviceCodeResponse =
            serde_json::from_slice(&body).map_err(|e| AuthError::Protocol {
                url: url.clone(),
                detail: format!("no device code ({e})"),
            })?;
        let message = if code.message.is_empty() {
            format!(
                "To sign in, open {} and enter the code {}.",
                code.verification_uri, code.user_code
            )
        } else {
            code.message.clone()
        };
        (self.prompt)(&message);
        let mut interval = Duration::from_secs(code.interval.unwrap_or(5).max(1));
        let deadline = Instant::now() + Duration::from_secs(code.expires_in.unwrap_or(900));
        let token_url = self.token_url();
        loop {
            tokio::time::sleep(interval).await;
            if Instant::now() > deadline {
                return Err(AuthError::DeviceCode(
                    "the code expired before sign-in finished; run the command again".into(),
                ));
            }
            let form = [
                ("client_id", c.client_id.clone()),
                ("grant_type", DEVICE_CODE_GRANT.to_string()),
                ("device_code", code.device_code.clone()),
            ];
            match self.post_token(&token_url, &form).await {
                Ok(token) => return Ok(token),
                Err(AuthError::Refused {
                    error, description, ..
                }) => match error.as_str() {
                    "authorization_pending" => {}
                    "slow_down" => interval += Duration::from_secs(5),
                    "authorization_declined" => {
                        return Err(AuthError::DeviceCode("sign-in was declined".into()))
                    }
                    "expired_token" | "bad_verification_code" => {
                        return Err(AuthError::DeviceCode(format!(
                            "{error}: run the command again"
                        )))
                    }
                    _ => {
                        return Err(AuthError::Refused {
                            authority: c.endpoints.authority.clone(),
                            error,
                            description,
                        })
                    }
                },
                Err(other) => return Err(other),
            }
        }
    }
}

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn refusal(authority: &str, status: u16, body: &[u8]) -> AuthError {
    match serde_json::from_slice::<TokenErrorResponse>(body) {
        Ok(e) => AuthError::Refused {
            authority: authority.into(),
            error: e.error,
            // Entra's descriptions end with trace and correlation IDs on later lines.
            description: e
                .error_description
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string(),
        },
        Err(_) => AuthError::Refused {
            authority: authority.into(),
            error: format!("HTTP {status}"),
            description: String::from_utf8_lossy(body).chars().take(200).collect(),
        },
    }
}

/// A transport error without the URL's query (it never holds secrets, but keep it short).
pub(crate) fn transport_detail(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "connection dropped"
    };
    let mut detail = kind.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    detail
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
