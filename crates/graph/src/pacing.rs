//! Proactive pacing from Microsoft's documented Graph limits, so that a large read stays under
//! them instead of bouncing off 429s. Each request is classified into the service whose
//! budget it spends (`classify`), priced (`cost`: the directory counts resource units), and
//! admitted only when the service's sliding window has room (`Pacer::admit`). A 429 pauses
//! the whole service for its `Retry-After` (`Pacer::pause`): the budget is shared by every
//! request to it. Counters per service feed the benchmark and the debug log.
//!
//! The limits (per app per tenant, the stricter scope for a single app), from Microsoft
//! Graph's throttling-limits page:
//!
//! | service | budget |
//! |---|---|
//! | Intune device configuration (`/deviceManagement`, policies, assignments) | 1,000 requests / 20 s |
//! | Intune devices (`/deviceManagement/managedDevices`) | 2,000 requests / 20 s |
//! | Identity and access (users, groups, members, devices, organization, SKUs) | 3,500 / 5,000 / 8,000 resource units / 10 s for tenants under 50, 50–500, over 500 users |
//! | Conditional Access (`/identity/conditionalAccess`) | 1 request / s per tenant, for all apps together; 429s carry no `Retry-After` |

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// The Graph service whose budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    IntuneConfiguration,
    IntuneDevices,
    Directory,
    ConditionalAccess,
    /// Anything else (`$batch` envelopes, endpoints without a documented service budget).
    Other,
}

impl Service {
    /// Every service, in a stable order.
    pub const ALL: [Service; 5] = [
        Service::IntuneConfiguration,
        Service::IntuneDevices,
        Service::Directory,
        Service::ConditionalAccess,
        Service::Other,
    ];

    /// A short name for logs and the benchmark.
    pub fn name(self) -> &'static str {
        match self {
            Service::IntuneConfiguration => "intune-configuration",
            Service::IntuneDevices => "intune-devices",
            Service::Directory => "directory",
            Service::ConditionalAccess => "conditional-access",
            Service::Other => "other",
        }
    }
}

/// Splits a Graph URL (absolute, or relative to `/v1.0`/`/beta`) into the resource path
/// (without the API version) and the query.
pub fn resource_path(url: &str) -> (&str, &str) {
    let without_origin = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url,
    };
    let (path, query) = without_origin
        .split_once('?')
        .unwrap_or((without_origin, ""));
    let path = ["/v1.0", "/beta"]
        .iter()
        .find_map(|api| {
            path.find(&format!("{api}/"))
                .map(|i| &path[i + api.len()..])
        })
        .unwrap_or(path);
    (path, query)
}

/// The service a request to `path` (without API version) spends.
pub fn classify(path: &str) -> Service {
    let lower = path.to_ascii_lowercase();
    let p = lower.trim_start_matches('/');
    if p.starts_with("devicemanagement/manageddevices") {
        Service::IntuneDevices
    } else if p.starts_with("devicemanagement") {
        Service::IntuneConfiguration
    } else if p.starts_with("identity/conditionalaccess") {
        Service::ConditionalAccess
    } else if [
        "users",
        "groups",
        "devices",
        "organization",
        "subscribedskus",
        "serviceprincipals",
        "directoryobjects",
        "applications",
        "me",
    ]
    .iter()
    .any(|root| {
        p == *root || p.starts_with(&format!("{root}/")) || p.starts_with(&format!("{root}("))
    }) {
        Service::Directory
    } else {
        Service::Other
    }
}

/// What a request costs in its service's budget: 1 request, except in the directory, which
/// prices reads in resource units (`GET users` 2, `subscribedSkus` 3, a group's `members` 3,
/// `transitiveMembers` 5, other reads 1; `$select` −1, `$expand` +1, `$top` under 20 −1; at
/// least 1) and writes at 1 plus a write unit.
pub fn cost(service: Service, method: &str, path: &str, query: &str) -> u32 {
    if service != Service::Directory {
        return 1;
    }
    if !method.eq_ignore_ascii_case("GET") {
        return 1;
    }
    let lower = path.to_ascii_lowercase();
    let p = lower.trim_start_matches('/').trim_end_matches('/');
    let base: i32 = if p == "users" {
        2
    } else if p == "subscribedskus" {
        3
    } else if p.ends_with("/transitivemembers") || p.contains("/transitivemembers/") {
        5
    } else if p.starts_with("groups/") && (p.ends_with("/members") || p.contains("/members/")) {
        3
    } else {
        1
    };
    let q = query.to_ascii_lowercase();
    let has = |name: &str| q.split('&').any(|kv| kv.starts_with(name));
    let mut c = base;
    if has("$select=") || has("%24select=") {
        c -= 1;
    }
    if has("$expand=") || has("%24expand=") {
        c += 1;
    }
    let top = q
        .split('&')
        .find_map(|kv| {
            kv.strip_prefix("$top=")
                .or_else(|| kv.strip_prefix("%24top="))
        })
        .and_then(|v| v.parse::<u32>().ok());
    if top.is_some_and(|t| t < 20) {
        c -= 1;
    }
    c.max(1) as u32
}

/// A documented budget: `capacity` units per sliding `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub capacity: u32,
    pub window: Duration,
}

impl Limit {
    /// Units per second at the documented ceiling.
    pub fn per_second(self) -> f64 {
        f64::from(self.capacity) / self.window.as_secs_f64()
    }
}

/// The directory budget's tenant size tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantSize {
    /// Under 50 users.
    Small,
    /// 50 to 500 users.
    Medium,
    /// Over 500 users.
    Large,
}

impl TenantSize {
    /// The tier of a tenant with `users` users.
    pub fn of(users: u64) -> TenantSize {
        match users {
            0..50 => TenantSize::Small,
            50..=500 => TenantSize::Medium,
            _ => TenantSize::Large,
        }
    }
}

/// The documented budget of `service` for one app in one tenant (`None`: no documented
/// per-service budget).
pub fn documented_limit(service: Service, size: TenantSize) -> Option<Limit> {
    let l = |capacity, secs| {
        Some(Limit {
            capacity,
            window: Duration::from_secs(secs),
        })
    };
    match service {
        Service::IntuneConfiguration => l(1000, 20),
        Service::IntuneDevices => l(2000, 20),
        Service::Directory => match size {
            TenantSize::Small => l(3500, 10),
            TenantSize::Medium => l(5000, 10),
            TenantSize::Large => l(8000, 10),
        },
        Service::ConditionalAccess => l(1, 1),
        Service::Other => None,
    }
}

/// Per-service counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceStats {
    /// Requests sent (inner `$batch` requests count one each; retries count again).
    pub requests: u64,
    /// Budget units spent (resource units for the directory).
    pub units: u64,
    /// 429 answers received.
    pub throttled: u64,
    /// 5xx answers and dropped connections that were retried.
    pub transient: u64,
}

#[derive(Default)]
struct Window {
    sent: VecDeque<(Instant, u32)>,
    in_window: u32,
    paused_until: Option<Instant>,
    stats: ServiceStats,
}

/// Admits requests at the documented pace; see the module documentation.
pub struct Pacer {
    enabled: bool,
    size: AtomicU32,
    windows: Mutex<BTreeMap<Service, Window>>,
}

/// Fraction of a budget the pacer uses: the rest absorbs the difference between when we
/// send and when Graph counts, and other apps' traffic.
const HEADROOM: f64 = 0.95;
/// Added to each window for the same reason.
const WINDOW_SLACK: Duration = Duration::from_millis(100);

impl Pacer {
    /// A pacer; `enabled = false` only counts (for tests of the reactive path).
    pub fn new(enabled: bool) -> Pacer {
        Pacer {
            enabled,
            size: AtomicU32::new(0),
            windows: Mutex::new(BTreeMap::new()),
        }
    }

    /// The directory tier in force (small until the user count is known: safe for any tenant).
    pub fn tenant_size(&self) -> TenantSize {
        match self.size.load(Ordering::Relaxed) {
            0 => TenantSize::Small,
            1 => TenantSize::Medium,
            _ => TenantSize::Large,
        }
    }

    /// Sets the directory tier once the tenant's user count is known.
    pub fn set_tenant_size(&self, size: TenantSize) {
        let v = match size {
            TenantSize::Small => 0,
            TenantSize::Medium => 1,
            TenantSize::Large => 2,
        };
        self.size.store(v, Ordering::Relaxed);
    }

    fn effective(&self, service: Service) -> Option<(u32, Duration)> {
        let limit = documented_limit(service, self.tenant_size())?;
        let capacity = ((f64::from(limit.capacity) * HEADROOM) as u32).max(1);
        let window = if service == Service::ConditionalAccess {
            // One a second for all apps: leave a little more room.
            limit.window + Duration::from_millis(150)
        } else {
            limit.window + WINDOW_SLACK
        };
        Some((capacity, window))
    }

    /// Waits until `service` has room for `units`, then records them as spent.
    pub async fn admit(&self, service: Service, units: u32) {
        loop {
            let wait = {
                let now = Instant::now();
                let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
                let w = windows.entry(service).or_default();
                let paused = w.paused_until.filter(|until| *until > now);
                match (
                    paused,
                    self.enabled.then(|| self.effective(service)).flatten(),
                ) {
                    (Some(until), _) => until - now,
                    (None, None) => {
                        w.stats.requests += 1;
                        w.stats.units += u64::from(units);
                        return;
                    }
                    (None, Some((capacity, window))) => {
                        while let Some(&(t, u)) = w.sent.front() {
                            if now.duration_since(t) >= window {
                                w.sent.pop_front();
                                w.in_window -= u;
                            } else {
                                break;
                            }
                        }
                        let units = units.min(capacity);
                        if w.in_window + units <= capacity {
                            w.sent.push_back((now, units));
                            w.in_window += units;
                            w.stats.requests += 1;
                            w.stats.units += u64::from(units);
                            return;
                        }
                        // Wait until enough of the oldest entries leave the window.
                        let mut freed = 0;
                        let mut until = now;
                        for &(t, u) in &w.sent {
                            freed += u;
                            until = t + window;
                            if w.in_window - freed + units <= capacity {
                                break;
                            }
                        }
                        until
                            .saturating_duration_since(now)
                            .max(Duration::from_millis(1))
                    }
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Holds every request to `service` back until `until` (after a 429).
    pub fn pause(&self, service: Service, until: Instant) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let w = windows.entry(service).or_default();
        if w.paused_until.is_none_or(|u| u < until) {
            w.paused_until = Some(until);
        }
    }

    /// Counts a 429 (`throttled`) or a retried transient failure.
    pub fn record(&self, service: Service, throttled: bool) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let s = &mut windows.entry(service).or_default().stats;
        if throttled {
            s.throttled += 1;
        } else {
            s.transient += 1;
        }
    }

    /// The counters so far, per service with any traffic.
    pub fn stats(&self) -> BTreeMap<Service, ServiceStats> {
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.iter().map(|(s, w)| (*s, w.stats)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_classified_and_priced_as_documented() {
        let (p, q) =
            resource_path("https://graph.microsoft.com/v1.0/users?$select=id,displayName&$top=999");
        assert_eq!((p, q), ("/users", "$select=id,displayName&$top=999"));
        assert_eq!(classify(p), Service::Directory);
        assert_eq!(cost(Service::Directory, "GET", p, q), 1);
        assert_eq!(cost(Service::Directory, "GET", "/users", ""), 2);
        assert_eq!(
            cost(
                Service::Directory,
                "GET",
                "/groups/abc/members",
                "$select=id&$top=999"
            ),
            2
        );
        assert_eq!(cost(Service::Directory, "GET", "/subscribedSkus", ""), 3);
        assert_eq!(
            cost(Service::Directory, "GET", "/groups", "$select=id&$top=5"),
            1
        );
        assert_eq!(
            classify(
                resource_path("http://127.0.0.1:5/beta/deviceManagement/deviceConfigurations").0
            ),
            Service::IntuneConfiguration
        );
        assert_eq!(
            classify("/deviceManagement/managedDevices"),
            Service::IntuneDevices
        );
        assert_eq!(classify("/deviceManagement"), Service::IntuneConfiguration);
        assert_eq!(
            classify("/identity/conditionalAccess/policies"),
            Service::ConditionalAccess
        );
        assert_eq!(
            classify("/servicePrincipals(appId='x')/appRoleAssignments"),
            Service::Directory
        );
        assert_eq!(classify("/$batch"), Service::Other);
        assert_eq!(
            resource_path("/groups/1/members?$select=id").0,
            "/groups/1/members"
        );
    }

    #[test]
    fn tiers_follow_the_user_count() {
        assert_eq!(TenantSize::of(49), TenantSize::Small);
        assert_eq!(TenantSize::of(50), TenantSize::Medium);
        assert_eq!(TenantSize::of(501), TenantSize::Large);
        assert_eq!(
            documented_limit(Service::Directory, TenantSize::Large)
                .unwrap()
                .per_second(),
            800.0
        );
    }

    #[tokio::test(start_paused = true)]
    async fn conditional_access_is_paced_to_about_one_a_second() {
        let pacer = Pacer::new(true);
        let start = Instant::now();
        for _ in 0..4 {
            pacer.admit(Service::ConditionalAccess, 1).await;
        }
        let took = start.elapsed();
        assert!(took >= Duration::from_secs(3), "{took:?}");
        assert!(took < Duration::from_secs(4), "{took:?}");
        assert_eq!(pacer.stats()[&Service::ConditionalAccess].requests, 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_fills_the_window_then_waits_for_it_to_slide() {
        let pacer = Pacer::new(true);
        let start = Instant::now();
        // 950 of the 1,000 per 20 s go at once; the next waits for the window.
        for _ in 0..950 {
            pacer.admit(Service::IntuneConfiguration, 1).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        pacer.admit(Service::IntuneConfiguration, 1).await;
        assert!(start.elapsed() >= Duration::from_secs(20));
        // A pause holds the service back.
        let t = Instant::now();
        pacer.pause(Service::Directory, t + Duration::from_secs(7));
        pacer.admit(Service::Directory, 1).await;
        assert!(t.elapsed() >= Duration::from_secs(7));
    }
}
