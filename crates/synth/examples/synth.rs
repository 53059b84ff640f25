//! Writes a synthetic snapshot without the CLI (for `bench/run.sh` and quick experiments):
//!
//! `cargo run --release -p bms2intune-synth --example synth -- --users 100000 --seed 1 --out DIR`
//!
//! Options as `bms2intune synth`: `--users N [--devices-per-user X] [--groups G]
//! [--policies P] [--seed S] --out DIR`.

use bms2intune_synth::{synthesize, SynthOptions};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut options = SynthOptions::with_users(1000);
    let mut groups = None;
    let mut out = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let bad = |e: &dyn std::fmt::Display| format!("{flag}: {e}");
        match flag.as_str() {
            "--users" => options.users = value()?.parse().map_err(|e| bad(&e))?,
            "--devices-per-user" => {
                options.devices_per_user = value()?.parse().map_err(|e| bad(&e))?
            }
            "--groups" => groups = Some(value()?.parse().map_err(|e| bad(&e))?),
            "--policies" => options.policies = value()?.parse().map_err(|e| bad(&e))?,
            "--seed" => options.seed = value()?.parse().map_err(|e| bad(&e))?,
            "--out" => out = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown option {other}")),
        }
    }
    options.groups = groups.unwrap_or(SynthOptions::default_groups(options.users));
    let out = out.ok_or("--out DIR is required")?;
    let started = std::time::Instant::now();
    let summary = synthesize(&options, &out).map_err(|e| e.to_string())?;
    eprintln!(
        "{summary} in {:.1} s -> {}",
        started.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}
