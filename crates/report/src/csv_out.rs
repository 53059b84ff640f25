//! The CSV tables of a plan: `findings.csv` (one row per finding and subject, for people who
//! filter and sort in a spreadsheet: every subject is listed, not only the first few the HTML
//! shows) and the generic table writer the CLI uses for `waves.csv` and `impact.csv`. The `csv`
//! crate does the RFC 4180 quoting; this module adds the defence against formula injection (a
//! cell starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so a
//! spreadsheet shows it as text instead of running it).
//!
//! `findings.csv` has no title, detail or remediation column: repeated on each of a million
//! subject rows they would make the file gigabytes; they are in the reports and in
//! `plan.json`, under the finding's code.

use crate::values as v;
use crate::ReportError;
use serde_json::Value;

/// The columns of `findings.csv`. `finding` numbers the findings (1 = most severe) so the rows
/// of one finding group together; `count` is the finding's count (usually its subjects).
pub const FINDINGS_HEADER: [&str; 7] = [
    "finding",
    "severity",
    "code",
    "count",
    "subject_kind",
    "subject_id",
    "subject_name",
];

pub fn render(plan: &Value) -> Result<String, ReportError> {
    let mut bytes = Vec::new();
    write(&mut bytes, plan)?;
    Ok(String::from_utf8(bytes).expect("the CSV writer was given only UTF-8 strings"))
}

/// Writes `findings.csv` from a plan's JSON to `out`, row by row. When the plan bounds its
/// lists (`listLimit`), only the listed subjects are written: the CLI writes the full table
/// from the assessment instead, with the same columns.
fn write<W: std::io::Write>(out: W, plan: &Value) -> Result<(), ReportError> {
    let findings = plan
        .get("findings")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut ordered: Vec<&Value> = findings.iter().collect();
    ordered.sort_by_key(|f| v::severity_rank(&v::text(f, "severity").unwrap_or_default()));
    let rows = ordered.into_iter().enumerate().flat_map(|(n, f)| {
        let base = [
            (n + 1).to_string(),
            v::text(f, "severity").unwrap_or_default(),
            v::text(f, "code").unwrap_or_default(),
            v::text(f, "count").unwrap_or_default(),
        ];
        let subjects = v::list(f, "subjects");
        let cells: Vec<[String; 3]> = if subjects.is_empty() {
            vec![Default::default()]
        } else {
            subjects
                .iter()
                .map(|s| {
                    if s.is_object() {
                        [
                            v::text(s, "kind").unwrap_or_default(),
                            v::text(s, "id").unwrap_or_default(),
                            v::text_any(s, &["name", "displayName", "userPrincipalName"])
                                .unwrap_or_default(),
                        ]
                    } else {
                        [String::new(), String::new(), v::display(s)]
                    }
                })
                .collect()
        };
        cells.into_iter().map(move |subject| {
            let mut row = base.to_vec();
            row.extend(subject);
            row
        })
    });
    write_table(out, &FINDINGS_HEADER, rows)
}

/// Writes a CSV table (header, then rows) to `out` with the same quoting and formula defence as
/// `findings.csv`; rows are streamed, so a million-row table needs no buffer, and a row may
/// borrow its cells (`[&str; N]`) so that writing it allocates nothing.
pub fn write_table<W, R, C>(
    out: W,
    header: &[&str],
    rows: impl Iterator<Item = R>,
) -> Result<(), ReportError>
where
    W: std::io::Write,
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header)?;
    for row in rows {
        for cell in row {
            w.write_field(defuse(cell.as_ref()))?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(())
}

/// `'` before a cell a spreadsheet would read as a formula (borrowed when nothing to defuse:
/// no allocation per cell).
fn defuse(cell: &str) -> std::borrow::Cow<'_, [u8]> {
    if matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) {
        format!("'{cell}").into_bytes().into()
    } else {
        cell.as_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn csv(plan: Value) -> String {
        render(&plan).unwrap()
    }

    #[test]
    fn one_row_per_subject_blockers_first() {
        let out = csv(json!({"findings": [
            {"severity": "info", "code": "i", "title": "Info", "count": 0},
            {"severity": "blocker", "code": "b", "title": "Blocker", "count": 2,
             "subjects": [{"kind": "user", "id": "1", "name": "A"}, {"kind": "user", "id": "2", "name": "B"}]},
        ]}));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1], "1,blocker,b,2,user,1,A");
        assert_eq!(lines[3], "2,info,i,0,,,");
        assert!(out.contains("\r\n"));
    }

    #[test]
    fn quotes_and_defuses() {
        let out = csv(
            json!({"findings": [{"severity": "warning", "code": "=HYPERLINK(\"x\")",
            "subjects": [{"name": "Doe, \"Jo\"\nline2"}, {"name": "@SUM(A1)"}, {"name": "-1+1"}]}]}),
        );
        assert!(out.contains("\"'=HYPERLINK(\"\"x\"\")\""));
        assert!(out.contains("\"Doe, \"\"Jo\"\"\nline2\""));
        assert!(out.contains(",'@SUM(A1)\r\n"));
        assert!(out.contains(",'-1+1\r\n"));
    }

    #[test]
    fn no_findings_header_only() {
        assert_eq!(csv(json!({})), format!("{}\r\n", FINDINGS_HEADER.join(",")));
    }
}
