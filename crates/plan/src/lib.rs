//! The migration plan: the one document every output is rendered from.
//!
//! [`build_plan`] is a pure function from the read tenant (and, as later stages land, the
//! mapping, findings, impact and waves) to a [`PlanDocument`], which serializes to `plan.json`.
//! It carries no timestamps or random IDs, so the same snapshot gives byte-identical output.

use bms2intune_model::Tenant;
use bms2intune_snapshot::summary::{summarize, SnapshotSummary};
use serde::Serialize;

/// Version of the `plan.json` layout; bumped when a field changes meaning or is removed.
pub const PLAN_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

/// `plan.json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanDocument {
    pub format_version: u32,
    pub tool: ToolInfo,
    pub snapshot: SnapshotSummary,
}

/// Builds the plan for a tenant.
pub fn build_plan(tenant: &Tenant, tool_version: &'static str) -> PlanDocument {
    PlanDocument {
        format_version: PLAN_FORMAT_VERSION,
        tool: ToolInfo { name: "bms2intune", version: tool_version },
        snapshot: summarize(tenant),
    }
}
