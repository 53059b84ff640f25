//! The report's two sections after the move: "After the move: BMS policies" (what happens to
//! the BMS policies during and after the move, in plain words, and the commands that remove
//! them: `plan.json` → `closeOut`) and "Recommended baseline (optional)" (the baseline's
//! objects with why and source, what v1.0 cannot carry, and its impact on the snapshot's
//! devices, kept apart from parity's: `plan.json` → `baseline`). Read from the typed
//! [`CloseOut`] and [`BaselineSection`].

use super::{non_empty, texts};
use crate::values as v;
use bms2intune_mapping::baseline::{BaselineKind, BaselineSetting, Scope};
use bms2intune_plan::{BaselineSection, CloseOut};
use serde::Serialize;

/// How many devices the baseline's impact names before "and N more".
pub const DEVICES_SHOWN: usize = 25;

#[derive(Debug, Serialize)]
pub struct CloseOutView {
    pub lines: Vec<String>,
    pub commands: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct BaselineView {
    /// `iOS/iPadOS 18.0 · Android 10.0 · Windows 10.0 (reviewed 2026-05-13; source)`.
    pub floors: Option<String>,
    pub objects: Vec<BaselineObjectView>,
    pub not_written: Vec<BaselineSettingView>,
    pub notes: Vec<String>,
    pub impact: Option<BaselineImpactView>,
}

#[derive(Debug, Serialize)]
pub struct BaselineObjectView {
    pub display_name: String,
    pub kind: String,
    pub platform: Option<String>,
    /// Who gets it, in words.
    pub scope: String,
    pub file: Option<String>,
    pub why: Option<String>,
    pub settings: Vec<BaselineSettingView>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct BaselineSettingView {
    pub property: String,
    pub value: String,
    pub why: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BaselineImpactView {
    pub evaluated: u64,
    pub noncompliant: u64,
    pub users: u64,
    pub unknown: u64,
    /// Of the noncompliant devices, those of users waiting for a seat.
    pub waiting: u64,
    pub objects: Vec<ObjectImpactView>,
    /// secureByDefault alone, and with the baseline's policies.
    pub no_policy_alone: u64,
    pub no_policy_with_baseline: u64,
    pub no_policy_unknown: u64,
    pub devices: Vec<DeviceView>,
    pub devices_more: u64,
    pub assumptions: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ObjectImpactView {
    pub display_name: String,
    pub platform: Option<String>,
    pub devices: u64,
    pub noncompliant: u64,
    pub unknown: u64,
}

#[derive(Debug, Serialize)]
pub struct DeviceView {
    pub device: String,
    pub user: Option<String>,
    pub os: String,
    pub reasons: String,
}

/// The close-out section.
pub fn close_out(c: &CloseOut) -> CloseOutView {
    CloseOutView {
        lines: texts(&c.bms_policies),
        commands: texts(&c.removal_commands),
    }
}

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::EveryBmsUser => "every user a BMS policy reaches (minus the exclusion list)",
        Scope::AllowPolicyUsers => "users of Allow policies (minus the exclusion list)",
        Scope::Tenant => "the whole tenant",
    }
}

fn kind_label(kind: BaselineKind) -> &'static str {
    match kind {
        BaselineKind::CompliancePolicy => "compliance policy",
        BaselineKind::NotificationTemplate => "notification template",
        BaselineKind::NotificationMessage => "notification message",
        BaselineKind::TenantSettings => "tenant setting (read, change, write back)",
    }
}

fn setting(s: &BaselineSetting) -> BaselineSettingView {
    BaselineSettingView {
        property: s.property.to_string(),
        value: v::display(&s.value),
        why: non_empty(&s.why),
        source: non_empty(&s.source),
    }
}

/// The baseline section.
pub fn baseline(b: &BaselineSection<'_>) -> BaselineView {
    let rec = &b.recommendations;
    let f = &rec.floors;
    let part = |s: &str| non_empty(s).unwrap_or_else(|| "?".into());
    let mut floors = format!(
        "iOS/iPadOS {} · Android {} · Windows {}",
        part(&f.ios),
        part(&f.android),
        part(&f.windows)
    );
    if let Some(r) = non_empty(&f.reviewed) {
        floors.push_str(&format!(" (reviewed {r})"));
    }
    let objects = rec
        .objects
        .iter()
        .map(|o| BaselineObjectView {
            display_name: o.display_name.clone(),
            kind: kind_label(o.kind).to_string(),
            platform: o.platform.map(|p| v::platform_label(p.as_str())),
            scope: scope_label(o.scope).to_string(),
            file: non_empty(&o.file),
            why: non_empty(&o.why),
            settings: o.settings.iter().map(setting).collect(),
            notes: texts(&o.notes),
        })
        .collect();
    let i = &b.impact;
    let shown = i.devices.len().min(DEVICES_SHOWN);
    let devices = i.devices[..shown]
        .iter()
        .map(|d| DeviceView {
            device: d.device_name.to_string(),
            user: d.user_principal_name.as_deref().and_then(non_empty),
            os: format!("{} {}", d.operating_system, d.os_version)
                .trim()
                .to_string(),
            reasons: d
                .reasons
                .iter()
                .filter(|r| !r.detail.is_empty())
                .map(|r| r.detail.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let impact = BaselineImpactView {
        evaluated: i.devices_evaluated,
        noncompliant: i.noncompliant_devices,
        users: i.noncompliant_users,
        unknown: i.unknown_devices,
        waiting: i.waiting_devices,
        objects: i
            .by_object
            .iter()
            .map(|o| ObjectImpactView {
                display_name: o.display_name.clone(),
                platform: Some(v::platform_label(o.platform.as_str())),
                devices: o.devices,
                noncompliant: o.noncompliant,
                unknown: o.unknown,
            })
            .collect(),
        no_policy_alone: i.secure_by_default.without_baseline,
        no_policy_with_baseline: i.secure_by_default.with_baseline,
        no_policy_unknown: i.secure_by_default.unknown,
        devices,
        devices_more: (i.devices.len() - shown) as u64 + i.devices_omitted,
        assumptions: texts(&i.assumptions),
    };
    BaselineView {
        floors: Some(floors),
        objects,
        not_written: rec.not_written.iter().map(setting).collect(),
        notes: texts(&rec.notes),
        impact: Some(impact),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_out_keeps_the_commands_as_written() {
        let plan = super::super::sample();
        let c = close_out(&plan.close_out);
        assert_eq!(c.commands, plan.close_out.removal_commands);
        assert!(!c.lines.is_empty());
    }

    #[test]
    fn baseline_impact_is_capped_and_counts_what_it_leaves_out() {
        let mut plan = super::super::sample();
        let impact = &mut plan.baseline.impact;
        let template = impact.devices[0].clone();
        impact.devices = (0..30)
            .map(|i| {
                let mut d = template.clone();
                d.device_name = format!("d{i}").into();
                d
            })
            .collect();
        impact.devices_omitted = 2;
        let b = baseline(&plan.baseline);
        let i = b.impact.unwrap();
        assert_eq!(i.devices.len(), DEVICES_SHOWN);
        assert_eq!(i.devices_more, 7);
        assert_eq!(i.devices[0].device, "d0");
        assert!(!i.devices[0].reasons.is_empty());
        let compliance = b
            .objects
            .iter()
            .find(|o| o.kind == "compliance policy")
            .expect("the sample's baseline has compliance policies");
        assert!(compliance.scope.contains("exclusion list"));
        assert!(b.floors.unwrap().starts_with("iOS/iPadOS "));
    }
}
