//! `findings.csv`: the findings of the plan as one row per finding and subject, for people who
//! filter and sort in a spreadsheet (every subject is listed, not only the first few the HTML
//! shows). The `csv` crate does the RFC 4180 quoting; this module adds the defence against
//! formula injection (a cell starting with `=`, `+`, `-`, `@`, tab or carriage return is
//! prefixed with `'` so a spreadsheet shows it as text instead of running it).

use crate::values as v;
use crate::ReportError;
use serde_json::Value;

/// `finding` numbers the findings (1 = most severe) so the rows of one finding group together.
const HEADER: [&str; 10] = [
    "finding",
    "severity",
    "code",
    "title",
    "count",
    "subject_kind",
    "subject_id",
    "subject_name",
    "detail",
    "remediation",
];

pub fn render(plan: &Value) -> Result<String, ReportError> {
    let mut bytes = Vec::new();
    write(&mut bytes, plan)?;
    Ok(String::from_utf8(bytes).expect("the CSV writer was given only UTF-8 strings"))
}

/// Writes `findings.csv` to `out` row by row: a million subjects need no buffer.
pub fn write<W: std::io::Write>(out: W, plan: &Value) -> Result<(), ReportError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(HEADER)?;
    let findings = plan
        .get("findings")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut ordered: Vec<(usize, &Value)> = findings.iter().enumerate().collect();
    ordered.sort_by_key(|(_, f)| v::severity_rank(&v::text(f, "severity").unwrap_or_default()));
    for (n, (_, f)) in ordered.into_iter().enumerate() {
        let base = [
            (n + 1).to_string(),
            v::text(f, "severity").unwrap_or_default(),
            v::text(f, "code").unwrap_or_default(),
            v::text(f, "title").unwrap_or_default(),
            v::text(f, "count").unwrap_or_default(),
        ];
        let tail = [
            v::text(f, "detail").unwrap_or_default(),
            v::text(f, "remediation").unwrap_or_default(),
        ];
        let subjects = v::list(f, "subjects");
        let rows = subjects.iter().map(|s| {
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
        });
        let none = subjects.is_empty().then(<[String; 3]>::default);
        for subject in rows.chain(none) {
            let record = base
                .iter()
                .chain(subject.iter())
                .chain(tail.iter())
                .map(|c| defuse(c));
            w.write_record(record)?;
        }
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(())
}

/// Writes a CSV table (header, then rows) to `out` with the same quoting and formula defence as
/// `findings.csv`; rows are streamed, so a million-row table needs no buffer.
pub fn write_table<W: std::io::Write>(
    out: W,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), ReportError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(|c| defuse(c)))?;
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(())
}

/// `'` before a cell a spreadsheet would read as a formula (borrowed when nothing to defuse:
/// no allocation per cell).
fn defuse(cell: &str) -> std::borrow::Cow<'_, [u8]> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
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
        assert!(lines[1].starts_with("1,blocker,b,Blocker,2,user,1,A,"));
        assert!(lines[3].starts_with("2,info,i,Info,0,,,,"));
        assert!(out.contains("\r\n"));
    }

    #[test]
    fn quotes_and_defuses() {
        let out = csv(
            json!({"findings": [{"severity": "warning", "title": "=HYPERLINK(\"x\")",
            "subjects": [{"name": "Doe, \"Jo\"\nline2"}, {"name": "@SUM(A1)"}, {"name": "-1+1"}]}]}),
        );
        assert!(out.contains("\"'=HYPERLINK(\"\"x\"\")\""));
        assert!(out.contains("\"Doe, \"\"Jo\"\"\nline2\""));
        assert!(out.contains(",'@SUM(A1),"));
        assert!(out.contains(",'-1+1,"));
    }

    #[test]
    fn no_findings_header_only() {
        assert_eq!(csv(json!({})), format!("{}\r\n", HEADER.join(",")));
    }
}
