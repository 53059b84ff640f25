//! Renders the two reports of a `plan.json` into a folder, for looking at a report without
//! running a whole plan: `cargo run -p bms2intune-report --example render -- PLAN.json OUT_DIR`.
//! The plan is read into the typed document, so a plan of another shape fails with the line and
//! column of the first field that does not fit.

use bms2intune_plan::PlanDocument;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let (Some(plan), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: render PLAN.json OUT_DIR");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&plan)?;
    let plan: PlanDocument<'static> = serde_json::from_str(&text)?;
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;
    std::fs::write(
        out.join(bms2intune_report::HTML_FILE),
        bms2intune_report::render_html(&plan)?,
    )?;
    std::fs::write(
        out.join(bms2intune_report::MARKDOWN_FILE),
        bms2intune_report::render_markdown(&plan)?,
    )?;
    println!("wrote {}", out.display());
    Ok(())
}
