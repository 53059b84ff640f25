//! The waves section: each wave with its users, licences, devices, risks, switch window and
//! exit gates; the timeline; how the waves were chosen; the licence capacity and the users in
//! no wave.

use super::{fact, non_empty, texts, Fact, Gate, USERS_SHOWN};
use crate::charts::{self, Timeline, TimelineInput, WavePhases};
use crate::values as v;
use bms2intune_waves::{
    Capacity as PlanCapacity, ExitGate, Staging, Step, StepKind, UnplacedReason, UnplacedUser,
    Wave, WaveRisk,
};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Waves {
    pub list: Vec<WaveView>,
    pub timeline: Option<Timeline>,
    /// `automatic` or `from the waves file x.toml`.
    pub selection_mode: Option<String>,
    pub selection_rules: Vec<String>,
    pub capacity: Option<Capacity>,
    pub unplaced: Option<Unplaced>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Capacity {
    /// `17 users wait for licences` when the waves leave users out for lack of seats.
    pub headline: Option<String>,
    pub statement: Option<String>,
    pub facts: Vec<Fact>,
    /// `EMS: 3 planned of 3 free`, in the planner's order.
    pub skus: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Unplaced {
    pub count: u64,
    /// `17 users wait for licences`, `3 users are in no wave of the waves file`.
    pub headline: String,
    pub list: Vec<UnplacedView>,
    pub more: u64,
}

#[derive(Debug, Serialize)]
pub struct UnplacedView {
    pub user: String,
    pub reason: &'static str,
    pub policy: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct WaveView {
    pub id: String,
    pub anchor: String,
    pub name: String,
    pub label: String,
    pub users: Option<String>,
    /// Why these users are in the wave.
    pub selection: Option<String>,
    /// `2 new seats (EMS 2) · 14 already hold Intune`.
    pub licences: Option<String>,
    /// Licence capacity cut this wave short.
    pub limited: bool,
    pub devices: Vec<(String, u64)>,
    pub devices_total: u64,
    pub risks: Vec<Risk>,
    pub switch_window: Option<String>,
    pub exit_gates: Vec<Gate>,
    pub steps: usize,
}

#[derive(Debug, Serialize)]
pub struct Risk {
    pub severity: Option<String>,
    pub severity_label: Option<&'static str>,
    pub text: String,
}

/// `Wave 1 · Pilot` (or `Wave 1` when the wave has no name).
pub fn wave_label(w: &Wave<'_>) -> String {
    match non_empty(&w.name) {
        Some(name) => format!("Wave {} · {name}", w.id),
        None => format!("Wave {}", w.id),
    }
}

fn steps_of(steps: &[Step], wave: u32) -> impl Iterator<Item = &Step> {
    steps.iter().filter(move |s| s.wave == Some(wave))
}

fn wave(i: usize, w: &Wave<'_>, steps: &[Step]) -> WaveView {
    let mut devices: Vec<(String, u64)> = w
        .devices_by_platform
        .iter()
        .map(|(k, &n)| (v::device_platform_label(k), n))
        .collect();
    devices.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    WaveView {
        id: w.id.to_string(),
        anchor: format!("wave-{}", i + 1),
        name: w.name.clone(),
        label: wave_label(w),
        users: Some(w.users.to_string()),
        selection: non_empty(&w.selection),
        licences: wave_licences(w),
        limited: w.limited_by_licenses,
        devices_total: devices.iter().map(|d| d.1).sum(),
        devices,
        risks: w.risks.iter().map(risk).collect(),
        switch_window: non_empty(&w.switch_window),
        exit_gates: gates(&w.exit_gates),
        steps: steps_of(steps, w.id).count(),
    }
}

pub fn build(staging: &Staging<'_>) -> Waves {
    let steps = &staging.steps;
    let views: Vec<WaveView> = staging
        .waves
        .iter()
        .enumerate()
        .map(|(i, w)| wave(i, w, steps))
        .collect();
    let mut rows = Vec::new();
    let tenant_wide = steps.iter().filter(|s| s.wave.is_none()).count() as u64;
    if tenant_wide > 0 {
        rows.push(TimelineInput {
            label: "Tenant-wide".into(),
            title: format!("Tenant-wide: {}", v::plural(tenant_wide, "step", "steps")),
            wave: None,
        });
    }
    for (view, w) in views.iter().zip(&staging.waves) {
        let kinds = |ks: &[StepKind]| {
            steps_of(steps, w.id)
                .filter(|s| ks.contains(&s.kind))
                .count()
        };
        rows.push(TimelineInput {
            label: view.label.clone(),
            title: view.label.clone(),
            wave: Some(WavePhases {
                prepare_steps: kinds(&[
                    StepKind::CreateGroup,
                    StepKind::AddGroupMembers,
                    StepKind::CreatePolicy,
                    StepKind::AssignPolicy,
                ]),
                licence_steps: kinds(&[StepKind::AssignLicense, StepKind::EnableCoexistence]),
                verify_steps: kinds(&[StepKind::Verify]),
                gates: w.exit_gates.len(),
                switch_window: view.switch_window.clone(),
            }),
        });
    }
    let selection = &staging.wave_selection;
    let unplaced = unplaced(
        &staging.unplaced_users,
        staging.unplaced_users_omitted,
        staging.license_capacity.blocked_users,
    );
    Waves {
        list: views,
        timeline: charts::timeline(rows),
        selection_mode: non_empty(&selection.mode).map(|m| {
            match (m.as_str(), selection.file.as_deref().and_then(non_empty)) {
                ("file", Some(f)) => format!("from the waves file {f}"),
                ("file", None) => "from a waves file".into(),
                _ => m,
            }
        }),
        selection_rules: texts(&selection.rules),
        capacity: Some(capacity(&staging.license_capacity, &unplaced)),
        unplaced: Some(unplaced).filter(|u| u.count > 0),
        notes: texts(&staging.staging_notes),
    }
}

/// `2 new seats (EMS 2) · 14 already hold Intune · 1 Intune plan switched on`.
fn wave_licences(w: &Wave<'_>) -> Option<String> {
    let mut parts = Vec::new();
    if w.seats_needed > 0 {
        let skus: Vec<String> = w
            .licenses
            .iter()
            .map(|l| {
                let sku = non_empty(&l.sku_part_number).unwrap_or_else(|| l.sku_id.clone());
                format!("{sku} {}", l.seats)
            })
            .collect();
        let seats = v::plural(w.seats_needed, "new seat", "new seats");
        parts.push(if skus.is_empty() {
            seats
        } else {
            format!("{seats} ({})", skus.join(", "))
        });
    }
    if w.already_licensed > 0 {
        parts.push(format!("{} already hold Intune", w.already_licensed));
    }
    if w.enable_plan > 0 {
        parts.push(format!(
            "{} switched on",
            v::plural(w.enable_plan, "Intune plan", "Intune plans")
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn capacity(c: &PlanCapacity, unplaced: &Unplaced) -> Capacity {
    let mut facts = vec![
        fact("New seats needed", c.seats_needed, None),
        fact("Free Intune seats", c.free_seats, None),
        fact("Seats the waves use", c.seats_planned, None),
    ];
    // Shown only when there is something to say.
    for (n, label) in [
        (c.shortfall, "Seats to buy"),
        (c.already_licensed, "Already hold Intune"),
        (c.enable_plan, "Plan to switch on"),
    ] {
        if n > 0 {
            facts.push(fact(label, n, None));
        }
    }
    let skus = c
        .skus
        .iter()
        .map(|s| {
            let name = non_empty(&s.sku_part_number).unwrap_or_else(|| s.sku_id.clone());
            format!("{name}: {} planned of {} free", s.planned, s.free)
        })
        .collect();
    Capacity {
        headline: Some(unplaced)
            .filter(|u| u.count > 0)
            .map(|u| u.headline.clone())
            .or_else(|| (c.blocked_users > 0).then(|| waiting_headline(c.blocked_users))),
        statement: non_empty(&c.statement),
        facts,
        skus,
    }
}

/// `17 users wait for licences`.
fn waiting_headline(n: u64) -> String {
    format!("{} for licences", v::plural(n, "user waits", "users wait"))
}

/// The users in no wave. `omitted` are left out of `list` by the plan's list limit; then the
/// capacity's `blockedUsers` tells how many of all of them wait for licences.
fn unplaced(list: &[UnplacedUser<'_>], omitted: u64, blocked: u64) -> Unplaced {
    let count_reason = |r: UnplacedReason| list.iter().filter(|u| u.reason == r).count() as u64;
    let total = list.len() as u64 + omitted;
    let waiting = if omitted > 0 {
        blocked.min(total)
    } else {
        count_reason(UnplacedReason::LicenseCapacity)
    };
    let other = total - waiting;
    let mut parts = Vec::new();
    if waiting > 0 {
        parts.push(waiting_headline(waiting));
    }
    if other > 0 {
        // With the whole list at hand, name the reason only when every other user has it.
        if omitted > 0 || count_reason(UnplacedReason::NotInWavesFile) == other {
            parts.push(format!(
                "{} in no wave of the waves file",
                v::plural(other, "user is", "users are")
            ));
        } else {
            parts.push(format!(
                "{} in no wave",
                v::plural(other, "user is", "users are")
            ));
        }
    }
    Unplaced {
        count: total,
        headline: parts.join("; "),
        list: list
            .iter()
            .take(USERS_SHOWN)
            .map(|u| UnplacedView {
                user: non_empty(&u.user_principal_name).unwrap_or_else(|| u.id.to_string()),
                reason: match u.reason {
                    UnplacedReason::LicenseCapacity => "waits for a licence (seats ran out)",
                    UnplacedReason::NotInWavesFile => "in no wave of the waves file",
                },
                policy: u.bms_policy.as_deref().and_then(non_empty),
            })
            .collect(),
        more: total.saturating_sub(list.len().min(USERS_SHOWN) as u64),
    }
}

fn risk(r: &WaveRisk) -> Risk {
    let mut text = non_empty(&r.title).unwrap_or_else(|| r.code.as_str().to_string());
    let what = match (r.users, r.devices) {
        (0, 0) => r.count.to_string(),
        (u, 0) => v::plural(u, "user", "users"),
        (0, d) => v::plural(d, "device", "devices"),
        (u, d) => format!(
            "{}, {}",
            v::plural(u, "user", "users"),
            v::plural(d, "device", "devices")
        ),
    };
    text = format!("{text} ({what})");
    Risk {
        severity_label: Some(v::severity_label(r.severity)),
        severity: Some(r.severity.as_str().to_string()),
        text,
    }
}

/// The exit gates of a wave, with their thresholds.
pub fn gates(gates: &[ExitGate]) -> Vec<Gate> {
    gates
        .iter()
        .map(gate)
        .filter(|g| !g.text.is_empty())
        .collect()
}

fn gate(g: &ExitGate) -> Gate {
    let text = non_empty(&g.description).unwrap_or_else(|| g.id.clone());
    let bound = match (g.min, g.max) {
        (Some(a), Some(b)) if a == b => Some(format!("= {a}")),
        (Some(a), Some(b)) => Some(format!("between {a} and {b}")),
        (Some(a), None) => Some(format!("≥ {a}")),
        (None, Some(0)) => Some("= 0".into()),
        (None, Some(b)) => Some(format!("≤ {b}")),
        (None, None) => None,
    };
    Gate {
        text,
        how: non_empty(&g.how),
        metric: g
            .metric
            .as_deref()
            .and_then(non_empty)
            .filter(|_| bound.is_some()),
        bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_analysis::{Code, Severity};
    use bms2intune_waves::{LicenseNeed, WaveLicense};
    use std::borrow::Cow;

    #[test]
    fn waves_show_capacity_and_unplaced_users() {
        let mut plan = super::super::sample();
        let staging = &mut plan.staging;
        let template = staging.unplaced_users[0].clone();
        staging.unplaced_users = (0..30)
            .map(|i| UnplacedUser {
                user_principal_name: Cow::Owned(format!("u{i}@x")),
                license: LicenseNeed::NewSeat,
                reason: UnplacedReason::LicenseCapacity,
                bms_policy: Some("Sales".into()),
                ..template.clone()
            })
            .collect();
        staging.unplaced_users_omitted = 0;
        staging.steps.clear();
        let wave = &mut staging.waves[0];
        wave.devices_by_platform = [("windows".to_string(), 2), ("windowsMobile".to_string(), 1)]
            .into_iter()
            .collect();
        wave.seats_needed = 2;
        wave.already_licensed = 1;
        wave.enable_plan = 0;
        wave.licenses = vec![WaveLicense {
            sku_part_number: "EMS".into(),
            sku_id: "x".into(),
            seats: 2,
            group: "wave-1-ems".into(),
            group_display_name: "Wave 1 EMS".into(),
        }];
        wave.limited_by_licenses = true;
        wave.risks = vec![WaveRisk {
            code: Code::AndroidDeviceAdmin,
            severity: Severity::Warning,
            title: "DA".into(),
            count: 5,
            users: 0,
            devices: 5,
        }];
        staging.license_capacity.statement = "Buy 30 seats.".into();
        staging.staging_notes = vec!["A note.".into(), String::new()];
        let w = build(staging);
        let view = &w.list[0];
        assert_eq!(
            view.devices,
            [
                ("Windows".to_string(), 2),
                ("Windows Mobile/Phone".to_string(), 1)
            ]
        );
        assert_eq!(
            view.licences.as_deref(),
            Some("2 new seats (EMS 2) · 1 already hold Intune")
        );
        assert!(view.limited);
        assert_eq!(view.risks[0].text, "DA (5 devices)");
        assert_eq!(view.steps, 0);
        let cap = w.capacity.unwrap();
        assert_eq!(cap.headline.as_deref(), Some("30 users wait for licences"));
        assert_eq!(cap.statement.as_deref(), Some("Buy 30 seats."));
        let u = w.unplaced.unwrap();
        assert_eq!((u.count, u.list.len(), u.more), (30, USERS_SHOWN, 5));
        assert_eq!(u.list[0].user, "u0@x");
        assert_eq!(u.list[0].reason, "waits for a licence (seats ran out)");
        assert_eq!(w.notes, ["A note."]);
    }

    #[test]
    fn gate_bounds() {
        let gate = |min, max| {
            super::gate(&ExitGate {
                id: "g".into(),
                description: "Check.".into(),
                how: "There.".into(),
                metric: Some("m".into()),
                min,
                max,
            })
        };
        assert_eq!(gate(Some(95), None).bound.as_deref(), Some("≥ 95"));
        assert_eq!(gate(None, Some(0)).bound.as_deref(), Some("= 0"));
        assert_eq!(gate(None, Some(3)).bound.as_deref(), Some("≤ 3"));
        assert_eq!(
            gate(Some(1), Some(5)).bound.as_deref(),
            Some("between 1 and 5")
        );
        let none = gate(None, None);
        assert_eq!(
            (none.bound, none.metric),
            (None, None),
            "no metric without a bound"
        );
    }
}
