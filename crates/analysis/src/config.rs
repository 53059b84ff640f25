//! The assessment's settings: the date it is made for, Intune's supported OS floors per
//! platform (dated, with their source), and the tenant-specific lists an admin may add (SKUs
//! assigned only for app protection, extra education SKUs, manufacturers without Google Mobile
//! Services). This module owns their defaults and their parsing from a TOML or JSON config
//! text; it does no I/O; the caller reads the file.
//!
//! Defaults come from `intune-behavior.md` §1.1: the newest rendered "Operating systems and
//! browsers supported by Microsoft Intune" page (metadata `ms.date` 2025-10-14, content newer)
//! lists iOS/iPadOS 18 and macOS 15; the include dated 10/14/2025 still said iOS/iPadOS 17 and
//! macOS 14. Android needs 10.0 for every user-based enrolment. Windows 10/11 desktop is the
//! floor, and Windows 10 is only "allowed" (not supported) after its end of support on
//! 2025-10-14.
//!
//! A config file looks like this (every key optional; JSON with the same keys works too):
//!
//! ```toml
//! asOf = "2026-06-01"
//! windows10EndOfSupport = "2025-10-14"
//! appProtectionOnlySkus = ["EMS"]
//! educationSkus = ["M365EDU_A3_FACULTY"]
//! nonGmsManufacturers = ["HUAWEI"]
//! staleDeviceDays = 30
//!
//! [osFloors]
//! ios = "17.0"
//! ipados = "17.0"
//! android = "10.0"
//! macos = "14.0"
//! windows = "10.0"
//! reviewed = "2025-10-14"
//! source = "Intune supported OS include, ms.date 10/14/2025"
//! ```

use bms2intune_model::DevicePlatform;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// The date of the newest source behind the defaults (the Intune licensing page in the
/// reference, ms.date 2026-05-13); also the default `asOf`, so that output never depends on
/// the clock.
pub const REFERENCE_DATE: Date = Date::new(2026, 5, 13);

/// Windows 10 end of support: from then on Intune lists it as "allowed", not supported.
pub const WINDOWS10_END_OF_SUPPORT: Date = Date::new(2025, 10, 14);

/// Everything the assessment can be told besides the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AssessConfig {
    /// The date the assessment is made for. Decides dated rules such as Windows 10's end of
    /// support. Defaults to [`REFERENCE_DATE`]; the CLI may pass today's date.
    pub as_of: Date,
    /// Minimum supported OS version per platform.
    pub os_floors: OsFloors,
    /// From this date Windows 10 devices are reported as "allowed, not supported".
    pub windows10_end_of_support: Date,
    /// `skuPartNumber`s the tenant assigns only to enable app protection (MAM); users whose
    /// Intune entitlement comes only from these are reported as `mam-only-license`.
    pub app_protection_only_skus: Vec<String>,
    /// Extra `skuPartNumber`s to treat as education SKUs (besides the built-in list).
    pub education_skus: Vec<String>,
    /// Android manufacturers whose devices ship without Google Mobile Services (compared
    /// case-insensitively with `managedDevice.manufacturer`). Every other Android device is
    /// assumed to have GMS.
    pub non_gms_manufacturers: Vec<String>,
    /// A BMS device whose last check-in is more than this many days before the snapshot's
    /// newest check-in is reported as `stale-devices`.
    pub stale_device_days: u32,
}

/// The default of [`AssessConfig::stale_device_days`]: Intune's shortest device clean-up
/// rule is 30 days.
pub const STALE_DEVICE_DAYS: u32 = 30;

impl Default for AssessConfig {
    fn default() -> Self {
        AssessConfig {
            as_of: REFERENCE_DATE,
            os_floors: OsFloors::default(),
            windows10_end_of_support: WINDOWS10_END_OF_SUPPORT,
            app_protection_only_skus: Vec::new(),
            education_skus: Vec::new(),
            non_gms_manufacturers: Vec::new(),
            stale_device_days: STALE_DEVICE_DAYS,
        }
    }
}

/// Intune's minimum supported OS version per platform, with where and when it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct OsFloors {
    pub ios: Version,
    pub ipados: Version,
    /// For user-based enrolments (work profile, fully managed, device administrator).
    pub android: Version,
    pub macos: Version,
    /// Windows 10/11 desktop is `10.0`; below it (8.1 = 6.3) is `windows-not-migrated`.
    pub windows: Version,
    /// When the floors were read from their source.
    pub reviewed: Date,
    /// Where the floors come from.
    pub source: String,
}

impl Default for OsFloors {
    fn default() -> Self {
        OsFloors {
            ios: Version::new(&[18, 0]),
            ipados: Version::new(&[18, 0]),
            android: Version::new(&[10, 0]),
            macos: Version::new(&[15, 0]),
            windows: Version::new(&[10, 0]),
            reviewed: REFERENCE_DATE,
            source: "learn.microsoft.com/intune/fundamentals/ref-supported-platforms, newest rendered page \
                     (metadata ms.date 2025-10-14, content newer): iOS/iPadOS 18, macOS 15, Android 10.0 \
                     (user-based enrolment), Windows 10/11; the include dated 2025-10-14 said iOS/iPadOS 17, \
                     macOS 14"
                .into(),
        }
    }
}

impl OsFloors {
    /// The floor for a platform; `None` for Windows Mobile and for platforms BMS does not
    /// manage (Linux, other).
    pub fn floor(&self, platform: DevicePlatform) -> Option<&Version> {
        match platform {
            DevicePlatform::Ios => Some(&self.ios),
            DevicePlatform::IpadOs => Some(&self.ipados),
            DevicePlatform::Android => Some(&self.android),
            DevicePlatform::MacOs => Some(&self.macos),
            DevicePlatform::Windows => Some(&self.windows),
            // Windows Phone / Mobile: nothing migrates (`windows-not-migrated`), no floor applies.
            DevicePlatform::WindowsMobile | DevicePlatform::Linux | DevicePlatform::Other => None,
        }
    }
}

/// A config text that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
}

impl AssessConfig {
    /// Parses a config text: JSON when it starts with `{`, TOML otherwise. Missing keys take
    /// their defaults; unknown keys are an error (they are usually typos).
    pub fn parse(text: &str) -> Result<AssessConfig, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim_start().starts_with('{') {
            Self::from_json(text)
        } else {
            Self::from_toml(text)
        }
    }

    /// Parses a TOML config text.
    pub fn from_toml(text: &str) -> Result<AssessConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError {
            message: e.to_string().trim_end().to_string(),
        })
    }

    /// Parses a JSON config text.
    pub fn from_json(text: &str) -> Result<AssessConfig, ConfigError> {
        serde_json::from_str(text).map_err(|e| ConfigError {
            message: e.to_string(),
        })
    }
}

/// A calendar date, `YYYY-MM-DD`: the model's one date type for days.
pub use bms2intune_model::Day as Date;

/// An OS version: up to six dot-separated numbers, compared numerically with missing parts as
/// zero (`10` = `10.0` < `10.0.19045`).
#[derive(Debug, Clone, Copy)]
pub struct Version {
    parts: [u32; 6],
    len: u8,
}

impl Version {
    /// A version from its numbers (at most six are kept).
    pub fn new(parts: &[u32]) -> Version {
        let mut v = Version {
            parts: [0; 6],
            len: parts.len().min(6) as u8,
        };
        v.parts[..v.len as usize].copy_from_slice(&parts[..v.len as usize]);
        v
    }

    /// Parses the leading numeric part of an OS version string: `17.5.1`, `10.0.19045.3803`,
    /// `14`, `8.1.0 (build)`. `None` when it does not start with a number.
    pub fn parse(text: &str) -> Option<Version> {
        // In place (no vector): it runs for every device of the tenant, several times.
        let mut v = Version {
            parts: [0; 6],
            len: 0,
        };
        for piece in text.trim().split('.') {
            let digits: &str = &piece[..piece.bytes().take_while(u8::is_ascii_digit).count()];
            if digits.is_empty() {
                break;
            }
            v.parts[v.len as usize] = digits.parse::<u32>().ok()?;
            v.len += 1;
            if digits.len() != piece.len() || v.len == 6 {
                break;
            }
        }
        (v.len > 0).then_some(v)
    }

    /// The numbers as given.
    pub fn parts(&self) -> &[u32] {
        &self.parts[..self.len as usize]
    }

    pub fn major(&self) -> u32 {
        self.parts[0]
    }

    pub fn minor(&self) -> u32 {
        self.parts[1]
    }

    /// The third number (the build for Windows `10.0.x`).
    pub fn build(&self) -> u32 {
        self.parts[2]
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts.hash(state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.parts().iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Version, D::Error> {
        d.deserialize_any(TextVisitor("a version like \"18.0\"", Version::parse))
    }
}

/// Reads a value written as a string, a number (`18`, `17.5`) or, for TOML dates written
/// without quotes, the TOML parser's one-entry datetime map.
struct TextVisitor<T>(&'static str, fn(&str) -> Option<T>);

impl<T> TextVisitor<T> {
    fn convert<E: serde::de::Error>(&self, text: &str) -> Result<T, E> {
        (self.1)(text).ok_or_else(|| E::custom(format!("expected {}, got {text:?}", self.0)))
    }
}

impl<'de, T> serde::de::Visitor<'de> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        self.convert(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        self.convert(&v.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        self.convert(&v.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
        self.convert(&v.to_string())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        // toml hands an unquoted date over as a map with one private key and a string value.
        let Some((_key, value)) = map.next_entry::<String, String>()? else {
            return Err(serde::de::Error::custom(format!(
                "expected {}, got an empty table",
                self.0
            )));
        };
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        self.convert(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_reference() {
        let c = AssessConfig::default();
        assert_eq!(c.as_of.to_string(), "2026-05-13");
        assert_eq!(c.os_floors.ios.to_string(), "18.0");
        assert_eq!(c.os_floors.android.to_string(), "10.0");
        assert_eq!(c.os_floors.macos.to_string(), "15.0");
        assert_eq!(c.windows10_end_of_support.to_string(), "2025-10-14");
    }

    #[test]
    fn parses_toml_with_quoted_and_bare_dates() {
        let c = AssessConfig::parse(
            "asOf = 2026-02-01\nappProtectionOnlySkus = [\"EMS\"]\n[osFloors]\nios = \"17.0\"\nandroid = 10\nreviewed = \"2025-10-14\"\n",
        )
        .unwrap();
        assert_eq!(c.as_of, Date::new(2026, 2, 1));
        assert_eq!(c.os_floors.ios, Version::new(&[17, 0]));
        assert_eq!(
            c.os_floors.ipados,
            Version::new(&[18, 0]),
            "unset keys keep their default"
        );
        assert_eq!(c.os_floors.android, Version::new(&[10]));
        assert_eq!(c.os_floors.reviewed.to_string(), "2025-10-14");
        assert_eq!(c.app_protection_only_skus, vec!["EMS".to_string()]);
    }

    #[test]
    fn parses_json_and_rejects_typos() {
        let c =
            AssessConfig::parse("{\"asOf\": \"2025-12-31\", \"osFloors\": {\"macos\": \"14\"}}")
                .unwrap();
        assert_eq!(c.as_of.to_string(), "2025-12-31");
        assert_eq!(c.os_floors.macos, Version::new(&[14]));
        let e = AssessConfig::parse("asof = \"2025-12-31\"").unwrap_err();
        assert!(e.message.contains("asof"), "{}", e.message);
        assert!(AssessConfig::parse("asOf = \"2025-13-01\"").is_err());
        assert!(AssessConfig::parse("{\"osFloors\": {\"ios\": \"latest\"}}").is_err());
        assert_eq!(AssessConfig::parse("").unwrap(), AssessConfig::default());
    }

    #[test]
    fn versions_compare_numerically() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("9.3.5") < v("10"));
        assert!(v("10") == v("10.0"));
        assert!(v("10.0") < v("10.0.19045"));
        assert!(v("17.7.2") < v("18.0"));
        assert_eq!(v("10.0.22631.4317").build(), 22631);
        assert_eq!(v("8.1 (Build 9600)"), Version::new(&[8, 1]));
        assert_eq!(Version::parse(""), None);
        assert_eq!(Version::parse("unknown"), None);
        assert_eq!(Version::parse("99999999999999"), None);
    }

    #[test]
    fn dates_are_validated() {
        assert_eq!(
            AssessConfig::parse("asOf = \"2024-02-29\"").unwrap().as_of,
            Date::new(2024, 2, 29)
        );
        let e = AssessConfig::parse("asOf = \"2025-02-29\"").unwrap_err();
        assert!(
            e.message.contains("expected a date YYYY-MM-DD"),
            "{}",
            e.message
        );
        assert!(AssessConfig::parse("asOf = \"14/10/2025\"").is_err());
        assert_eq!(
            AssessConfig::parse("asOf = 2025-10-14T23:00:00-05:00")
                .unwrap()
                .as_of,
            Date::new(2025, 10, 15),
            "a bare TOML datetime counts as its day in UTC"
        );
    }
}
