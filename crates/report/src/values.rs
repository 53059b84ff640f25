//! How plan values are shown to a person: Graph values (a setting's target value, the values of
//! a conflict) as text, counts with their noun, and the human labels of the plan's enums
//! (platforms, fidelity grades, severities, outcomes).

use bms2intune_analysis::Severity;
use bms2intune_mapping::Fidelity;
use bms2intune_simulation::Outcome;
use serde_json::Value;

/// How a JSON value is shown in a report cell: strings as they are, `null` as empty, numbers
/// and booleans as JSON spells them, lists joined with `, `, objects as `key: value` pairs (null members left out).
pub fn display(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Object(o) => {
            let parts: Vec<String> = o
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{k}: {}", display(v)))
                .collect();
            parts.join(", ")
        }
    }
}

/// `1 policy` / `2 policies`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A human label for a target platform of the plan: the `platform` of recommendations, of the
/// simulation's impact rows and of conflicts (`windows` there means the Windows 10/11 objects).
pub fn platform_label(p: &str) -> String {
    match p {
        "windows" => "Windows 10/11".to_string(),
        "ios" => "iOS/iPadOS".to_string(),
        "androidDeviceAdmin" => "Android device administrator".to_string(),
        "androidWorkProfile" => "Android Enterprise work profile".to_string(),
        "mobile" => "iOS and Android".to_string(),
        other => device_platform_label(other),
    }
}

/// A human label for a device platform: the keys of a wave's `devicesByPlatform` (`windows`
/// there counts every Windows device BMS manages, 8.1 and RT included, so it is "Windows") and
/// of the snapshot's device counts.
pub fn device_platform_label(p: &str) -> String {
    match p {
        "windows" | "Windows" => "Windows",
        "ios" => "iOS/iPadOS",
        "android" => "Android",
        "windowsMobile" => "Windows Mobile/Phone",
        "macOS" | "macos" => "macOS",
        "linux" => "Linux",
        "other" => "Other",
        other => other,
    }
    .to_string()
}

/// The fidelity grades of mapping.md §8, in order from best to worst, with their labels.
pub const FIDELITIES: [(Fidelity, &str); 5] = [
    (Fidelity::Exact, "Exact"),
    (Fidelity::Approximated, "Approximated"),
    (Fidelity::PlatformLimited, "Platform-limited"),
    (Fidelity::Manual, "Manual"),
    (Fidelity::NotMigrated, "Not migrated"),
];

/// Label of a fidelity grade.
pub fn fidelity_label(f: Fidelity) -> &'static str {
    FIDELITIES
        .iter()
        .find(|(k, _)| *k == f)
        .map_or("", |(_, l)| l)
}

/// The severities of findings, most severe first, with their labels.
pub const SEVERITIES: [(Severity, &str); 3] = [
    (Severity::Blocker, "Blocker"),
    (Severity::Warning, "Warning"),
    (Severity::Info, "Info"),
];

/// Label of a severity.
pub fn severity_label(s: Severity) -> &'static str {
    SEVERITIES
        .iter()
        .find(|(k, _)| *k == s)
        .map_or("", |(_, l)| l)
}

/// The simulation outcomes, in report order: (outcome, label, meaning).
pub const OUTCOMES: [(Outcome, &str, &str); 7] = [
    (
        Outcome::Unchanged,
        "Unchanged",
        "same effective value as under BMS",
    ),
    (
        Outcome::Stricter,
        "Stricter",
        "Intune enforces a stricter value",
    ),
    (Outcome::Looser, "Looser", "Intune enforces a looser value"),
    (
        Outcome::Conflict,
        "Conflict",
        "two configuration profiles disagree: neither applies",
    ),
    (Outcome::Lost, "Lost", "BMS set it and nothing replaces it"),
    (Outcome::New, "New", "not managed before"),
    (
        Outcome::Unknown,
        "Unknown",
        "an existing policy whose targets are unknown may set it",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn graph_values_as_text() {
        assert_eq!(
            display(&json!({"movieRating": "adults", "tvRating": null})),
            "movieRating: adults"
        );
        assert_eq!(display(&json!(["a", 2, true])), "a, 2, true");
        assert_eq!(display(&json!(null)), "");
    }

    #[test]
    fn labels() {
        assert_eq!(
            fidelity_label(Fidelity::PlatformLimited),
            "Platform-limited"
        );
        assert_eq!(severity_label(Severity::Warning), "Warning");
        assert_eq!(platform_label("windows"), "Windows 10/11");
        assert_eq!(platform_label("windowsMobile"), "Windows Mobile/Phone");
        assert_eq!(platform_label("linux"), "Linux");
        assert_eq!(platform_label("other"), "Other");
        assert_eq!(device_platform_label("windows"), "Windows");
        assert_eq!(device_platform_label("ios"), "iOS/iPadOS");
        assert_eq!(device_platform_label("Android"), "Android");
    }
}
