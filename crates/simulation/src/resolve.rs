//! Intune's per-setting conflict rules, applied to the values that several assigned objects
//! give one setting of one device (intune-behavior.md §3):
//!
//! - compliance vs compliance: the most restrictive value wins;
//! - compliance vs configuration: the compliance policy wins;
//! - configuration vs configuration with different values: a conflict, and neither applies.

use crate::strictness::compare;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cmp::Ordering;

/// Whether an object is a compliance policy or a configuration profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ObjectKind {
    Compliance,
    Configuration,
}

/// One object's value for the setting. `object` is an index into the caller's object list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution<'a> {
    pub object: u32,
    pub kind: ObjectKind,
    pub value: &'a Value,
}

/// Which rule decided the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// One object sets it, or all agree.
    SingleValue,
    /// Several compliance policies; the most restrictive value wins.
    MostRestrictiveCompliance,
    /// Compliance and configuration both set it; compliance wins.
    ComplianceBeatsConfiguration,
    /// Configuration profiles disagree: Intune reports a conflict and applies neither.
    ConfigurationConflict,
    /// Compliance policies disagree on a setting with no known order.
    UnorderedComplianceConflict,
}

impl Rule {
    pub fn explain(self) -> &'static str {
        match self {
            Rule::SingleValue => "one value",
            Rule::MostRestrictiveCompliance => {
                "compliance vs compliance: the most restrictive value wins"
            }
            Rule::ComplianceBeatsConfiguration => {
                "compliance vs configuration: the compliance policy wins"
            }
            Rule::ConfigurationConflict => {
                "configuration vs configuration: conflict, neither value applies"
            }
            Rule::UnorderedComplianceConflict => {
                "compliance vs compliance with no known order: reported as a conflict (assumption)"
            }
        }
    }
}

/// The value a device ends up with.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution<'a> {
    /// `None` when a conflict leaves the setting unapplied.
    pub value: Option<&'a Value>,
    /// The object whose value applies.
    pub winner: Option<u32>,
    pub rule: Rule,
    /// Pairs of objects that disagree (first, second in contribution order), with the rule
    /// Intune applies to them.
    pub disagreements: Vec<(u32, u32, Rule)>,
}

/// Resolves one setting. `contributions` must not be empty.
pub fn resolve<'a>(property: &str, contributions: &[Contribution<'a>]) -> Resolution<'a> {
    let has_compliance = contributions
        .iter()
        .any(|c| c.kind == ObjectKind::Compliance);
    let mut disagreements = Vec::new();
    let mut unordered = false;
    // Every pair that disagrees, with the rule that settles it.
    for (i, a) in contributions.iter().enumerate() {
        for b in &contributions[i + 1..] {
            if a.value == b.value {
                continue;
            }
            let rule = match (a.kind, b.kind) {
                (ObjectKind::Compliance, ObjectKind::Compliance) => {
                    if compare(property, a.value, b.value).is_none() {
                        unordered = true;
                        Rule::UnorderedComplianceConflict
                    } else {
                        Rule::MostRestrictiveCompliance
                    }
                }
                (ObjectKind::Configuration, ObjectKind::Configuration) if !has_compliance => {
                    Rule::ConfigurationConflict
                }
                _ => Rule::ComplianceBeatsConfiguration,
            };
            disagreements.push((a.object, b.object, rule));
        }
    }
    let strongest = |kind: ObjectKind| {
        contributions.iter().filter(|c| c.kind == kind).fold(
            None::<&Contribution<'a>>,
            |best, c| match best {
                Some(b) if compare(property, c.value, b.value) != Some(Ordering::Greater) => {
                    Some(b)
                }
                _ => Some(c),
            },
        )
    };
    let rule_of = |disagreements: &[(u32, u32, Rule)]| {
        [
            Rule::UnorderedComplianceConflict,
            Rule::ConfigurationConflict,
            Rule::MostRestrictiveCompliance,
            Rule::ComplianceBeatsConfiguration,
        ]
        .into_iter()
        .find(|r| disagreements.iter().any(|d| d.2 == *r))
        .unwrap_or(Rule::SingleValue)
    };
    let rule = rule_of(&disagreements);
    if unordered || rule == Rule::ConfigurationConflict {
        return Resolution {
            value: None,
            winner: None,
            rule,
            disagreements,
        };
    }
    let kind = if has_compliance {
        ObjectKind::Compliance
    } else {
        ObjectKind::Configuration
    };
    let winner = strongest(kind);
    Resolution {
        value: winner.map(|w| w.value),
        winner: winner.map(|w| w.object),
        rule,
        disagreements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn c(object: u32, kind: ObjectKind, value: &Value) -> Contribution<'_> {
        Contribution {
            object,
            kind,
            value,
        }
    }

    #[test]
    fn compliance_most_restrictive_wins() {
        let (six, eight) = (json!(6), json!(8));
        let r = resolve(
            "passcodeMinimumLength",
            &[
                c(0, ObjectKind::Compliance, &six),
                c(1, ObjectKind::Compliance, &eight),
            ],
        );
        assert_eq!(r.value, Some(&eight));
        assert_eq!(r.winner, Some(1));
        assert_eq!(r.rule, Rule::MostRestrictiveCompliance);
        assert_eq!(r.disagreements, [(0, 1, Rule::MostRestrictiveCompliance)]);
    }

    #[test]
    fn compliance_beats_configuration() {
        let (five, fifteen) = (json!(5), json!(15));
        let r = resolve(
            "passcodeMinutesOfInactivityBeforeLock",
            &[
                c(0, ObjectKind::Configuration, &five),
                c(1, ObjectKind::Compliance, &fifteen),
            ],
        );
        assert_eq!(r.value, Some(&fifteen), "compliance wins even when looser");
        assert_eq!(r.rule, Rule::ComplianceBeatsConfiguration);
    }

    #[test]
    fn configurations_that_disagree_apply_nothing() {
        let (six, ten) = (json!(6), json!(10));
        let r = resolve(
            "passcodeSignInFailureCountBeforeWipe",
            &[
                c(3, ObjectKind::Configuration, &ten),
                c(7, ObjectKind::Configuration, &six),
            ],
        );
        assert_eq!(r.value, None);
        assert_eq!(r.rule, Rule::ConfigurationConflict);
        assert_eq!(r.disagreements, [(3, 7, Rule::ConfigurationConflict)]);
        let same = resolve(
            "cameraBlocked",
            &[
                c(0, ObjectKind::Configuration, &ten),
                c(1, ObjectKind::Configuration, &ten),
            ],
        );
        assert_eq!(same.value, Some(&ten));
        assert_eq!(same.rule, Rule::SingleValue);
    }

    #[test]
    fn unordered_compliance_values_conflict() {
        let (a, b) = (
            json!({"movieRating": "general"}),
            json!({"movieRating": "adults"}),
        );
        let r = resolve(
            "mediaContentRatingUnitedStates",
            &[
                c(0, ObjectKind::Compliance, &a),
                c(1, ObjectKind::Compliance, &b),
            ],
        );
        assert_eq!(r.value, None);
        assert_eq!(r.rule, Rule::UnorderedComplianceConflict);
    }
}
