//! One answer to "which BMS policy reaches this user, and which applies": constructed tenants
//! run through the plan's stages (assessment, waves, simulation) and the real table writers,
//! and the findings, `waves.csv` and `impact.csv` must agree. The cases: a user reached only
//! through a device in a targeted device group; a user reached by a device group and a user
//! group of different priorities (both orders); a user in the tenant exclusion list; and a user
//! the waves leave unplaced.

use crate::output::{OutputKind, StagedOutput};
use crate::{tables, unplaced_users};
use bms2intune_analysis::testkit::{Dev, IntuneTarget, Policy, TenantBuilder};
use bms2intune_analysis::{
    assess_with, AssessConfig, Assessment, BmsTargets, Code, Licensing, Membership,
};
use bms2intune_mapping::{map_export, MappingOptions};
use bms2intune_model::SettingValue::{Bool, Int};
use bms2intune_model::{BmsSetting, Tenant, UserIx};
use bms2intune_simulation::{simulate, SimulationInput};
use bms2intune_waves::{plan_waves, validate, WaveOptions};
use serde_json::json;

/// The three answers for one tenant.
struct Answers {
    assessment: Assessment<'static>,
    waves: Vec<Vec<String>>,
    impact: Vec<Vec<String>>,
}

/// Runs the stages as `plan` does and reads back the two CSV tables.
fn run(tenant: Tenant) -> Answers {
    let tenant: &'static Tenant = Box::leak(Box::new(tenant));
    let config = AssessConfig::default();
    let mapping = map_export(&tenant.bms, &MappingOptions::default());
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(tenant, &membership);
    let licensing = Licensing::new(&tenant.directory, &config);
    let assessment = assess_with(tenant, &config, &membership, &targets, &licensing);
    let staging = plan_waves(
        tenant,
        &membership,
        &targets,
        &licensing,
        &mapping,
        &assessment,
        &WaveOptions::default(),
    )
    .expect("waves");
    validate(&staging).expect("valid staging");
    let simulation = simulate(&SimulationInput {
        tenant,
        membership: &membership,
        targets: &targets,
        mapping: &mapping,
        unplaced: &unplaced_users(tenant, &staging),
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let staged = StagedOutput::begin(&out, OutputKind::Plan).expect("staged");
    tables::write_waves_csv(&staged, &staging).expect("waves.csv");
    tables::write_impact_csv(&staged, tenant, &simulation, &staging).expect("impact.csv");
    staged.commit().expect("commit");
    let read = |name: &str| -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(out.join(name)).expect("table");
        text.lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    Answers {
        assessment,
        waves: read("waves.csv"),
        impact: read("impact.csv"),
    }
}

impl Answers {
    /// UPNs of the user subjects of a finding (empty when not raised).
    fn finding_users(&self, code: Code) -> Vec<String> {
        self.assessment
            .finding(code)
            .map(|f| f.subjects.iter().map(|s| s.name.to_string()).collect())
            .unwrap_or_default()
    }

    /// The finding's detail, or "" when not raised.
    fn detail(&self, code: Code) -> String {
        self.assessment
            .finding(code)
            .map(|f| f.detail.clone())
            .unwrap_or_default()
    }

    /// `waves.csv`: `bms_policy` of a user, if the user has a row.
    fn wave_policy(&self, upn: &str) -> Option<String> {
        self.waves
            .iter()
            .find(|r| r[3] == upn)
            .map(|r| r[6].clone())
    }

    /// `impact.csv`: `(bms_policy, before, wave)` of a user's rows for one setting.
    fn impact(&self, upn: &str, setting: &str) -> Vec<(String, String, String)> {
        self.impact
            .iter()
            .filter(|r| r[0] == upn && r[3] == setting)
            .map(|r| (r[9].clone(), r[5].clone(), r[10].clone()))
            .collect()
    }

    fn has_impact(&self, upn: &str) -> bool {
        self.impact.iter().any(|r| r[0] == upn)
    }
}

/// Licenses `licensed` with Intune (every seat used: nobody else gets one) and assigns an
/// existing iOS compliance policy (minimum passcode length 10) to `users`, so that the BMS
/// passcode length shows as a change in `impact.csv`.
fn build(mut b: TenantBuilder, users: &[UserIx], licensed: &[UserIx]) -> Tenant {
    let seats = licensed.len() as i64;
    let sku = b.sku(
        "SPE_E3",
        &["INTUNE_A", "EXCHANGE_S_ENTERPRISE"],
        seats,
        seats,
    );
    for &u in licensed {
        b.license(u, sku, &[]);
    }
    let everyone = b.group("Everyone", users, &[]);
    b.intune_compliance(
        "iosCompliancePolicy",
        "iOS Baseline",
        &[IntuneTarget::Group(everyone)],
    );
    let mut tenant = b.build();
    let baseline = tenant
        .intune
        .compliance_policies
        .iter_mut()
        .find(|p| p.display_name.as_ref() == "iOS Baseline")
        .expect("baseline");
    baseline
        .properties
        .insert("passcodeMinimumLength".into(), json!(10));
    tenant
}

/// "Phones": Block, passcode length 8, managed email profile required.
fn phones() -> Policy {
    Policy::block("Phones")
        .setting(BmsSetting::PasswordRequired, Bool(true))
        .setting(BmsSetting::PasswordMinimumLength, Int(8))
        .setting(BmsSetting::RequireEmailProfile, Bool(true))
}

/// "Staff": Block, passcode length 6, no email profile.
fn staff() -> Policy {
    Policy::block("Staff")
        .setting(BmsSetting::PasswordRequired, Bool(true))
        .setting(BmsSetting::PasswordMinimumLength, Int(6))
}

const ANN: &str = "ann@contoso.test";
const CY: &str = "cy@contoso.test";

#[test]
fn reached_through_a_device_group_only() {
    let mut b = TenantBuilder::new();
    let (ann, cy) = (b.user("ann"), b.user("cy"));
    let phone = b.entra_device("ANN-IPHONE");
    b.managed(Dev::ios("ANN-IPHONE", "18.5").entra(phone).user(ann));
    b.managed(Dev::windows("ANN-PC", "10.0.22631.1").user(ann));
    let cy_phone = b.entra_device("CY-IPHONE");
    b.managed(Dev::ios("CY-IPHONE", "18.5").entra(cy_phone).user(cy));
    let kiosks = b.group_with_devices("Phones (devices)", &[phone, cy_phone]);
    b.policy(phones().priority(1).targets(&[kiosks]));
    // Ann holds Intune and goes in the pilot; Cy has no licence and no seat is free for him.
    let a = run(build(b, &[ann, cy], &[ann]));

    // Findings: both users are reached, through their phones, by Phones.
    assert_eq!(a.finding_users(Code::EmailProfileReauth), [ANN, CY]);
    assert!(a.finding_users(Code::OverlappingBmsPolicies).is_empty());
    // waves.csv: both under Phones; Cy waits for a seat.
    assert_eq!(a.wave_policy(ANN).as_deref(), Some("Phones"));
    assert_eq!(a.wave_policy(CY).as_deref(), Some("Phones"));
    let cy_row = a.waves.iter().find(|r| r[3] == CY).expect("cy row");
    assert_eq!(cy_row[7], "license-capacity");
    // impact.csv: the phones' before comes from Phones; Cy's rows are marked unplaced.
    assert_eq!(
        a.impact(ANN, "passcodeMinimumLength"),
        [("Phones".into(), "8".into(), "1".into())]
    );
    assert_eq!(
        a.impact(CY, "passcodeMinimumLength"),
        [("Phones".into(), "8".into(), "unplaced".into())]
    );
}

/// Ann: iPhone 1 in the device group of Phones, iPhone 2 not; Ann in the user group of Staff.
fn device_and_user_group(phones_priority: i64, staff_priority: i64) -> Answers {
    let mut b = TenantBuilder::new();
    let ann = b.user("ann");
    let one = b.entra_device("ANN-IPHONE-1");
    b.managed(Dev::ios("ANN-IPHONE-1", "18.5").entra(one).user(ann));
    b.managed(Dev::ios("ANN-IPHONE-2", "18.5").user(ann));
    let devices = b.group_with_devices("Phones (devices)", &[one]);
    let people = b.group("Staff (users)", &[ann], &[]);
    b.policy(phones().priority(phones_priority).targets(&[devices]));
    b.policy(staff().priority(staff_priority).targets(&[people]));
    run(build(b, &[ann], &[ann]))
}

#[test]
fn reached_by_a_device_group_before_a_user_group() {
    let a = device_and_user_group(1, 2);
    // Findings: two policies reach Ann; Phones (first) applies to her and manages mail.
    assert_eq!(a.finding_users(Code::OverlappingBmsPolicies), [ANN]);
    assert!(
        a.detail(Code::OverlappingBmsPolicies)
            .contains("1 in Phones + Staff (BMS applies Phones)"),
        "{}",
        a.detail(Code::OverlappingBmsPolicies)
    );
    assert_eq!(a.finding_users(Code::EmailProfileReauth), [ANN]);
    // waves.csv: the user's policy is Phones.
    assert_eq!(a.wave_policy(ANN).as_deref(), Some("Phones"));
    // impact.csv, per device: iPhone 1 had Phones (8), iPhone 2 had Staff (6).
    assert_eq!(
        a.impact(ANN, "passcodeMinimumLength"),
        [
            ("Phones".into(), "8".into(), "1".into()),
            ("Staff".into(), "6".into(), "1".into())
        ]
    );
}

#[test]
fn reached_by_a_user_group_before_a_device_group() {
    let a = device_and_user_group(2, 1);
    // Findings: the same two policies; Staff (first) applies, so no managed mail profile.
    assert_eq!(a.finding_users(Code::OverlappingBmsPolicies), [ANN]);
    assert!(
        a.detail(Code::OverlappingBmsPolicies)
            .contains("1 in Staff + Phones (BMS applies Staff)"),
        "{}",
        a.detail(Code::OverlappingBmsPolicies)
    );
    assert!(a.finding_users(Code::EmailProfileReauth).is_empty());
    assert_eq!(a.wave_policy(ANN).as_deref(), Some("Staff"));
    // Both iPhones get Staff: its user group comes first for the one in Phones' device group too.
    assert_eq!(
        a.impact(ANN, "passcodeMinimumLength"),
        [("Staff".into(), "6".into(), "1".into())]
    );
}

#[test]
fn reached_through_an_excluded_group() {
    let mut b = TenantBuilder::new();
    let (ann, bob) = (b.user("ann"), b.user("bob"));
    let phone = b.entra_device("ANN-IPHONE");
    b.managed(Dev::ios("ANN-IPHONE", "18.5").entra(phone).user(ann));
    b.managed(Dev::ios("BOB-IPHONE", "18.5").user(bob));
    let devices = b.group_with_devices("Phones (devices)", &[phone]);
    let people = b.group("Staff (users)", &[ann, bob], &[]);
    b.policy(phones().priority(1).targets(&[devices]));
    b.policy(staff().priority(2).targets(&[people]));
    let exempt = b.group("Exempt", &[ann], &[]);
    b.exclude(exempt);
    let a = run(build(b, &[ann, bob], &[ann, bob]));
    const BOB: &str = "bob@contoso.test";
    // Ann is in both policies' reach but excluded: nobody reports her, every stage agrees.
    for code in [
        Code::OverlappingBmsPolicies,
        Code::EmailProfileReauth,
        Code::AlreadyLicensedUsers,
    ] {
        assert!(!a.finding_users(code).contains(&ANN.to_string()), "{code}");
    }
    assert_eq!(a.finding_users(Code::AlreadyLicensedUsers), [BOB]);
    assert_eq!(a.wave_policy(ANN), None);
    assert!(!a.has_impact(ANN));
    // Bob, in Staff only, is reached by Staff everywhere.
    assert_eq!(a.wave_policy(BOB).as_deref(), Some("Staff"));
    assert_eq!(
        a.impact(BOB, "passcodeMinimumLength"),
        [("Staff".into(), "6".into(), "1".into())]
    );
}
