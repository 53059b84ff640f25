//! `bms2intune apply` and `bms2intune rollback`: the imperative shell around the apply crate's
//! state machines. It reads the plan folder (plan.json and its hash, the rosters from
//! waves.csv, the request bodies from graph/, the existing objects' versions), signs in and
//! pins the tenant (the token's and Graph's tenant must be the plan's, else nothing is done),
//! checks the permissions the run needs, opens the journal beside the plan, and carries Graph
//! requests for the machine: pages followed, replication-lag re-reads spaced out, Graph's
//! errors turned back into plain responses. What to do is decided only by the machine.

use crate::collect::{graph_failure, ConnectionArgs};
use crate::errors::{BadInput, WaitingForManualStep};
use anyhow::{Context, Result};
use bms2intune_apply::drive::{drive, Machine, Run, RunEnd};
use bms2intune_apply::render::{render, render_sent, Sign};
use bms2intune_apply::{
    journal, roster, Apply, ApplyInput, ExpectedVersion, Journal, Method, Mode, PlanHash, PlanView,
    Refusal, Request, Response, Rollback,
};
use bms2intune_graph::preflight::{self, GrantSource, PreflightError};
use bms2intune_graph::retry::RetryPolicy;
use bms2intune_graph::{ClientOptions, GraphClient, GraphError};
use bms2intune_waves::StepKind;
use clap::Args;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The flags `apply` and `rollback` share.
#[derive(Args)]
pub struct WaveArgs {
    #[command(flatten)]
    connection: ConnectionArgs,
    /// The plan: `plan.json` in a folder written by `bms2intune plan`, or that folder.
    #[arg(long, value_name = "FILE")]
    plan: PathBuf,
    /// The wave to carry out (its number in plan.json's `waves`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    wave: u32,
    /// Make the changes. Without it, the tenant is read and every change is printed, and
    /// nothing is written.
    #[arg(long)]
    execute: bool,
    /// Attempts per request before giving up on a throttled, failing or dropped request.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
}

/// What the plan folder holds for a run.
struct PlanFolder {
    folder: PathBuf,
    plan: PlanView,
    hash: PlanHash,
    raw: Value,
}

fn load_plan(path: &Path) -> Result<PlanFolder> {
    let file = if path.is_dir() {
        path.join("plan.json")
    } else {
        path.to_path_buf()
    };
    let folder = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let bytes = std::fs::read(&file).map_err(|e| {
        BadInput(format!(
            "--plan {}: cannot read ({e}); give the plan.json that `bms2intune plan` wrote",
            file.display()
        ))
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let plan =
        PlanView::parse(&text).map_err(|e| BadInput(format!("{}: {e}", folder.display())))?;
    let raw: Value =
        serde_json::from_str(&text).map_err(|e| BadInput(format!("{}: {e}", file.display())))?;
    Ok(PlanFolder {
        folder,
        plan,
        hash: PlanHash::of(&bytes),
        raw,
    })
}

/// The members of each wave group, from waves.csv (plan.json's lists stop at `listLimit`).
fn rosters(p: &PlanFolder) -> Result<BTreeMap<String, Vec<String>>> {
    let path = p.folder.join("waves.csv");
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| BadInput(format!("{shown}: cannot read ({e})")))?;
    let by_wave = roster::parse(&text).map_err(|e| BadInput(format!("{shown}: {e}")))?;
    let mut out = BTreeMap::new();
    for step in p
        .plan
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::AddGroupMembers)
    {
        let t = &step.target;
        let (Some(group), Some(filter), Some(w)) = (&t.group, &t.members, t.wave) else {
            continue;
        };
        let sku = filter.sku.as_deref().unwrap_or("");
        let ids: Vec<String> = by_wave
            .get(&w)
            .into_iter()
            .flatten()
            .filter(|u| u.license == filter.license.as_str() && u.sku == sku)
            .map(|u| u.user_id.clone())
            .collect();
        if let Some(count) = t.count {
            if ids.len() as u64 != count {
                return Err(BadInput(format!(
                    "{shown}: {} user(s) for {}, plan.json says {count}: the two files are not from the same plan",
                    ids.len(),
                    step.id
                ))
                .into());
            }
        }
        out.insert(group.clone(), ids);
    }
    Ok(out)
}

/// The request body of every create-policy step, from the plan folder's graph/ files.
fn bodies(p: &PlanFolder) -> Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    for step in p
        .plan
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::CreatePolicy)
    {
        let Some(file) = &step.target.file else {
            continue;
        };
        let path = p.folder.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| BadInput(format!("{}: cannot read ({e})", path.display())))?;
        let body: Value = serde_json::from_str(&text)
            .map_err(|e| BadInput(format!("{}: not JSON ({e})", path.display())))?;
        out.insert(file.clone(), body);
    }
    Ok(out)
}

/// The existing Intune and Conditional Access objects the plan was made against
/// (`existingIntune`), with the `version` they had in the snapshot (`null` where Graph has
/// none: only their existence is checked). A plan without the member checks none.
fn expected_versions(p: &PlanFolder) -> Vec<ExpectedVersion> {
    let Some(list) = p.raw.get("existingIntune").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|o| {
            let text = |k: &str| o.get(k).and_then(Value::as_str);
            Some(ExpectedVersion {
                display_name: text("displayName").unwrap_or("?").to_string(),
                path: format!("/{}{}", text("api")?, text("endpoint")?),
                version: o.get("version").and_then(Value::as_i64),
            })
        })
        .collect()
}

/// A signed-in, tenant-pinned client and what the preflight learned.
struct Session {
    runtime: tokio::runtime::Runtime,
    client: GraphClient,
    group_owner: Option<String>,
}

fn connect(args: WaveArgs, plan: &PlanView, needs_ca: bool) -> Result<Session> {
    let plan_tenant = plan.snapshot.tenant_id.to_ascii_lowercase();
    let connection = args.connection.or_tenant(&plan_tenant).resolve()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let options = ClientOptions {
        concurrency: 1,
        retry: RetryPolicy {
            max_attempts: args.max_attempts,
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    };
    let client = GraphClient::new(connection, options).map_err(graph_failure)?;
    let mut needs: Vec<preflight::Requirement> = preflight::APPLY.to_vec();
    if needs_ca {
        needs.extend_from_slice(preflight::APPLY_CONDITIONAL_ACCESS);
    }
    let report = runtime
        .block_on(preflight::preflight(&client, &needs))
        .map_err(|e| match e {
            PreflightError::Graph(g) => graph_failure(g),
            other => BadInput(format!("{other}: nothing was done")).into(),
        })?;
    if !report.tenant_id.eq_ignore_ascii_case(&plan_tenant) {
        return Err(BadInput(format!(
            "the plan is for tenant {plan_tenant}, but the sign-in reached tenant {}: nothing was done",
            report.tenant_id
        ))
        .into());
    }
    for note in &report.notes {
        eprintln!("warning: {note}");
    }
    let group_owner = (report.source != GrantSource::Unverified
        && !preflight::can_write_any_group(&report.granted))
    .then(|| report.principal_id.clone())
    .flatten();
    Ok(Session {
        runtime,
        client,
        group_owner,
    })
}

/// The wait before re-reading an object that may not have replicated yet: 1, 2, 4 … 30 s.
fn reread_wait(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.saturating_sub(1).min(5)).min(Duration::from_secs(30))
}

impl Session {
    /// Sends one request of the machine; GETs follow `@odata.nextLink` to the end (through
    /// `GraphClient::get_all`). Graph's
    /// refusals come back as responses (the machine judges them); a read that cannot be made
    /// at all is an `Err`, which stops the run.
    fn exchange(&self, request: &Request, attempt: u32) -> Result<Response, String> {
        if attempt > 0 {
            std::thread::sleep(reread_wait(attempt));
        }
        let url = format!("{}{}", self.client.endpoints().graph, request.path);
        let method = request.method.as_str();
        let answer = self.runtime.block_on(async {
            let first = self
                .client
                .send_with(method, &url, &request.headers, request.body.as_ref())
                .await?;
            let request_id = first.ids.request_id.clone();
            let mut body: Value = if first.body.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&first.body).unwrap_or(Value::Null)
            };
            // The rest of a collection through the client's own paging, which refuses a next
            // link outside Graph instead of sending it the token.
            let next = body.get("@odata.nextLink").and_then(Value::as_str);
            if let (Method::Get, Some(next)) = (request.method, next) {
                let rest = self.client.get_all(next).await?;
                if let Some(list) = body.get_mut("value").and_then(Value::as_array_mut) {
                    list.extend(rest);
                }
                if let Some(o) = body.as_object_mut() {
                    o.remove("@odata.nextLink");
                }
            }
            Ok::<_, GraphError>((first.status, request_id, body))
        });
        let with_id = |status: u16, id: &str, body: Value| Response {
            status,
            headers: vec![("request-id".to_string(), id.to_string())],
            body,
        };
        match answer {
            Ok((status, id, body)) => Ok(with_id(status, &id, body)),
            Err(GraphError::Status {
                status,
                code,
                message,
                ids,
                ..
            }) => Ok(with_id(
                status,
                &ids.request_id,
                json!({"error": {"code": code, "message": message}}),
            )),
            Err(GraphError::GaveUp { status, ids, .. }) if request.method != Method::Get => {
                Ok(with_id(
                    status,
                    &ids.request_id,
                    json!({"error": {"code": "gaveUp", "message": format!("still {status} after retries")}}),
                ))
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The journal beside the plan: opened (created) for a run that writes; for a dry run, the
/// existing one or, when there is none, one in memory so that nothing is written.
fn open_journal(p: &PlanFolder, execute: bool) -> Result<Journal> {
    let path = journal::beside(&p.folder);
    let tenant = &p.plan.snapshot.tenant_id;
    let opened = if execute || path.is_file() {
        Journal::open(&path, tenant, p.hash.short())
    } else {
        Journal::in_memory(tenant, p.hash.short())
    };
    opened.map_err(|e| match e {
        journal::JournalError::WrongTenant { .. } => BadInput(e.to_string()).into(),
        other => anyhow::Error::new(other),
    })
}

/// Prints a run's outcome and maps it to the exit code.
fn finish(run: Run, execute: bool, what: &str, wave: u32) -> Result<()> {
    if !run.sent.is_empty() {
        println!("Sent:");
        print!("{}", render_sent(&run.sent));
    }
    for (step, title, instructions) in &run.manual {
        println!("! manual step ({step}): {title}");
        for line in instructions.lines() {
            println!("    {line}");
        }
    }
    match run.end {
        RunEnd::Done(lines) => {
            if !run.sent.is_empty() {
                println!("Now:");
            }
            print!("{}", render(&lines));
            let waiting = lines.iter().any(|l| l.sign == Sign::Waiting);
            let warned = lines.iter().filter(|l| l.sign == Sign::Warning).count();
            if !execute {
                println!(
                    "Dry run: nothing was changed. Run again with --execute to make these changes."
                );
                return Ok(());
            }
            println!(
                "{what} of wave {wave}: {} write(s) sent{}.",
                run.writes,
                if warned > 0 {
                    format!(", {warned} warning(s) above")
                } else {
                    String::new()
                }
            );
            if waiting {
                return Err(WaitingForManualStep(format!(
                    "wave {wave} waits for a manual step (above): do it, then run the same command again"
                ))
                .into());
            }
            Ok(())
        }
        RunEnd::Refused(refusal) => {
            let message = format!("{what} of wave {wave} stopped: {refusal}");
            match refusal {
                Refusal::Failed { .. } => Err(anyhow::anyhow!(
                    "{message}\nThe journal records what was done; running the same command again resumes."
                )),
                _ => Err(BadInput(message).into()),
            }
        }
        RunEnd::Aborted(reason) => Err(anyhow::anyhow!(
            "{what} of wave {wave} stopped: the tenant could not be read ({reason}); running the same command again resumes"
        )),
        RunEnd::Interrupted => Err(anyhow::anyhow!("{what} of wave {wave} was interrupted")),
    }
}

pub fn apply(args: WaveArgs) -> Result<()> {
    let p = load_plan(&args.plan)?;
    let (wave, execute) = (args.wave, args.execute);
    let run_steps = p.plan.run_of_wave(wave);
    if run_steps.steps.is_empty() {
        return Err(BadInput(format!(
            "{}: the plan has no wave {wave}",
            p.folder.join("plan.json").display()
        ))
        .into());
    }
    let needs_ca = run_steps.steps.iter().any(|s| {
        s.kind == StepKind::CreatePolicy
            && s.target.collection.as_deref() == Some("conditionalAccessPolicies")
    });
    let rosters = rosters(&p)?;
    let bodies = bodies(&p)?;
    let expected_versions = expected_versions(&p);
    let mut journal = open_journal(&p, execute)?;
    let session = connect(args, &p.plan, needs_ca)?;
    let state = journal.load()?;
    let mode = if execute { Mode::Execute } else { Mode::DryRun };
    let mut machine = Apply::new(
        ApplyInput {
            plan: p.plan.clone(),
            plan_hash: p.hash.clone(),
            wave,
            mode,
            rosters,
            bodies,
            expected_versions,
            group_owner: session.group_owner.clone(),
        },
        state,
    );
    let run = carry_out(&mut machine, &mut journal, wave, &p, &session)?;
    finish(run, execute, "apply", wave)
}

/// Runs a machine to its end, its requests carried through Graph by `session`.
fn carry_out(
    machine: &mut impl Machine,
    journal: &mut Journal,
    wave: u32,
    p: &PlanFolder,
    session: &Session,
) -> Result<Run> {
    Ok(drive(
        machine,
        journal,
        wave,
        &p.hash.0,
        |r, attempt| session.exchange(r, attempt),
        None,
    )?)
}

pub fn rollback(args: WaveArgs) -> Result<()> {
    let p = load_plan(&args.plan)?;
    let (wave, execute) = (args.wave, args.execute);
    let path = journal::beside(&p.folder);
    if !path.is_file() {
        return Err(BadInput(format!(
            "{}: no apply journal, so nothing was applied from this plan folder and there is nothing to roll back",
            path.display()
        ))
        .into());
    }
    let mut journal = open_journal(&p, true)?;
    let session = connect(args, &p.plan, false)?;
    let state = journal.load()?;
    let mode = if execute { Mode::Execute } else { Mode::DryRun };
    let mut machine = Rollback::new(&p.plan, wave, mode, state);
    let run = carry_out(&mut machine, &mut journal, wave, &p, &session)?;
    finish(run, execute, "rollback", wave)
}
