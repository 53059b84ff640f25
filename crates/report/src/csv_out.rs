//! The CSV table writer the CLI uses for `findings.csv`, `waves.csv` and `impact.csv` (it
//! streams their rows from the stages' typed results), and `findings.csv`'s columns. The `csv`
//! crate does the RFC 4180 quoting; this module adds the defence against formula injection (a
//! cell starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so a
//! spreadsheet shows it as text instead of running it).
//!
//! `findings.csv` has no title, detail or remediation column: repeated on each of a million
//! subject rows they would make the file gigabytes; they are in the reports and in
//! `plan.json`, under the finding's code.

use crate::ReportError;

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

/// Writes a CSV table (header, then rows) to `out` with RFC 4180 quoting and the formula defence; rows are streamed, so a million-row table needs no buffer, and a row may
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

    fn csv<const N: usize>(rows: &[[&str; N]]) -> String {
        let mut out = Vec::new();
        write_table(&mut out, &FINDINGS_HEADER[..N], rows.iter().copied()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_then_rows_crlf() {
        let out = csv(&[["1", "blocker", "b"], ["2", "info", ""]]);
        assert_eq!(out, "finding,severity,code\r\n1,blocker,b\r\n2,info,\r\n");
    }

    #[test]
    fn quotes_and_defuses() {
        let out = csv(&[
            ["=HYPERLINK(\"x\")", "Doe, \"Jo\"\nline2"],
            ["@SUM(A1)", "-1+1"],
            ["+1", "plain"],
        ]);
        assert!(out.contains("\"'=HYPERLINK(\"\"x\"\")\""));
        assert!(out.contains("\"Doe, \"\"Jo\"\"\nline2\""));
        assert!(out.contains("'@SUM(A1),'-1+1\r\n"));
        assert!(out.contains("'+1,plain\r\n"));
    }
}
