//! Staging a large constructed tenant stays fast: `cargo test --release -p bms2intune-waves
//! --test scale -- --ignored --nocapture` prints the time and the JSON size for 200,000 users.

use bms2intune_analysis::testkit::{Dev, Policy, TenantBuilder};
use bms2intune_analysis::{assess, AssessConfig, BmsTargets, Licensing, Membership};
use bms2intune_mapping::{map_export, MappingOptions};
use bms2intune_model::{BmsSetting, SettingValue, UserIx};
use bms2intune_waves::{plan_waves, validate, WaveOptions};
use std::time::Instant;

#[test]
#[ignore = "large: run with --release --ignored"]
fn two_hundred_thousand_users() {
    let n = 200_000;
    let mut t = TenantBuilder::new();
    let basic = t.sku("O365_BUSINESS_ESSENTIALS", &["INTUNE_O365"], 1_000_000, 0);
    let e3 = t.sku("SPE_E3", &["INTUNE_A", "INTUNE_O365"], 50_000, 50_000);
    t.sku("INTUNE_A", &["INTUNE_A"], 300_000, 0);
    let mut groups: Vec<Vec<UserIx>> = vec![Vec::new(); 4];
    for i in 0..n {
        let u = t.user(&format!("user{i:07}"));
        t.license(u, if i % 10 == 0 { e3 } else { basic }, &[]);
        let dev = match i % 3 {
            0 => Dev::ios(&format!("d{i}"), "18.1"),
            1 => Dev::android(&format!("d{i}"), "14"),
            _ => Dev::windows(&format!("d{i}"), "10.0.22631"),
        };
        t.managed(dev.user(u));
        groups[i % 4].push(u);
    }
    let gs: Vec<_> = groups
        .iter()
        .enumerate()
        .map(|(k, m)| t.group(&format!("G{k}"), m, &[]))
        .collect();
    for (k, g) in gs.iter().enumerate() {
        t.policy(
            Policy::block(&format!("P{k}"))
                .priority(k as i64)
                .targets(&[*g])
                .setting(BmsSetting::PasswordRequired, SettingValue::Bool(true)),
        );
    }
    let tenant = t.build();
    let config = AssessConfig::default();
    let start = Instant::now();
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(&tenant, &membership);
    let licensing = Licensing::new(&tenant.directory, &config);
    let mapping = map_export(&tenant.bms, &MappingOptions::default());
    let assessment = assess(&tenant, &config);
    let before = start.elapsed();
    let start = Instant::now();
    let s = plan_waves(
        &tenant,
        &membership,
        &targets,
        &licensing,
        &mapping,
        &assessment,
        &WaveOptions::default(),
    )
    .unwrap();
    let staged = start.elapsed();
    let json = serde_json::to_string(&s).unwrap();
    validate(&s).unwrap();
    println!(
        "inputs {before:?}, plan_waves {staged:?}, {} waves, {} steps, JSON {} MB",
        s.waves.len(),
        s.steps.len(),
        json.len() / 1_000_000
    );
    for w in &s.waves {
        println!("  wave {} {:?}: {} users", w.id, w.name, w.users);
    }
    assert!(staged.as_secs() < 10);
}
