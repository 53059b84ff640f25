//! Graph requests and responses as plain data: what the state machines ask for and what the
//! shell hands back. Paths are relative to `https://graph.microsoft.com` and start with the API
//! version (`/v1.0/…`, `/beta/…`). There is deliberately no place for a token: the shell adds
//! `Authorization` on the wire, so nothing built here can carry a secret.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    /// Extra headers such as `Prefer`; never `Authorization`.
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::Get, path, None)
    }

    pub fn new(method: Method, path: impl Into<String>, body: Option<Value>) -> Self {
        Request {
            method,
            path: path.into(),
            headers: Vec::new(),
            body,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// `Null` when the response has no body (204).
    pub body: Value,
}

impl Response {
    pub fn new(status: u16, body: Value) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Graph's `request-id` header, kept in the journal to quote to Microsoft support.
    pub fn request_id(&self) -> Option<String> {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("request-id"))
            .map(|(_, value)| value.clone())
    }

    /// The `value` array of a collection response (empty when absent).
    pub fn values(&self) -> &[Value] {
        self.body
            .get("value")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Graph's error message, for people.
    pub fn error_message(&self) -> String {
        self.body
            .pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or("no error message")
            .to_string()
    }
}
