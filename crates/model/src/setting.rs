//! Every BMS rule setting, as one table: its PowerShell property name and the kind of value it
//! holds, plus the tri-state value store [`RuleSettings`].
//!
//! A setting absent or `null` in an export is *not configured* and has no entry here; it is
//! never read as `false`. Adding a setting means adding one variant and one row in
//! [`BmsSetting::ALL`]: readers, mapping coverage checks and reports pick it up from there.

use std::fmt;

/// The shape of a setting's value in a PowerShell export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `true`/`false`.
    Bool,
    /// A whole number.
    Int,
    /// A .NET TimeSpan (object or `[d.]hh:mm:ss` string), kept in whole minutes.
    TimeSpan,
    /// An enum written as its number or its name; the table gives `(name, number)` pairs.
    Enum(&'static [(&'static str, i64)]),
    /// An iOS media rating: the integer BMS stores (names share integers across regions, so the
    /// integer plus `RegionRatings` is the truth).
    Rating,
    /// Free text.
    Text,
    /// Any scalar (bool, number or string): the Windows-only and legacy email fields, whose
    /// documented and returned types disagree.
    Loose,
}

/// `RegionRatings` members and their stored integers.
pub const RATING_REGIONS: &[(&str, i64)] = &[
    ("us", 1),
    ("au", 2),
    ("ca", 3),
    ("de", 4),
    ("fr", 5),
    ("ie", 6),
    ("jp", 7),
    ("nz", 8),
    ("gb", 9),
];

/// `AppsRating` members and their stored integers.
pub const APPS_RATINGS: &[(&str, i64)] = &[
    ("DontAllow", 0),
    ("Rating4plus", 100),
    ("Rating9plus", 200),
    ("Rating12plus", 300),
    ("Rating17plus", 600),
    ("AllowAll", 1000),
];

/// `UserAccountControlStatus` members.
pub const UAC_STATUSES: &[(&str, i64)] = &[
    ("AlwaysNotify", 1),
    ("NotifyAppChanges", 2),
    ("NotifyAppChangesDoNotDimdesktop", 3),
    ("NeverNotify", 4),
];

/// `AutoUpdateStatus` members.
pub const AUTO_UPDATE_STATUSES: &[(&str, i64)] = &[
    ("AutomaticUpdatesRequired", 0),
    ("AutomaticCheckForUpdates", 1),
    ("AutomaticDownloadUpdates", 2),
    ("NeverCheckUpdates", 3),
    ("DeviceDefault", 4),
];

macro_rules! settings {
    ($( $variant:ident = $prop:literal : $kind:expr ),* $(,)?) => {
        /// A setting of a BMS device rule (`Get-DeviceConditionalAccessRule` /
        /// `Get-DeviceConfigurationRule`), named after its PowerShell property.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum BmsSetting { $( $variant ),* }

        impl BmsSetting {
            /// Every setting, in the order of the BMS documentation (access requirements,
            /// configurations, PowerShell-only, Windows-only, legacy email).
            pub const ALL: &'static [BmsSetting] = &[ $( BmsSetting::$variant ),* ];
            /// How many settings there are.
            pub const COUNT: usize = Self::ALL.len();

            /// The PowerShell property name, e.g. `PasswordTimeout`.
            pub fn property(self) -> &'static str {
                match self { $( BmsSetting::$variant => $prop ),* }
            }

            /// What kind of value the setting holds.
            pub fn kind(self) -> ValueKind {
                match self { $( BmsSetting::$variant => $kind ),* }
            }
        }
    };
}

settings! {
    // Access requirements
    PasswordRequired = "PasswordRequired": ValueKind::Bool,
    AllowSimplePassword = "AllowSimplePassword": ValueKind::Bool,
    PasswordMinComplexChars = "PasswordMinComplexChars": ValueKind::Int,
    PasswordMinimumLength = "PasswordMinimumLength": ValueKind::Int,
    MaxPasswordAttemptsBeforeWipe = "MaxPasswordAttemptsBeforeWipe": ValueKind::Int,
    PasswordTimeout = "PasswordTimeout": ValueKind::TimeSpan,
    PasswordExpirationDays = "PasswordExpirationDays": ValueKind::Int,
    PasswordHistoryCount = "PasswordHistoryCount": ValueKind::Int,
    PhoneMemoryEncrypted = "PhoneMemoryEncrypted": ValueKind::Bool,
    AllowJailbroken = "AllowJailbroken": ValueKind::Bool,
    RequireEmailProfile = "RequireEmailProfile": ValueKind::Bool,
    // Configurations
    ForceEncryptedBackup = "ForceEncryptedBackup": ValueKind::Bool,
    AllowICloudBackup = "AllowiCloudBackup": ValueKind::Bool,
    AllowICloudDocSync = "AllowiCloudDocSync": ValueKind::Bool,
    AllowICloudPhotoSync = "AllowiCloudPhotoSync": ValueKind::Bool,
    AllowScreenshot = "AllowScreenshot": ValueKind::Bool,
    AllowVideoConferencing = "AllowVideoConferencing": ValueKind::Bool,
    AllowDiagnosticSubmission = "AllowDiagnosticSubmission": ValueKind::Bool,
    AllowAppStore = "AllowAppStore": ValueKind::Bool,
    ForceAppStorePassword = "ForceAppStorePassword": ValueKind::Bool,
    EnableRemovableStorage = "EnableRemovableStorage": ValueKind::Bool,
    BluetoothEnabled = "BluetoothEnabled": ValueKind::Bool,
    // PowerShell-only
    CameraEnabled = "CameraEnabled": ValueKind::Bool,
    AllowVoiceDialing = "AllowVoiceDialing": ValueKind::Bool,
    AllowVoiceAssistant = "AllowVoiceAssistant": ValueKind::Bool,
    AllowAssistantWhileLocked = "AllowAssistantWhileLocked": ValueKind::Bool,
    AllowPassbookWhileLocked = "AllowPassbookWhileLocked": ValueKind::Bool,
    SystemSecurityTls = "SystemSecurityTLS": ValueKind::Bool,
    MaxPasswordGracePeriod = "MaxPasswordGracePeriod": ValueKind::TimeSpan,
    PasswordQuality = "PasswordQuality": ValueKind::Int,
    PasswordComplexity = "PasswordComplexity": ValueKind::Loose,
    RegionRatings = "RegionRatings": ValueKind::Enum(RATING_REGIONS),
    MoviesRating = "MoviesRating": ValueKind::Rating,
    TvShowsRating = "TVShowsRating": ValueKind::Rating,
    AppsRating = "AppsRating": ValueKind::Enum(APPS_RATINGS),
    // Windows-only (PowerShell)
    AllowConvenienceLogon = "AllowConvenienceLogon": ValueKind::Loose,
    UserAccountControlStatus = "UserAccountControlStatus": ValueKind::Enum(UAC_STATUSES),
    FirewallStatus = "FirewallStatus": ValueKind::Loose,
    AutoUpdateStatus = "AutoUpdateStatus": ValueKind::Enum(AUTO_UPDATE_STATUSES),
    AntiVirusStatus = "AntiVirusStatus": ValueKind::Loose,
    AntiVirusSignatureStatus = "AntiVirusSignatureStatus": ValueKind::Loose,
    SmartScreenEnabled = "SmartScreenEnabled": ValueKind::Loose,
    WorkFoldersSyncUrl = "WorkFoldersSyncUrl": ValueKind::Text,
    WlanEnabled = "WLANEnabled": ValueKind::Loose,
    // Legacy Exchange ActiveSync profile fields
    AccountName = "AccountName": ValueKind::Text,
    AccountUserName = "AccountUserName": ValueKind::Text,
    EmailAddress = "EmailAddress": ValueKind::Text,
    ExchangeActiveSyncHost = "ExchangeActiveSyncHost": ValueKind::Text,
    UseSsl = "UseSSL": ValueKind::Loose,
    AllowMove = "AllowMove": ValueKind::Loose,
    AllowRecentAddressSyncing = "AllowRecentAddressSyncing": ValueKind::Loose,
    DaysToSync = "DaysToSync": ValueKind::Loose,
    ContentType = "ContentType": ValueKind::Loose,
    UseSmime = "UseSMIME": ValueKind::Loose,
    SyncSchedule = "SyncSchedule": ValueKind::Loose,
    UseOnlyInEmail = "UseOnlyInEmail": ValueKind::Loose,
}

impl BmsSetting {
    /// The setting with this PowerShell property name (exact case, as exports write it;
    /// falls back to a case-insensitive match).
    pub fn from_property(name: &str) -> Option<BmsSetting> {
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.property() == name)
            .or_else(|| {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|s| s.property().eq_ignore_ascii_case(name))
            })
    }

    /// Position in [`BmsSetting::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for BmsSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.property())
    }
}

impl serde::Serialize for BmsSetting {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.property())
    }
}

/// A configured value of a BMS setting.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SettingValue {
    Bool(bool),
    Int(i64),
    /// A TimeSpan in whole minutes (BMS stores minutes; seconds are dropped).
    Minutes(u32),
    /// An enum member, by its canonical name from the setting's table.
    Enum(&'static str),
    /// An iOS media rating integer.
    Rating(i64),
    Text(String),
}

impl SettingValue {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            SettingValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            SettingValue::Int(n) | SettingValue::Rating(n) => Some(*n),
            SettingValue::Minutes(m) => Some(*m as i64),
            _ => None,
        }
    }

    pub fn as_minutes(&self) -> Option<u32> {
        match self {
            SettingValue::Minutes(m) => Some(*m),
            _ => None,
        }
    }

    pub fn as_enum(&self) -> Option<&'static str> {
        match self {
            SettingValue::Enum(e) => Some(e),
            _ => None,
        }
    }
}

/// Formats minutes as a .NET TimeSpan string, `[d.]hh:mm:ss`.
pub fn format_timespan(minutes: u32) -> String {
    let days = minutes / (24 * 60);
    let hours = (minutes / 60) % 24;
    let mins = minutes % 60;
    if days > 0 {
        format!("{days}.{hours:02}:{mins:02}:00")
    } else {
        format!("{hours:02}:{mins:02}:00")
    }
}

impl fmt::Display for SettingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingValue::Bool(b) => write!(f, "{b}"),
            SettingValue::Int(n) | SettingValue::Rating(n) => write!(f, "{n}"),
            SettingValue::Minutes(m) => f.write_str(&format_timespan(*m)),
            SettingValue::Enum(e) => f.write_str(e),
            SettingValue::Text(t) => f.write_str(t),
        }
    }
}

/// Reads a value as [`SettingValue`]'s `Serialize` writes it: `true`/`false` as `Bool`, a whole
/// number as `Int`, text as `Text`. TimeSpans, enum members and ratings come back as the text or
/// number they were written as (their kind lives in the setting's table, not in the JSON), so a
/// value read back serializes to the same JSON.
impl<'de> serde::Deserialize<'de> for SettingValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SettingValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean, a whole number or a string")
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<SettingValue, E> {
                Ok(SettingValue::Bool(b))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<SettingValue, E> {
                Ok(SettingValue::Int(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<SettingValue, E> {
                i64::try_from(n)
                    .map(SettingValue::Int)
                    .map_err(|_| E::custom(format!("{n} is too large for a setting value")))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<SettingValue, E> {
                Ok(SettingValue::Text(s.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<SettingValue, E> {
                Ok(SettingValue::Text(s))
            }
        }
        d.deserialize_any(V)
    }
}

impl serde::Serialize for SettingValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SettingValue::Bool(b) => s.serialize_bool(*b),
            SettingValue::Int(n) | SettingValue::Rating(n) => s.serialize_i64(*n),
            SettingValue::Minutes(m) => s.serialize_str(&format_timespan(*m)),
            SettingValue::Enum(e) => s.serialize_str(e),
            SettingValue::Text(t) => s.serialize_str(t),
        }
    }
}

/// The configured settings of one rule. Not configured = no entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RuleSettings {
    values: Vec<Option<SettingValue>>,
}

impl RuleSettings {
    pub fn new() -> Self {
        RuleSettings {
            values: vec![None; BmsSetting::COUNT],
        }
    }

    /// The value, or `None` when the setting is not configured.
    pub fn get(&self, setting: BmsSetting) -> Option<&SettingValue> {
        self.values.get(setting.index()).and_then(Option::as_ref)
    }

    pub fn set(&mut self, setting: BmsSetting, value: SettingValue) {
        if self.values.len() < BmsSetting::COUNT {
            self.values.resize(BmsSetting::COUNT, None);
        }
        self.values[setting.index()] = Some(value);
    }

    pub fn clear(&mut self, setting: BmsSetting) {
        if let Some(slot) = self.values.get_mut(setting.index()) {
            *slot = None;
        }
    }

    pub fn bool(&self, setting: BmsSetting) -> Option<bool> {
        self.get(setting).and_then(SettingValue::as_bool)
    }

    pub fn int(&self, setting: BmsSetting) -> Option<i64> {
        self.get(setting).and_then(SettingValue::as_int)
    }

    pub fn minutes(&self, setting: BmsSetting) -> Option<u32> {
        self.get(setting).and_then(SettingValue::as_minutes)
    }

    /// The configured settings in [`BmsSetting::ALL`] order.
    pub fn configured(&self) -> impl Iterator<Item = (BmsSetting, &SettingValue)> + '_ {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (BmsSetting::ALL[i], v)))
    }

    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }
}

impl serde::Serialize for RuleSettings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (setting, value) in self.configured() {
            map.serialize_entry(setting.property(), value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for (i, s) in BmsSetting::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
            assert_eq!(BmsSetting::from_property(s.property()), Some(*s));
        }
        assert_eq!(
            BmsSetting::from_property("systemsecuritytls"),
            Some(BmsSetting::SystemSecurityTls)
        );
        assert_eq!(BmsSetting::from_property("Name"), None);
    }

    #[test]
    fn null_is_not_false() {
        let mut s = RuleSettings::new();
        assert_eq!(s.bool(BmsSetting::AllowAppStore), None);
        s.set(BmsSetting::AllowAppStore, SettingValue::Bool(false));
        assert_eq!(s.bool(BmsSetting::AllowAppStore), Some(false));
        assert_eq!(s.configured().count(), 1);
    }

    #[test]
    fn timespans_format_like_dotnet() {
        assert_eq!(format_timespan(15), "00:15:00");
        assert_eq!(format_timespan(60), "01:00:00");
        assert_eq!(format_timespan(7200), "5.00:00:00");
    }
}
