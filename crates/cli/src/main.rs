//! The `bms2intune` command line: the imperative shell around the pure pipeline
//! (snapshot → model → mapping → analysis → plan → outputs).
//!
//! This file parses arguments, reads the snapshot, calls the pure stages and writes their
//! results; nothing here decides what a BMS setting becomes or who is affected.
//!
//! Exit codes: 0 success; 1 the output could not be written or another runtime failure;
//! 2 bad input (snapshot files, options) or bad usage.

mod output;

use anyhow::{Context, Result};
use bms2intune_snapshot::{read_snapshot, InputError};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Move device management from Microsoft 365 Basic Mobility and Security (BMS) to Microsoft
/// Intune without surprises on anyone's phone.
///
/// bms2intune reads a tenant snapshot (your BMS policies exported with Security & Compliance
/// PowerShell, plus optional Microsoft Graph data about users, licences, groups, devices and
/// existing Intune policies), and plans the move: which Intune policies replace each BMS
/// policy, what is at risk, who is affected, and in which order to switch people over.
/// Nothing is changed in your tenant by these commands.
#[derive(Parser)]
#[command(name = "bms2intune", version, propagate_version = true, max_term_width = 100)]
struct Cli {
    /// Print progress details to standard error.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with a tenant snapshot folder.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Plan the move: read the snapshot and write plan.json (and, as they land, the Intune
    /// policy bodies and reports) to a new output folder.
    ///
    /// The output folder is written all at once: if anything fails, nothing is left behind.
    /// Re-running replaces an earlier plan in the same folder.
    Plan(PlanArgs),
}

#[derive(Subcommand)]
enum SnapshotCommand {
    /// Check that a snapshot can be read and print what it contains: BMS policies and rules,
    /// users, groups, devices by platform and management agent, existing Intune policies.
    ///
    /// Exits with 2 and names the file and JSON path when something is malformed.
    Check(CheckArgs),
}

#[derive(Args)]
struct SnapshotArg {
    /// The snapshot folder (it holds bms/ and optionally graph/; see docs/snapshot.md).
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    snapshot: SnapshotArg,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct PlanArgs {
    #[command(flatten)]
    snapshot: SnapshotArg,
    /// The folder to write the plan to. It must be new, empty, or an earlier plan.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = if cli.verbose { "debug" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BMS2INTUNE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if let Some(input) = err.downcast_ref::<InputError>() {
                eprintln!("error: {input}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {err:#}");
                ExitCode::from(1)
            }
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Snapshot(SnapshotCommand::Check(args)) => snapshot_check(args),
        Command::Plan(args) => plan(args),
    }
}

fn snapshot_check(args: CheckArgs) -> Result<()> {
    let tenant = read_snapshot(&args.snapshot.snapshot)?;
    let summary = bms2intune_snapshot::summary::summarize(&tenant);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", summary.to_text());
        println!("Snapshot OK: {}", args.snapshot.snapshot.display());
    }
    Ok(())
}

fn plan(args: PlanArgs) -> Result<()> {
    let tenant = read_snapshot(&args.snapshot.snapshot)?;
    tracing::debug!(policies = tenant.bms.policies.len(), "snapshot read");
    let plan = bms2intune_plan::build_plan(&tenant, VERSION);
    let staged = output::StagedOutput::begin(&args.out)?;
    staged.write_json(output::MARKER_FILE, &plan)?;
    let out = staged.commit().context("writing the plan")?;
    eprintln!(
        "Planned {} BMS polic{} ({} to migrate). Output: {}",
        plan.snapshot.bms.policies,
        if plan.snapshot.bms.policies == 1 { "y" } else { "ies" },
        plan.snapshot.bms.mappable_policies,
        out.display()
    );
    Ok(())
}
