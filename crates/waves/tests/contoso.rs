//! The sample tenant (`examples/contoso`) staged end to end: at least two waves, every
//! invariant holds, the licence shortfall stops the waves without over-committing, and the
//! output is deterministic. `cargo test -p bms2intune-waves --test contoso -- --nocapture`
//! prints the waves and the steps.

mod common;
use bms2intune_model::Tenant;
use bms2intune_waves::{validate, LicenseNeed, Staging, StepKind, WaveOptions, WavesFile};
use common::stage_with;
use std::path::PathBuf;

fn sample() -> Tenant {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso");
    bms2intune_snapshot::read_snapshot(&root).expect("the sample snapshot reads")
}

fn stage(tenant: &Tenant, options: &WaveOptions) -> Staging<'static> {
    stage_with(common::leak(tenant), options).expect("the sample stages")
}

#[test]
fn sample_tenant_stages_within_its_licences() {
    let tenant = sample();
    let s = stage(&tenant, &WaveOptions::default());
    for w in &s.waves {
        println!(
            "wave {} {:?}: {} users ({} held, {} enable-plan, {} new seats {:?}), devices {:?}, limited {}\n  {}",
            w.id,
            w.name,
            w.users,
            w.already_licensed,
            w.enable_plan,
            w.seats_needed,
            w.licenses.iter().map(|l| format!("{}×{}", l.sku_part_number, l.seats)).collect::<Vec<_>>(),
            w.devices_by_platform,
            w.limited_by_licenses,
            w.selection
        );
        for r in &w.risks {
            println!("    risk {} {} ({})", r.severity, r.code, r.count);
        }
    }
    for st in &s.steps {
        println!("{:<70} {:?} <- {:?}", st.id, st.wave, st.depends_on);
    }
    println!("{}", s.license_capacity.statement);
    for n in &s.staging_notes {
        println!("note: {n}");
    }
    if let Some(path) = std::env::var_os("BMS2INTUNE_WAVES_DUMP") {
        // For looking at the runbook in the report: merge this into a plan.json.
        std::fs::write(path, serde_json::to_string_pretty(&s).unwrap()).unwrap();
    }
    if let Err(e) = validate(&s) {
        panic!("invalid staging:\n{}", e.join("\n"));
    }
    assert!(s.waves.len() >= 2, "{} waves", s.waves.len());
    // Pilot (14 already licensed + 2 for coverage), then rings until the 9 free seats are used.
    let shape: Vec<(&str, u64, u64)> = s
        .waves
        .iter()
        .map(|w| (w.name.as_str(), w.users, w.seats_needed))
        .collect();
    assert_eq!(
        shape,
        [("Pilot", 16, 2), ("Ring 1", 4, 4), ("Ring 2", 3, 3)],
        "{shape:?}"
    );
    assert!(s.waves.last().unwrap().limited_by_licenses);
    assert_eq!(s.license_capacity.free_seats, 9);
    assert_eq!(s.license_capacity.seats_needed, 25);
    assert_eq!(s.license_capacity.seats_planned, 9);
    assert_eq!(s.license_capacity.shortfall, 16);
    assert_eq!(
        s.license_capacity.blocked_users as usize,
        s.unplaced_users.len()
    );
    assert_eq!(
        s.license_capacity.finding,
        Some(bms2intune_analysis::Code::LicenseShortfall)
    );
    // The 14 already-licensed users of the README are all in the pilot.
    let held: Vec<&str> = s.waves[0]
        .members
        .iter()
        .filter(|m| m.license == LicenseNeed::Held)
        .map(|m| m.user_principal_name.as_ref())
        .collect();
    assert_eq!(held.len(), 14, "{held:?}");
    assert!(s.waves.iter().skip(1).all(|w| w.already_licensed == 0));
    // Raul Razo only needs his Intune plan switched on; he is in a ring after the seats ran
    // out, so he waits with the others.
    let raul = s
        .unplaced_users
        .iter()
        .find(|u| u.license == LicenseNeed::EnablePlan)
        .expect("Raul Razo");
    assert!(raul.user_principal_name.starts_with("raul"), "{raul:?}");
    let coexistence = s
        .steps
        .iter()
        .find(|st| st.kind == StepKind::EnableCoexistence)
        .expect("coexistence");
    assert!(!coexistence.reversible && coexistence.manual);
    // An `apply` command can read the staging back from plan.json.
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Staging>(&json).unwrap(), s);
    // Deterministic: the same input gives the same bytes.
    let again = stage(&tenant, &WaveOptions::default());
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
}

#[test]
fn sample_tenant_with_a_waves_file() {
    let tenant = sample();
    let file = WavesFile::parse(
        "[[wave]]\nname = \"Pilot\"\ngroups = [\"BMS - Sales EMEA\"]\n\n[[wave]]\nname = \"Ring 1\"\npercent = 30\n\n[[wave]]\nname = \"Rest\"\nrest = true\n",
        "waves.toml",
    )
    .unwrap();
    let s = stage(
        &tenant,
        &WaveOptions {
            waves_file: Some(file),
            ..WaveOptions::default()
        },
    );
    if let Err(e) = validate(&s) {
        panic!("invalid staging:\n{}", e.join("\n"));
    }
    assert_eq!(s.wave_selection.mode, "file");
    assert_eq!(s.waves[0].name, "Pilot");
    assert_eq!(s.waves[0].already_licensed, 14);
    for n in &s.staging_notes {
        println!("note: {n}");
    }
}
