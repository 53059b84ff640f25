//! Reads existing Intune objects and Conditional Access policies from their Graph JSON:
//! compliance policies and configuration profiles (kept whole, for conflict analysis),
//! settings-catalog policies (their setting instance trees flattened to definition ID and
//! value), every `deviceAndAppManagementAssignmentTarget` subtype with its assignment filter,
//! and the conditions and grant controls of Conditional Access policies.
//!
//! Assignments are read without failing on what the tool cannot evaluate: a Configuration
//! Manager collection, a target subtype this version does not know, or a group target whose
//! `groupId` is not a GUID is kept as such, and an object exported without `assignments` is
//! marked [`Assignments::NotExported`] rather than "assigned to nobody".

use crate::error::describe;
use bms2intune_model::{
    Assignment, AssignmentFilter, AssignmentTarget, Assignments, CatalogSetting,
    ConditionalAccessPolicy, FilterMode, Guid, IntuneCollection, IntunePolicy,
};
use serde_json::{Map, Value};

fn text_field(object: &Map<String, Value>, key: &str, required: bool) -> Result<Box<str>, String> {
    match object.get(key) {
        Some(Value::String(s)) => Ok(s.as_str().into()),
        None | Some(Value::Null) if !required => Ok("".into()),
        None | Some(Value::Null) => Err(format!("{key}: expected a string, but it is missing")),
        Some(other) => Err(format!("{key}: expected a string, got {}", describe(other))),
    }
}

/// Graph's `version` (`Edm.Int32`): absent or `null` is `None`; anything but an integer in
/// `i32`'s range is an error naming the field.
fn version_field(object: &Map<String, Value>) -> Result<Option<i32>, String> {
    match object.get("version") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .map(Some)
            .ok_or_else(|| format!("version: expected a 32-bit integer, got {n}")),
        Some(other) => Err(format!(
            "version: expected a 32-bit integer, got {}",
            describe(other)
        )),
    }
}

/// `#microsoft.graph.groupAssignmentTarget` → `groupAssignmentTarget` (Graph's own examples
/// sometimes omit the `#`).
fn short_type(odata_type: &str) -> &str {
    odata_type
        .trim_start_matches('#')
        .trim_start_matches("microsoft.graph.")
}

/// A compliance policy or configuration profile, as `GET …?$expand=assignments` returns it.
pub(crate) fn intune_policy(
    mut object: Map<String, Value>,
    collection: IntuneCollection,
) -> Result<IntunePolicy, String> {
    let odata_type = text_field(&object, "@odata.type", true)?;
    let odata_type: Box<str> = short_type(&odata_type).into();
    let id = text_field(&object, "id", true)?;
    let display_name = text_field(&object, "displayName", false)?;
    let version = version_field(&object)?;
    let assignments = assignments(object.remove("assignments"))?;
    Ok(IntunePolicy {
        id,
        collection,
        odata_type,
        display_name,
        version,
        assignments,
        properties: object,
        catalog_settings: Vec::new(),
    })
}

/// A settings-catalog policy, as `GET /beta/deviceManagement/configurationPolicies?$expand=
/// settings,assignments` returns it: `id`, `name`, `platforms`, `technologies`, `settings[]
/// .settingInstance` and `assignments[]`.
pub(crate) fn settings_catalog_policy(
    mut object: Map<String, Value>,
) -> Result<IntunePolicy, String> {
    let id = text_field(&object, "id", true)?;
    let display_name = text_field(&object, "name", false)?;
    let assignments = assignments(object.remove("assignments"))?;
    let mut catalog_settings = Vec::new();
    match object.remove("settings") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let instance = item
                    .get("settingInstance")
                    .and_then(Value::as_object)
                    .ok_or_else(|| format!("settings[{i}].settingInstance: expected an object"))?;
                flatten_instance(
                    instance,
                    &format!("settings[{i}].settingInstance"),
                    &mut catalog_settings,
                )?;
            }
        }
        Some(other) => {
            return Err(format!(
                "settings: expected an array, got {}",
                describe(&other)
            ))
        }
    }
    Ok(IntunePolicy {
        id,
        collection: IntuneCollection::ConfigurationPolicies,
        odata_type: "deviceManagementConfigurationPolicy".into(),
        display_name,
        // `deviceManagementConfigurationPolicy` has no `version`.
        version: None,
        assignments,
        properties: object,
        catalog_settings,
    })
}

/// Walks one `deviceManagementConfigurationSettingInstance` and its children (choice
/// options' `children`, group collections' `children`), recording each configured value.
/// Choice settings record their option ID (`…_allowcloudbackup_false`), simple settings their
/// value, collections the array of their values. The depth is bounded by the JSON parser's
/// recursion limit.
fn flatten_instance(
    instance: &Map<String, Value>,
    path: &str,
    out: &mut Vec<CatalogSetting>,
) -> Result<(), String> {
    let definition_id = match instance.get("settingDefinitionId") {
        Some(Value::String(s)) => s.as_str(),
        other => {
            return Err(format!(
                "{path}.settingDefinitionId: expected a string, got {}",
                other.map_or_else(|| "nothing".to_string(), describe)
            ))
        }
    };
    let mut push = |value: Value| {
        out.push(CatalogSetting {
            definition_id: definition_id.into(),
            value,
        })
    };
    let children = |value: &Value| -> Vec<Value> {
        value
            .get("children")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut nested: Vec<(String, Value)> = Vec::new();
    if let Some(choice) = instance.get("choiceSettingValue").filter(|v| v.is_object()) {
        push(choice.get("value").cloned().unwrap_or(Value::Null));
        for (k, c) in children(choice).into_iter().enumerate() {
            nested.push((format!("{path}.choiceSettingValue.children[{k}]"), c));
        }
    } else if let Some(simple) = instance.get("simpleSettingValue").filter(|v| v.is_object()) {
        push(simple.get("value").cloned().unwrap_or(Value::Null));
    } else if let Some(group) = instance.get("groupSettingValue").filter(|v| v.is_object()) {
        for (k, c) in children(group).into_iter().enumerate() {
            nested.push((format!("{path}.groupSettingValue.children[{k}]"), c));
        }
    } else if let Some(items) = instance
        .get("groupSettingCollectionValue")
        .and_then(Value::as_array)
    {
        for (j, item) in items.iter().enumerate() {
            for (k, c) in children(item).into_iter().enumerate() {
                nested.push((
                    format!("{path}.groupSettingCollectionValue[{j}].children[{k}]"),
                    c,
                ));
            }
        }
    } else if let Some(items) = instance
        .get("choiceSettingCollectionValue")
        .or_else(|| instance.get("simpleSettingCollectionValue"))
        .and_then(Value::as_array)
    {
        push(Value::Array(
            items
                .iter()
                .map(|i| i.get("value").cloned().unwrap_or(Value::Null))
                .collect(),
        ));
    }
    for (child_path, child) in nested {
        let child = child
            .as_object()
            .ok_or_else(|| format!("{child_path}: expected an object"))?;
        flatten_instance(child, &child_path, out)?;
    }
    Ok(())
}

/// An object's `assignments`: absent (or `null`) means they were not exported.
fn assignments(value: Option<Value>) -> Result<Assignments, String> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Assignments::NotExported),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(format!(
                "assignments: expected an array, got {}",
                describe(&other)
            ))
        }
    };
    let mut list = Vec::with_capacity(items.len());
    for (i, a) in items.iter().enumerate() {
        let where_ = format!("assignments[{i}].target");
        let target = a
            .get("target")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{where_}: expected an object"))?;
        list.push(assignment(target));
    }
    Ok(Assignments::Exported(list))
}

/// One `deviceAndAppManagementAssignmentTarget`: every v1.0 subtype, anything else kept as
/// [`AssignmentTarget::Unevaluable`], and the beta filter properties.
fn assignment(target: &Map<String, Value>) -> Assignment {
    let odata_type = target
        .get("@odata.type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = short_type(odata_type);
    let unevaluable = |detail: String| AssignmentTarget::Unevaluable {
        odata_type: if kind.is_empty() {
            "(no @odata.type)".into()
        } else {
            kind.into()
        },
        detail: detail.into(),
    };
    let group = |make: fn(Guid) -> AssignmentTarget| {
        let value = target.get("groupId").unwrap_or(&Value::Null);
        match value.as_str().and_then(Guid::parse) {
            Some(g) => make(g),
            None => unevaluable(format!("groupId {} is not a GUID", describe(value))),
        }
    };
    let target_kind = match kind {
        "groupAssignmentTarget" => group(|group_id| AssignmentTarget::Group { group_id }),
        "exclusionGroupAssignmentTarget" => {
            group(|group_id| AssignmentTarget::ExclusionGroup { group_id })
        }
        "allLicensedUsersAssignmentTarget" => AssignmentTarget::AllLicensedUsers,
        "allDevicesAssignmentTarget" => AssignmentTarget::AllDevices,
        "configurationManagerCollectionAssignmentTarget" => {
            AssignmentTarget::ConfigurationManagerCollection {
                collection_id: target
                    .get("collectionId")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
            }
        }
        "" => unevaluable("the target has no @odata.type".to_string()),
        _ => unevaluable("a target type this version does not evaluate".to_string()),
    };
    Assignment {
        target: target_kind,
        filter: filter(target),
    }
}

/// The assignment filter of a target, if any: a type `none` (or no type and no ID) is none.
fn filter(target: &Map<String, Value>) -> Option<AssignmentFilter> {
    let id = target
        .get("deviceAndAppManagementAssignmentFilterId")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("");
    let mode = target
        .get("deviceAndAppManagementAssignmentFilterType")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("");
    let mode = match mode.to_ascii_lowercase().as_str() {
        "none" => return None,
        "" if id.is_empty() => return None,
        "include" => FilterMode::Include,
        "exclude" => FilterMode::Exclude,
        _ => FilterMode::Other,
    };
    // A nil GUID is how some exports write "no filter".
    if Guid::parse(id).is_some_and(|g| g.is_nil()) {
        return None;
    }
    Some(AssignmentFilter {
        id: id.into(),
        mode,
    })
}

/// GUIDs of an array such as `includeGroups`; keywords (`All`, `None`,
/// `GuestsOrExternalUsers`) are skipped.
fn guid_array(value: Option<&Value>, where_: &str) -> Result<Vec<Guid>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match v.as_str() {
                Some(s) if Guid::parse(s).is_none() && !s.contains('-') => None,
                Some(s) => Some(
                    Guid::parse(s)
                        .ok_or_else(|| format!("{where_}[{i}]: expected a GUID, got {s:?}")),
                ),
                None => Some(Err(format!(
                    "{where_}[{i}]: expected a GUID, got {}",
                    describe(v)
                ))),
            })
            .collect(),
        Some(other) => Err(format!(
            "{where_}: expected an array, got {}",
            describe(other)
        )),
    }
}

/// The strings of an array such as `includePlatforms`.
fn strings(value: Option<&Value>) -> Vec<Box<str>> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(Into::into)
                .collect()
        })
        .unwrap_or_default()
}

/// A Conditional Access policy, as `GET /identity/conditionalAccess/policies` returns it.
pub(crate) fn conditional_access_policy(
    object: &Map<String, Value>,
) -> Result<ConditionalAccessPolicy, String> {
    let conditions = object.get("conditions");
    let users = conditions.and_then(|c| c.get("users"));
    let platforms = conditions.and_then(|c| c.get("platforms"));
    let grant = object.get("grantControls");
    let controls = strings(grant.and_then(|g| g.get("builtInControls")));
    let has = |name: &str| controls.iter().any(|c| c.eq_ignore_ascii_case(name));
    let include_all_users = users
        .and_then(|u| u.get("includeUsers"))
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|v| v.as_str() == Some("All")));
    Ok(ConditionalAccessPolicy {
        id: text_field(object, "id", true)?,
        display_name: text_field(object, "displayName", false)?,
        state: text_field(object, "state", false)?,
        include_all_users,
        include_users: guid_array(
            users.and_then(|u| u.get("includeUsers")),
            "conditions.users.includeUsers",
        )?,
        exclude_users: guid_array(
            users.and_then(|u| u.get("excludeUsers")),
            "conditions.users.excludeUsers",
        )?,
        include_groups: guid_array(
            users.and_then(|u| u.get("includeGroups")),
            "conditions.users.includeGroups",
        )?,
        exclude_groups: guid_array(
            users.and_then(|u| u.get("excludeGroups")),
            "conditions.users.excludeGroups",
        )?,
        include_platforms: strings(platforms.and_then(|p| p.get("includePlatforms"))),
        exclude_platforms: strings(platforms.and_then(|p| p.get("excludePlatforms"))),
        requires_compliant_device: has("compliantDevice"),
        requires_hybrid_join: has("domainJoinedDevice"),
        requires_approved_app: has("approvedApplication") || has("compliantApplication"),
        operator: grant
            .and_then(|g| g.get("operator"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn target_of(json: Value) -> Assignment {
        assignment(json.as_object().expect("an object"))
    }

    /// The JSON representations on Graph's v1.0 resource pages, verbatim (placeholders such
    /// as `"String"` included): each reads, none fails.
    #[test]
    fn graph_v1_documentation_examples_of_every_target_subtype_read() {
        // intune-shared-groupassignmenttarget
        let group = target_of(
            json!({"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "String"}),
        );
        assert!(matches!(group.target, AssignmentTarget::Unevaluable { .. }));
        // intune-shared-exclusiongroupassignmenttarget
        let exclusion = target_of(
            json!({"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "String"}),
        );
        assert!(matches!(
            exclusion.target,
            AssignmentTarget::Unevaluable { .. }
        ));
        // intune-shared-alllicensedusersassignmenttarget
        let users =
            target_of(json!({"@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget"}));
        assert_eq!(users, Assignment::to(AssignmentTarget::AllLicensedUsers));
        // intune-shared-alldevicesassignmenttarget
        let devices =
            target_of(json!({"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}));
        assert_eq!(devices, Assignment::to(AssignmentTarget::AllDevices));
        // deviceCompliancePolicyAssignment examples: no `#`, placeholder collection ID.
        let collection = target_of(
            json!({"@odata.type": "microsoft.graph.configurationManagerCollectionAssignmentTarget", "collectionId": "Collection Id value"}),
        );
        assert_eq!(
            collection.target,
            AssignmentTarget::ConfigurationManagerCollection {
                collection_id: "Collection Id value".into()
            }
        );
        // The abstract base, as a policy-assignment page shows it.
        let base = target_of(
            json!({"@odata.type": "microsoft.graph.deviceAndAppManagementAssignmentTarget"}),
        );
        assert!(!base.target.is_evaluable());
    }

    fn policy_with(extra: Value) -> Result<IntunePolicy, String> {
        let mut object = json!({
            "@odata.type": "#microsoft.graph.iosCompliancePolicy",
            "id": "p1",
            "displayName": "iOS",
        });
        for (k, v) in extra.as_object().expect("an object") {
            object[k] = v.clone();
        }
        intune_policy(
            object.as_object().expect("an object").clone(),
            IntuneCollection::DeviceCompliancePolicies,
        )
    }

    #[test]
    fn version_is_read_when_present_and_none_when_absent_or_null() {
        assert_eq!(policy_with(json!({"version": 7})).unwrap().version, Some(7));
        assert_eq!(policy_with(json!({})).unwrap().version, None);
        assert_eq!(policy_with(json!({"version": null})).unwrap().version, None);
        let p = policy_with(json!({"version": 2147483647})).unwrap();
        assert_eq!(p.version, Some(i32::MAX));
        assert_eq!(
            p.properties["version"], 2147483647,
            "kept in properties too"
        );
    }

    #[test]
    fn a_version_that_is_not_a_32_bit_integer_is_an_error_naming_it() {
        for bad in [json!("3"), json!(1.5), json!(2147483648_i64), json!(true)] {
            let e = policy_with(json!({ "version": bad })).unwrap_err();
            assert!(e.starts_with("version: expected a 32-bit integer"), "{e}");
        }
    }

    #[test]
    fn settings_catalog_policies_have_no_version() {
        let object = json!({"id": "c1", "name": "Catalog", "version": 3});
        let p = settings_catalog_policy(object.as_object().unwrap().clone()).unwrap();
        assert_eq!(p.version, None);
    }

    #[test]
    fn real_group_targets_and_filters() {
        let a = target_of(json!({
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterId": "5f2e3a4b-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
            "deviceAndAppManagementAssignmentFilterType": "include",
            "groupId": "9d1f0d8e-4b57-4c1e-a3a4-2f9f1c7c1b10"
        }));
        assert_eq!(
            a.target,
            AssignmentTarget::Group {
                group_id: Guid::parse("9d1f0d8e-4b57-4c1e-a3a4-2f9f1c7c1b10").unwrap()
            }
        );
        assert_eq!(
            a.filter,
            Some(AssignmentFilter {
                id: "5f2e3a4b-1c2d-4e5f-8a9b-0c1d2e3f4a5b".into(),
                mode: FilterMode::Include
            })
        );
        // "none" with a null ID is how Graph beta writes an unfiltered target.
        let plain = target_of(json!({
            "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterId": null,
            "deviceAndAppManagementAssignmentFilterType": "none"
        }));
        assert_eq!(plain.filter, None);
        // The beta resource page's placeholders: a filter of an unknown type.
        let placeholder = target_of(json!({
            "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterId": "String",
            "deviceAndAppManagementAssignmentFilterType": "String"
        }));
        assert_eq!(placeholder.filter.map(|f| f.mode), Some(FilterMode::Other));
    }

    #[test]
    fn unknown_subtypes_are_kept_not_refused() {
        let future = target_of(
            json!({"@odata.type": "#microsoft.graph.scopeTagGroupAssignmentTarget", "entraObjectId": "x"}),
        );
        assert_eq!(
            future.target,
            AssignmentTarget::Unevaluable {
                odata_type: "scopeTagGroupAssignmentTarget".into(),
                detail: "a target type this version does not evaluate".into()
            }
        );
        let untyped = target_of(json!({"groupId": "9d1f0d8e-4b57-4c1e-a3a4-2f9f1c7c1b10"}));
        assert!(!untyped.target.is_evaluable());
    }

    #[test]
    fn missing_assignments_are_not_exported_and_empty_ones_are_nobody() {
        let base = json!({"@odata.type": "#microsoft.graph.iosCompliancePolicy", "id": "1", "displayName": "x"});
        let policy = intune_policy(
            base.as_object().unwrap().clone(),
            IntuneCollection::DeviceCompliancePolicies,
        )
        .unwrap();
        assert_eq!(policy.assignments, Assignments::NotExported);
        assert!(!policy.reach_known());
        let mut with = base.as_object().unwrap().clone();
        with.insert("assignments".into(), json!([]));
        let policy = intune_policy(with, IntuneCollection::DeviceCompliancePolicies).unwrap();
        assert_eq!(policy.assignments, Assignments::Exported(Vec::new()));
        assert!(policy.reach_known());
        let mut bad = base.as_object().unwrap().clone();
        bad.insert("assignments".into(), json!({"target": {}}));
        let err = intune_policy(bad, IntuneCollection::DeviceCompliancePolicies).unwrap_err();
        assert_eq!(err, "assignments: expected an array, got an object");
    }

    /// A settings-catalog policy as Graph beta returns it with `$expand=settings,assignments`:
    /// the iOS restrictions group collection of a public baseline, trimmed.
    #[test]
    fn settings_catalog_instances_flatten_to_definition_ids() {
        let policy = json!({
            "id": "0b6d4b7e-2a55-4a8b-9a1e-8d8f3c6a8e11",
            "name": "iOS - SC - iCloud & Storage",
            "platforms": "iOS",
            "technologies": "mdm,appleRemoteManagement",
            "settings": [{
                "id": "0",
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance",
                    "settingDefinitionId": "com.apple.applicationaccess_com.apple.applicationaccess",
                    "groupSettingCollectionValue": [{"children": [
                        {"@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                         "settingDefinitionId": "com.apple.applicationaccess_allowcloudbackup",
                         "choiceSettingValue": {"value": "com.apple.applicationaccess_allowcloudbackup_false", "children": []}},
                        {"@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                         "settingDefinitionId": "com.apple.applicationaccess_forceencryptedbackup",
                         "choiceSettingValue": {"value": "com.apple.applicationaccess_forceencryptedbackup_true", "children": []}}
                    ]}]
                }
            }, {
                "id": "1",
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                    "settingDefinitionId": "com.apple.mobiledevice.passwordpolicy_minlength",
                    "simpleSettingValue": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue", "value": 6}
                }
            }],
            "assignments": [{"id": "a", "target": {
                "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                "deviceAndAppManagementAssignmentFilterId": null,
                "deviceAndAppManagementAssignmentFilterType": "none",
                "groupId": "9d1f0d8e-4b57-4c1e-a3a4-2f9f1c7c1b10"}}]
        });
        let policy = settings_catalog_policy(policy.as_object().unwrap().clone()).unwrap();
        assert_eq!(policy.display_name.as_ref(), "iOS - SC - iCloud & Storage");
        assert_eq!(policy.collection, IntuneCollection::ConfigurationPolicies);
        let settings: Vec<(&str, Value)> = policy
            .catalog_settings
            .iter()
            .map(|s| (s.definition_id.as_ref(), s.value.clone()))
            .collect();
        assert_eq!(
            settings,
            vec![
                (
                    "com.apple.applicationaccess_allowcloudbackup",
                    json!("com.apple.applicationaccess_allowcloudbackup_false")
                ),
                (
                    "com.apple.applicationaccess_forceencryptedbackup",
                    json!("com.apple.applicationaccess_forceencryptedbackup_true")
                ),
                ("com.apple.mobiledevice.passwordpolicy_minlength", json!(6)),
            ]
        );
        assert!(policy.reach_known());
        let bad = json!({"id": "x", "settings": [{"settingInstance": {"choiceSettingValue": {}}}]});
        assert_eq!(
            settings_catalog_policy(bad.as_object().unwrap().clone()).unwrap_err(),
            "settings[0].settingInstance.settingDefinitionId: expected a string, got nothing"
        );
    }

    /// The example of Graph's "Create conditionalAccessPolicy" page that requires a compliant
    /// device, reduced to the parts read.
    #[test]
    fn conditional_access_conditions_and_grants() {
        let policy = json!({
            "id": "7359d0e0-d8a9-4afa-8a93-e23e099d7be8",
            "displayName": "Require compliant devices",
            "state": "enabledForReportingButNotEnforced",
            "conditions": {
                "users": {"includeUsers": ["All"], "excludeUsers": ["GuestsOrExternalUsers"],
                          "includeGroups": [], "excludeGroups": ["ba8e7ded-8b0f-4836-ba06-8ff1ecc5c8ba"]},
                "platforms": {"includePlatforms": ["iOS", "android"], "excludePlatforms": []}
            },
            "grantControls": {"operator": "OR", "builtInControls": ["compliantDevice", "domainJoinedDevice"]}
        });
        let ca = conditional_access_policy(policy.as_object().unwrap()).unwrap();
        assert!(ca.include_all_users && ca.is_report_only() && !ca.is_enabled());
        assert!(
            ca.requires_compliant_device && ca.requires_hybrid_join && !ca.requires_approved_app
        );
        assert_eq!(ca.exclude_groups.len(), 1);
        assert!(ca.exclude_users.is_empty());
        assert_eq!(ca.include_platforms, vec!["iOS".into(), "android".into()]);
        assert_eq!(ca.operator.as_ref(), "OR");
    }
}
