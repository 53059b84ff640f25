//! When and how long to wait before trying a request again. Graph's throttling guidance:
//! honour `Retry-After` (seconds, or an HTTP date); where it is absent — Conditional Access
//! never sends it, Intune sometimes doesn't — back off exponentially with jitter, and never
//! retry at once, because every request counts against the limit. 429, 503 and 504 and
//! dropped connections are retried; 500 and 502 only for idempotent requests.

use rand_free::Jitter;
use std::time::Duration;

/// The retry rules of one client.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all (the first one included).
    pub max_attempts: u32,
    /// First backoff when no `Retry-After` came; doubles per attempt.
    pub base: Duration,
    /// The longest single wait.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        }
    }
}

/// Whether an answer with `status` is worth another try.
pub fn retryable_status(status: u16, idempotent: bool) -> bool {
    matches!(status, 429 | 503 | 504) || (idempotent && matches!(status, 500 | 502))
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (attempt counts from 1), from the server's
    /// `Retry-After` when given, else exponential backoff with full jitter (never under half
    /// the exponential step, so a retry is never immediate).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(d) = retry_after {
            return d.min(self.cap.max(Duration::from_secs(1)) * 5);
        }
        let step = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.cap);
        let half = step / 2;
        half + half.mul_f64(Jitter::next())
    }
}

/// Parses `Retry-After`: delta seconds (possibly fractional) or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_secs_f64(secs.min(3600.0)));
    }
    let when = httpdate(v)?;
    let now = std::time::SystemTime::now();
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP requires senders to use.
fn httpdate(v: &str) -> Option<std::time::SystemTime> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: u64 = parts[1].parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])? as u64
        + 1;
    let year: u64 = parts[3].parse().ok()?;
    let hms: Vec<u64> = parts[4]
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    if hms.len() != 3 || !(1..=31).contains(&day) || year < 1970 {
        return None;
    }
    // Days since the epoch (civil-from-days inverse, Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    Some(std::time::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Jitter from a small generator seeded per process: good enough to spread retries, no
/// crate needed.
mod rand_free {
    use std::sync::atomic::{AtomicU64, Ordering};

    static STATE: AtomicU64 = AtomicU64::new(0);

    pub struct Jitter;

    impl Jitter {
        /// A number in [0, 1).
        pub fn next() -> f64 {
            let mut s = STATE.load(Ordering::Relaxed);
            if s == 0 {
                s = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0x9E37_79B9_7F4A_7C15)
                    | 1;
            }
            // splitmix64
            let next = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            STATE.store(next, Ordering::Relaxed);
            let mut z = next;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 53) as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_both_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT"),
            Some(Duration::ZERO)
        );
        let future = httpdate("Fri, 01 Jan 2100 00:00:00 GMT").unwrap();
        assert_eq!(
            future
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            4_102_444_800
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_never_immediate() {
        let p = RetryPolicy::default();
        for attempt in 1..=10 {
            let d = p.delay(attempt, None);
            let step = (Duration::from_secs(1) * (1 << (attempt - 1).min(16))).min(p.cap);
            assert!(d >= step / 2 && d <= step, "attempt {attempt}: {d:?}");
        }
        assert_eq!(
            p.delay(3, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert!(retryable_status(429, false) && retryable_status(504, false));
        assert!(!retryable_status(500, false) && retryable_status(500, true));
        assert!(!retryable_status(403, true));
    }
}
