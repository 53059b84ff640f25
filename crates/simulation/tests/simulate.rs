//! The simulation on small constructed tenants: every outcome, every Intune resolution rule,
//! exclusions, priority preservation, grouping by signature and determinism.

use bms2intune_analysis::testkit::{Dev, IntuneTarget, Policy, TenantBuilder};
use bms2intune_analysis::{BitSet, BmsTargets, Membership};
use bms2intune_mapping::{map_export, MappingOptions, TargetPlatform};
use bms2intune_model::SettingValue::{Int, Text};
use bms2intune_model::{BmsSetting, Tenant};
use bms2intune_simulation::{simulate, Outcome, Rule, Simulation, SimulationInput};
use serde_json::{json, Value};

fn run(tenant: &Tenant, options: MappingOptions) -> Simulation {
    let mapping = map_export(&tenant.bms, &options);
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(tenant, &membership);
    simulate(&SimulationInput {
        tenant,
        membership: &membership,
        targets: &targets,
        mapping: &mapping,
        unplaced: &BitSet::new(0),
    })
}

/// The outcome of `setting` for the user named `user` on `platform`.
fn outcome(
    sim: &Simulation,
    tenant: &Tenant,
    user: &str,
    platform: TargetPlatform,
    setting: &str,
) -> Option<(Outcome, Option<Value>, Option<Value>)> {
    let ix = tenant
        .directory
        .users()
        .iter()
        .position(|u| u.display_name.as_ref() == user)?;
    sim.memberships
        .iter()
        .filter(|(u, _)| u.ix() == ix)
        .map(|(_, s)| &sim.signatures[*s as usize])
        .filter(|s| s.platform == platform)
        .flat_map(|s| s.outcomes.iter())
        .find(|o| o.setting == setting)
        .map(|o| (o.outcome, o.before.clone(), o.after.clone()))
}

fn set_property(tenant: &mut Tenant, compliance: bool, name: &str, property: &str, value: Value) {
    let list = if compliance {
        &mut tenant.intune.compliance_policies
    } else {
        &mut tenant.intune.configurations
    };
    let policy = list
        .iter_mut()
        .find(|p| p.display_name.as_ref() == name)
        .expect("policy exists");
    policy.properties.insert(property.to_string(), value);
}

/// One user, Ann, with an iPhone, in group "Sales", targeted by `policy`.
fn one_user(policy: Policy) -> (TenantBuilder, bms2intune_model::GroupIx) {
    let mut b = TenantBuilder::new();
    let ann = b.user("Ann");
    b.managed(Dev::ios("Ann iPhone", "18.5").user(ann));
    let sales = b.group("Sales", &[ann], &[]);
    b.policy(policy.targets(&[sales]));
    (b, sales)
}

const IOS: TargetPlatform = TargetPlatform::Ios;

#[test]
fn unchanged_when_intune_enforces_what_bms_did() {
    let (mut b, _) = one_user(
        Policy::block("Secure")
            .priority(0)
            .setting(BmsSetting::PasswordMinimumLength, Int(8)),
    );
    let tenant = b.build();
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(
        outcome(&sim, &tenant, "Ann", IOS, "passcodeMinimumLength"),
        Some((Outcome::Unchanged, Some(json!(8)), Some(json!(8))))
    );
    assert!(sim.conflicts.is_empty());
    assert_eq!(sim.impact.users, 1);
}

#[test]
fn compliance_vs_compliance_most_restrictive_wins() {
    let (mut b, sales) = one_user(
        Policy::block("Secure")
            .priority(0)
            .setting(BmsSetting::PasswordMinimumLength, Int(8)),
    );
    b.intune_compliance(
        "iosCompliancePolicy",
        "iOS Baseline",
        &[IntuneTarget::Group(sales)],
    );
    let mut tenant = b.build();
    set_property(
        &mut tenant,
        true,
        "iOS Baseline",
        "passcodeMinimumLength",
        json!(10),
    );
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(
        outcome(&sim, &tenant, "Ann", IOS, "passcodeMinimumLength"),
        Some((Outcome::Stricter, Some(json!(8)), Some(json!(10))))
    );
    let c = &sim.conflicts[0];
    assert_eq!(c.rule, Rule::MostRestrictiveCompliance);
    assert_eq!(c.applied_value, Some(json!(10)));
    assert_eq!(c.affected_users, 1);
    assert_eq!(c.sample_users, ["Ann@contoso.test"]);
    assert!(c.suggested_fix.contains("passcodeMinimumLength"));
}

#[test]
fn compliance_beats_configuration_even_when_looser() {
    let (mut b, sales) = one_user(
        Policy::allow("Field")
            .priority(0)
            .setting(BmsSetting::PasswordMinimumLength, Int(8)),
    );
    b.intune_compliance(
        "iosCompliancePolicy",
        "iOS Baseline",
        &[IntuneTarget::Group(sales)],
    );
    let mut tenant = b.build();
    set_property(
        &mut tenant,
        true,
        "iOS Baseline",
        "passcodeMinimumLength",
        json!(6),
    );
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(
        outcome(&sim, &tenant, "Ann", IOS, "passcodeMinimumLength"),
        Some((Outcome::Looser, Some(json!(8)), Some(json!(6))))
    );
    assert_eq!(sim.conflicts[0].rule, Rule::ComplianceBeatsConfiguration);
}

#[test]
fn configuration_profiles_that_disagree_apply_nothing() {
    let (mut b, sales) = one_user(
        Policy::allow("Field")
            .priority(0)
            .setting(BmsSetting::MaxPasswordAttemptsBeforeWipe, Int(10)),
    );
    b.intune_configuration(
        "iosGeneralDeviceConfiguration",
        "iOS Restrictions",
        &[IntuneTarget::Group(sales)],
    );
    let mut tenant = b.build();
    set_property(
        &mut tenant,
        false,
        "iOS Restrictions",
        "passcodeSignInFailureCountBeforeWipe",
        json!(6),
    );
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(
        outcome(
            &sim,
            &tenant,
            "Ann",
            IOS,
            "passcodeSignInFailureCountBeforeWipe"
        ),
        Some((Outcome::Conflict, Some(json!(10)), None))
    );
    let c = &sim.conflicts[0];
    assert_eq!(c.rule, Rule::ConfigurationConflict);
    assert_eq!(c.values, [json!(10), json!(6)]);
    assert_eq!(c.applied_value, None);
    assert!(
        c.suggested_fix.contains("iOS Restrictions"),
        "{}",
        c.suggested_fix
    );
}

#[test]
fn settings_without_an_intune_target_are_lost() {
    let mut b = TenantBuilder::new();
    let ann = b.user("Ann");
    b.managed(Dev::windows("Ann PC", "10.0.22631.1").user(ann));
    let sales = b.group("Sales", &[ann], &[]);
    b.policy(
        Policy::allow("Desktops")
            .priority(0)
            .targets(&[sales])
            .setting(BmsSetting::FirewallStatus, Text("Required".into())),
    );
    let tenant = b.build();
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(
        outcome(
            &sim,
            &tenant,
            "Ann",
            TargetPlatform::Windows,
            "bms:FirewallStatus"
        ),
        Some((Outcome::Lost, Some(json!("Required")), None))
    );
}

#[test]
fn settings_only_intune_sets_are_new() {
    let (mut b, sales) = one_user(
        Policy::block("Secure")
            .priority(0)
            .setting(BmsSetting::PasswordMinimumLength, Int(8)),
    );
    b.intune_configuration(
        "iosGeneralDeviceConfiguration",
        "iOS Restrictions",
        &[IntuneTarget::Group(sales)],
    );
    let mut tenant = b.build();
    set_property(
        &mut tenant,
        false,
        "iOS Restrictions",
        "cameraBlocked",
        json!(true),
    );
    set_property(
        &mut tenant,
        false,
        "iOS Restrictions",
        "siriBlocked",
        json!(false),
    );
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(
        outcome(&sim, &tenant, "Ann", IOS, "cameraBlocked"),
        Some((Outcome::New, None, Some(json!(true))))
    );
    assert_eq!(
        outcome(&sim, &tenant, "Ann", IOS, "siriBlocked"),
        None,
        "false means not configured"
    );
}

#[test]
fn approximated_values_compare_with_what_bms_enforced() {
    // BMS locked after 7 minutes; Intune's iOS bucket is 5: stricter.
    let (mut b, _) = one_user(Policy::block("Secure").priority(0).setting(
        BmsSetting::PasswordTimeout,
        bms2intune_model::SettingValue::Minutes(7),
    ));
    let tenant = b.build();
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(
        outcome(
            &sim,
            &tenant,
            "Ann",
            IOS,
            "passcodeMinutesOfInactivityBeforeLock"
        ),
        Some((Outcome::Stricter, Some(json!(7)), Some(json!(5))))
    );
}

#[test]
fn excluded_users_are_not_moved_and_generated_objects_exclude_them() {
    let mut b = TenantBuilder::new();
    let ann = b.user("Ann");
    let boss = b.user("Boss");
    b.managed(Dev::ios("Ann iPhone", "18.5").user(ann));
    b.managed(Dev::ios("Boss iPhone", "18.5").user(boss));
    let sales = b.group("Sales", &[ann, boss], &[]);
    let exempt = b.group("Exempt", &[boss], &[]);
    b.exclude(exempt);
    b.policy(
        Policy::block("Secure")
            .priority(0)
            .targets(&[sales])
            .setting(BmsSetting::PasswordMinimumLength, Int(8)),
    );
    let tenant = b.build();
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(sim.impact.users, 1);
    assert!(outcome(&sim, &tenant, "Boss", IOS, "passcodeMinimumLength").is_none());
    let generated = sim.objects.iter().find(|o| o.is_generated()).unwrap();
    assert!(
        !generated.users.contains(boss.ix()),
        "the exclusion list is carried over"
    );
    assert!(generated.users.contains(ann.ix()));
}

/// Ann is in two Allow policies: "First" (priority 0) wipes after 10 attempts, "Second" after 6.
fn two_policies() -> Tenant {
    let mut b = TenantBuilder::new();
    let ann = b.user("Ann");
    b.managed(Dev::ios("Ann iPhone", "18.5").user(ann));
    let a = b.group("A", &[ann], &[]);
    let c = b.group("B", &[ann], &[]);
    b.policy(
        Policy::allow("First")
            .priority(0)
            .targets(&[a])
            .setting(BmsSetting::MaxPasswordAttemptsBeforeWipe, Int(10)),
    );
    b.policy(
        Policy::allow("Second")
            .priority(1)
            .targets(&[c])
            .setting(BmsSetting::MaxPasswordAttemptsBeforeWipe, Int(6)),
    );
    b.build()
}

#[test]
fn priority_preservation_keeps_only_the_first_policy() {
    let tenant = two_policies();
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(
        outcome(
            &sim,
            &tenant,
            "Ann",
            IOS,
            "passcodeSignInFailureCountBeforeWipe"
        ),
        Some((Outcome::Unchanged, Some(json!(10)), Some(json!(10))))
    );
    assert!(sim.conflicts.is_empty());

    let merged = run(
        &tenant,
        MappingOptions {
            preserve_priority: false,
            ..MappingOptions::default()
        },
    );
    assert_eq!(
        outcome(
            &merged,
            &tenant,
            "Ann",
            IOS,
            "passcodeSignInFailureCountBeforeWipe"
        )
        .map(|o| o.0),
        Some(Outcome::Conflict)
    );
    let c = &merged.conflicts[0];
    assert!(c
        .objects
        .iter()
        .all(|o| matches!(o.origin, bms2intune_simulation::Origin::Generated { .. })));
    assert!(
        c.suggested_fix.contains("--preserve-priority"),
        "{}",
        c.suggested_fix
    );
}

#[test]
fn users_with_the_same_memberships_share_one_signature() {
    let mut b = TenantBuilder::new();
    let users: Vec<_> = (0..5).map(|i| b.user(&format!("User{i}"))).collect();
    for (i, u) in users.iter().enumerate() {
        b.managed(Dev::ios(&format!("Phone{i}"), "18.5").user(*u));
    }
    let sales = b.group("Sales", &users, &[]);
    b.policy(
        Policy::block("Secure")
            .priority(0)
            .targets(&[sales])
            .setting(BmsSetting::PasswordMinimumLength, Int(8)),
    );
    let tenant = b.build();
    let sim = run(&tenant, MappingOptions::default());
    assert_eq!(sim.signatures.len(), 1);
    assert_eq!(sim.signatures[0].users, 5);
    assert_eq!(sim.impact.by_outcome.unchanged, 5);
}

#[test]
fn output_is_deterministic() {
    let tenant = two_policies();
    let options = MappingOptions {
        preserve_priority: false,
        ..MappingOptions::default()
    };
    let a = run(&tenant, options);
    let b = run(&tenant, options);
    assert_eq!(
        serde_json::to_string(&a.impact).unwrap(),
        serde_json::to_string(&b.impact).unwrap()
    );
    assert_eq!(
        serde_json::to_string(&a.conflicts).unwrap(),
        serde_json::to_string(&b.conflicts).unwrap()
    );
}

#[test]
fn unplaced_users_show_what_happens_once_licensed() {
    let (mut b, sales) = one_user(
        Policy::block("Secure")
            .priority(0)
            .setting(BmsSetting::PasswordMinimumLength, Int(8)),
    );
    b.intune_compliance(
        "iosCompliancePolicy",
        "iOS Baseline",
        &[IntuneTarget::Group(sales)],
    );
    let mut tenant = b.build();
    set_property(
        &mut tenant,
        true,
        "iOS Baseline",
        "passcodeMinimumLength",
        json!(10),
    );
    let mapping = map_export(&tenant.bms, &MappingOptions::default());
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(&tenant, &membership);
    let waiting: BitSet = std::iter::once(0usize).collect();
    let sim = simulate(&SimulationInput {
        tenant: &tenant,
        membership: &membership,
        targets: &targets,
        mapping: &mapping,
        unplaced: &waiting,
    });
    assert_eq!(
        outcome(&sim, &tenant, "Ann", IOS, "passcodeMinimumLength"),
        Some((Outcome::Stricter, Some(json!(8)), Some(json!(10)))),
        "an unplaced user is simulated as licensed"
    );
    assert!(sim.signatures.iter().all(|s| s.unplaced));
    assert_eq!(sim.impact.users, 1);
    assert_eq!(sim.impact.unplaced.users, 1);
    assert_eq!(sim.impact.unplaced.by_outcome, sim.impact.by_outcome);
    let conflict = sim
        .conflicts
        .iter()
        .find(|c| c.setting == "passcodeMinimumLength")
        .expect("the conflict is shown although its only user waits for a seat");
    assert_eq!(
        (conflict.affected_users, conflict.affected_unplaced_users),
        (1, 1)
    );
}
