//! The permission preflight: before reading anything, check that the token can do what the
//! command needs, and say everything that is missing at once. App-only tokens carry their
//! application permissions in `roles`, delegated ones in `scp`; the payload is decoded
//! without validation (the token is Graph's to validate). When the token is not a readable
//! JWT, the app's role assignments on Microsoft Graph are read instead. The preflight also
//! pins the run to the tenant asked for (`tid` and `/organization`), and checks that the
//! tenant has an active Intune subscription, without which Intune's Graph endpoints answer
//! nothing (a BMS-only tenant may have none).

use crate::client::GraphClient;
use crate::error::GraphError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::BTreeSet;
use thiserror::Error;

/// One permission a command needs, with the broader ones that include it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub permission: &'static str,
    pub also_satisfied_by: &'static [&'static str],
    /// What it is for, in the admin's words.
    pub why: &'static str,
}

/// What `collect` reads, least privilege first (Microsoft Graph permissions reference).
pub const COLLECT: &[Requirement] = &[
    Requirement {
        permission: "Organization.Read.All",
        also_satisfied_by: &[
            "Organization.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        why: "organization and subscribedSkus (licences and free seats)",
    },
    Requirement {
        permission: "User.Read.All",
        also_satisfied_by: &[
            "User.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        why: "users with their licences and service plans",
    },
    Requirement {
        permission: "GroupMember.Read.All",
        also_satisfied_by: &[
            "Group.Read.All",
            "Group.ReadWrite.All",
            "GroupMember.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        why: "groups and their members (BMS policy targets)",
    },
    Requirement {
        permission: "Device.Read.All",
        also_satisfied_by: &[
            "Device.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        why: "Entra devices (which ones BMS manages)",
    },
    Requirement {
        permission: "DeviceManagementManagedDevices.Read.All",
        also_satisfied_by: &["DeviceManagementManagedDevices.ReadWrite.All"],
        why: "managed devices (platform, OS version, management agent)",
    },
    Requirement {
        permission: "DeviceManagementConfiguration.Read.All",
        also_satisfied_by: &["DeviceManagementConfiguration.ReadWrite.All"],
        why: "existing Intune compliance policies and configuration profiles",
    },
    Requirement {
        permission: "Policy.Read.All",
        also_satisfied_by: &["Policy.ReadWrite.ConditionalAccess"],
        why: "Conditional Access policies",
    },
];

/// What `apply` and `rollback` need for a wave without Conditional Access policies
/// (`../shared/reference/live-half.md` §1.5): the writes, and the reads of the drift checks.
/// Creating groups needs Group.Create (the app then adds itself as owner) or a broader grant.
pub const APPLY: &[Requirement] = &[
    Requirement {
        permission: "Organization.Read.All",
        also_satisfied_by: &[
            "Organization.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        why: "the MDM authority (coexistence) and free licence seats",
    },
    Requirement {
        permission: "Group.Create",
        also_satisfied_by: &["Group.ReadWrite.All", "Directory.ReadWrite.All"],
        why: "creating the wave and policy groups",
    },
    Requirement {
        permission: "GroupMember.ReadWrite.All",
        also_satisfied_by: &["Group.ReadWrite.All", "Directory.ReadWrite.All"],
        why: "adding and removing the wave's members",
    },
    Requirement {
        permission: "DeviceManagementConfiguration.ReadWrite.All",
        also_satisfied_by: &[],
        why: "creating, assigning and deleting compliance policies and configuration profiles",
    },
    Requirement {
        permission: "LicenseAssignment.ReadWrite.All",
        also_satisfied_by: &["Group.ReadWrite.All", "Directory.ReadWrite.All"],
        why: "assigning and removing the wave's Intune licences",
    },
    Requirement {
        permission: "Policy.Read.All",
        also_satisfied_by: &[],
        why: "security defaults and the Conditional Access policy count (drift checks)",
    },
];

/// What `apply` needs besides [`APPLY`] when the wave's run creates Conditional Access
/// policies.
pub const APPLY_CONDITIONAL_ACCESS: &[Requirement] = &[
    Requirement {
        permission: "Policy.ReadWrite.ConditionalAccess",
        also_satisfied_by: &[],
        why: "creating the report-only Conditional Access policies",
    },
    Requirement {
        permission: "Application.Read.All",
        also_satisfied_by: &["Application.ReadWrite.All", "Directory.Read.All"],
        why: "Conditional Access policies that name applications",
    },
];

/// Whether a grant of `granted` can change groups the app does not own (otherwise the app
/// must add itself as owner of the groups it creates).
pub fn can_write_any_group(granted: &BTreeSet<String>) -> bool {
    granted.iter().any(|g| {
        g.eq_ignore_ascii_case("Group.ReadWrite.All")
            || g.eq_ignore_ascii_case("Directory.ReadWrite.All")
    })
}

/// The claims of an access token the preflight uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenClaims {
    /// Tenant the token was issued for.
    pub tid: Option<String>,
    /// Application permissions (app-only tokens).
    pub roles: BTreeSet<String>,
    /// Delegated permissions (device code sign-in).
    pub scopes: BTreeSet<String>,
    /// The signed-in principal's object id (the app's service principal for app-only tokens).
    pub oid: Option<String>,
}

/// Reads a JWT's payload without validating it; `None` when the token is not a readable JWT.
pub fn decode_claims(token: &str) -> Option<TokenClaims> {
    let mut parts = token.split('.');
    let (_, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let obj = json.as_object()?;
    let roles = obj
        .get("roles")
        .and_then(|r| r.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let scopes = obj
        .get("scp")
        .and_then(|s| s.as_str())
        .map(|s| s.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    Some(TokenClaims {
        tid: obj.get("tid").and_then(|t| t.as_str()).map(str::to_string),
        oid: obj.get("oid").and_then(|t| t.as_str()).map(str::to_string),
        roles,
        scopes,
    })
}

/// The requirements `granted` does not meet (permission names compare case-insensitively).
pub fn missing<'r>(
    requirements: &'r [Requirement],
    granted: &BTreeSet<String>,
) -> Vec<&'r Requirement> {
    let has = |p: &str| granted.iter().any(|g| g.eq_ignore_ascii_case(p));
    requirements
        .iter()
        .filter(|r| !has(r.permission) && !r.also_satisfied_by.iter().any(|p| has(p)))
        .collect()
}

/// Whether the tenant can answer Intune's Graph endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntuneSubscription {
    Active,
    /// `deviceManagement.subscriptionState` is not `active` (or Graph refused to say).
    NotActive(String),
}

/// Where the granted permissions were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantSource {
    TokenRoles,
    TokenScopes,
    AppRoleAssignments,
    /// Could not be read; the run goes on and Graph decides.
    Unverified,
}

/// What the preflight found.
#[derive(Debug, Clone)]
pub struct PreflightReport {
    /// The tenant's ID as Graph reports it.
    pub tenant_id: String,
    pub tenant_name: String,
    pub granted: BTreeSet<String>,
    pub source: GrantSource,
    pub intune: IntuneSubscription,
    /// Things the admin should know (printed as warnings).
    pub notes: Vec<String>,
    /// The signed-in principal's object id (`oid`), when the token is a readable JWT.
    pub principal_id: Option<String>,
}

/// Why the run cannot go on.
#[derive(Debug, Error)]
pub enum PreflightError {
    #[error("{}", missing_message(.client_id, .source_name, .missing))]
    MissingPermissions {
        client_id: String,
        source_name: &'static str,
        missing: Vec<Requirement>,
    },
    #[error("the token is for tenant {actual}, not {expected}: check --tenant-id and that the app registration belongs to (or is consented in) that tenant")]
    ForeignTenant { expected: String, actual: String },
    #[error(transparent)]
    Graph(#[from] GraphError),
}

fn missing_message(client_id: &str, source_name: &str, missing: &[Requirement]) -> String {
    let mut m = format!(
        "the app registration {client_id} lacks {} Microsoft Graph permission(s) this command needs ({source_name}):",
        missing.len()
    );
    for r in missing {
        m.push_str(&format!("\n  - {} — {}", r.permission, r.why));
    }
    m.push_str(
        "\nAdd them in the Entra admin center › App registrations › your app › API permissions (Microsoft Graph, \
         application permissions; delegated for --device-code), grant admin consent, and run again: a token carries \
         the permissions granted when it was issued.",
    );
    m
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Microsoft Graph's application ID (the same in every tenant).
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// Runs the preflight for `requirements`.
pub async fn preflight(
    client: &GraphClient,
    requirements: &[Requirement],
) -> Result<PreflightReport, PreflightError> {
    let connection = client.tokens().connection().clone();
    let token = client.tokens().token().await.map_err(GraphError::from)?;
    let claims = decode_claims(token.expose());
    drop(token);
    let expected = connection.tenant_id.to_ascii_lowercase();
    if let Some(tid) = claims.as_ref().and_then(|c| c.tid.as_deref()) {
        if is_guid(&expected) && !tid.eq_ignore_ascii_case(&expected) {
            return Err(PreflightError::ForeignTenant {
                expected,
                actual: tid.to_string(),
            });
        }
    }
    let mut notes = Vec::new();
    let (granted, source) = match &claims {
        Some(c)
            if !c.roles.is_empty()
                || (connection.credential.is_app_only() && c.scopes.is_empty()) =>
        {
            (c.roles.clone(), GrantSource::TokenRoles)
        }
        Some(c) => (c.scopes.clone(), GrantSource::TokenScopes),
        None if connection.credential.is_app_only() => {
            match app_role_assignments(client, &connection.client_id).await {
                Ok(g) => (g, GrantSource::AppRoleAssignments),
                Err(e) => {
                    notes.push(format!(
                    "could not verify the app's permissions (the token is not a readable JWT and its role assignments could not be read: {e}); Graph will refuse what is missing"
                ));
                    (BTreeSet::new(), GrantSource::Unverified)
                }
            }
        }
        None => {
            notes.push("could not verify the signed-in admin's permissions (the token is not a readable JWT); Graph will refuse what is missing".into());
            (BTreeSet::new(), GrantSource::Unverified)
        }
    };
    if source != GrantSource::Unverified {
        let gaps = missing(requirements, &granted);
        if !gaps.is_empty() {
            return Err(PreflightError::MissingPermissions {
                client_id: connection.client_id.clone(),
                source_name: match source {
                    GrantSource::TokenRoles => "read from the token's roles",
                    GrantSource::TokenScopes => "read from the token's delegated scopes",
                    _ => "read from the app's role assignments",
                },
                missing: gaps.into_iter().copied().collect(),
            });
        }
    }
    // Pin the tenant by what Graph says, whatever the token format.
    let org = client
        .get_json(&client.url("v1.0", "/organization?$select=id,displayName"))
        .await?;
    let org = org
        .get("value")
        .and_then(|v| v.get(0))
        .cloned()
        .unwrap_or_default();
    let tenant_id = org
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let tenant_name = org
        .get("displayName")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    if is_guid(&expected) && !tenant_id.eq_ignore_ascii_case(&expected) {
        return Err(PreflightError::ForeignTenant {
            expected,
            actual: tenant_id,
        });
    }
    if let Some(tid) = claims.as_ref().and_then(|c| c.tid.as_deref()) {
        if !tenant_id.eq_ignore_ascii_case(tid) {
            return Err(PreflightError::ForeignTenant {
                expected: tid.to_string(),
                actual: tenant_id,
            });
        }
    }
    let intune = match client
        .get_json(&client.url("v1.0", "/deviceManagement?$select=subscriptionState"))
        .await
    {
        Ok(v) => match v.get("subscriptionState").and_then(|s| s.as_str()) {
            Some(s) if s.eq_ignore_ascii_case("active") => IntuneSubscription::Active,
            Some(s) => IntuneSubscription::NotActive(format!("the Intune subscription is {s}")),
            None => IntuneSubscription::NotActive(
                "Graph did not report an Intune subscription state".into(),
            ),
        },
        Err(e) if matches!(e.status(), Some(400..=404)) => IntuneSubscription::NotActive(format!(
            "Graph answered {} to /deviceManagement",
            e.code().unwrap_or("an error")
        )),
        Err(e) => return Err(e.into()),
    };
    Ok(PreflightReport {
        tenant_id,
        tenant_name,
        granted,
        source,
        intune,
        notes,
        principal_id: claims.and_then(|c| c.oid),
    })
}

/// The application permissions granted to the app on Microsoft Graph, from its service
/// principal's role assignments.
async fn app_role_assignments(
    client: &GraphClient,
    client_id: &str,
) -> Result<BTreeSet<String>, GraphError> {
    let graph_sp = client
        .get_json(&client.url(
            "v1.0",
            &format!("/servicePrincipals(appId='{GRAPH_APP_ID}')?$select=id,appRoles"),
        ))
        .await?;
    let graph_sp_id = graph_sp
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let role_names: std::collections::BTreeMap<String, String> = graph_sp
        .get("appRoles")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some((
                r.get("id")?.as_str()?.to_string(),
                r.get("value")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let assignments = client
        .get_all(&client.url(
            "v1.0",
            &format!("/servicePrincipals(appId='{client_id}')/appRoleAssignments"),
        ))
        .await?;
    Ok(assignments
        .iter()
        .filter(|a| a.get("resourceId").and_then(|v| v.as_str()) == Some(graph_sp_id.as_str()))
        .filter_map(|a| role_names.get(a.get("appRoleId")?.as_str()?).cloned())
        .collect())
}

/// What an inactive Intune subscription means for the snapshot, for the admin.
pub fn intune_consequence(reason: &str) -> String {
    format!(
        "{reason}. Intune's Graph endpoints need an active Intune subscription, so this snapshot has no \
         managedDevices, deviceCompliancePolicies or deviceConfigurations: `plan` reports the checks that need them \
         as not-assessed and assumes no Intune policies exist yet; Entra devices (mdmAppId) still show which devices BMS manages."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &serde_json::Value) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    }

    #[test]
    fn roles_and_scopes_are_read_and_gaps_listed_all_at_once() {
        let c = decode_claims(&jwt(
            &serde_json::json!({"tid": "t1", "roles": ["User.Read.All", "Directory.Read.All"]}),
        ))
        .unwrap();
        assert_eq!(c.tid.as_deref(), Some("t1"));
        let gaps: Vec<&str> = missing(COLLECT, &c.roles)
            .iter()
            .map(|r| r.permission)
            .collect();
        assert_eq!(
            gaps,
            [
                "DeviceManagementManagedDevices.Read.All",
                "DeviceManagementConfiguration.Read.All",
                "Policy.Read.All"
            ]
        );
        let d = decode_claims(&jwt(
            &serde_json::json!({"scp": "user.read.all Group.Read.All"}),
        ))
        .unwrap();
        assert!(d.scopes.contains("Group.Read.All"));
        assert!(missing(&COLLECT[1..3], &d.scopes).is_empty());
        assert_eq!(decode_claims("opaque-token"), None);
        assert_eq!(decode_claims("a.!!!.c"), None);
        let e = PreflightError::MissingPermissions {
            client_id: "app".into(),
            source_name: "read from the token's roles",
            missing: vec![COLLECT[4]],
        };
        assert!(
            e.to_string()
                .contains("DeviceManagementManagedDevices.Read.All — managed devices"),
            "{e}"
        );
    }

    #[test]
    fn guids_are_recognised() {
        assert!(is_guid("0b1c7d2e-0000-4000-8000-000000000001"));
        assert!(!is_guid("contoso.onmicrosoft.com"));
    }
}
