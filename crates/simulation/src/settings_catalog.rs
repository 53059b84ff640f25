//! The settings catalog, translated into the Graph properties the rest of the simulation
//! compares: each covered setting definition ID of a `configurationPolicies` object becomes the
//! device-configuration property a migrated BMS setting lands in, so a settings-catalog policy
//! that sets a BMS-mapped setting to another value conflicts with the migrated profile exactly
//! as a second device restrictions profile would (Intune reports both as a conflict).
//!
//! [`COVERED`] is the one table of covered definition IDs (the README and `docs/snapshot.md`
//! point here; the order of strictness of each property is in [`crate::strictness`]). Every ID
//! was checked against settings-catalog exports of public Intune baselines; IDs that could not
//! be verified are left out rather than guessed (iOS `allowassistantwhilelocked`, the photo
//! stream restriction and `forceitunesstorepasswordentry`, Windows' simple-password setting),
//! and so is Android: BMS reaches Android through device administrator, which has no settings
//! catalog, and no Android Enterprise catalog definition for a BMS-mapped setting was verified.

use bms2intune_mapping::TargetPlatform;
use bms2intune_model::IntunePolicy;
use serde_json::Value;

/// How a catalog value becomes the Graph property's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// A choice `<id>_false` / `<id>_true` on an Apple "allow" key: `_false` blocks, so the
    /// `…Blocked` property is `true` (`_true` is Intune's "not configured").
    BlockWhenFalse,
    /// A choice `<id>_true` / `<id>_false`: the property takes the same Boolean.
    SameBoolean,
    /// A choice `<id>_true` on an Apple "require" key sets the property to this enum member.
    TrueIs(&'static str),
    /// A simple integer setting: the same number.
    Integer,
    /// A Windows policy CSP choice `<id>_<n>`: the number `n`.
    ChoiceNumber,
    /// A Windows policy CSP choice: option `<id>_<n>` sets the property to the `n`-th value
    /// (`None` = not configured).
    ChoiceMap(&'static [Option<Value0>]),
}

/// A constant property value (a `serde_json::Value` cannot be `const`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value0 {
    True,
    Text(&'static str),
}

impl Value0 {
    fn json(self) -> Value {
        match self {
            Value0::True => Value::Bool(true),
            Value0::Text(t) => Value::String(t.to_string()),
        }
    }
}

/// One covered settings-catalog definition.
#[derive(Debug, Clone, Copy)]
pub struct CatalogRow {
    pub definition_id: &'static str,
    pub platform: TargetPlatform,
    /// The Graph property of the migrated configuration profile.
    pub property: &'static str,
    pub conversion: Conversion,
}

const fn row(
    definition_id: &'static str,
    platform: TargetPlatform,
    property: &'static str,
    conversion: Conversion,
) -> CatalogRow {
    CatalogRow {
        definition_id,
        platform,
        property,
        conversion,
    }
}

use Conversion::*;
use TargetPlatform::{Ios, Windows};

/// Every covered definition ID: iOS/iPadOS restrictions (`com.apple.applicationaccess`) and
/// passcode (`com.apple.mobiledevice.passwordpolicy`), Windows policy CSP `DeviceLock` and
/// `Camera`. The properties are those of `iosGeneralDeviceConfiguration` and
/// `windows10GeneralConfiguration` that the mapping writes BMS settings to.
pub const COVERED: &[CatalogRow] = &[
    row(
        "com.apple.applicationaccess_allowcloudbackup",
        Ios,
        "iCloudBlockBackup",
        BlockWhenFalse,
    ),
    row(
        "com.apple.applicationaccess_allowclouddocumentsync",
        Ios,
        "iCloudBlockDocumentSync",
        BlockWhenFalse,
    ),
    row(
        "com.apple.applicationaccess_forceencryptedbackup",
        Ios,
        "iCloudRequireEncryptedBackup",
        SameBoolean,
    ),
    row(
        "com.apple.applicationaccess_allowscreenshot",
        Ios,
        "screenCaptureBlocked",
        BlockWhenFalse,
    ),
    row(
        "com.apple.applicationaccess_allowdiagnosticsubmission",
        Ios,
        "diagnosticDataBlockSubmission",
        BlockWhenFalse,
    ),
    row(
        "com.apple.applicationaccess_allowappinstallation",
        Ios,
        "appStoreBlocked",
        BlockWhenFalse,
    ),
    row(
        "com.apple.applicationaccess_allowcamera",
        Ios,
        "cameraBlocked",
        BlockWhenFalse,
    ),
    row(
        "com.apple.applicationaccess_allowassistant",
        Ios,
        "siriBlocked",
        BlockWhenFalse,
    ),
    row(
        "com.apple.applicationaccess_allowpassbookwhilelocked",
        Ios,
        "lockScreenBlockPassbook",
        BlockWhenFalse,
    ),
    row(
        "com.apple.applicationaccess_allowuntrustedtlsprompt",
        Ios,
        "certificatesBlockUntrustedTlsCertificates",
        BlockWhenFalse,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_forcepin",
        Ios,
        "passcodeRequired",
        SameBoolean,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_allowsimple",
        Ios,
        "passcodeBlockSimple",
        BlockWhenFalse,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_requirealphanumeric",
        Ios,
        "passcodeRequiredType",
        TrueIs("alphanumeric"),
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_minlength",
        Ios,
        "passcodeMinimumLength",
        Integer,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_mincomplexchars",
        Ios,
        "passcodeMinimumCharacterSetCount",
        Integer,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_maxinactivity",
        Ios,
        "passcodeMinutesOfInactivityBeforeScreenTimeout",
        Integer,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_maxgraceperiod",
        Ios,
        "passcodeMinutesOfInactivityBeforeLock",
        Integer,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_maxpinageindays",
        Ios,
        "passcodeExpirationDays",
        Integer,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_pinhistory",
        Ios,
        "passcodePreviousPasscodeBlockCount",
        Integer,
    ),
    row(
        "com.apple.mobiledevice.passwordpolicy_maxfailedattempts",
        Ios,
        "passcodeSignInFailureCountBeforeWipe",
        Integer,
    ),
    // DeviceLock/DevicePasswordEnabled: 0 = enabled, 1 = disabled.
    row(
        "device_vendor_msft_policy_config_devicelock_devicepasswordenabled",
        Windows,
        "passwordRequired",
        ChoiceMap(&[Some(Value0::True), None]),
    ),
    // DeviceLock/AlphanumericDevicePasswordRequired: 0 = alphanumeric, 1 = numeric, 2 = either.
    row(
        "device_vendor_msft_policy_config_devicelock_alphanumericdevicepasswordrequired",
        Windows,
        "passwordRequiredType",
        ChoiceMap(&[
            Some(Value0::Text("alphanumeric")),
            Some(Value0::Text("numeric")),
            None,
        ]),
    ),
    row(
        "device_vendor_msft_policy_config_devicelock_mindevicepasswordlength",
        Windows,
        "passwordMinimumLength",
        Integer,
    ),
    row(
        "device_vendor_msft_policy_config_devicelock_mindevicepasswordcomplexcharacters",
        Windows,
        "passwordMinimumCharacterSetCount",
        ChoiceNumber,
    ),
    row(
        "device_vendor_msft_policy_config_devicelock_maxinactivitytimedevicelock",
        Windows,
        "passwordMinutesOfInactivityBeforeScreenTimeout",
        Integer,
    ),
    row(
        "device_vendor_msft_policy_config_devicelock_devicepasswordexpiration",
        Windows,
        "passwordExpirationDays",
        Integer,
    ),
    row(
        "device_vendor_msft_policy_config_devicelock_devicepasswordhistory",
        Windows,
        "passwordPreviousPasswordBlockCount",
        Integer,
    ),
    row(
        "device_vendor_msft_policy_config_devicelock_maxdevicepasswordfailedattempts",
        Windows,
        "passwordSignInFailureCountBeforeFactoryReset",
        Integer,
    ),
    // Camera/AllowCamera: 0 = not allowed, 1 = allowed.
    row(
        "device_vendor_msft_policy_config_camera_allowcamera",
        Windows,
        "cameraBlocked",
        ChoiceMap(&[Some(Value0::True), None]),
    ),
];

/// The simulation platform of a settings-catalog policy, from its `platforms` (`iOS`,
/// `windows10`, …); `None` for platforms the move does not concern.
pub fn platform_of(policy: &IntunePolicy) -> Option<TargetPlatform> {
    let platforms = policy.properties.get("platforms")?.as_str()?;
    let first = platforms.split(',').next()?.trim().to_ascii_lowercase();
    match first.as_str() {
        "ios" => Some(Ios),
        "windows10" => Some(Windows),
        _ => None,
    }
}

/// The choice option suffix after `<definition id>_`.
fn option<'v>(definition_id: &str, value: &'v Value) -> Option<&'v str> {
    value
        .as_str()?
        .strip_prefix(definition_id)?
        .strip_prefix('_')
}

fn convert(row: &CatalogRow, value: &Value) -> Option<Value> {
    match row.conversion {
        BlockWhenFalse => {
            (option(row.definition_id, value)? == "false").then_some(Value::Bool(true))
        }
        SameBoolean => match option(row.definition_id, value)? {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        TrueIs(member) => {
            (option(row.definition_id, value)? == "true").then(|| Value::String(member.to_string()))
        }
        Integer => match value {
            Value::Number(n) => n.as_i64().map(Value::from),
            Value::String(s) => s.trim().parse::<i64>().ok().map(Value::from),
            _ => None,
        },
        ChoiceNumber => option(row.definition_id, value)?
            .parse::<i64>()
            .ok()
            .map(Value::from),
        ChoiceMap(values) => {
            let n: usize = option(row.definition_id, value)?.parse().ok()?;
            values.get(n).copied().flatten().map(Value0::json)
        }
    }
}

/// The covered settings of a settings-catalog policy on its platform, as `(Graph property,
/// value)` pairs; uncovered definitions and values Intune treats as not configured are left
/// out. A definition set twice keeps its last value.
pub fn graph_settings(policy: &IntunePolicy, platform: TargetPlatform) -> Vec<(String, Value)> {
    let mut settings: Vec<(String, Value)> = Vec::new();
    for s in &policy.catalog_settings {
        let Some(row) = COVERED
            .iter()
            .find(|r| r.platform == platform && *r.definition_id == *s.definition_id)
        else {
            continue;
        };
        let Some(value) = convert(row, &s.value) else {
            continue;
        };
        settings.retain(|(k, _)| k != row.property);
        settings.push((row.property.to_string(), value));
    }
    settings.sort_by(|a, b| a.0.cmp(&b.0));
    settings
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_model::{Assignments, CatalogSetting, IntuneCollection};
    use serde_json::json;

    fn policy(platforms: &str, settings: &[(&str, Value)]) -> IntunePolicy {
        let mut properties = serde_json::Map::new();
        properties.insert("platforms".into(), json!(platforms));
        IntunePolicy {
            id: "p".into(),
            collection: IntuneCollection::ConfigurationPolicies,
            odata_type: "deviceManagementConfigurationPolicy".into(),
            display_name: "p".into(),
            version: None,
            assignments: Assignments::Exported(Vec::new()),
            properties,
            catalog_settings: settings
                .iter()
                .map(|(id, v)| CatalogSetting {
                    definition_id: (*id).into(),
                    value: v.clone(),
                })
                .collect(),
        }
    }

    #[test]
    fn ios_restrictions_and_passcode_become_device_restriction_properties() {
        let p = policy(
            "iOS",
            &[
                (
                    "com.apple.applicationaccess_allowcloudbackup",
                    json!("com.apple.applicationaccess_allowcloudbackup_false"),
                ),
                (
                    "com.apple.applicationaccess_allowscreenshot",
                    json!("com.apple.applicationaccess_allowscreenshot_true"),
                ),
                (
                    "com.apple.applicationaccess_forceencryptedbackup",
                    json!("com.apple.applicationaccess_forceencryptedbackup_true"),
                ),
                ("com.apple.mobiledevice.passwordpolicy_minlength", json!(6)),
                (
                    "com.apple.mobiledevice.passwordpolicy_requirealphanumeric",
                    json!("com.apple.mobiledevice.passwordpolicy_requirealphanumeric_true"),
                ),
                (
                    "com.apple.applicationaccess_allowbookstore",
                    json!("com.apple.applicationaccess_allowbookstore_false"),
                ),
            ],
        );
        assert_eq!(platform_of(&p), Some(Ios));
        assert_eq!(
            graph_settings(&p, Ios),
            vec![
                ("iCloudBlockBackup".to_string(), json!(true)),
                ("iCloudRequireEncryptedBackup".to_string(), json!(true)),
                ("passcodeMinimumLength".to_string(), json!(6)),
                ("passcodeRequiredType".to_string(), json!("alphanumeric")),
            ],
            "allowed screenshots are Intune's 'not configured'; the book store is not a BMS setting"
        );
    }

    #[test]
    fn windows_device_lock_choices_and_numbers() {
        let p = policy(
            "windows10",
            &[
                ("device_vendor_msft_policy_config_devicelock_devicepasswordenabled", json!("device_vendor_msft_policy_config_devicelock_devicepasswordenabled_0")),
                ("device_vendor_msft_policy_config_devicelock_mindevicepasswordcomplexcharacters", json!("device_vendor_msft_policy_config_devicelock_mindevicepasswordcomplexcharacters_2")),
                ("device_vendor_msft_policy_config_devicelock_mindevicepasswordlength", json!(14)),
                ("device_vendor_msft_policy_config_camera_allowcamera", json!("device_vendor_msft_policy_config_camera_allowcamera_1")),
            ],
        );
        assert_eq!(platform_of(&p), Some(Windows));
        assert_eq!(
            graph_settings(&p, Windows),
            vec![
                ("passwordMinimumCharacterSetCount".to_string(), json!(2)),
                ("passwordMinimumLength".to_string(), json!(14)),
                ("passwordRequired".to_string(), json!(true)),
            ]
        );
        assert!(graph_settings(&p, Ios).is_empty());
        assert_eq!(platform_of(&policy("macOS", &[])), None);
    }

    #[test]
    fn each_definition_is_covered_once() {
        let mut ids: Vec<&str> = COVERED.iter().map(|r| r.definition_id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before);
    }
}
