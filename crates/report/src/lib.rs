//! The reports people read, rendered from the plan document: `report.html` (one self-contained
//! file for managers and change boards) and `report.md` (the same content for a pull request or
//! a wiki); and the CSV table writer the CLI streams `findings.csv`, `waves.csv` and
//! `impact.csv` through.
//!
//! Every renderer is a pure function of the typed plan ([`PlanDocument`], the Rust types
//! `plan.json` is serialized from and read back into), so a change to the document's shape is a
//! compile error here, not a section that silently goes missing. A plan read from a file is
//! `serde_json::from_str::<PlanDocument<'static>>`. Output is deterministic: the same plan gives
//! the same bytes.

mod charts;
mod csv_out;
mod engine;
mod messages;
mod values;
mod view;

pub use csv_out::{write_table as write_csv_table, FINDINGS_HEADER as FINDINGS_CSV_HEADER};
pub use engine::markdown_escape;

use bms2intune_plan::PlanDocument;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A template failed to render (a bug in this crate).
    #[error("cannot render {template}: {source:#}")]
    Template {
        template: &'static str,
        #[source]
        source: minijinja::Error,
    },
    /// Writing the CSV failed.
    #[error("cannot write a CSV table: {0}")]
    Csv(#[from] csv::Error),
}

/// File names of the outputs, as the CLI should write them into the `--out` folder.
pub const HTML_FILE: &str = "report.html";
/// See [`HTML_FILE`].
pub const MARKDOWN_FILE: &str = "report.md";
/// One row per finding and subject (written by the CLI from the assessment).
pub const FINDINGS_CSV_FILE: &str = "findings.csv";
/// One row per user × platform × setting that changes (written by the CLI from the simulation).
pub const IMPACT_CSV_FILE: &str = "impact.csv";
/// One row per user in scope: the wave, or why none (written by the CLI from the staging).
pub const WAVES_CSV_FILE: &str = "waves.csv";

/// `report.html`: one self-contained page (inline CSS and SVG, no script, nothing loaded from
/// anywhere, printable). Every tenant-provided string is HTML-escaped.
pub fn render_html(plan: &PlanDocument<'_>) -> Result<String, ReportError> {
    engine::render(engine::HTML_TEMPLATE, &view::build(plan))
}

/// `report.md`: the same sections as the HTML report, for a pull request or a wiki. Tenant
/// strings are Markdown-escaped so that they cannot inject markup into the renderer.
pub fn render_markdown(plan: &PlanDocument<'_>) -> Result<String, ReportError> {
    engine::render(engine::MARKDOWN_TEMPLATE, &view::build(plan))
}
