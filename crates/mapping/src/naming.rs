//! Names of the generated objects and their files. This module owns the naming convention of
//! mapping.md §0 (`<policy>_O365_W`, `_O365_i`, `_O365_A`, `_Email`), our suffix for Android
//! Enterprise work-profile objects ([`WORK_PROFILE_SUFFIX`] = `_O365_AWP`), the Conditional
//! Access name (`<policy>_OfficeMDM`), and turning display names into unique, file-safe paths.

use crate::record::{Api, Collection, TargetPlatform};
use std::collections::BTreeSet;

/// Suffix of Windows objects (Microsoft's).
pub const WINDOWS_SUFFIX: &str = "_O365_W";
/// Suffix of iOS/iPadOS objects (Microsoft's).
pub const IOS_SUFFIX: &str = "_O365_i";
/// Suffix of Android device administrator objects (Microsoft's).
pub const DEVICE_ADMIN_SUFFIX: &str = "_O365_A";
/// Suffix of Android Enterprise personally-owned work-profile objects: **ours** (Microsoft's map
/// has none). "AWP" = Android Work Profile; it sorts next to `_O365_A` in the Intune console.
pub const WORK_PROFILE_SUFFIX: &str = "_O365_AWP";
/// Added to the platform name for email profiles (Microsoft's).
pub const EMAIL_SUFFIX: &str = "_Email";
/// Suffix of the modern Conditional Access policy (ours, after the classic policies' purpose).
pub const CONDITIONAL_ACCESS_SUFFIX: &str = "_OfficeMDM";

/// Longest file stem written (well under the 255-byte limit of common file systems).
const MAX_STEM_BYTES: usize = 150;

/// The platform suffix.
pub fn platform_suffix(platform: TargetPlatform) -> &'static str {
    match platform {
        TargetPlatform::Windows => WINDOWS_SUFFIX,
        TargetPlatform::Ios => IOS_SUFFIX,
        TargetPlatform::AndroidDeviceAdmin => DEVICE_ADMIN_SUFFIX,
        TargetPlatform::AndroidWorkProfile => WORK_PROFILE_SUFFIX,
        TargetPlatform::Mobile => CONDITIONAL_ACCESS_SUFFIX,
    }
}

/// `<policy><platform suffix>`: the name of the compliance policy and the configuration profile
/// of a platform (they share it; they live in different collections).
pub fn object_name(policy: &str, platform: TargetPlatform) -> String {
    format!("{policy}{}", platform_suffix(platform))
}

/// `<policy><platform suffix>_Email`.
pub fn email_name(policy: &str, platform: TargetPlatform) -> String {
    format!("{policy}{}{EMAIL_SUFFIX}", platform_suffix(platform))
}

/// `<policy>_OfficeMDM`.
pub fn conditional_access_name(policy: &str) -> String {
    format!("{policy}{CONDITIONAL_ACCESS_SUFFIX}")
}

/// The display name with every character that is illegal in a file name on Windows or Unix
/// (`/\:*?"<>|` and control characters) replaced by `_`, trailing dots and spaces removed
/// (Windows drops them), cut to a safe length, and never empty.
pub fn file_safe(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if out.len() > MAX_STEM_BYTES {
        let mut cut = MAX_STEM_BYTES;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    let trimmed = out.trim_end_matches(['.', ' ']).trim_start();
    if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Hands out unique relative file paths. Uniqueness is case-insensitive, because Windows and
/// macOS file systems are.
#[derive(Debug, Default)]
pub struct FileNames {
    taken: BTreeSet<String>,
}

impl FileNames {
    pub fn new() -> Self {
        FileNames::default()
    }

    /// `graph/<api>/<collection>/<file-safe name>.json`, with ` (2)`, ` (3)`, … added when the
    /// path is already taken.
    pub fn claim(&mut self, api: Api, collection: Collection, display_name: &str) -> String {
        let stem = file_safe(display_name);
        let dir = format!("graph/{}/{}", api.as_str(), collection.as_str());
        let mut n: u32 = 1;
        loop {
            let path = if n == 1 {
                format!("{dir}/{stem}.json")
            } else {
                format!("{dir}/{stem} ({n}).json")
            };
            if self.taken.insert(path.to_lowercase()) {
                return path;
            }
            n = n.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_convention() {
        assert_eq!(
            object_name("Sales", TargetPlatform::Windows),
            "Sales_O365_W"
        );
        assert_eq!(object_name("Sales", TargetPlatform::Ios), "Sales_O365_i");
        assert_eq!(
            object_name("Sales", TargetPlatform::AndroidDeviceAdmin),
            "Sales_O365_A"
        );
        assert_eq!(
            object_name("Sales", TargetPlatform::AndroidWorkProfile),
            "Sales_O365_AWP"
        );
        assert_eq!(
            email_name("Sales", TargetPlatform::Ios),
            "Sales_O365_i_Email"
        );
        assert_eq!(conditional_access_name("Sales"), "Sales_OfficeMDM");
    }

    #[test]
    fn file_safe_replaces_illegal_characters() {
        assert_eq!(file_safe(r#"a/b\c:d*e?f"g<h>i|j"#), "a_b_c_d_e_f_g_h_i_j");
        assert_eq!(file_safe("tab\there\n"), "tab_here_");
        assert_eq!(file_safe("dots... "), "dots");
        assert_eq!(file_safe("..."), "_");
        assert_eq!(file_safe("Ünïcödé ok"), "Ünïcödé ok");
        let long = "é".repeat(200);
        assert!(file_safe(&long).len() <= MAX_STEM_BYTES);
    }

    #[test]
    fn claims_are_unique_case_insensitively() {
        let mut f = FileNames::new();
        let a = f.claim(Api::V1, Collection::DeviceConfigurations, "X_O365_W");
        let b = f.claim(Api::V1, Collection::DeviceConfigurations, "x_o365_w");
        let c = f.claim(Api::V1, Collection::DeviceCompliancePolicies, "X_O365_W");
        assert_eq!(a, "graph/v1.0/deviceConfigurations/X_O365_W.json");
        assert_eq!(b, "graph/v1.0/deviceConfigurations/x_o365_w (2).json");
        assert_eq!(c, "graph/v1.0/deviceCompliancePolicies/X_O365_W.json");
    }
}
