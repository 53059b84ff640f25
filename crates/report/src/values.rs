//! Tolerant reading of plan JSON: every accessor accepts a missing key, `null` or a value of an
//! unexpected kind and falls back to "nothing", so a plan written by an older or newer stage
//! never fails a render. This module also owns how a raw JSON value is shown to a person
//! (settings values, group references, counts given as numbers or as lists) and the
//! human labels of the plan's enum spellings (platforms, fidelity grades, severities, outcomes).

use serde_json::{Map, Value};

/// The JSON kind of a value, for error messages.
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `obj[key]` when `v` is an object and the member is present and not null.
pub fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()
        .and_then(|o| o.get(key))
        .filter(|v| !v.is_null())
}

/// The first present, non-null member among `keys`.
pub fn get_any<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| get(v, k))
}

/// A member shown as text (strings as they are, other scalars formatted), `None` when absent,
/// null or empty.
pub fn text(v: &Value, key: &str) -> Option<String> {
    get(v, key).map(display).filter(|s| !s.is_empty())
}

/// The first of `keys` that gives [`text`].
pub fn text_any(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| text(v, k))
}

/// A member read as a count: a non-negative number, or the length of a list.
pub fn count(v: &Value, key: &str) -> Option<u64> {
    get(v, key).and_then(as_count)
}

/// A value read as a count: a non-negative integer (or float rounded down), or a list's length.
pub fn as_count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::Array(a) => Some(a.len() as u64),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A member that is a list; an absent or non-list member is an empty list.
pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    get(v, key).map_or(&[], as_list)
}

/// A value as a list; anything else is an empty list.
pub fn as_list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// A member that is an object.
pub fn object<'a>(v: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    get(v, key).and_then(Value::as_object)
}

/// A member as a boolean (`true`/`false` only).
pub fn boolean(v: &Value, key: &str) -> Option<bool> {
    get(v, key).and_then(Value::as_bool)
}

/// A list member shown as texts (each entry through [`reference`]), empty entries dropped.
pub fn texts(v: &Value, key: &str) -> Vec<String> {
    list(v, key)
        .iter()
        .map(reference)
        .filter(|s| !s.is_empty())
        .collect()
}

/// How a JSON value is shown in a report cell: strings as they are, `null` as empty, numbers
/// and booleans as JSON spells them, lists joined with `, `, objects as `key: value` pairs (null members left out).
pub fn display(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Object(o) => {
            let parts: Vec<String> = o
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{k}: {}", display(v)))
                .collect();
            parts.join(", ")
        }
    }
}

/// A reference to a tenant object (group, user, device, policy) shown as text. A string is
/// shown as it is; an object as its name with its ID in brackets when both are known.
pub fn reference(v: &Value) -> String {
    if v.is_object() {
        let name = text_any(v, &["displayName", "name", "userPrincipalName", "title"]);
        let id = text_any(v, &["id", "code"]);
        match (name, id) {
            (Some(n), Some(i)) if n != i => format!("{n} ({i})"),
            (Some(n), _) => n,
            (None, Some(i)) => i,
            (None, None) => display(v),
        }
    } else {
        display(v)
    }
}

/// `1 policy` / `2 policies`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A human label for a target platform of the plan: the `platform` of recommendations, of the
/// simulation's impact rows and of conflicts (`windows` there means the Windows 10/11 objects).
pub fn platform_label(p: &str) -> String {
    match p {
        "windows" => "Windows 10/11".to_string(),
        "ios" => "iOS/iPadOS".to_string(),
        "androidDeviceAdmin" => "Android device administrator".to_string(),
        "androidWorkProfile" => "Android Enterprise work profile".to_string(),
        "mobile" => "iOS and Android".to_string(),
        other => device_platform_label(other),
    }
}

/// A human label for a device platform: the keys of a wave's `devicesByPlatform` (`windows`
/// there counts every Windows device BMS manages, 8.1 and RT included, so it is "Windows") and
/// of the snapshot's device counts.
pub fn device_platform_label(p: &str) -> String {
    match p {
        "windows" | "Windows" => "Windows",
        "ios" => "iOS/iPadOS",
        "android" => "Android",
        "windowsMobile" => "Windows Mobile/Phone",
        "macOS" | "macos" => "macOS",
        "linux" => "Linux",
        "other" => "Other",
        other => other,
    }
    .to_string()
}

/// The fidelity grades of mapping.md §8, in order from best to worst: (JSON spelling, label).
pub const FIDELITIES: [(&str, &str); 5] = [
    ("exact", "Exact"),
    ("approximated", "Approximated"),
    ("platform-limited", "Platform-limited"),
    ("manual", "Manual"),
    ("not-migrated", "Not migrated"),
];

/// Label of a fidelity grade (unknown spellings are shown as they are).
pub fn fidelity_label(f: &str) -> String {
    FIDELITIES
        .iter()
        .find(|(k, _)| *k == f)
        .map_or(f, |(_, l)| l)
        .to_string()
}

/// The severities of findings, most severe first: (JSON spelling, label).
pub const SEVERITIES: [(&str, &str); 3] = [
    ("blocker", "Blocker"),
    ("warning", "Warning"),
    ("info", "Info"),
];

/// Sort rank of a severity (unknown ones after `info`).
pub fn severity_rank(s: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|(k, _)| *k == s)
        .unwrap_or(SEVERITIES.len())
}

/// Label of a severity.
pub fn severity_label(s: &str) -> String {
    SEVERITIES
        .iter()
        .find(|(k, _)| *k == s)
        .map_or(s, |(_, l)| l)
        .to_string()
}

/// The simulation outcomes of issue 5, in report order: (JSON spelling, label, meaning).
pub const OUTCOMES: [(&str, &str, &str); 7] = [
    (
        "unchanged",
        "Unchanged",
        "same effective value as under BMS",
    ),
    ("stricter", "Stricter", "Intune enforces a stricter value"),
    ("looser", "Looser", "Intune enforces a looser value"),
    (
        "conflict",
        "Conflict",
        "two configuration profiles disagree: neither applies",
    ),
    ("lost", "Lost", "BMS set it and nothing replaces it"),
    ("new", "New", "not managed before"),
    (
        "unknown",
        "Unknown",
        "an existing policy whose targets are unknown may set it",
    ),
];

/// A CSS-class-safe token: ASCII letters, digits and `-` only (anything else becomes `-`).
pub fn token(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tolerant_accessors() {
        let v = json!({"a": null, "n": 3, "l": [1, 2], "s": " 4 ", "o": {"name": "G", "id": "1"}});
        assert_eq!(get(&v, "a"), None);
        assert_eq!(count(&v, "n"), Some(3));
        assert_eq!(count(&v, "l"), Some(2));
        assert_eq!(count(&v, "s"), Some(4));
        assert_eq!(count(&v, "missing"), None);
        assert!(list(&v, "n").is_empty());
        assert_eq!(reference(&v["o"]), "G (1)");
        assert_eq!(text(&json!("x"), "a"), None);
        assert_eq!(
            display(&json!({"movieRating": "adults", "tvRating": null})),
            "movieRating: adults"
        );
    }

    #[test]
    fn labels() {
        assert_eq!(fidelity_label("platform-limited"), "Platform-limited");
        assert_eq!(fidelity_label("odd"), "odd");
        assert!(severity_rank("blocker") < severity_rank("warning"));
        assert_eq!(severity_rank("whatever"), 3);
        assert_eq!(token("Not <ok>"), "not--ok-");
        assert_eq!(platform_label("windows"), "Windows 10/11");
        assert_eq!(platform_label("windowsMobile"), "Windows Mobile/Phone");
        assert_eq!(platform_label("linux"), "Linux");
        assert_eq!(platform_label("other"), "Other");
        assert_eq!(device_platform_label("windows"), "Windows");
        assert_eq!(device_platform_label("ios"), "iOS/iPadOS");
        assert_eq!(device_platform_label("Android"), "Android");
    }
}
