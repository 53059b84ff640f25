//! Throttling at Microsoft's documented limits: one table of limits (with their source), one
//! token bucket per limit and scope (the tenant, or the app within the tenant). A request
//! passes when every bucket that applies to it has room; otherwise it gets 429 with the
//! wait until the emptiest bucket refills, as `Retry-After` where the service sends one.
//!
//! A bucket holds `requests` tokens and refills at `requests / window` per second, so a
//! client pacing at the documented rate never sees a 429 and one bursting past it does.

use std::collections::HashMap;
use std::time::Instant;

/// The Graph services with their own limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// Intune device configuration: deviceCompliancePolicies, deviceConfigurations,
    /// configurationPolicies, their assignments and scheduled actions, `deviceManagement`.
    IntuneConfiguration,
    /// Intune devices: managedDevices.
    IntuneDevices,
    /// Identity and access (the directory): users, groups, members, devices, organization,
    /// subscribedSkus, assignLicense. Costed in resource units.
    Directory,
    /// Identity protection and Conditional Access.
    ConditionalAccess,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::IntuneConfiguration => "intune-configuration",
            Service::IntuneDevices => "intune-devices",
            Service::Directory => "directory",
            Service::ConditionalAccess => "conditional-access",
        }
    }

    /// Whether this service's 429s carry `Retry-After` (Conditional Access's do not).
    pub fn sends_retry_after(self) -> bool {
        self != Service::ConditionalAccess
    }
}

/// Who shares a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every app in the tenant.
    Tenant,
    /// One app (client id) in the tenant.
    AppTenant,
}

/// Which requests a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counts {
    /// Every request (for the directory: its resource-unit cost).
    Any,
    /// POST, PUT, PATCH and DELETE only (for the directory: one write unit each).
    Writes,
}

/// One documented limit.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub service: Service,
    pub scope: Scope,
    pub counts: Counts,
    /// Requests (or resource units) allowed per window.
    pub requests: u32,
    pub window_secs: u32,
    pub source: &'static str,
}

const INTUNE_CONFIG: &str = "learn.microsoft.com/graph/throttling-limits, Intune device configuration service (includes/throttling-intune-device-configuration.md)";
const INTUNE_DEVICES: &str = "learn.microsoft.com/graph/throttling-limits, Intune devices service (includes/throttling-intune-devices.md)";
const IDENTITY: &str = "learn.microsoft.com/graph/throttling-limits, identity and access service: resource units per app+tenant, L tenant (> 500 users); S (< 50) 3,500, M (50-500) 5,000";
const IDENTITY_WRITES: &str =
    "learn.microsoft.com/graph/throttling-limits, identity and access service: write requests";
const CA: &str = "learn.microsoft.com/graph/throttling-limits, identity protection and Conditional Access: 1 request per second per tenant for all apps, no Retry-After (includes/throttling-identityprotection-ca.md)";

/// Microsoft's documented limits, the only place they are written down in the emulator.
/// The directory's per-10-second resource-unit budget depends on tenant size; this row holds
/// the large-tenant figure and `directory_units` picks the right one.
pub const LIMITS: &[Limit] = &[
    Limit {
        service: Service::IntuneConfiguration,
        scope: Scope::AppTenant,
        counts: Counts::Writes,
        requests: 100,
        window_secs: 20,
        source: INTUNE_CONFIG,
    },
    Limit {
        service: Service::IntuneConfiguration,
        scope: Scope::AppTenant,
        counts: Counts::Any,
        requests: 1000,
        window_secs: 20,
        source: INTUNE_CONFIG,
    },
    Limit {
        service: Service::IntuneConfiguration,
        scope: Scope::Tenant,
        counts: Counts::Writes,
        requests: 200,
        window_secs: 20,
        source: INTUNE_CONFIG,
    },
    Limit {
        service: Service::IntuneConfiguration,
        scope: Scope::Tenant,
        counts: Counts::Any,
        requests: 2000,
        window_secs: 20,
        source: INTUNE_CONFIG,
    },
    Limit {
        service: Service::IntuneDevices,
        scope: Scope::AppTenant,
        counts: Counts::Writes,
        requests: 200,
        window_secs: 20,
        source: INTUNE_DEVICES,
    },
    Limit {
        service: Service::IntuneDevices,
        scope: Scope::AppTenant,
        counts: Counts::Any,
        requests: 2000,
        window_secs: 20,
        source: INTUNE_DEVICES,
    },
    Limit {
        service: Service::IntuneDevices,
        scope: Scope::Tenant,
        counts: Counts::Writes,
        requests: 400,
        window_secs: 20,
        source: INTUNE_DEVICES,
    },
    Limit {
        service: Service::IntuneDevices,
        scope: Scope::Tenant,
        counts: Counts::Any,
        requests: 4000,
        window_secs: 20,
        source: INTUNE_DEVICES,
    },
    Limit {
        service: Service::Directory,
        scope: Scope::AppTenant,
        counts: Counts::Any,
        requests: 8000,
        window_secs: 10,
        source: IDENTITY,
    },
    Limit {
        service: Service::Directory,
        scope: Scope::AppTenant,
        counts: Counts::Writes,
        requests: 3000,
        window_secs: 150,
        source: IDENTITY_WRITES,
    },
    Limit {
        service: Service::Directory,
        scope: Scope::Tenant,
        counts: Counts::Writes,
        requests: 18000,
        window_secs: 300,
        source: IDENTITY_WRITES,
    },
    Limit {
        service: Service::ConditionalAccess,
        scope: Scope::Tenant,
        counts: Counts::Any,
        requests: 1,
        window_secs: 1,
        source: CA,
    },
];

/// The directory's resource units per 10 s for a tenant with `users` users.
pub fn directory_units(users: usize) -> u32 {
    match users {
        0..50 => 3500,
        50..=500 => 5000,
        _ => 8000,
    }
}

/// The directory's resource-unit cost of a request (documented base costs and adjustments).
pub fn directory_cost(
    method: &str,
    path: &[&str],
    select: bool,
    expand: bool,
    top: Option<u32>,
) -> u32 {
    if method != "GET" {
        return 1;
    }
    let base: i32 = match path {
        ["users"] | ["users", _] => 2,
        ["groups", _, "members"] => 3,
        ["groups", _, "transitiveMembers"] => 5,
        ["subscribedSkus"] => 3,
        _ => 1,
    };
    let mut cost = base;
    if select {
        cost -= 1;
    }
    if expand {
        cost += 1;
    }
    if top.is_some_and(|t| t < 20) {
        cost -= 1;
    }
    cost.max(1) as u32
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    capacity: f64,
    per_sec: f64,
    last: Instant,
}

impl Bucket {
    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.per_sec).min(self.capacity);
        self.last = now;
    }
}

/// What the throttle said about one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Pass {
        /// The fullest bucket's use, 0..1 (for `x-ms-throttle-limit-percentage`).
        used: f64,
    },
    Throttled {
        /// Seconds until the request would pass.
        retry_after_secs: u64,
        scope: Scope,
    },
}

/// Every bucket in use.
#[derive(Debug)]
pub struct Throttle {
    enabled: bool,
    directory_units: u32,
    buckets: HashMap<(usize, String), Bucket>,
}

impl Throttle {
    pub fn new(enabled: bool, users: usize) -> Throttle {
        Throttle {
            enabled,
            directory_units: directory_units(users),
            buckets: HashMap::new(),
        }
    }

    /// Counts one request of `cost` against every limit of `service`; all or nothing.
    pub fn check(
        &mut self,
        service: Service,
        app: &str,
        write: bool,
        cost: u32,
        now: Instant,
    ) -> Verdict {
        if !self.enabled {
            return Verdict::Pass { used: 0.0 };
        }
        let mut keys = Vec::new();
        for (i, limit) in LIMITS.iter().enumerate() {
            if limit.service != service || (limit.counts == Counts::Writes && !write) {
                continue;
            }
            let requests = if limit.service == Service::Directory && limit.counts == Counts::Any {
                self.directory_units
            } else {
                limit.requests
            };
            let take = if limit.counts == Counts::Writes {
                1.0
            } else {
                f64::from(cost)
            };
            let scope_key = match limit.scope {
                Scope::Tenant => String::new(),
                Scope::AppTenant => app.to_string(),
            };
            let capacity = f64::from(requests);
            let bucket = self
                .buckets
                .entry((i, scope_key.clone()))
                .or_insert(Bucket {
                    tokens: capacity,
                    capacity,
                    per_sec: capacity / f64::from(limit.window_secs),
                    last: now,
                });
            bucket.refill(now);
            keys.push(((i, scope_key), take, limit.scope));
        }
        let mut wait: Option<(f64, Scope)> = None;
        let mut used: f64 = 0.0;
        for (key, take, scope) in &keys {
            let b = &self.buckets[key];
            if b.tokens + 1e-9 < *take {
                let secs = (*take - b.tokens) / b.per_sec;
                if wait.is_none_or(|(w, _)| secs > w) {
                    wait = Some((secs, *scope));
                }
            }
            used = used.max(1.0 - (b.tokens - take) / b.capacity);
        }
        if let Some((secs, scope)) = wait {
            // A throttled request still counts against the limits (Graph's docs: "all
            // requests accrue against your usage limits"), but cannot go below empty.
            for (key, _, _) in &keys {
                if let Some(b) = self.buckets.get_mut(key) {
                    b.tokens = (b.tokens - 1.0).max(0.0);
                }
            }
            return Verdict::Throttled {
                retry_after_secs: secs.ceil().max(1.0) as u64,
                scope,
            };
        }
        for (key, take, _) in &keys {
            if let Some(b) = self.buckets.get_mut(key) {
                b.tokens -= take;
            }
        }
        Verdict::Pass { used }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn conditional_access_allows_one_per_second() {
        let mut t = Throttle::new(true, 10);
        let now = Instant::now();
        assert!(matches!(
            t.check(Service::ConditionalAccess, "a", false, 1, now),
            Verdict::Pass { .. }
        ));
        assert!(matches!(
            t.check(Service::ConditionalAccess, "b", false, 1, now),
            Verdict::Throttled { .. }
        ));
        let later = now + Duration::from_millis(2100);
        assert!(matches!(
            t.check(Service::ConditionalAccess, "a", false, 1, later),
            Verdict::Pass { .. }
        ));
    }

    #[test]
    fn intune_writes_are_limited_per_app() {
        let mut t = Throttle::new(true, 10);
        let now = Instant::now();
        for _ in 0..100 {
            assert!(matches!(
                t.check(Service::IntuneConfiguration, "a", true, 1, now),
                Verdict::Pass { .. }
            ));
        }
        match t.check(Service::IntuneConfiguration, "a", true, 1, now) {
            Verdict::Throttled {
                retry_after_secs,
                scope,
            } => {
                assert_eq!(scope, Scope::AppTenant);
                assert!(retry_after_secs >= 1);
            }
            other => panic!("{other:?}"),
        }
        // Another app still has its own 100, within the tenant's 200.
        assert!(matches!(
            t.check(Service::IntuneConfiguration, "b", true, 1, now),
            Verdict::Pass { .. }
        ));
    }

    #[test]
    fn directory_costs_follow_the_documented_table() {
        assert_eq!(directory_cost("GET", &["users"], false, false, None), 2);
        assert_eq!(directory_cost("GET", &["users"], true, false, Some(999)), 1);
        assert_eq!(
            directory_cost("GET", &["groups", "x", "members"], true, false, None),
            2
        );
        assert_eq!(
            directory_cost(
                "GET",
                &["groups", "x", "transitiveMembers"],
                false,
                true,
                None
            ),
            6
        );
        assert_eq!(
            directory_cost("GET", &["subscribedSkus"], false, false, Some(5)),
            2
        );
        assert_eq!(
            directory_cost("GET", &["organization"], true, false, Some(1)),
            1
        );
        assert_eq!(directory_units(10), 3500);
        assert_eq!(directory_units(100_000), 8000);
    }

    #[test]
    fn off_never_throttles() {
        let mut t = Throttle::new(false, 10);
        let now = Instant::now();
        for _ in 0..10 {
            assert!(matches!(
                t.check(Service::ConditionalAccess, "a", false, 1, now),
                Verdict::Pass { .. }
            ));
        }
    }
}
