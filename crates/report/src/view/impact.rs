//! The impact section: before (BMS) versus after (Intune) per outcome, per setting (every
//! setting that turns looser, conflicts or is lost, then the most changed up to
//! [`SETTINGS_SHOWN`]), per platform, and the most affected users.

use super::{non_empty, texts, SETTINGS_SHOWN, USERS_SHOWN};
use crate::charts::{self, BarChart, BarInput};
use crate::values::{self as v, OUTCOMES};
use bms2intune_simulation::engine::BMS_KEY_PREFIX;
use bms2intune_simulation::{Counts, Outcome};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Impact {
    /// `40 users · 62 user × platform pairs`.
    pub scope: Option<String>,
    pub outcomes: Vec<OutcomeCount>,
    pub chart: Option<BarChart>,
    pub columns: Vec<&'static str>,
    /// The settings that change for someone, most changes first: every one that turns looser,
    /// conflicts or is lost, then the others up to [`SETTINGS_SHOWN`] rows.
    pub by_setting: Vec<ImpactRow>,
    /// Settings that change (only stricter or new) but are not listed.
    pub settings_more: u64,
    /// Settings unchanged for everyone (not listed).
    pub settings_unchanged: u64,
    /// Some listed row has an assumed stricter/looser order.
    pub any_assumed: bool,
    pub by_platform: Vec<ImpactRow>,
    /// The by-platform rows carry a user count.
    pub platform_users: bool,
    pub most_affected: Vec<AffectedUser>,
    pub more_affected: u64,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct OutcomeCount {
    pub key: Outcome,
    pub label: &'static str,
    pub meaning: &'static str,
    pub count: u64,
}

#[derive(Debug, Serialize)]
pub struct ImpactRow {
    /// The setting (without its `bms:` prefix) or the platform.
    pub name: String,
    pub platform: Option<String>,
    /// A BMS setting with no Intune property (`bms:` keys of the simulation).
    pub bms_only: bool,
    /// Whether its stricter/looser order is our assumption (`orderAssumed`).
    pub order_assumed: bool,
    pub users: Option<String>,
    /// One cell per entry of `Impact::columns`, empty when zero.
    pub cells: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AffectedUser {
    /// Display name, or the UPN / ID when there is none.
    pub name: String,
    /// The UPN, when it is not already the name.
    pub upn: Option<String>,
    pub changes: String,
    pub lost: String,
    pub conflicts: String,
}

/// A count per outcome, in [`OUTCOMES`] order.
fn count(counts: &Counts, outcome: Outcome) -> u64 {
    match outcome {
        Outcome::Unchanged => counts.unchanged,
        Outcome::Stricter => counts.stricter,
        Outcome::Looser => counts.looser,
        Outcome::Conflict => counts.conflict,
        Outcome::Lost => counts.lost,
        Outcome::New => counts.new,
        Outcome::Unknown => counts.unknown,
    }
}

fn cells(counts: &Counts) -> Vec<String> {
    OUTCOMES
        .iter()
        .map(|&(o, _, _)| match count(counts, o) {
            0 => String::new(),
            n => n.to_string(),
        })
        .collect()
}

/// A setting row, ranked for the by-setting table.
struct Ranked {
    /// Changes to what BMS enforced (stricter, looser, conflict, lost).
    enforced: u64,
    new: u64,
    /// Turns looser, conflicts, is lost or cannot be told: always listed.
    must: bool,
    row: ImpactRow,
}

pub fn build(imp: &bms2intune_simulation::Impact) -> Impact {
    let outcomes: Vec<OutcomeCount> = OUTCOMES
        .iter()
        .map(|&(key, label, meaning)| OutcomeCount {
            key,
            label,
            meaning,
            count: count(&imp.by_outcome, key),
        })
        .collect();
    let chart = charts::bar_chart(
        "Effective settings by outcome",
        outcomes
            .iter()
            .map(|o| BarInput {
                label: o.label.to_string(),
                value: o.count,
                class: format!("out-{}", o.key.as_str()),
            })
            .collect(),
    );
    let mut settings: Vec<Ranked> = imp
        .by_setting
        .iter()
        .map(|r| {
            let n = &r.counts;
            let (bms_only, name) = match r.setting.strip_prefix(BMS_KEY_PREFIX) {
                Some(p) => (true, p.to_string()),
                None => (false, r.setting.clone()),
            };
            Ranked {
                enforced: n.stricter + n.looser + n.conflict + n.lost,
                new: n.new,
                must: n.looser + n.conflict + n.lost + n.unknown > 0,
                row: ImpactRow {
                    name,
                    platform: Some(v::platform_label(r.platform.as_str())),
                    bms_only,
                    order_assumed: r.order_assumed,
                    users: None,
                    cells: cells(n),
                },
            }
        })
        .collect();
    let total = settings.len();
    settings.retain(|r| r.enforced + r.new > 0);
    let settings_unchanged = (total - settings.len()) as u64;
    // Most changes to what BMS enforced first, then most new values; the plan's order
    // (platform, then setting) among equals.
    settings.sort_by(|a, b| b.enforced.cmp(&a.enforced).then(b.new.cmp(&a.new)));
    let must = settings.iter().filter(|r| r.must).count();
    let mut budget = SETTINGS_SHOWN.saturating_sub(must);
    let mut settings_more = 0u64;
    let mut by_setting = Vec::new();
    for r in settings {
        if r.must {
            by_setting.push(r.row);
        } else if budget > 0 {
            budget -= 1;
            by_setting.push(r.row);
        } else {
            settings_more += 1;
        }
    }

    let by_platform: Vec<ImpactRow> = imp
        .by_platform
        .iter()
        .map(|r| ImpactRow {
            name: v::platform_label(r.platform.as_str()),
            platform: None,
            bms_only: false,
            order_assumed: false,
            users: Some(r.users.to_string()),
            cells: cells(&r.counts),
        })
        .collect();

    let users = &imp.most_affected_users;
    let most_affected = users
        .iter()
        .take(USERS_SHOWN)
        .map(|u| {
            let upn = non_empty(&u.user_principal_name);
            let name = non_empty(&u.display_name)
                .or_else(|| upn.clone())
                .unwrap_or_else(|| u.id.clone());
            AffectedUser {
                upn: upn.filter(|x| *x != name),
                name,
                changes: u.changes.to_string(),
                lost: u.lost.to_string(),
                conflicts: u.conflicts.to_string(),
            }
        })
        .collect();
    Impact {
        scope: Some(format!(
            "{} on {}",
            v::plural(imp.users, "user", "users"),
            v::plural(
                imp.user_platforms,
                "user × platform pair",
                "user × platform pairs"
            )
        )),
        outcomes,
        chart,
        columns: OUTCOMES.iter().map(|o| o.1).collect(),
        any_assumed: by_setting.iter().any(|r| r.order_assumed),
        by_setting,
        settings_more,
        settings_unchanged,
        platform_users: !by_platform.is_empty(),
        by_platform,
        most_affected,
        more_affected: users.len().saturating_sub(USERS_SHOWN) as u64,
        notes: texts(&imp.assumptions),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_mapping::TargetPlatform;
    use bms2intune_simulation::{AffectedUser as PlanUser, PlatformImpact, SettingImpact};

    fn row(
        platform: TargetPlatform,
        setting: &str,
        assumed: bool,
        counts: Counts,
    ) -> SettingImpact {
        SettingImpact {
            platform,
            setting: setting.into(),
            order_assumed: assumed,
            counts,
        }
    }

    #[test]
    fn impact_lists_the_settings_that_change() {
        let mut rows: Vec<SettingImpact> = (0..40)
            .map(|i| {
                let counts = Counts {
                    unchanged: 1,
                    new: 40 - i,
                    ..Counts::default()
                };
                row(TargetPlatform::Windows, &format!("new{i:02}"), true, counts)
            })
            .collect();
        let only = |set: fn(&mut Counts)| {
            let mut c = Counts::default();
            set(&mut c);
            c
        };
        rows.push(row(
            TargetPlatform::Ios,
            "same",
            false,
            only(|c| c.unchanged = 9),
        ));
        rows.push(row(
            TargetPlatform::AndroidDeviceAdmin,
            "passwordRequiredType",
            false,
            only(|c| c.looser = 1),
        ));
        rows.push(row(
            TargetPlatform::Windows,
            "bms:FirewallStatus",
            false,
            only(|c| c.lost = 2),
        ));
        rows.push(row(
            TargetPlatform::Ios,
            "passcodeMinimumLength",
            false,
            only(|c| c.stricter = 3),
        ));
        let imp = bms2intune_simulation::Impact {
            users: 4,
            unplaced: Default::default(),
            user_platforms: 6,
            signatures: 2,
            by_outcome: Counts::default(),
            by_platform: vec![PlatformImpact {
                platform: TargetPlatform::Windows,
                users: 3,
                counts: Counts {
                    unchanged: 5,
                    new: 2,
                    ..Counts::default()
                },
            }],
            by_setting: rows,
            most_affected_users: vec![PlanUser {
                id: "1".into(),
                user_principal_name: "a@x".into(),
                display_name: "A".into(),
                changes: 3,
                lost: 1,
                conflicts: 0,
            }],
            assumptions: vec!["An assumption.".into()],
            conflicts_unchecked: vec![],
        };
        let i = build(&imp);
        assert_eq!(
            i.scope.as_deref(),
            Some("4 users on 6 user × platform pairs")
        );
        assert_eq!(i.by_setting.len(), SETTINGS_SHOWN);
        assert_eq!(i.settings_unchanged, 1);
        assert_eq!(i.settings_more, 43 - SETTINGS_SHOWN as u64);
        let names: Vec<&str> = i.by_setting.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            &names[..4],
            [
                "passcodeMinimumLength",
                "FirewallStatus",
                "passwordRequiredType",
                "new00"
            ]
        );
        assert!(i.by_setting[1].bms_only && !i.by_setting[0].bms_only);
        assert!(i.by_setting[3].order_assumed && i.any_assumed);
        assert_eq!(
            i.by_setting[2].platform.as_deref(),
            Some("Android device administrator")
        );
        assert_eq!(i.by_platform[0].users.as_deref(), Some("3"));
        assert_eq!(i.by_platform[0].name, "Windows 10/11");
        assert_eq!(i.by_platform[0].cells, ["5", "", "", "", "", "2", ""]);
        let u = &i.most_affected[0];
        assert_eq!(
            (u.name.as_str(), u.upn.as_deref(), u.lost.as_str()),
            ("A", Some("a@x"), "1")
        );
        assert_eq!(i.notes, ["An assumption."]);
    }
}
