//! The report's two sections after the move: "After the move: BMS policies" (what happens to
//! the BMS policies during and after the move, in plain words, and the commands that remove
//! them: `plan.json` → `closeOut`) and "Recommended baseline (optional)" (the baseline's
//! objects with why and source, what v1.0 cannot carry, and its impact on the snapshot's
//! devices, kept apart from parity's: `plan.json` → `baseline`). Each section exists only when
//! its key is in the plan.

use crate::values::{self as v};
use serde::Serialize;
use serde_json::Value;

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

/// `closeOut`, when the plan has it.
pub fn close_out(root: &Value) -> Option<CloseOutView> {
    let c = v::get(root, "closeOut")?;
    Some(CloseOutView {
        lines: v::texts(c, "bmsPolicies"),
        commands: v::texts(c, "removalCommands"),
    })
}

fn scope_label(scope: &str) -> String {
    match scope {
        "everyBmsUser" => "every user a BMS policy reaches (minus the exclusion list)",
        "allowPolicyUsers" => "users of Allow policies (minus the exclusion list)",
        "tenant" => "the whole tenant",
        other => other,
    }
    .to_string()
}

fn kind_label(kind: &str) -> String {
    match kind {
        "compliancePolicy" => "compliance policy",
        "notificationTemplate" => "notification template",
        "notificationMessage" => "notification message",
        "tenantSettings" => "tenant setting (read, change, write back)",
        other => other,
    }
    .to_string()
}

fn setting(s: &Value) -> BaselineSettingView {
    BaselineSettingView {
        property: v::text(s, "property").unwrap_or_default(),
        value: v::get(s, "value").map(v::display).unwrap_or_default(),
        why: v::text(s, "why"),
        source: v::text(s, "source"),
    }
}

/// `baseline`, when the plan has it.
pub fn baseline(root: &Value) -> Option<BaselineView> {
    let b = v::get(root, "baseline")?;
    let floors = v::get(b, "floors").map(|f| {
        let part = |key: &str| v::text(f, key).unwrap_or_else(|| "?".into());
        let mut text = format!(
            "iOS/iPadOS {} · Android {} · Windows {}",
            part("ios"),
            part("android"),
            part("windows")
        );
        if let Some(r) = v::text(f, "reviewed") {
            text.push_str(&format!(" (reviewed {r})"));
        }
        text
    });
    let objects = v::list(b, "objects")
        .iter()
        .map(|o| BaselineObjectView {
            display_name: v::text(o, "displayName").unwrap_or_default(),
            kind: kind_label(&v::text(o, "kind").unwrap_or_default()),
            platform: v::text(o, "platform").map(|p| v::platform_label(&p)),
            scope: scope_label(&v::text(o, "scope").unwrap_or_default()),
            file: v::text(o, "file"),
            why: v::text(o, "why"),
            settings: v::list(o, "settings").iter().map(setting).collect(),
            notes: v::texts(o, "notes"),
        })
        .collect();
    let impact = v::get(b, "impact").map(|i| {
        let no_policy = v::get(i, "secureByDefault");
        let count = |key: &str| no_policy.and_then(|n| v::count(n, key)).unwrap_or(0);
        let devices: Vec<DeviceView> = v::list(i, "devices")
            .iter()
            .map(|d| DeviceView {
                device: v::text(d, "deviceName").unwrap_or_default(),
                user: v::text(d, "userPrincipalName"),
                os: format!(
                    "{} {}",
                    v::text(d, "operatingSystem").unwrap_or_default(),
                    v::text(d, "osVersion").unwrap_or_default()
                )
                .trim()
                .to_string(),
                reasons: v::list(d, "reasons")
                    .iter()
                    .filter_map(|r| v::text(r, "detail"))
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect();
        let shown = devices.len().min(DEVICES_SHOWN);
        let more = (devices.len() - shown) as u64 + v::count(i, "devicesOmitted").unwrap_or(0);
        BaselineImpactView {
            evaluated: v::count(i, "devicesEvaluated").unwrap_or(0),
            noncompliant: v::count(i, "noncompliantDevices").unwrap_or(0),
            users: v::count(i, "noncompliantUsers").unwrap_or(0),
            unknown: v::count(i, "unknownDevices").unwrap_or(0),
            waiting: v::count(i, "waitingDevices").unwrap_or(0),
            objects: v::list(i, "byObject")
                .iter()
                .map(|o| ObjectImpactView {
                    display_name: v::text(o, "displayName").unwrap_or_default(),
                    platform: v::text(o, "platform").map(|p| v::platform_label(&p)),
                    devices: v::count(o, "devices").unwrap_or(0),
                    noncompliant: v::count(o, "noncompliant").unwrap_or(0),
                    unknown: v::count(o, "unknown").unwrap_or(0),
                })
                .collect(),
            no_policy_alone: count("withoutBaseline"),
            no_policy_with_baseline: count("withBaseline"),
            no_policy_unknown: count("unknown"),
            devices: devices.into_iter().take(shown).collect(),
            devices_more: more,
            assumptions: v::texts(i, "assumptions"),
        }
    });
    Some(BaselineView {
        floors,
        objects,
        not_written: v::list(b, "notWritten").iter().map(setting).collect(),
        notes: v::texts(b, "notes"),
        impact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sections_exist_only_with_their_keys() {
        assert!(close_out(&json!({})).is_none());
        assert!(baseline(&json!({})).is_none());
        let c = close_out(
            &json!({"closeOut": {"bmsPolicies": ["a"], "removalCommands": ["Get-DevicePolicy"]}}),
        )
        .unwrap();
        assert_eq!(c.commands, ["Get-DevicePolicy"]);
    }

    #[test]
    fn baseline_impact_is_capped_and_counts_what_it_leaves_out() {
        let devices: Vec<Value> = (0..30)
            .map(|i| {
                json!({"deviceName": format!("d{i}"), "operatingSystem": "iOS", "osVersion": "16.0",
                "reasons": [{"detail": "osVersion 16.0 is below 18.0"}]})
            })
            .collect();
        let b = baseline(&json!({"baseline": {"objects": [{"displayName": "B", "kind": "compliancePolicy",
            "scope": "allowPolicyUsers", "settings": [{"property": "securityBlockJailbrokenDevices", "value": true,
            "why": "w", "source": "s"}]}],
            "impact": {"devicesEvaluated": 40, "noncompliantDevices": 32, "devices": devices, "devicesOmitted": 2,
              "secureByDefault": {"withoutBaseline": 5, "withBaseline": 1, "unknown": 0}}}}))
        .unwrap();
        assert_eq!(
            b.objects[0].scope,
            "users of Allow policies (minus the exclusion list)"
        );
        assert_eq!(b.objects[0].settings[0].value, "true");
        let i = b.impact.unwrap();
        assert_eq!(i.devices.len(), DEVICES_SHOWN);
        assert_eq!(i.devices_more, 7);
        assert_eq!((i.no_policy_alone, i.no_policy_with_baseline), (5, 1));
        assert_eq!(i.devices[0].reasons, "osVersion 16.0 is below 18.0");
    }
}
