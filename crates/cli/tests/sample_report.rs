//! Pins the sample tenant's `report.md` (and the plan's shape through it): a change to what the
//! review copy of the report says shows up as a reviewable snapshot diff.

use std::path::Path;
use std::process::Command;

#[test]
fn sample_report_markdown_is_pinned() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_bms2intune"))
        .args([
            "plan",
            "--snapshot",
            sample.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .expect("run bms2intune");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let markdown = std::fs::read_to_string(out.join("report.md")).unwrap();
    insta::assert_snapshot!("contoso_report_md", markdown);
}
