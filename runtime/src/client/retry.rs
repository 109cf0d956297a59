//! When and how long to wait before sending a throttled request again.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How the client retries a request that Graph throttled (429) or could not serve (503, 504).
///
/// A 429, or a 503/504 with `Retry-After`, was not executed: it is retried whatever the
/// method. A 503/504 without it, a timeout or a broken connection is retried for idempotent
/// requests (GET, PUT, DELETE) only, unless the request asks for it
/// ([`Request::retry_non_idempotent`](crate::Request::retry_non_idempotent)). The wait is what
/// `Retry-After` says (seconds, fractional too, or an HTTP date), else an exponential backoff
/// with jitter (`base_delay * 2^n`, randomized between half and all of it). A `Retry-After`
/// longer than `max_delay` is not shortened: the call ends with
/// [`ClientError::WaitTooLong`](crate::ClientError::WaitTooLong), which carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times a request is sent again at most (0: never retried).
    pub max_retries: u32,
    /// The first backoff when the response gives no `Retry-After`.
    pub base_delay: Duration,
    /// The longest wait, whatever `Retry-After` says.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Whether a response with this status may be retried.
    pub fn is_retryable_status(status: u16) -> bool {
        matches!(status, 429 | 503 | 504)
    }

    /// The wait before retry number `retry` (0 for the first), given the `Retry-After` the
    /// response asked for.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let wait = match retry_after {
            Some(wait) => wait,
            None => {
                let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
                let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
                // Jitter: between half and all of the backoff, so that clients throttled
                // together do not come back together.
                let half = full / 2;
                half + half.mul_f64(jitter())
            }
        };
        wait.min(self.max_delay)
    }
}

/// A number in `[0, 1)` that differs from call to call (no `rand` dependency: the std hasher
/// is randomly keyed per process).
fn jitter() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    hasher.write_u32(nanos);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After`: delay seconds, or an HTTP date (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`)
/// read as the time from now (zero when past).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = parse_http_date(value)?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// An IMF-fixdate (RFC 9110 §5.6.7), the only form servers must send.
fn parse_http_date(value: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: u64 = clock.next()?.parse().ok()?;
    let minute: u64 = clock.next()?.parse().ok()?;
    let second: u64 = clock.next()?.parse().ok()?;
    // Four-digit years only (IMF-fixdate), so that no arithmetic below can overflow.
    if parts.next()? != "GMT"
        || parts.next().is_some()
        || clock.next().is_some()
        || !(1..=31).contains(&day)
        || !(1..=9999).contains(&year)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day as i64);
    let seconds = u64::try_from(days)
        .ok()?
        .checked_mul(86_400)?
        .checked_add(hour * 3600 + minute * 60 + second)?;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), for
/// years 1..=9999 (the caller checks).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A client-wide retry budget (a token bucket, as the AWS SDKs keep): each retry takes
/// tokens, each success gives one back; an empty bucket stops retries, so that a failing
/// service is not hit with every request's retries at once.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    capacity: u32,
    tokens: std::sync::atomic::AtomicU32,
}

/// What a retry after a throttled or failed response takes from the budget.
pub(crate) const RETRY_COST: u32 = 5;
/// What a retry after a timeout or a connection error takes.
pub(crate) const TIMEOUT_RETRY_COST: u32 = 10;

impl RetryBudget {
    pub(crate) fn new(capacity: u32) -> Self {
        Self {
            capacity,
            tokens: std::sync::atomic::AtomicU32::new(capacity),
        }
    }

    /// Takes `cost` tokens if there are that many.
    pub(crate) fn try_take(&self, cost: u32) -> bool {
        use std::sync::atomic::Ordering;
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// A success gives a token back, up to the capacity.
    pub(crate) fn refund(&self) {
        use std::sync::atomic::Ordering;
        let capacity = self.capacity;
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < capacity).then(|| t + 1)
            });
    }

    #[cfg(test)]
    pub(crate) fn available(&self) -> u32 {
        self.tokens.load(std::sync::atomic::Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("0"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            UNIX_EPOCH.checked_add(Duration::from_secs(784_111_777))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    proptest::proptest! {
        /// Any header value: no panic, no overflow; a number of seconds reads as itself.
        #[test]
        fn retry_after_never_panics(value in proptest::prelude::any::<String>()) {
            let _ = parse_retry_after(&value);
        }

        #[test]
        fn retry_after_dates_never_panic(
            day in proptest::prelude::any::<u64>(),
            year in proptest::prelude::any::<i64>(),
            hour in proptest::prelude::any::<u64>(),
            minute in 0u64..100,
            second in proptest::prelude::any::<u64>(),
        ) {
            let value = format!("Sun, {day:02} Nov {year} {hour:02}:{minute:02}:{second:02} GMT");
            let _ = parse_retry_after(&value);
        }

        #[test]
        fn retry_after_seconds(seconds in proptest::prelude::any::<u64>()) {
            proptest::prop_assert_eq!(
                parse_retry_after(&seconds.to_string()),
                Some(Duration::from_secs(seconds))
            );
        }

        #[test]
        fn retry_after_floats(seconds in proptest::prelude::any::<f64>()) {
            let _ = parse_retry_after(&seconds.to_string());
            let _ = parse_retry_after(&format!("{seconds:e}"));
        }

        #[test]
        fn delay_never_panics(
            retry in proptest::prelude::any::<u32>(),
            after in proptest::option::of(proptest::prelude::any::<u64>()),
            base in proptest::prelude::any::<u64>(),
            max in proptest::prelude::any::<u64>(),
        ) {
            let policy = RetryPolicy {
                max_retries: 3,
                base_delay: Duration::from_nanos(base),
                max_delay: Duration::from_nanos(max),
            };
            let wait = policy.delay(retry, after.map(Duration::from_secs));
            proptest::prop_assert!(wait <= policy.max_delay);
        }
    }

    #[test]
    fn far_dates_and_odd_forms() {
        assert!(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT").is_some());
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 99999999999 23:59:59 GMT"),
            None
        );
        assert_eq!(
            parse_retry_after("Fri, 31 Dec -9223372036854775808 23:59:59 GMT"),
            None
        );
        assert_eq!(parse_retry_after("1e308"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after("inf"), None);
        assert_eq!(
            parse_retry_after("2.128"),
            Some(Duration::from_millis(2128))
        );
        let budget = RetryBudget::new(10);
        assert!(budget.try_take(RETRY_COST) && budget.try_take(RETRY_COST));
        assert!(!budget.try_take(RETRY_COST));
        budget.refund();
        assert_eq!(budget.available(), 1);
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let policy = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        for retry in 0..10 {
            let full = (Duration::from_millis(100) * 2u32.pow(retry)).min(Duration::from_secs(1));
            let wait = policy.delay(retry, None);
            assert!(wait >= full / 2 && wait <= full, "{retry}: {wait:?}");
        }
        assert!(policy.delay(50, None) <= Duration::from_secs(1));
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(120))),
            Duration::from_secs(1)
        );
        assert_eq!(policy.delay(0, Some(Duration::ZERO)), Duration::ZERO);
    }
}
