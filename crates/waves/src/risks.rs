//! The assessment's findings, limited to each wave: for every finding code, how many of its
//! subjects are users of the wave or BMS-managed devices of those users. This module owns that
//! projection and nothing else. Codes about the whole tenant (SKUs, policies, groups) never
//! match a wave and stay in the tenant-wide findings; `license-shortfall` is left out because
//! the waves already respect the seats (see `licenseCapacity`), and `not-assessed` has no
//! subjects.

use crate::types::WaveRisk;
use bms2intune_analysis::{Assessment, Code, SubjectKind};
use bms2intune_model::Directory;

/// Per wave (index `id − 1`), the wave's share of each finding, most severe first.
///
/// `wave_of_user[u]` is the wave id of user `u` (0 when in no wave).
pub fn per_wave(
    dir: &Directory,
    assessment: &Assessment,
    wave_of_user: &[u32],
    waves: usize,
) -> Vec<Vec<WaveRisk>> {
    let mut out: Vec<Vec<WaveRisk>> = vec![Vec::new(); waves];
    let wave_of = |u: usize| wave_of_user.get(u).copied().unwrap_or(0) as usize;
    for f in &assessment.findings {
        if matches!(f.code, Code::LicenseShortfall | Code::NotAssessed) {
            continue;
        }
        let mut users = vec![0u64; waves + 1];
        let mut devices = vec![0u64; waves + 1];
        for s in &f.subjects {
            // Users and devices carry their directory index: no ID lookups.
            let Some(ix) = s.ix.map(|i| i as usize) else {
                continue;
            };
            match s.kind {
                SubjectKind::User => users[wave_of(ix)] += 1,
                SubjectKind::Device => {
                    if let Some(u) = dir.managed_devices().get(ix).and_then(|d| d.user) {
                        devices[wave_of(u.ix())] += 1;
                    }
                }
                _ => {}
            }
        }
        for w in 1..=waves {
            let count = users[w] + devices[w];
            if count > 0 {
                out[w - 1].push(WaveRisk {
                    code: f.code,
                    severity: f.severity,
                    title: f.title.clone(),
                    count,
                    users: users[w],
                    devices: devices[w],
                });
            }
        }
    }
    // Findings come sorted by severity and code already; keep that order.
    out
}

/// The wave's count for a code (users + devices), 0 when absent.
pub fn count(risks: &[WaveRisk], code: Code) -> u64 {
    risks.iter().find(|r| r.code == code).map_or(0, |r| r.count)
}
