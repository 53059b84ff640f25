//! The reports people read, rendered from the plan document: `report.html` (one self-contained
//! file for managers and change boards), `report.md` (the same content for a pull request or a
//! wiki) and `findings.csv` (for people who live in a spreadsheet).
//!
//! Every renderer is a pure function of `plan.json` **as JSON** ([`serde_json::Value`]), so this
//! crate does not depend on the Rust types of the stages that fill the plan (mapping, assessment,
//! simulation, waves). A section whose key is absent from the plan is left out; a present one is
//! rendered in full, and missing or null inner fields never fail a render. Output is
//! deterministic: the same plan gives the same bytes.
//!
//! ```
//! let plan = serde_json::json!({"formatVersion": 1, "snapshot": {"organization": "Contoso"}});
//! let html = bms2intune_report::render_html(&plan).unwrap();
//! assert!(html.contains("Contoso"));
//! ```

mod charts;
mod csv_out;
mod engine;
mod messages;
mod values;
mod view;

pub use csv_out::{write_table as write_csv_table, FINDINGS_HEADER as FINDINGS_CSV_HEADER};
pub use engine::markdown_escape;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The plan is not a JSON object.
    #[error("plan.json must be a JSON object, found {0}")]
    NotAnObject(&'static str),
    /// A template failed to render (a bug in this crate: templates tolerate partial plans).
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
/// See [`HTML_FILE`].
pub const FINDINGS_CSV_FILE: &str = "findings.csv";
/// One row per user × platform × setting that changes (written by the CLI from the simulation).
pub const IMPACT_CSV_FILE: &str = "impact.csv";
/// One row per user in scope: the wave, or why none (written by the CLI from the staging).
pub const WAVES_CSV_FILE: &str = "waves.csv";

/// `report.html`: one self-contained page (inline CSS and SVG, no script, nothing loaded from
/// anywhere, printable). Every tenant-provided string is HTML-escaped.
pub fn render_html(plan: &serde_json::Value) -> Result<String, ReportError> {
    let view = view::build(check(plan)?);
    engine::render(engine::HTML_TEMPLATE, &view)
}

/// `report.md`: the same sections as the HTML report, for a pull request or a wiki. Tenant
/// strings are Markdown-escaped so that they cannot inject markup into the renderer.
pub fn render_markdown(plan: &serde_json::Value) -> Result<String, ReportError> {
    let view = view::build(check(plan)?);
    engine::render(engine::MARKDOWN_TEMPLATE, &view)
}

/// `findings.csv`: one row per finding and subject (a finding without subjects gets one row),
/// blockers first, columns [`FINDINGS_CSV_HEADER`]. Cells that a spreadsheet would run as a
/// formula are defused with a `'`. A plan without `findings` gives the header row only; a plan
/// that bounds its lists gives the listed subjects only (the CLI writes the full table from the
/// assessment, with the same columns).
pub fn render_findings_csv(plan: &serde_json::Value) -> Result<String, ReportError> {
    csv_out::render(check(plan)?)
}

/// The plan, if it is a JSON object.
fn check(plan: &serde_json::Value) -> Result<&serde_json::Value, ReportError> {
    match plan {
        serde_json::Value::Object(_) => Ok(plan),
        other => Err(ReportError::NotAnObject(values::kind_name(other))),
    }
}
