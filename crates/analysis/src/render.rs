//! The terminal view of an [`Assessment`]: an aligned text table (severity, code, count,
//! title), one row per finding, and a total line. This module owns only presentation; the
//! findings' full detail and subjects stay in `plan.json`.

use crate::findings::{Assessment, Code};

/// Renders the findings as an aligned table with a total line, ending in a newline.
pub fn render_table(assessment: &Assessment) -> String {
    let rows: Vec<[String; 4]> = assessment
        .findings
        .iter()
        .map(|f| {
            let count = if f.code == Code::NotAssessed {
                "-".to_string()
            } else {
                f.count.to_string()
            };
            [
                f.severity.to_string(),
                f.code.to_string(),
                count,
                f.title.clone(),
            ]
        })
        .collect();
    let header = ["SEVERITY", "CODE", "COUNT", "TITLE"].map(String::from);
    let mut widths = [0usize; 3];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:>w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let s = &assessment.summary;
    let total = assessment.findings.len();
    out.push_str(&format!(
        "{total} finding{}: {} blocker{}, {} warning{}, {} info (as of {})\n",
        if total == 1 { "" } else { "s" },
        s.blockers,
        if s.blockers == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.info,
        assessment.as_of
    ));
    out
}
