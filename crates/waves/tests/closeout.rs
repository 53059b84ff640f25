//! The close-out after the last wave and the optional baseline steps, on the sample tenant:
//! the close-out comes after every wave with the right dependencies (and `validate` says so
//! when it does not), enforcing each report-only policy is its own gated step with a rollback,
//! the removal commands are exact, and the baseline is never part of the migration's steps
//! unless asked for.

mod common;
use bms2intune_analysis::OsFloors;
use bms2intune_mapping::baseline::recommend;
use bms2intune_mapping::MappingOptions;
use bms2intune_model::Tenant;
use bms2intune_waves::closeout::{
    add_baseline, enforce_id, removal_commands, report_only_gate_id, runnable, KEEP_CLASSIC_CA,
    REMOVE_BMS_POLICIES, VERIFY_CLOSE_OUT,
};
use bms2intune_waves::types::Optional;
use bms2intune_waves::{validate, Staging, StepKind, WaveOptions};
use common::stage_with;
use std::path::PathBuf;

fn sample() -> &'static Tenant {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso");
    common::leak(&bms2intune_snapshot::read_snapshot(&root).expect("the sample snapshot reads"))
}

fn staged(tenant: &'static Tenant) -> Staging<'static> {
    let mut s = stage_with(tenant, &WaveOptions::default()).expect("the sample stages");
    let baseline = recommend(
        &tenant.bms,
        &OsFloors::default(),
        &MappingOptions::default(),
    );
    add_baseline(&mut s, &tenant.directory, &baseline);
    s
}

fn position(s: &Staging, id: &str) -> usize {
    s.steps
        .iter()
        .position(|st| st.id == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

fn errors(s: &Staging) -> Vec<String> {
    validate(s).err().unwrap_or_default()
}

#[test]
fn close_out_follows_every_wave_and_validates() {
    let s = staged(sample());
    assert_eq!(errors(&s), Vec::<String>::new());
    let last_wave = s.waves.last().expect("waves").id;
    let v = position(&s, VERIFY_CLOSE_OUT);
    let last_wave_step = s.steps.iter().rposition(|st| st.wave.is_some()).unwrap();
    assert!(v > last_wave_step);
    assert_eq!(
        s.steps[v].depends_on,
        vec![format!("verify:wave-{last_wave}")]
    );
    // One gate and one enforcement per report-only policy, the enforcement after its gate.
    let ca: Vec<&str> = s
        .steps
        .iter()
        .filter(|st| st.kind == StepKind::EnforceConditionalAccess)
        .map(|st| st.target.file.as_deref().unwrap())
        .collect();
    assert!(!ca.is_empty());
    for file in &ca {
        let gate = position(&s, &report_only_gate_id(file));
        let enforce = position(&s, &enforce_id(file));
        assert!(gate < enforce);
        let step = &s.steps[enforce];
        assert_eq!(step.depends_on, vec![report_only_gate_id(file)]);
        assert!(step.reversible);
        assert_eq!(
            step.target.previous_value.as_deref(),
            Some("enabledForReportingButNotEnforced")
        );
        assert!(step.rollback.contains("enabledForReportingButNotEnforced"));
        let gate = &s.steps[gate];
        assert_eq!(
            gate.target.header.as_deref(),
            Some("Prefer: include-unknown-enum-members")
        );
        assert_eq!(gate.target.value.as_deref(), Some("reportOnlyFailure"));
    }
    let keep = position(&s, KEEP_CLASSIC_CA);
    let remove = position(&s, REMOVE_BMS_POLICIES);
    assert!(keep < remove);
    assert_eq!(s.steps[keep].depends_on.len(), ca.len());
    assert!(s.steps[keep]
        .instructions
        .contains("[GraphAggregatorService] Device policy"));
    assert!(s.steps[remove].manual && !s.steps[remove].reversible);
}

#[test]
fn validate_rejects_a_close_out_out_of_order() {
    let good = staged(sample());
    let last_wave = good.waves.last().unwrap().id;

    let mut s = good.clone();
    let v = position(&s, VERIFY_CLOSE_OUT);
    s.steps[v].depends_on = vec![format!(
        "verify:wave-{}",
        last_wave.saturating_sub(1).max(1)
    )];
    if last_wave > 1 {
        assert!(
            errors(&s)
                .iter()
                .any(|e| e.contains("must depend on verify:wave-")),
            "{:?}",
            errors(&s)
        );
    }

    // Moving the close-out check before the last wave's steps.
    let mut s = good.clone();
    let v = position(&s, VERIFY_CLOSE_OUT);
    let check = s.steps.remove(v);
    let first_wave_step = s.steps.iter().position(|st| st.wave.is_some()).unwrap();
    s.steps.insert(first_wave_step, check);
    assert!(!errors(&s).is_empty());

    // An enforcement that skips its report-only gate.
    let mut s = good.clone();
    let e = s
        .steps
        .iter()
        .position(|st| st.kind == StepKind::EnforceConditionalAccess)
        .unwrap();
    s.steps[e].depends_on = vec![VERIFY_CLOSE_OUT.into()];
    assert!(
        errors(&s).iter().any(|e| e.contains("its gate")),
        "{:?}",
        errors(&s)
    );

    // Removing the BMS policies before keeping the classic policies.
    let mut s = good.clone();
    let r = position(&s, REMOVE_BMS_POLICIES);
    s.steps[r].depends_on = vec![VERIFY_CLOSE_OUT.into()];
    assert!(
        errors(&s).iter().any(|e| e.contains(REMOVE_BMS_POLICIES)),
        "{:?}",
        errors(&s)
    );

    // No close-out at all.
    let mut s = good;
    s.steps.retain(|st| st.id != VERIFY_CLOSE_OUT);
    assert!(!errors(&s).is_empty());
}

#[test]
fn the_baseline_is_never_part_of_the_migration_steps_unless_asked() {
    let s = staged(sample());
    let baseline: Vec<&str> = s
        .steps
        .iter()
        .filter(|st| st.optional == Some(Optional::Baseline))
        .map(|st| st.id.as_str())
        .collect();
    assert!(baseline.len() >= 6, "{baseline:?}");
    // Every baseline body lives under baseline/, every migration body under graph/.
    for st in &s.steps {
        if let Some(file) = &st.target.file {
            assert_eq!(
                file.starts_with("baseline/"),
                st.optional == Some(Optional::Baseline),
                "{}",
                st.id
            );
        }
    }
    let parity = runnable(&s.steps, &[]);
    assert!(parity.iter().all(|st| st.optional.is_none()));
    assert_eq!(parity.len(), s.steps.len() - baseline.len());
    let with = runnable(&s.steps, &[Optional::Baseline]);
    assert_eq!(with.len(), s.steps.len());
    // The parity run is complete on its own: no step it keeps depends on one it drops.
    let kept: std::collections::HashSet<&str> = parity.iter().map(|st| st.id.as_str()).collect();
    for st in &parity {
        for d in &st.depends_on {
            assert!(kept.contains(d.as_str()), "{} depends on {d}", st.id);
        }
    }
    // The secureByDefault step is its own, after every baseline assignment.
    let settings = s
        .steps
        .iter()
        .find(|st| st.kind == StepKind::UpdateTenantSettings)
        .unwrap();
    assert_eq!(settings.target.method.as_deref(), Some("PATCH"));
    let assigns = s
        .steps
        .iter()
        .filter(|st| st.optional.is_some() && st.kind == StepKind::AssignPolicy)
        .count();
    assert_eq!(settings.depends_on.len(), assigns + 1);

    // A migration step made to depend on a baseline step is refused.
    let mut bad = s.clone();
    let r = position(&bad, REMOVE_BMS_POLICIES);
    let later_baseline = baseline[0].to_string();
    let b = position(&bad, &later_baseline);
    let step = bad.steps.remove(r);
    bad.steps.insert(b, step);
    let r = position(&bad, REMOVE_BMS_POLICIES);
    let previous = bad.steps[r - 1].id.clone();
    bad.steps[r].depends_on.push(previous);
    assert!(
        errors(&bad)
            .iter()
            .any(|e| e.contains("depends on the optional step")),
        "{:?}",
        errors(&bad)
    );
}

#[test]
fn removal_commands_use_the_exact_cmdlets() {
    let tenant = sample();
    let lines = removal_commands(&tenant.bms);
    assert_eq!(
        lines[0],
        "Connect-IPPSSession -UserPrincipalName <admin UPN>"
    );
    for p in tenant.bms.mappable_policies() {
        let cmdlet = match p.kind {
            bms2intune_model::PolicyKind::Block => "Remove-DeviceConditionalAccessPolicy",
            bms2intune_model::PolicyKind::Allow => "Remove-DeviceConfigurationPolicy",
        };
        let expected = format!(
            "{cmdlet} -Identity '{}' -Confirm:$false",
            p.name.replace('\'', "''")
        );
        assert!(lines.contains(&expected), "{expected} in {lines:?}");
    }
    // Policies already being deleted are not removed again.
    for p in tenant.bms.policies.iter().filter(|p| !p.is_mappable()) {
        assert!(
            !lines.iter().any(|l| l.contains(&format!("'{}'", p.name))),
            "{}",
            p.name
        );
    }
}
