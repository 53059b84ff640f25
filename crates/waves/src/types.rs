//! The staging vocabulary as it appears in `plan.json`: [`Staging`] with its [`Wave`]s and
//! ordered [`Step`]s, the licence [`Capacity`], the users left unplaced, and the small value
//! types they are made of. This module owns their JSON shape (camelCase, fixed member names,
//! kebab-case enum spellings) and nothing else: every type is plain data, serializable and
//! deserializable, so a later `apply` command can read the steps back from `plan.json`.

use bms2intune_analysis::{Code, Severity};
use bms2intune_model::Guid;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The staged move: waves, the ordered steps, and what could not be placed.
///
/// Meant to be flattened into the plan document (`#[serde(flatten)]`), so that `waves` and
/// `steps` sit at the top of `plan.json`, where the report reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Staging<'t> {
    /// Wave 1 is the pilot; later commands take `--wave N` with these ids.
    pub waves: Vec<Wave<'t>>,
    /// Every step in execution order; `dependsOn` only ever names earlier steps.
    pub steps: Vec<Step>,
    /// How the waves were chosen (automatic rules, or the `--waves` file).
    pub wave_selection: Selection,
    /// Intune seats: free, needed, planned, and the statement to show when they run out.
    pub license_capacity: Capacity,
    /// Users in scope who are in no wave, with the reason.
    pub unplaced_users: Vec<UnplacedUser<'t>>,
    /// Users left out of `unplacedUsers` by the plan's list limit (`waves.csv` lists them all).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unplaced_users_omitted: u64,
    /// Things the planner decided or noticed that an approver should read, in a fixed order.
    pub staging_notes: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How the waves were chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    /// `automatic` or `file`.
    pub mode: String,
    /// The `--waves` file as named on the command line (file mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The rules applied, one sentence each.
    pub rules: Vec<String>,
}

/// What a user needs to be moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LicenseNeed {
    /// Already holds Intune: switches the moment coexistence is turned on (always wave 1).
    Held,
    /// Holds a licence whose Intune plan is only switched off: switching it on needs no seat.
    EnablePlan,
    /// Needs a new Intune-capable seat.
    NewSeat,
}

impl LicenseNeed {
    pub fn as_str(self) -> &'static str {
        match self {
            LicenseNeed::Held => "held",
            LicenseNeed::EnablePlan => "enable-plan",
            LicenseNeed::NewSeat => "new-seat",
        }
    }
}

/// One wave: a set of users licensed together, then checked before the next wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wave<'t> {
    /// 1, 2, …; 1 is the pilot.
    pub id: u32,
    pub name: String,
    /// Why these users are in this wave.
    pub selection: String,
    /// Number of users (= `members.len() + membersOmitted`).
    pub users: u64,
    /// The users, in the planner's order (UPN, then ID).
    pub members: Vec<WaveMember<'t>>,
    /// Members left out of `members` by the plan's list limit (`plan.json` `listLimit`);
    /// `waves.csv` lists every member.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub members_omitted: u64,
    /// BMS-managed devices of the wave's users per platform (`ios` counts iOS and iPadOS).
    pub devices_by_platform: BTreeMap<String, u64>,
    /// New Intune seats this wave consumes.
    pub seats_needed: u64,
    /// Users who already hold Intune (wave 1 only).
    pub already_licensed: u64,
    /// Users whose Intune plan is switched on in the licence they hold.
    pub enable_plan: u64,
    /// The licence groups of this wave, one per SKU used.
    pub licenses: Vec<WaveLicense>,
    /// True when licence capacity cut this wave short: the planner stopped after it.
    pub limited_by_licenses: bool,
    /// Findings limited to this wave's users and devices.
    pub risks: Vec<WaveRisk>,
    /// When the devices move, in one sentence (shown in the report and the user notice).
    pub switch_window: String,
    /// The same, as numbers for automation.
    pub switch_timing: SwitchTiming,
    /// Measurable checks before the next wave starts.
    pub exit_gates: Vec<ExitGate>,
    /// What the wave's users will see.
    pub user_impact: Vec<String>,
}

/// One user of a wave. Strings borrow from the tenant when built by the planner (a wave of a
/// million users allocates none) and are owned when read back from `plan.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaveMember<'t> {
    /// Entra object ID.
    pub id: Guid,
    pub user_principal_name: Cow<'t, str>,
    pub license: LicenseNeed,
    /// `skuPartNumber` of the seat the user gets (new-seat users only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<Cow<'t, str>>,
    /// The BMS policy that applies to the user today (first by priority).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bms_policy: Option<Cow<'t, str>>,
}

/// A licence group of a wave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaveLicense {
    pub sku_part_number: String,
    pub sku_id: String,
    pub seats: u64,
    /// The group's key (`wave-2-ems`) and display name.
    pub group: String,
    pub group_display_name: String,
}

/// A finding limited to one wave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaveRisk {
    pub code: Code,
    pub severity: Severity,
    pub title: String,
    /// Subjects of the finding in this wave (users + devices).
    pub count: u64,
    pub users: u64,
    pub devices: u64,
}

/// When a wave's devices move, from Intune's check-in cycles (`intune-behavior.md` §2, §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchTiming {
    /// `license` or `coexistence-or-license` (wave 1 with already-licensed users).
    pub trigger: String,
    /// Online devices move at their next check-in: about every 8 hours.
    pub typical_hours: u32,
    /// The window to plan for.
    pub plan_hours: u32,
    /// A device's policy status can take this long to show in reports.
    pub status_report_hours: u32,
    /// After the MDM authority change, compliance data can take up to a week to be accurate
    /// (wave 1 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance_settle_days: Option<u32>,
}

/// A check before the next wave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExitGate {
    /// Stable within a wave: `devices-switched`, `no-conflicts`, `compliance`, …
    pub id: String,
    /// The check, in one short line (the report's checklist item).
    pub description: String,
    /// Where and how to measure it.
    pub how: String,
    /// What to measure, when the gate is a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// The metric must be at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// The metric must be at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    CreateGroup,
    AddGroupMembers,
    CreatePolicy,
    AssignPolicy,
    EnableCoexistence,
    AssignLicense,
    Verify,
    /// Baseline: add the `notification` action to a compliance policy once its template exists
    /// (`POST …/deviceCompliancePolicies/{id}/scheduleActionsForRules`).
    ScheduleActions,
    /// Baseline: read `deviceManagement.settings`, change one member, write the block back.
    UpdateTenantSettings,
    /// Close-out: switch a report-only Conditional Access policy to `enabled`.
    EnforceConditionalAccess,
    /// Close-out: keep the classic Conditional Access policies (manual; not in Graph).
    KeepClassicConditionalAccess,
    /// Close-out: remove the BMS policies and rules in Security & Compliance PowerShell
    /// (manual; Graph has no BMS API).
    RemoveBmsPolicies,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::CreateGroup => "create-group",
            StepKind::AddGroupMembers => "add-group-members",
            StepKind::CreatePolicy => "create-policy",
            StepKind::AssignPolicy => "assign-policy",
            StepKind::EnableCoexistence => "enable-coexistence",
            StepKind::AssignLicense => "assign-license",
            StepKind::Verify => "verify",
            StepKind::ScheduleActions => "schedule-actions",
            StepKind::UpdateTenantSettings => "update-tenant-settings",
            StepKind::EnforceConditionalAccess => "enforce-conditional-access",
            StepKind::KeepClassicConditionalAccess => "keep-classic-conditional-access",
            StepKind::RemoveBmsPolicies => "remove-bms-policies",
        }
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of the runbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Stable: `<kind>:<subject>` (see the crate documentation).
    pub id: String,
    /// The wave, or `null` for tenant-wide steps.
    pub wave: Option<u32>,
    /// Set on steps `apply` runs only when asked (`baseline`: the recommended baseline, with
    /// `apply --baseline`); absent on the migration's own steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<Optional>,
    pub kind: StepKind,
    pub title: String,
    pub target: StepTarget,
    /// Ids of earlier steps that must be done first.
    pub depends_on: Vec<String>,
    /// False for one-way steps (enabling coexistence).
    pub reversible: bool,
    /// True when no Graph request does it: an admin clicks it.
    pub manual: bool,
    /// What to click or run.
    pub instructions: String,
    /// What users see when the step runs (empty when nothing changes for them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_impact: Vec<String>,
    /// What to check once the step is done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// How to undo the step, or why it cannot be undone.
    pub rollback: String,
}

/// Why a step is optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Optional {
    /// Part of the recommended Intune baseline beyond BMS parity.
    Baseline,
}

impl Optional {
    pub fn as_str(self) -> &'static str {
        match self {
            Optional::Baseline => "baseline",
        }
    }
}

/// What a step acts on. One flat shape for every kind; each kind fills the members listed in
/// the crate documentation and leaves the others out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepTarget {
    /// What a person calls the target (object, group, wave).
    pub display_name: String,
    /// Policies: the request body, relative to the plan folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Policies: `v1.0` or `beta`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Policies: `deviceCompliancePolicies`, `deviceConfigurations` or
    /// `conditionalAccessPolicies`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    /// Policies: the Graph path to POST to (after `https://graph.microsoft.com/<api>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub odata_type: Option<String>,
    /// Policies: the BMS policy the object replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_policy: Option<String>,
    /// Policies: `windows`, `ios`, `androidDeviceAdmin`, `androidWorkProfile`, `mobile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// `assign-policy`: groups to include.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<GroupRef>,
    /// `assign-policy`: groups to exclude.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<GroupRef>,
    /// `assign-policy`: group IDs of the recommendation that are not in the directory (left out
    /// of `include`/`exclude`: Graph would refuse them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_found: Vec<String>,
    /// Wave groups: the group's key (`wave-2-ems`), unique in the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `create-group`: the `mailNickname` Graph requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_nickname: Option<String>,
    /// `create-group`: the group description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `assign-license` (group): the SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_part_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_id: Option<String>,
    /// Wave-scoped steps: the wave whose `members` the step works on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave: Option<u32>,
    /// Which of the wave's members (`add-group-members`, `assign-license`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<MemberFilter>,
    /// How many users (or, for `verify`, users of the wave).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// `enable-coexistence`: the tenant setting and its new value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `enforce-conditional-access`: the value the rollback writes back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_value: Option<String>,
    /// The HTTP method when it is not `POST` (`PATCH`), or `GET` for a check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Read this first (Graph path after `https://graph.microsoft.com/<api>`), for
    /// read-modify-write and checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<String>,
    /// A request header the read needs, e.g. `Prefer: include-unknown-enum-members`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// The id of the step whose created object's ID this step needs (the notification
    /// template, the policy to enforce).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
    /// Manual commands to run, one per line, exactly as written (PowerShell).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
}

/// A group by ID, with its display name when the directory has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Selects members of a wave: those with this licence need (and, for new seats, this SKU).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberFilter {
    pub license: LicenseNeed,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// Intune seats for the move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capacity {
    /// Free seats across SKUs that include an Intune plan.
    pub free_seats: u64,
    /// Users in scope who need a new seat.
    pub seats_needed: u64,
    /// New seats the waves use.
    pub seats_planned: u64,
    /// `seatsNeeded − freeSeats`, when positive.
    pub shortfall: u64,
    /// Users in scope who already hold Intune.
    pub already_licensed: u64,
    /// Users in scope whose Intune plan only needs switching on.
    pub enable_plan: u64,
    /// Users left out of the waves because seats ran out.
    pub blocked_users: u64,
    /// The SKUs, in the order the planner uses them.
    pub skus: Vec<SkuCapacity>,
    /// One paragraph for the change board.
    pub statement: String,
    /// `license-shortfall` when seats are short (the assessment's finding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Code>,
}

/// One SKU's seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuCapacity {
    pub sku_part_number: String,
    pub sku_id: String,
    pub free: u64,
    pub planned: u64,
    /// Why it sits where it does in the order: `standalone-intune`, `suite`, `education`.
    pub rank: String,
}

/// Why a user in scope is in no wave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnplacedReason {
    /// Seats ran out: blocked until licences are bought.
    LicenseCapacity,
    /// The `--waves` file has no wave for them (no `rest = true`).
    NotInWavesFile,
}

impl UnplacedReason {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            UnplacedReason::LicenseCapacity => "license-capacity",
            UnplacedReason::NotInWavesFile => "not-in-waves-file",
        }
    }
}

/// A user in scope left out of the waves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnplacedUser<'t> {
    pub id: Guid,
    pub user_principal_name: Cow<'t, str>,
    pub license: LicenseNeed,
    pub reason: UnplacedReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bms_policy: Option<Cow<'t, str>>,
}
