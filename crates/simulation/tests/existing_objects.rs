//! Existing Intune objects the simulation cannot pin down, and the settings catalog, on small
//! constructed tenants: a filtered assignment, a Configuration Manager collection and
//! unexported assignments make the settings they may set `unknown` (never `unchanged`) and
//! are listed as unchecked, not as conflicts; a settings-catalog policy that sets a BMS-mapped
//! setting differently conflicts with the migrated configuration profile.

use bms2intune_analysis::testkit::{Dev, IntuneTarget, Policy, TenantBuilder};
use bms2intune_analysis::{BitSet, BmsTargets, Membership};
use bms2intune_mapping::{map_export, MappingOptions, TargetPlatform};
use bms2intune_model::SettingValue::Int;
use bms2intune_model::{
    Assignment, AssignmentTarget, Assignments, BmsSetting, CatalogSetting, IntuneCollection,
    IntunePolicy, Tenant,
};
use bms2intune_simulation::{simulate, Outcome, Rule, Simulation, SimulationInput};
use serde_json::{json, Value};

fn run(tenant: &Tenant) -> Simulation {
    let mapping = map_export(&tenant.bms, &MappingOptions::default());
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

/// Ann's outcome for an iOS setting.
fn ann(sim: &Simulation, setting: &str) -> Option<Outcome> {
    sim.signatures
        .iter()
        .filter(|s| s.platform == TargetPlatform::Ios && s.users > 0)
        .flat_map(|s| s.outcomes.iter())
        .find(|o| o.setting == setting)
        .map(|o| o.outcome)
}

/// How the existing profile is assigned.
#[derive(Debug, Clone, Copy)]
enum Reach {
    Group,
    Filtered,
    Collection,
    NotExported,
}

/// Ann (an iPhone, group Sales) under an Allow policy requiring length 8; an existing iOS
/// configuration profile with length 6, assigned as `reach` says.
fn tenant_with(reach: Reach) -> Tenant {
    let mut b = TenantBuilder::new();
    let a = b.user("Ann");
    b.managed(Dev::ios("Ann iPhone", "18.5").user(a));
    let sales = b.group("Sales", &[a], &[]);
    b.policy(
        Policy::allow("Mobile")
            .targets(&[sales])
            .setting(BmsSetting::PasswordMinimumLength, Int(8)),
    );
    let ios = "iosGeneralDeviceConfiguration";
    match reach {
        Reach::Group => b.intune_configuration(ios, "Existing", &[IntuneTarget::Group(sales)]),
        Reach::Filtered => {
            b.intune_configuration(ios, "Existing", &[IntuneTarget::Filtered(sales)])
        }
        Reach::Collection => {
            b.intune_configuration(ios, "Existing", &[IntuneTarget::Collection("SMS00001")])
        }
        Reach::NotExported => b.intune_configuration_unexported(ios, "Existing"),
    }
    let mut tenant = b.build();
    tenant.intune.configurations[0]
        .properties
        .insert("passcodeMinimumLength".into(), json!(6));
    tenant
}

#[test]
fn a_known_assignment_is_a_conflict() {
    let sim = run(&tenant_with(Reach::Group));
    assert_eq!(ann(&sim, "passcodeMinimumLength"), Some(Outcome::Conflict));
    assert_eq!(sim.conflicts.len(), 1);
    assert!(sim.impact.conflicts_unchecked.is_empty());
}

#[test]
fn unknown_reach_is_unknown_never_unchanged_and_not_a_conflict() {
    for (reach, reason) in [
        (Reach::Filtered, "assignment filter not evaluated"),
        (
            Reach::Collection,
            "Configuration Manager collection SMS00001",
        ),
        (Reach::NotExported, "assignments not exported"),
    ] {
        let sim = run(&tenant_with(reach));
        assert_eq!(
            ann(&sim, "passcodeMinimumLength"),
            Some(Outcome::Unknown),
            "{reason}"
        );
        assert!(sim.conflicts.is_empty(), "{reason}");
        let unchecked = &sim.impact.conflicts_unchecked;
        assert_eq!(unchecked.len(), 1, "{reason}");
        assert_eq!(unchecked[0].display_name, "Existing");
        assert!(
            unchecked[0].reasons[0].contains(reason),
            "{:?}",
            unchecked[0].reasons
        );
        assert!(sim.impact.by_outcome.unknown >= 1);
        assert_eq!(sim.impact.by_outcome.unchanged, 0, "{reason}");
    }
}

#[test]
fn an_object_of_unknown_reach_that_agrees_is_still_unknown() {
    let mut tenant = tenant_with(Reach::NotExported);
    tenant.intune.configurations[0]
        .properties
        .insert("passcodeMinimumLength".into(), json!(8));
    let sim = run(&tenant);
    assert_eq!(ann(&sim, "passcodeMinimumLength"), Some(Outcome::Unknown));
}

fn catalog_policy(tenant: &Tenant, settings: &[(&str, Value)]) -> IntunePolicy {
    let sales = tenant.directory.groups()[0].id;
    let mut properties = serde_json::Map::new();
    properties.insert("platforms".into(), json!("iOS"));
    properties.insert("technologies".into(), json!("mdm,appleRemoteManagement"));
    IntunePolicy {
        id: "c0ffee00-0000-4000-8000-000000000001".into(),
        collection: IntuneCollection::ConfigurationPolicies,
        odata_type: "deviceManagementConfigurationPolicy".into(),
        display_name: "iOS - SC - Passcode".into(),
        version: None,
        assignments: Assignments::Exported(vec![Assignment::to(AssignmentTarget::Group {
            group_id: sales,
        })]),
        properties,
        catalog_settings: settings
            .iter()
            .map(|(id, v)| CatalogSetting {
                definition_id: (*id).into(),
                value: v.clone(),
            })
            .collect(),
    }
}

#[test]
fn settings_catalog_policies_conflict_with_migrated_profiles() {
    let mut b = TenantBuilder::new();
    let a = b.user("Ann");
    b.managed(Dev::ios("Ann iPhone", "18.5").user(a));
    let sales = b.group("Sales", &[a], &[]);
    b.policy(
        Policy::allow("Mobile")
            .targets(&[sales])
            .setting(BmsSetting::PasswordMinimumLength, Int(8))
            .setting(
                BmsSetting::AllowICloudBackup,
                bms2intune_model::SettingValue::Bool(false),
            ),
    );
    let mut tenant = b.build();
    let policy = catalog_policy(
        &tenant,
        &[
            ("com.apple.mobiledevice.passwordpolicy_minlength", json!(6)),
            (
                "com.apple.applicationaccess_allowcloudbackup",
                json!("com.apple.applicationaccess_allowcloudbackup_false"),
            ),
        ],
    );
    tenant.intune.configuration_policies.push(policy);
    let sim = run(&tenant);
    assert_eq!(ann(&sim, "passcodeMinimumLength"), Some(Outcome::Conflict));
    assert_eq!(
        ann(&sim, "iCloudBlockBackup"),
        Some(Outcome::Unchanged),
        "same value"
    );
    assert_eq!(sim.conflicts.len(), 1);
    let c = &sim.conflicts[0];
    assert_eq!(c.rule, Rule::ConfigurationConflict);
    assert_eq!(c.setting, "passcodeMinimumLength");
    assert_eq!(c.objects[1].display_name, "iOS - SC - Passcode");
    assert_eq!(c.values, [json!(8), json!(6)]);
}
