//! Group expansion micro-benchmarks (`cargo bench -p bms2intune-analysis`): transitive
//! membership and BMS targets over a synthetic tenant (four nesting levels, one cycle, a
//! dynamic group of everyone).
//!
//! divan rather than criterion: it compiles in seconds (no plotting, rayon or regex
//! dependencies), and `#[divan::bench]` functions need no registration macro. Benchmarks run
//! only under `cargo bench` (`harness = false` targets are not part of `cargo test`).

use bms2intune_analysis::{BmsTargets, Membership};
use bms2intune_model::{GroupIx, Tenant};
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

/// Every group's transitive users, as `plan` asks for them (fresh memo each time).
#[divan::bench(args = USERS, sample_count = 10)]
fn users_of_every_group(bencher: Bencher, users: u32) {
    let tenant = tenant(users);
    let groups = tenant.directory.groups().len();
    bencher.bench_local(|| {
        let m = Membership::new(&tenant.directory);
        (0..groups)
            .map(|g| m.users_of(GroupIx(g as u32)).len())
            .sum::<usize>()
    });
}

/// One bitset of everyone under all groups: the union query of the targets.
#[divan::bench(args = USERS, sample_count = 10)]
fn users_in_any_group(bencher: Bencher, users: u32) {
    let tenant = tenant(users);
    let all: Vec<GroupIx> = (0..tenant.directory.groups().len() as u32)
        .map(GroupIx)
        .collect();
    let m = Membership::new(&tenant.directory);
    bencher.bench_local(|| m.users_in_any(&all).count());
}

/// Whom each BMS policy reaches, with exclusions and first-match priority.
#[divan::bench(args = USERS, sample_count = 10)]
fn bms_targets(bencher: Bencher, users: u32) {
    let tenant = tenant(users);
    bencher.bench_local(|| {
        let m = Membership::new(&tenant.directory);
        BmsTargets::new(&tenant, &m).in_scope.count()
    });
}
