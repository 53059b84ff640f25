//! The `graph-emulator` binary: loads a snapshot, listens on loopback, prints
//! `listening on http://…` when ready, and serves until interrupted.

use clap::{Parser, ValueEnum};
use graph_emulator::{Config, Emulator, ThrottleMode};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Copy, ValueEnum)]
enum Throttle {
    /// Microsoft's documented limits per service.
    Documented,
    Off,
}

/// A local Microsoft Graph that serves a bms2intune snapshot (see crates/graph-emulator/README.md).
#[derive(Parser)]
#[command(name = "graph-emulator", version)]
struct Args {
    /// The snapshot folder (its graph/ part is served).
    #[arg(long)]
    snapshot: PathBuf,
    /// Loopback address and port (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    #[arg(long, value_enum, default_value = "documented")]
    throttle: Throttle,
    /// Share of Graph requests that fail transiently (500/503/504, dropped or truncated).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Seed for ids, faults and batch response order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Accept only these clients (ID:SECRET; repeatable).
    #[arg(long = "client", value_name = "ID:SECRET")]
    clients: Vec<String>,
    /// Verify this client's assertions with the certificate in PEMFILE (ID:PEMFILE; repeatable).
    #[arg(long = "client-cert", value_name = "ID:PEMFILE")]
    client_certs: Vec<String>,
    /// Objects created answer 404 and are absent from lists for this long.
    #[arg(long, default_value_t = 0)]
    replication_lag_ms: u64,
    /// Lifetime of issued access tokens.
    #[arg(long, default_value_t = 3599)]
    token_lifetime_secs: u64,
    /// Roles in issued tokens (comma-separated; default: what collect and apply need).
    #[arg(long, value_delimiter = ',')]
    roles: Option<Vec<String>>,
    /// Issue opaque (non-JWT) access tokens.
    #[arg(long)]
    opaque_tokens: bool,
    /// Cap every page at this many items.
    #[arg(long)]
    page_size: Option<usize>,
    /// Delay before a group licence assignment is processed.
    #[arg(long, default_value_t = 1000)]
    license_processing_ms: u64,
    /// Delay before a device code is approved.
    #[arg(long, default_value_t = 2000)]
    device_code_approval_ms: u64,
    /// deviceManagement.subscriptionState (active, disabled, …).
    #[arg(long, default_value = "active")]
    intune_subscription: String,
}

fn split_pair(text: &str, what: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok((a.to_string(), b.to_string())),
        _ => Err(format!("{what} must be ID:VALUE, got '{text}'")),
    }
}

fn config(args: Args) -> Result<Config, String> {
    if !(0.0..=1.0).contains(&args.fault_rate) {
        return Err(format!(
            "--fault-rate must be between 0 and 1, got {}",
            args.fault_rate
        ));
    }
    let mut c = Config::new(args.snapshot);
    c.listen = args.listen;
    c.throttle = match args.throttle {
        Throttle::Documented => ThrottleMode::Documented,
        Throttle::Off => ThrottleMode::Off,
    };
    c.fault_rate = args.fault_rate;
    c.seed = args.seed;
    c.clients = args
        .clients
        .iter()
        .map(|s| split_pair(s, "--client"))
        .collect::<Result<_, _>>()?;
    c.client_certs = args
        .client_certs
        .iter()
        .map(|s| split_pair(s, "--client-cert").map(|(a, b)| (a, PathBuf::from(b))))
        .collect::<Result<_, _>>()?;
    c.replication_lag = Duration::from_millis(args.replication_lag_ms);
    c.token_lifetime = Duration::from_secs(args.token_lifetime_secs.max(1));
    if let Some(roles) = args.roles {
        c.roles = roles;
    }
    c.opaque_tokens = args.opaque_tokens;
    c.page_size = args.page_size;
    c.license_processing = Duration::from_millis(args.license_processing_ms);
    c.device_code_approval = Duration::from_millis(args.device_code_approval_ms);
    c.intune_subscription = args.intune_subscription;
    Ok(c)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let config = match config(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("graph-emulator: {e}");
            std::process::exit(2);
        }
    };
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("graph-emulator: {e}");
            std::process::exit(2);
        }
    };
    println!("listening on {}", emulator.base_url());
    let _ = std::io::stdout().flush();
    eprintln!(
        "tenant {}; Graph at {}/v1.0, authority at {}",
        emulator.tenant_id(),
        emulator.base_url(),
        emulator.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    emulator.stop().await;
}
