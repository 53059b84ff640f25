//! The `bms2intune` command line: the imperative shell around the pure pipeline
//! (snapshot → model → mapping → analysis → plan → outputs).
//!
//! This file parses arguments, reads the snapshot, calls the pure stages and writes their
//! results; nothing here decides what a BMS setting becomes or who is affected.
//!
//! Exit codes: 0 success; 1 the output could not be written or another runtime failure;
//! 2 bad input (snapshot files, config, options) or bad usage; 3 findings at or above the
//! `--fail-on` severity (the output is still written); 4 a measurable exit gate of a wave
//! failed (`status`; the report is still printed); 5 `apply` waits for a manual step.

mod apply;
mod collect;
mod errors;
mod import;
mod output;
#[cfg(test)]
mod reach_tests;
mod status;
mod tables;

use anyhow::{Context, Result};
use bms2intune_analysis::{AssessConfig, Assessment, BitSet, BmsTargets, Licensing, Membership};
use bms2intune_mapping::MappingOptions;
use bms2intune_plan::StageResults;
use bms2intune_simulation::SimulationInput;
use bms2intune_snapshot::{read_snapshot, InputError};
use bms2intune_waves::{plan_waves, WaveOptions, WavesFile};
use clap::{Args, Parser, Subcommand};
use errors::{BadInput, GateFailed, WaitingForManualStep};
use output::OutputKind;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::filter::LevelFilter;

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
#[command(
    name = "bms2intune",
    version,
    propagate_version = true,
    max_term_width = 100
)]
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
    /// Assess readiness (Microsoft's "Prepare" step): licence shortfall, already-licensed
    /// users, unsupported OS versions, Android device administrator, unneeded policies, …
    ///
    /// Prints one line per finding; `--json` prints every finding with its evidence (the
    /// users, groups, devices or policies concerned) and remedy.
    Assess(AssessArgs),
    /// Write a synthetic tenant snapshot (deterministic for a seed) for trying the tool and for
    /// benchmarks: nested groups, mixed licences, every platform and OS version, overlapping
    /// BMS policies and existing Intune policies, in the layout of docs/snapshot.md.
    Synth(SynthArgs),
    /// Plan the move: read the snapshot, map every BMS policy to Intune, assess readiness,
    /// and write plan.json, the Graph request bodies (graph/), report.html, report.md and
    /// findings.csv to a new output folder.
    ///
    /// The output folder is written all at once: if anything fails, nothing is left behind.
    /// Re-running replaces an earlier plan in the same folder.
    Plan(PlanArgs),
    /// Read a tenant through Microsoft Graph into a snapshot folder (docs/snapshot.md), with
    /// your own app registration: users, licences, groups and their members, Entra and
    /// managed devices, existing Intune and Conditional Access policies. The BMS part is
    /// copied from an export made with scripts/Export-BmsPolicies.ps1 (`--bms`).
    ///
    /// Checks the app's permissions first and names every missing one (exit 2). Reads are
    /// paced at Microsoft's documented limits. The folder appears all at once or not at all.
    Collect(collect::CollectArgs),
    /// Carry out one wave of a plan in the tenant through Microsoft Graph. A dry run by
    /// default: reads the tenant and prints what it would create, add, assign and license
    /// (`+ create`, `~ assign`, `= already done`, `! manual`); `--execute` makes the changes.
    ///
    /// The run includes the tenant-wide steps the wave depends on (groups, policies and their
    /// assignments) that are not done yet, never another wave's licences. It refuses a plan
    /// for another tenant, a plan changed since the wave started, and any drift since the
    /// snapshot (exit 2, nothing written). Coexistence is never turned on silently: the run
    /// prints the manual step and stops before licences until Graph shows it done (exit 5).
    /// Every write is journaled in apply-journal.sqlite beside plan.json: after a crash the
    /// same command resumes; a second run changes nothing.
    Apply(apply::WaveArgs),
    /// Undo, newest first, what `apply` did for a wave (from the journal): licences removed,
    /// members removed, assignments restored, created objects deleted. Refuses anything the
    /// tool did not create. A dry run by default; `--execute` makes the changes.
    Rollback(apply::WaveArgs),
    /// Show how the applied waves are doing, read through Microsoft Graph: per wave the users
    /// and devices switched to Intune, the compliance states of the switched devices, and
    /// whether the wave's exit gates in plan.json pass; plus each created policy's delivery
    /// (its deviceStatusOverview). Read-only.
    ///
    /// Only measured gates pass or fail; the others say `manual` (a person checks) or
    /// `unmeasured` (with the reason). Exit 4 when a measurable gate fails.
    Status(status::StatusArgs),
}

#[derive(Subcommand)]
enum SnapshotCommand {
    /// Check that a snapshot can be read and print what it contains: BMS policies and rules,
    /// users, groups, devices by platform and management agent, existing Intune policies.
    ///
    /// Exits with 2 and names the file and JSON path when something is malformed.
    Check(CheckArgs),
    /// Turn a folder of per-policy backup files (IntuneManagement, IntuneCD, or one Graph
    /// object per JSON file) into the snapshot's graph/deviceCompliancePolicies.json,
    /// deviceConfigurations.json, configurationPolicies.json and conditionalAccessPolicies.json.
    ///
    /// Prints a note for every file it could not use. Never replaces a file it did not write
    /// (exit 2 instead); the files appear together or not at all.
    ImportBackup(ImportBackupArgs),
}

#[derive(Args)]
struct ImportBackupArgs {
    /// The backup folder.
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    /// The layout of the backup folder.
    #[arg(long, value_enum)]
    format: ImportFormat,
    /// The snapshot folder to write graph/ files into (created if missing).
    #[arg(long, value_name = "SNAPSHOT")]
    into: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportFormat {
    /// IntuneManagement (Micke-K): CompliancePolicies/, DeviceConfiguration/, SettingsCatalog/, ConditionalAccess/.
    Intunemanagement,
    /// IntuneCD JSON backups: "Compliance Policies/Policies", "Device Configurations", "Settings Catalog", "Conditional Access".
    Intunecd,
    /// Any folder tree of files that each hold one Graph object.
    JsonPerObject,
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
struct SynthArgs {
    /// Number of users.
    #[arg(long, value_name = "N")]
    users: u32,
    /// Average managed devices per user.
    #[arg(long, value_name = "X", default_value_t = 1.5)]
    devices_per_user: f64,
    /// Number of groups (default: one per 100 users, at least 20).
    #[arg(long, value_name = "G")]
    groups: Option<u32>,
    /// Number of BMS policies.
    #[arg(long, value_name = "P", default_value_t = 8)]
    policies: u32,
    /// Seed of the generator: the same seed writes the same bytes.
    #[arg(long, value_name = "S")]
    seed: u64,
    /// The snapshot folder to write (new, empty, or an earlier snapshot).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct AssessmentOptions {
    /// A config file (TOML or JSON) with OS floors, the assessment date and tenant-specific
    /// SKU lists; see the README's "Readiness findings".
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Exit with code 3 when a finding of this severity or worse is raised (for pipelines).
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    Blocker,
    Warning,
}

#[derive(Args)]
struct AssessArgs {
    #[command(flatten)]
    snapshot: SnapshotArg,
    #[command(flatten)]
    assessment: AssessmentOptions,
    /// Print the findings as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct PlanArgs {
    #[command(flatten)]
    snapshot: SnapshotArg,
    #[command(flatten)]
    assessment: AssessmentOptions,
    /// The folder to write the plan to. It must be new, empty, or an earlier plan.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Which Android enrolment to create policies for: device administrator (what BMS
    /// enrolled; `_O365_A`), Android Enterprise personally-owned work profile (`_O365_AWP`),
    /// or both.
    #[arg(long, value_name = "TARGET", default_value = "both", value_parser = ["device-admin", "work-profile", "both"])]
    android: String,
    /// Hours a device may stay non-compliant before Intune blocks it (the compliance
    /// policies' single `block` action).
    #[arg(long, value_name = "HOURS", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=8760))]
    grace_hours: u32,
    /// Exclude the groups of higher-priority BMS policies from each policy's Intune objects,
    /// so every user keeps only the first matching policy, as under BMS. Pass `false` to let
    /// Intune merge overlapping policies.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    preserve_priority: bool,
    /// Choose the rollout waves yourself: a TOML file of `[[wave]]` entries naming groups
    /// (`groups = ["BMS - Sales EMEA"]`), a share of the users (`percent = 30`) or the rest
    /// (`rest = true`). Without it, a pilot and growing rings are chosen automatically.
    #[arg(long, value_name = "FILE")]
    waves: Option<PathBuf>,
    /// The most entries plan.json and the reports list per finding, wave and unplaced users
    /// (the first ones, with a count of the rest); 0 lists all. findings.csv and waves.csv
    /// always list everyone.
    #[arg(long, value_name = "N", default_value_t = bms2intune_plan::DEFAULT_LIST_LIMIT)]
    list_limit: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_max_level(log_level(cli.verbose))
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if let Some(input) = err.downcast_ref::<InputError>() {
                eprintln!("error: {input}");
                ExitCode::from(2)
            } else if let Some(bad) = err.downcast_ref::<BadInput>() {
                eprintln!("error: {bad}");
                ExitCode::from(2)
            } else if let Some(waiting) = err.downcast_ref::<WaitingForManualStep>() {
                eprintln!("{waiting}");
                ExitCode::from(5)
            } else if let Some(gate) = err.downcast_ref::<GateFailed>() {
                eprintln!("{gate}");
                ExitCode::from(3)
            } else if let Some(gates) = err.downcast_ref::<errors::WaveGatesFailed>() {
                eprintln!("{gates}");
                ExitCode::from(4)
            } else {
                eprintln!("error: {err:#}");
                ExitCode::from(1)
            }
        }
    }
}

/// The log level: `BMS2INTUNE_LOG` (`off`, `error`, `warn`, `info`, `debug` or `trace`) if
/// set, else `debug` with `--verbose` and `warn` without.
fn log_level(verbose: bool) -> LevelFilter {
    let default = if verbose {
        LevelFilter::DEBUG
    } else {
        LevelFilter::WARN
    };
    match std::env::var("BMS2INTUNE_LOG") {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| {
            eprintln!(
                "warning: BMS2INTUNE_LOG={text:?} is not a log level (off, error, warn, info, debug, trace); using {default}"
            );
            default
        }),
        Err(_) => default,
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Snapshot(SnapshotCommand::Check(args)) => snapshot_check(args),
        Command::Snapshot(SnapshotCommand::ImportBackup(args)) => import_backup(args),
        Command::Assess(args) => assess(args),
        Command::Synth(args) => synth(args),
        Command::Plan(args) => plan(args),
        Command::Collect(args) => collect::collect(args),
        Command::Apply(args) => apply::apply(args),
        Command::Rollback(args) => apply::rollback(args),
        Command::Status(args) => status::status(args),
    }
}

/// Reads the optional assessment config; a bad one is an input error (exit 2).
fn assess_config(options: &AssessmentOptions) -> Result<AssessConfig> {
    let Some(path) = &options.config else {
        return Ok(AssessConfig::default());
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(&shown, "", format!("cannot read: {e}")))?;
    AssessConfig::parse(&text).map_err(|e| InputError::new(&shown, "", e.to_string()).into())
}

/// Turns findings at or above `--fail-on` into exit code 3.
fn gate(options: &AssessmentOptions, assessment: &Assessment) -> Result<()> {
    let summary = &assessment.summary;
    let hit = match options.fail_on {
        None => 0,
        Some(FailOn::Blocker) => summary.blockers,
        Some(FailOn::Warning) => summary.blockers + summary.warnings,
    };
    if hit > 0 {
        return Err(GateFailed(format!(
            "stopping: {hit} finding(s) at or above --fail-on ({} blocker(s), {} warning(s))",
            summary.blockers, summary.warnings
        ))
        .into());
    }
    Ok(())
}

fn synth(args: SynthArgs) -> Result<()> {
    let options = bms2intune_synth::SynthOptions {
        users: args.users,
        devices_per_user: args.devices_per_user,
        groups: args
            .groups
            .unwrap_or_else(|| bms2intune_synth::SynthOptions::default_groups(args.users)),
        policies: args.policies,
        seed: args.seed,
    };
    options.validate().map_err(|e| BadInput(e.to_string()))?;
    let staged = output::StagedOutput::begin(&args.out, OutputKind::Snapshot)?;
    let summary = bms2intune_synth::generate(&options, |path, bytes| staged.write(path, bytes))?;
    let out = staged.commit().context("writing the snapshot")?;
    eprintln!("{summary}\nOutput: {}", out.display());
    Ok(())
}

fn assess(args: AssessArgs) -> Result<()> {
    let config = assess_config(&args.assessment)?;
    let tenant = read_snapshot(&args.snapshot.snapshot)?;
    let assessment = bms2intune_analysis::assess(&tenant, &config);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&assessment)?);
    } else {
        print!("{}", bms2intune_analysis::render_table(&assessment));
    }
    let result = gate(&args.assessment, &assessment);
    leave(assessment);
    leave(tenant);
    result
}

fn import_backup(args: ImportBackupArgs) -> Result<()> {
    use bms2intune_snapshot::backup::BackupFormat;
    let (format, name) = match args.format {
        ImportFormat::Intunemanagement => (BackupFormat::IntuneManagement, "intunemanagement"),
        ImportFormat::Intunecd => (BackupFormat::IntuneCd, "intunecd"),
        ImportFormat::JsonPerObject => (BackupFormat::JsonPerObject, "json-per-object"),
    };
    let summary = import::import_into(&args.from, format, name, &args.into)?;
    println!(
        "Imported {} object(s) into {}:",
        summary.used,
        args.into.display()
    );
    for (file, n) in &summary.written {
        println!("  {file}  {n}");
    }
    for note in &summary.notes {
        println!("note: {note}");
    }
    Ok(())
}

fn snapshot_check(args: CheckArgs) -> Result<()> {
    let tenant = read_snapshot(&args.snapshot.snapshot)?;
    let summary = bms2intune_plan::summary::summarize(&tenant);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", summary.to_text());
        println!("Snapshot OK: {}", args.snapshot.snapshot.display());
    }
    leave(tenant);
    Ok(())
}

fn plan(args: PlanArgs) -> Result<()> {
    // Refuse a folder plan may not replace before reading anything.
    output::check_target(&args.out, OutputKind::Plan)?;
    let config = assess_config(&args.assessment)?;
    let mut clock = StageClock::start();
    let tenant = read_snapshot(&args.snapshot.snapshot)?;
    clock.lap("read the snapshot");
    let mapping_options = MappingOptions {
        android: args
            .android
            .parse()
            .map_err(|e| InputError::new("--android", "", format!("{e}")))?,
        grace_hours: args.grace_hours,
        preserve_priority: args.preserve_priority,
    };
    let mapping = bms2intune_mapping::map_export(&tenant.bms, &mapping_options);
    // The recommended baseline beyond parity, at the config's dated OS floors: written apart
    // (baseline/), its steps optional.
    let baseline =
        bms2intune_mapping::baseline::recommend(&tenant.bms, &config.os_floors, &mapping_options);
    clock.lap("map");
    // Group expansion, BMS targets and licensing are computed once and shared by the
    // assessment, the staging and the simulation.
    let membership = Membership::new(&tenant.directory);
    let targets = BmsTargets::new(&tenant, &membership);
    let licensing = Licensing::new(&tenant.directory, &config);
    clock.lap("expand groups, BMS targets and licences");
    let assessment =
        bms2intune_analysis::assess_with(&tenant, &config, &membership, &targets, &licensing);
    clock.lap("assess");
    let gate_result = gate(&args.assessment, &assessment);
    let mut wave_options = WaveOptions::default();
    if let Some(path) = &args.waves {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| BadInput(format!("{shown}: cannot read: {e}")))?;
        wave_options.waves_file =
            Some(WavesFile::parse(&text, &shown).map_err(|e| BadInput(e.to_string()))?);
    }
    let mut staging = plan_waves(
        &tenant,
        &membership,
        &targets,
        &licensing,
        &mapping,
        &assessment,
        &wave_options,
    )
    .map_err(|e| BadInput(e.to_string()))?;
    bms2intune_waves::closeout::add_baseline(&mut staging, &tenant.directory, &baseline);
    clock.lap("stage waves");
    if let Err(problems) = bms2intune_waves::validate(&staging) {
        anyhow::bail!(
            "internal error: the staged plan breaks its own ordering rules: {}",
            problems.join("; ")
        );
    }
    let unplaced = unplaced_users(&tenant, &staging);
    let simulation = bms2intune_simulation::simulate(&SimulationInput {
        tenant: &tenant,
        membership: &membership,
        targets: &targets,
        mapping: &mapping,
        unplaced: &unplaced,
    });
    let baseline_impact = bms2intune_simulation::baseline::simulate_baseline(
        &bms2intune_simulation::baseline::BaselineInputs {
            tenant: &tenant,
            membership: &membership,
            targets: &targets,
            baseline: &baseline,
            parity_objects: &simulation.objects,
            unplaced: &unplaced,
        },
    );
    clock.lap("simulate");
    // The full per-user tables come from the stages' results, before the plan bounds its lists.
    let staged = output::StagedOutput::begin(&args.out, OutputKind::Plan)?;
    tables::write_findings_csv(&staged, &assessment.findings)?;
    clock.lap("write findings.csv");
    tables::write_waves_csv(&staged, &staging)?;
    clock.lap("write waves.csv");
    tables::write_impact_csv(&staged, &tenant, &simulation, &staging)?;
    tables::write_baseline_csv(&staged, &baseline_impact)?;
    clock.lap("write impact.csv and baseline.csv");
    let list_limit = (args.list_limit > 0).then_some(args.list_limit);
    let plan = bms2intune_plan::build_plan(
        &tenant,
        StageResults {
            mapping_options,
            mapping,
            assessment,
            simulation: &simulation,
            staging,
            baseline,
            baseline_impact,
        },
        list_limit,
        VERSION,
    );
    for recommendation in &plan.recommendations {
        if let (Some(file), Some(body)) = (&recommendation.file, &recommendation.body) {
            staged.write_json(file, body)?;
        }
    }
    for object in &plan.baseline.recommendations.objects {
        staged.write_json(&object.file, &object.body)?;
    }
    staged.write_json("plan.json", &plan)?;
    staged.write(
        bms2intune_report::HTML_FILE,
        bms2intune_report::render_html(&plan)?.as_bytes(),
    )?;
    staged.write(
        bms2intune_report::MARKDOWN_FILE,
        bms2intune_report::render_markdown(&plan)?.as_bytes(),
    )?;
    clock.lap("write plan.json, graph/ and the reports");
    let out = staged.commit().context("writing the plan")?;
    print_impact_summary(&plan);
    let r = &plan.readiness.summary;
    let objects = plan
        .recommendations
        .iter()
        .filter(|r| r.file.is_some())
        .count();
    eprintln!(
        "Planned {} BMS polic{} ({} to migrate) into {objects} Intune object(s). Readiness: {} ({} blocker(s), {} warning(s), {} info).\nOutput: {}",
        plan.snapshot.bms.policies,
        if plan.snapshot.bms.policies == 1 { "y" } else { "ies" },
        plan.snapshot.bms.mappable_policies,
        plan.readiness.verdict,
        r.blockers,
        r.warnings,
        r.info,
        out.display()
    );
    // The process exits next: the OS takes the memory back at once.
    leave(plan);
    leave(simulation);
    leave((membership, targets, licensing));
    leave(tenant);
    gate_result
}

/// The users the waves leave unplaced, as a bitset over the directory's users. The simulation
/// shows them as if licensed and counts them apart, so that nothing they will meet once they
/// get a seat is hidden.
fn unplaced_users(
    tenant: &bms2intune_model::Tenant,
    staging: &bms2intune_waves::Staging,
) -> BitSet {
    let mut set = BitSet::new(tenant.directory.users().len());
    for u in staging
        .unplaced_users
        .iter()
        .filter_map(|u| tenant.directory.user(u.id))
    {
        set.insert(u.ix());
    }
    set
}

/// Skips the destructor of data that lives until the process exits: freeing a million-user
/// tenant allocation by allocation takes about a second, and the OS reclaims the memory anyway.
/// Only for values that own nothing but memory (no files, no locks).
fn leave<T>(value: T) {
    std::mem::forget(value);
}

/// Debug log of how long each stage of a command took (`--verbose`): where the time goes on a
/// large tenant, without a profiler.
struct StageClock(std::time::Instant);

impl StageClock {
    fn start() -> Self {
        StageClock(std::time::Instant::now())
    }

    fn lap(&mut self, stage: &str) {
        let now = std::time::Instant::now();
        tracing::debug!(ms = (now - self.0).as_millis() as u64, "{stage}");
        self.0 = now;
    }
}

/// A few lines on standard error: what changes for people, and the conflicts found.
fn print_impact_summary(plan: &bms2intune_plan::PlanDocument) {
    let i = &plan.impact;
    let c = &i.by_outcome;
    eprintln!(
        "Impact: {} user(s) on {} user-platform(s): {} setting(s) unchanged, {} stricter, {} looser, {} in conflict, {} lost, {} new, {} unknown.",
        i.users, i.user_platforms, c.unchanged, c.stricter, c.looser, c.conflict, c.lost, c.new, c.unknown
    );
    if i.unplaced.users > 0 {
        let u = &i.unplaced.by_outcome;
        eprintln!(
            "  of which {} unplaced user(s), once licensed: {} stricter, {} looser, {} in conflict, {} lost, {} new, {} unknown (impact.csv: wave \"unplaced\").",
            i.unplaced.users, u.stricter, u.looser, u.conflict, u.lost, u.new, u.unknown
        );
    }
    let waves: Vec<String> = plan
        .staging
        .waves
        .iter()
        .map(|w| format!("{} {}", w.name, w.users))
        .collect();
    eprintln!(
        "Waves: {} ({}){}",
        plan.staging.waves.len(),
        waves.join(", "),
        if plan.unplaced_user_count() == 0 {
            String::new()
        } else {
            format!(
                "; {} user(s) wait: {}",
                plan.unplaced_user_count(),
                plan.staging.license_capacity.statement
            )
        }
    );
    if !plan.conflicts.is_empty() {
        eprintln!(
            "Conflicts with Intune objects: {} (see report.html and plan.json \"conflicts\").",
            plan.conflicts.len()
        );
    }
    let unchecked = &plan.impact.conflicts_unchecked;
    if !unchecked.is_empty() {
        eprintln!(
            "Conflicts not checked with {} existing Intune polic{} whose targets are unknown (finding intune-assignments-unknown; plan.json \"impact.conflictsUnchecked\").",
            unchecked.len(),
            if unchecked.len() == 1 { "y" } else { "ies" }
        );
    }
}
