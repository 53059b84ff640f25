//! Existing Intune objects whose reach is unknown (assignments not exported, an assignment
//! filter, a Configuration Manager collection, a target type the tool does not evaluate):
//! the settings they may set become the outcome `unknown` for every user they may reach,
//! never `unchanged`, and the objects are listed as conflicts that were not checked.

use crate::engine::Outcome;
use crate::objects::{Origin, SimObject};
use crate::resolve::Contribution;
use serde::{Deserialize, Serialize};

/// An existing object conflicts with which were not checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UncheckedObject {
    pub display_name: String,
    pub odata_type: String,
    pub id: String,
    /// Why its reach is unknown.
    pub reasons: Vec<String>,
}

/// `outcome`, or [`Outcome::Unknown`] when an object of unknown reach contributes a value to
/// the setting.
pub(crate) fn unknown_if_uncertain(
    outcome: Outcome,
    objects: &[SimObject],
    contributions: Option<&Vec<Contribution>>,
) -> Outcome {
    let uncertain =
        contributions.is_some_and(|c| c.iter().any(|c| !objects[c.object as usize].reach_known()));
    if uncertain {
        Outcome::Unknown
    } else {
        outcome
    }
}

/// The existing objects of unknown reach, in catalog order.
pub(crate) fn unchecked_objects(objects: &[SimObject]) -> Vec<UncheckedObject> {
    objects
        .iter()
        .filter(|o| !o.reach_known())
        .map(|o| UncheckedObject {
            display_name: o.display_name.clone(),
            odata_type: o.odata_type.clone(),
            id: match &o.origin {
                Origin::Existing { id } => id.clone(),
                Origin::Generated { file, .. } => file.clone(),
            },
            reasons: o.reach_unknown.clone(),
        })
        .collect()
}
