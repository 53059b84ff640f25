//! Typed errors of the Graph edge, written for the admin who reads them: what failed, the
//! Graph error code and message (decoded from Graph's error JSON), and the `request-id` and
//! `client-request-id` to quote to Microsoft support. None of them ever holds a secret.

use thiserror::Error;

/// A connection setting that cannot work (a flag, an environment variable, a certificate
/// file). The CLI reports these as bad input (exit 2).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Signing in failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// The authority refused the request (`AADSTS…` errors): wrong tenant, client, secret,
    /// certificate, or consent missing.
    #[error("sign-in refused by {authority}: {error}: {description}")]
    Refused {
        authority: String,
        error: String,
        description: String,
    },
    /// The device code expired or the admin declined.
    #[error("device code sign-in did not complete: {0}")]
    DeviceCode(String),
    /// The token endpoint answered something that is not a token.
    #[error("unexpected answer from the token endpoint {url}: {detail}")]
    Protocol { url: String, detail: String },
    /// The authority could not be reached.
    #[error("cannot reach the token endpoint {url}: {detail}")]
    Unreachable { url: String, detail: String },
}

/// The identifiers of one request, for logs and support cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestIds {
    /// What we sent as `client-request-id`.
    pub client_request_id: String,
    /// What Graph answered as `request-id` (empty when no answer came).
    pub request_id: String,
}

impl std::fmt::Display for RequestIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "client-request-id {}", self.client_request_id)?;
        if !self.request_id.is_empty() {
            write!(f, ", request-id {}", self.request_id)?;
        }
        Ok(())
    }
}

/// A Graph request that did not succeed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum GraphError {
    /// Graph answered with an error status; `code` and `message` come from its error JSON
    /// (`{"error":{"code":…,"message":…}}`).
    #[error("{method} {url}: HTTP {status} {code}: {message} ({ids})")]
    Status {
        method: String,
        url: String,
        status: u16,
        code: String,
        message: String,
        ids: RequestIds,
    },
    /// Throttled or unavailable on every attempt.
    #[error("{method} {url}: still HTTP {status} after {attempts} attempts (throttled or unavailable; try again later) ({ids})")]
    GaveUp {
        method: String,
        url: String,
        status: u16,
        attempts: u32,
        ids: RequestIds,
    },
    /// The connection failed or dropped, or the answer was cut off, on every attempt.
    #[error("{method} {url}: {detail} after {attempts} attempts ({ids})")]
    Transport {
        method: String,
        url: String,
        detail: String,
        attempts: u32,
        ids: RequestIds,
    },
    /// A successful answer that is not what Graph sends (e.g. a page without `value`).
    #[error("{url}: unexpected answer: {detail}")]
    Unexpected { url: String, detail: String },
    /// No token could be had.
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl GraphError {
    /// The HTTP status Graph answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Status { status, .. } | GraphError::GaveUp { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Graph's error code (`Authorization_RequestDenied`, `Forbidden`, …), if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::Status { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Decodes Graph's error JSON into `(code, message)`; falls back to the status text.
pub fn decode_error_body(status: u16, body: &[u8]) -> (String, String) {
    #[derive(serde::Deserialize)]
    struct Outer {
        error: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    match serde_json::from_slice::<Outer>(body) {
        Ok(o) => (o.error.code, o.error.message),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text: String = text.chars().take(200).collect();
            (format!("HTTP{status}"), text.trim().to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_error_json_is_decoded() {
        let body = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"x"}}}"#;
        assert_eq!(
            decode_error_body(403, body),
            (
                "Authorization_RequestDenied".to_string(),
                "Insufficient privileges to complete the operation.".to_string()
            )
        );
        assert_eq!(decode_error_body(502, b"Bad gateway").0, "HTTP502");
    }
}
