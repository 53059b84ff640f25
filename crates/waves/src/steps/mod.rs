//! The ordered steps: tenant-wide preparation (create and assign every migrated object, create
//! the licence groups, check, turn on coexistence), then per wave (fill its licence groups,
//! assign the licences, verify the exit gates). This module owns the order, the step ids and
//! the dependencies; [`wording`] builds each kind of step with its human text (title,
//! instructions, user impact, checks, rollback). The order is the safety argument: every
//! object is created and assigned before coexistence, coexistence before any licence, and
//! each wave's licences only after the previous wave's gate.

mod wording;

pub use wording::mail_nickname;

use crate::types::{Step, Wave, WaveLicense};
use bms2intune_mapping::{Api, Collection, Recommendation};
use bms2intune_model::Directory;

/// Step id of the check before coexistence.
pub const VERIFY_BEFORE_COEXISTENCE: &str = "verify:before-coexistence";
/// Step id of turning on coexistence.
pub const ENABLE_COEXISTENCE: &str = "enable-coexistence";

/// Step id of a wave's verification.
pub fn verify_id(wave: u32) -> String {
    format!("verify:wave-{wave}")
}

fn create_policy_id(file: &str) -> String {
    format!("create-policy:{file}")
}

fn assign_policy_id(file: &str) -> String {
    format!("assign-policy:{file}")
}

fn create_group_id(license: &WaveLicense) -> String {
    format!("create-group:{}", license.group)
}

fn add_group_members_id(license: &WaveLicense) -> String {
    format!("add-group-members:{}", license.group)
}

fn assign_group_license_id(license: &WaveLicense) -> String {
    format!("assign-license:{}", license.group)
}

fn enable_intune_plan_id(wave: &Wave) -> String {
    format!("assign-license:wave-{}:enable-plan", wave.id)
}

/// What the steps are built from.
pub struct StepInputs<'a> {
    pub dir: &'a Directory,
    pub recommendations: &'a [Recommendation],
    pub waves: &'a [Wave<'a>],
    /// Checks of the step before coexistence (readiness facts computed by the planner).
    pub pre_checks: Vec<String>,
    /// Users who already hold Intune (they switch at coexistence).
    pub held: u64,
}

/// A recommendation that becomes an Intune object: it has a Graph API, a collection and a
/// body file.
pub(crate) struct IntuneObject<'a> {
    pub recommendation: &'a Recommendation,
    pub api: Api,
    pub collection: Collection,
    pub file: &'a str,
}

impl<'a> IntuneObject<'a> {
    fn of(r: &'a Recommendation) -> Option<IntuneObject<'a>> {
        Some(IntuneObject {
            recommendation: r,
            api: r.api?,
            collection: r.collection?,
            file: r.file.as_deref()?,
        })
    }

    fn is_conditional_access(&self) -> bool {
        self.collection == Collection::ConditionalAccessPolicies
    }

    /// Whether the object gets an assign step: device objects that include some group
    /// (Conditional Access policies carry their groups in their body; an object whose BMS
    /// policy targeted nobody stays unassigned).
    fn is_assigned(&self) -> bool {
        !self.is_conditional_access() && !self.recommendation.include_groups.is_empty()
    }
}

/// Builds every step, in order.
pub fn build(inp: &StepInputs) -> Vec<Step> {
    let objects: Vec<IntuneObject> = inp
        .recommendations
        .iter()
        .filter_map(IntuneObject::of)
        .collect();
    let mut steps: Vec<Step> = Vec::new();
    // What must be done before the check that precedes coexistence.
    let mut before_coexistence: Vec<String> = Vec::new();

    // 1. Create every object, unassigned.
    for object in &objects {
        let id = create_policy_id(object.file);
        if !object.is_assigned() {
            before_coexistence.push(id.clone());
        }
        steps.push(wording::create_policy(id, object));
    }

    // 2. Assign every device object as the recommendation says.
    for object in objects.iter().filter(|o| o.is_assigned()) {
        let id = assign_policy_id(object.file);
        before_coexistence.push(id.clone());
        let depends_on = vec![create_policy_id(object.file)];
        steps.push(wording::assign_policy(id, depends_on, object, inp.dir));
    }

    if inp.waves.is_empty() {
        return steps;
    }

    // 3. The licence groups of every wave, created empty.
    for w in inp.waves {
        for l in &w.licenses {
            steps.push(wording::create_group(create_group_id(l), w, l));
        }
    }

    // 4. Check, then the one-way switch.
    steps.push(wording::verify_before_coexistence(
        VERIFY_BEFORE_COEXISTENCE.into(),
        before_coexistence,
        inp.pre_checks.clone(),
    ));
    steps.push(wording::enable_coexistence(
        ENABLE_COEXISTENCE.into(),
        vec![VERIFY_BEFORE_COEXISTENCE.into()],
        inp.held,
    ));

    // 5. The waves, each behind the previous wave's gate.
    for (k, w) in inp.waves.iter().enumerate() {
        let next = inp.waves.get(k + 1);
        steps.extend(wave_steps(w, k == 0, wave_gate(inp.waves, k), next));
    }
    steps
}

/// The step a wave's licences wait for: coexistence for the first wave, the previous wave's
/// verification for the others.
fn wave_gate(waves: &[Wave], k: usize) -> String {
    match k.checked_sub(1) {
        None => ENABLE_COEXISTENCE.to_string(),
        Some(previous) => verify_id(waves[previous].id),
    }
}

/// One wave's steps: per licence group, fill it and assign its licence; switch on the Intune
/// plan where a licence has it off; then verify the wave.
fn wave_steps(w: &Wave, first: bool, gate: String, next: Option<&Wave>) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut licences = Vec::new();
    for l in &w.licenses {
        let add = add_group_members_id(l);
        let mut add_deps = vec![create_group_id(l)];
        if !first {
            // Coexistence (the first wave's gate) is not needed to fill a group.
            add_deps.push(gate.clone());
        }
        steps.push(wording::add_group_members(add.clone(), add_deps, w, l));
        let id = assign_group_license_id(l);
        steps.push(wording::assign_group_license(
            id.clone(),
            vec![add, gate.clone()],
            w,
            l,
        ));
        licences.push(id);
    }
    if w.enable_plan > 0 {
        let id = enable_intune_plan_id(w);
        steps.push(wording::enable_intune_plan(id.clone(), vec![gate], w));
        licences.push(id);
    }
    let mut verify_deps = licences;
    if first {
        verify_deps.insert(0, ENABLE_COEXISTENCE.into());
    }
    steps.push(wording::verify_wave(verify_id(w.id), verify_deps, w, next));
    steps
}
