//! The sign-off checklist: what the change board confirms before the first wave, from the
//! verdict, the waves and the messages the plan needs.

use super::summary::Verdict;
use super::waves::Waves;
use crate::messages::Signals;
use crate::values as v;

pub fn build(verdict: &Verdict, waves: &Waves, signals: &Signals) -> Vec<String> {
    let mut out = vec![match verdict.class {
        "blocked" => {
            "Every blocker finding is resolved, or the plan is re-run and shows none.".to_string()
        }
        _ => "Every warning finding was reviewed and accepted or fixed.".to_string(),
    }];
    out.push("Each policy's settings, and every approximated, manual or not-migrated one, were reviewed.".into());
    out.push(
        "The classic Conditional Access device policies stay: nobody deletes or \"migrates\" them."
            .into(),
    );
    out.push("Every conflict with an existing Intune policy has a decided fix.".into());
    out.push(
        "The pilot group and the wave schedule are agreed, with an owner for each exit gate."
            .into(),
    );
    out.push("Enabling coexistence is understood as a one-way step.".into());
    if let Some(u) = &waves.unplaced {
        out.push(format!(
            "It is accepted that {} stay on BMS after the planned waves ({}).",
            v::plural(u.count, "user", "users"),
            u.headline
        ));
    }
    if signals.email || signals.android {
        out.push(
            "Each wave's users were sent their messages (see Messages to users) in time.".into(),
        );
    }
    out
}
