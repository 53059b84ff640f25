//! `bms2intune status`: the imperative shell around `bms2intune_apply::status`. It reads
//! `plan.json`, the wave rosters in `waves.csv` beside it and the apply journal (read-only;
//! none means nothing was applied yet), then through Graph the managed devices and each
//! created policy's `deviceStatusOverview`, and prints the pure core's report as text or JSON.
//! A measurable exit gate that fails is exit code 4 (after the report is printed).

use crate::collect::{graph_failure, ConnectionArgs};
use crate::errors::{BadInput, WaveGatesFailed};
use anyhow::{Context, Result};
use bms2intune_apply::journal::{self, Journal};
use bms2intune_apply::roster;
use bms2intune_apply::status::{
    self, Applied, Device, Overview, PolicyDelivery, StatusInput, StatusPlan,
};
use bms2intune_graph::{ClientOptions, GraphClient, GraphError};
use bms2intune_model::date::Instant;
use clap::Args;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct StatusArgs {
    #[command(flatten)]
    connection: ConnectionArgs,
    /// The plan: its plan.json or the folder holding it (waves.csv and the apply journal are
    /// read beside it).
    #[arg(long, value_name = "FILE|DIR")]
    plan: PathBuf,
    /// Only this wave.
    #[arg(long, value_name = "N")]
    wave: Option<u32>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
}

const DEVICE_FIELDS: &str =
    "id,userId,deviceName,operatingSystem,managementAgent,complianceState,lastSyncDateTime";

fn plan_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("plan.json")
    } else {
        path.to_path_buf()
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| BadInput(format!("{}: cannot read: {e}", path.display())).into())
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn device(v: &Value) -> Device {
    Device {
        id: text(v, "id"),
        user_id: text(v, "userId"),
        device_name: text(v, "deviceName"),
        operating_system: text(v, "operatingSystem"),
        management_agent: text(v, "managementAgent"),
        compliance_state: text(v, "complianceState"),
        last_sync: v
            .get("lastSyncDateTime")
            .and_then(Value::as_str)
            .and_then(|t| Instant::parse(t).ok())
            .map(Instant::unix_seconds),
    }
}

fn is_guid(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

pub fn status(args: StatusArgs) -> Result<()> {
    let plan_path = plan_file(&args.plan);
    let folder = plan_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let plan = StatusPlan::parse(&read(&plan_path)?)
        .map_err(|e| BadInput(format!("{}: {e}", plan_path.display())))?;
    if let Some(n) = args.wave {
        if !plan.waves.iter().any(|w| w.id == n) {
            return Err(BadInput(format!(
                "--wave {n}: {} has waves {}",
                plan_path.display(),
                plan.waves
                    .iter()
                    .map(|w| w.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into());
        }
    }
    let roster_path = folder.join("waves.csv");
    let roster = roster::parse(&read(&roster_path)?)
        .and_then(|r| status::check_roster(&plan, &r).map(|()| r))
        .map_err(|e| BadInput(format!("{}: {e}", roster_path.display())))?;
    let journal_path = journal::beside(&plan_path);
    let journal = Journal::read_only(&journal_path)
        .and_then(|j| j.map(|j| j.load()).transpose())
        .map_err(|e| BadInput(format!("apply journal: {e}")))?;
    if let Some(j) = &journal {
        if !j.tenant_id.is_empty() && !j.tenant_id.eq_ignore_ascii_case(&plan.snapshot.tenant_id) {
            return Err(BadInput(format!(
                "{}: journal of tenant {}, but the plan is for tenant {}",
                journal_path.display(),
                j.tenant_id,
                plan.snapshot.tenant_id
            ))
            .into());
        }
    }
    let applied: Option<Applied> = journal.as_ref().map(|j| status::applied(j, &plan));

    let connection = args
        .connection
        .or_tenant(&plan.snapshot.tenant_id.to_ascii_lowercase())
        .resolve()?;
    if is_guid(&connection.tenant_id)
        && !connection
            .tenant_id
            .eq_ignore_ascii_case(&plan.snapshot.tenant_id)
    {
        return Err(BadInput(format!(
            "tenant {} is not the plan's tenant {} ({})",
            connection.tenant_id,
            plan.snapshot.tenant_id,
            plan_path.display()
        ))
        .into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let client = GraphClient::new(connection, ClientOptions::default()).map_err(graph_failure)?;
    let devices: Vec<Device> = runtime
        .block_on(client.get_all(&client.url(
            "v1.0",
            &format!("/deviceManagement/managedDevices?$select={DEVICE_FIELDS}"),
        )))
        .map_err(graph_failure)
        .context("reading the managed devices")?
        .iter()
        .map(device)
        .collect();
    let mut delivery = Vec::new();
    for policy in applied.iter().flat_map(|a| &a.created) {
        let (overview, note) = match policy.overview_path() {
            None => (
                None,
                Some("no device status overview for this kind of object".into()),
            ),
            Some(path) => {
                let url = format!("{}{path}", client.endpoints().graph);
                match runtime.block_on(client.get_json(&url)) {
                    Ok(v) => match serde_json::from_value::<Overview>(v) {
                        Ok(o) => (Some(o), None),
                        Err(e) => (None, Some(format!("unexpected overview: {e}"))),
                    },
                    Err(GraphError::Status {
                        status: 404,
                        message,
                        ..
                    }) => (
                        None,
                        Some(format!("not found in the tenant (404: {message})")),
                    ),
                    Err(e) => {
                        return Err(graph_failure(e))
                            .with_context(|| format!("reading {}", policy.display_name))
                    }
                }
            }
        };
        delivery.push(PolicyDelivery {
            policy: policy.clone(),
            overview,
            note,
        });
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let report = status::status(&StatusInput {
        plan: &plan,
        roster: &roster,
        devices: &devices,
        applied: applied.as_ref(),
        delivery: &delivery,
        wave: args.wave,
        now,
    });
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", status::render_text(&report));
    }
    if report.gates_failed > 0 {
        return Err(WaveGatesFailed(format!(
            "{} measurable exit gate(s) failed: the next wave must wait",
            report.gates_failed
        ))
        .into());
    }
    Ok(())
}
