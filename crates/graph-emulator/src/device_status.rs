//! What Intune reports about devices: each compliance policy's and configuration profile's
//! `deviceStatusOverview`, computed from the state (the policy's assigned groups × the managed
//! devices of their users or Entra devices), and the control change a test makes to a managed
//! device (moving it from BMS to Intune, setting its compliance state).
//!
//! The emulator's rules, a simplification of Intune's reporting: only Intune-managed devices
//! count (BMS devices, `microsoft365ManagedMdm`, and Exchange-only ones, `eas`, get no Intune
//! policy); a device whose platform the policy's type does not cover is `notApplicable`; a
//! compliance policy reports the device's `complianceState` (`compliant` → success,
//! `noncompliant` → failed, `error`/`conflict` → error, anything else → pending); a profile
//! reports success unless the device's state is `error`/`conflict` (error) or `unknown`
//! (pending).

use crate::store::{Coll, Kind, Store};
use crate::util::{iso_utc, unix_now};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// `managementAgent` values a control change may set (Graph's `managementAgentType`).
const AGENTS: &[&str] = &[
    "eas",
    "mdm",
    "easMdm",
    "intuneClient",
    "easIntuneClient",
    "configurationManagerClient",
    "configurationManagerClientMdm",
    "configurationManagerClientMdmEas",
    "unknown",
    "jamf",
    "googleCloudDevicePolicyController",
    "microsoft365ManagedMdm",
    "msSense",
];

/// `complianceState` values (Graph's `complianceState`).
const COMPLIANCE: &[&str] = &[
    "unknown",
    "compliant",
    "noncompliant",
    "conflict",
    "error",
    "inGracePeriod",
    "configManager",
];

/// Applies a control change (`managementAgent`, `complianceState`, `lastSyncDateTime`) to the
/// managed device `id`. A device whose agent changes checks in: its `lastSyncDateTime` becomes
/// now unless the change sets it. `Err` holds the HTTP status and the reason.
pub fn update_managed_device(
    store: &mut Store,
    id: &str,
    change: &Value,
) -> Result<Value, (u16, String)> {
    let Some(fields) = change.as_object() else {
        return Err((400, "send a JSON object".into()));
    };
    let mut object = store
        .value_of(Coll::ManagedDevices, id)
        .ok_or((404, format!("no managed device {id}")))?;
    for (k, v) in fields {
        let allowed = match k.as_str() {
            "managementAgent" => v.as_str().is_some_and(|a| AGENTS.contains(&a)),
            "complianceState" => v.as_str().is_some_and(|c| COMPLIANCE.contains(&c)),
            "lastSyncDateTime" => v.is_string(),
            _ => {
                return Err((
                    400,
                    format!("{k}: only managementAgent, complianceState and lastSyncDateTime can be changed"),
                ))
            }
        };
        if !allowed {
            return Err((400, format!("{k}: {v} is not a valid value")));
        }
        object.insert(k.clone(), v.clone());
    }
    if fields.contains_key("managementAgent") && !fields.contains_key("lastSyncDateTime") {
        object.insert("lastSyncDateTime".into(), iso_utc(unix_now()).into());
    }
    let coll = store.coll_mut(Coll::ManagedDevices);
    if let Some(entry) = coll.get_mut(id) {
        entry.set_value(&object);
    }
    coll.note_map_keys(&object);
    Ok(Value::Object(object))
}

/// Whether a policy of `odata_type` applies to a device running `os`.
fn applies(odata_type: &str, os: &str) -> bool {
    let t = odata_type.to_ascii_lowercase();
    let os = os.to_ascii_lowercase();
    if t.contains("ios") {
        os == "ios" || os == "ipados"
    } else if t.contains("android") {
        os == "android"
    } else if t.contains("windows") {
        os.starts_with("windows")
    } else if t.contains("macos") {
        os == "macos"
    } else {
        true
    }
}

/// The groups' users and devices, transitively.
fn members_of(store: &Store, groups: &[&str]) -> HashSet<Box<str>> {
    groups
        .iter()
        .flat_map(|g| store.transitive_members(g))
        .filter(|(_, k)| matches!(k, Kind::User | Kind::Device))
        .map(|(id, _)| id)
        .collect()
}

/// `GET …/{id}/deviceStatusOverview` of the policy `id` in `coll` (which must exist).
pub fn overview(store: &Store, coll: Coll, id: &str) -> Value {
    let Some(entry) = store.coll(coll).get(id) else {
        return Value::Null;
    };
    let policy = store.value(entry);
    let odata_type = entry.odata_type.as_deref().unwrap_or_default().to_string();
    let assignments: Vec<Value> = entry
        .extra("assignments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut include: Vec<&str> = Vec::new();
    let mut exclude: Vec<&str> = Vec::new();
    let mut everyone = false;
    for a in &assignments {
        let target = &a["target"];
        let group = target["groupId"].as_str();
        match target["@odata.type"].as_str().unwrap_or_default() {
            "#microsoft.graph.groupAssignmentTarget" => include.extend(group),
            "#microsoft.graph.exclusionGroupAssignmentTarget" => exclude.extend(group),
            "#microsoft.graph.allDevicesAssignmentTarget"
            | "#microsoft.graph.allLicensedUsersAssignmentTarget" => everyone = true,
            _ => {}
        }
    }
    let included = members_of(store, &include);
    let excluded = members_of(store, &exclude);
    // Entra device object ids by their deviceId (a managed device's azureADDeviceId).
    let entra: std::collections::HashMap<String, String> = store
        .coll(Coll::Devices)
        .live()
        .filter_map(|e| {
            let v = store.value(e);
            Some((
                v.get("deviceId")?.as_str()?.to_ascii_lowercase(),
                e.id.to_string(),
            ))
        })
        .collect();
    let compliance = coll == Coll::CompliancePolicies;
    let (mut success, mut failed, mut error, mut pending, mut not_applicable) = (0, 0, 0, 0, 0);
    for e in store.coll(Coll::ManagedDevices).live() {
        let d = store.value(e);
        let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or_default();
        if matches!(text("managementAgent"), "microsoft365ManagedMdm" | "eas") {
            continue;
        }
        let keys: Vec<&str> = [Some(text("userId"))]
            .into_iter()
            .chain([entra
                .get(&text("azureADDeviceId").to_ascii_lowercase())
                .map(String::as_str)])
            .flatten()
            .filter(|k| !k.is_empty())
            .collect();
        let hit = |set: &HashSet<Box<str>>| keys.iter().any(|k| set.contains(*k));
        if !(everyone || hit(&included)) || hit(&excluded) {
            continue;
        }
        if !applies(&odata_type, text("operatingSystem")) {
            not_applicable += 1;
            continue;
        }
        match (compliance, text("complianceState")) {
            (_, "error" | "conflict") => error += 1,
            (true, "compliant") => success += 1,
            (true, "noncompliant") => failed += 1,
            (true, _) | (false, "unknown") => pending += 1,
            (false, _) => success += 1,
        }
    }
    let mut out = Map::new();
    out.insert("id".into(), format!("{id}_deviceStatusOverview").into());
    out.insert(
        "configurationVersion".into(),
        policy.get("version").cloned().unwrap_or(json!(1)),
    );
    out.insert("errorCount".into(), json!(error));
    out.insert("failedCount".into(), json!(failed));
    out.insert("lastUpdateDateTime".into(), iso_utc(unix_now()).into());
    out.insert("notApplicableCount".into(), json!(not_applicable));
    out.insert("pendingCount".into(), json!(pending));
    out.insert("successCount".into(), json!(success));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_follow_the_policy_type() {
        assert!(applies("#microsoft.graph.iosCompliancePolicy", "iPadOS"));
        assert!(!applies("#microsoft.graph.iosCompliancePolicy", "Android"));
        assert!(applies(
            "#microsoft.graph.windows10CompliancePolicy",
            "Windows"
        ));
        assert!(applies(
            "#microsoft.graph.androidWorkProfileCompliancePolicy",
            "Android"
        ));
        assert!(!applies("#microsoft.graph.macOSCompliancePolicy", "iOS"));
    }
}
