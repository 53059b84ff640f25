//! The sample tenant's planted conflicts with existing Intune policies
//! (`examples/contoso/README.md`, "Planted Intune conflicts") are all found.

use bms2intune_analysis::{BitSet, BmsTargets, Membership};
use bms2intune_mapping::{map_export, MappingOptions};
use bms2intune_simulation::{simulate, Origin, Simulation, SimulationInput};
use std::path::Path;

fn run(options: MappingOptions) -> Simulation {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso");
    let tenant = bms2intune_snapshot::read_snapshot(&root).expect("the sample reads");
    let mapping = map_export(&tenant.bms, &options);
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(&tenant, &membership);
    simulate(&SimulationInput {
        tenant: &tenant,
        membership: &membership,
        targets: &targets,
        mapping: &mapping,
        stays_on_bms: &BitSet::new(0),
    })
}

/// `(existing policy, BMS policy, setting)` for every conflict the README plants.
const PLANTED: &[(&str, &str, &str)] = &[
    (
        "iOS Baseline",
        "Secure Mobile - Sales",
        "passcodeMinimumLength",
    ),
    (
        "iOS Baseline",
        "Secure Mobile - Sales",
        "passcodeMinutesOfInactivityBeforeLock",
    ),
    (
        "iOS Baseline",
        "Secure Mobile - Sales",
        "passcodeRequiredType",
    ),
    (
        "Windows 10/11 Compliance",
        "Secure Mobile - Sales",
        "passwordMinimumLength",
    ),
    (
        "Windows 10/11 Compliance",
        "Secure Mobile - Sales",
        "passwordPreviousPasswordBlockCount",
    ),
    (
        "Windows 10/11 Compliance",
        "Finance Lockdown",
        "passwordMinimumLength",
    ),
    (
        "Windows 10/11 Compliance",
        "Finance Lockdown",
        "passwordMinimumCharacterSetCount",
    ),
    (
        "Windows 10/11 Compliance",
        "Finance Lockdown",
        "passwordPreviousPasswordBlockCount",
    ),
    (
        "Windows 10/11 Compliance",
        "Finance Lockdown",
        "passwordMinutesOfInactivityBeforeLock",
    ),
    (
        "Android DA Compliance (legacy)",
        "Secure Mobile - Sales",
        "passwordRequiredType",
    ),
    (
        "Android DA Compliance (legacy)",
        "Secure Mobile - Sales",
        "passwordMinimumLength",
    ),
    (
        "iOS Device Restrictions",
        "Engineering Devices",
        "passcodeSignInFailureCountBeforeWipe",
    ),
    (
        "iOS Device Restrictions",
        "Engineering Devices",
        "passcodeMinutesOfInactivityBeforeScreenTimeout",
    ),
    (
        "iOS Device Restrictions",
        "Engineering Devices",
        "passcodeMinutesOfInactivityBeforeLock",
    ),
    (
        "iOS Device Restrictions",
        "Secure Mobile - Sales",
        "passcodeSignInFailureCountBeforeWipe",
    ),
    (
        "iOS Device Restrictions",
        "Secure Mobile - Sales",
        "mediaContentRatingApps",
    ),
    (
        "iOS Device Restrictions",
        "Secure Mobile - Sales",
        "mediaContentRatingUnitedStates",
    ),
    (
        "Windows 10/11 Device Restrictions",
        "Engineering Devices",
        "diagnosticsDataSubmissionMode",
    ),
    (
        "Windows 10/11 Device Restrictions",
        "Engineering Devices",
        "passwordSignInFailureCountBeforeFactoryReset",
    ),
    (
        "Windows 10/11 Device Restrictions",
        "Engineering Devices",
        "passwordMinutesOfInactivityBeforeScreenTimeout",
    ),
];

/// Planted against "All Mobile Baseline": its users are all in higher-priority policies, so
/// with priority preservation (the default) its objects never reach them.
const PLANTED_BEHIND_PRIORITY: &[(&str, &str, &str)] = &[
    (
        "Windows 10/11 Compliance",
        "All Mobile Baseline",
        "passwordMinimumLength",
    ),
    (
        "Windows 10/11 Compliance",
        "All Mobile Baseline",
        "passwordMinutesOfInactivityBeforeLock",
    ),
    (
        "Android DA Compliance (legacy)",
        "All Mobile Baseline",
        "passwordMinutesOfInactivityBeforeLock",
    ),
];

fn found(sim: &Simulation, existing: &str, bms_policy: &str, setting: &str) -> bool {
    sim.conflicts.iter().any(|c| {
        c.setting == setting
            && c.objects.iter().any(|o| o.display_name == existing && matches!(o.origin, Origin::Existing { .. }))
            && c.objects.iter().any(|o| matches!(&o.origin, Origin::Generated { source_policy, .. } if source_policy == bms_policy))
    })
}

#[test]
fn every_planted_conflict_is_found() {
    let sim = run(MappingOptions::default());
    let missing: Vec<_> = PLANTED
        .iter()
        .filter(|(e, p, s)| !found(&sim, e, p, s))
        .collect();
    assert!(missing.is_empty(), "not found: {missing:?}");
    for (e, p, s) in PLANTED_BEHIND_PRIORITY {
        assert!(
            !found(&sim, e, p, s),
            "priority preservation hides {p} from its users: {s}"
        );
    }

    let merged = run(MappingOptions {
        preserve_priority: false,
        ..MappingOptions::default()
    });
    let missing: Vec<_> = PLANTED
        .iter()
        .chain(PLANTED_BEHIND_PRIORITY)
        .filter(|(e, p, s)| !found(&merged, e, p, s))
        .collect();
    assert!(
        missing.is_empty(),
        "not found without priority preservation: {missing:?}"
    );
}

#[test]
fn every_outcome_occurs_and_totals_add_up() {
    let sim = run(MappingOptions::default());
    let c = &sim.impact.by_outcome;
    assert!(
        c.unchanged > 0
            && c.stricter > 0
            && c.looser > 0
            && c.conflict > 0
            && c.lost > 0
            && c.new > 0,
        "{c:?}"
    );
    let per_setting: u64 = sim
        .impact
        .by_setting
        .iter()
        .map(|s| s.counts.changed() + s.counts.unchanged)
        .sum();
    assert_eq!(per_setting, c.changed() + c.unchanged);
    let per_user: u64 = sim.user_changes.iter().map(|&n| n as u64).sum();
    assert_eq!(per_user, c.changed());
}
