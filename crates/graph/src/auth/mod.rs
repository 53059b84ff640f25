//! Signing in, always with the customer's own app registration: which credential a run uses
//! (flags first, then the Azure SDK's environment variables), the certificate assertion
//! (`certificate`), and tokens that are fetched, cached and refreshed before they expire
//! (`token`, including the device code flow for an admin at a terminal).

pub mod certificate;
pub mod token;

use crate::endpoint::{Endpoints, DEFAULT_AUTHORITY_URL, DEFAULT_GRAPH_URL};
use crate::error::ConfigError;
use crate::secret::Secret;
use std::path::PathBuf;

pub use certificate::ClientCertificate;
pub use token::{AccessToken, TokenProvider};

/// How the app proves who it is.
#[derive(Debug, Clone)]
pub enum Credential {
    /// Client credentials with a client secret.
    Secret(Secret),
    /// Client credentials with a certificate: a PS256 client assertion with `x5t#S256`.
    Certificate(ClientCertificate),
    /// Client credentials with a federated token read from this file at every sign-in
    /// (workload identity: the file rotates).
    FederatedTokenFile(PathBuf),
    /// Device code flow: an admin signs in at a browser with the code printed on the terminal.
    DeviceCode,
}

impl Credential {
    /// A short name for messages (never the secret).
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::Secret(_) => "client secret",
            Credential::Certificate(_) => "certificate",
            Credential::FederatedTokenFile(_) => "federated token file",
            Credential::DeviceCode => "device code",
        }
    }

    /// Whether tokens are app-only (`roles`) rather than delegated (`scp`).
    pub fn is_app_only(&self) -> bool {
        !matches!(self, Credential::DeviceCode)
    }
}

/// Everything needed to reach one tenant's Graph.
#[derive(Debug, Clone)]
pub struct Connection {
    /// The tenant: a GUID or a verified domain.
    pub tenant_id: String,
    /// The customer's app registration (application/client ID).
    pub client_id: String,
    pub credential: Credential,
    pub endpoints: Endpoints,
}

/// The connection flags as given on the command line (`None` = not given).
#[derive(Debug, Clone, Default)]
pub struct ConnectionFlags {
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub certificate: Option<PathBuf>,
    pub device_code: bool,
    pub graph_url: Option<String>,
    pub authority_url: Option<String>,
}

impl ConnectionFlags {
    /// Resolves the flags, falling back to the Azure SDK's environment variables
    /// (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`,
    /// `AZURE_CLIENT_CERTIFICATE_PATH` with `AZURE_CLIENT_CERTIFICATE_PASSWORD` for a PFX,
    /// `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_AUTHORITY_HOST`). `env` looks a variable up
    /// (tests pass their own). A credential given by flag wins over any from the
    /// environment; within the environment the order is secret, certificate, federated token,
    /// as in the Azure SDKs.
    pub fn resolve(self, env: &dyn Fn(&str) -> Option<String>) -> Result<Connection, ConfigError> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let tenant_id = self
            .tenant_id
            .or_else(|| var("AZURE_TENANT_ID"))
            .ok_or_else(|| {
                ConfigError("no tenant: pass --tenant-id or set AZURE_TENANT_ID".into())
            })?;
        let tenant_id = checked_tenant(tenant_id.trim())?;
        let client_id = self
            .client_id
            .or_else(|| var("AZURE_CLIENT_ID"))
            .ok_or_else(|| {
                ConfigError(
                    "no app registration: pass --client-id (your own app's application ID) or set AZURE_CLIENT_ID".into(),
                )
            })?
            .trim()
            .to_string();
        if client_id.is_empty()
            || !client_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ConfigError(format!(
                "--client-id {client_id:?}: expected an application (client) ID"
            )));
        }
        let graph = self
            .graph_url
            .unwrap_or_else(|| DEFAULT_GRAPH_URL.to_string());
        let authority = self
            .authority_url
            .or_else(|| var("AZURE_AUTHORITY_HOST"))
            .unwrap_or_else(|| DEFAULT_AUTHORITY_URL.to_string());
        let endpoints = Endpoints::new(&graph, &authority)?;

        let given = [
            self.client_secret.is_some(),
            self.certificate.is_some(),
            self.device_code,
        ]
        .iter()
        .filter(|g| **g)
        .count();
        if given > 1 {
            return Err(ConfigError(
                "choose one of --client-secret, --certificate and --device-code".into(),
            ));
        }
        let password = || var("AZURE_CLIENT_CERTIFICATE_PASSWORD").map(Secret::new);
        let credential = if let Some(secret) = self.client_secret {
            Credential::Secret(secret)
        } else if let Some(path) = self.certificate {
            Credential::Certificate(ClientCertificate::load(&path, password().as_ref())?)
        } else if self.device_code {
            Credential::DeviceCode
        } else if let Some(secret) = var("AZURE_CLIENT_SECRET") {
            Credential::Secret(Secret::new(secret))
        } else if let Some(path) = var("AZURE_CLIENT_CERTIFICATE_PATH") {
            Credential::Certificate(ClientCertificate::load(
                &PathBuf::from(path),
                password().as_ref(),
            )?)
        } else if let Some(path) = var("AZURE_FEDERATED_TOKEN_FILE") {
            Credential::FederatedTokenFile(PathBuf::from(path))
        } else {
            return Err(ConfigError(
                "no credential: pass --certificate FILE (PEM or PFX), --device-code, or --client-secret \
                 (better: set AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE)"
                    .into(),
            ));
        };
        Ok(Connection {
            tenant_id,
            client_id,
            credential,
            endpoints,
        })
    }
}

/// A tenant is a GUID or a domain name; `common`/`organizations` make no sense for an
/// app-only read of one tenant.
fn checked_tenant(raw: &str) -> Result<String, ConfigError> {
    let ok = !raw.is_empty()
        && raw.len() <= 255
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !ok {
        return Err(ConfigError(format!(
            "--tenant-id {raw:?}: expected the tenant ID (a GUID) or a verified domain"
        )));
    }
    if ["common", "organizations", "consumers"].contains(&raw.to_ascii_lowercase().as_str()) {
        return Err(ConfigError(format!(
            "--tenant-id {raw}: name the tenant itself (its ID or domain); multi-tenant aliases cannot pin the run to one tenant"
        )));
    }
    Ok(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn environment_fills_what_flags_leave_out() {
        let c = ConnectionFlags::default()
            .resolve(&env(&[
                ("AZURE_TENANT_ID", "11111111-1111-1111-1111-111111111111"),
                ("AZURE_CLIENT_ID", "22222222-2222-2222-2222-222222222222"),
                ("AZURE_CLIENT_SECRET", "s3cret"),
                ("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/"),
            ]))
            .unwrap();
        assert_eq!(c.tenant_id, "11111111-1111-1111-1111-111111111111");
        assert!(matches!(&c.credential, Credential::Secret(s) if s.expose() == "s3cret"));
        assert_eq!(c.endpoints.authority, "https://login.microsoftonline.us");
        assert_eq!(c.endpoints.graph, "https://graph.microsoft.com");
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn flags_win_and_conflicts_are_refused() {
        let e = env(&[
            ("AZURE_CLIENT_SECRET", "from-env"),
            ("AZURE_FEDERATED_TOKEN_FILE", "/f"),
        ]);
        let c = ConnectionFlags {
            tenant_id: Some("contoso.onmicrosoft.com".into()),
            client_id: Some("abc".into()),
            device_code: true,
            ..Default::default()
        }
        .resolve(&e)
        .unwrap();
        assert!(matches!(c.credential, Credential::DeviceCode));
        let both = ConnectionFlags {
            tenant_id: Some("t".into()),
            client_id: Some("c".into()),
            device_code: true,
            client_secret: Some(Secret::new("x")),
            ..Default::default()
        }
        .resolve(&e);
        assert!(both.is_err());
        let fed = ConnectionFlags {
            tenant_id: Some("t".into()),
            client_id: Some("c".into()),
            ..Default::default()
        }
        .resolve(&env(&[("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token")]))
        .unwrap();
        assert!(matches!(fed.credential, Credential::FederatedTokenFile(_)));
    }

    #[test]
    fn missing_pieces_are_named() {
        let e = ConnectionFlags::default().resolve(&env(&[])).unwrap_err();
        assert!(e.0.contains("--tenant-id"), "{e}");
        let e = ConnectionFlags {
            tenant_id: Some("t".into()),
            client_id: Some("c".into()),
            ..Default::default()
        }
        .resolve(&env(&[]))
        .unwrap_err();
        assert!(e.0.contains("no credential"), "{e}");
        let e = ConnectionFlags {
            tenant_id: Some("common".into()),
            ..Default::default()
        }
        .resolve(&env(&[]))
        .unwrap_err();
        assert!(e.0.contains("multi-tenant"), "{e}");
        let e = ConnectionFlags {
            tenant_id: Some("t".into()),
            client_id: Some("c".into()),
            device_code: true,
            authority_url: Some("http://login.example.com".into()),
            ..Default::default()
        }
        .resolve(&env(&[]))
        .unwrap_err();
        assert!(e.0.contains("loopback"), "{e}");
    }
}
