//! Simulation micro-benchmarks (`cargo bench -p bms2intune-simulation`): before versus after
//! for every user in scope of a synthetic tenant (several overlapping BMS policies, existing
//! Intune policies), and the `impact.csv` row walk. divan, as the other benches (see
//! `crates/analysis/benches/membership.rs`); they run only under `cargo bench`.

use bms2intune_analysis::{BitSet, BmsTargets, Membership};
use bms2intune_mapping::{map_export, MappingOptions};
use bms2intune_model::Tenant;
use bms2intune_simulation::SimulationInput;
use bms2intune_synth::{synthesize, SynthOptions};
use divan::Bencher;

fn main() {
    divan::main();
}

/// A synthetic tenant, read through the real reader (setup, not measured).
fn tenant(users: u32) -> Tenant {
    let dir = tempfile::tempdir().expect("temp dir");
    synthesize(&SynthOptions::with_users(users), dir.path()).expect("synthesize");
    bms2intune_snapshot::read_snapshot(dir.path()).expect("read")
}

const USERS: &[u32] = &[10_000, 50_000];

/// `simulate` as `plan` calls it: groups expanded and targets computed beforehand, every
/// user moving to Intune.
#[divan::bench(args = USERS, sample_count = 10)]
fn simulate_everyone(bencher: Bencher, users: u32) {
    let tenant = tenant(users);
    let mapping = map_export(&tenant.bms, &MappingOptions::default());
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(&tenant, &membership);
    let nobody = BitSet::default();
    bencher.bench_local(|| {
        bms2intune_simulation::simulate(&SimulationInput {
            tenant: &tenant,
            membership: &membership,
            targets: &targets,
            mapping: &mapping,
            unplaced: &nobody,
        })
        .impact
        .users
    });
}

/// The rows of `impact.csv` (every changed setting of every user, in UPN order).
#[divan::bench(args = USERS, sample_count = 10)]
fn impact_rows(bencher: Bencher, users: u32) {
    let tenant = tenant(users);
    let mapping = map_export(&tenant.bms, &MappingOptions::default());
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(&tenant, &membership);
    let simulation = bms2intune_simulation::simulate(&SimulationInput {
        tenant: &tenant,
        membership: &membership,
        targets: &targets,
        mapping: &mapping,
        unplaced: &BitSet::default(),
    });
    bencher.bench_local(|| simulation.changed_rows(&tenant).count());
}
