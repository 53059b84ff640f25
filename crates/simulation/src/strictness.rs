//! Which of two values of an Intune setting is the more restrictive.
//!
//! Microsoft documents that between compliance policies "the most restrictive value wins", but
//! defines "most restrictive" for no setting type. This module writes the ordering down once:
//! a few documented-by-meaning rules (a longer minimum password is stricter) and the
//! conventions we assume elsewhere. Every rule says whether it is an assumption, and the
//! simulation output carries that label.
//!
//! Existing settings-catalog policies are compared through the same properties: the table of
//! covered setting definition IDs, each with the property whose order applies here, is
//! [`crate::settings_catalog::COVERED`].

use serde::Serialize;
use serde_json::Value;
use std::cmp::Ordering;

/// How values of one setting order from loose to strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Bigger numbers are stricter (minimum length, history, character sets).
    HigherIsStricter,
    /// Smaller numbers are stricter (minutes before lock, days before expiry, failures
    /// before wipe).
    LowerIsStricter,
    /// `true` is stricter (`…Blocked`, `…Required`, `require…`).
    TrueIsStricter,
    /// Members ranked from loose to strict.
    Ranked(&'static [&'static str]),
    /// No order: two different values can only conflict.
    Unordered,
}

/// The ordering of one setting, and whether it is our assumption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Strictness {
    pub direction: Direction,
    /// True when neither Microsoft nor the meaning of the setting settles the order.
    pub assumption: bool,
}

/// Password-type enums of every platform, weakest first (`requiredPasswordType`,
/// `androidRequiredPasswordType`, `androidWorkProfileRequiredPasswordType`).
const PASSWORD_TYPES: &[&str] = &[
    "deviceDefault",
    "any",
    "required",
    "lowSecurityBiometric",
    "numeric",
    "atLeastNumeric",
    "numericComplex",
    "alphabetic",
    "atLeastAlphabetic",
    "alphanumeric",
    "atLeastAlphanumeric",
    "alphanumericWithSymbols",
];

/// Windows diagnostic data levels, most data (loosest) first.
const DIAGNOSTIC_MODES: &[&str] = &["userDefined", "full", "enhanced", "basic", "none"];

/// iOS app ratings, most permissive first.
const APP_RATINGS: &[&str] = &[
    "allAllowed",
    "agesAbove17",
    "agesAbove12",
    "agesAbove9",
    "agesAbove4",
    "allBlocked",
];

const HIGHER: &[&str] = &[
    "passcodeMinimumLength",
    "passwordMinimumLength",
    "workProfilePasswordMinimumLength",
    "passcodeMinimumCharacterSetCount",
    "passwordMinimumCharacterSetCount",
    "passcodePreviousPasscodeBlockCount",
    "passwordPreviousPasswordBlockCount",
    "workProfilePasswordPreviousPasswordBlockCount",
];

const LOWER: &[&str] = &[
    "passcodeMinutesOfInactivityBeforeLock",
    "passwordMinutesOfInactivityBeforeLock",
    "passcodeMinutesOfInactivityBeforeScreenTimeout",
    "passwordMinutesOfInactivityBeforeScreenTimeout",
    "workProfilePasswordMinutesOfInactivityBeforeScreenTimeout",
    "passcodeExpirationDays",
    "passwordExpirationDays",
    "workProfilePasswordExpirationDays",
    "passcodeSignInFailureCountBeforeWipe",
    "passwordSignInFailureCountBeforeFactoryReset",
    "workProfilePasswordSignInFailureCountBeforeFactoryReset",
];

/// The ordering of a Graph property.
pub fn strictness(property: &str) -> Strictness {
    let known = |direction| Strictness {
        direction,
        assumption: false,
    };
    let assumed = |direction| Strictness {
        direction,
        assumption: true,
    };
    if HIGHER.contains(&property) {
        known(Direction::HigherIsStricter)
    } else if LOWER.contains(&property) {
        known(Direction::LowerIsStricter)
    } else if property.ends_with("RequiredType") {
        known(Direction::Ranked(PASSWORD_TYPES))
    } else if property == "diagnosticsDataSubmissionMode" {
        assumed(Direction::Ranked(DIAGNOSTIC_MODES))
    } else if property == "mediaContentRatingApps" {
        assumed(Direction::Ranked(APP_RATINGS))
    } else if property.starts_with("mediaContentRating") {
        assumed(Direction::Unordered)
    } else {
        // Booleans: Intune's are "block X" or "require X" switches; true restricts more.
        assumed(Direction::TrueIsStricter)
    }
}

/// Compares two values of `property`: `Greater` when `a` is stricter than `b`. `None` when
/// they differ and the setting has no order.
pub fn compare(property: &str, a: &Value, b: &Value) -> Option<Ordering> {
    if a == b {
        return Some(Ordering::Equal);
    }
    match strictness(property).direction {
        Direction::HigherIsStricter => Some(a.as_f64()?.total_cmp(&b.as_f64()?)),
        Direction::LowerIsStricter => Some(b.as_f64()?.total_cmp(&a.as_f64()?)),
        Direction::TrueIsStricter => Some(a.as_bool()?.cmp(&b.as_bool()?)),
        Direction::Ranked(members) => {
            let rank = |v: &Value| members.iter().position(|m| Some(*m) == v.as_str());
            Some(rank(a)?.cmp(&rank(b)?))
        }
        Direction::Unordered => None,
    }
}

/// Whether a property value in an existing Intune object means "not configured": Graph
/// returns every property, with `false`, `null` or a default member for untouched ones.
pub fn is_unconfigured(property: &str, value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => {
            matches!(
                s.as_str(),
                "" | "deviceDefault"
                    | "notConfigured"
                    | "userDefined"
                    | "browserDefault"
                    | "unavailable"
                    | "notSet"
            ) || (property == "mediaContentRatingApps" && s == "allAllowed")
                // "none" is the default of list types and the like, but the strictest
                // diagnostic data level.
                || (s == "none" && property != "diagnosticsDataSubmissionMode")
        }
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn orders_by_meaning() {
        assert_eq!(
            compare("passcodeMinimumLength", &json!(8), &json!(6)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(
                "passcodeMinutesOfInactivityBeforeLock",
                &json!(5),
                &json!(15)
            ),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(
                "passwordSignInFailureCountBeforeFactoryReset",
                &json!(10),
                &json!(6)
            ),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(
                "passwordRequiredType",
                &json!("numeric"),
                &json!("alphanumeric")
            ),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(
                "passwordRequiredType",
                &json!("atLeastNumeric"),
                &json!("numericComplex")
            ),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare("cameraBlocked", &json!(true), &json!(false)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(
                "mediaContentRatingApps",
                &json!("agesAbove12"),
                &json!("allAllowed")
            ),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(
                "diagnosticsDataSubmissionMode",
                &json!("none"),
                &json!("basic")
            ),
            Some(Ordering::Greater)
        );
        let us = |m: &str| json!({"movieRating": m, "tvRating": "allAllowed"});
        assert_eq!(
            compare(
                "mediaContentRatingUnitedStates",
                &us("general"),
                &us("adults")
            ),
            None
        );
        assert_eq!(
            compare(
                "mediaContentRatingUnitedStates",
                &us("general"),
                &us("general")
            ),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare("passcodeMinimumLength", &json!("x"), &json!(6)),
            None
        );
    }

    #[test]
    fn assumptions_are_labelled() {
        assert!(!strictness("passcodeMinimumLength").assumption);
        assert!(strictness("cameraBlocked").assumption);
        assert!(strictness("diagnosticsDataSubmissionMode").assumption);
    }

    #[test]
    fn graph_defaults_are_unconfigured() {
        assert!(is_unconfigured("cameraBlocked", &json!(false)));
        assert!(is_unconfigured("passcodeMinimumLength", &json!(null)));
        assert!(is_unconfigured(
            "passcodeRequiredType",
            &json!("deviceDefault")
        ));
        assert!(is_unconfigured(
            "mediaContentRatingApps",
            &json!("allAllowed")
        ));
        assert!(!is_unconfigured("passcodeMinimumLength", &json!(6)));
        assert!(!is_unconfigured("cameraBlocked", &json!(true)));
        assert!(is_unconfigured("appsVisibilityListType", &json!("none")));
        assert!(!is_unconfigured(
            "diagnosticsDataSubmissionMode",
            &json!("none")
        ));
        assert!(is_unconfigured(
            "deviceThreatProtectionRequiredSecurityLevel",
            &json!("unavailable")
        ));
    }
}
