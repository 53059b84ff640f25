//! What a Graph request gets back, before it is put on the wire: status, headers and a JSON
//! body. The same value answers a top-level HTTP request and one request inside `$batch`.
//! Also Graph's error JSON, `{"error":{"code","message","innerError":{"date","request-id",
//! "client-request-id"}}}`, built in one place so every error looks the same.

use serde_json::{json, Value};

/// A response body: nothing (204, 202 without content) or JSON text, pre-serialized.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(String),
}

/// One Graph response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Reply {
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply::raw(status, value.to_string())
    }

    /// A JSON body that is already serialized (pages built from stored bytes).
    pub fn raw(status: u16, text: String) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Json(text),
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Graph's error JSON. `innerError` is filled in by `finish` once the request ids are known.
    pub fn error(status: u16, code: &str, message: impl Into<String>) -> Reply {
        let mut reply = Reply::json(
            status,
            &json!({"error": {"code": code, "message": message.into()}}),
        );
        reply.headers.push((INNER_ERROR_PENDING.into(), "1".into()));
        reply
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Adds `request-id`/`client-request-id` headers and, for an error, its `innerError`.
    pub fn finish(mut self, request_id: &str, client_request_id: &str, date: &str) -> Reply {
        let pending = self.headers.iter().any(|(n, _)| n == INNER_ERROR_PENDING);
        self.headers.retain(|(n, _)| n != INNER_ERROR_PENDING);
        if pending {
            if let Body::Json(text) = &self.body {
                if let Ok(mut value) = serde_json::from_str::<Value>(text) {
                    if let Some(error) = value.get_mut("error").and_then(Value::as_object_mut) {
                        error.insert(
                            "innerError".into(),
                            json!({
                                "date": date,
                                "request-id": request_id,
                                "client-request-id": client_request_id,
                            }),
                        );
                    }
                    self.body = Body::Json(value.to_string());
                }
            }
        }
        self.headers.push(("request-id".into(), request_id.into()));
        self.headers
            .push(("client-request-id".into(), client_request_id.into()));
        self
    }

    /// The body as a JSON value.
    #[cfg(test)]
    pub fn body_value(&self) -> Option<Value> {
        match &self.body {
            Body::Empty => None,
            Body::Json(text) => serde_json::from_str(text).ok(),
        }
    }
}

/// Marks an error reply whose `innerError` is still to be written.
const INNER_ERROR_PENDING: &str = "x-emulator-inner-error";

/// 400 with the code Graph's directory (Entra) uses.
pub fn directory_bad_request(message: impl Into<String>) -> Reply {
    Reply::error(400, "Request_BadRequest", message)
}

/// 404 as the directory says it.
pub fn directory_not_found(id: &str) -> Reply {
    Reply::error(
        404,
        "Request_ResourceNotFound",
        format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

/// 400 as Graph's OData layer says it (Intune, Conditional Access, query options).
pub fn bad_request(message: impl Into<String>) -> Reply {
    Reply::error(400, "BadRequest", message)
}

/// 404 for a segment no route knows.
pub fn no_route(method: &str, path: &str) -> Reply {
    Reply::error(
        400,
        "BadRequest",
        format!(
            "Resource not found for the segment '{}'.",
            last_segment(path)
        ),
    )
    .with_header("x-emulator-route", format!("{method} {path}"))
}

fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_get_inner_error_with_ids() {
        let reply =
            Reply::error(404, "ResourceNotFound", "gone").finish("r1", "c1", "2026-01-01T00:00:00");
        let body = reply.body_value().unwrap();
        assert_eq!(body["error"]["code"], "ResourceNotFound");
        assert_eq!(body["error"]["innerError"]["request-id"], "r1");
        assert_eq!(body["error"]["innerError"]["client-request-id"], "c1");
        assert_eq!(body["error"]["innerError"]["date"], "2026-01-01T00:00:00");
        assert_eq!(reply.header("request-id"), Some("r1"));
        assert!(reply.header(INNER_ERROR_PENDING).is_none());
    }
}
