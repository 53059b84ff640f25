//! JSON batching (`POST /$batch`): up to 20 requests, unique ids, `Content-Type` required with
//! a body, `dependsOn` (a failed dependency gives 424). Each inner request goes through the
//! same path as a top-level one — its own throttling (a 429 with its own `Retry-After` in
//! the inner headers) and its own transient faults. Responses come back in any order.

use crate::app::{Api, Caller, Request, Shared};
use crate::reply::{bad_request, Body, Reply};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};

pub const MAX_REQUESTS: usize = 20;

pub fn batch(sh: &Shared, caller: &Caller, api: Api, body: Option<&Value>) -> Reply {
    let Some(requests) = body
        .and_then(|b| b.get("requests"))
        .and_then(Value::as_array)
    else {
        return bad_request("Invalid batch payload format.");
    };
    if requests.is_empty() {
        return bad_request("Invalid batch payload format: 'requests' is empty.");
    }
    if requests.len() > MAX_REQUESTS {
        return bad_request(format!(
            "The number of batch requests exceeds the maximum of {MAX_REQUESTS}."
        ));
    }
    let mut ids = HashSet::new();
    for r in requests {
        let Some(id) = r.get("id").and_then(id_text) else {
            return bad_request("Each batch request needs an 'id'.");
        };
        if !ids.insert(id.clone()) {
            return bad_request(format!(
                "Batch request contains duplicate request id '{id}'."
            ));
        }
        if r.get("method").and_then(Value::as_str).is_none()
            || r.get("url").and_then(Value::as_str).is_none()
        {
            return bad_request(format!(
                "Batch request '{id}' needs a 'method' and a 'url'."
            ));
        }
    }
    for r in requests {
        for dep in depends_on(r) {
            if !ids.contains(&dep) {
                return bad_request(format!(
                    "Batch request depends on request id '{dep}', which is not in the batch."
                ));
            }
        }
    }
    // Execute in an order that honours dependsOn.
    let mut status: HashMap<String, u16> = HashMap::new();
    let mut out: Vec<String> = Vec::new();
    let mut pending: Vec<&Value> = requests.iter().collect();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|r| depends_on(r).iter().all(|d| status.contains_key(d)));
        let Some(i) = ready else {
            return bad_request("Batch request dependencies form a cycle.");
        };
        let r = pending.remove(i);
        let id = r.get("id").and_then(id_text).unwrap_or_default();
        let failed_dep = depends_on(r)
            .into_iter()
            .find(|d| status.get(d).is_some_and(|s| *s >= 400));
        let reply = match failed_dep {
            Some(d) => Reply::error(
                424,
                "FailedDependency",
                format!("The request depends on request '{d}', which failed."),
            ),
            None => run_one(sh, caller, api, r),
        };
        let client = header_of(r, "client-request-id");
        let reply = sh.finish(reply, client.as_deref());
        status.insert(id.clone(), reply.status);
        out.push(response_json(&id, &reply));
    }
    // "Responses may come back in any order": shuffle with the seeded generator.
    {
        let mut rng = sh.rng();
        for i in (1..out.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            out.swap(i, j);
        }
    }
    let mut body = String::with_capacity(16 + out.iter().map(String::len).sum::<usize>());
    body.push_str("{\"responses\":[");
    for (i, r) in out.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(r);
    }
    body.push_str("]}");
    Reply::raw(200, body)
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn depends_on(r: &Value) -> Vec<String> {
    r.get("dependsOn")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(id_text)
        .collect()
}

fn header_of(r: &Value, name: &str) -> Option<String> {
    r.get("headers")?
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
        .map(String::from)
}

fn run_one(sh: &Shared, caller: &Caller, api: Api, r: &Value) -> Reply {
    let method = r
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_uppercase();
    let url = r.get("url").and_then(Value::as_str).unwrap_or_default();
    if url.starts_with("http://") || url.starts_with("https://") {
        return bad_request("Batch request URLs must be relative (for example '/users').");
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = crate::util::percent_decode(path.trim_start_matches('/'))
        .trim_end_matches('/')
        .to_string();
    if path == "$batch" {
        return bad_request("A batch request cannot contain another batch.");
    }
    let body = r.get("body").cloned();
    if body.is_some() && header_of(r, "content-type").is_none() {
        return bad_request("Content-Type header must be specified for a request with a body.");
    }
    let headers = r
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .map(|(k, v)| {
                    (
                        k.to_ascii_lowercase(),
                        v.as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let req = Request {
        method,
        api,
        path,
        query: query.to_string(),
        headers,
        body,
    };
    sh.execute(caller, &req, true).0
}

/// One inner response as JSON text. Its body is already JSON text (a page of stored objects):
/// it is embedded as it is, not parsed and written again.
fn response_json(id: &str, reply: &Reply) -> String {
    let mut headers = Map::new();
    for (k, v) in &reply.headers {
        if k.eq_ignore_ascii_case("request-id") {
            continue;
        }
        headers.insert(k.clone(), Value::String(v.clone()));
    }
    let mut out = json!({"id": id, "status": reply.status, "headers": headers}).to_string();
    if let Body::Json(text) = &reply.body {
        out.pop(); // '}'
        out.push_str(",\"body\":");
        out.push_str(text);
        out.push('}');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_bodies_are_embedded_as_their_text() {
        let reply = Reply::raw(200, r#"{"value":[{"id":"1","b":[1,2]}]}"#.into())
            .with_header("Content-Type", "application/json");
        let text = response_json("7", &reply);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["id"], "7");
        assert_eq!(v["status"], 200);
        assert_eq!(v["headers"]["Content-Type"], "application/json");
        assert_eq!(v["body"]["value"][0]["b"][1], 2);
        assert!(
            text.ends_with(r#","body":{"value":[{"id":"1","b":[1,2]}]}}"#),
            "{text}"
        );
        let empty = response_json("8", &Reply::empty(204));
        let v: Value = serde_json::from_str(&empty).unwrap();
        assert!(v.get("body").is_none());
    }
}
