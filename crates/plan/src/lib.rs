//! The migration plan: the one document every output is rendered from.
//!
//! [`build_plan`] is a pure function from the read tenant and the stages' results (mapping,
//! findings, simulation, staging) to a [`PlanDocument`], which serializes to `plan.json`.
//! It carries no timestamps or random IDs, so the same snapshot gives byte-identical output.

use bms2intune_analysis::{Assessment, Finding, OsFloors, Summary};
use bms2intune_mapping::baseline::Baseline;
use bms2intune_mapping::{
    ClassicCaStatement, Mapping, MappingOptions, Recommendation, SkippedPolicy,
};
use bms2intune_model::Tenant;
use bms2intune_simulation::baseline::BaselineImpact;
use bms2intune_simulation::{Conflict, Impact, Simulation};
use bms2intune_waves::Staging;
use existing::{existing_policies, ExistingPolicy};
use serde::{Deserialize, Serialize};
use summary::{summarize, SnapshotSummary};

pub mod existing;
pub mod summary;

/// Version of the `plan.json` layout; bumped when a field changes meaning or is removed.
/// Version 2 bounds the per-user lists (`listLimit`, `…Omitted`).
pub const PLAN_FORMAT_VERSION: u32 = 2;

/// How many entries each per-user list of `plan.json` keeps by default (finding subjects,
/// proposed group members, wave members, unplaced users). The full lists are in
/// `findings.csv` and `waves.csv`.
pub const DEFAULT_LIST_LIMIT: usize = 1000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

/// `plan.json`. It borrows names from the tenant it was built from (`'t`); read back from a
/// file (`serde_json::from_str::<PlanDocument<'static>>`) it owns them. The report renders from
/// this type, so a change to the document's shape is a change to the report's code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanDocument<'t> {
    pub format_version: u32,
    pub tool: ToolInfo,
    /// The most entries a per-user list holds (finding `subjects`, proposed group `members`,
    /// wave `members`, `unplacedUsers`); `null` when unbounded. A list cut short says how many
    /// entries it left out in its `…Omitted` sibling; `findings.csv` and `waves.csv` list all.
    pub list_limit: Option<usize>,
    pub snapshot: SnapshotSummary,
    pub readiness: Readiness,
    /// Readiness findings, most severe first (the README lists every code).
    pub findings: Vec<Finding<'t>>,
    /// The options the BMS policies were mapped with.
    pub mapping_options: MappingOptions,
    /// One entry per Intune object to create, with a record for every configured setting.
    pub recommendations: Vec<Recommendation>,
    /// The classic Conditional Access policies BMS relies on, which stay and must not be deleted.
    pub classic_conditional_access: ClassicCaStatement,
    /// BMS policies that are not migrated, and why.
    pub skipped_policies: Vec<SkippedPolicy>,
    /// Before (BMS) versus after (Intune), per outcome, platform and setting.
    pub impact: Impact,
    /// Pairs of Intune objects that disagree on a setting for the same users.
    pub conflicts: Vec<Conflict>,
    /// Every existing Intune and Conditional Access policy the plan was made against, with its
    /// Graph endpoint and `version` at snapshot time (sorted by endpoint, then ID; backup
    /// objects without a tenant ID left out): `apply` stops when one has changed or gone.
    pub existing_intune: Vec<ExistingPolicy>,
    /// Every group the plan refers to (BMS targets and exclusions, assignments), with its name,
    /// so people and tools can read the GUIDs elsewhere in the plan.
    pub groups: Vec<GroupName>,
    /// The recommended Intune baseline beyond BMS parity (bodies under `baseline/`, steps marked
    /// `optional: baseline`), and its impact on the snapshot's devices, apart from `impact`.
    pub baseline: BaselineSection<'t>,
    /// What happens to the BMS policies during and after the move, and the commands that
    /// remove them once nobody depends on them.
    pub close_out: CloseOut,
    /// The rollout: `waves`, the ordered `steps` (each executable on its own by a later
    /// `apply`), `waveSelection`, `licenseCapacity`, `unplacedUsers`, `stagingNotes`.
    #[serde(flatten)]
    pub staging: Staging<'t>,
}

/// Keeps the first `limit` entries of `list` and returns how many it dropped.
fn keep_first<T>(list: &mut Vec<T>, limit: usize) -> u64 {
    let omitted = list.len().saturating_sub(limit);
    list.truncate(limit);
    omitted as u64
}

impl PlanDocument<'_> {
    /// Cuts every per-user list to its first `limit` entries, recording what was left out.
    /// Lists are already in their final order, so the kept entries are the ones a reader sees
    /// first anyway. Counts (`count`, `users`, `blockedUsers`) keep the totals.
    fn bound_lists(&mut self, limit: usize) {
        for finding in &mut self.findings {
            finding.subjects_omitted += keep_first(&mut finding.subjects, limit);
            for group in &mut finding.proposed_groups {
                group.members_omitted += keep_first(&mut group.members, limit);
            }
        }
        for wave in &mut self.staging.waves {
            wave.members_omitted += keep_first(&mut wave.members, limit);
        }
        self.staging.unplaced_users_omitted += keep_first(&mut self.staging.unplaced_users, limit);
        let impact = &mut self.baseline.impact;
        impact.devices_omitted += keep_first(&mut impact.devices, limit);
    }

    /// Users in no wave, including those the list limit left out of `unplacedUsers`.
    pub fn unplaced_user_count(&self) -> u64 {
        self.staging.unplaced_users.len() as u64 + self.staging.unplaced_users_omitted
    }
}

/// `plan.json` → `baseline`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineSection<'t> {
    /// Objects, settings left out of v1.0, floors and notes.
    #[serde(flatten)]
    pub recommendations: Baseline,
    /// Devices that would fall out of compliance.
    pub impact: BaselineImpact<'t>,
}

/// `plan.json` → `closeOut`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloseOut {
    /// What happens to the BMS policies during and after the move, in plain words.
    pub bms_policies: Vec<String>,
    /// The Security & Compliance PowerShell commands of the `remove-bms-policies` step.
    pub removal_commands: Vec<String>,
}

/// A group referred to in the plan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupName {
    pub id: String,
    /// Empty when the group is not in the snapshot's directory.
    pub display_name: String,
    pub kind: GroupKind,
}

/// What kind of group a [`GroupName`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    Security,
    Microsoft365,
    Dynamic,
    /// Its members are devices only.
    Device,
    /// Not in the snapshot's directory.
    Unknown,
}

/// The referenced groups, sorted by name then ID.
fn group_names(tenant: &Tenant, recommendations: &[Recommendation]) -> Vec<GroupName> {
    let dir = &tenant.directory;
    let mut ids: Vec<bms2intune_model::Guid> = recommendations
        .iter()
        .flat_map(|r| r.include_groups.iter().chain(&r.exclude_groups).copied())
        .chain(
            tenant
                .bms
                .policies
                .iter()
                .flat_map(|p| p.target_groups().iter().copied()),
        )
        .chain(tenant.bms.tenant.exclusion_list.iter().copied())
        .filter(|g| !g.is_nil())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut groups: Vec<GroupName> = ids
        .into_iter()
        .map(|id| match dir.group(id).map(|g| &dir.groups()[g.ix()]) {
            Some(g) => GroupName {
                id: id.to_string(),
                display_name: g.display_name.to_string(),
                kind: if g.unified {
                    GroupKind::Microsoft365
                } else if g.dynamic {
                    GroupKind::Dynamic
                } else if !g.member_devices.is_empty() && g.member_users.is_empty() {
                    GroupKind::Device
                } else {
                    GroupKind::Security
                },
            },
            None => GroupName {
                id: id.to_string(),
                display_name: String::new(),
                kind: GroupKind::Unknown,
            },
        })
        .collect();
    groups.sort_by(|a, b| (&a.display_name, &a.id).cmp(&(&b.display_name, &b.id)));
    groups
}

/// The verdict of the assessment and what it was measured against.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub verdict: Verdict,
    pub as_of: String,
    pub os_floors: OsFloors,
    pub summary: Summary,
}

/// Whether the tenant can move, from the findings' severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// At least one blocker.
    Blocked,
    /// No blocker, at least one warning.
    ReadyWithWarnings,
    Ready,
}

impl Verdict {
    /// The JSON spelling: `blocked`, `ready-with-warnings`, `ready`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Blocked => "blocked",
            Verdict::ReadyWithWarnings => "ready-with-warnings",
            Verdict::Ready => "ready",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The results of the pure stages, in the order the pipeline computes them.
pub struct StageResults<'s> {
    pub mapping_options: MappingOptions,
    pub mapping: Mapping,
    pub assessment: Assessment<'s>,
    pub simulation: &'s Simulation,
    pub staging: Staging<'s>,
    pub baseline: Baseline,
    pub baseline_impact: BaselineImpact<'s>,
}

/// Builds the plan for a tenant from the stages' results, keeping at most `list_limit`
/// entries per per-user list (`None`: all). Write the full lists (`findings.csv`,
/// `waves.csv`) from the stages' results before they are handed over.
pub fn build_plan<'t>(
    tenant: &'t Tenant,
    results: StageResults<'t>,
    list_limit: Option<usize>,
    tool_version: &'static str,
) -> PlanDocument<'t> {
    let StageResults {
        mapping_options,
        mapping,
        assessment,
        simulation,
        staging,
        baseline,
        baseline_impact,
    } = results;
    let left_on_bms = staging.unplaced_users.len() as u64 + staging.unplaced_users_omitted;
    let close_out = CloseOut {
        bms_policies: bms2intune_waves::closeout::what_happens_to_bms(&tenant.bms, left_on_bms),
        removal_commands: bms2intune_waves::closeout::removal_commands(&tenant.bms),
    };
    let verdict = if assessment.summary.blockers > 0 {
        Verdict::Blocked
    } else if assessment.summary.warnings > 0 {
        Verdict::ReadyWithWarnings
    } else {
        Verdict::Ready
    };
    let groups = group_names(tenant, &mapping.recommendations);
    let mut plan = PlanDocument {
        format_version: PLAN_FORMAT_VERSION,
        tool: ToolInfo {
            name: "bms2intune".into(),
            version: tool_version.into(),
        },
        list_limit,
        snapshot: summarize(tenant),
        readiness: Readiness {
            verdict,
            as_of: assessment.as_of.to_string(),
            os_floors: assessment.os_floors,
            summary: assessment.summary,
        },
        findings: assessment.findings,
        mapping_options,
        recommendations: mapping.recommendations,
        classic_conditional_access: mapping.classic_conditional_access,
        skipped_policies: mapping.skipped_policies,
        groups,
        impact: simulation.impact.clone(),
        conflicts: simulation.conflicts.clone(),
        existing_intune: existing_policies(&tenant.intune),
        baseline: BaselineSection {
            recommendations: baseline,
            impact: baseline_impact,
        },
        close_out,
        staging,
    };
    if let Some(limit) = list_limit {
        plan.bound_lists(limit);
    }
    plan
}
