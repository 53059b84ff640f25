//! [`plan_waves`]: the whole staging, from the tenant and the earlier stages' results to the
//! finished [`Staging`]. This module owns the order of the work — population, selection,
//! licence capacity, wave descriptions, the readiness checks before coexistence, steps — and
//! the capacity rule: waves take their users in order while seats last; the first wave whose
//! new-seat users do not all fit takes those that fit (and everyone who needs no seat) and is
//! the last wave planned; everyone after it is reported as blocked until licences are bought.

use crate::closeout::{self, CloseOutInputs};
use crate::population::{platform_key, platform_label, Population, MIGRATED_PLATFORMS};
use crate::risks;
use crate::seats::SeatPool;
use crate::select::{self, Draft};
use crate::spec::{WaveError, WaveOptions};
use crate::steps::{self, StepInputs};
use crate::text::{self, WaveFacts};
use crate::types::{
    Capacity, LicenseNeed, Selection, SkuCapacity, Staging, UnplacedReason, UnplacedUser, Wave,
    WaveLicense, WaveMember, WaveRisk,
};
use bms2intune_analysis::{Assessment, BitSet, BmsTargets, Code, Licensing, Membership, Severity};
use bms2intune_mapping::{Collection, Mapping, TargetPlatform};
use bms2intune_model::{DevicePlatform, GroupIx, Tenant};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// A wave after the capacity cut.
struct Placed {
    name: String,
    selection: String,
    /// Positions in the population, ascending.
    people: Vec<usize>,
    /// `(pool index, seats)` per SKU used, and the pool index per new-seat person.
    alloc: Vec<(usize, u64)>,
    sku_of: BTreeMap<usize, usize>,
    limited: bool,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn key_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// Plans the waves and the ordered steps of the move.
///
/// `membership`, `targets` and `licensing` must be built over `tenant` (as the CLI already
/// does for the assessment); `mapping` is the mapping of `tenant.bms`; `assessment` the
/// assessment of `tenant`. Fails only on a bad `--waves` file or bad options.
pub fn plan_waves<'t>(
    tenant: &'t Tenant,
    membership: &Membership,
    targets: &BmsTargets,
    licensing: &Licensing,
    mapping: &Mapping,
    assessment: &Assessment,
    options: &WaveOptions,
) -> Result<Staging<'t>, WaveError> {
    options.check()?;
    let dir = &tenant.directory;
    let pop = Population::new(tenant, targets, licensing);
    let selected = match &options.waves_file {
        Some(file) => select::from_file(&pop, tenant, membership, file)?,
        None => select::automatic(&pop, targets, tenant, options),
    };
    let mut notes = selected.notes.clone();

    let mut pool = SeatPool::new(dir, licensing, assessment);
    let CapacityCut { placed, unplaced } = cut_to_capacity(
        &pop,
        &mut pool,
        selected.drafts,
        &selected.not_in_file,
        &mut notes,
    );
    let (mut waves, wave_of_user) = build_waves(tenant, &pop, &pool, &placed, options);
    // Users who already hold Intune, per platform of their BMS devices, reached by an
    // assigned object of that platform? The assessment's `licensed-without-replacement` is
    // about the tenant as it is; once the plan's objects are assigned, only these remain.
    let uncovered = held_without_objects(tenant, membership, mapping, &pop);
    attach_risks(&mut waves, dir, assessment, &wave_of_user, uncovered.len());
    describe_waves(
        &mut waves,
        &policies_with_compliance(mapping),
        unplaced.len() as u64,
    );
    notes.extend(pilot_coverage_note(&waves, &pop, dir));
    notes.extend(uncovered_note(&uncovered, &pop));

    let capacity = license_capacity(&pop, licensing, &pool, &waves, &unplaced);
    notes.extend(nothing_planned_note(&pop, &waves));

    let held_total = capacity.already_licensed;
    let pre_checks =
        pre_coexistence_checks(assessment, &waves, &pop, held_total, &uncovered, &capacity);
    let mut steps = steps::build(&StepInputs {
        dir,
        recommendations: &mapping.recommendations,
        waves: &waves,
        pre_checks,
        held: held_total,
    });
    steps.extend(closeout::close_out_steps(&CloseOutInputs {
        dir,
        bms: &tenant.bms,
        recommendations: &mapping.recommendations,
        classic: &mapping.classic_conditional_access,
        last_wave_verify: waves.last().map(|w| steps::verify_id(w.id)),
        left_on_bms: unplaced.len() as u64,
    }));

    Ok(Staging {
        waves,
        steps,
        wave_selection: Selection {
            mode: if options.waves_file.is_some() {
                "file".into()
            } else {
                "automatic".into()
            },
            file: options.waves_file.as_ref().map(|f| f.file.clone()),
            rules: selected.rules,
        },
        license_capacity: capacity,
        unplaced_users: unplaced_users(tenant, &pop, unplaced),
        unplaced_users_omitted: 0,
        staging_notes: notes,
    })
}

/// The waves that fit the seats, and everyone left out, sorted by position.
struct CapacityCut {
    placed: Vec<Placed>,
    unplaced: Vec<(usize, UnplacedReason)>,
}

/// The capacity rule: each draft takes seats from `pool` for its new-seat users; the first
/// draft whose new-seat users do not all fit keeps those that fit and is the last; the users
/// of later drafts (and the waves file's leftovers) are unplaced. A draft left with nobody is
/// dropped with a note.
fn cut_to_capacity(
    pop: &Population,
    pool: &mut SeatPool,
    drafts: Vec<Draft>,
    not_in_file: &[usize],
    notes: &mut Vec<String>,
) -> CapacityCut {
    let mut placed: Vec<Placed> = Vec::new();
    let mut unplaced: Vec<(usize, UnplacedReason)> = not_in_file
        .iter()
        .map(|&i| (i, UnplacedReason::NotInWavesFile))
        .collect();
    let mut stopped = false;
    for Draft {
        name,
        selection,
        people,
    } in drafts
    {
        if stopped {
            unplaced.extend(people.iter().map(|&i| (i, UnplacedReason::LicenseCapacity)));
            continue;
        }
        let new_seat: Vec<usize> = people
            .iter()
            .copied()
            .filter(|&i| pop.people[i].need == LicenseNeed::NewSeat)
            .collect();
        let fit = (new_seat.len() as u64).min(pool.left()) as usize;
        let alloc = pool.take(fit as u64);
        let sku_of = assign_skus(&new_seat, &alloc);
        let overflow = &new_seat[fit..];
        let limited = !overflow.is_empty();
        unplaced.extend(
            overflow
                .iter()
                .map(|&i| (i, UnplacedReason::LicenseCapacity)),
        );
        let mut over = vec![false; pop.len()];
        for &i in overflow {
            over[i] = true;
        }
        let people: Vec<usize> = people.into_iter().filter(|&i| !over[i]).collect();
        if limited {
            stopped = true;
        }
        if people.is_empty() {
            notes.push(format!(
                "\"{name}\" would take nobody{}: left out.",
                if limited {
                    " once the free seats are used"
                } else {
                    ""
                }
            ));
            continue;
        }
        placed.push(Placed {
            name,
            selection,
            people,
            alloc,
            sku_of,
            limited,
        });
    }
    unplaced.sort_unstable();
    CapacityCut { placed, unplaced }
}

/// Which SKU each new-seat person gets: the allocation's `(pool index, seats)` in order,
/// handed out to `new_seat` in order.
fn assign_skus(new_seat: &[usize], alloc: &[(usize, u64)]) -> BTreeMap<usize, usize> {
    let mut sku_of = BTreeMap::new();
    let mut next = new_seat.iter();
    for &(sku, seats) in alloc {
        for &i in next.by_ref().take(seats as usize) {
            sku_of.insert(i, sku);
        }
    }
    sku_of
}

/// The name of the BMS policy at `policy` (an index into the tenant's policies).
fn policy_name(tenant: &Tenant, policy: Option<usize>) -> Option<Cow<'_, str>> {
    policy.map(|p| Cow::Borrowed(tenant.bms.policies[p].name.as_str()))
}

/// The waves with their members, devices and licence groups (risks and text come later),
/// and each user's wave number (0 = none).
fn build_waves<'t>(
    tenant: &'t Tenant,
    pop: &Population<'t>,
    pool: &SeatPool,
    placed: &[Placed],
    options: &WaveOptions,
) -> (Vec<Wave<'t>>, Vec<u32>) {
    let dir = &tenant.directory;
    let mut wave_of_user = vec![0u32; dir.users().len()];
    let mut waves: Vec<Wave> = Vec::with_capacity(placed.len());
    for (k, p) in placed.iter().enumerate() {
        let id = k as u32 + 1;
        let mut devices_by_platform: BTreeMap<String, u64> = BTreeMap::new();
        let mut members = Vec::with_capacity(p.people.len());
        for &i in &p.people {
            let person = &pop.people[i];
            wave_of_user[person.user.ix()] = id;
            for d in pop.devices(i) {
                *devices_by_platform
                    .entry(platform_key(dir.managed_devices()[d.ix()].platform).to_string())
                    .or_default() += 1;
            }
            members.push(WaveMember {
                id: person.id,
                user_principal_name: Cow::Borrowed(person.upn),
                license: person.need,
                sku: p
                    .sku_of
                    .get(&i)
                    .map(|&s| Cow::Owned(pool.skus[s].part_number.clone())),
                bms_policy: policy_name(tenant, person.policy),
            });
        }
        let licenses = wave_licenses(id, p, pool, options);
        let count = |need: LicenseNeed| members.iter().filter(|m| m.license == need).count() as u64;
        waves.push(Wave {
            id,
            name: p.name.clone(),
            selection: p.selection.clone(),
            users: members.len() as u64,
            seats_needed: count(LicenseNeed::NewSeat),
            already_licensed: count(LicenseNeed::Held),
            enable_plan: count(LicenseNeed::EnablePlan),
            members,
            members_omitted: 0,
            devices_by_platform,
            licenses,
            limited_by_licenses: p.limited,
            risks: Vec::new(),
            switch_window: String::new(),
            switch_timing: text::switch_timing(&WaveFacts::empty(id)),
            exit_gates: Vec::new(),
            user_impact: Vec::new(),
        });
    }
    (waves, wave_of_user)
}

/// One licence group per SKU a wave takes seats of.
fn wave_licenses(id: u32, p: &Placed, pool: &SeatPool, options: &WaveOptions) -> Vec<WaveLicense> {
    p.alloc
        .iter()
        .map(|&(s, seats)| {
            let sku = &pool.skus[s];
            WaveLicense {
                sku_part_number: sku.part_number.clone(),
                sku_id: sku.sku_id.to_string(),
                seats,
                group: format!("wave-{id}-{}", key_part(&sku.part_number)),
                group_display_name: format!(
                    "{} - Wave {id} ({}) - {}",
                    options.group_prefix, p.name, sku.part_number
                ),
            }
        })
        .collect()
}

/// Each wave's risks from the assessment; in the first wave, `licensed-without-replacement`
/// counts only the `uncovered` already-licensed users the plan's objects do not reach.
fn attach_risks(
    waves: &mut [Wave],
    dir: &bms2intune_model::Directory,
    assessment: &Assessment,
    wave_of_user: &[u32],
    uncovered: usize,
) {
    let mut wave_risks = risks::per_wave(dir, assessment, wave_of_user, waves.len());
    if let Some(first) = wave_risks.first_mut() {
        let code = Code::LicensedWithoutReplacement;
        first.retain(|r| r.code != code);
        if uncovered > 0 {
            let n = uncovered as u64;
            first.insert(
                0,
                WaveRisk {
                    code,
                    severity: code.severity(),
                    title: code.title().into(),
                    count: n,
                    users: n,
                    devices: 0,
                },
            );
        }
    }
    for (w, risks) in waves.iter_mut().zip(wave_risks) {
        w.risks = risks;
    }
}

/// The BMS policies that have a compliance object (for the compliance gate).
fn policies_with_compliance(mapping: &Mapping) -> BTreeSet<&str> {
    mapping
        .recommendations
        .iter()
        .filter(|r| r.api.is_some() && r.collection == Some(Collection::DeviceCompliancePolicies))
        .map(|r| r.source_policy.as_str())
        .collect()
}

/// Each wave's switch window, timing, exit gates and user impact, from its facts.
fn describe_waves(waves: &mut [Wave], with_compliance: &BTreeSet<&str>, left_on_bms: u64) {
    let count = waves.len();
    for (k, w) in waves.iter_mut().enumerate() {
        let facts = WaveFacts {
            id: w.id,
            held: w.already_licensed,
            licensed_now: w.seats_needed + w.enable_plan,
            devices: w.devices_by_platform.values().sum(),
            has_compliance: w.members.iter().any(|m| {
                m.bms_policy
                    .as_deref()
                    .is_some_and(|p| with_compliance.contains(p))
            }),
            email_users: risks::count(&w.risks, Code::EmailProfileReauth),
            android_da_devices: risks::count(&w.risks, Code::AndroidDeviceAdmin),
            windows_not_migrated: risks::count(&w.risks, Code::WindowsNotMigrated),
            unsupported_os: risks::count(&w.risks, Code::UnsupportedOs),
            // The enforced policies' finding (a warning); report-only ones block nobody.
            ca_compliance_users: w
                .risks
                .iter()
                .find(|r| {
                    r.code == Code::ExistingCaRequiresCompliance && r.severity == Severity::Warning
                })
                .map_or(0, |r| r.count),
            last: k + 1 == count,
            left_on_bms,
        };
        w.switch_window = text::switch_window();
        w.switch_timing = text::switch_timing(&facts);
        w.exit_gates = text::exit_gates(&facts);
        w.user_impact = text::user_impact(&facts);
    }
}

/// The pilot should try every platform and policy in force: a note when it cannot.
fn pilot_coverage_note(
    waves: &[Wave],
    pop: &Population,
    dir: &bms2intune_model::Directory,
) -> Option<String> {
    let first = waves.first()?;
    let all_platforms: BTreeSet<&str> = pop
        .all_devices()
        .iter()
        .map(|d| platform_key(dir.managed_devices()[d.ix()].platform))
        .collect();
    let missing: Vec<&str> = all_platforms
        .into_iter()
        .filter(|p| MIGRATED_PLATFORMS.contains(p) && !first.devices_by_platform.contains_key(*p))
        .map(platform_label)
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "Wave 1 ({}) has no BMS-managed {} device: the first later wave with one tries its objects first.",
            first.name,
            missing.join(" or ")
        )
    })
}

/// A note naming the already-licensed users no assigned object reaches.
fn uncovered_note(uncovered: &[(usize, Vec<&'static str>)], pop: &Population) -> Option<String> {
    if uncovered.is_empty() {
        return None;
    }
    Some(format!(
        "{} already {} Intune and {} BMS devices on a platform that no assigned object reaches: {}. They lose \
         those BMS settings when coexistence is turned on (finding licensed-without-replacement).",
        plural(uncovered.len() as u64, "user", "users"),
        if uncovered.len() == 1 { "holds" } else { "hold" },
        if uncovered.len() == 1 { "has" } else { "have" },
        uncovered
            .iter()
            .map(|(i, platforms)| format!("{} ({})", pop.people[*i].upn, platforms.join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Users in scope with the given licence need.
fn count_needing(pop: &Population, need: LicenseNeed) -> u64 {
    pop.people.iter().filter(|p| p.need == need).count() as u64
}

/// The licence capacity: seats needed, free and planned, the shortfall, the users it blocks,
/// per SKU, and the statement for the change board.
fn license_capacity(
    pop: &Population,
    licensing: &Licensing,
    pool: &SeatPool,
    waves: &[Wave],
    unplaced: &[(usize, UnplacedReason)],
) -> Capacity {
    let free_seats = licensing.free_intune_seats().max(0) as u64;
    let seats_needed = count_needing(pop, LicenseNeed::NewSeat);
    let shortfall = seats_needed.saturating_sub(free_seats);
    let mut capacity = Capacity {
        free_seats,
        seats_needed,
        seats_planned: waves.iter().map(|w| w.seats_needed).sum(),
        shortfall,
        already_licensed: count_needing(pop, LicenseNeed::Held),
        enable_plan: count_needing(pop, LicenseNeed::EnablePlan),
        blocked_users: unplaced
            .iter()
            .filter(|(_, r)| *r == UnplacedReason::LicenseCapacity)
            .count() as u64,
        skus: pool
            .skus
            .iter()
            .map(|s| SkuCapacity {
                sku_part_number: s.part_number.clone(),
                sku_id: s.sku_id.to_string(),
                free: s.free,
                planned: s.free - s.left,
                rank: s.rank.as_str().into(),
            })
            .collect(),
        statement: String::new(),
        finding: (shortfall > 0).then_some(Code::LicenseShortfall),
    };
    capacity.statement = capacity_statement(&capacity, waves.last().map(|w| w.id));
    capacity
}

/// Why no wave is planned, if none is.
fn nothing_planned_note(pop: &Population, waves: &[Wave]) -> Option<String> {
    if pop.is_empty() {
        Some(
            "No user is reached by a BMS policy: there is nobody to move, so no wave is planned."
                .into(),
        )
    } else if waves.is_empty() {
        Some(
            "No wave could be planned: nobody holds Intune and there are no free Intune seats. Buy seats, then run \
             the plan again."
                .into(),
        )
    } else {
        None
    }
}

/// The users left out of every wave, with why.
fn unplaced_users<'t>(
    tenant: &'t Tenant,
    pop: &Population<'t>,
    unplaced: Vec<(usize, UnplacedReason)>,
) -> Vec<UnplacedUser<'t>> {
    unplaced
        .into_iter()
        .map(|(i, reason)| {
            let p = &pop.people[i];
            UnplacedUser {
                id: p.id,
                user_principal_name: Cow::Borrowed(p.upn),
                license: p.need,
                reason,
                bms_policy: policy_name(tenant, p.policy),
            }
        })
        .collect()
}

impl WaveFacts {
    fn empty(id: u32) -> WaveFacts {
        WaveFacts {
            id,
            held: 0,
            licensed_now: 0,
            devices: 0,
            has_compliance: false,
            email_users: 0,
            android_da_devices: 0,
            windows_not_migrated: 0,
            unsupported_os: 0,
            ca_compliance_users: 0,
            last: false,
            left_on_bms: 0,
        }
    }
}

/// The capacity paragraph for the change board.
fn capacity_statement(c: &Capacity, last_wave: Option<u32>) -> String {
    let (needed, free, planned, shortfall, blocked) = (
        c.seats_needed,
        c.free_seats,
        c.seats_planned,
        c.shortfall,
        c.blocked_users,
    );
    let mut s = if blocked > 0 {
        format!(
            "{} a new Intune seat but only {} free: short by {shortfall} (finding license-shortfall). The waves use \
             the {planned} free {} and stop {}: {} in scope {} on BMS, blocked until licences are bought. Buy at \
             least {shortfall} Intune-capable {} (Intune Plan 1, EMS E3/E5, Microsoft 365 E3/E5/F3 or Business \
             Premium), then run the plan again to stage them.",
            plural(needed, "user needs", "users need"),
            plural(free, "is", "are"),
            if planned == 1 { "seat" } else { "seats" },
            match last_wave {
                Some(w) => format!("after wave {w}"),
                None => "before the first wave".into(),
            },
            plural(blocked, "user", "users"),
            if blocked == 1 { "stays" } else { "stay" },
            if shortfall == 1 { "seat" } else { "seats" },
        )
    } else {
        format!(
            "{} a new Intune seat and {} free: every wave fits.",
            plural(needed, "user needs", "users need"),
            plural(free, "is", "are")
        )
    };
    if c.already_licensed > 0 || c.enable_plan > 0 {
        s.push_str(&format!(
            " {} already {} Intune and {} only the Intune plan switched on in a licence they hold: neither uses a \
             seat.",
            plural(c.already_licensed, "user", "users"),
            if c.already_licensed == 1 { "holds" } else { "hold" },
            plural(c.enable_plan, "user needs", "users need")
        ));
    }
    s
}

/// Already-licensed users with a BMS device on a platform (iOS, Android, Windows) that no
/// assigned object of that platform reaches: `(position, platforms)`.
fn held_without_objects(
    tenant: &Tenant,
    membership: &Membership,
    mapping: &Mapping,
    pop: &Population,
) -> Vec<(usize, Vec<&'static str>)> {
    let dir = &tenant.directory;
    let held: Vec<usize> = (0..pop.len())
        .filter(|&i| pop.people[i].need == LicenseNeed::Held && !pop.devices(i).is_empty())
        .collect();
    if held.is_empty() {
        return Vec::new();
    }
    let family = |p: TargetPlatform| match p {
        TargetPlatform::Windows => Some("windows"),
        TargetPlatform::Ios => Some("ios"),
        TargetPlatform::AndroidDeviceAdmin | TargetPlatform::AndroidWorkProfile => Some("android"),
        TargetPlatform::Mobile => None,
    };
    let groups = |ids: &[bms2intune_model::Guid]| -> Vec<GroupIx> {
        ids.iter().filter_map(|&id| dir.group(id)).collect()
    };
    let mut users: BTreeMap<&str, BitSet> = BTreeMap::new();
    let mut devices: BTreeMap<&str, BitSet> = BTreeMap::new();
    for r in &mapping.recommendations {
        let (Some(_), Some(c), Some(f)) = (r.api, r.collection, family(r.platform)) else {
            continue;
        };
        if c == Collection::ConditionalAccessPolicies || r.include_groups.is_empty() {
            continue;
        }
        let (inc, exc) = (groups(&r.include_groups), groups(&r.exclude_groups));
        let mut u = membership.users_in_any(&inc);
        u.difference_with(&membership.users_in_any(&exc));
        let mut d = membership.managed_devices_in_any(&inc);
        d.difference_with(&membership.managed_devices_in_any(&exc));
        users
            .entry(f)
            .or_insert_with(|| BitSet::new(dir.users().len()))
            .union_with(&u);
        devices
            .entry(f)
            .or_insert_with(|| BitSet::new(dir.managed_devices().len()))
            .union_with(&d);
    }
    let mut out = Vec::new();
    for i in held {
        let p = &pop.people[i];
        let mut missing: BTreeSet<&'static str> = BTreeSet::new();
        for d in pop.devices(i) {
            let f = match dir.managed_devices()[d.ix()].platform {
                DevicePlatform::Windows => "windows",
                DevicePlatform::Ios | DevicePlatform::IpadOs => "ios",
                DevicePlatform::Android => "android",
                _ => continue,
            };
            let reached = users.get(f).is_some_and(|b| b.contains(p.user.ix()))
                || devices.get(f).is_some_and(|b| b.contains(d.ix()));
            if !reached {
                missing.insert(f);
            }
        }
        if !missing.is_empty() {
            out.push((i, missing.into_iter().collect()));
        }
    }
    out
}

/// The checks of the step before coexistence.
fn pre_coexistence_checks(
    assessment: &Assessment,
    waves: &[Wave],
    pop: &Population,
    held: u64,
    uncovered: &[(usize, Vec<&'static str>)],
    capacity: &Capacity,
) -> Vec<String> {
    let mut checks = vec![
        "Every object created above exists and shows its assignments (Intune admin center > Devices > Compliance \
         and Configuration)."
            .to_string(),
    ];
    if held > 0 {
        if uncovered.is_empty() {
            checks.push(format!(
                "The {} who already {} Intune {} reached by the assigned objects for every platform of their BMS \
                 devices: they switch the moment coexistence is on.",
                plural(held, "user", "users"),
                if held == 1 { "holds" } else { "hold" },
                if held == 1 { "is" } else { "are" }
            ));
        } else {
            checks.push(format!(
                "Of the {} who already {} Intune, {} no assigned object for a platform of their BMS devices: {}. \
                 Assign a replacement or remove their Intune licence before continuing (finding \
                 licensed-without-replacement).",
                plural(held, "user", "users"),
                if held == 1 { "holds" } else { "hold" },
                plural(uncovered.len() as u64, "has", "have"),
                uncovered
                    .iter()
                    .map(|(i, platforms)| format!("{} ({})", pop.people[*i].upn, platforms.join(", ")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    for f in &assessment.findings {
        match f.code {
            Code::LicenseShortfall | Code::LicensedWithoutReplacement | Code::NotAssessed => {}
            Code::EducationSku => checks.push(format!(
                "Microsoft support was contacted about the education SKUs ({}) before anyone is licensed (finding \
                 education-sku).",
                f.subjects
                    .iter()
                    .map(|s| s.name.as_ref())
                    .collect::<Vec<&str>>()
                    .join(", ")
            )),
            Code::MamOnlyLicense => checks.push(format!(
                "The {} whose Intune licence looks assigned only for app protection {} in wave 1 on purpose, or \
                 their Intune plan is removed until their wave (finding mam-only-license).",
                plural(f.count, "user", "users"),
                if f.count == 1 { "moves" } else { "move" }
            )),
            _ if f.severity == Severity::Blocker => checks.push(format!(
                "Resolved: {} (finding {}).",
                f.title,
                f.code.as_str()
            )),
            _ => {}
        }
    }
    if capacity.blocked_users > 0 {
        checks.push(format!(
            "The licence shortfall is accepted: {} stay on BMS after the planned waves until {} more Intune seats \
             are bought (finding license-shortfall).",
            plural(capacity.blocked_users, "user", "users"),
            capacity.shortfall
        ));
    }
    if waves
        .iter()
        .any(|w| w.devices_by_platform.contains_key("ios"))
    {
        checks.push(
            "The Apple MDM push certificate is valid for the whole migration (it must be renewed every 365 days): \
             without it iOS/iPadOS devices cannot check in."
                .into(),
        );
    }
    checks.push(
        "Every conflict with an existing Intune policy (the plan's conflicts) has a decided fix."
            .into(),
    );
    checks.push("The users of wave 1 were sent their notice (see Messages to users).".into());
    checks.push(
        "Whoever runs the next steps holds the roles: Intune Administrator or Global Administrator (MDM authority), \
         License Administrator (licences)."
            .into(),
    );
    checks
}
