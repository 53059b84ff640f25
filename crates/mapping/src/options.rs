//! The knobs of a mapping run ([`MappingOptions`]) and the Android enrolment choice
//! ([`AndroidTarget`]). This module owns their defaults and their text forms, so the CLI can
//! take them straight from flags (`--android device-admin|work-profile|both`,
//! `--grace-hours N`, `--preserve-priority`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Largest `gracePeriodHours` Graph accepts on a compliance action (one year).
pub const MAX_GRACE_HOURS: u32 = 8760;

/// How one run maps a BMS export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingOptions {
    /// Which Android enrolment types get objects.
    pub android: AndroidTarget,
    /// Hours a device may stay non-compliant before the `block` action (Graph: 0–8760;
    /// larger values are clamped to 8760 and the clamp is noted).
    pub grace_hours: u32,
    /// Exclude the groups of every higher-priority BMS policy from each object, so a user keeps
    /// getting only the first matching policy, as under BMS.
    pub preserve_priority: bool,
}

impl Default for MappingOptions {
    fn default() -> Self {
        MappingOptions {
            android: AndroidTarget::Both,
            grace_hours: 0,
            preserve_priority: true,
        }
    }
}

/// Which Android objects to emit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum AndroidTarget {
    /// Android device administrator (`androidCompliancePolicy`,
    /// `androidGeneralDeviceConfiguration`), Microsoft's `_O365_A` objects. This is what BMS
    /// enrolled, but Intune ended device administrator support on GMS devices on 31 Dec 2024.
    DeviceAdmin,
    /// Android Enterprise personally-owned work profile (`androidWorkProfileCompliancePolicy`,
    /// `androidWorkProfileGeneralDeviceConfiguration`), our `_O365_AWP` objects. Devices must
    /// re-enrol with a work profile to receive them.
    WorkProfile,
    /// Both sets of objects.
    #[default]
    Both,
}

impl AndroidTarget {
    /// Every value, in documentation order.
    pub const ALL: [AndroidTarget; 3] = [
        AndroidTarget::DeviceAdmin,
        AndroidTarget::WorkProfile,
        AndroidTarget::Both,
    ];

    /// The flag spelling: `device-admin`, `work-profile` or `both`.
    pub fn as_str(self) -> &'static str {
        match self {
            AndroidTarget::DeviceAdmin => "device-admin",
            AndroidTarget::WorkProfile => "work-profile",
            AndroidTarget::Both => "both",
        }
    }

    /// Whether device administrator objects are emitted.
    pub fn device_admin(self) -> bool {
        matches!(self, AndroidTarget::DeviceAdmin | AndroidTarget::Both)
    }

    /// Whether work-profile objects are emitted.
    pub fn work_profile(self) -> bool {
        matches!(self, AndroidTarget::WorkProfile | AndroidTarget::Both)
    }
}

impl fmt::Display for AndroidTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not `device-admin`, `work-profile` or `both`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Android target {0:?}: expected device-admin, work-profile or both")]
pub struct InvalidAndroidTarget(pub String);

impl FromStr for AndroidTarget {
    type Err = InvalidAndroidTarget;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        AndroidTarget::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| InvalidAndroidTarget(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn android_target_round_trips() {
        for t in AndroidTarget::ALL {
            assert_eq!(t.to_string().parse::<AndroidTarget>(), Ok(t));
        }
        assert_eq!(
            "Work-Profile".parse::<AndroidTarget>(),
            Ok(AndroidTarget::WorkProfile)
        );
        assert!("legacy".parse::<AndroidTarget>().is_err());
    }

    #[test]
    fn defaults() {
        let o = MappingOptions::default();
        assert_eq!(o.android, AndroidTarget::Both);
        assert_eq!(o.grace_hours, 0);
        assert!(o.preserve_priority);
    }
}
