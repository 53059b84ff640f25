//! The staging invariants on constructed tenants: step order (objects before coexistence,
//! coexistence before licences and one-way, dependencies backwards, each wave after the
//! previous gate), licence capacity (never over-committed, the rest reported), already-licensed
//! users in the pilot, deterministic output, the `--waves` file (percentages, groups, unknown
//! and ambiguous groups), and a property test that [`validate`] holds on random small tenants.

mod common;
use bms2intune_analysis::testkit::{Dev, Policy, TenantBuilder};
use bms2intune_analysis::{BmsTargets, Code, Membership};
use bms2intune_model::{BmsSetting, GroupIx, SettingValue, Tenant, UserIx};
use bms2intune_waves::{
    validate, LicenseNeed, Staging, StepKind, UnplacedReason, WaveError, WaveOptions, WavesFile,
};
use common::stage_with;
use proptest::prelude::*;

fn stage(tenant: &Tenant) -> Staging<'static> {
    let s = stage_with(common::leak(tenant), &WaveOptions::default()).expect("stages");
    assert_valid(&s);
    s
}

fn assert_valid(s: &Staging) {
    if let Err(e) = validate(s) {
        panic!("invalid staging:\n{}", e.join("\n"));
    }
}

fn with_file(text: &str) -> WaveOptions {
    WaveOptions {
        waves_file: Some(WavesFile::parse(text, "waves.toml").expect("parses")),
        ..WaveOptions::default()
    }
}

/// How a user is licensed in a constructed tenant.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lic {
    /// Business Basic: BMS only, needs a new seat.
    Bms,
    /// Microsoft 365 E3 with Intune: already licensed.
    Held,
    /// Microsoft 365 E3 with the Intune plan switched off.
    Disabled,
    /// Nothing.
    None,
}

/// A tenant: `users` named `u00`, `u01`, …, each licensed as `lic(i)` and with a BMS device
/// on platform `i % 3` (iOS, Android, Windows), all in "BMS - All", one Block policy with
/// password settings, and `free` free seats of standalone Intune.
struct Spec {
    names: Vec<String>,
    lic: Vec<Lic>,
    free: i64,
}

impl Spec {
    fn new(users: usize, free: i64) -> Spec {
        Spec {
            names: (0..users).map(|i| format!("u{i:02}")).collect(),
            lic: vec![Lic::Bms; users],
            free,
        }
    }

    fn build(&self, order: &[usize]) -> (Tenant, Vec<UserIx>, GroupIx) {
        let mut t = TenantBuilder::new();
        let basic = t.sku(
            "O365_BUSINESS_ESSENTIALS",
            &["INTUNE_O365", "EXCHANGE_S_STANDARD"],
            1000,
            500,
        );
        let e3 = t.sku(
            "SPE_E3",
            &["INTUNE_A", "INTUNE_O365", "EXCHANGE_S_ENTERPRISE"],
            500,
            500,
        );
        t.sku("INTUNE_A", &["INTUNE_A"], 100 + self.free, 100);
        let mut users = vec![UserIx(0); self.names.len()];
        for &i in order {
            let u = t.user(&self.names[i]);
            users[i] = u;
            match self.lic[i] {
                Lic::Bms => t.license(u, basic, &[]),
                Lic::Held => t.license(u, e3, &[]),
                Lic::Disabled => t.license(u, e3, &["INTUNE_A"]),
                Lic::None => {}
            }
            let dev = match i % 3 {
                0 => Dev::ios(&format!("{}-phone", self.names[i]), "18.2"),
                1 => Dev::android(&format!("{}-phone", self.names[i]), "14"),
                _ => Dev::windows(&format!("{}-pc", self.names[i]), "10.0.22631.4317"),
            };
            t.managed(dev.user(u));
        }
        let all = t.group("BMS - All", &users, &[]);
        t.policy(
            Policy::block("Baseline")
                .priority(0)
                .targets(&[all])
                .setting(BmsSetting::PasswordRequired, SettingValue::Bool(true))
                .setting(BmsSetting::PasswordMinimumLength, SettingValue::Int(6)),
        );
        (t.build(), users, all)
    }

    fn tenant(&self) -> Tenant {
        let order: Vec<usize> = (0..self.names.len()).collect();
        self.build(&order).0
    }
}

fn position(s: &Staging, id: &str) -> usize {
    s.steps
        .iter()
        .position(|st| st.id == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

#[test]
fn ordering_invariants_hold_by_construction() {
    let mut spec = Spec::new(40, 100);
    for i in [3, 17, 31] {
        spec.lic[i] = Lic::Held;
    }
    spec.lic[25] = Lic::Disabled;
    let s = stage(&spec.tenant());
    assert!(s.waves.len() >= 3, "pilot and rings: {}", s.waves.len());
    let coex = position(&s, "enable-coexistence");
    let step = &s.steps[coex];
    assert!(!step.reversible && step.manual && step.wave.is_none());
    assert!(step.rollback.contains("Cannot be undone"));
    // Every object is created and assigned before coexistence.
    for (i, st) in s.steps.iter().enumerate() {
        if matches!(st.kind, StepKind::CreatePolicy | StepKind::AssignPolicy) {
            assert!(i < coex, "{} after coexistence", st.id);
            assert!(st.wave.is_none());
        }
        if st.kind == StepKind::AssignLicense {
            assert!(i > coex, "{} before coexistence", st.id);
        }
        // dependsOn points backwards.
        for d in &st.depends_on {
            assert!(position(&s, d) < i, "{} depends on later {d}", st.id);
        }
    }
    assert!(s.steps.iter().any(|st| st.kind == StepKind::AssignPolicy));
    // Each wave after the previous wave's gate; its licences after its policies are assigned.
    for w in &s.waves {
        let verify = position(&s, &format!("verify:wave-{}", w.id));
        for (i, st) in s.steps.iter().enumerate() {
            if st.wave == Some(w.id) && st.kind == StepKind::AssignLicense {
                assert!(i < verify);
                if w.id > 1 {
                    assert!(
                        st.depends_on.contains(&format!("verify:wave-{}", w.id - 1)),
                        "{}",
                        st.id
                    );
                }
                let last_policy = s
                    .steps
                    .iter()
                    .rposition(|p| {
                        p.kind == StepKind::AssignPolicy
                            && p.target.source_policy.as_deref() == Some("Baseline")
                    })
                    .unwrap();
                assert!(last_policy < i);
            }
        }
    }
    // The plan-switch-on user gets no seat and their own licence step.
    let w = s
        .waves
        .iter()
        .find(|w| w.enable_plan > 0)
        .expect("a wave with the enable-plan user");
    assert!(s
        .steps
        .iter()
        .any(|st| st.id == format!("assign-license:wave-{}:enable-plan", w.id)));
    assert_eq!(s.license_capacity.seats_needed, 36);
    assert_eq!(s.license_capacity.seats_planned, 36);
    assert!(s.unplaced_users.is_empty());
    assert!(s.waves.iter().all(|w| !w.limited_by_licenses));
}

#[test]
fn licence_capacity_stops_the_waves_and_reports_the_rest() {
    let spec = Spec::new(40, 5);
    let s = stage(&spec.tenant());
    let cap = &s.license_capacity;
    assert_eq!(
        (cap.free_seats, cap.seats_needed, cap.seats_planned),
        (5, 40, 5)
    );
    assert_eq!(cap.shortfall, 35);
    assert_eq!(cap.finding, Some(Code::LicenseShortfall));
    assert_eq!(cap.blocked_users, 35);
    assert_eq!(s.unplaced_users.len(), 35);
    assert!(s
        .unplaced_users
        .iter()
        .all(|u| u.reason == UnplacedReason::LicenseCapacity && u.license == LicenseNeed::NewSeat));
    let last = s.waves.last().unwrap();
    assert!(last.limited_by_licenses);
    assert!(s.waves.iter().map(|w| w.seats_needed).sum::<u64>() <= cap.free_seats);
    assert!(
        cap.statement.contains("Buy at least 35"),
        "{}",
        cap.statement
    );
    assert!(cap
        .statement
        .contains(&format!("stop after wave {}", last.id)));
    // The gate before closing says users stay on BMS.
    let close = last.exit_gates.iter().find(|g| g.id == "close").unwrap();
    assert!(
        close.description.contains("35 users stay"),
        "{}",
        close.description
    );
}

#[test]
fn already_licensed_users_are_in_the_pilot_whatever_their_name() {
    let mut spec = Spec::new(60, 100);
    // The alphabetically last users: without the rule they would land in the last ring.
    for i in 55..60 {
        spec.lic[i] = Lic::Held;
    }
    let s = stage(&spec.tenant());
    let pilot = &s.waves[0];
    assert_eq!(pilot.name, "Pilot");
    assert_eq!(pilot.already_licensed, 5);
    for w in &s.waves[1..] {
        assert_eq!(w.already_licensed, 0);
    }
    assert!(pilot
        .risks
        .iter()
        .any(|r| r.code == Code::AlreadyLicensedUsers && r.count == 5));
    assert_eq!(pilot.switch_timing.trigger, "coexistence-or-license");
    let pre = &s.steps[position(&s, "verify:before-coexistence")];
    assert!(pre
        .checks
        .iter()
        .any(|c| c.contains("The 5 users who already hold Intune are reached")));
    // A waves file cannot move them out of wave 1.
    let s = stage_with(
        common::leak(&spec.tenant()),
        &with_file(
            "[[wave]]\nname = \"First\"\npercent = 10\n[[wave]]\nname = \"Rest\"\nrest = true\n",
        ),
    )
    .unwrap();
    assert_valid(&s);
    assert_eq!(s.waves[0].already_licensed, 5);
    assert_eq!(s.waves[0].users, 6 + 5);
    assert!(s
        .staging_notes
        .iter()
        .any(|n| n.contains("5 users who already hold Intune are put in wave 1")));
}

#[test]
fn an_already_licensed_user_without_a_replacement_is_flagged() {
    let mut t = TenantBuilder::new();
    let e3 = t.sku("SPE_E3", &["INTUNE_A", "INTUNE_O365"], 10, 10);
    let a = t.user("alex");
    t.license(a, e3, &[]);
    t.managed(Dev::android("alex-phone", "14").user(a));
    let g = t.group("BMS - iOS only", &[a], &[]);
    // Only an iOS setting: no Android object replaces it.
    t.policy(
        Policy::block("iCloud")
            .priority(0)
            .targets(&[g])
            .setting(BmsSetting::AllowICloudBackup, SettingValue::Bool(false)),
    );
    let s = stage(&t.build());
    assert_eq!(s.waves.len(), 1);
    let risk = s.waves[0]
        .risks
        .iter()
        .find(|r| r.code == Code::LicensedWithoutReplacement)
        .expect("flagged in the pilot");
    assert_eq!(risk.count, 1);
    assert!(s
        .staging_notes
        .iter()
        .any(|n| n.contains("alex@contoso.test (android)")));
    let pre = &s.steps[position(&s, "verify:before-coexistence")];
    assert!(pre
        .checks
        .iter()
        .any(|c| c.contains("alex@contoso.test (android)")));
}

#[test]
fn output_is_deterministic_and_independent_of_snapshot_order() {
    let mut spec = Spec::new(30, 12);
    spec.lic[7] = Lic::Held;
    spec.lic[8] = Lic::Disabled;
    spec.lic[9] = Lic::None;
    let forward: Vec<usize> = (0..30).collect();
    let backward: Vec<usize> = (0..30).rev().collect();
    let a = stage(&spec.build(&forward).0);
    let b = stage(&spec.build(&forward).0);
    let c = stage(&spec.build(&backward).0);
    let json = |s: &Staging| serde_json::to_string_pretty(s).unwrap();
    assert_eq!(json(&a), json(&b));
    assert_eq!(
        json(&a),
        json(&c),
        "users listed in another order give the same plan"
    );
}

#[test]
fn an_unknown_group_in_the_waves_file_is_a_clear_error() {
    let spec = Spec::new(10, 10);
    let options = with_file(
        "[[wave]]\nname = \"Pilot\"\ngroups = [\"BMS - All\"]\n\n[[wave]]\nname = \"Ring 1\"\ngroups = [\"BMS - Finanse\"]\n",
    );
    let err = stage_with(&spec.tenant(), &options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "waves.toml: wave 2 (\"Ring 1\"): group \"BMS - Finanse\" not found in the directory"
    );
    assert!(matches!(err, WaveError::UnknownGroup { wave: 2, .. }));
}

#[test]
fn an_ambiguous_group_name_asks_for_the_id() {
    let mut t = TenantBuilder::new();
    t.sku("INTUNE_A", &["INTUNE_A"], 5, 0);
    let u = t.user("a");
    let g = t.group("Sales", &[u], &[]);
    // A second group with the same display name (different ID).
    let other = t.group("Sales (2)", &[], &[]);
    t.tenant_mut()
        .directory
        .update_group(other, |g| g.display_name = "Sales".into());
    t.policy(
        Policy::allow("P")
            .priority(0)
            .targets(&[g])
            .setting(BmsSetting::CameraEnabled, SettingValue::Bool(false)),
    );
    let tenant = t.build();
    let err = stage_with(&tenant, &with_file("[[wave]]\ngroups = [\"Sales\"]\n")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("waves.toml: wave 1 (\"Wave 1\"): group \"Sales\" matches 2 groups"),
        "{err}"
    );
    // By ID it resolves.
    let id = tenant.directory.groups()[g.ix()].id;
    let s = stage_with(
        &tenant,
        &with_file(&format!("[[wave]]\ngroups = [\"{id}\"]\n")),
    )
    .unwrap();
    assert_valid(&s);
    assert_eq!(s.waves[0].users, 1);
}

#[test]
fn a_percentage_waves_file() {
    let spec = Spec::new(20, 100);
    let s = stage_with(
        common::leak(&spec.tenant()),
        &with_file("[[wave]]\nname = \"Pilot\"\npercent = 10\n[[wave]]\nname = \"Ring 1\"\npercent = 30\n[[wave]]\nname = \"Rest\"\nrest = true\n"),
    )
    .unwrap();
    assert_valid(&s);
    let sizes: Vec<u64> = s.waves.iter().map(|w| w.users).collect();
    assert_eq!(sizes, [2, 6, 12]);
    let names: Vec<&str> = s.waves.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["Pilot", "Ring 1", "Rest"]);
    assert_eq!(s.wave_selection.mode, "file");
    assert_eq!(s.wave_selection.file.as_deref(), Some("waves.toml"));
    // UPN order: the pilot is u00 and u01.
    let pilot: Vec<&str> = s.waves[0]
        .members
        .iter()
        .map(|m| m.user_principal_name.as_ref())
        .collect();
    assert_eq!(pilot, ["u00@contoso.test", "u01@contoso.test"]);
}

#[test]
fn group_waves_and_users_left_out_of_the_file() {
    let spec = Spec::new(12, 100);
    let (mut tenant, users, _) = spec.build(&(0..12).collect::<Vec<_>>());
    // A pilot group of three users, one of them outside BMS scope.
    let mut t = TenantBuilder::new();
    let outsider = t.user("outsider");
    let _ = outsider;
    let group = bms2intune_model::Group {
        id: bms2intune_model::Guid::from_name("group:Pilot users"),
        display_name: "Pilot users".into(),
        security_enabled: true,
        members_known: true,
        member_users: vec![users[4], users[9]],
        ..Default::default()
    };
    tenant.directory.add_group(group).unwrap();
    let s = stage_with(
        &tenant,
        &with_file("[[wave]]\nname = \"Pilot\"\ngroups = [\"pilot USERS\"]\n"),
    )
    .unwrap();
    assert_valid(&s);
    assert_eq!(s.waves.len(), 1);
    assert_eq!(s.waves[0].users, 2, "matched ignoring case");
    assert_eq!(s.unplaced_users.len(), 10);
    assert!(s
        .unplaced_users
        .iter()
        .all(|u| u.reason == UnplacedReason::NotInWavesFile));
    assert!(s
        .staging_notes
        .iter()
        .any(|n| n.contains("10 users in scope are in no wave")));
}

#[test]
fn no_seats_and_nobody_licensed_plans_no_wave() {
    let spec = Spec::new(8, 0);
    let s = stage(&spec.tenant());
    assert!(s.waves.is_empty());
    assert!(s
        .steps
        .iter()
        .all(|st| matches!(st.kind, StepKind::CreatePolicy | StepKind::AssignPolicy)));
    assert_eq!(s.unplaced_users.len(), 8);
    assert!(s
        .staging_notes
        .iter()
        .any(|n| n.contains("No wave could be planned")));
}

#[test]
fn enable_plan_users_move_without_seats() {
    let mut spec = Spec::new(10, 0);
    spec.lic[0] = Lic::Held;
    spec.lic[1] = Lic::Disabled;
    let s = stage(&spec.tenant());
    // The pilot takes the held user and the plan-switch-on user (no seat needed) and stops.
    assert_eq!(s.waves.len(), 1);
    let w = &s.waves[0];
    assert_eq!(
        (w.already_licensed, w.enable_plan, w.seats_needed),
        (1, 1, 0)
    );
    assert!(w.licenses.is_empty());
    assert!(w.limited_by_licenses);
    assert_eq!(s.unplaced_users.len(), 8);
    assert!(s
        .steps
        .iter()
        .any(|st| st.id == "assign-license:wave-1:enable-plan"));
    assert!(!s.steps.iter().any(|st| st.kind == StepKind::CreateGroup));
}

#[test]
fn large_rings_are_split() {
    let spec = Spec::new(40, 100);
    let options = WaveOptions {
        max_wave_users: 5,
        ..WaveOptions::default()
    };
    let s = stage_with(common::leak(&spec.tenant()), &options).unwrap();
    assert_valid(&s);
    assert!(s.waves.iter().skip(1).all(|w| w.users <= 5));
    assert!(s
        .waves
        .iter()
        .any(|w| w.name.starts_with("Ring 2 (part 1 of ")));
    assert_eq!(s.waves.iter().map(|w| w.users).sum::<u64>(), 40);
}

#[test]
fn pilot_covers_every_migrated_platform_and_policy() {
    // 100 users: the pilot target is 5; policies split users so that the last ones have their own.
    let mut t = TenantBuilder::new();
    let basic = t.sku("O365_BUSINESS_ESSENTIALS", &["INTUNE_O365"], 1000, 0);
    t.sku("INTUNE_A", &["INTUNE_A"], 1000, 0);
    let mut first = Vec::new();
    let mut last = Vec::new();
    for i in 0..100 {
        let u = t.user(&format!("u{i:03}"));
        t.license(u, basic, &[]);
        // Only the last user has a Windows device.
        let dev = if i == 99 {
            Dev::windows(&format!("pc{i}"), "10.0.22631")
        } else {
            Dev::ios(&format!("phone{i}"), "18.1")
        };
        t.managed(dev.user(u));
        if i < 90 {
            first.push(u)
        } else {
            last.push(u)
        }
    }
    let g1 = t.group("Most", &first, &[]);
    let g2 = t.group("Few", &last, &[]);
    t.policy(
        Policy::block("Most")
            .priority(0)
            .targets(&[g1])
            .setting(BmsSetting::PasswordRequired, SettingValue::Bool(true)),
    );
    t.policy(
        Policy::block("Few")
            .priority(1)
            .targets(&[g2])
            .setting(BmsSetting::PasswordRequired, SettingValue::Bool(true)),
    );
    let s = stage(&t.build());
    let pilot = &s.waves[0];
    assert!(pilot.devices_by_platform.contains_key("windows"));
    assert!(pilot
        .members
        .iter()
        .any(|m| m.bms_policy.as_deref() == Some("Few")));
    assert_eq!(pilot.users, 5);
}

#[test]
fn validate_catches_broken_stagings() {
    let mut spec = Spec::new(20, 100);
    spec.lic[5] = Lic::Held;
    let good = stage(&spec.tenant());
    let errors = |s: &Staging| validate(s).unwrap_err().join("\n");

    let mut s = good.clone();
    let coex = position(&s, "enable-coexistence");
    s.steps[coex].reversible = true;
    assert!(errors(&s).contains("reversible: false"));

    let mut s = good.clone();
    let coex = position(&s, "enable-coexistence");
    let step = s.steps.remove(coex);
    let first_licence = s
        .steps
        .iter()
        .position(|st| st.kind == StepKind::AssignLicense)
        .unwrap();
    s.steps.insert(first_licence + 1, step);
    assert!(
        errors(&s).contains("must come after enable-coexistence"),
        "{}",
        errors(&s)
    );

    let mut s = good.clone();
    let held = s.waves[0]
        .members
        .iter()
        .position(|m| m.license == LicenseNeed::Held)
        .unwrap();
    let m = s.waves[0].members.remove(held);
    s.waves[0].users -= 1;
    s.waves[1].members.push(m);
    s.waves[1].users += 1;
    assert!(errors(&s).contains("must be in wave 1"));

    let mut s = good.clone();
    let assign = s
        .steps
        .iter()
        .position(|st| st.kind == StepKind::AssignPolicy)
        .unwrap();
    let step = s.steps.remove(assign);
    s.steps.push(step);
    let e = errors(&s);
    assert!(
        e.contains("not an earlier step") || e.contains("must come before enable-coexistence"),
        "{e}"
    );

    let mut s = good.clone();
    s.license_capacity.free_seats = 1;
    assert!(errors(&s).contains("only 1 are free"));

    let mut s = good;
    s.steps[0].depends_on.push("verify:wave-1".into());
    assert!(errors(&s).contains("not an earlier step"));
}

/// One random user: licence kind, device platform (0 = none), group memberships (bits).
fn arb_user() -> impl Strategy<Value = (u8, u8, u8)> {
    (0u8..4, 0u8..4, 0u8..16)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn validate_holds_on_random_small_tenants(
        users in proptest::collection::vec(arb_user(), 0..25),
        policies in proptest::collection::vec((0u8..16, any::<bool>(), 0i64..5), 1..4),
        free in 0i64..12,
        exclude in proptest::option::of(0usize..4),
        file in 0u8..4,
    ) {
        let mut t = TenantBuilder::new();
        let basic = t.sku("O365_BUSINESS_ESSENTIALS", &["INTUNE_O365"], 1000, 0);
        let e3 = t.sku("SPE_E3", &["INTUNE_A", "INTUNE_O365"], 100, 100);
        t.sku("EMS", &["INTUNE_A", "AAD_PREMIUM"], 100 + free / 2, 100);
        t.sku("INTUNE_A", &["INTUNE_A"], 100 + free - free / 2, 100);
        let mut ixs = Vec::new();
        for (i, &(lic, platform, _)) in users.iter().enumerate() {
            let u = t.user(&format!("user{i:02}"));
            match lic {
                0 => t.license(u, basic, &[]),
                1 => t.license(u, e3, &[]),
                2 => t.license(u, e3, &["INTUNE_A"]),
                _ => {}
            }
            let name = format!("dev{i}");
            match platform {
                1 => { t.managed(Dev::ios(&name, "18.0").user(u)); }
                2 => { t.managed(Dev::android(&name, "13").user(u)); }
                3 => { t.managed(Dev::windows(&name, "10.0.19045").user(u)); }
                _ => {}
            }
            ixs.push(u);
        }
        let groups: Vec<GroupIx> = (0..4)
            .map(|g| {
                let members: Vec<UserIx> = users
                    .iter()
                    .zip(&ixs)
                    .filter(|((_, _, bits), _)| bits & (1 << g) != 0)
                    .map(|(_, &u)| u)
                    .collect();
                t.group(&format!("G{g}"), &members, &[])
            })
            .collect();
        for (k, &(bits, block, prio)) in policies.iter().enumerate() {
            let targets: Vec<GroupIx> = (0..4).filter(|g| bits & (1 << g) != 0).map(|g| groups[g]).collect();
            let p = if block { Policy::block(&format!("P{k}")) } else { Policy::allow(&format!("P{k}")) };
            t.policy(
                p.priority(prio)
                    .targets(&targets)
                    .setting(BmsSetting::PasswordRequired, SettingValue::Bool(true))
                    .setting(BmsSetting::PasswordMinimumLength, SettingValue::Int(6)),
            );
        }
        if let Some(g) = exclude {
            t.exclude(groups[g]);
        }
        let tenant = t.build();
        let options = match file {
            0 => with_file("[[wave]]\nname = \"G0\"\ngroups = [\"G0\"]\n[[wave]]\npercent = 40\n[[wave]]\nrest = true\n"),
            1 => WaveOptions { max_wave_users: 3, ..WaveOptions::default() },
            _ => WaveOptions::default(),
        };
        let s = stage_with(&tenant, &options).unwrap();
        if let Err(e) = validate(&s) {
            prop_assert!(false, "invalid staging:\n{}", e.join("\n"));
        }
        // Everyone in scope is placed exactly once or reported.
        let membership = Membership::new(&tenant.directory);
        let targets = BmsTargets::new(&tenant, &membership);
        let placed: usize = s.waves.iter().map(|w| w.members.len()).sum();
        prop_assert_eq!(placed + s.unplaced_users.len(), targets.in_scope.count());
        prop_assert!(s.license_capacity.seats_planned <= s.license_capacity.free_seats);
        for w in s.waves.iter().skip(1) {
            prop_assert_eq!(w.already_licensed, 0);
        }
    }
}
