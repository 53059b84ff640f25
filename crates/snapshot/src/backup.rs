//! Turns a folder of per-object policy exports (one JSON object per file, as Intune backup
//! tools write them) into the snapshot's Graph collection files: `deviceCompliancePolicies`,
//! `deviceConfigurations`, `configurationPolicies` and `conditionalAccessPolicies`, each a
//! page `{"value": [...]}` in file name order.
//!
//! Layouts (from each tool's source):
//! - **IntuneManagement** (Micke-K): one folder per object type named by its view ID —
//!   `CompliancePolicies/`, `DeviceConfiguration/`, `SettingsCatalog/`, `ConditionalAccess/` —
//!   one `<name>.json` per object, Graph JSON with `assignments` when exported with them.
//! - **IntuneCD** (almenscorner): `Compliance Policies/Policies/`, `Device Configurations/`,
//!   `Settings Catalog/`, `Conditional Access/`; objects without `id`, assignment targets with
//!   `groupName` instead of `groupId` (resolved here against the snapshot's `graph/groups`
//!   when it has them) and filter names instead of filter IDs. YAML backups (`-o yaml`) are
//!   not read.
//! - **json-per-object**: any folder tree of `*.json` files, each one Graph object (for
//!   example IntuneBackupAndRestore's `Device Compliance Policies/`, `Device Configurations/`,
//!   `Settings Catalog/`).
//!
//! Every object is classified by its content (`@odata.type`, or a settings catalog's
//! `settings` and `technologies`, or a Conditional Access policy's `conditions` and
//! `grantControls`), so a file in an unexpected place is still used. Every file that cannot be
//! used is noted with the reason: nothing is dropped silently. This module reads files; the
//! caller writes the result.

use crate::error::InputError;
use crate::text;
use bms2intune_model::Guid;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// The export layout of `--from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupFormat {
    IntuneManagement,
    IntuneCd,
    JsonPerObject,
}

impl BackupFormat {
    /// The folders (relative to `--from`) read for this format; `None` = the whole tree.
    fn folders(self) -> Option<&'static [&'static str]> {
        match self {
            BackupFormat::IntuneManagement => Some(&[
                "CompliancePolicies",
                "DeviceConfiguration",
                "SettingsCatalog",
                "ConditionalAccess",
            ]),
            BackupFormat::IntuneCd => Some(&[
                "Compliance Policies/Policies",
                "Device Configurations",
                "Settings Catalog",
                "Conditional Access",
            ]),
            BackupFormat::JsonPerObject => None,
        }
    }
}

/// The Graph collection an exported object belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Collection {
    DeviceCompliancePolicies,
    DeviceConfigurations,
    ConfigurationPolicies,
    ConditionalAccessPolicies,
}

impl Collection {
    pub const ALL: [Collection; 4] = [
        Collection::DeviceCompliancePolicies,
        Collection::DeviceConfigurations,
        Collection::ConfigurationPolicies,
        Collection::ConditionalAccessPolicies,
    ];

    /// The snapshot file it is written to, relative to the snapshot folder.
    pub fn file(self) -> &'static str {
        match self {
            Collection::DeviceCompliancePolicies => "graph/deviceCompliancePolicies.json",
            Collection::DeviceConfigurations => "graph/deviceConfigurations.json",
            Collection::ConfigurationPolicies => "graph/configurationPolicies.json",
            Collection::ConditionalAccessPolicies => "graph/conditionalAccessPolicies.json",
        }
    }
}

/// What an import produced.
#[derive(Debug, Default)]
pub struct Imported {
    /// Objects per collection, in file name order.
    pub collections: BTreeMap<Collection, Vec<Value>>,
    /// One line per file (or folder) that could not be used, and why; also group names that
    /// could not be resolved.
    pub notes: Vec<String>,
    /// How many files were used.
    pub used: usize,
}

/// Which collection a Graph object belongs to, from its content.
fn classify(object: &Map<String, Value>) -> Option<Collection> {
    let odata = object
        .get("@odata.type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim_start_matches('#')
        .trim_start_matches("microsoft.graph.");
    if odata == "conditionalAccessPolicy"
        || (odata.is_empty()
            && object.contains_key("conditions")
            && object.contains_key("grantControls"))
    {
        return Some(Collection::ConditionalAccessPolicies);
    }
    if odata == "deviceManagementConfigurationPolicy"
        || (odata.is_empty()
            && object.contains_key("technologies")
            && object.contains_key("settings"))
    {
        return Some(Collection::ConfigurationPolicies);
    }
    if odata.ends_with("CompliancePolicy") {
        return Some(Collection::DeviceCompliancePolicies);
    }
    if odata.ends_with("Configuration") || odata.ends_with("Profile") {
        return Some(Collection::DeviceConfigurations);
    }
    None
}

/// IntuneCD writes `groupName` where Graph has `groupId`: look the name up, or leave the
/// target without a GUID (the reader keeps it as a target it cannot evaluate).
fn resolve_group_names(
    object: &mut Map<String, Value>,
    groups: &BTreeMap<String, Guid>,
    file: &str,
    notes: &mut Vec<String>,
) {
    let Some(Value::Array(assignments)) = object.get_mut("assignments") else {
        return;
    };
    for a in assignments.iter_mut() {
        let Some(target) = a.get_mut("target").and_then(Value::as_object_mut) else {
            continue;
        };
        if target.contains_key("groupId") {
            continue;
        }
        let Some(name) = target
            .get("groupName")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            continue;
        };
        match groups.get(&name) {
            Some(id) => {
                target.insert("groupId".into(), Value::String(id.to_string()));
            }
            None => notes.push(format!(
                "{file}: group \"{name}\" is not in the snapshot's graph/groups: that assignment's reach is unknown"
            )),
        }
    }
}

/// The `*.json` files under `dir`, recursively, as paths relative to `root` with forward
/// slashes, sorted.
fn json_files(root: &Path, dir: &Path, out: &mut Vec<String>, notes: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        notes.push(format!("{}: cannot list", dir.display()));
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            json_files(root, &path, out, notes);
        } else if relative.to_ascii_lowercase().ends_with(".json") {
            out.push(relative);
        } else {
            notes.push(format!("{relative}: not a .json file, not read"));
        }
    }
}

/// Reads the folder `from` in `format`. `groups` maps group display names to IDs (for
/// IntuneCD's `groupName`). Fails only when `from` is not a folder.
pub fn import_backup(
    from: &Path,
    format: BackupFormat,
    groups: &BTreeMap<String, Guid>,
) -> Result<Imported, InputError> {
    let shown = from.display().to_string();
    if !from.is_dir() {
        return Err(InputError::new(&shown, "", "--from: not a folder"));
    }
    let mut imported = Imported::default();
    let mut files = Vec::new();
    match format.folders() {
        None => json_files(from, from, &mut files, &mut imported.notes),
        Some(folders) => {
            for folder in folders {
                let dir = from.join(folder);
                if dir.is_dir() {
                    json_files(from, &dir, &mut files, &mut imported.notes);
                }
            }
            // Other top-level folders are other object types (apps, scripts, …): say so once.
            if let Ok(entries) = std::fs::read_dir(from) {
                let mut other: Vec<String> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| !folders.iter().any(|f| f.split('/').next() == Some(name)))
                    .collect();
                other.sort();
                for name in other {
                    imported.notes.push(format!(
                        "{name}: not a compliance, configuration, settings-catalog or Conditional Access export, not read"
                    ));
                }
            }
        }
    }
    for relative in files {
        let bytes = match std::fs::read(from.join(&relative)) {
            Ok(b) => b,
            Err(e) => {
                imported.notes.push(format!("{relative}: cannot read: {e}"));
                continue;
            }
        };
        let text = match text::decode(bytes) {
            Ok(t) => t,
            Err(e) => {
                imported.notes.push(format!("{relative}: {e}"));
                continue;
            }
        };
        let mut object = match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                imported
                    .notes
                    .push(format!("{relative}: not one JSON object, not used"));
                continue;
            }
            Err(e) => {
                imported
                    .notes
                    .push(format!("{relative}: not JSON ({e}), not used"));
                continue;
            }
        };
        let Some(collection) = classify(&object) else {
            imported.notes.push(format!(
                "{relative}: not a compliance policy, configuration profile, settings-catalog or Conditional Access policy (no matching @odata.type), not used"
            ));
            continue;
        };
        if !object.contains_key("id") {
            // IntuneCD removes IDs: the file's path names the object instead.
            object.insert("id".into(), Value::String(format!("backup:{relative}")));
        }
        if format == BackupFormat::IntuneCd {
            resolve_group_names(&mut object, groups, &relative, &mut imported.notes);
        }
        if collection != Collection::ConditionalAccessPolicies
            && !object.contains_key("assignments")
        {
            imported.notes.push(format!(
                "{relative}: exported without assignments: its targets are unknown (finding intune-assignments-unknown)"
            ));
        }
        imported
            .collections
            .entry(collection)
            .or_default()
            .push(Value::Object(object));
        imported.used += 1;
    }
    Ok(imported)
}

/// Group display names to IDs from a snapshot's `graph/groups.json` or `graph/groups/`
/// pages (empty when it has none; duplicate names are left out, as they are ambiguous).
pub fn group_names(snapshot: &Path) -> BTreeMap<String, Guid> {
    let mut pages = Vec::new();
    let file = snapshot.join("graph/groups.json");
    if file.is_file() {
        pages.push(file);
    } else if let Ok(entries) = std::fs::read_dir(snapshot.join("graph/groups")) {
        let mut list: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        list.sort();
        pages.extend(list);
    }
    let mut names: BTreeMap<String, Option<Guid>> = BTreeMap::new();
    for page in pages {
        let Some(value) = std::fs::read(&page)
            .ok()
            .and_then(|b| text::decode(b).ok())
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        else {
            continue;
        };
        let items = match &value {
            Value::Array(items) => items.as_slice(),
            other => other
                .get("value")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice),
        };
        for g in items {
            if let (Some(name), Some(id)) = (
                g.get("displayName").and_then(Value::as_str),
                g.get("id").and_then(Value::as_str).and_then(Guid::parse),
            ) {
                names
                    .entry(name.to_string())
                    .and_modify(|e| *e = None)
                    .or_insert(Some(id));
            }
        }
    }
    names
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn classifies_objects_by_content() {
        let o = |v: Value| classify(v.as_object().unwrap());
        assert_eq!(
            o(json!({"@odata.type": "#microsoft.graph.iosCompliancePolicy"})),
            Some(Collection::DeviceCompliancePolicies)
        );
        assert_eq!(
            o(json!({"@odata.type": "#microsoft.graph.windows10GeneralConfiguration"})),
            Some(Collection::DeviceConfigurations)
        );
        assert_eq!(
            o(json!({"@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration"})),
            Some(Collection::DeviceConfigurations)
        );
        assert_eq!(
            o(json!({"name": "x", "technologies": "mdm", "settings": []})),
            Some(Collection::ConfigurationPolicies)
        );
        assert_eq!(
            o(json!({"displayName": "x", "conditions": {}, "grantControls": {}})),
            Some(Collection::ConditionalAccessPolicies)
        );
        assert_eq!(
            o(json!({"@odata.type": "#microsoft.graph.win32LobApp"})),
            None
        );
    }

    #[test]
    fn intune_management_layout() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "CompliancePolicies/iOS Baseline.json",
            r##"{"@odata.type": "#microsoft.graph.iosCompliancePolicy", "id": "1", "displayName": "iOS Baseline", "passcodeMinimumLength": 6, "assignments": [{"target": {"@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget"}}]}"##,
        );
        write(root, "SettingsCatalog/iOS SC.json", "\u{feff}{\"id\": \"2\", \"name\": \"iOS SC\", \"platforms\": \"iOS\", \"technologies\": \"mdm\", \"settings\": []}");
        write(root, "DeviceConfiguration/broken.json", "{");
        write(root, "Applications/App.json", "{}");
        write(root, "MigrationTable.json", "{}");
        let imported =
            import_backup(root, BackupFormat::IntuneManagement, &BTreeMap::new()).unwrap();
        assert_eq!(imported.used, 2);
        assert_eq!(
            imported.collections[&Collection::DeviceCompliancePolicies].len(),
            1
        );
        assert_eq!(
            imported.collections[&Collection::ConfigurationPolicies][0]["name"],
            "iOS SC"
        );
        let notes = imported.notes.join("\n");
        assert!(
            notes.contains("DeviceConfiguration/broken.json: not JSON"),
            "{notes}"
        );
        assert!(notes.contains("Applications: not a compliance"), "{notes}");
        assert!(
            notes.contains("MigrationTable.json: not a compliance"),
            "{notes}"
        );
        assert!(
            notes.contains("SettingsCatalog/iOS SC.json: exported without assignments"),
            "{notes}"
        );
    }

    #[test]
    fn intune_cd_layout_resolves_group_names_and_names_objects() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "Device Configurations/iOS Restrictions_iosGeneralDeviceConfiguration.json",
            r##"{"@odata.type": "#microsoft.graph.iosGeneralDeviceConfiguration", "displayName": "iOS Restrictions", "assignments": [
            {"intent": "apply", "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupName": "Intune - iOS Users", "groupType": "StaticMembership", "deviceAndAppManagementAssignmentFilterId": "Corporate iPhones", "deviceAndAppManagementAssignmentFilterType": "include"}},
            {"target": {"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupName": "Gone"}}]}"##,
        );
        write(
            root,
            "Device Configurations/mobileconfig/wifi.mobileconfig",
            "<plist/>",
        );
        write(
            root,
            "Compliance Policies/Policies/Win.yaml",
            "displayName: Win",
        );
        let groups = BTreeMap::from([(
            "Intune - iOS Users".to_string(),
            Guid::parse("4ce55ad7-379a-4f6a-bb8c-a060fd3abe3a").unwrap(),
        )]);
        let imported = import_backup(root, BackupFormat::IntuneCd, &groups).unwrap();
        let profile = &imported.collections[&Collection::DeviceConfigurations][0];
        assert_eq!(
            profile["id"],
            "backup:Device Configurations/iOS Restrictions_iosGeneralDeviceConfiguration.json"
        );
        assert_eq!(
            profile["assignments"][0]["target"]["groupId"],
            "4ce55ad7-379a-4f6a-bb8c-a060fd3abe3a"
        );
        assert!(profile["assignments"][1]["target"].get("groupId").is_none());
        let notes = imported.notes.join("\n");
        assert!(
            notes.contains("group \"Gone\" is not in the snapshot's graph/groups"),
            "{notes}"
        );
        assert!(
            notes.contains("mobileconfig/wifi.mobileconfig: not a .json file"),
            "{notes}"
        );
        assert!(
            notes.contains("Compliance Policies/Policies/Win.yaml: not a .json file"),
            "{notes}"
        );
    }

    #[test]
    fn group_names_skip_ambiguous_ones() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "graph/groups.json",
            r#"{"value": [
            {"id": "4ce55ad7-379a-4f6a-bb8c-a060fd3abe3a", "displayName": "A"},
            {"id": "478f2211-67e5-434e-8e4b-efed3b0330fa", "displayName": "B"},
            {"id": "67bbb39e-70aa-4212-aba5-eb1ae2867551", "displayName": "B"}]}"#,
        );
        let names = group_names(dir.path());
        assert_eq!(names.len(), 1);
        assert!(names.contains_key("A"));
        assert!(import_backup(
            &dir.path().join("nope"),
            BackupFormat::JsonPerObject,
            &names
        )
        .is_err());
    }
}
