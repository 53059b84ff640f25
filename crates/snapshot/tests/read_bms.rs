//! Reader tests over realistic `bms/` exports in every encoding and serialization variant
//! PowerShell produces, and the errors bad input gets.

use bms2intune_model::{BmsSetting, Guid, Mode, PolicyKind, SettingValue};
use bms2intune_snapshot::read_snapshot;
use std::path::Path;

/// A Block policy as `Get-DeviceConditionalAccessPolicy | ConvertTo-Json` (PowerShell 7,
/// `-EnumsAsStrings`) writes it.
const BLOCK_POLICY: &str = r#"[
  {
    "Name": "Secure Email",
    "Comment": "Phones that read company mail",
    "Enabled": true,
    "Mode": "Enforce",
    "Priority": 0,
    "Type": "DeviceConditionalAccess",
    "Workload": "Intune",
    "DistributionStatus": "Success",
    "Identity": "FFO.extest.microsoft.com/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft.com/Configuration/Secure Email",
    "Guid": "3d5a9c1e-7b2f-4e61-9a0c-2f6b8e4d1a77",
    "ExchangeObjectId": "3d5a9c1e-7b2f-4e61-9a0c-2f6b8e4d1a77",
    "WhenChangedUTC": "2023-05-02T10:14:07Z",
    "RunspaceId": "0b3c2a51-6d0e-4f2e-9f55-3c2b3f1d9e01",
    "IsValid": true
  },
  {
    "Name": "Old Kiosk Policy",
    "Comment": "",
    "Enabled": false,
    "Mode": "PendingDeletion",
    "Priority": 3,
    "Type": "DeviceConditionalAccess",
    "ExchangeObjectId": "11111111-2222-3333-4444-555555555555"
  }
]"#;

/// Its rules: one joined by `Policy` GUID, one by name prefix only, one orphan.
const BLOCK_RULES: &str = r#"[
  {
    "Name": "Secure Email{914f151c-394b-4da9-9422-f5a2f65dec30}",
    "Policy": "3d5a9c1e-7b2f-4e61-9a0c-2f6b8e4d1a77",
    "Workload": "Intune",
    "Mode": "Enforce",
    "Disabled": false,
    "TargetGroups": ["5bff73eb-0ba7-461b-b7c9-9b4c173cc266", {"Guid": "6010e907-3193-4a6f-b94c-a4c24b1398cc"}],
    "PasswordRequired": true,
    "AllowSimplePassword": false,
    "PasswordMinComplexChars": 3,
    "PasswordMinimumLength": 8,
    "MaxPasswordAttemptsBeforeWipe": 10,
    "PasswordTimeout": { "Ticks": 9000000000, "Days": 0, "Hours": 0, "Milliseconds": 0, "Minutes": 15, "Seconds": 0, "TotalDays": 0.010416666666666666, "TotalHours": 0.25, "TotalMilliseconds": 900000.0, "TotalMinutes": 15.0, "TotalSeconds": 900.0 },
    "PasswordExpirationDays": 90,
    "PasswordHistoryCount": 5,
    "PhoneMemoryEncrypted": true,
    "AllowJailbroken": false,
    "RequireEmailProfile": true,
    "AllowiCloudBackup": null,
    "AllowScreenshot": false,
    "MaxPasswordGracePeriod": null,
    "RegionRatings": "us",
    "MoviesRating": "USRatingPG13",
    "TVShowsRating": "USRatingTVPG",
    "AppsRating": "Rating12plus",
    "FirewallStatus": "Required",
    "WhenChangedUTC": "2023-05-02T10:14:07Z"
  },
  {
    "Name": "Old Kiosk Policy{914f151c-394b-4da9-9422-f5a2f65dec30}",
    "Policy": null,
    "Mode": "PendingDeletion",
    "TargetGroups": ["00000000-0000-0000-0000-000000000000"],
    "CameraEnabled": false
  },
  {
    "Name": "Removed Policy{914f151c-394b-4da9-9422-f5a2f65dec30}",
    "Policy": "99999999-2222-3333-4444-555555555555",
    "TargetGroups": []
  }
]"#;

/// An Allow policy as Windows PowerShell 5.1 writes it: enums as numbers, `/Date()/` dates,
/// one object rather than an array.
const ALLOW_POLICY: &str = r#"{
    "Name":  "Field Staff",
    "Comment":  null,
    "Enabled":  true,
    "Mode":  0,
    "Priority":  1,
    "Type":  3,
    "Guid":  {"Guid": "7c1e2d3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f"},
    "WhenChangedUTC":  "\/Date(1683022447000)\/"
}"#;

const ALLOW_RULE: &str = r#"{
    "Name":  "Field Staff{58b50d1c-2b18-461c-8893-3e20c648b136}",
    "Policy":  "7c1e2d3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f",
    "Mode":  0,
    "TargetGroups":  [
                         "a1b2c3d4-0000-4000-8000-000000000001"
                     ],
    "PasswordRequired":  true,
    "PasswordTimeout":  "00:07:00",
    "MaxPasswordGracePeriod":  "04:00:00",
    "PasswordQuality":  5,
    "RegionRatings":  3,
    "MoviesRating":  325,
    "AppsRating":  1000,
    "UserAccountControlStatus":  2,
    "AutoUpdateStatus":  "NeverCheckUpdates",
    "AntiVirusSignatureStatus":  1,
    "AllowConvenienceLogon":  "False",
    "WorkFoldersSyncUrl":  ""
}"#;

const TENANT_POLICY: &str = r#"{"Name": "a6958701-c82c-4064-ac11-64e40e7f4032", "Enabled": true, "Mode": "Enforce", "Type": "DeviceTenantConditionalAccess"}"#;
const TENANT_RULE: &str = r#"{"Name": "7577c5f3-05a4-4f55-a0a3-82aab5e98c84", "BlockUnsupportedDevices": true, "ExclusionList": ["6010e907-3193-4a6f-b94c-a4c24b1398cc"], "ApplyPolicyTo": 2, "Mode": 0}"#;

#[derive(Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBomCrlf,
}

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Encoding::Utf16LeBomCrlf => {
            let crlf = text.replace('\n', "\r\n");
            let mut out = vec![0xFF, 0xFE];
            for unit in crlf.encode_utf16() {
                out.extend_from_slice(&unit.to_le_bytes());
            }
            out
        }
    }
}

fn write_snapshot(dir: &Path, files: &[(&str, &str)], encoding: Encoding) {
    std::fs::create_dir_all(dir.join("bms")).unwrap();
    for (noun, text) in files {
        std::fs::write(
            dir.join("bms").join(format!("{noun}.json")),
            encode(text, encoding),
        )
        .unwrap();
    }
}

fn full_export() -> Vec<(&'static str, &'static str)> {
    vec![
        ("DeviceConditionalAccessPolicy", BLOCK_POLICY),
        ("DeviceConditionalAccessRule", BLOCK_RULES),
        ("DeviceConfigurationPolicy", ALLOW_POLICY),
        ("DeviceConfigurationRule", ALLOW_RULE),
        ("DeviceTenantPolicy", TENANT_POLICY),
        ("DeviceTenantRule", TENANT_RULE),
    ]
}

fn guid(text: &str) -> Guid {
    Guid::parse(text).unwrap()
}

#[test]
fn reads_every_encoding_identically() {
    let mut exports = Vec::new();
    for encoding in [Encoding::Utf8, Encoding::Utf8Bom, Encoding::Utf16LeBomCrlf] {
        let dir = tempfile::tempdir().unwrap();
        write_snapshot(dir.path(), &full_export(), encoding);
        exports.push(read_snapshot(dir.path()).unwrap().bms);
    }
    assert_eq!(exports[0], exports[1]);
    assert_eq!(exports[0], exports[2]);
}

#[test]
fn joins_rules_and_reads_every_value_shape() {
    let dir = tempfile::tempdir().unwrap();
    write_snapshot(dir.path(), &full_export(), Encoding::Utf8);
    let tenant = read_snapshot(dir.path()).unwrap();
    let bms = &tenant.bms;

    let names: Vec<&str> = bms.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["Secure Email", "Field Staff", "Old Kiosk Policy"],
        "ordered by priority"
    );

    let secure = &bms.policies[0];
    assert_eq!(secure.kind, PolicyKind::Block);
    assert_eq!(
        secure.comment.as_deref(),
        Some("Phones that read company mail")
    );
    assert_eq!(
        secure.when_changed.map(|d| d.to_string()).as_deref(),
        Some("2023-05-02T10:14:07Z")
    );
    let rule = secure.rule.as_ref().expect("joined by Policy GUID");
    assert_eq!(
        rule.target_groups,
        [
            guid("5bff73eb-0ba7-461b-b7c9-9b4c173cc266"),
            guid("6010e907-3193-4a6f-b94c-a4c24b1398cc")
        ]
    );
    let s = &rule.settings;
    assert_eq!(
        s.minutes(BmsSetting::PasswordTimeout),
        Some(15),
        "TimeSpan object"
    );
    assert_eq!(s.bool(BmsSetting::AllowSimplePassword), Some(false));
    assert_eq!(s.bool(BmsSetting::AllowJailbroken), Some(false));
    assert_eq!(
        s.get(BmsSetting::AllowICloudBackup),
        None,
        "null is not configured"
    );
    assert_eq!(
        s.get(BmsSetting::RegionRatings),
        Some(&SettingValue::Enum("us"))
    );
    assert_eq!(
        s.get(BmsSetting::MoviesRating),
        Some(&SettingValue::Rating(300))
    );
    assert_eq!(
        s.get(BmsSetting::TvShowsRating),
        Some(&SettingValue::Rating(400))
    );
    assert_eq!(
        s.get(BmsSetting::AppsRating),
        Some(&SettingValue::Enum("Rating12plus"))
    );
    assert_eq!(
        s.get(BmsSetting::FirewallStatus),
        Some(&SettingValue::Text("Required".into()))
    );
    assert_eq!(s.configured().count(), 17);

    let field = &bms.policies[1];
    assert_eq!(field.kind, PolicyKind::Allow);
    assert_eq!(
        field.guid,
        Some(guid("7c1e2d3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f")),
        "GUID object"
    );
    assert_eq!(field.comment, None);
    assert_eq!(
        field.when_changed.map(|d| d.to_string()).as_deref(),
        Some("2023-05-02T10:14:07Z"),
        "/Date()/ date"
    );
    let s = &field.rule.as_ref().unwrap().settings;
    assert_eq!(
        s.minutes(BmsSetting::PasswordTimeout),
        Some(7),
        "TimeSpan string"
    );
    assert_eq!(s.minutes(BmsSetting::MaxPasswordGracePeriod), Some(240));
    assert_eq!(
        s.get(BmsSetting::RegionRatings),
        Some(&SettingValue::Enum("ca")),
        "enum by number"
    );
    assert_eq!(
        s.get(BmsSetting::MoviesRating),
        Some(&SettingValue::Rating(325))
    );
    assert_eq!(
        s.get(BmsSetting::AppsRating),
        Some(&SettingValue::Enum("AllowAll"))
    );
    assert_eq!(
        s.get(BmsSetting::UserAccountControlStatus),
        Some(&SettingValue::Enum("NotifyAppChanges"))
    );
    assert_eq!(
        s.get(BmsSetting::AutoUpdateStatus),
        Some(&SettingValue::Enum("NeverCheckUpdates"))
    );
    assert_eq!(
        s.get(BmsSetting::AntiVirusSignatureStatus),
        Some(&SettingValue::Int(1))
    );
    assert_eq!(
        s.get(BmsSetting::AllowConvenienceLogon),
        Some(&SettingValue::Text("False".into()))
    );
    assert_eq!(
        s.get(BmsSetting::WorkFoldersSyncUrl),
        None,
        "empty text is not configured"
    );

    let kiosk = &bms.policies[2];
    assert_eq!(kiosk.mode, Mode::PendingDeletion);
    assert!(
        kiosk.rule.as_ref().unwrap().targets_nobody(),
        "joined by name prefix"
    );
    assert!(!kiosk.is_mappable());
    assert_eq!(bms.mappable_policies().count(), 2);

    assert_eq!(bms.orphan_rules.len(), 1);
    assert!(tenant
        .notes
        .iter()
        .any(|n| n.contains("Removed Policy") && n.contains("no exported policy")));

    assert!(bms.tenant.policy_present && bms.tenant.rule_present);
    assert_eq!(bms.tenant.block_unsupported_devices, Some(true));
    assert_eq!(
        bms.tenant.exclusion_list,
        [guid("6010e907-3193-4a6f-b94c-a4c24b1398cc")]
    );
    assert_eq!(
        bms.tenant.apply_policy_to.as_deref(),
        Some("ExchangeAndSharePoint")
    );
}

#[test]
fn missing_and_empty_files_mean_none() {
    let dir = tempfile::tempdir().unwrap();
    write_snapshot(
        dir.path(),
        &[
            ("DeviceConfigurationPolicy", ""),
            ("DeviceConfigurationRule", "\r\n"),
        ],
        Encoding::Utf8Bom,
    );
    let tenant = read_snapshot(dir.path()).unwrap();
    assert!(tenant.bms.policies.is_empty());
    assert!(!tenant.bms.tenant.rule_present);
    assert!(tenant.notes[0].contains("bms/DeviceConditionalAccessPolicy.json"));
}

fn error_for(noun: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut files = full_export();
    files.retain(|(n, _)| *n != noun);
    files.push((noun, text));
    write_snapshot(dir.path(), &files, Encoding::Utf8);
    read_snapshot(dir.path()).unwrap_err().to_string()
}

#[test]
fn bad_input_names_file_path_and_expectation() {
    let bad_timeout = BLOCK_RULES.replacen(
        r#""PasswordTimeout": { "Ticks""#,
        r#""PasswordTimeout": "abc", "X": { "Ticks""#,
        1,
    );
    assert_eq!(
        error_for("DeviceConditionalAccessRule", &bad_timeout),
        r#"bms/DeviceConditionalAccessRule.json: [0].PasswordTimeout: expected a TimeSpan (a string like "00:15:00" or an object with Ticks), got "abc""#
    );
    let bad_group = BLOCK_RULES.replacen(r#"{"Guid": "6010e907"#, r#"{"Guid": "nope-6010e907"#, 1);
    assert_eq!(
        error_for("DeviceConditionalAccessRule", &bad_group),
        r#"bms/DeviceConditionalAccessRule.json: [0].TargetGroups[1]: expected a GUID, got an object"#
    );
    let bad_bool = ALLOW_RULE.replace(
        r#""PasswordRequired":  true"#,
        r#""PasswordRequired":  "sometimes""#,
    );
    assert_eq!(
        error_for("DeviceConfigurationRule", &bad_bool),
        r#"bms/DeviceConfigurationRule.json: PasswordRequired: expected true or false, got "sometimes""#
    );
    let truncated = &BLOCK_RULES[..BLOCK_RULES.len() / 2];
    let err = error_for("DeviceConditionalAccessRule", truncated);
    assert!(
        err.starts_with("bms/DeviceConditionalAccessRule.json: line "),
        "{err}"
    );
    assert!(err.contains("truncated"), "{err}");
    let wrong_kind = ALLOW_POLICY.replace(r#""Type":  3"#, r#""Type":  5"#);
    assert!(error_for("DeviceConfigurationPolicy", &wrong_kind)
        .starts_with("bms/DeviceConfigurationPolicy.json: Type: expected DeviceSettings"));
    let swapped = ALLOW_RULE.replace(
        "{58b50d1c-2b18-461c-8893-3e20c648b136}",
        "{914f151c-394b-4da9-9422-f5a2f65dec30}",
    );
    assert!(error_for("DeviceConfigurationRule", &swapped).starts_with("bms/DeviceConfigurationRule.json: Name: expected a rule name ending {58b50d1c-2b18-461c-8893-3e20c648b136} (this file holds Allow access rules)"));
    assert_eq!(
        error_for("DeviceConfigurationPolicy", "[1, 2]"),
        "bms/DeviceConfigurationPolicy.json: [0]: expected an object, got 1"
    );
    assert_eq!(
        error_for("DeviceConfigurationPolicy", r#"{"Comment": "no name"}"#),
        "bms/DeviceConfigurationPolicy.json: Name: expected a non-empty string, but it is missing"
    );
    let bad_mode = ALLOW_RULE.replace(r#""Mode":  0"#, r#""Mode":  7"#);
    assert!(error_for("DeviceConfigurationRule", &bad_mode).contains(
        "Mode: expected a Mode (Enforce, Audit, PendingDeletion, Deleted or its number), got 7"
    ));
}

#[test]
fn snapshot_folder_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_snapshot(dir.path()).unwrap_err().to_string();
    assert!(err.starts_with("bms/: missing"), "{err}");
    let err = read_snapshot(&dir.path().join("nope"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a folder"), "{err}");
}
