//! Table-driven tests: every row of the mapping table, restated from mapping.md, with one BMS
//! setting alone in one policy, and the check that the cases cover every row of `RULES`.

mod common;

use bms2intune_mapping::table::RULES;
use bms2intune_mapping::{
    map_export, Api, Collection, Fidelity, Mapping, MappingOptions, TargetPlatform,
};
use bms2intune_model::{BmsSetting, PolicyKind, SettingValue};
use common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

use BmsSetting::*;
use Fidelity::{
    Approximated as Ap, Exact as Ex, Manual as Ma, NotMigrated as Nm, PlatformLimited as Pl,
};
use PolicyKind::{Allow as L, Block as B};
use SettingValue::{Bool, Int, Minutes, Rating as R, Text};
use TargetPlatform::{AndroidDeviceAdmin as A, AndroidWorkProfile as P, Ios as I, Windows as W};

/// Where the record is expected: in the compliance policy, the v1.0 configuration profile, the
/// beta email profile, or a record-only entry.
#[derive(Debug, Clone, Copy, PartialEq)]
enum At {
    C,
    G,
    E,
    Rec,
}
use At::{Rec, C, E, G};

struct Case {
    kind: PolicyKind,
    setting: BmsSetting,
    value: SettingValue,
    platform: TargetPlatform,
    at: At,
    property: Option<&'static str>,
    target: Value,
    fidelity: Fidelity,
}

macro_rules! cases {
    ($( ($k:ident, $s:ident, $v:expr, $p:ident, $at:ident, $prop:expr, $t:expr, $f:ident) ),* $(,)?) => {
        vec![ $( Case { kind: $k, setting: $s, value: $v, platform: $p, at: $at, property: $prop, target: $t, fidelity: $f } ),* ]
    };
}

fn map_one(kind: PolicyKind, setting: BmsSetting, value: SettingValue) -> Mapping {
    let bms = export(vec![policy(
        "P",
        kind,
        1,
        &[guid("g")],
        settings(&[(setting, value)]),
    )]);
    map_export(&bms, &MappingOptions::default())
}

fn at_of(r: &bms2intune_mapping::Recommendation) -> At {
    match (r.api, r.collection) {
        (None, _) => Rec,
        (Some(Api::Beta), _) => E,
        (Some(Api::V1), Some(Collection::DeviceCompliancePolicies)) => C,
        _ => G,
    }
}

/// Runs one case; returns the rule ids of every record it produced.
fn check(c: &Case) -> BTreeSet<String> {
    let m = map_one(c.kind, c.setting, c.value.clone());
    let label = format!("{:?} {} = {} on {}", c.kind, c.setting, c.value, c.platform);
    let rec = m
        .recommendations
        .iter()
        .find(|r| {
            r.platform == c.platform
                && at_of(r) == c.at
                && r.settings.iter().any(|s| s.setting == Some(c.setting))
        })
        .unwrap_or_else(|| {
            panic!(
                "{label}: no {:?} entry with the record; got {:#?}",
                c.at, m.recommendations
            )
        });
    let record = rec
        .settings
        .iter()
        .find(|s| s.setting == Some(c.setting))
        .unwrap();
    assert_eq!(
        record.target_property.as_deref(),
        c.property,
        "{label}: property"
    );
    if c.property.is_some() {
        assert_eq!(
            record.target_value.as_ref(),
            Some(&c.target),
            "{label}: value"
        );
    } else {
        assert!(record.target_value.is_none(), "{label}: value");
    }
    assert_eq!(
        record.fidelity, c.fidelity,
        "{label}: fidelity ({})",
        record.note
    );
    assert_eq!(record.bms_value, c.value, "{label}");
    assert_eq!(
        record.our_rule,
        record.note.starts_with("[our rule] "),
        "{label}: our-rule label"
    );
    if c.platform == P {
        assert!(record.our_rule, "{label}: work-profile rows are our rule");
    }
    if let Some(prop) = c.property.filter(|p| !p.contains('.')) {
        let body = rec.body.as_ref().expect("body");
        assert_eq!(body.get(prop), Some(&c.target), "{label}: body {body}");
    }
    if c.kind == L {
        assert!(
            m.recommendations
                .iter()
                .all(|r| r.collection != Some(Collection::DeviceCompliancePolicies)),
            "{label}: an Allow policy produced a compliance policy"
        );
    }
    m.recommendations
        .iter()
        .flat_map(|r| r.settings.iter().map(|s| s.rule.to_string()))
        .collect()
}

#[rustfmt::skip]
fn row_cases() -> Vec<Case> {
    let t = json!(true);
    cases![
        // §1 PasswordRequired
        (B, PasswordRequired, Bool(true), W, C, Some("passwordRequired"), t.clone(), Ex),
        (L, PasswordRequired, Bool(true), W, G, Some("passwordRequired"), t.clone(), Ex),
        (B, PasswordRequired, Bool(true), I, C, Some("passcodeRequired"), t.clone(), Ex),
        (L, PasswordRequired, Bool(true), I, G, Some("passcodeRequired"), t.clone(), Ex),
        (B, PasswordRequired, Bool(true), A, C, Some("passwordRequired"), t.clone(), Ex),
        (L, PasswordRequired, Bool(true), A, G, Some("passwordRequired"), t.clone(), Ex),
        (B, PasswordRequired, Bool(true), P, C, Some("passwordRequired"), t.clone(), Ex),
        (L, PasswordRequired, Bool(true), P, G, Some("passwordRequiredType"), json!("atLeastNumeric"), Ex),
        // §1 AllowSimplePassword = false
        (B, AllowSimplePassword, Bool(false), W, C, Some("passwordBlockSimple"), t.clone(), Ex),
        (L, AllowSimplePassword, Bool(false), W, G, Some("passwordBlockSimple"), t.clone(), Ex),
        (B, AllowSimplePassword, Bool(false), I, C, Some("passcodeBlockSimple"), t.clone(), Ex),
        (L, AllowSimplePassword, Bool(false), I, G, Some("passcodeBlockSimple"), t.clone(), Ex),
        (B, AllowSimplePassword, Bool(false), A, C, Some("passwordRequiredType"), json!("numericComplex"), Ex),
        (L, AllowSimplePassword, Bool(false), A, G, Some("passwordRequiredType"), json!("numericComplex"), Ex),
        (B, AllowSimplePassword, Bool(false), P, C, Some("passwordRequiredType"), json!("numericComplex"), Ex),
        (L, AllowSimplePassword, Bool(false), P, G, Some("passwordRequiredType"), json!("numericComplex"), Ex),
        // §1 PasswordMinComplexChars = 2
        (B, PasswordMinComplexChars, Int(2), W, C, Some("passwordMinimumCharacterSetCount"), json!(2), Ex),
        (L, PasswordMinComplexChars, Int(2), W, G, Some("passwordMinimumCharacterSetCount"), json!(2), Ex),
        (B, PasswordMinComplexChars, Int(2), I, C, Some("passcodeMinimumCharacterSetCount"), json!(2), Ex),
        (L, PasswordMinComplexChars, Int(2), I, G, Some("passcodeMinimumCharacterSetCount"), json!(2), Ex),
        (B, PasswordMinComplexChars, Int(2), A, C, Some("passwordRequiredType"), json!("alphanumeric"), Ex),
        (L, PasswordMinComplexChars, Int(2), A, G, Some("passwordRequiredType"), json!("alphanumeric"), Ex),
        (B, PasswordMinComplexChars, Int(2), P, C, Some("passwordRequiredType"), json!("alphanumeric"), Ex),
        (L, PasswordMinComplexChars, Int(2), P, G, Some("passwordRequiredType"), json!("atLeastAlphanumeric"), Ex),
        // §1 PasswordMinimumLength
        (B, PasswordMinimumLength, Int(8), W, C, Some("passwordMinimumLength"), json!(8), Ex),
        (L, PasswordMinimumLength, Int(8), W, G, Some("passwordMinimumLength"), json!(8), Ex),
        (B, PasswordMinimumLength, Int(8), I, C, Some("passcodeMinimumLength"), json!(8), Ex),
        (L, PasswordMinimumLength, Int(8), I, G, Some("passcodeMinimumLength"), json!(8), Ex),
        (B, PasswordMinimumLength, Int(8), A, C, Some("passwordMinimumLength"), json!(8), Ex),
        (L, PasswordMinimumLength, Int(8), A, G, Some("passwordMinimumLength"), json!(8), Ex),
        (B, PasswordMinimumLength, Int(8), P, C, Some("passwordMinimumLength"), json!(8), Ex),
        (L, PasswordMinimumLength, Int(8), P, G, Some("passwordMinimumLength"), json!(8), Ex),
        // §1 MaxPasswordAttemptsBeforeWipe: always a configuration profile
        (B, MaxPasswordAttemptsBeforeWipe, Int(10), W, G, Some("passwordSignInFailureCountBeforeFactoryReset"), json!(10), Ex),
        (L, MaxPasswordAttemptsBeforeWipe, Int(10), W, G, Some("passwordSignInFailureCountBeforeFactoryReset"), json!(10), Ex),
        (B, MaxPasswordAttemptsBeforeWipe, Int(10), I, G, Some("passcodeSignInFailureCountBeforeWipe"), json!(10), Ex),
        (L, MaxPasswordAttemptsBeforeWipe, Int(10), I, G, Some("passcodeSignInFailureCountBeforeWipe"), json!(10), Ex),
        (B, MaxPasswordAttemptsBeforeWipe, Int(10), A, G, Some("passwordSignInFailureCountBeforeFactoryReset"), json!(10), Ex),
        (L, MaxPasswordAttemptsBeforeWipe, Int(10), P, G, Some("passwordSignInFailureCountBeforeFactoryReset"), json!(10), Ex),
        // §1 PasswordTimeout (Allow: ScreenTimeout, our rule)
        (B, PasswordTimeout, Minutes(5), W, C, Some("passwordMinutesOfInactivityBeforeLock"), json!(5), Ex),
        (L, PasswordTimeout, Minutes(5), W, G, Some("passwordMinutesOfInactivityBeforeScreenTimeout"), json!(5), Ex),
        (B, PasswordTimeout, Minutes(5), I, C, Some("passcodeMinutesOfInactivityBeforeLock"), json!(5), Ex),
        (L, PasswordTimeout, Minutes(5), I, G, Some("passcodeMinutesOfInactivityBeforeScreenTimeout"), json!(5), Ex),
        (B, PasswordTimeout, Minutes(5), A, C, Some("passwordMinutesOfInactivityBeforeLock"), json!(5), Ex),
        (L, PasswordTimeout, Minutes(5), A, G, Some("passwordMinutesOfInactivityBeforeScreenTimeout"), json!(5), Ex),
        (B, PasswordTimeout, Minutes(5), P, C, Some("passwordMinutesOfInactivityBeforeLock"), json!(5), Ex),
        (L, PasswordTimeout, Minutes(5), P, G, Some("passwordMinutesOfInactivityBeforeScreenTimeout"), json!(5), Ex),
        // §1 PasswordExpirationDays
        (B, PasswordExpirationDays, Int(90), W, C, Some("passwordExpirationDays"), json!(90), Ex),
        (L, PasswordExpirationDays, Int(90), W, G, Some("passwordExpirationDays"), json!(90), Ex),
        (B, PasswordExpirationDays, Int(90), I, C, Some("passcodeExpirationDays"), json!(90), Ex),
        (L, PasswordExpirationDays, Int(90), I, G, Some("passcodeExpirationDays"), json!(90), Ex),
        (B, PasswordExpirationDays, Int(90), A, C, Some("passwordExpirationDays"), json!(90), Ex),
        (L, PasswordExpirationDays, Int(90), A, G, Some("passwordExpirationDays"), json!(90), Ex),
        (B, PasswordExpirationDays, Int(90), P, C, Some("passwordExpirationDays"), json!(90), Ex),
        (L, PasswordExpirationDays, Int(90), P, G, Some("passwordExpirationDays"), json!(90), Ex),
        // §1 PasswordHistoryCount
        (B, PasswordHistoryCount, Int(5), W, C, Some("passwordPreviousPasswordBlockCount"), json!(5), Ex),
        (L, PasswordHistoryCount, Int(5), W, G, Some("passwordPreviousPasswordBlockCount"), json!(5), Ex),
        (B, PasswordHistoryCount, Int(5), I, C, Some("passcodePreviousPasscodeBlockCount"), json!(5), Ex),
        (L, PasswordHistoryCount, Int(5), I, G, Some("passcodePreviousPasscodeBlockCount"), json!(5), Ex),
        (B, PasswordHistoryCount, Int(5), A, C, Some("passwordPreviousPasswordBlockCount"), json!(5), Ex),
        (L, PasswordHistoryCount, Int(5), A, G, Some("passwordPreviousPasswordBlockCount"), json!(5), Ex),
        (B, PasswordHistoryCount, Int(5), P, C, Some("passwordPreviousPasswordBlockCount"), json!(5), Ex),
        (L, PasswordHistoryCount, Int(5), P, G, Some("passwordPreviousPasswordBlockCount"), json!(5), Ex),
        // §1 PhoneMemoryEncrypted (Android only)
        (B, PhoneMemoryEncrypted, Bool(true), A, C, Some("storageRequireEncryption"), t.clone(), Ex),
        (L, PhoneMemoryEncrypted, Bool(true), A, G, Some("storageRequireDeviceEncryption"), t.clone(), Ex),
        (B, PhoneMemoryEncrypted, Bool(true), P, C, Some("storageRequireEncryption"), t.clone(), Ex),
        (L, PhoneMemoryEncrypted, Bool(true), P, Rec, None, Value::Null, Nm),
        // §1 AllowJailbroken = false (Block only; on Allow rules: manual)
        (B, AllowJailbroken, Bool(false), I, C, Some("securityBlockJailbrokenDevices"), t.clone(), Ex),
        (B, AllowJailbroken, Bool(false), A, C, Some("securityBlockJailbrokenDevices"), t.clone(), Ex),
        (B, AllowJailbroken, Bool(false), P, C, Some("securityBlockJailbrokenDevices"), t.clone(), Pl),
        (L, AllowJailbroken, Bool(false), I, Rec, None, Value::Null, Ma),
        (L, AllowJailbroken, Bool(false), A, Rec, None, Value::Null, Ma),
        (L, AllowJailbroken, Bool(false), P, Rec, None, Value::Null, Ma),
        // §1 RequireEmailProfile = true
        (B, RequireEmailProfile, Bool(true), W, E, None, Value::Null, Ex),
        (L, RequireEmailProfile, Bool(true), I, E, None, Value::Null, Ex),
        (B, RequireEmailProfile, Bool(true), I, C, Some("managedEmailProfileRequired"), t.clone(), Ex),
        (B, RequireEmailProfile, Bool(true), A, E, None, Value::Null, Pl),
        (L, RequireEmailProfile, Bool(true), P, Rec, None, Value::Null, Ma),
        // §2 Configurations
        (L, ForceEncryptedBackup, Bool(true), I, G, Some("iCloudRequireEncryptedBackup"), t.clone(), Ex),
        (B, AllowICloudBackup, Bool(false), I, G, Some("iCloudBlockBackup"), t.clone(), Pl),
        (L, AllowICloudDocSync, Bool(false), I, G, Some("iCloudBlockDocumentSync"), t.clone(), Pl),
        (B, AllowICloudPhotoSync, Bool(false), I, G, Some("iCloudBlockPhotoStreamSync"), t.clone(), Ex),
        (B, AllowScreenshot, Bool(false), W, G, Some("screenCaptureBlocked"), t.clone(), Pl),
        (L, AllowScreenshot, Bool(false), I, G, Some("screenCaptureBlocked"), t.clone(), Ex),
        (B, AllowScreenshot, Bool(false), A, G, Some("screenCaptureBlocked"), t.clone(), Pl),
        (L, AllowScreenshot, Bool(false), P, G, Some("workProfileBlockScreenCapture"), t.clone(), Ap),
        (B, AllowVideoConferencing, Bool(false), I, G, Some("faceTimeBlocked"), t.clone(), Pl),
        (L, AllowDiagnosticSubmission, Bool(false), W, G, Some("diagnosticsDataSubmissionMode"), json!("none"), Ex),
        (B, AllowDiagnosticSubmission, Bool(false), I, G, Some("diagnosticDataBlockSubmission"), t.clone(), Ex),
        (L, AllowDiagnosticSubmission, Bool(false), A, G, Some("diagnosticDataBlockSubmission"), t.clone(), Pl),
        (B, AllowDiagnosticSubmission, Bool(false), P, Rec, None, Value::Null, Nm),
        (B, AllowAppStore, Bool(false), W, G, Some("windowsStoreBlocked"), t.clone(), Pl),
        (L, AllowAppStore, Bool(false), I, G, Some("appStoreBlocked"), t.clone(), Pl),
        (B, AllowAppStore, Bool(false), A, G, Some("googlePlayStoreBlocked"), t.clone(), Pl),
        (L, AllowAppStore, Bool(false), P, Rec, None, Value::Null, Nm),
        (B, ForceAppStorePassword, Bool(true), I, G, Some("appStoreRequirePassword"), t.clone(), Ex),
        (L, EnableRemovableStorage, Bool(false), W, G, Some("storageBlockRemovableStorage"), t.clone(), Ex),
        (B, EnableRemovableStorage, Bool(false), A, G, Some("storageBlockRemovableStorage"), t.clone(), Pl),
        (L, EnableRemovableStorage, Bool(false), P, Rec, None, Value::Null, Nm),
        (B, BluetoothEnabled, Bool(false), W, G, Some("bluetoothBlocked"), t.clone(), Ex),
        (L, BluetoothEnabled, Bool(false), A, G, Some("bluetoothBlocked"), t.clone(), Pl),
        (B, BluetoothEnabled, Bool(false), P, Rec, None, Value::Null, Nm),
        // §3 PowerShell-only
        (L, CameraEnabled, Bool(false), W, G, Some("cameraBlocked"), t.clone(), Ex),
        (B, CameraEnabled, Bool(false), I, G, Some("cameraBlocked"), t.clone(), Pl),
        (L, CameraEnabled, Bool(false), A, G, Some("cameraBlocked"), t.clone(), Ex),
        (B, CameraEnabled, Bool(false), P, G, Some("workProfileBlockCamera"), t.clone(), Ap),
        (B, AllowVoiceDialing, Bool(false), I, G, Some("voiceDialingBlocked"), t.clone(), Ex),
        (L, AllowVoiceAssistant, Bool(false), I, G, Some("siriBlocked"), t.clone(), Ex),
        (B, AllowAssistantWhileLocked, Bool(false), I, G, Some("siriBlockedWhenLocked"), t.clone(), Ex),
        (L, AllowPassbookWhileLocked, Bool(false), I, G, Some("lockScreenBlockPassbook"), t.clone(), Ex),
        (B, SystemSecurityTls, Bool(true), I, G, Some("certificatesBlockUntrustedTlsCertificates"), t.clone(), Ex),
        (B, MaxPasswordGracePeriod, Minutes(15), I, G, Some("passcodeMinutesOfInactivityBeforeLock"), json!(15), Ex),
        (B, PasswordQuality, Int(4), A, G, Some("passwordRequiredType"), json!("alphabetic"), Ex),
        (L, PasswordQuality, Int(4), P, G, Some("passwordRequiredType"), json!("atLeastAlphabetic"), Ex),
        (B, PasswordComplexity, Text("3".into()), W, Rec, None, Value::Null, Nm),
        (L, PasswordComplexity, Text("3".into()), I, Rec, None, Value::Null, Nm),
        (B, PasswordComplexity, Text("3".into()), A, Rec, None, Value::Null, Nm),
        (L, PasswordComplexity, Text("3".into()), P, Rec, None, Value::Null, Nm),
        (L, AppsRating, SettingValue::Enum("Rating9plus"), I, G, Some("mediaContentRatingApps"), json!("agesAbove9"), Ex),
        // Inverse values: Intune has no "allow"; not configured is the same (a record, no object)
        (B, AllowVoiceDialing, Bool(true), I, Rec, None, Value::Null, Ex),
        (L, PasswordRequired, Bool(false), W, Rec, None, Value::Null, Ex),
        (B, AllowJailbroken, Bool(true), I, Rec, None, Value::Null, Ex),
        (B, RequireEmailProfile, Bool(false), W, Rec, None, Value::Null, Ex),
        (L, SystemSecurityTls, Bool(false), I, Rec, None, Value::Null, Ex),
        // Clamps to Intune's ranges
        (B, PasswordMinimumLength, Int(20), I, C, Some("passcodeMinimumLength"), json!(14), Ap),
        (B, PasswordMinimumLength, Int(2), A, C, Some("passwordMinimumLength"), json!(4), Ap),
        (L, PasswordMinimumLength, Int(99), P, G, Some("passwordMinimumLength"), json!(16), Ap),
        (B, MaxPasswordAttemptsBeforeWipe, Int(1), I, G, Some("passcodeSignInFailureCountBeforeWipe"), json!(2), Ap),
        (B, MaxPasswordAttemptsBeforeWipe, Int(30), I, G, Some("passcodeSignInFailureCountBeforeWipe"), json!(11), Ap),
        (B, PasswordHistoryCount, Int(50), I, C, Some("passcodePreviousPasscodeBlockCount"), json!(24), Ap),
        (B, PasswordExpirationDays, Int(1000), A, C, Some("passwordExpirationDays"), json!(365), Ap),
        (B, PasswordExpirationDays, Int(i64::MAX), I, C, Some("passcodeExpirationDays"), json!(730), Ap),
        (B, PasswordMinComplexChars, Int(1), W, C, Some("passwordMinimumCharacterSetCount"), json!(2), Ap),
        (B, PasswordMinComplexChars, Int(4), A, C, Some("passwordRequiredType"), json!("alphanumericWithSymbols"), Ap),
        (B, PasswordMinimumLength, Int(0), W, Rec, None, Value::Null, Ex),
        (B, PasswordMinimumLength, Int(-4), W, Rec, None, Value::Null, Ma),
        (B, PasswordTimeout, Minutes(0), W, Rec, None, Value::Null, Ma),
    ]
}

#[test]
fn every_row_maps_as_specified() {
    for c in row_cases() {
        check(&c);
    }
}

#[test]
fn windows_only_and_legacy_email_fields_are_recorded_not_migrated() {
    let windows = [
        AllowConvenienceLogon,
        UserAccountControlStatus,
        FirewallStatus,
        AutoUpdateStatus,
        AntiVirusStatus,
        AntiVirusSignatureStatus,
        SmartScreenEnabled,
        WorkFoldersSyncUrl,
        WlanEnabled,
    ];
    let legacy = [
        AccountName,
        AccountUserName,
        EmailAddress,
        ExchangeActiveSyncHost,
        UseSsl,
        AllowMove,
        AllowRecentAddressSyncing,
        DaysToSync,
        ContentType,
        UseSmime,
        SyncSchedule,
        UseOnlyInEmail,
    ];
    for kind in [B, L] {
        for s in windows {
            check(&Case {
                kind,
                setting: s,
                value: Text("x".into()),
                platform: W,
                at: Rec,
                property: None,
                target: Value::Null,
                fidelity: Nm,
            });
        }
        for s in legacy {
            for platform in [I, A] {
                check(&Case {
                    kind,
                    setting: s,
                    value: Text("x".into()),
                    platform,
                    at: Rec,
                    property: None,
                    target: Value::Null,
                    fidelity: Nm,
                });
            }
        }
    }
}

/// All the rule ids the cases of this file reach, plus the rating rows.
fn covered_rules() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for c in row_cases() {
        ids.extend(check(&c));
    }
    for kind in [B, L] {
        for s in BmsSetting::ALL
            .iter()
            .copied()
            .filter(|s| s.index() >= AllowConvenienceLogon.index())
        {
            ids.extend(
                map_one(kind, s, Text("x".into()))
                    .recommendations
                    .iter()
                    .flat_map(|r| r.settings.iter().map(|s| s.rule.to_string())),
            );
        }
    }
    let ratings = settings(&[
        (RegionRatings, SettingValue::Enum("us")),
        (MoviesRating, R(300)),
        (TvShowsRating, R(400)),
    ]);
    let bms = export(vec![policy("P", B, 1, &[], ratings)]);
    ids.extend(
        map_export(&bms, &MappingOptions::default())
            .recommendations
            .iter()
            .flat_map(|r| r.settings.iter().map(|s| s.rule.to_string())),
    );
    ids
}

#[test]
fn cases_cover_every_row_of_the_table() {
    let covered = covered_rules();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(*id))
        .collect();
    assert!(missing.is_empty(), "rows without a test case: {missing:#?}");
}

#[test]
fn row_ids_are_unique_and_every_setting_has_a_row() {
    let mut ids = BTreeSet::new();
    for r in RULES {
        assert!(ids.insert(r.id), "duplicate row id {}", r.id);
        assert!(
            r.spec.starts_with("mapping.md §"),
            "{}: spec {}",
            r.id,
            r.spec
        );
    }
    for s in BmsSetting::ALL {
        assert!(RULES.iter().any(|r| r.setting == *s), "{s} has no row");
    }
}
