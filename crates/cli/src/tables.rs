//! The full per-user tables of a plan, written from the stages' typed results: `findings.csv`
//! (every subject of every finding), `waves.csv` (every user in scope: their wave, or why none),
//! `impact.csv` (every setting that changes for a user) and `baseline.csv` (every device the
//! recommended baseline would make noncompliant). `plan.json` and the reports keep
//! only the first entries of these lists (`--list-limit`); these files keep them all, so a
//! million-user tenant gets complete tables without a million-entry JSON document.
//!
//! Rows borrow their cells from the stages' data and are streamed into the file: writing a
//! table allocates per finding or per wave, not per row. Quoting and the formula defence are
//! `bms2intune_report::write_csv_table`'s.

use crate::output::StagedOutput;
use anyhow::{Context, Result};
use bms2intune_analysis::{Finding, SubjectId};
use bms2intune_model::{GuidText, Tenant};
use bms2intune_report as report;
use bms2intune_simulation::baseline::BaselineImpact;
use bms2intune_simulation::Simulation;
use bms2intune_waves::Staging;

/// `findings.csv` with the columns of [`report::FINDINGS_CSV_HEADER`]: one row per finding and
/// subject (a finding without subjects gets one row), most severe first.
pub fn write_findings_csv(staged: &StagedOutput, findings: &[Finding]) -> Result<()> {
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by_key(|f| f.severity);
    let numbers: Vec<[String; 2]> = (1..)
        .zip(&ordered)
        .map(|(n, f)| [n.to_string(), f.count.to_string()])
        .collect();
    let rows = ordered
        .iter()
        .copied()
        .zip(&numbers)
        .flat_map(|(f, [number, count])| {
            let row = |kind, id, name| -> [Cell; 7] {
                [
                    number.as_str().into(),
                    f.severity.as_str().into(),
                    f.code.as_str().into(),
                    count.as_str().into(),
                    kind,
                    id,
                    name,
                ]
            };
            let none = f
                .subjects
                .is_empty()
                .then(|| row("".into(), "".into(), "".into()));
            let subjects = f.subjects.iter().map(move |s| {
                let id = match &s.id {
                    SubjectId::Guid(g) => Cell::Guid(g.text()),
                    SubjectId::Text(t) => t.as_ref().into(),
                };
                row(s.kind.as_str().into(), id, s.name.as_ref().into())
            });
            none.into_iter().chain(subjects)
        });
    write(
        staged,
        report::FINDINGS_CSV_FILE,
        &report::FINDINGS_CSV_HEADER,
        rows,
    )
}

/// `waves.csv`: one row per user in scope, wave by wave in the planner's order, then the users
/// in no wave (empty `wave`, with `unplaced_reason`).
pub fn write_waves_csv(staged: &StagedOutput, staging: &Staging) -> Result<()> {
    const HEADER: [&str; 8] = [
        "wave",
        "wave_name",
        "user_id",
        "user_principal_name",
        "license",
        "sku",
        "bms_policy",
        "unplaced_reason",
    ];
    let wave_ids: Vec<String> = staging.waves.iter().map(|w| w.id.to_string()).collect();
    let placed = staging.waves.iter().zip(&wave_ids).flat_map(|(w, id)| {
        w.members.iter().map(move |m| {
            [
                id.as_str().into(),
                w.name.as_str().into(),
                Cell::Guid(m.id.text()),
                m.user_principal_name.as_ref().into(),
                m.license.as_str().into(),
                m.sku.as_deref().unwrap_or_default().into(),
                m.bms_policy.as_deref().unwrap_or_default().into(),
                "".into(),
            ]
        })
    });
    let unplaced = staging.unplaced_users.iter().map(|u| -> [Cell; 8] {
        [
            "".into(),
            "".into(),
            Cell::Guid(u.id.text()),
            u.user_principal_name.as_ref().into(),
            u.license.as_str().into(),
            "".into(),
            u.bms_policy.as_deref().unwrap_or_default().into(),
            u.reason.as_str().into(),
        ]
    });
    write(
        staged,
        report::WAVES_CSV_FILE,
        &HEADER,
        placed.map(|row: [Cell; 8]| row).chain(unplaced),
    )
}

/// A cell: borrowed from the stages' data, a GUID formatted on the stack, or text computed
/// for the row.
enum Cell<'a> {
    Str(&'a str),
    Guid(GuidText),
    Owned(String),
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Self {
        Cell::Str(s)
    }
}

impl From<String> for Cell<'_> {
    fn from(s: String) -> Self {
        Cell::Owned(s)
    }
}

impl AsRef<str> for Cell<'_> {
    fn as_ref(&self) -> &str {
        match self {
            Cell::Str(s) => s,
            Cell::Guid(g) => g.as_str(),
            Cell::Owned(s) => s,
        }
    }
}

/// `impact.csv`: one row per user × platform × BMS policy × setting that changes (see the
/// README), with the BMS policy the `before` value comes from and the user's wave (`unplaced`
/// for users waiting for a seat: what happens once they are licensed).
pub fn write_impact_csv(
    staged: &StagedOutput,
    tenant: &Tenant,
    simulation: &Simulation,
    staging: &Staging,
) -> Result<()> {
    const HEADER: [&str; 11] = [
        "user_principal_name",
        "user_id",
        "platform",
        "setting",
        "outcome",
        "before",
        "after",
        "applied_by",
        "rule",
        "bms_policy",
        "wave",
    ];
    fn show(v: &Option<serde_json::Value>) -> Cell<'_> {
        match v {
            None => "".into(),
            Some(serde_json::Value::String(s)) => s.as_str().into(),
            Some(other) => other.to_string().into(),
        }
    }
    let users = &tenant.directory.users();
    let policies = &tenant.bms.policies;
    // Each user's wave ID, by user index (an index, not a map: a million users).
    let wave_ids: Vec<String> = staging.waves.iter().map(|w| w.id.to_string()).collect();
    let mut wave_of = vec![u32::MAX; users.len()];
    for (w, wave) in staging.waves.iter().enumerate() {
        for m in &wave.members {
            if let Some(u) = tenant.directory.user(m.id) {
                wave_of[u.ix()] = w as u32;
            }
        }
    }
    let rows = simulation.changed_rows(tenant).map(|row| -> [Cell; 11] {
        let user = &users[row.user.ix()];
        let wave: Cell = if row.unplaced {
            "unplaced".into()
        } else {
            wave_ids
                .get(wave_of[row.user.ix()] as usize)
                .map_or("", String::as_str)
                .into()
        };
        [
            user.user_principal_name.as_ref().into(),
            Cell::Guid(user.id.text()),
            row.platform.as_str().into(),
            row.outcome.setting.as_str().into(),
            row.outcome.outcome.as_str().into(),
            show(&row.outcome.before),
            show(&row.outcome.after),
            row.winner
                .map(|o| o.display_name.as_str())
                .unwrap_or_default()
                .into(),
            row.outcome
                .rule
                .map(|r| r.explain())
                .unwrap_or_default()
                .into(),
            row.bms_policy
                .and_then(|p| policies.get(p))
                .map_or("", |p| p.name.as_str())
                .into(),
            wave,
        ]
    });
    write(staged, report::IMPACT_CSV_FILE, &HEADER, rows)
}

/// Streams `rows` under `header` into the staged file `name`.
/// `baseline.csv`: one row per device the recommended baseline would make noncompliant and
/// reason (`plan.json` → `baseline.impact.devices` keeps only the first `listLimit` devices).
pub fn write_baseline_csv(staged: &StagedOutput, impact: &BaselineImpact) -> Result<()> {
    const HEADER: [&str; 8] = [
        "device_id",
        "device_name",
        "user_principal_name",
        "operating_system",
        "os_version",
        "baseline_object",
        "setting",
        "detail",
    ];
    let rows = impact.devices.iter().flat_map(|d| {
        d.reasons.iter().map(move |r| -> [Cell; 8] {
            [
                Cell::Guid(d.id.text()),
                d.device_name.as_ref().into(),
                d.user_principal_name.as_deref().unwrap_or_default().into(),
                d.operating_system.as_ref().into(),
                d.os_version.as_ref().into(),
                r.object.as_ref().into(),
                r.property.as_str().into(),
                r.detail.as_str().into(),
            ]
        })
    });
    write(staged, BASELINE_CSV_FILE, &HEADER, rows)
}

/// File name of the baseline's device table.
pub const BASELINE_CSV_FILE: &str = "baseline.csv";

fn write<R, C>(
    staged: &StagedOutput,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = R>,
) -> Result<()>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut file = staged.create(name)?;
    report::write_csv_table(&mut file, header, rows).with_context(|| format!("writing {name}"))?;
    std::io::Write::flush(&mut file).with_context(|| format!("cannot write {name}"))?;
    Ok(())
}
