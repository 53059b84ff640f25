//! `status`'s pure core: given the plan's waves and exit gates, each wave's roster (from
//! `waves.csv`), the tenant's managed devices and the delivery overview of every policy the
//! journal says apply created (all read by the shell as plain data), it says per wave how many
//! users and devices switched to Intune (a device whose `managementAgent` is no longer
//! `microsoft365ManagedMdm`), the compliance states of the switched devices, and which exit
//! gates pass or fail. Only what was measured is judged: gates that need a person (tickets,
//! sign-in logs, the admin center) are `manual`, and gates Graph could not answer for this wave
//! are `unmeasured` with the reason. The report renders as text and serializes as JSON.

use crate::journal::{Intent, JournalState};
use crate::roster::RosterUser;
use bms2intune_waves::{ExitGate, Step};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// How BMS-managed devices show in Graph (`managementAgentType` 258).
pub const BMS_AGENT: &str = "microsoft365ManagedMdm";
/// A device still on BMS that has not checked in for this many days is handed to the
/// helpdesk rather than holding the wave (the `devices-switched` gate).
pub const OFFLINE_DAYS: i64 = 7;

/// The members of `plan.json` status reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusPlan {
    pub snapshot: crate::steps::SnapshotView,
    pub waves: Vec<PlanWave>,
    pub steps: Vec<Step>,
}

/// A wave as `plan.json` describes it (its member list may be truncated: the roster comes
/// from `waves.csv`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanWave {
    pub id: u32,
    pub name: String,
    pub users: u64,
    pub exit_gates: Vec<ExitGate>,
}

impl StatusPlan {
    /// Reads `plan.json`'s text; the error names the JSON path and what was expected.
    pub fn parse(text: &str) -> Result<Self, String> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| format!("{}: {}", e.path(), e.inner()))
    }
}

/// Checks that the roster belongs to the plan: every wave of the plan has as many users in
/// `waves.csv` as `plan.json` counts.
pub fn check_roster(
    plan: &StatusPlan,
    roster: &BTreeMap<u32, Vec<RosterUser>>,
) -> Result<(), String> {
    for w in &plan.waves {
        let found = roster.get(&w.id).map_or(0, Vec::len) as u64;
        if found != w.users {
            return Err(format!(
                "wave {}: {found} user(s) in waves.csv, but plan.json counts {} (waves.csv is from another plan?)",
                w.id, w.users
            ));
        }
    }
    if let Some(extra) = roster
        .keys()
        .find(|k| !plan.waves.iter().any(|w| w.id == **k))
    {
        return Err(format!("wave {extra} is in waves.csv but not in plan.json"));
    }
    Ok(())
}

/// A managed device as Graph lists it (`deviceManagement/managedDevices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    /// The primary user's Entra object id.
    pub user_id: String,
    pub device_name: String,
    pub operating_system: String,
    pub management_agent: String,
    pub compliance_state: String,
    /// `lastSyncDateTime` in seconds since 1970; `None` when absent or unreadable.
    pub last_sync: Option<i64>,
}

/// An Intune object the journal says apply created (and rollback has not undone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedPolicy {
    pub step_id: String,
    pub display_name: String,
    /// `/v1.0/deviceManagement/deviceCompliancePolicies` and the like.
    pub collection: String,
    pub object_id: String,
}

impl CreatedPolicy {
    /// What kind of object it is, for people: compliance policy, configuration profile (email
    /// profiles included), Conditional Access policy, or the collection's name.
    pub fn kind(&self) -> &str {
        match self.collection.rsplit('/').next().unwrap_or_default() {
            "deviceCompliancePolicies" => "compliance policy",
            "deviceConfigurations" => "configuration profile",
            "policies" if self.collection.contains("conditionalAccess") => {
                "Conditional Access policy"
            }
            other => other,
        }
    }

    /// The path (after the Graph base URL) of the object's `deviceStatusOverview`, for
    /// compliance policies and configuration profiles; `None` for other objects.
    pub fn overview_path(&self) -> Option<String> {
        let last = self.collection.rsplit('/').next().unwrap_or_default();
        matches!(last, "deviceCompliancePolicies" | "deviceConfigurations").then(|| {
            format!(
                "{}/{}/deviceStatusOverview",
                self.collection, self.object_id
            )
        })
    }
}

/// What the journal says was applied.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// Waves with at least one journal entry.
    pub started_waves: BTreeSet<u32>,
    pub created: Vec<CreatedPolicy>,
}

/// The objects created and not undone, in journal order, named as the plan's steps name them.
pub fn applied(journal: &JournalState, plan: &StatusPlan) -> Applied {
    let mut created = Vec::new();
    for e in &journal.entries {
        let Intent::CreateObject { collection, .. } = &e.intent else {
            continue;
        };
        let Some(id) = e
            .outcome
            .as_ref()
            .filter(|o| o.succeeded() && !e.undone)
            .and_then(|o| o.object_id.clone())
        else {
            continue;
        };
        let display_name = plan
            .steps
            .iter()
            .find(|s| s.id == e.step_id)
            .map_or_else(|| e.step_id.clone(), |s| s.target.display_name.clone());
        created.push(CreatedPolicy {
            step_id: e.step_id.clone(),
            display_name,
            collection: collection.clone(),
            object_id: id,
        });
    }
    Applied {
        started_waves: journal
            .wave_hashes
            .keys()
            .copied()
            .chain(journal.entries.iter().map(|e| e.wave))
            .collect(),
        created,
    }
}

/// `deviceComplianceDeviceOverview` / `deviceConfigurationDeviceOverview` (v1.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub success_count: u64,
    pub failed_count: u64,
    pub error_count: u64,
    pub pending_count: u64,
    pub not_applicable_count: u64,
    #[serde(default)]
    pub configuration_version: i64,
}

/// A created policy and what Graph reported about its delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDelivery {
    #[serde(flatten)]
    pub policy: CreatedPolicy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overview: Option<Overview>,
    /// Why there is no overview (not a compliance policy or profile, or Graph's error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Everything status judges, as plain data.
pub struct StatusInput<'a> {
    pub plan: &'a StatusPlan,
    pub roster: &'a BTreeMap<u32, Vec<RosterUser>>,
    pub devices: &'a [Device],
    /// `None`: no journal, nothing applied yet.
    pub applied: Option<&'a Applied>,
    pub delivery: &'a [PolicyDelivery],
    /// Only this wave (`--wave`).
    pub wave: Option<u32>,
    /// Now, in seconds since 1970.
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateStatus {
    Pass,
    Fail,
    /// Needs a person: tickets, sign-in logs, the admin center.
    Manual,
    /// Measurable, but not from what this run could read.
    Unmeasured,
    /// The wave has not started (no journal entry): nothing to judge yet.
    NotStarted,
}

impl GateStatus {
    fn label(self) -> &'static str {
        match self {
            GateStatus::Pass => "pass",
            GateStatus::Fail => "FAIL",
            GateStatus::Manual => "manual",
            GateStatus::Unmeasured => "unmeasured",
            GateStatus::NotStarted => "not started",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GateResult {
    pub id: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    pub status: GateStatus,
    /// The measured value, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    /// What was measured, or why it was not, or how a person checks it.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCounts {
    pub total: u64,
    /// Every MDM device of the user is on Intune (switched, or there before).
    pub on_intune: u64,
    /// At least one device still on BMS.
    pub on_bms: u64,
    /// No MDM-managed device at all.
    pub without_device: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCounts {
    pub total: u64,
    pub intune: u64,
    pub bms: u64,
    /// Of `bms`: not seen for `OFFLINE_DAYS` days or more (the helpdesk's).
    pub bms_offline: u64,
    /// Exchange ActiveSync only (`eas`), not MDM.
    pub exchange_only: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaveStatus {
    pub id: u32,
    pub name: String,
    pub started: bool,
    pub users: UserCounts,
    pub devices: DeviceCounts,
    /// `complianceState` of the wave's Intune-managed devices, by state.
    pub compliance: BTreeMap<String, u64>,
    pub gates: Vec<GateResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    pub tenant_id: String,
    /// False when there is no journal: nothing applied yet.
    pub applied: bool,
    pub waves: Vec<WaveStatus>,
    /// Tenant-wide: every device the policy reaches, not one wave's.
    pub policies: Vec<PolicyDelivery>,
    pub gates_failed: u64,
}

impl StatusReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report serializes")
    }
}

/// What one wave's devices show.
struct WaveFacts {
    intune: u64,
    compliant: u64,
    conflict_or_error: u64,
    bms_online: u64,
    bms_offline: u64,
    android_device_admin: u64,
}

fn is_bms(d: &Device) -> bool {
    d.management_agent.eq_ignore_ascii_case(BMS_AGENT)
}

fn is_exchange_only(d: &Device) -> bool {
    d.management_agent.eq_ignore_ascii_case("eas")
}

/// Judges every wave (or the one asked for).
pub fn status(input: &StatusInput) -> StatusReport {
    let mut lower: BTreeMap<String, Vec<&Device>> = BTreeMap::new();
    for d in input.devices {
        lower
            .entry(d.user_id.to_ascii_lowercase())
            .or_default()
            .push(d);
    }
    let mut waves = Vec::new();
    for w in &input.plan.waves {
        if input.wave.is_some_and(|n| n != w.id) {
            continue;
        }
        let roster = input
            .roster
            .get(&w.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut users = UserCounts::default();
        let mut devices = DeviceCounts::default();
        let mut compliance: BTreeMap<String, u64> = BTreeMap::new();
        let mut facts = WaveFacts {
            intune: 0,
            compliant: 0,
            conflict_or_error: 0,
            bms_online: 0,
            bms_offline: 0,
            android_device_admin: 0,
        };
        for u in roster {
            users.total += 1;
            let own = lower.get(&u.user_id).map(Vec::as_slice).unwrap_or_default();
            let (mut bms, mut intune) = (0, 0);
            for d in own {
                devices.total += 1;
                let android_da = d.operating_system.eq_ignore_ascii_case("android")
                    && ["mdm", "easMdm", BMS_AGENT]
                        .iter()
                        .any(|a| d.management_agent.eq_ignore_ascii_case(a));
                if android_da {
                    facts.android_device_admin += 1;
                }
                if is_bms(d) {
                    bms += 1;
                    devices.bms += 1;
                    let offline = d
                        .last_sync
                        .is_some_and(|t| input.now - t >= OFFLINE_DAYS * 86_400);
                    if offline {
                        devices.bms_offline += 1;
                        facts.bms_offline += 1;
                    } else {
                        facts.bms_online += 1;
                    }
                } else if is_exchange_only(d) {
                    devices.exchange_only += 1;
                } else {
                    intune += 1;
                    devices.intune += 1;
                    facts.intune += 1;
                    let state = d.compliance_state.as_str();
                    *compliance.entry(state.to_string()).or_default() += 1;
                    if state.eq_ignore_ascii_case("compliant") {
                        facts.compliant += 1;
                    }
                    if matches!(state, "conflict" | "error") {
                        facts.conflict_or_error += 1;
                    }
                }
            }
            if bms > 0 {
                users.on_bms += 1;
            } else if intune > 0 {
                users.on_intune += 1;
            } else {
                users.without_device += 1;
            }
        }
        let started = input
            .applied
            .is_some_and(|a| a.started_waves.contains(&w.id));
        let gates = w
            .exit_gates
            .iter()
            .map(|g| {
                if started {
                    judge(g, &facts, input)
                } else {
                    result(
                        g,
                        GateStatus::NotStarted,
                        None,
                        if input.applied.is_none() {
                            "nothing applied yet (no journal)".into()
                        } else {
                            format!("the journal has no entry for wave {}", w.id)
                        },
                    )
                }
            })
            .collect();
        waves.push(WaveStatus {
            id: w.id,
            name: w.name.clone(),
            started,
            users,
            devices,
            compliance,
            gates,
        });
    }
    let gates_failed = waves
        .iter()
        .flat_map(|w| &w.gates)
        .filter(|g| g.status == GateStatus::Fail)
        .count() as u64;
    StatusReport {
        tenant_id: input.plan.snapshot.tenant_id.clone(),
        applied: input.applied.is_some(),
        waves,
        policies: input.delivery.to_vec(),
        gates_failed,
    }
}

fn result(g: &ExitGate, status: GateStatus, value: Option<u64>, detail: String) -> GateResult {
    GateResult {
        id: g.id.clone(),
        description: g.description.clone(),
        metric: g.metric.clone(),
        min: g.min,
        max: g.max,
        status,
        value,
        detail,
    }
}

/// Pass or fail by the gate's bounds.
fn bounded(g: &ExitGate, value: u64, detail: String) -> GateResult {
    let ok =
        g.min.is_none_or(|m| value >= u64::from(m)) && g.max.is_none_or(|m| value <= u64::from(m));
    let status = if ok {
        GateStatus::Pass
    } else {
        GateStatus::Fail
    };
    result(g, status, Some(value), detail)
}

fn judge(g: &ExitGate, f: &WaveFacts, input: &StatusInput) -> GateResult {
    let manual = |why: &str| result(g, GateStatus::Manual, None, format!("{why}: {}", g.how));
    let unmeasured = |why: String| result(g, GateStatus::Unmeasured, None, why);
    match g.metric.as_deref() {
        Some("bmsManagedDevicesLeft") => bounded(
            g,
            f.bms_online,
            format!(
                "{} device(s) still on BMS that checked in within {OFFLINE_DAYS} days; {} on BMS offline {OFFLINE_DAYS} days or more (for the helpdesk)",
                f.bms_online, f.bms_offline
            ),
        ),
        Some("devicesInConflictOrError") => {
            let detail = format!(
                "{} Intune device(s) of the wave with complianceState conflict or error",
                f.conflict_or_error
            );
            if g.max.is_some_and(|m| f.conflict_or_error > u64::from(m)) {
                return bounded(g, f.conflict_or_error, detail);
            }
            // Profiles' conflicts show only in their overviews, which count the whole
            // tenant: zero there proves zero for the wave; more cannot be attributed.
            let unknown: Vec<&str> = input
                .delivery
                .iter()
                .filter(|p| p.overview.is_none() && p.policy.overview_path().is_some())
                .map(|p| p.policy.display_name.as_str())
                .collect();
            let errors: u64 = input
                .delivery
                .iter()
                .filter_map(|p| p.overview)
                .map(|o| o.error_count)
                .sum();
            if !unknown.is_empty() {
                unmeasured(format!(
                    "{detail}; no delivery overview for {}",
                    unknown.join(", ")
                ))
            } else if errors > 0 {
                unmeasured(format!(
                    "{detail}; the created policies report {errors} device(s) in error tenant-wide, which Graph's overview does not attribute to a wave (see each policy's Device status)"
                ))
            } else {
                bounded(g, f.conflict_or_error, format!("{detail}; no created policy reports an error"))
            }
        }
        Some("compliantPercent") => match (f.compliant * 100).checked_div(f.intune) {
            None => unmeasured("no device of the wave is on Intune yet".into()),
            Some(percent) => bounded(
                g,
                percent,
                format!("{} of {} Intune device(s) compliant", f.compliant, f.intune),
            ),
        },
        Some("profileSucceededPercent") => unmeasured(
            "a profile's deviceStatusOverview counts every device it reaches, not one wave's: see policy delivery and each profile's Device status".into(),
        ),
        Some("androidDeviceAdminUnresolved") => {
            if f.android_device_admin == 0 {
                bounded(g, 0, "no Android device of the wave is on device administrator".into())
            } else {
                result(
                    g,
                    GateStatus::Manual,
                    Some(f.android_device_admin),
                    format!(
                        "{} Android device(s) of the wave still on device administrator; the gate also passes when each has an owner and an agreed date, which a person checks",
                        f.android_device_admin
                    ),
                )
            }
        }
        Some("hoursSinceCoexistence" | "hoursSinceLastLicense") => unmeasured(format!(
            "the journal records no times: {}",
            g.how
        )),
        Some("openMailTickets" | "openTickets") => manual("the helpdesk's queue"),
        Some("caBlockedUsers") => manual("the sign-in logs"),
        Some(_) => manual("not measured by this version"),
        None => manual("a person checks"),
    }
}

/// The report as a person reads it.
pub fn render_text(r: &StatusReport) -> String {
    let mut out = String::new();
    if !r.applied {
        let _ = writeln!(
            out,
            "Nothing applied yet: there is no apply journal beside plan.json. Devices are shown as they are now."
        );
    }
    for w in &r.waves {
        let u = &w.users;
        let d = &w.devices;
        let _ = writeln!(
            out,
            "Wave {} {}{}: {} user(s): {} on Intune, {} on BMS, {} without an MDM device",
            w.id,
            w.name,
            if w.started { "" } else { " (not started)" },
            u.total,
            u.on_intune,
            u.on_bms,
            u.without_device
        );
        let _ = writeln!(
            out,
            "  devices: {}: {} on Intune, {} on BMS ({} offline {OFFLINE_DAYS} days or more), {} Exchange only",
            d.total, d.intune, d.bms, d.bms_offline, d.exchange_only
        );
        if !w.compliance.is_empty() {
            let states: Vec<String> = w
                .compliance
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            let _ = writeln!(out, "  compliance of Intune devices: {}", states.join(", "));
        }
        let width = w.gates.iter().map(|g| g.id.len()).max().unwrap_or(0);
        for g in &w.gates {
            let bound = match (g.min, g.max) {
                (Some(m), _) => format!(" (at least {m})"),
                (_, Some(m)) => format!(" (at most {m})"),
                _ => String::new(),
            };
            let value = match (&g.metric, g.value) {
                (Some(m), Some(v)) => format!("{m} {v}{bound}: "),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {:<11} {:<width$}  {value}{}",
                g.status.label(),
                g.id,
                g.detail
            );
        }
    }
    if r.applied {
        if r.policies.is_empty() {
            let _ = writeln!(
                out,
                "Policy delivery: the journal records no created policy."
            );
        } else {
            let _ = writeln!(
                out,
                "Policy delivery (deviceStatusOverview of each created policy, all devices it reaches):"
            );
        }
        for p in &r.policies {
            match (&p.overview, &p.note) {
                (Some(o), _) => {
                    let _ = writeln!(
                        out,
                        "  {} ({}): success {}, failed {}, error {}, pending {}, not applicable {}",
                        p.policy.display_name,
                        p.policy.kind(),
                        o.success_count,
                        o.failed_count,
                        o.error_count,
                        o.pending_count,
                        o.not_applicable_count
                    );
                }
                (None, note) => {
                    let _ = writeln!(
                        out,
                        "  {} ({}): {}",
                        p.policy.display_name,
                        p.policy.kind(),
                        note.as_deref().unwrap_or("no overview")
                    );
                }
            }
        }
    }
    let count = |s: GateStatus| {
        r.waves
            .iter()
            .flat_map(|w| &w.gates)
            .filter(|g| g.status == s)
            .count()
    };
    let _ = writeln!(
        out,
        "Exit gates: {} failed, {} passed, {} unmeasured, {} manual, {} not started.",
        count(GateStatus::Fail),
        count(GateStatus::Pass),
        count(GateStatus::Unmeasured),
        count(GateStatus::Manual),
        count(GateStatus::NotStarted)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Entry, Outcome};

    fn gate(id: &str, metric: Option<&str>, min: Option<u32>, max: Option<u32>) -> ExitGate {
        ExitGate {
            id: id.into(),
            description: format!("{id} gate"),
            how: format!("how to check {id}"),
            metric: metric.map(Into::into),
            min,
            max,
        }
    }

    fn plan() -> StatusPlan {
        StatusPlan {
            snapshot: crate::steps::SnapshotView {
                tenant_id: "t".into(),
            },
            waves: vec![
                PlanWave {
                    id: 1,
                    name: "Pilot".into(),
                    users: 2,
                    exit_gates: vec![
                        gate("mdm-authority", None, None, None),
                        gate(
                            "devices-switched",
                            Some("bmsManagedDevicesLeft"),
                            None,
                            Some(0),
                        ),
                        gate(
                            "no-conflicts",
                            Some("devicesInConflictOrError"),
                            None,
                            Some(0),
                        ),
                        gate("compliance", Some("compliantPercent"), Some(95), None),
                        gate("helpdesk", Some("openTickets"), None, Some(0)),
                        gate("soak", Some("hoursSinceCoexistence"), Some(168), None),
                    ],
                },
                PlanWave {
                    id: 2,
                    name: "Ring 1".into(),
                    users: 1,
                    exit_gates: vec![gate(
                        "devices-switched",
                        Some("bmsManagedDevicesLeft"),
                        None,
                        Some(0),
                    )],
                },
            ],
            steps: Vec::new(),
        }
    }

    fn roster() -> BTreeMap<u32, Vec<RosterUser>> {
        crate::roster::parse(
            "wave,wave_name,user_id,user_principal_name,license,sku\n\
             1,Pilot,U1,a@x,held,\n1,Pilot,u2,b@x,new-seat,EMS\n2,Ring 1,u3,c@x,new-seat,EMS\n,,u4,d@x,,\n",
        )
        .unwrap()
    }

    const NOW: i64 = 1_000_000_000;

    fn device(id: &str, user: &str, agent: &str, state: &str, synced_days_ago: i64) -> Device {
        Device {
            id: id.into(),
            user_id: user.into(),
            device_name: id.into(),
            operating_system: "iOS".into(),
            management_agent: agent.into(),
            compliance_state: state.into(),
            last_sync: Some(NOW - synced_days_ago * 86_400),
        }
    }

    fn run(
        devices: &[Device],
        applied: Option<&Applied>,
        delivery: &[PolicyDelivery],
    ) -> StatusReport {
        let plan = plan();
        let roster = roster();
        status(&StatusInput {
            plan: &plan,
            roster: &roster,
            devices,
            applied,
            delivery,
            wave: None,
            now: NOW,
        })
    }

    fn started(waves: &[u32]) -> Applied {
        Applied {
            started_waves: waves.iter().copied().collect(),
            created: Vec::new(),
        }
    }

    fn gate_of<'r>(r: &'r StatusReport, wave: u32, id: &str) -> &'r GateResult {
        r.waves
            .iter()
            .find(|w| w.id == wave)
            .unwrap()
            .gates
            .iter()
            .find(|g| g.id == id)
            .unwrap()
    }

    #[test]
    fn the_roster_reads_waves_and_skips_unplaced_users() {
        let r = roster();
        assert_eq!(r[&1].len(), 2);
        assert_eq!(r[&1][0].user_id, "u1");
        assert_eq!(r[&2][0].user_principal_name, "c@x");
        assert!(check_roster(&plan(), &r).is_ok());
        let e = crate::roster::parse("wave,user_id,user_principal_name,license,sku\nx,u,a,held,\n")
            .unwrap_err();
        assert!(e.contains("line 2") && e.contains("wave"), "{e}");
        let e = crate::roster::parse("wave,user_principal_name\n").unwrap_err();
        assert!(e.contains("user_id"), "{e}");
        let mut short = roster();
        short.get_mut(&1).unwrap().pop();
        assert!(check_roster(&plan(), &short)
            .unwrap_err()
            .contains("wave 1"));
    }

    #[test]
    fn a_device_still_on_bms_and_online_fails_the_switch_gate() {
        let devices = [
            device("d1", "u1", "mdm", "compliant", 0),
            device("d2", "u2", BMS_AGENT, "compliant", 1),
        ];
        let r = run(&devices, Some(&started(&[1])), &[]);
        let g = gate_of(&r, 1, "devices-switched");
        assert_eq!((g.status, g.value), (GateStatus::Fail, Some(1)));
        assert_eq!(r.gates_failed, 1);
        let w = &r.waves[0];
        assert_eq!((w.users.on_intune, w.users.on_bms), (1, 1));
        assert_eq!((w.devices.intune, w.devices.bms), (1, 1));
        // Wave 2 has not started: nothing is judged there.
        assert_eq!(
            gate_of(&r, 2, "devices-switched").status,
            GateStatus::NotStarted
        );
    }

    #[test]
    fn offline_bms_devices_go_to_the_helpdesk_and_switched_ones_pass() {
        let devices = [
            device("d1", "U1", "mdm", "compliant", 0),
            device("d2", "u2", BMS_AGENT, "compliant", OFFLINE_DAYS),
            device("d3", "u2", "easMdm", "compliant", 0),
        ];
        let r = run(&devices, Some(&started(&[1])), &[]);
        let g = gate_of(&r, 1, "devices-switched");
        assert_eq!((g.status, g.value), (GateStatus::Pass, Some(0)));
        assert_eq!(r.waves[0].devices.bms_offline, 1);
        let c = gate_of(&r, 1, "compliance");
        assert_eq!((c.status, c.value), (GateStatus::Pass, Some(100)));
        assert_eq!(gate_of(&r, 1, "helpdesk").status, GateStatus::Manual);
        assert_eq!(gate_of(&r, 1, "mdm-authority").status, GateStatus::Manual);
        assert_eq!(gate_of(&r, 1, "soak").status, GateStatus::Unmeasured);
        assert_eq!(r.gates_failed, 0);
    }

    #[test]
    fn compliance_below_the_threshold_fails_and_none_switched_is_unmeasured() {
        let mut devices: Vec<Device> = (0..19)
            .map(|i| device(&format!("d{i}"), "u1", "mdm", "compliant", 0))
            .collect();
        devices.push(device("x", "u2", "mdm", "inGracePeriod", 0));
        // 19 of 20 = 95 %: passes exactly.
        let r = run(&devices, Some(&started(&[1])), &[]);
        assert_eq!(gate_of(&r, 1, "compliance").status, GateStatus::Pass);
        devices.push(device("y", "u2", "mdm", "noncompliant", 0));
        // 19 of 21 = 90.4 %.
        let r = run(&devices, Some(&started(&[1])), &[]);
        let c = gate_of(&r, 1, "compliance");
        assert_eq!((c.status, c.value), (GateStatus::Fail, Some(90)));
        assert_eq!(r.waves[0].compliance["noncompliant"], 1);
        let r = run(
            &[device("d", "u1", BMS_AGENT, "compliant", 0)],
            Some(&started(&[1])),
            &[],
        );
        assert_eq!(gate_of(&r, 1, "compliance").status, GateStatus::Unmeasured);
    }

    fn delivery(error_count: u64, overview: bool) -> PolicyDelivery {
        PolicyDelivery {
            policy: CreatedPolicy {
                step_id: "create-policy:x".into(),
                display_name: "X_O365_i".into(),
                collection: "/v1.0/deviceManagement/deviceCompliancePolicies".into(),
                object_id: "p1".into(),
            },
            overview: overview.then_some(Overview {
                success_count: 1,
                failed_count: 0,
                error_count,
                pending_count: 0,
                not_applicable_count: 0,
                configuration_version: 1,
            }),
            note: (!overview).then(|| "404".into()),
        }
    }

    #[test]
    fn conflicts_pass_only_when_every_overview_proves_zero() {
        let devices = [device("d1", "u1", "mdm", "compliant", 0)];
        let a = Some(started(&[1]));
        let r = run(&devices, a.as_ref(), &[delivery(0, true)]);
        assert_eq!(gate_of(&r, 1, "no-conflicts").status, GateStatus::Pass);
        let r = run(&devices, a.as_ref(), &[delivery(2, true)]);
        assert_eq!(
            gate_of(&r, 1, "no-conflicts").status,
            GateStatus::Unmeasured
        );
        let r = run(&devices, a.as_ref(), &[delivery(0, false)]);
        assert_eq!(
            gate_of(&r, 1, "no-conflicts").status,
            GateStatus::Unmeasured
        );
        let r = run(
            &[device("d1", "u1", "mdm", "conflict", 0)],
            a.as_ref(),
            &[delivery(0, true)],
        );
        let g = gate_of(&r, 1, "no-conflicts");
        assert_eq!((g.status, g.value), (GateStatus::Fail, Some(1)));
    }

    #[test]
    fn without_a_journal_nothing_is_judged_and_the_text_says_so() {
        let devices = [device("d2", "u2", BMS_AGENT, "compliant", 0)];
        let r = run(&devices, None, &[]);
        assert!(!r.applied);
        assert_eq!(r.gates_failed, 0);
        assert!(r
            .waves
            .iter()
            .flat_map(|w| &w.gates)
            .all(|g| g.status == GateStatus::NotStarted));
        let text = render_text(&r);
        assert!(text.starts_with("Nothing applied yet"), "{text}");
        assert!(
            text.contains("Wave 1 Pilot (not started): 2 user(s)"),
            "{text}"
        );
    }

    #[test]
    fn created_policies_come_from_succeeded_creates_not_undone() {
        let create = |seq: i64, status: u16, id: Option<&str>, undone: bool| Entry {
            seq,
            wave: 1,
            step_id: format!("create-policy:{seq}"),
            intent: Intent::CreateObject {
                collection: "/v1.0/deviceManagement/deviceConfigurations".into(),
                marker: "m".into(),
            },
            outcome: Some(Outcome {
                status,
                object_id: id.map(Into::into),
                created: true,
                request_id: None,
                error: None,
            }),
            undone,
        };
        let mut journal = JournalState::new("t", "p");
        journal.entries = vec![
            create(1, 201, Some("a"), false),
            create(2, 400, None, false),
            create(3, 201, Some("c"), true),
        ];
        let a = applied(&journal, &plan());
        assert_eq!(a.started_waves, BTreeSet::from([1]));
        assert_eq!(a.created.len(), 1);
        assert_eq!(
            a.created[0].overview_path().as_deref(),
            Some("/v1.0/deviceManagement/deviceConfigurations/a/deviceStatusOverview")
        );
        let ca = CreatedPolicy {
            collection: "/v1.0/identity/conditionalAccess/policies".into(),
            ..a.created[0].clone()
        };
        assert_eq!(ca.overview_path(), None);
    }

    #[test]
    fn json_and_text_name_every_gate_with_its_status() {
        let devices = [device("d2", "u2", BMS_AGENT, "compliant", 0)];
        let r = run(&devices, Some(&started(&[1])), &[delivery(0, true)]);
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(json["gatesFailed"], 1);
        assert_eq!(json["waves"][0]["gates"][1]["status"], "fail");
        assert_eq!(json["policies"][0]["overview"]["successCount"], 1);
        let text = render_text(&r);
        assert!(
            text.contains("FAIL        devices-switched  bmsManagedDevicesLeft 1 (at most 0)"),
            "{text}"
        );
        assert!(
            text.contains("X_O365_i (compliance policy): success 1, failed 0, error 0"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "Exit gates: 1 failed, 1 passed, 2 unmeasured, 2 manual, 1 not started.\n"
            ),
            "{text}"
        );
    }
}
