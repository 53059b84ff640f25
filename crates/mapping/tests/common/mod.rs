//! Fixture builders shared by the integration tests.
#![allow(dead_code)]

use bms2intune_mapping::{Mapping, Recommendation};
use bms2intune_model::bms::{Source, ALLOW_RULE_SUFFIX, BLOCK_RULE_SUFFIX};
use bms2intune_model::{
    BmsExport, BmsPolicy, BmsRule, BmsSetting, Guid, Mode, PolicyKind, RuleSettings, SettingValue,
};

/// A GUID derived from a name (FNV-1a), stable across model changes so snapshots stay put.
pub fn guid(name: &str) -> Guid {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for &b in name.as_bytes() {
        h = (h ^ u128::from(b)).wrapping_mul(0x0000000001000000000000000000013b);
    }
    Guid(h)
}

pub fn settings(values: &[(BmsSetting, SettingValue)]) -> RuleSettings {
    let mut s = RuleSettings::new();
    for (k, v) in values {
        s.set(*k, v.clone());
    }
    s
}

pub fn policy(
    name: &str,
    kind: PolicyKind,
    priority: i64,
    groups: &[Guid],
    settings: RuleSettings,
) -> BmsPolicy {
    let suffix = match kind {
        PolicyKind::Block => BLOCK_RULE_SUFFIX,
        PolicyKind::Allow => ALLOW_RULE_SUFFIX,
    };
    let source = Source {
        file: "test".into(),
        index: 0,
    };
    BmsPolicy {
        name: name.to_string(),
        kind,
        guid: Some(guid(name)),
        comment: Some(format!("{name} comment")),
        enabled: Some(true),
        mode: Mode::Enforce,
        priority: Some(priority),
        when_changed: None,
        rule: Some(BmsRule {
            name: format!("{name}{suffix}"),
            policy_guid: Some(guid(name)),
            mode: Mode::Enforce,
            target_groups: groups.to_vec(),
            settings,
            source: source.clone(),
        }),
        source,
    }
}

pub fn export(policies: Vec<BmsPolicy>) -> BmsExport {
    BmsExport {
        policies,
        ..BmsExport::default()
    }
}

pub fn rich_block() -> RuleSettings {
    use BmsSetting::*;
    use SettingValue::*;
    settings(&[
        (PasswordRequired, Bool(true)),
        (AllowSimplePassword, Bool(false)),
        (PasswordMinComplexChars, Int(2)),
        (PasswordMinimumLength, Int(8)),
        (MaxPasswordAttemptsBeforeWipe, Int(10)),
        (PasswordTimeout, Minutes(7)),
        (PasswordExpirationDays, Int(90)),
        (PasswordHistoryCount, Int(5)),
        (PhoneMemoryEncrypted, Bool(true)),
        (AllowJailbroken, Bool(false)),
        (RequireEmailProfile, Bool(true)),
        (ForceEncryptedBackup, Bool(true)),
        (AllowICloudBackup, Bool(false)),
        (AllowICloudDocSync, Bool(false)),
        (AllowICloudPhotoSync, Bool(false)),
        (AllowScreenshot, Bool(false)),
        (AllowVideoConferencing, Bool(false)),
        (AllowDiagnosticSubmission, Bool(false)),
        (AllowAppStore, Bool(false)),
        (ForceAppStorePassword, Bool(true)),
        (EnableRemovableStorage, Bool(false)),
        (BluetoothEnabled, Bool(false)),
        (CameraEnabled, Bool(false)),
        (AllowVoiceDialing, Bool(false)),
        (AllowVoiceAssistant, Bool(true)),
        (AllowAssistantWhileLocked, Bool(false)),
        (AllowPassbookWhileLocked, Bool(false)),
        (SystemSecurityTls, Bool(true)),
        (MaxPasswordGracePeriod, Minutes(5)),
        (PasswordQuality, Int(6)),
        (RegionRatings, Enum("us")),
        (MoviesRating, Rating(300)),
        (TvShowsRating, Rating(400)),
        (AppsRating, Enum("Rating12plus")),
        (FirewallStatus, Text("Required".into())),
        (AccountName, Text("Contoso mail".into())),
    ])
}

pub fn rich_allow() -> RuleSettings {
    use BmsSetting::*;
    use SettingValue::*;
    settings(&[
        (PasswordRequired, Bool(true)),
        (AllowSimplePassword, Bool(false)),
        (PasswordMinComplexChars, Int(1)),
        (PasswordMinimumLength, Int(6)),
        (MaxPasswordAttemptsBeforeWipe, Int(8)),
        (PasswordTimeout, Minutes(12)),
        (PasswordExpirationDays, Int(60)),
        (PasswordHistoryCount, Int(3)),
        (PhoneMemoryEncrypted, Bool(true)),
        (RequireEmailProfile, Bool(true)),
        (AllowICloudPhotoSync, Bool(false)),
        (AllowScreenshot, Bool(false)),
        (AllowDiagnosticSubmission, Bool(false)),
        (CameraEnabled, Bool(false)),
        (MaxPasswordGracePeriod, Minutes(240)),
        (RegionRatings, Enum("gb")),
        (MoviesRating, Rating(325)),
        (TvShowsRating, Rating(500)),
        (AppsRating, Enum("Rating17plus")),
        (AllowConvenienceLogon, Bool(false)),
        (
            WorkFoldersSyncUrl,
            Text("https://workfolders.contoso.com".into()),
        ),
    ])
}

/// Every object recommendation (not record-only).
pub fn objects(m: &Mapping) -> impl Iterator<Item = &Recommendation> {
    m.recommendations.iter().filter(|r| r.api.is_some())
}

pub fn find<'a>(m: &'a Mapping, name: &str, collection: &str) -> &'a Recommendation {
    m.recommendations
        .iter()
        .find(|r| r.display_name == name && r.collection.map(|c| c.as_str()) == Some(collection))
        .unwrap_or_else(|| panic!("no {collection} object {name}"))
}

pub fn body<'a>(m: &'a Mapping, name: &str, collection: &str) -> &'a serde_json::Value {
    find(m, name, collection).body.as_ref().expect("body")
}
