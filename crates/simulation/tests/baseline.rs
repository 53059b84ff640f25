//! The baseline's impact on small constructed tenants: minimum OS against the devices' versions,
//! settings only the device can report, who the Allow-only objects reach, secureByDefault with
//! and without the baseline, and users the waves leave on BMS.

use bms2intune_analysis::testkit::{Dev, IntuneTarget, Policy, TenantBuilder};
use bms2intune_analysis::{BitSet, BmsTargets, Membership, OsFloors};
use bms2intune_mapping::baseline::recommend;
use bms2intune_mapping::{map_export, MappingOptions};
use bms2intune_model::SettingValue::Int;
use bms2intune_model::{BmsSetting, ManagementAgent, Tenant};
use bms2intune_simulation::baseline::{simulate_baseline, BaselineImpact, BaselineInputs};
use bms2intune_simulation::{simulate, SimulationInput};

fn run<'t>(tenant: &'t Tenant, unplaced: &BitSet) -> BaselineImpact<'t> {
    let options = MappingOptions::default();
    let mapping = map_export(&tenant.bms, &options);
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(tenant, &membership);
    let sim = simulate(&SimulationInput {
        tenant,
        membership: &membership,
        targets: &targets,
        mapping: &mapping,
        unplaced,
    });
    let baseline = recommend(&tenant.bms, &OsFloors::default(), &options);
    simulate_baseline(&BaselineInputs {
        tenant,
        membership: &membership,
        targets: &targets,
        baseline: &baseline,
        parity_objects: &sim.objects,
        unplaced,
    })
}

fn object<'a>(
    impact: &'a BaselineImpact,
    id: &str,
) -> &'a bms2intune_simulation::baseline::ObjectImpact {
    impact.by_object.iter().find(|o| o.id == id).expect(id)
}

#[test]
fn old_ios_falls_below_the_floor_and_current_ios_does_not() {
    let mut b = TenantBuilder::new();
    let (ann, bob) = (b.user("Ann"), b.user("Bob"));
    b.managed(Dev::ios("Ann iPhone", "16.7.2").user(ann));
    b.managed(Dev::ios("Bob iPhone", "18.5").user(bob));
    let sales = b.group("Sales", &[ann, bob], &[]);
    b.policy(
        Policy::block("Sales")
            .priority(0)
            .targets(&[sales])
            .setting(BmsSetting::PasswordMinimumLength, Int(6)),
    );
    let tenant = b.build();
    let impact = run(&tenant, &BitSet::new(0));
    let ios = object(&impact, "ios-minimum-os");
    assert_eq!((ios.devices, ios.noncompliant), (2, 1));
    assert_eq!(impact.noncompliant_devices, 1);
    assert_eq!(impact.noncompliant_users, 1);
    let d = &impact.devices[0];
    assert_eq!(d.device_name, "Ann iPhone");
    assert_eq!(d.reasons[0].property, "osMinimumVersion");
    assert!(
        d.reasons[0].detail.contains("16.7.2 is below 18.0"),
        "{:?}",
        d.reasons
    );
    // A Block policy only: no Allow-only jailbreak object, and parity covers iOS.
    assert!(impact
        .by_object
        .iter()
        .all(|o| o.id != "ios-jailbreak-allow"));
    assert_eq!(impact.secure_by_default.with_baseline, 0);
}

#[test]
fn device_reported_settings_are_unknown_not_compliant() {
    let mut b = TenantBuilder::new();
    let ann = b.user("Ann");
    b.managed(Dev::windows("Ann PC", "10.0.22631.4037").user(ann));
    b.managed(Dev::ios("Ann iPhone", "18.1").user(ann));
    let staff = b.group("Staff", &[ann], &[]);
    b.policy(
        Policy::allow("Staff")
            .priority(0)
            .targets(&[staff])
            .setting(BmsSetting::PasswordMinimumLength, Int(6)),
    );
    let tenant = b.build();
    let impact = run(&tenant, &BitSet::new(0));
    let win = object(&impact, "windows-health");
    assert_eq!((win.devices, win.noncompliant, win.unknown), (1, 0, 1));
    let bitlocker = win
        .by_setting
        .iter()
        .find(|s| s.property == "bitLockerEnabled")
        .unwrap();
    assert_eq!(bitlocker.unknown, 1);
    let os = win
        .by_setting
        .iter()
        .find(|s| s.property == "osMinimumVersion")
        .unwrap();
    assert_eq!((os.noncompliant, os.unknown), (0, 0));
    // Allow policy: the jailbreak object reaches Ann's iPhone, and only the device can tell.
    let jb = object(&impact, "ios-jailbreak-allow");
    assert_eq!((jb.devices, jb.unknown), (1, 1));
    assert_eq!(impact.noncompliant_devices, 0);
    assert_eq!(impact.unknown_devices, 2);
}

#[test]
fn secure_by_default_counts_devices_no_compliance_policy_reaches() {
    let mut b = TenantBuilder::new();
    let (ann, carl) = (b.user("Ann"), b.user("Carl"));
    // Allow policy: parity makes configuration profiles only, no compliance policy.
    b.managed(Dev::android("Ann Galaxy", "14").user(ann));
    // Carl is in no BMS group; his device is already managed by Intune.
    b.managed(
        Dev::ios("Carl iPhone", "18.2")
            .user(carl)
            .agent(ManagementAgent::Mdm),
    );
    let staff = b.group("Staff", &[ann], &[]);
    b.policy(
        Policy::allow("Staff")
            .priority(0)
            .targets(&[staff])
            .setting(BmsSetting::PasswordMinimumLength, Int(6)),
    );
    let tenant = b.build();
    let impact = run(&tenant, &BitSet::new(0));
    assert_eq!(impact.devices_evaluated, 2);
    assert_eq!(impact.secure_by_default.without_baseline, 2);
    // The baseline covers Ann's Android; Carl's iPhone stays without any compliance policy.
    assert_eq!(impact.secure_by_default.with_baseline, 1);
    let carl_phone = impact
        .devices
        .iter()
        .find(|d| d.device_name == "Carl iPhone")
        .unwrap();
    assert_eq!(carl_phone.reasons[0].property, "settings.secureByDefault");
}

#[test]
fn unplaced_users_are_evaluated_and_counted_apart() {
    let mut b = TenantBuilder::new();
    let ann = b.user("Ann");
    b.managed(Dev::ios("Ann iPhone", "15.0").user(ann));
    let sales = b.group("Sales", &[ann], &[]);
    b.policy(
        Policy::block("Sales")
            .priority(0)
            .targets(&[sales])
            .setting(BmsSetting::PasswordMinimumLength, Int(6)),
    );
    let tenant = b.build();
    let mut unplaced = BitSet::new(tenant.directory.users().len());
    unplaced.insert(ann.ix());
    let waiting = run(&tenant, &unplaced);
    assert_eq!(waiting.noncompliant_devices, 1);
    assert_eq!(waiting.waiting_devices, 1);
    let placed = run(&tenant, &BitSet::new(0));
    assert_eq!(placed.noncompliant_devices, 1);
    assert_eq!(placed.waiting_devices, 0);
}

/// Carl is in no BMS group and his iPhone is already managed by Intune; with `filtered`, an
/// existing iOS compliance policy with an assignment filter may reach it.
fn carl(filtered: bool) -> Tenant {
    let mut b = TenantBuilder::new();
    let carl = b.user("Carl");
    b.managed(
        Dev::ios("Carl iPhone", "18.2")
            .user(carl)
            .agent(ManagementAgent::Mdm),
    );
    let pilot = b.group("Intune - Pilot", &[carl], &[]);
    let ann = b.user("Ann");
    let staff = b.group("Staff", &[ann], &[]);
    b.policy(
        Policy::allow("Staff")
            .priority(0)
            .targets(&[staff])
            .setting(BmsSetting::PasswordMinimumLength, Int(6)),
    );
    if filtered {
        b.intune_compliance(
            "#microsoft.graph.iosCompliancePolicy",
            "iOS - Filtered",
            &[IntuneTarget::Filtered(pilot)],
        );
    }
    b.build()
}

#[test]
fn a_policy_with_unknown_reach_makes_secure_by_default_unknown_not_noncompliant() {
    let known = carl(false);
    let impact = run(&known, &BitSet::new(0));
    assert_eq!(impact.secure_by_default.with_baseline, 1);
    assert_eq!(impact.secure_by_default.unknown, 0);
    let tenant = carl(true);
    let impact = run(&tenant, &BitSet::new(0));
    assert_eq!(impact.secure_by_default.with_baseline, 0);
    assert_eq!(impact.secure_by_default.unknown, 1);
    assert!(impact
        .devices
        .iter()
        .all(|d| d.device_name != "Carl iPhone"));
}
