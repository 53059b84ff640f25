//! The sample tenant's conflicts: every one planted against existing Intune policies
//! (`examples/contoso/README.md`, "Planted Intune conflicts") is found, and every conflict the
//! simulation reports is accounted for — planted, incidental (a configuration profile meeting a
//! compliance policy) or between two overlapping BMS policies.

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
        unplaced: &BitSet::new(0),
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
    // The settings catalog: `com.apple.mobiledevice.passwordpolicy_maxfailedattempts` 5.
    (
        "iOS - Passcode and iCloud (settings catalog)",
        "Engineering Devices",
        "passcodeSignInFailureCountBeforeWipe",
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

/// Conflicts the README does not plant but that follow from it, with the default priority
/// preservation: a BMS policy that maps a password setting into a **configuration profile**
/// (Engineering Devices' Allow policy on every platform; Secure Mobile - Sales' iOS restrictions)
/// meets an existing **compliance policy** that sets the same property for the same users.
/// Intune lets the compliance value win (`compliance-beats-configuration`).
const INCIDENTAL: &[(&str, &str, &str)] = &[
    (
        "Windows 10/11 Compliance",
        "Engineering Devices",
        "passwordMinimumLength",
    ),
    (
        "Windows 10/11 Compliance",
        "Engineering Devices",
        "passwordPreviousPasswordBlockCount",
    ),
    (
        "iOS Baseline",
        "Engineering Devices",
        "passcodeMinutesOfInactivityBeforeLock",
    ),
    (
        "Android Enterprise Work Profile Compliance",
        "Engineering Devices",
        "passwordRequiredType",
    ),
    (
        "Android DA Compliance (legacy)",
        "Engineering Devices",
        "passwordRequiredType",
    ),
    (
        "iOS Device Restrictions",
        "Secure Mobile - Sales",
        "passcodeMinimumLength",
    ),
    (
        "iOS Device Restrictions",
        "Secure Mobile - Sales",
        "passcodeMinutesOfInactivityBeforeLock",
    ),
];

/// The same kind, against All Mobile Baseline: only without priority preservation.
const INCIDENTAL_BEHIND_PRIORITY: &[(&str, &str, &str)] = &[
    (
        "iOS Device Restrictions",
        "All Mobile Baseline",
        "passcodeMinutesOfInactivityBeforeLock",
    ),
    (
        "Android Enterprise Work Profile Compliance",
        "All Mobile Baseline",
        "passwordRequiredType",
    ),
];

/// Without priority preservation, the generated objects of overlapping BMS policies meet each
/// other (`BMS:<policy>` on both sides): All Mobile Baseline's users are all in a
/// higher-priority policy too (the `overlapping-bms-policies` finding).
const BETWEEN_BMS_POLICIES: &[(&str, &str, &str)] = &[
    (
        "BMS:All Mobile Baseline",
        "Secure Mobile - Sales",
        "passcodeMinimumLength",
    ),
    (
        "BMS:All Mobile Baseline",
        "Secure Mobile - Sales",
        "passcodeMinutesOfInactivityBeforeLock",
    ),
    (
        "BMS:All Mobile Baseline",
        "Secure Mobile - Sales",
        "passwordMinimumLength",
    ),
    (
        "BMS:All Mobile Baseline",
        "Secure Mobile - Sales",
        "passwordMinimumLength",
    ),
    (
        "BMS:All Mobile Baseline",
        "Secure Mobile - Sales",
        "passwordMinutesOfInactivityBeforeLock",
    ),
    (
        "BMS:All Mobile Baseline",
        "Secure Mobile - Sales",
        "passwordMinutesOfInactivityBeforeLock",
    ),
    (
        "BMS:All Mobile Baseline",
        "Secure Mobile - Sales",
        "passwordRequiredType",
    ),
    (
        "BMS:All Mobile Baseline",
        "Engineering Devices",
        "passcodeMinutesOfInactivityBeforeLock",
    ),
    (
        "BMS:All Mobile Baseline",
        "Engineering Devices",
        "passwordRequiredType",
    ),
    (
        "BMS:All Mobile Baseline",
        "Engineering Devices",
        "passwordRequiredType",
    ),
];

/// Every conflict of a simulation as `(other side, BMS policy, setting)`, sorted: the other
/// side is an existing object's name, or `BMS:<policy>` for a second generated object.
fn reported(sim: &Simulation) -> Vec<(String, String, String)> {
    let label = |o: &bms2intune_simulation::ObjectRef| match &o.origin {
        Origin::Existing { .. } => o.display_name.clone(),
        Origin::Generated { source_policy, .. } => format!("BMS:{source_policy}"),
    };
    let mut list: Vec<(String, String, String)> = sim
        .conflicts
        .iter()
        .map(|c| {
            let (a, b) = (label(&c.objects[0]), label(&c.objects[1]));
            // The BMS side is the generated object; with two, the higher-priority policy
            // (never All Mobile Baseline in this sample).
            let (other, mine) = if !b.starts_with("BMS:") || b == "BMS:All Mobile Baseline" {
                (b, a)
            } else {
                (a, b)
            };
            (
                other,
                mine.trim_start_matches("BMS:").to_string(),
                c.setting.clone(),
            )
        })
        .collect();
    list.sort();
    list
}

fn expected(lists: &[&[(&str, &str, &str)]]) -> Vec<(String, String, String)> {
    let mut list: Vec<(String, String, String)> = lists
        .iter()
        .flat_map(|l| l.iter())
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    list.sort();
    list
}

#[test]
fn every_conflict_is_accounted_for() {
    let sim = run(MappingOptions::default());
    assert_eq!(reported(&sim), expected(&[PLANTED, INCIDENTAL]));
    let merged = run(MappingOptions {
        preserve_priority: false,
        ..MappingOptions::default()
    });
    assert_eq!(
        reported(&merged),
        expected(&[
            PLANTED,
            INCIDENTAL,
            PLANTED_BEHIND_PRIORITY,
            INCIDENTAL_BEHIND_PRIORITY,
            BETWEEN_BMS_POLICIES,
        ])
    );
}

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
            && c.new > 0
            && c.unknown > 0,
        "{c:?}"
    );
    assert_eq!(c.unknown, 39, "as examples/contoso/README.md states");
    // The filtered settings-catalog assignment and the Configuration Manager collection are
    // the two objects whose conflicts could not be checked, and they are in no conflict.
    let unchecked: Vec<&str> = sim
        .impact
        .conflicts_unchecked
        .iter()
        .map(|o| o.display_name.as_str())
        .collect();
    assert_eq!(
        unchecked,
        [
            "Co-managed PCs - Device Lock",
            "Windows - Device Lock (settings catalog)"
        ]
    );
    assert!(!sim.conflicts.iter().any(|c| c
        .objects
        .iter()
        .any(|o| unchecked.contains(&o.display_name.as_str()))));
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
