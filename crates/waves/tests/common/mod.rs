//! The pipeline in front of the planner, as `plan` runs it: membership, targets, licensing,
//! mapping and assessment, then [`plan_waves`]. Shared by the waves tests.

use bms2intune_analysis::{assess_with, AssessConfig, BmsTargets, Licensing, Membership};
use bms2intune_mapping::{map_export, MappingOptions};
use bms2intune_model::Tenant;
use bms2intune_waves::{plan_waves, Staging, WaveError, WaveOptions};

/// Stages `tenant` with the default assessment config and mapping options.
pub fn stage_with<'t>(tenant: &'t Tenant, options: &WaveOptions) -> Result<Staging<'t>, WaveError> {
    let config = AssessConfig::default();
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(tenant, &membership);
    let licensing = Licensing::new(&tenant.directory, &config);
    let mapping = map_export(&tenant.bms, &MappingOptions::default());
    let assessment = assess_with(tenant, &config, &membership, &targets, &licensing);
    plan_waves(
        tenant,
        &membership,
        &targets,
        &licensing,
        &mapping,
        &assessment,
        options,
    )
}

/// A staging borrows names from its tenant; test tenants are small, so a copy of the tenant
/// lives for the rest of the test run and the staging can outlive the caller's tenant.
pub fn leak(tenant: &Tenant) -> &'static Tenant {
    Box::leak(Box::new(tenant.clone()))
}
