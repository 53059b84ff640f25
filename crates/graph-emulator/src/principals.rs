//! Service principals, as far as a permission check needs them: Microsoft Graph's own
//! (`servicePrincipals(appId='00000003-…')`, with the application roles it defines) and the
//! calling app's `appRoleAssignments` on it — the app's granted permissions, which the
//! client reads when its access token is not a readable JWT. The grants are the emulator's
//! configured roles, the same ones its tokens carry; role ids are Microsoft Graph's real ones.

use crate::app::{Request, Shared};
use crate::odata::Query;
use crate::reply::{directory_not_found, Reply};
use serde_json::{json, Map, Value};

/// Microsoft Graph's application id (the same in every tenant).
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The object id of Microsoft Graph's service principal in the emulated tenant.
const GRAPH_SP_ID: &str = "6e6f6e65-5350-4000-8000-000000000003";

/// Microsoft Graph application permissions: (value, app role id).
const GRAPH_APP_ROLES: &[(&str, &str)] = &[
    (
        "Application.Read.All",
        "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    ),
    ("Device.Read.All", "7438b122-aefc-4978-80ed-43db9fcc7715"),
    (
        "Device.ReadWrite.All",
        "1138cb37-bd11-4084-a2b7-9f71582aeddb",
    ),
    (
        "DeviceManagementConfiguration.Read.All",
        "dc377aa6-52d8-4e23-b271-2a7ae04cedf3",
    ),
    (
        "DeviceManagementConfiguration.ReadWrite.All",
        "9241abd9-d0e6-425a-bd4f-47ba86e767a4",
    ),
    (
        "DeviceManagementManagedDevices.Read.All",
        "2f51be20-0bb4-4fed-bf7b-db946066c75e",
    ),
    (
        "DeviceManagementManagedDevices.ReadWrite.All",
        "243333ab-4d21-40cb-a475-36241daa0842",
    ),
    ("Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"),
    (
        "Directory.ReadWrite.All",
        "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
    ),
    ("Group.Create", "bf7b1a76-6e77-406b-b258-bf5c7720e98f"),
    ("Group.Read.All", "5b567255-7703-4780-807c-7be8301ae99b"),
    (
        "Group.ReadWrite.All",
        "62a82d76-70ea-41e2-9197-370581804d09",
    ),
    (
        "GroupMember.Read.All",
        "98830695-27a2-44f7-8c18-0c3ebc9698f6",
    ),
    (
        "GroupMember.ReadWrite.All",
        "dbaae8cf-10b5-4b86-a4a1-f871c94c6695",
    ),
    (
        "LicenseAssignment.ReadWrite.All",
        "5facf0c1-8979-4e95-abcf-ff3d079771c0",
    ),
    (
        "Organization.Read.All",
        "498476ce-e0fe-48b0-b801-37ba7e2685c6",
    ),
    (
        "Organization.ReadWrite.All",
        "292d869f-3427-49a8-9dab-8c70152b74e9",
    ),
    ("Policy.Read.All", "246dd0d5-5bd0-4def-940b-0421030a5b68"),
    (
        "Policy.Read.ConditionalAccess",
        "37730810-e9ba-4e46-b07e-8ca78d182097",
    ),
    (
        "Policy.ReadWrite.ConditionalAccess",
        "01c0a623-fc9b-48e9-b794-0756f8e8f067",
    ),
    ("User.Read.All", "df021288-bdef-4463-88db-98f22de89214"),
    ("User.ReadWrite.All", "741f803b-c850-494e-b5df-cde7c675a1ca"),
];

/// The app id in a `servicePrincipals(appId='…')` segment.
pub fn app_id_key(segment: &str) -> Option<String> {
    let key = segment
        .strip_prefix("servicePrincipals(appId=")?
        .strip_suffix(')')?;
    Some(key.trim_matches('\'').replace("''", "'"))
}

/// `GET servicePrincipals(appId='…')`: Microsoft Graph's service principal, or the app's
/// own (any app id the tenant knows: the emulator accepts any client unless configured).
pub fn get(sh: &Shared, req: &Request, q: &Query, app_id: &str) -> Reply {
    let Some(mut sp) = principal(sh, app_id) else {
        return directory_not_found(app_id);
    };
    if let Some(select) = q.select() {
        sp.retain(|k, _| select.iter().any(|s| s.eq_ignore_ascii_case(k)));
    }
    let mut out = Map::new();
    out.insert(
        "@odata.context".into(),
        format!(
            "{}/{}/$metadata#servicePrincipals/$entity",
            sh.base_url,
            req.api.name()
        )
        .into(),
    );
    out.extend(sp);
    Reply::json(200, &Value::Object(out))
}

/// `GET servicePrincipals(appId='…')/appRoleAssignments`: the app's grants on Microsoft
/// Graph (none for Graph itself). Unpaged: an app holds a few dozen at most.
pub fn app_role_assignments(sh: &Shared, req: &Request, app_id: &str) -> Reply {
    let Some(sp) = principal(sh, app_id) else {
        return directory_not_found(app_id);
    };
    let principal_id = sp.get("id").cloned().unwrap_or_default();
    let granted: Vec<Value> = if app_id.eq_ignore_ascii_case(GRAPH_APP_ID) {
        Vec::new()
    } else {
        sh.config
            .roles
            .iter()
            .filter_map(|r| {
                GRAPH_APP_ROLES
                    .iter()
                    .find(|(v, _)| v.eq_ignore_ascii_case(r))
            })
            .enumerate()
            .map(|(i, (_, role_id))| {
                json!({
                    "id": format!("6e6f6e65-4152-4100-8000-{i:012x}"),
                    "appRoleId": role_id,
                    "createdDateTime": "2024-01-01T00:00:00Z",
                    "principalDisplayName": sp.get("displayName"),
                    "principalId": principal_id,
                    "principalType": "ServicePrincipal",
                    "resourceDisplayName": "Microsoft Graph",
                    "resourceId": GRAPH_SP_ID,
                })
            })
            .collect()
    };
    Reply::json(
        200,
        &json!({
            "@odata.context": format!(
                "{}/{}/$metadata#servicePrincipals('{}')/appRoleAssignments",
                sh.base_url,
                req.api.name(),
                principal_id.as_str().unwrap_or_default()
            ),
            "value": granted,
        }),
    )
}

/// A service principal by its object id: Microsoft Graph's, or an app's (whose object id is
/// its app id's hex digits reversed, see [`principal`]).
pub fn by_object_id(sh: &Shared, object_id: &str) -> Option<Map<String, Value>> {
    if object_id.eq_ignore_ascii_case(GRAPH_SP_ID) {
        return principal(sh, GRAPH_APP_ID);
    }
    let hex: Vec<char> = object_id.chars().filter(|c| *c != '-').collect();
    if object_id.len() != 36 || hex.len() != 32 {
        return None;
    }
    let mut app_id = String::with_capacity(36);
    for (i, c) in hex.iter().rev().enumerate() {
        if [8, 12, 16, 20].contains(&i) {
            app_id.push('-');
        }
        app_id.push(*c);
    }
    principal(sh, &app_id).filter(|sp| {
        sp.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| id.eq_ignore_ascii_case(object_id))
    })
}

fn principal(sh: &Shared, app_id: &str) -> Option<Map<String, Value>> {
    if app_id.eq_ignore_ascii_case(GRAPH_APP_ID) {
        let roles: Vec<Value> = GRAPH_APP_ROLES
            .iter()
            .map(|(value, id)| {
                json!({
                    "allowedMemberTypes": ["Application"],
                    "displayName": value,
                    "id": id,
                    "isEnabled": true,
                    "origin": "Application",
                    "value": value,
                })
            })
            .collect();
        let Value::Object(sp) = json!({
            "id": GRAPH_SP_ID,
            "appId": GRAPH_APP_ID,
            "displayName": "Microsoft Graph",
            "servicePrincipalType": "Application",
            "appRoles": roles,
        }) else {
            return None;
        };
        return Some(sp);
    }
    let allowed = sh.config.clients.is_empty()
        || sh
            .config
            .clients
            .iter()
            .any(|(c, _)| c.eq_ignore_ascii_case(app_id))
        || sh
            .config
            .client_certs
            .iter()
            .any(|(c, _)| c.eq_ignore_ascii_case(app_id));
    let hex: Vec<char> = app_id
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if !allowed || app_id.len() != 36 || hex.len() != 32 || !hex.iter().all(char::is_ascii_hexdigit)
    {
        return None;
    }
    // A stable object id derived from the app id (object ids and app ids differ in Entra):
    // its hex digits reversed.
    let mut object_id = String::with_capacity(36);
    for (i, c) in hex.iter().rev().enumerate() {
        if [8, 12, 16, 20].contains(&i) {
            object_id.push('-');
        }
        object_id.push(*c);
    }
    let Value::Object(sp) = json!({
        "id": object_id,
        "appId": app_id.to_ascii_lowercase(),
        "displayName": "bms2intune",
        "servicePrincipalType": "Application",
        "appRoles": [],
    }) else {
        return None;
    };
    Some(sp)
}
