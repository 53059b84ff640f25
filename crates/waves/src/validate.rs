//! [`validate`]: the staging invariants, checked on the finished [`Staging`] alone, so that
//! tests (and a later `apply`, on a `plan.json` read back) can prove what the planner builds
//! by construction. This module owns the list of invariants:
//!
//! 1. Step ids are unique and every `dependsOn` names an **earlier** step.
//! 2. Waves are numbered 1, 2, … in order; a step's wave exists; each wave has exactly one
//!    `verify` step, its last step; a wave's `users` equals its member count; nobody is in two
//!    waves or both in a wave and unplaced.
//! 3. There is exactly one `enable-coexistence` step when there is a wave, tenant-wide,
//!    `reversible: false`, and every `create-policy` and `assign-policy` step is among its
//!    (transitive) dependencies and before it.
//! 4. Every `assign-license` step belongs to a wave, comes after coexistence and depends on it
//!    (transitively), on its own `add-group-members` step (group licences), and, from wave 2
//!    on, on the previous wave's `verify` step: a wave's licences come after its policies are
//!    created and assigned, and after the previous wave's gate.
//! 5. Users who already hold Intune are all in wave 1, and the BMS policy of each has its
//!    objects assigned before coexistence (when it has any objects).
//! 6. Seats: each wave's `seatsNeeded` equals its new-seat members and its licence groups'
//!    seats; per SKU and in total, planned seats never exceed the free seats.
//! 7. Every reversible step says how to roll it back.
//! 8. Close-out ([`crate::closeout`]): with waves, exactly one `verify:close-out` step,
//!    tenant-wide, after every wave's steps and depending on the last wave's `verify`; every
//!    close-out step (`enforce-conditional-access`, `keep-classic-conditional-access`,
//!    `remove-bms-policies`) and every optional step comes after it and depends on it; each
//!    `enforce-conditional-access` depends on its `verify:report-only:<file>` gate;
//!    `keep-classic-conditional-access` depends on every enforcement, and
//!    `remove-bms-policies` on it.
//! 9. Optional steps (`optional: baseline`) stay apart: no migration step depends on one, and
//!    none is a step before coexistence.

use crate::closeout::{
    enforce_id, report_only_gate_id, KEEP_CLASSIC_CA, REMOVE_BMS_POLICIES, VERIFY_CLOSE_OUT,
};
use crate::steps::{verify_id, ENABLE_COEXISTENCE};
use crate::types::{LicenseNeed, Staging, StepKind};
use bms2intune_model::Guid;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Checks every invariant; returns all violations, each one sentence.
pub fn validate(s: &Staging) -> Result<(), Vec<String>> {
    let mut errors: Vec<String> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();

    // 1. Ids and backward dependencies; transitive ancestors as we go.
    let mut ancestors: Vec<HashSet<usize>> = Vec::with_capacity(s.steps.len());
    for (i, step) in s.steps.iter().enumerate() {
        if index.insert(step.id.as_str(), i).is_some() {
            errors.push(format!("step id {:?} is used twice", step.id));
        }
        let mut mine = HashSet::new();
        for d in &step.depends_on {
            match index.get(d.as_str()) {
                Some(&j) if j < i => {
                    mine.insert(j);
                    mine.extend(ancestors[j].iter().copied());
                }
                _ => errors.push(format!(
                    "step {:?} depends on {:?}, which is not an earlier step",
                    step.id, d
                )),
            }
        }
        ancestors.push(mine);
        if step.reversible && step.rollback.trim().is_empty() {
            errors.push(format!(
                "step {:?} is reversible but has no rollback",
                step.id
            ));
        }
    }
    let depends = |i: usize, j: usize| ancestors[i].contains(&j);

    // 2. Waves.
    let mut seen_users: HashMap<Guid, u32> = HashMap::new();
    for (k, w) in s.waves.iter().enumerate() {
        if w.id as usize != k + 1 {
            errors.push(format!(
                "wave {} is at position {}: waves are numbered 1, 2, …",
                w.id,
                k + 1
            ));
        }
        if w.users != w.members.len() as u64 {
            errors.push(format!(
                "wave {} says {} users but lists {}",
                w.id,
                w.users,
                w.members.len()
            ));
        }
        for m in &w.members {
            if let Some(other) = seen_users.insert(m.id, w.id) {
                errors.push(format!(
                    "user {} is in wave {other} and wave {}",
                    m.user_principal_name, w.id
                ));
            }
        }
        let verifies: Vec<usize> = s
            .steps
            .iter()
            .enumerate()
            .filter(|(_, st)| st.wave == Some(w.id) && st.kind == StepKind::Verify)
            .map(|(i, _)| i)
            .collect();
        let last = s.steps.iter().rposition(|st| st.wave == Some(w.id));
        match verifies.as_slice() {
            [v] if Some(*v) == last && s.steps[*v].id == verify_id(w.id) => {}
            _ => errors.push(format!(
                "wave {} must have exactly one verify step ({}), as its last step",
                w.id,
                verify_id(w.id)
            )),
        }
    }
    for u in &s.unplaced_users {
        if seen_users.contains_key(&u.id) {
            errors.push(format!(
                "user {} is both in a wave and unplaced",
                u.user_principal_name
            ));
        }
    }
    for st in &s.steps {
        if let Some(w) = st.wave {
            if w == 0 || w as usize > s.waves.len() {
                errors.push(format!(
                    "step {:?} names wave {w}, which does not exist",
                    st.id
                ));
            }
        }
    }

    // 3. Coexistence.
    let coexistence: Vec<usize> = s
        .steps
        .iter()
        .enumerate()
        .filter(|(_, st)| st.kind == StepKind::EnableCoexistence)
        .map(|(i, _)| i)
        .collect();
    let coex = match (coexistence.as_slice(), s.waves.is_empty()) {
        ([c], _) => Some(*c),
        ([], true) => None,
        ([], false) => {
            errors.push("there are waves but no enable-coexistence step".into());
            None
        }
        _ => {
            errors.push("there is more than one enable-coexistence step".into());
            None
        }
    };
    if let Some(c) = coex {
        let step = &s.steps[c];
        if step.reversible {
            errors.push("enable-coexistence must be marked reversible: false".into());
        }
        if step.wave.is_some() {
            errors.push("enable-coexistence must be tenant-wide (wave null)".into());
        }
        if step.id != ENABLE_COEXISTENCE {
            errors.push(format!(
                "the coexistence step's id must be {ENABLE_COEXISTENCE:?}"
            ));
        }
        for (i, st) in s.steps.iter().enumerate() {
            if matches!(st.kind, StepKind::CreatePolicy | StepKind::AssignPolicy)
                && st.optional.is_none()
                && !(i < c && depends(c, i))
            {
                errors.push(format!(
                    "{} must come before enable-coexistence and be among its dependencies",
                    st.id
                ));
            }
        }
    }

    // 4. Licences.
    for (i, st) in s.steps.iter().enumerate() {
        if st.kind != StepKind::AssignLicense {
            continue;
        }
        let Some(w) = st.wave else {
            errors.push(format!("{} belongs to no wave", st.id));
            continue;
        };
        match coex {
            Some(c) if c < i && depends(i, c) => {}
            _ => errors.push(format!(
                "{} must come after enable-coexistence and depend on it",
                st.id
            )),
        }
        if let Some(group) = &st.target.group {
            let add = format!("add-group-members:{group}");
            if !index.get(add.as_str()).is_some_and(|&j| depends(i, j)) {
                errors.push(format!("{} must depend on {add}", st.id));
            }
        }
        if w > 1 {
            let prev = verify_id(w - 1);
            if !index.get(prev.as_str()).is_some_and(|&j| depends(i, j)) {
                errors.push(format!(
                    "{} must depend on {prev} (the previous wave's gate)",
                    st.id
                ));
            }
        }
    }

    // 5. Already-licensed users: in wave 1, their policy assigned before coexistence.
    let mut assigned_before: HashSet<&str> = HashSet::new();
    let mut created: HashSet<&str> = HashSet::new();
    for (i, st) in s.steps.iter().enumerate() {
        let Some(source) = st.target.source_policy.as_deref() else {
            continue;
        };
        match st.kind {
            StepKind::CreatePolicy => {
                created.insert(source);
            }
            StepKind::AssignPolicy if coex.is_some_and(|c| i < c && depends(c, i)) => {
                assigned_before.insert(source);
            }
            _ => {}
        }
    }
    for w in &s.waves {
        for m in w.members.iter().filter(|m| m.license == LicenseNeed::Held) {
            if w.id != 1 {
                errors.push(format!(
                    "{} already holds Intune and must be in wave 1, not wave {}",
                    m.user_principal_name, w.id
                ));
            }
            if let Some(p) = m.bms_policy.as_deref() {
                if created.contains(p) && !assigned_before.contains(p) {
                    errors.push(format!(
                        "{} already holds Intune but the objects of {p:?} are not assigned before coexistence",
                        m.user_principal_name
                    ));
                }
            }
        }
    }
    for u in &s.unplaced_users {
        if u.license == LicenseNeed::Held {
            errors.push(format!(
                "{} already holds Intune and must be in wave 1, not unplaced",
                u.user_principal_name
            ));
        }
    }

    // 6. Seats.
    let mut per_sku: BTreeMap<&str, u64> = BTreeMap::new();
    let mut total = 0u64;
    for w in &s.waves {
        let new_seats = w
            .members
            .iter()
            .filter(|m| m.license == LicenseNeed::NewSeat)
            .count() as u64;
        let grouped: u64 = w.licenses.iter().map(|l| l.seats).sum();
        if w.seats_needed != new_seats || grouped != new_seats {
            errors.push(format!(
                "wave {}: seatsNeeded {} must equal its new-seat members ({new_seats}) and its licence groups' seats ({grouped})",
                w.id, w.seats_needed
            ));
        }
        for l in &w.licenses {
            let members = w
                .members
                .iter()
                .filter(|m| {
                    m.license == LicenseNeed::NewSeat
                        && m.sku.as_deref() == Some(&l.sku_part_number)
                })
                .count() as u64;
            if members != l.seats {
                errors.push(format!(
                    "wave {}: {} seats of {} but {members} members get it",
                    w.id, l.seats, l.sku_part_number
                ));
            }
            *per_sku.entry(l.sku_part_number.as_str()).or_default() += l.seats;
        }
        total += w.seats_needed;
    }
    let cap = &s.license_capacity;
    if total > cap.free_seats {
        errors.push(format!(
            "the waves need {total} new seats but only {} are free",
            cap.free_seats
        ));
    }
    if total != cap.seats_planned {
        errors.push(format!(
            "licenseCapacity.seatsPlanned is {} but the waves need {total}",
            cap.seats_planned
        ));
    }
    for (sku, used) in per_sku {
        match cap.skus.iter().find(|c| c.sku_part_number == sku) {
            Some(c) if used <= c.free && used == c.planned => {}
            Some(c) => errors.push(format!(
                "{sku}: the waves use {used} seats, {} are free and {} planned",
                c.free, c.planned
            )),
            None => errors.push(format!("{sku} is used by a wave but has no free seats")),
        }
    }

    // 8. Close-out.
    close_out(s, &index, &depends, &mut errors);

    // 9. Optional steps stay apart.
    for (i, st) in s.steps.iter().enumerate() {
        if st.optional.is_some() {
            if coex.is_some_and(|c| i < c) {
                errors.push(format!(
                    "optional step {} must come after coexistence",
                    st.id
                ));
            }
            continue;
        }
        if let Some(j) = ancestors[i]
            .iter()
            .copied()
            .filter(|&j| s.steps[j].optional.is_some())
            .min()
        {
            errors.push(format!(
                "{} is a migration step but depends on the optional step {}",
                st.id, s.steps[j].id
            ));
        }
    }

    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn close_out(
    s: &Staging,
    index: &HashMap<&str, usize>,
    depends: &dyn Fn(usize, usize) -> bool,
    errors: &mut Vec<String>,
) {
    let is_close_out = |k: StepKind| {
        matches!(
            k,
            StepKind::EnforceConditionalAccess
                | StepKind::KeepClassicConditionalAccess
                | StepKind::RemoveBmsPolicies
        )
    };
    let Some(last_wave) = s.waves.last() else {
        if s.steps
            .iter()
            .any(|st| is_close_out(st.kind) || st.id == VERIFY_CLOSE_OUT)
        {
            errors.push("close-out steps need waves: there is none".into());
        }
        return;
    };
    let found: Vec<usize> = s
        .steps
        .iter()
        .enumerate()
        .filter(|(_, st)| st.id == VERIFY_CLOSE_OUT)
        .map(|(i, _)| i)
        .collect();
    let [v] = found.as_slice() else {
        errors.push(format!(
            "there must be exactly one {VERIFY_CLOSE_OUT} step after the last wave"
        ));
        return;
    };
    let v = *v;
    let check = &s.steps[v];
    if check.wave.is_some() || check.kind != StepKind::Verify {
        errors.push(format!(
            "{VERIFY_CLOSE_OUT} must be a tenant-wide verify step"
        ));
    }
    if let Some(last) = s.steps.iter().rposition(|st| st.wave.is_some()) {
        if last > v {
            errors.push(format!(
                "{VERIFY_CLOSE_OUT} must come after every wave's steps ({} is later)",
                s.steps[last].id
            ));
        }
    }
    let last_verify = verify_id(last_wave.id);
    if !check.depends_on.contains(&last_verify) {
        errors.push(format!("{VERIFY_CLOSE_OUT} must depend on {last_verify}"));
    }
    let mut enforced = Vec::new();
    for (i, st) in s.steps.iter().enumerate() {
        if !(is_close_out(st.kind) || st.optional.is_some()) {
            continue;
        }
        if !(i > v && depends(i, v)) {
            errors.push(format!(
                "{} must come after {VERIFY_CLOSE_OUT} and depend on it",
                st.id
            ));
        }
        if st.kind == StepKind::EnforceConditionalAccess {
            enforced.push(i);
            let file = st.target.file.as_deref().unwrap_or_default();
            let gate = report_only_gate_id(file);
            if st.id != enforce_id(file)
                || !index
                    .get(gate.as_str())
                    .is_some_and(|&g| st.depends_on.contains(&s.steps[g].id))
            {
                errors.push(format!("{} must depend directly on its gate {gate}", st.id));
            }
            if st.rollback.trim().is_empty() || !st.reversible {
                errors.push(format!("{} must be reversible, with a rollback", st.id));
            }
        }
    }
    match (index.get(KEEP_CLASSIC_CA), index.get(REMOVE_BMS_POLICIES)) {
        (Some(&keep), Some(&remove)) => {
            for &e in &enforced {
                if !depends(keep, e) {
                    errors.push(format!(
                        "{KEEP_CLASSIC_CA} must depend on {}",
                        s.steps[e].id
                    ));
                }
            }
            if !(remove > keep && depends(remove, keep)) {
                errors.push(format!(
                    "{REMOVE_BMS_POLICIES} must come after {KEEP_CLASSIC_CA} and depend on it"
                ));
            }
        }
        _ => errors.push(format!(
            "the close-out needs {KEEP_CLASSIC_CA} and {REMOVE_BMS_POLICIES}"
        )),
    }
}
