//! The emulator's settings, from the command line or set by a test: which snapshot, where to
//! listen, throttling and faults, the accepted clients and certificates, token lifetime and
//! roles, and the delays of a distributed directory (replication lag, device-code approval,
//! group licence processing).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The application permissions a token carries unless configured otherwise: everything
/// `collect` and `apply` need (live-half.md §1.5).
pub const DEFAULT_ROLES: &[&str] = &[
    "Organization.Read.All",
    "User.Read.All",
    "GroupMember.Read.All",
    "Device.Read.All",
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "Policy.Read.All",
    "Policy.ReadWrite.ConditionalAccess",
    "Application.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "LicenseAssignment.ReadWrite.All",
];

/// How the emulator throttles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleMode {
    Off,
    /// Microsoft's documented limits (`throttle::LIMITS`).
    Documented,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The snapshot folder (with `graph/`), or a folder of Graph files.
    pub snapshot: PathBuf,
    /// Loopback only; port 0 picks a free port.
    pub listen: SocketAddr,
    pub throttle: ThrottleMode,
    /// The share of Graph requests that fail transiently (0..1).
    pub fault_rate: f64,
    pub seed: u64,
    /// Accepted clients with their secrets; empty = any client, any secret.
    pub clients: Vec<(String, String)>,
    /// Certificates (PEM files) whose key signs a client's assertions.
    pub client_certs: Vec<(String, PathBuf)>,
    pub token_lifetime: Duration,
    /// Application permissions in issued tokens (`roles`; `scp` for device code).
    pub roles: Vec<String>,
    /// Issue opaque (non-JWT) access tokens, as Microsoft may for its own APIs.
    pub opaque_tokens: bool,
    /// A created object answers 404 and is absent from lists for this long.
    pub replication_lag: Duration,
    /// A device code is approved this long after it was issued.
    pub device_code_approval: Duration,
    /// The polling interval a device code response asks for (seconds).
    pub device_code_interval: u64,
    /// Group licence assignments are processed this long after the request.
    pub license_processing: Duration,
    /// Caps every page the server chooses (to exercise paging on small tenants).
    pub page_size: Option<usize>,
    /// The tenant id to serve when the snapshot has no organization.json.
    pub tenant_id: Option<String>,
    /// Whether the tenant has an active Intune subscription (`deviceManagement.subscriptionState`).
    pub intune_subscription: String,
}

impl Config {
    pub fn new(snapshot: impl Into<PathBuf>) -> Config {
        Config {
            snapshot: snapshot.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            throttle: ThrottleMode::Off,
            fault_rate: 0.0,
            seed: 1,
            clients: Vec::new(),
            client_certs: Vec::new(),
            token_lifetime: Duration::from_secs(3599),
            roles: DEFAULT_ROLES.iter().map(|r| r.to_string()).collect(),
            opaque_tokens: false,
            replication_lag: Duration::ZERO,
            device_code_approval: Duration::from_secs(2),
            device_code_interval: 1,
            license_processing: Duration::from_secs(1),
            page_size: None,
            tenant_id: None,
            intune_subscription: "active".into(),
        }
    }
}
