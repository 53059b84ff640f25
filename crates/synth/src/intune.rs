//! Writes the existing Intune compliance and configuration policies (with `$expand=assignments`),
//! a settings-catalog policy and the Conditional Access policies, shaped like the Contoso sample's, assigned to the
//! synthetic tenant's groups so that they overlap BMS targets.

use crate::json::guid_text;
use crate::rng::Rng;
use crate::tenant::{self, TenantPlan, MISC_STREAM};
use crate::Sink;
use serde_json::{json, Value};

const ALL_LICENSED_USERS: &str = "acacacac-9df4-4c7d-9d50-4ef0226f57a9";

fn group(plan: &TenantPlan, g: usize) -> String {
    guid_text(plan.groups[g].id)
}

fn assignments(
    id: &str,
    collection: &str,
    odata: &str,
    targets: &[(&str, Option<String>)],
) -> Vec<(String, Value)> {
    let list: Vec<Value> = targets
        .iter()
        .map(|(kind, group)| {
            let suffix = group
                .clone()
                .unwrap_or_else(|| ALL_LICENSED_USERS.to_string());
            let mut target = json!({ "@odata.type": format!("#microsoft.graph.{kind}") });
            if let Some(g) = group {
                target["groupId"] = json!(g);
            }
            json!({ "id": format!("{id}_{suffix}"), "target": target })
        })
        .collect();
    vec![
        (
            "assignments@odata.context".into(),
            json!(format!(
                "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/{collection}('{id}')/microsoft.graph.{odata}/assignments"
            )),
        ),
        ("assignments".into(), Value::Array(list)),
    ]
}

fn policy(
    odata: &str,
    id: &str,
    name: &str,
    description: &str,
    properties: Value,
    collection: &str,
    targets: &[(&str, Option<String>)],
) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(
        "@odata.type".into(),
        json!(format!("#microsoft.graph.{odata}")),
    );
    m.insert("id".into(), json!(id));
    m.insert(
        "createdDateTime".into(),
        json!("2024-02-12T14:03:27.5528321Z"),
    );
    m.insert("description".into(), json!(description));
    m.insert(
        "lastModifiedDateTime".into(),
        json!("2025-03-18T09:41:02.1193114Z"),
    );
    m.insert("displayName".into(), json!(name));
    m.insert("version".into(), json!(3));
    if let Value::Object(props) = properties {
        m.extend(props);
    }
    m.extend(assignments(id, collection, odata, targets));
    Value::Object(m)
}

fn page(context: &str, items: Vec<Value>) -> Vec<u8> {
    let doc = json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#{context}"),
        "value": items,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

pub fn write<E>(plan: &TenantPlan, sink: &mut Sink<E>) -> Result<(), E> {
    let mut rng = Rng::new(plan.options.seed, MISC_STREAM | 0x1D);
    let mut id = || guid_text(rng.guid());
    let ios_users = Some(group(plan, tenant::INTUNE_IOS));
    let pilot = Some(group(plan, tenant::INTUNE_PILOT));
    let android = Some(group(plan, tenant::INTUNE_ANDROID));
    let emea = Some(group(plan, tenant::REGION0 + 1));
    let first_department = Some(group(plan, tenant::ORG0));
    let exempt = Some(group(plan, tenant::EXEMPT));
    let corporate = Some(group(plan, tenant::CORPORATE_DEVICES));
    let g = "groupAssignmentTarget";
    let c = "deviceCompliancePolicies";
    let compliance = vec![
        policy(
            "iosCompliancePolicy",
            &id(),
            "iOS Baseline",
            "Baseline compliance for Intune-managed iPhones and iPads (pilot).",
            json!({
                "passcodeBlockSimple": true, "passcodeExpirationDays": null,
                "passcodeMinimumLength": 6, "passcodeMinutesOfInactivityBeforeLock": 5,
                "passcodePreviousPasscodeBlockCount": null, "passcodeMinimumCharacterSetCount": null,
                "passcodeRequiredType": "numeric", "passcodeRequired": true,
                "osMinimumVersion": "17.0", "osMaximumVersion": null,
                "securityBlockJailbrokenDevices": true, "deviceThreatProtectionEnabled": false,
                "deviceThreatProtectionRequiredSecurityLevel": "unavailable",
                "managedEmailProfileRequired": false
            }),
            c,
            &[(g, ios_users.clone())],
        ),
        policy(
            "windows10CompliancePolicy",
            &id(),
            "Windows 10/11 Compliance",
            "Corporate Windows compliance: BitLocker, Secure Boot, 12-character password.",
            json!({
                "passwordRequired": true, "passwordBlockSimple": true,
                "passwordRequiredToUnlockFromIdle": false,
                "passwordMinutesOfInactivityBeforeLock": 15, "passwordExpirationDays": null,
                "passwordMinimumLength": 12, "passwordMinimumCharacterSetCount": 3,
                "passwordRequiredType": "alphanumeric", "passwordPreviousPasswordBlockCount": 24,
                "requireHealthyDeviceReport": false, "osMinimumVersion": "10.0.19045",
                "osMaximumVersion": null, "bitLockerEnabled": true, "secureBootEnabled": true,
                "codeIntegrityEnabled": true, "storageRequireEncryption": true
            }),
            c,
            &[("allLicensedUsersAssignmentTarget", None)],
        ),
        policy(
            "androidCompliancePolicy",
            &id(),
            "Android DA Compliance (legacy)",
            "Android device administrator compliance. Legacy - scheduled for replacement.",
            json!({
                "passwordRequired": true, "passwordMinimumLength": 6,
                "passwordRequiredType": "numeric", "passwordMinutesOfInactivityBeforeLock": 15,
                "securityPreventInstallAppsFromUnknownSources": true,
                "securityRequireVerifyApps": true, "securityBlockJailbrokenDevices": true,
                "osMinimumVersion": "10.0", "storageRequireEncryption": true
            }),
            c,
            &[(g, pilot.clone()), (g, emea.clone())],
        ),
        policy(
            "androidWorkProfileCompliancePolicy",
            &id(),
            "Android Enterprise Work Profile Compliance",
            "Personally-owned devices with a work profile.",
            json!({
                "passwordRequired": true, "passwordMinimumLength": 6,
                "passwordRequiredType": "numericComplex",
                "passwordMinutesOfInactivityBeforeLock": 5,
                "securityBlockJailbrokenDevices": true, "osMinimumVersion": "11.0",
                "minAndroidSecurityPatchLevel": "2025-01-01", "storageRequireEncryption": true,
                "securityRequireSafetyNetAttestationBasicIntegrity": true,
                "securityRequireSafetyNetAttestationCertifiedDevice": true,
                "securityRequireGooglePlayServices": true,
                "securityRequireCompanyPortalAppIntegrity": true
            }),
            c,
            &[(g, android.clone())],
        ),
    ];
    let c = "deviceConfigurations";
    let configurations = vec![
        policy(
            "iosGeneralDeviceConfiguration",
            &id(),
            "iOS Device Restrictions",
            "Standard restrictions for Intune-managed iPhones. Owner: Endpoint team.",
            json!({
                "cameraBlocked": false, "diagnosticDataBlockSubmission": true,
                "iCloudBlockBackup": false, "iCloudRequireEncryptedBackup": true,
                "passcodeRequired": true, "passcodeMinimumLength": 6,
                "passcodeSignInFailureCountBeforeWipe": 6,
                "passcodeMinutesOfInactivityBeforeScreenTimeout": 2,
                "passcodeMinutesOfInactivityBeforeLock": 0,
                "mediaContentRatingApps": "agesAbove17", "screenCaptureBlocked": false
            }),
            c,
            &[
                (g, ios_users),
                (g, first_department),
                ("exclusionGroupAssignmentTarget", exempt),
            ],
        ),
        policy(
            "windows10GeneralConfiguration",
            &id(),
            "Windows 10/11 Device Restrictions",
            "Pilot restrictions for Entra-joined laptops.",
            json!({
                "passwordRequired": false, "passwordRequiredType": "deviceDefault",
                "passwordMinutesOfInactivityBeforeScreenTimeout": 15,
                "passwordSignInFailureCountBeforeFactoryReset": 15,
                "diagnosticsDataSubmissionMode": "full", "cortanaBlocked": true,
                "deviceManagementBlockManualUnenroll": true,
                "smartScreenBlockPromptOverride": true
            }),
            c,
            &[(g, pilot)],
        ),
        policy(
            "iosGeneralDeviceConfiguration",
            &id(),
            "Corporate iPads - Shared Restrictions",
            "Supervised shared iPads in meeting rooms (ADE, userless).",
            json!({
                "appStoreBlocked": true, "cameraBlocked": true,
                "deviceBlockEraseContentAndSettings": true, "faceTimeBlocked": true,
                "iCloudBlockBackup": true, "iCloudBlockDocumentSync": true
            }),
            c,
            &[(g, corporate)],
        ),
        policy(
            "androidWorkProfileGeneralDeviceConfiguration",
            &id(),
            "Android Work Profile Restrictions",
            "Work profile password and data sharing.",
            json!({
                "passwordRequiredType": "deviceDefault",
                "workProfileDataSharingType": "preventAny",
                "workProfileBlockScreenCapture": true,
                "workProfileBlockCrossProfileCopyPaste": true,
                "workProfilePasswordMinimumLength": 6,
                "workProfilePasswordMinutesOfInactivityBeforeScreenTimeout": 5,
                "workProfilePasswordSignInFailureCountBeforeFactoryReset": 10,
                "workProfilePasswordRequiredType": "numericComplex",
                "workProfileRequirePassword": true, "securityRequireVerifyApps": true
            }),
            c,
            &[(g, android)],
        ),
    ];
    sink.summary.intune_policies = (compliance.len() + configurations.len()) as u64;
    sink.file(
        "graph/deviceCompliancePolicies.json",
        &page(
            "deviceManagement/deviceCompliancePolicies(assignments())",
            compliance,
        ),
    )?;
    sink.file(
        "graph/deviceConfigurations.json",
        &page(
            "deviceManagement/deviceConfigurations(assignments())",
            configurations,
        ),
    )?;

    let exempt = group(plan, tenant::EXEMPT);
    let ios = group(plan, tenant::INTUNE_IOS);
    let ca = |id: String,
              name: &str,
              state: &str,
              users: Value,
              apps: Value,
              client: Value,
              platforms: Value,
              grant: Value| {
        json!({
            "id": id, "templateId": null, "displayName": name,
            "createdDateTime": "2023-01-17T15:02:49.0085512Z",
            "modifiedDateTime": "2024-10-02T08:44:01.2039918Z",
            "state": state, "sessionControls": null,
            "conditions": {
                "userRiskLevels": [], "signInRiskLevels": [], "clientAppTypes": client,
                "servicePrincipalRiskLevels": [], "platforms": platforms, "locations": null,
                "devices": null, "clientApplications": null,
                "applications": {
                    "includeApplications": apps, "excludeApplications": [],
                    "includeUserActions": [], "includeAuthenticationContextClassReferences": []
                },
                "users": users
            },
            "grantControls": {
                "operator": "OR", "builtInControls": grant, "customAuthenticationFactors": [],
                "termsOfUse": []
            }
        })
    };
    let users =
        |include_users: Value, include_groups: Value, exclude_groups: Value, roles: Value| {
            json!({
                "includeUsers": include_users, "excludeUsers": [], "includeGroups": include_groups,
                "excludeGroups": exclude_groups, "includeRoles": roles, "excludeRoles": []
            })
        };
    let policies = vec![
        ca(
            id(),
            "Require MFA for administrators",
            "enabled",
            users(
                json!([]),
                json!([]),
                json!([]),
                json!([
                    "62e90394-69f5-4237-9190-012177145e10",
                    "194ae4cb-b126-40b2-bd5b-6091b380977d",
                    "29232cdf-9323-42fd-ade2-1d097af3e4de"
                ]),
            ),
            json!(["All"]),
            json!(["all"]),
            Value::Null,
            json!(["mfa"]),
        ),
        ca(
            id(),
            "Block legacy authentication",
            "enabledForReportingButNotEnforced",
            users(json!(["All"]), json!([]), json!([]), json!([])),
            json!(["All"]),
            json!(["exchangeActiveSync", "other"]),
            Value::Null,
            json!(["block"]),
        ),
        ca(
            id(),
            "iOS pilot - Require compliant device",
            "enabled",
            users(json!([]), json!([ios]), json!([exempt]), json!([])),
            json!([
                "00000002-0000-0ff1-ce00-000000000000",
                "00000003-0000-0ff1-ce00-000000000000"
            ]),
            json!(["all"]),
            json!({ "includePlatforms": ["iOS"], "excludePlatforms": [] }),
            json!(["compliantDevice"]),
        ),
    ];
    sink.file(
        "graph/conditionalAccessPolicies.json",
        &page("identity/conditionalAccess/policies", policies),
    )?;
    settings_catalog(plan, sink)
}

/// One iOS settings-catalog policy (Graph beta, `$expand=settings,assignments`) for the iOS
/// pilot users: a passcode length and an iCloud restriction that BMS policies also set. Its
/// own random stream keeps every other file as it was.
fn settings_catalog<E>(plan: &TenantPlan, sink: &mut Sink<E>) -> Result<(), E> {
    let mut rng = Rng::new(plan.options.seed, MISC_STREAM | 0x1E);
    let id = guid_text(rng.guid());
    let choice = |definition: &str, option: &str| {
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
            "settingDefinitionId": definition,
            "choiceSettingValue": { "value": format!("{definition}_{option}"), "children": [] }
        })
    };
    let policy = json!({
        "id": id,
        "name": "iOS - Passcode and iCloud (settings catalog)",
        "description": "Settings catalog baseline for the iOS pilot.",
        "platforms": "iOS",
        "technologies": "mdm,appleRemoteManagement",
        "settings": [
            { "id": "0", "settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance",
                "settingDefinitionId": "com.apple.mobiledevice.passwordpolicy_com.apple.mobiledevice.passwordpolicy",
                "groupSettingCollectionValue": [{ "children": [
                    choice("com.apple.mobiledevice.passwordpolicy_forcepin", "true"),
                    { "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                      "settingDefinitionId": "com.apple.mobiledevice.passwordpolicy_minlength",
                      "simpleSettingValue": { "@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue", "value": 6 } }
                ]}]
            }},
            { "id": "1", "settingInstance": choice("com.apple.applicationaccess_allowcloudbackup", "false") }
        ],
        "assignments": [{ "id": format!("{id}_{}", group(plan, tenant::INTUNE_IOS)), "target": {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterId": null,
            "deviceAndAppManagementAssignmentFilterType": "none",
            "groupId": group(plan, tenant::INTUNE_IOS)
        }}]
    });
    let doc = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/configurationPolicies(settings(),assignments())",
        "value": [policy],
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    sink.file("graph/configurationPolicies.json", &bytes)
}
