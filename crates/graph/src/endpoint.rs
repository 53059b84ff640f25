//! The two base URLs a connection uses: Microsoft Graph (`--graph-url`, default
//! `https://graph.microsoft.com`) and the Entra authority (`--authority-url`, default
//! `https://login.microsoftonline.com`), for sovereign clouds and the emulator. Plain `http://`
//! is accepted only for loopback hosts, so a token or secret never crosses a network in clear.

use crate::error::ConfigError;
use reqwest::Url;

/// Microsoft Graph in the public cloud.
pub const DEFAULT_GRAPH_URL: &str = "https://graph.microsoft.com";
/// Microsoft Entra ID in the public cloud.
pub const DEFAULT_AUTHORITY_URL: &str = "https://login.microsoftonline.com";

/// The checked base URLs of a connection, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// e.g. `https://graph.microsoft.com`; requests go to `{graph}/v1.0/…` and `{graph}/beta/…`.
    pub graph: String,
    /// e.g. `https://login.microsoftonline.com`; tokens come from `{authority}/{tenant}/oauth2/v2.0/token`.
    pub authority: String,
}

impl Endpoints {
    /// Checks both URLs (`flag` names are used in messages).
    pub fn new(graph: &str, authority: &str) -> Result<Endpoints, ConfigError> {
        Ok(Endpoints {
            graph: checked_base("--graph-url", graph)?,
            authority: checked_base("--authority-url", authority)?,
        })
    }

    /// The public cloud.
    pub fn public_cloud() -> Endpoints {
        Endpoints {
            graph: DEFAULT_GRAPH_URL.into(),
            authority: DEFAULT_AUTHORITY_URL.into(),
        }
    }

    /// `{graph}/{api}` for `v1.0` or `beta`.
    pub fn api(&self, api: &str) -> String {
        format!("{}/{api}", self.graph)
    }

    /// The scope that asks for every application permission granted on Graph.
    pub fn default_scope(&self) -> String {
        format!("{}/.default", self.graph)
    }
}

/// Parses a base URL: `https://host[:port][/path]`, or `http://` to a loopback host.
pub fn checked_base(flag: &str, raw: &str) -> Result<String, ConfigError> {
    let bad = |why: &str| ConfigError(format!("{flag} {raw:?}: {why}"));
    let url = Url::parse(raw.trim()).map_err(|e| bad(&format!("not a URL ({e})")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("expected a base URL without ?query or #fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials do not belong in the URL"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "http:// is allowed only for loopback hosts (127.0.0.1, ::1, localhost), such as the Graph emulator; use https://",
            ))
        }
        other => return Err(bad(&format!("unsupported scheme {other}:// (use https://)"))),
    }
    if url.host().is_none() {
        return Err(bad("no host"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        assert_eq!(
            checked_base("--graph-url", "https://graph.microsoft.us/").unwrap(),
            "https://graph.microsoft.us"
        );
        assert_eq!(
            checked_base("--graph-url", "http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(checked_base("--graph-url", "http://[::1]:9").is_ok());
        assert!(checked_base("--graph-url", "http://localhost:9").is_ok());
        let e = checked_base("--graph-url", "http://graph.example.com").unwrap_err();
        assert!(e.to_string().contains("loopback"), "{e}");
        assert!(checked_base("--graph-url", "http://10.0.0.1").is_err());
        assert!(checked_base("--graph-url", "ftp://127.0.0.1").is_err());
        assert!(checked_base("--graph-url", "https://u:p@graph.microsoft.com").is_err());
        assert!(checked_base("--graph-url", "graph.microsoft.com").is_err());
    }
}
