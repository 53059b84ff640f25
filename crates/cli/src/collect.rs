//! `bms2intune collect`: the connection flags, the permission preflight, reading the tenant
//! through Graph (`bms2intune_graph::collect`) into a staged snapshot folder, copying in the
//! BMS export, and the summary. The folder appears only when everything arrived; a dropped
//! connection or a cut-off page that retries cannot fix leaves nothing behind.

use crate::errors::BadInput;
use crate::output::{OutputKind, StagedOutput};
use anyhow::{Context, Result};
use bms2intune_graph::auth::{Connection, ConnectionFlags};
use bms2intune_graph::collect::{CollectError, CollectOptions};
use bms2intune_graph::preflight::{self, IntuneSubscription, PreflightError};
use bms2intune_graph::retry::RetryPolicy;
use bms2intune_graph::{AuthError, ClientOptions, GraphClient, GraphError, Secret};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How to reach the tenant (flags first, then the Azure SDK's environment variables).
#[derive(Args)]
pub struct ConnectionArgs {
    /// The tenant: its ID (GUID) or a verified domain. Default: AZURE_TENANT_ID.
    #[arg(long, value_name = "ID")]
    tenant_id: Option<String>,
    /// Your own app registration's application (client) ID. Default: AZURE_CLIENT_ID.
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// Sign in with this client secret. Prefer AZURE_CLIENT_SECRET: a command line is visible
    /// to other users of the machine.
    #[arg(long, value_name = "SECRET")]
    client_secret: Option<String>,
    /// Sign in with a certificate: a PEM file with the certificate and its RSA private key, or
    /// a PFX (password in AZURE_CLIENT_CERTIFICATE_PASSWORD). Default:
    /// AZURE_CLIENT_CERTIFICATE_PATH.
    #[arg(long, value_name = "FILE")]
    certificate: Option<PathBuf>,
    /// Sign in as an admin at a browser with a code shown here (delegated permissions).
    #[arg(long)]
    device_code: bool,
    /// Microsoft Graph's base URL (sovereign clouds; http:// only for loopback, e.g. the
    /// emulator).
    #[arg(long, value_name = "URL")]
    graph_url: Option<String>,
    /// The Entra authority's base URL. Default: AZURE_AUTHORITY_HOST, else
    /// https://login.microsoftonline.com.
    #[arg(long, value_name = "URL")]
    authority_url: Option<String>,
}

#[derive(Args)]
pub struct CollectArgs {
    #[command(flatten)]
    connection: ConnectionArgs,
    /// The BMS export made with scripts/Export-BmsPolicies.ps1: its output folder (holding
    /// bms/) or the bms/ folder itself. Without it only the Graph part is written.
    #[arg(long, value_name = "DIR")]
    bms: Option<PathBuf>,
    /// The snapshot folder to write (new, empty, or an earlier collected snapshot).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// Attempts per request before giving up on a throttled, failing or dropped request.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
}

/// Finds the BMS export's files and checks they read as a snapshot's `bms/` part.
fn bms_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let shown = dir.display();
    let folder = if dir.join("bms").is_dir() {
        dir.join("bms")
    } else {
        dir.to_path_buf()
    };
    if !folder.is_dir() {
        return Err(BadInput(format!("--bms {shown}: not a folder")).into());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .with_context(|| format!("--bms {shown}: cannot list"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let has_export = bms2intune_snapshot::bms::BMS_FILES
        .iter()
        .any(|noun| folder.join(format!("{noun}.json")).is_file());
    if !has_export {
        return Err(BadInput(format!(
            "--bms {shown}: no BMS export here (expected DeviceConditionalAccessPolicy.json, … as written by scripts/Export-BmsPolicies.ps1)"
        ))
        .into());
    }
    Ok(files)
}

impl ConnectionArgs {
    /// Uses `tenant` when neither `--tenant-id` nor AZURE_TENANT_ID names one (apply and
    /// rollback: the plan's tenant).
    pub fn or_tenant(mut self, tenant: &str) -> Self {
        let from_env = std::env::var("AZURE_TENANT_ID").is_ok_and(|v| !v.trim().is_empty());
        if self.tenant_id.is_none() && !from_env {
            self.tenant_id = Some(tenant.to_string());
        }
        self
    }

    /// The connection these flags and the Azure environment variables describe; an incomplete
    /// or contradictory set is bad input (exit 2). Shared by every command that talks to Graph.
    pub fn resolve(self) -> Result<Connection> {
        let flags = ConnectionFlags {
            tenant_id: self.tenant_id,
            client_id: self.client_id,
            client_secret: self.client_secret.map(Secret::new),
            certificate: self.certificate,
            device_code: self.device_code,
            graph_url: self.graph_url,
            authority_url: self.authority_url,
        };
        Ok(flags
            .resolve(&|name| std::env::var(name).ok())
            .map_err(|e| BadInput(e.0))?)
    }
}

pub fn collect(args: CollectArgs) -> Result<()> {
    let connection = args.connection.resolve()?;
    let bms = args.bms.as_deref().map(bms_files).transpose()?;
    let staged = StagedOutput::begin(&args.out, OutputKind::Collect)?;
    if let Some(files) = &bms {
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            staged.write(&format!("bms/{name}"), &bytes)?;
        }
        // The copy must read as a snapshot's BMS part before any Graph request is made.
        bms2intune_snapshot::read_snapshot(staged.path())?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let started = Instant::now();
    let options = ClientOptions {
        concurrency: usize::from(args.concurrency),
        retry: RetryPolicy {
            max_attempts: args.max_attempts,
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    };
    let tenant = connection.tenant_id.clone();
    let client = GraphClient::new(connection, options).map_err(graph_failure)?;
    let report = runtime
        .block_on(preflight::preflight(&client, preflight::COLLECT))
        .map_err(|e| match e {
            PreflightError::Graph(g) => graph_failure(g),
            other => BadInput(other.to_string()).into(),
        })
        .with_context(|| format!("checking access to tenant {tenant}: nothing was written"))?;
    for note in &report.notes {
        eprintln!("warning: {note}");
    }
    let intune = match &report.intune {
        IntuneSubscription::Active => true,
        IntuneSubscription::NotActive(reason) => {
            eprintln!("warning: {}", preflight::intune_consequence(reason));
            false
        }
    };
    let sink = |file: &str, bytes: &[u8]| staged.write(file, bytes).map_err(|e| format!("{e:#}"));
    let summary = runtime
        .block_on(bms2intune_graph::collect::collect(
            &client,
            CollectOptions {
                intune,
                progress: true,
                batches_in_flight: usize::from(args.concurrency).div_ceil(2).max(1),
            },
            &sink,
        ))
        .map_err(|e| match e {
            CollectError::Graph(g) => graph_failure(g),
            other => anyhow::anyhow!("{other}"),
        })
        .with_context(|| format!("collecting tenant {tenant}: nothing was written"))?;
    let graph_seconds = started.elapsed().as_secs_f64();
    let out = staged.commit().context("writing the snapshot")?;
    for note in &summary.notes {
        eprintln!("warning: {note}");
    }
    let count = |name: &str| summary.counts.get(name).copied().unwrap_or(0);
    eprintln!(
        "Collected {} ({}): {} users, {} groups ({} direct memberships), {} Entra devices, {} managed devices, {} compliance policies, {} configuration profiles, {} Conditional Access policies in {graph_seconds:.1} s.",
        if report.tenant_name.is_empty() { "the tenant" } else { report.tenant_name.as_str() },
        report.tenant_id,
        count("users"),
        count("groups"),
        summary.memberships,
        count("devices"),
        count("managedDevices"),
        count("deviceCompliancePolicies"),
        count("deviceConfigurations"),
        count("conditionalAccessPolicies"),
    );
    for (service, s) in &summary.stats {
        eprintln!(
            "graph: {} {} requests ({} units), {} throttled (429), {} retried",
            service.name(),
            s.requests,
            s.units,
            s.throttled,
            s.transient
        );
    }
    if bms.is_none() {
        eprintln!(
            "Wrote the Graph part only (no --bms given): copy your BMS export (scripts/Export-BmsPolicies.ps1) to {}/bms/ before `plan`.",
            out.display()
        );
    }
    eprintln!("Output: {}", out.display());
    Ok(())
}

/// Sign-in refusals are bad input (exit 2): wrong tenant, client, secret or certificate.
pub(crate) fn graph_failure(e: GraphError) -> anyhow::Error {
    match e {
        GraphError::Auth(a @ AuthError::Refused { .. })
        | GraphError::Auth(a @ AuthError::DeviceCode(_)) => BadInput(a.to_string()).into(),
        GraphError::Status {
            status: 401 | 403, ..
        } => BadInput(e.to_string()).into(),
        other => anyhow::Error::new(other),
    }
}
