//! The runbook section: the ordered steps cut into phases (runs of consecutive steps of one
//! wave, tenant-wide steps before the waves, the close-out after them, or optional steps of one
//! kind such as the recommended baseline), what users see in each phase, each step's checks, and a wave's exit
//! gates where its verify step (or its last phase) checks them.

use super::waves::{gates, wave_label};
use super::{non_empty, texts, Gate, DEPENDS_SHOWN};
use crate::messages::{self, Signals};
use bms2intune_waves::{Optional, Step, StepKind, Wave};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Runbook {
    pub phases: Vec<Phase>,
    pub irreversible: usize,
}

#[derive(Debug, Serialize)]
pub struct Phase {
    pub title: String,
    pub anchor: String,
    pub steps: Vec<StepView>,
    /// What users see when this phase runs: the wave's `userImpact` (or generic lines from the
    /// same signals as the messages), and lines that several of its steps share.
    pub user_impact: Vec<String>,
    /// Checks before the next wave: the wave's exit gates, after its last phase, when no
    /// `verify` step of the wave lists them.
    pub gates: Vec<Gate>,
}

#[derive(Debug, Serialize)]
pub struct StepView {
    pub id: String,
    pub kind: StepKind,
    pub kind_label: &'static str,
    pub title: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    /// The first [`DEPENDS_SHOWN`] steps it runs after.
    pub depends_on: Vec<String>,
    /// Steps it runs after that are not listed.
    pub depends_more: u64,
    /// `Some(false)` for one-way steps.
    pub reversible: Option<bool>,
    /// Done by hand (no Graph request).
    pub manual: bool,
    /// What users see when this step runs, beyond what the phase says.
    pub user_impact: Vec<String>,
    /// What to check once it is done.
    pub checks: Vec<String>,
    /// A wave's `verify` step: the wave's exit gates, with how to measure them.
    pub gates: Vec<Gate>,
    pub rollback: Option<String>,
    /// Manual commands to run exactly as written (`target.commands`).
    pub commands: Vec<String>,
    /// `baseline` for the optional baseline steps.
    pub optional: Option<&'static str>,
}

/// Human label of a step kind.
fn kind_label(kind: StepKind) -> &'static str {
    match kind {
        StepKind::CreateGroup => "Create group",
        StepKind::AddGroupMembers => "Add members",
        StepKind::CreatePolicy => "Create policy",
        StepKind::AssignPolicy => "Assign policy",
        StepKind::EnableCoexistence => "Enable coexistence",
        StepKind::AssignLicense => "Assign licence",
        StepKind::Verify => "Verify",
        StepKind::ScheduleActions => "Add actions",
        StepKind::UpdateTenantSettings => "Tenant setting",
        StepKind::EnforceConditionalAccess => "Enforce Conditional Access",
        StepKind::KeepClassicConditionalAccess => "Keep classic policies",
        StepKind::RemoveBmsPolicies => "Remove BMS policies",
    }
}

fn step(s: &Step, gates: Vec<Gate>) -> StepView {
    let checks = texts(&s.checks)
        .into_iter()
        .filter(|c| !gates.iter().any(|g| c.starts_with(&g.text)))
        .collect();
    let depends = texts(&s.depends_on);
    let title = non_empty(&s.title).unwrap_or_else(|| s.kind.as_str().to_string());
    StepView {
        id: s.id.clone(),
        kind_label: kind_label(s.kind),
        kind: s.kind,
        // Not when the title names it already.
        target: non_empty(&s.target.display_name).filter(|t| !title.contains(t.as_str())),
        title,
        detail: non_empty(&s.instructions),
        depends_more: depends.len().saturating_sub(DEPENDS_SHOWN) as u64,
        depends_on: depends.into_iter().take(DEPENDS_SHOWN).collect(),
        reversible: Some(s.reversible),
        manual: s.manual,
        user_impact: texts(&s.user_impact),
        checks,
        gates,
        rollback: non_empty(&s.rollback),
        commands: s.target.commands.clone(),
        optional: s.optional.map(Optional::as_str),
    }
}

pub fn build(steps: &[Step], waves: &[Wave<'_>], signals: &Signals) -> Runbook {
    let find_wave = |id: u32| waves.iter().find(|w| w.id == id);
    // Phases: runs of consecutive steps of one wave, tenant-wide steps before or after the waves
    // (the close-out), or optional steps of one kind (the baseline).
    let mut phases: Vec<Phase> = Vec::new();
    let mut current: Option<(Option<u32>, Option<Optional>, bool)> = None;
    let mut after_waves = false;
    for s in steps {
        after_waves |= s.wave.is_some();
        let key = (s.wave, s.optional, s.wave.is_none() && after_waves);
        if current != Some(key) {
            let title = match (s.optional, s.wave) {
                (Some(Optional::Baseline), _) => {
                    "Recommended baseline (optional: only when asked, e.g. apply --baseline)"
                        .to_string()
                }
                (None, None) if after_waves => "Close-out: leaving BMS".to_string(),
                (None, None) => "Tenant-wide".to_string(),
                (None, Some(id)) => find_wave(id).map_or_else(|| format!("Wave {id}"), wave_label),
            };
            phases.push(Phase {
                title,
                anchor: format!("runbook-{}", phases.len() + 1),
                steps: vec![],
                user_impact: vec![],
                gates: vec![],
            });
            current = Some(key);
        }
        let Some(phase) = phases.last_mut() else {
            continue;
        };
        if s.kind == StepKind::AssignLicense && phase.user_impact.is_empty() {
            phase.user_impact = messages::what_users_see(s.wave.and_then(find_wave), signals);
        }
        // A wave's verify step checks the wave's exit gates: show them, with how to measure
        // them, in place of the checks that repeat them.
        let verify_wave = (s.kind == StepKind::Verify)
            .then(|| s.target.wave.or(s.wave))
            .flatten()
            .and_then(find_wave);
        let gates = verify_wave
            .map(|w| gates(&w.exit_gates))
            .unwrap_or_default();
        phase.steps.push(step(s, gates));
    }
    // Lines several steps of a phase share go to the phase ("What users will see"); a step
    // keeps only what the phase does not say.
    for phase in &mut phases {
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for s in &phase.steps {
            for l in &s.user_impact {
                match seen.iter_mut().find(|(x, _)| *x == l) {
                    Some(e) => e.1 += 1,
                    None => seen.push((l, 1)),
                }
            }
        }
        let shared: Vec<String> = seen
            .into_iter()
            .filter(|(l, n)| *n > 1 && !phase.user_impact.iter().any(|x| x == l))
            .map(|(l, _)| l.to_string())
            .collect();
        phase.user_impact.extend(shared);
        let phase_lines = phase.user_impact.clone();
        for s in &mut phase.steps {
            s.user_impact.retain(|l| !phase_lines.contains(l));
        }
    }
    // The exit gates of a wave go after its last phase, unless a verify step lists them.
    for w in waves {
        let label = wave_label(w);
        if let Some(p) = phases.iter_mut().rev().find(|p| p.title == label) {
            if !p.steps.iter().any(|s| !s.gates.is_empty()) {
                p.gates = gates(&w.exit_gates);
            }
        }
    }
    let irreversible = phases
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.reversible == Some(false))
        .count();
    Runbook {
        phases,
        irreversible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_waves::StepTarget;

    fn step(id: &str, wave: Option<u32>, kind: StepKind) -> Step {
        Step {
            id: id.into(),
            wave,
            optional: None,
            kind,
            title: id.into(),
            target: StepTarget::default(),
            depends_on: vec![],
            reversible: true,
            manual: false,
            instructions: String::new(),
            user_impact: vec![],
            checks: vec![],
            rollback: String::new(),
        }
    }

    #[test]
    fn steps_show_checks_gates_and_short_dependencies() {
        let plan = super::super::sample();
        let mut wave = plan.staging.waves[0].clone();
        wave.name = "Pilot".into();
        wave.user_impact = vec!["2 users move.".into()];
        let gates: Vec<String> = wave
            .exit_gates
            .iter()
            .map(|g| g.description.clone())
            .collect();
        let mut create = step("create-policy:p0", None, StepKind::CreatePolicy);
        create.title = "Create \"P0\"".into();
        create.target.display_name = "P0".into();
        create.checks = vec!["P0 exists.".into()];
        let mut assign0 = step("assign-policy:p0", None, StepKind::AssignPolicy);
        assign0.user_impact = vec!["Intune devices get it.".into()];
        let mut assign1 = step("assign-policy:p1", None, StepKind::AssignPolicy);
        assign1.user_impact = vec!["Intune devices get it.".into()];
        let mut verify = step("verify:before-coexistence", None, StepKind::Verify);
        verify.manual = true;
        verify.depends_on = (0..45).map(|i| format!("create-policy:p{i}")).collect();
        let mut coexistence = step("enable-coexistence", None, StepKind::EnableCoexistence);
        coexistence.reversible = false;
        coexistence.user_impact = vec!["Licensed users move now.".into()];
        let mut licence = step("assign-license:wave-1", Some(1), StepKind::AssignLicense);
        licence.user_impact = vec!["2 users move.".into()];
        let mut verify_wave = step("verify:wave-1", Some(1), StepKind::Verify);
        verify_wave.target.wave = Some(1);
        verify_wave.checks = gates.iter().map(|g| format!("{g} (measured)")).collect();
        verify_wave.checks.push("Also this.".into());
        let steps = [
            create,
            assign0,
            assign1,
            verify,
            coexistence,
            licence,
            verify_wave,
        ];
        let r = build(&steps, &[wave], &Signals::default());
        let titles: Vec<&str> = r.phases.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["Tenant-wide", "Wave 1 · Pilot"]);
        assert_eq!(r.irreversible, 1);
        let tenant = &r.phases[0];
        assert_eq!(tenant.steps[0].checks, ["P0 exists."]);
        assert_eq!(tenant.steps[0].target, None, "the title names the target");
        assert_eq!(
            tenant.user_impact,
            ["Intune devices get it."],
            "shared lines go to the phase"
        );
        assert!(tenant.steps[1].user_impact.is_empty());
        assert_eq!(tenant.steps[4].user_impact, ["Licensed users move now."]);
        let verify = &tenant.steps[3];
        assert_eq!(verify.depends_on.len(), DEPENDS_SHOWN);
        assert_eq!(verify.depends_more, 40);
        assert!(verify.manual);
        let wave = &r.phases[1];
        assert_eq!(wave.user_impact, ["2 users move."], "the wave's own words");
        assert!(
            wave.steps[0].user_impact.is_empty(),
            "said by the phase already"
        );
        assert_eq!(wave.steps[1].gates.len(), gates.len());
        assert_eq!(
            wave.steps[1].checks,
            ["Also this."],
            "checks that repeat a gate are left out"
        );
        assert!(wave.gates.is_empty(), "the verify step shows them");
    }

    #[test]
    fn gates_follow_the_last_phase_without_a_verify_step() {
        let plan = super::super::sample();
        let wave = plan.staging.waves[0].clone();
        let steps = [
            step("s1", None, StepKind::CreatePolicy),
            step("s3", Some(wave.id), StepKind::AssignLicense),
        ];
        let r = build(&steps, std::slice::from_ref(&wave), &Signals::default());
        assert_eq!(r.phases[1].gates.len(), wave.exit_gates.len());
        assert_eq!(r.phases[1].user_impact, wave.user_impact);
    }
}
