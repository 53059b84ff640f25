//! Who goes in which wave, before licences are counted: the automatic pilot-and-rings rules,
//! or the `--waves` file resolved against the directory. This module owns both selection
//! rules; it returns draft waves (positions in the population's order) that [`crate::plan`]
//! then cuts to the licence capacity.
//!
//! **Automatic rules.** With `n` users in scope:
//! - *Pilot*: every user who already holds Intune (they switch the moment coexistence is turned
//!   on, so they are necessarily in the first wave); then, for each platform that gets
//!   replacement objects (Windows, iOS/iPadOS, Android) among the users' BMS-managed devices,
//!   and each BMS policy in force, one user who has it when the pilot
//!   has none yet (preferring users who need no new seat, then the planner's order); then the
//!   first users in order until the pilot holds `ceil(5 % × n)` users, at most 50 (already
//!   licensed and coverage users count towards that size but are never dropped for it).
//! - *Rings*: the next `ceil(10 % × n)` users, then `ceil(25 % × n)`, then everyone left; a
//!   ring above 100,000 users is split into equal parts.
//!
//! **File rules.** Each `[[wave]]` takes, from the users not placed yet, the transitive members
//! of its groups (and primary users of devices in them), or `ceil(percent × n / 100)` users in
//! order, or everyone left. Already-licensed users always go in wave 1, whatever the file
//! says (a note tells which were moved). Users of the file's groups who are not in scope are
//! ignored (a note counts them); users in scope that no wave takes stay unplaced.

use crate::population::{platform_key, Population, MIGRATED_PLATFORMS};
use crate::spec::{WaveError, WaveOptions, WaveRule, WavesFile};
use crate::types::LicenseNeed;
use bms2intune_analysis::{BmsTargets, Membership};
use bms2intune_model::{GroupIx, Guid, Tenant, UserIx};
use std::collections::BTreeSet;

/// A wave before the licence capacity is applied.
#[derive(Debug, Clone)]
pub struct Draft {
    pub name: String,
    pub selection: String,
    /// Positions in the population, ascending.
    pub people: Vec<usize>,
}

/// The drafts, the rules applied, the notes, and the users of no draft.
pub struct Selected {
    pub drafts: Vec<Draft>,
    pub rules: Vec<String>,
    pub notes: Vec<String>,
    /// Positions of users in scope that the waves file leaves out.
    pub not_in_file: Vec<usize>,
}

fn percent_of(percent: f64, n: usize) -> usize {
    ((percent * n as f64) / 100.0).ceil() as usize
}

fn fmt_percent(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0} %")
    } else {
        format!("{p} %")
    }
}

/// `100,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The automatic pilot and rings.
pub fn automatic(
    pop: &Population,
    targets: &BmsTargets,
    tenant: &Tenant,
    o: &WaveOptions,
) -> Selected {
    let dir = &tenant.directory;
    let n = pop.len();
    let mut placed = vec![false; n];
    let mut pilot: Vec<usize> = Vec::new();
    for (i, p) in pop.people.iter().enumerate() {
        if p.need == LicenseNeed::Held {
            placed[i] = true;
            pilot.push(i);
        }
    }
    let held = pilot.len();

    // Coverage: every platform and every BMS policy in force has a user in the pilot.
    let platforms_of = |i: usize| -> BTreeSet<&'static str> {
        pop.devices(i)
            .iter()
            .map(|d| platform_key(dir.managed_devices()[d.ix()].platform))
            .collect()
    };
    let has_platform = |i: usize, platform: &str| {
        pop.devices(i)
            .iter()
            .any(|d| platform_key(dir.managed_devices()[d.ix()].platform) == platform)
    };
    let mut covered_platforms: BTreeSet<&'static str> =
        pilot.iter().flat_map(|&i| platforms_of(i)).collect();
    // Straight over the devices: no set per person (a million people).
    let all_platforms: BTreeSet<&'static str> = MIGRATED_PLATFORMS
        .iter()
        .copied()
        .filter(|&p| {
            pop.all_devices()
                .iter()
                .any(|d| platform_key(dir.managed_devices()[d.ix()].platform) == p)
        })
        .collect();
    let mut covered_policies: BTreeSet<usize> =
        pilot.iter().filter_map(|&i| pop.people[i].policy).collect();
    let mut coverage = 0usize;
    let pick = |placed: &[bool], wanted: &dyn Fn(usize) -> bool| -> Option<usize> {
        (0..n)
            .filter(|&i| !placed[i] && wanted(i))
            .min_by_key(|&i| (pop.people[i].need == LicenseNeed::NewSeat, i))
    };
    for platform in &all_platforms {
        if covered_platforms.contains(platform) {
            continue;
        }
        if let Some(i) = pick(&placed, &|i| has_platform(i, platform)) {
            placed[i] = true;
            pilot.push(i);
            coverage += 1;
            covered_platforms.extend(platforms_of(i));
            covered_policies.extend(pop.people[i].policy);
        }
    }
    for p in targets.policies.iter().map(|p| p.policy) {
        let in_force = pop.people.iter().any(|x| x.policy == Some(p));
        if !in_force || covered_policies.contains(&p) {
            continue;
        }
        if let Some(i) = pick(&placed, &|i| pop.people[i].policy == Some(p)) {
            placed[i] = true;
            pilot.push(i);
            coverage += 1;
            covered_policies.insert(p);
        }
    }
    let size = percent_of(o.pilot_percent, n).clamp(1, o.pilot_max_users.max(1));
    let mut fill = 0usize;
    let mut next = 0usize;
    while pilot.len() < size.min(n) {
        while placed[next] {
            next += 1;
        }
        placed[next] = true;
        pilot.push(next);
        fill += 1;
    }
    pilot.sort_unstable();

    let mut parts = Vec::new();
    if held > 0 {
        parts.push(format!(
            "every user who already holds Intune ({held}: they switch when coexistence is turned on)"
        ));
    }
    if coverage > 0 {
        parts.push(format!(
            "{} so that every migrated platform (Windows, iOS/iPadOS, Android) and every BMS policy in force is tried",
            plural(coverage, "user", "users")
        ));
    }
    if fill > 0 {
        parts.push(format!(
            "{} in UPN order up to {} of the users in scope (at most {})",
            plural(fill, "user", "users"),
            fmt_percent(o.pilot_percent),
            o.pilot_max_users
        ));
    }
    let mut drafts = vec![Draft {
        name: "Pilot".into(),
        selection: if parts.is_empty() {
            "nobody".into()
        } else {
            let mut s = parts.join("; ");
            s[..1].make_ascii_uppercase();
            s
        },
        people: pilot,
    }];

    let rest: Vec<usize> = (0..n).filter(|&i| !placed[i]).collect();
    let mut cursor = 0usize;
    let mut rings: Vec<(String, Vec<usize>)> = Vec::new();
    for &p in &o.ring_percents {
        if cursor >= rest.len() {
            break;
        }
        let size = percent_of(p, n).max(1);
        let end = (cursor + size).min(rest.len());
        rings.push((
            format!(
                "the next {} of the users in scope, in UPN order",
                fmt_percent(p)
            ),
            rest[cursor..end].to_vec(),
        ));
        cursor = end;
    }
    if cursor < rest.len() {
        rings.push((
            "everyone left, in UPN order".into(),
            rest[cursor..].to_vec(),
        ));
    }
    for (k, (selection, people)) in rings.into_iter().enumerate() {
        let name = format!("Ring {}", k + 1);
        let parts = people.len().div_ceil(o.max_wave_users.max(1));
        if parts <= 1 {
            drafts.push(Draft {
                name,
                selection: capitalised(&selection),
                people,
            });
        } else {
            let chunk = people.len().div_ceil(parts);
            for (j, c) in people.chunks(chunk).enumerate() {
                drafts.push(Draft {
                    name: format!("{name} (part {} of {parts})", j + 1),
                    selection: capitalised(&format!(
                        "{selection}, split into {parts} parts of at most {} users",
                        thousands(o.max_wave_users)
                    )),
                    people: c.to_vec(),
                });
            }
        }
    }

    let rules = vec![
        format!(
            "Pilot: every already Intune-licensed user (they switch the moment coexistence is turned on), one user \
             for each device platform and each BMS policy in force that the pilot would otherwise miss, then the \
             first users in UPN order up to {} of the users in scope, at most {} users.",
            fmt_percent(o.pilot_percent),
            o.pilot_max_users
        ),
        format!(
            "Rings: {}, then everyone left, each in UPN order; a ring above {} users is split into parts.",
            o.ring_percents
                .iter()
                .map(|p| fmt_percent(*p))
                .collect::<Vec<_>>()
                .join(", then "),
            thousands(o.max_wave_users)
        ),
    ];
    Selected {
        drafts,
        rules,
        notes: Vec::new(),
        not_in_file: Vec::new(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Resolves a group of the waves file: an object ID, else an exact display name, else a
/// display name ignoring ASCII case.
fn resolve_group(
    tenant: &Tenant,
    file: &WavesFile,
    wave: usize,
    group: &str,
) -> Result<GroupIx, WaveError> {
    let dir = &tenant.directory;
    let name = &file.waves[wave].name;
    if let Some(g) = Guid::parse(group).and_then(|id| dir.group(id)) {
        return Ok(g);
    }
    let exact: Vec<usize> = (0..dir.groups().len())
        .filter(|&i| &*dir.groups()[i].display_name == group)
        .collect();
    let found = if exact.is_empty() {
        (0..dir.groups().len())
            .filter(|&i| dir.groups()[i].display_name.eq_ignore_ascii_case(group))
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => Ok(GroupIx(*one as u32)),
        [] => Err(WaveError::UnknownGroup {
            file: file.file.clone(),
            wave: wave + 1,
            name: name.clone(),
            group: group.to_string(),
            hint: if dir.groups().is_empty() {
                "; the snapshot has no groups (export graph/groups.json and graph/groupMembers/)"
                    .into()
            } else {
                String::new()
            },
        }),
        many => {
            let mut ids: Vec<String> = many
                .iter()
                .map(|&i| dir.groups()[i].id.to_string())
                .collect();
            ids.sort();
            Err(WaveError::AmbiguousGroup {
                file: file.file.clone(),
                wave: wave + 1,
                name: name.clone(),
                group: group.to_string(),
                ids,
            })
        }
    }
}

/// The waves of a `--waves` file.
pub fn from_file(
    pop: &Population,
    tenant: &Tenant,
    membership: &Membership,
    file: &WavesFile,
) -> Result<Selected, WaveError> {
    let dir = &tenant.directory;
    let n = pop.len();
    // Resolve every group first, so an unknown group is reported whatever the population.
    let mut resolved: Vec<Vec<GroupIx>> = Vec::with_capacity(file.waves.len());
    for (w, spec) in file.waves.iter().enumerate() {
        let mut groups = Vec::new();
        if let WaveRule::Groups(names) = &spec.rule {
            for g in names {
                groups.push(resolve_group(tenant, file, w, g)?);
            }
        }
        resolved.push(groups);
    }

    let mut placed = vec![false; n];
    let mut notes = Vec::new();
    let held: Vec<usize> = (0..n)
        .filter(|&i| pop.people[i].need == LicenseNeed::Held)
        .collect();
    let mut drafts = Vec::new();
    for (w, spec) in file.waves.iter().enumerate() {
        let mut people: Vec<usize> = Vec::new();
        let selection = match &spec.rule {
            WaveRule::Groups(names) => {
                let groups = &resolved[w];
                let mut users = membership.users_in_any(groups);
                for d in membership.managed_devices_in_any(groups).iter() {
                    if let Some(u) = dir.managed_devices()[d].user {
                        users.insert(u.ix());
                    }
                }
                let mut outside = 0usize;
                for u in users.iter() {
                    match pop.position(UserIx(u as u32)) {
                        Some(i) if !placed[i] => people.push(i),
                        Some(_) => {}
                        None => outside += 1,
                    }
                }
                if outside > 0 {
                    notes.push(format!(
                        "{}: wave {} ({:?}): {} of its groups {} not reached by any BMS policy and {} left out.",
                        file.file,
                        w + 1,
                        spec.name,
                        plural(outside, "member", "members"),
                        if outside == 1 { "is" } else { "are" },
                        if outside == 1 { "is" } else { "are" },
                    ));
                }
                format!("Members of {}", quote_list(names))
            }
            WaveRule::Percent(p) => {
                let size = percent_of(*p, n);
                people.extend((0..n).filter(|&i| !placed[i]).take(size));
                format!("{} of the users in scope, in UPN order", fmt_percent(*p))
            }
            WaveRule::Rest => {
                people.extend((0..n).filter(|&i| !placed[i]));
                "Everyone left, in UPN order".into()
            }
        };
        let mut selection = selection;
        if w == 0 {
            let chosen: BTreeSet<usize> = people.iter().copied().collect();
            let added = held.iter().filter(|i| !chosen.contains(i)).count();
            people.extend(held.iter().copied().filter(|i| !chosen.contains(i)));
            if added > 0 {
                selection.push_str(&format!(
                    "; and every user who already holds Intune ({added} more: they switch when coexistence is turned on)"
                ));
                notes.push(format!(
                    "{}: {} who already {} Intune {} put in wave 1 ({:?}) although the file does not place them \
                     there: they switch when coexistence is turned on, before any wave's licence.",
                    file.file,
                    plural(added, "user", "users"),
                    if added == 1 { "holds" } else { "hold" },
                    if added == 1 { "is" } else { "are" },
                    spec.name,
                ));
            }
        }
        people.sort_unstable();
        people.dedup();
        for &i in &people {
            placed[i] = true;
        }
        drafts.push(Draft {
            name: spec.name.clone(),
            selection,
            people,
        });
    }
    let not_in_file: Vec<usize> = (0..n).filter(|&i| !placed[i]).collect();
    if !not_in_file.is_empty() {
        notes.push(format!(
            "{}: {} in scope {} in no wave of the file (add a last wave with rest = true to move them).",
            file.file,
            plural(not_in_file.len(), "user", "users"),
            if not_in_file.len() == 1 { "is" } else { "are" }
        ));
    }
    Ok(Selected {
        drafts,
        rules: vec![format!(
            "Waves from {}: each wave takes, from the users not placed yet, the members of its groups, a percentage \
             of the users in scope, or everyone left; already Intune-licensed users always go in wave 1.",
            file.file
        )],
        notes,
        not_in_file,
    })
}

fn quote_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
