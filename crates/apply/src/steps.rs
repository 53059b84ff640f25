//! The typed view of `plan.json` that apply needs: the tenant it was planned for and the
//! ordered `steps` (the `bms2intune_waves::Step` type, read back as the planner wrote it), the
//! plan file's hash, which steps a wave's run holds, and the idempotency marker. The rest of
//! the plan document is ignored here, so apply does not depend on the report's types.

use bms2intune_waves::{Step, StepKind};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// The members of `plan.json` apply reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    pub snapshot: SnapshotView,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotView {
    /// The Entra tenant the plan was made for; writes go to this tenant only.
    pub tenant_id: String,
}

impl PlanView {
    /// Reads `plan.json`'s text. The error names the JSON path and what was expected.
    pub fn parse(text: &str) -> Result<Self, String> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de)
            .map_err(|e| format!("plan.json: {}: {}", e.path(), e.inner()))
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The steps a run of `wave` carries out, in plan order: the wave's own steps and the
    /// tenant-wide steps (wave `null`) they depend on, directly or not. Steps of other waves
    /// are never included: those the wave depends on come back in `prerequisites`.
    pub fn run_of_wave(&self, wave: u32) -> WaveRun<'_> {
        let mut wanted: BTreeSet<&str> = BTreeSet::new();
        let mut prerequisites: BTreeSet<&str> = BTreeSet::new();
        let mut stack: Vec<&Step> = self.steps.iter().filter(|s| s.wave == Some(wave)).collect();
        while let Some(step) = stack.pop() {
            if !wanted.insert(step.id.as_str()) {
                continue;
            }
            for dep in &step.depends_on {
                match self.step(dep) {
                    Some(d) if d.wave.is_none() || d.wave == Some(wave) => stack.push(d),
                    Some(d) => {
                        prerequisites.insert(d.id.as_str());
                    }
                    None => {}
                }
            }
        }
        WaveRun {
            steps: self
                .steps
                .iter()
                .filter(|s| wanted.contains(s.id.as_str()))
                .collect(),
            prerequisites: self
                .steps
                .iter()
                .filter(|s| prerequisites.contains(s.id.as_str()))
                .collect(),
        }
    }

    /// Every step of a wave's run that writes to the tenant, for another wave's prerequisite
    /// check: its licences and members (a `verify` step stands for them).
    pub fn wave_writes(&self, wave: u32) -> Vec<&Step> {
        self.steps
            .iter()
            .filter(|s| s.wave == Some(wave) && !s.manual && s.kind != StepKind::Verify)
            .collect()
    }
}

/// The steps of one wave's run.
#[derive(Debug)]
pub struct WaveRun<'p> {
    pub steps: Vec<&'p Step>,
    /// Steps of earlier waves this wave depends on: they must already be done.
    pub prerequisites: Vec<&'p Step>,
}

/// SHA-256 of the plan file's bytes, in hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanHash(pub String);

impl PlanHash {
    pub fn of(bytes: &[u8]) -> Self {
        PlanHash(hex(&Sha256::digest(bytes)))
    }

    /// The first eight hex digits: the plan id in markers.
    pub fn short(&self) -> &str {
        &self.0[..8.min(self.0.len())]
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The idempotency marker added to the description of every object apply creates:
/// `[bms2intune plan:<plan id> step:<hash8 of the step id>]`. Step ids hold spaces and
/// slashes, so the marker carries their hash; the plan id is the journal's (the hash of the
/// first plan it ran), so a plan re-made for a later wave still finds earlier objects.
pub fn marker(plan_id: &str, step_id: &str) -> String {
    let step = hex(&Sha256::digest(step_id.as_bytes()));
    format!("[bms2intune plan:{plan_id} step:{}]", &step[..8])
}
