//! OData query options and list pages: `$select`, `$expand`, `$top`, `$skiptoken`,
//! `$count`, a simple `$filter` (`prop eq 'value'`), and the page itself — built by
//! concatenating stored item bytes, projected only when `$select` leaves something out.

use crate::json::Fields;
use crate::reply::{bad_request, Reply};
use crate::store::Entry;
use crate::util::parse_pairs;
use serde_json::Value;
use std::collections::BTreeSet;

/// The query string of one request.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Decoded (name, value) pairs.
    pub pairs: Vec<(String, String)>,
    /// The raw pieces (`name=value`, still encoded), to rebuild next links.
    raw: Vec<String>,
}

impl Query {
    pub fn parse(raw: &str) -> Query {
        Query {
            pairs: parse_pairs(raw),
            raw: raw
                .split('&')
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect(),
        }
    }

    /// A query option by name (`$select` also matches `select`, as Graph allows).
    pub fn get(&self, name: &str) -> Option<&str> {
        let bare = name.trim_start_matches('$');
        self.pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name) || k.eq_ignore_ascii_case(bare))
            .map(|(_, v)| v.as_str())
    }

    pub fn select(&self) -> Option<Vec<String>> {
        self.get("$select").map(|s| {
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
    }

    /// The navigation properties `$expand` names (options in parentheses dropped).
    pub fn expand(&self) -> Vec<String> {
        let Some(text) = self.get("$expand") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut depth = 0;
        let mut current = String::new();
        for c in text.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(std::mem::take(&mut current).trim().to_string());
                    continue;
                }
                _ if depth == 0 => current.push(c),
                _ => {}
            }
        }
        if !current.trim().is_empty() {
            out.push(current.trim().to_string());
        }
        out
    }

    /// The query without `$skiptoken`, for a next link.
    pub fn raw_without_skiptoken(&self) -> String {
        self.raw
            .iter()
            .filter(|p| {
                let name = crate::util::percent_decode(p.split('=').next().unwrap_or(""));
                !name.eq_ignore_ascii_case("$skiptoken")
            })
            .cloned()
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// How a collection pages.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub default_size: usize,
    pub max_size: usize,
    /// Whether `$top` larger than `max_size` is an error (the directory) or capped (Intune).
    pub top_over_max_is_error: bool,
    /// Conditional Access: a list with `$top` comes back without `@odata.nextLink`.
    pub top_drops_next_link: bool,
    /// Not paged at all (subscribedSkus, organization).
    pub unpaged: bool,
}

pub const DIRECTORY: Paging = Paging {
    default_size: 100,
    max_size: 999,
    top_over_max_is_error: true,
    top_drops_next_link: false,
    unpaged: false,
};
pub const INTUNE: Paging = Paging {
    default_size: 1000,
    max_size: 1000,
    top_over_max_is_error: false,
    top_drops_next_link: false,
    unpaged: false,
};
pub const CONDITIONAL_ACCESS: Paging = Paging {
    default_size: 100,
    max_size: 999,
    top_over_max_is_error: false,
    top_drops_next_link: true,
    unpaged: false,
};
pub const UNPAGED: Paging = Paging {
    default_size: usize::MAX,
    max_size: usize::MAX,
    top_over_max_is_error: false,
    top_drops_next_link: false,
    unpaged: true,
};

/// How items are written into a page.
pub struct Render<'a> {
    pub select: Option<Vec<String>>,
    pub expand: Vec<String>,
    /// Every property name the collection has: when `$select` covers them all, the stored
    /// bytes are served as they are.
    pub all_keys: &'a BTreeSet<Box<str>>,
    /// Added to items that lack it (directory objects listed as members).
    pub odata_type: Option<&'a str>,
    /// Navigation properties stored inside the objects: dropped unless expanded.
    pub inline_navs: &'a [&'static str],
    /// Whether `select` covers every property (computed once per page).
    pub covers: std::cell::OnceCell<bool>,
}

impl Render<'_> {
    fn covers_all(&self) -> bool {
        *self.covers.get_or_init(|| self.compute_covers())
    }

    fn expanded(&self, name: &str) -> bool {
        self.expand.iter().any(|e| e == name)
    }

    fn compute_covers(&self) -> bool {
        let hidden_nav = self
            .inline_navs
            .iter()
            .any(|n| self.all_keys.contains(*n) && !self.expanded(n));
        let selected_nav =
            self.select.is_some() && self.inline_navs.iter().any(|n| self.expanded(n));
        if hidden_nav || selected_nav {
            return false;
        }
        match &self.select {
            None => true,
            Some(sel) => self
                .all_keys
                .iter()
                .all(|k| k.starts_with("@odata.") || sel.iter().any(|s| s.eq_ignore_ascii_case(k))),
        }
    }

    /// Appends one item.
    pub fn item(&self, entry: &Entry, json: &str, out: &mut String) {
        self.text(json, out, |name| entry.extra(name));
    }

    pub fn text<'e>(
        &self,
        json: &str,
        out: &mut String,
        extra: impl Fn(&str) -> Option<&'e Value>,
    ) {
        let start = out.len();
        if self.covers_all() {
            out.push_str(json);
        } else {
            let select = self.select.as_deref();
            out.push('{');
            if let Ok(fields) = serde_json::from_str::<Fields>(json) {
                let mut first = true;
                for (k, v) in &fields.0 {
                    let keep = if self.inline_navs.contains(&k.as_ref()) {
                        self.expanded(k)
                    } else {
                        k.starts_with("@odata.")
                            || select
                                .is_none_or(|sel| sel.iter().any(|s| s.eq_ignore_ascii_case(k)))
                    };
                    if keep {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        match k {
                            // Borrowed: the stored name has no escapes, so it is its own JSON.
                            std::borrow::Cow::Borrowed(name) => {
                                out.push('"');
                                out.push_str(name);
                                out.push('"');
                            }
                            std::borrow::Cow::Owned(name) => out.push_str(
                                &serde_json::to_string(name.as_str()).unwrap_or_default(),
                            ),
                        }
                        out.push(':');
                        out.push_str(v.get());
                    }
                }
            }
            out.push('}');
        }
        if let Some(t) = self.odata_type {
            if !out[start..].contains("\"@odata.type\"") {
                let insert = format!("\"@odata.type\":\"{t}\"");
                let sep = if out[start..].len() > 2 { "," } else { "" };
                out.insert_str(start + 1, &format!("{insert}{sep}"));
            }
        }
        for name in &self.expand {
            if self.inline_navs.contains(&name.as_str())
                && out[start..].contains(&format!("\"{name}\":"))
            {
                continue;
            }
            let value = extra(name)
                .cloned()
                .unwrap_or_else(|| Value::Array(Vec::new()));
            out.pop(); // '}'
            if out.len() > start + 1 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(name).unwrap_or_default());
            out.push(':');
            out.push_str(&value.to_string());
            out.push('}');
        }
    }
}

/// The page size a request gets, or Graph's error for a bad `$top`.
pub fn page_size(
    query: &Query,
    paging: Paging,
    cap: Option<usize>,
) -> Result<(usize, bool), Reply> {
    let top = match query.get("$top") {
        None => None,
        Some(t) => match t.parse::<usize>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return Err(bad_request(format!("Invalid value '{t}' for $top query option found. The $top query option requires a non-negative integer value."))),
        },
    };
    if let Some(n) = top {
        if paging.top_over_max_is_error && n > paging.max_size {
            return Err(Reply::error(
                400,
                "Request_BadRequest",
                format!(
                    "Invalid page size specified: '{n}'. Must be between 1 and {} inclusive.",
                    paging.max_size
                ),
            ));
        }
    }
    let mut size = top.unwrap_or(paging.default_size).min(paging.max_size);
    if let Some(c) = cap {
        size = size.min(c.max(1));
    }
    Ok((size, top.is_some()))
}

/// Encodes a position in a list as an opaque-looking skip token.
pub fn skiptoken(pos: usize) -> String {
    format!("X{pos:08x}")
}

pub fn parse_skiptoken(token: &str) -> Option<usize> {
    usize::from_str_radix(token.strip_prefix('X')?, 16).ok()
}

/// A simple `$filter`: `name eq 'value'` (strings, case-insensitive as the directory does),
/// `name eq true|false|number`, or `startswith(name,'value')`.
#[derive(Debug, Clone)]
pub enum Filter {
    Eq(String, Value),
    StartsWith(String, String),
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, Reply> {
        let t = text.trim();
        let unsupported = || {
            bad_request(format!("Invalid filter clause: the emulator supports 'property eq value' and 'startswith(property,'value')', not '{t}'."))
        };
        if let Some(inner) = t
            .strip_prefix("startswith(")
            .and_then(|r| r.strip_suffix(')'))
        {
            let (name, value) = inner.split_once(',').ok_or_else(unsupported)?;
            let value = value
                .trim()
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .ok_or_else(unsupported)?;
            return Ok(Filter::StartsWith(
                name.trim().to_string(),
                value.replace("''", "'"),
            ));
        }
        let (name, value) = t.split_once(" eq ").ok_or_else(unsupported)?;
        let value = value.trim();
        let value = if let Some(s) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            Value::String(s.replace("''", "'"))
        } else {
            serde_json::from_str(value).map_err(|_| unsupported())?
        };
        Ok(Filter::Eq(name.trim().to_string(), value))
    }

    pub fn matches(&self, json: &str) -> bool {
        let Ok(fields) = serde_json::from_str::<Fields>(json) else {
            return false;
        };
        let get = |name: &str| -> Option<Value> {
            fields
                .0
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| serde_json::from_str(v.get()).ok())
        };
        match self {
            Filter::Eq(name, want) => match (get(name), want) {
                (Some(Value::String(a)), Value::String(b)) => a.eq_ignore_ascii_case(b),
                (Some(a), b) => &a == b,
                (None, _) => false,
            },
            Filter::StartsWith(name, prefix) => match get(name) {
                Some(Value::String(a)) => a.to_lowercase().starts_with(&prefix.to_lowercase()),
                _ => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_options() {
        let q = Query::parse("%24select=id,displayName&$expand=assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)&$top=5&$skiptoken=X00000005");
        assert_eq!(q.select().unwrap(), ["id", "displayName"]);
        assert_eq!(q.expand(), ["assignments", "scheduledActionsForRule"]);
        assert_eq!(page_size(&q, DIRECTORY, None).unwrap(), (5, true));
        assert_eq!(q.raw_without_skiptoken(), "%24select=id,displayName&$expand=assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)&$top=5");
        assert_eq!(parse_skiptoken(&skiptoken(1234)), Some(1234));
        let big = Query::parse("$top=1000");
        assert_eq!(page_size(&big, DIRECTORY, None).unwrap_err().status, 400);
        assert_eq!(page_size(&big, INTUNE, Some(7)).unwrap(), (7, true));
    }

    fn json_of(e: &Entry) -> String {
        match &e.text {
            crate::store::Text::Inline(s) => s.to_string(),
            crate::store::Text::File { .. } => unreachable!("inline in tests"),
        }
    }

    #[test]
    fn select_projects_and_expand_appends() {
        let keys: BTreeSet<Box<str>> = ["id", "displayName", "mail"]
            .into_iter()
            .map(Into::into)
            .collect();
        let entry = Entry::from_value(serde_json::json!({"@odata.type": "#microsoft.graph.user", "id": "1", "displayName": "A", "mail": "a@x"}), &[]).unwrap();
        let mut out = String::new();
        Render {
            select: Some(vec!["id".into()]),
            expand: vec!["assignments".into()],
            all_keys: &keys,
            odata_type: None,
            inline_navs: &[],
            covers: Default::default(),
        }
        .item(&entry, &json_of(&entry), &mut out);
        assert_eq!(
            out,
            r##"{"@odata.type":"#microsoft.graph.user","id":"1","assignments":[]}"##
        );
        let mut out = String::new();
        let bare = Entry::from_value(serde_json::json!({"id": "2"}), &[]).unwrap();
        Render {
            select: None,
            expand: vec![],
            all_keys: &keys,
            odata_type: Some("#microsoft.graph.group"),
            inline_navs: &[],
            covers: Default::default(),
        }
        .item(&bare, &json_of(&bare), &mut out);
        assert_eq!(
            out,
            r##"{"@odata.type":"#microsoft.graph.group","id":"2"}"##
        );
    }

    #[test]
    fn filters() {
        let f = Filter::parse("displayName eq 'Sales_O365_i'").unwrap();
        assert!(f.matches(r#"{"displayName":"sales_o365_I"}"#));
        assert!(!f.matches(r#"{"displayName":"other"}"#));
        assert!(Filter::parse("startswith(displayName,'Sa')")
            .unwrap()
            .matches(r#"{"displayName":"Sales"}"#));
        assert!(Filter::parse("a gt 1").is_err());
    }
}
