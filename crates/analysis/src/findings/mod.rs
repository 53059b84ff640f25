//! The readiness findings: every risk Microsoft's "Prepare" step warns about, found, counted
//! and explained with its subjects before anything changes. This module owns the finding
//! vocabulary (stable kebab-case [`Code`]s, [`Severity`], [`Subject`]), the check behind each
//! code, and [`assess`], which runs them all over a [`Tenant`] and returns them sorted.
//!
//! **Severities**, as an Intune admin would triage them:
//! - `blocker`: switching now loses settings or cannot be licensed: `license-shortfall`,
//!   `licensed-without-replacement`.
//! - `warning`: must be decided or fixed before the switch, or some users and devices end up
//!   unmanaged or unsupported: `already-licensed-users`, `unlicensed-targets`,
//!   `unsupported-os`, `windows-not-migrated`, `android-device-admin`, `no-user-affinity`,
//!   `overlapping-bms-policies`, `unknown-target-group`, `education-sku`, `mam-only-license`,
//!   `intune-assignments-unknown`, `existing-ca-requires-compliance` (its report-only
//!   variant is info).
//! - `info`: clean-up and communication: `policy-not-targeted`, `policy-pending-deletion`,
//!   `duplicate-policies`, `email-profile-reauth`, `stale-devices`, and `not-assessed`.
//!
//! **Count**: the number of subjects, except `license-shortfall`, whose count is the number of
//! missing seats (its subjects are every user who needs a new seat) and `not-assessed`
//! (count 0, no subjects).
//!
//! **Missing data**: a check whose Graph files are absent is not run; instead one
//! `not-assessed` finding per skipped code names the code (`assessedCode`) and the missing
//! files (`missing`). Checks that need only `bms/` always run; without groups,
//! `policy-not-targeted` checks only the all-zero sentinel and missing rules, and says so.
//!
//! Everything is deterministic: subjects are sorted by kind, name and ID; findings by
//! severity, code and the code they are about.
//!
//! **Where things are**: [`vocabulary`] holds the codes and the document types; `context` the
//! data every check shares (`Ctx`) and the helpers that build subjects and findings; one file
//! per family of codes holds their checks: `licences` (seats, licences, SKUs), `devices` (OS,
//! platform, affinity), `policies` (the BMS policies themselves), `reach` (whom the policies
//! reach: overlaps, the managed email profile), with `coverage` (existing Intune policies per
//! user and device) for `licensed-without-replacement`, and `existing_intune` (existing Intune
//! and Conditional Access objects, stale devices). A new code is a row in
//! `vocabulary::codes!`, a line in [`assess_with`]'s dispatch and a method in its family's file.

mod context;
mod coverage;
mod devices;
mod existing_intune;
mod licences;
mod policies;
mod reach;
pub mod vocabulary;

pub use vocabulary::{
    Assessment, Code, Finding, ProposedGroup, Severity, Subject, SubjectId, SubjectKind, Summary,
};

use crate::config::AssessConfig;
use crate::licensing::Licensing;
use crate::membership::Membership;
use crate::targets::BmsTargets;
use bms2intune_model::Tenant;
use context::{not_assessed, Ctx};

/// Assesses a tenant's readiness to move from BMS to Intune.
pub fn assess<'t>(tenant: &'t Tenant, config: &AssessConfig) -> Assessment<'t> {
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(tenant, &membership);
    let licensing = Licensing::new(&tenant.directory, config);
    assess_with(tenant, config, &membership, &targets, &licensing)
}

/// [`assess`] with group membership, BMS targets and licensing already computed (the `plan`
/// pipeline needs them for staging and simulation too, and expanding groups is the costly
/// part on a large tenant). `licensing` must have been built with the same `config`.
pub fn assess_with<'t>(
    tenant: &'t Tenant,
    config: &AssessConfig,
    membership: &Membership,
    targets: &BmsTargets,
    licensing: &Licensing,
) -> Assessment<'t> {
    let ctx = Ctx::new(tenant, config, membership, targets, licensing);
    let mut findings = Vec::new();
    for &code in Code::ALL {
        if code == Code::NotAssessed {
            continue;
        }
        let missing = ctx.missing_files(code);
        if !missing.is_empty() {
            findings.push(not_assessed(code, missing));
            continue;
        }
        let finding = match code {
            Code::LicenseShortfall => ctx.license_shortfall(),
            Code::AlreadyLicensedUsers => ctx.already_licensed_users(),
            Code::LicensedWithoutReplacement => ctx.licensed_without_replacement(),
            Code::UnlicensedTargets => ctx.unlicensed_targets(),
            Code::UnsupportedOs => ctx.unsupported_os(),
            Code::WindowsNotMigrated => ctx.windows_not_migrated(),
            Code::AndroidDeviceAdmin => ctx.android_device_admin(),
            Code::NoUserAffinity => ctx.no_user_affinity(),
            Code::PolicyNotTargeted => ctx.policy_not_targeted(),
            Code::PolicyPendingDeletion => ctx.policy_pending_deletion(),
            Code::DuplicatePolicies => ctx.duplicate_policies(),
            Code::OverlappingBmsPolicies => ctx.overlapping_bms_policies(),
            Code::UnknownTargetGroup => ctx.unknown_target_group(),
            Code::EducationSku => ctx.education_sku(),
            Code::MamOnlyLicense => ctx.mam_only_license(),
            Code::EmailProfileReauth => ctx.email_profile_reauth(),
            Code::IntuneAssignmentsUnknown => ctx.intune_assignments_unknown(),
            Code::ExistingCaRequiresCompliance => {
                findings.extend(ctx.existing_ca_requires_compliance());
                None
            }
            Code::StaleDevices => ctx.stale_devices(),
            Code::NotAssessed => None,
        };
        findings.extend(finding);
    }
    findings.sort_by(|a, b| {
        (a.severity, a.code, a.assessed_code, &a.title).cmp(&(
            b.severity,
            b.code,
            b.assessed_code,
            &b.title,
        ))
    });
    let mut summary = Summary::default();
    for f in &findings {
        match f.severity {
            Severity::Blocker => summary.blockers += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.info += 1,
        }
    }
    Assessment {
        as_of: config.as_of,
        os_floors: config.os_floors.clone(),
        summary,
        findings,
    }
}

#[cfg(test)]
mod tests;
