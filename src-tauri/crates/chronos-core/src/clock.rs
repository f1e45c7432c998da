//! Time as a dependency: the engine asks a [`Clock`] for "now" and for sleeps, so tests can run
//! backoffs, token expiry and schedules in shortened or simulated time.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use rand::Rng;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// Wall-clock time and real tokio sleeps.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Environment seam: `CHRONOS_CLOCK_START` (RFC 3339) pins what "now" reads, and the clock keeps
/// running from there, so timers and sleeps behave as on any other day. `CHRONOS_CLOCK_SET_AT`
/// (Unix seconds) says at which real instant the clock read that start — several processes of one
/// test run (the app, its relaunches, the test driver) then agree on the time; without it the
/// pin is taken at the moment it is read.
pub const ENV_CLOCK_START: &str = "CHRONOS_CLOCK_START";
pub const ENV_CLOCK_SET_AT: &str = "CHRONOS_CLOCK_SET_AT";

/// Wall-clock time moved by a fixed offset: the running clock of a pinned start. Sleeps are real.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShiftedClock {
    offset: chrono::Duration,
}

impl ShiftedClock {
    /// A clock that read `start` at the real instant `real_at`.
    pub fn pinned(start: DateTime<Utc>, real_at: DateTime<Utc>) -> Self {
        Self {
            offset: start - real_at,
        }
    }

    /// How far this clock is ahead of the system's (negative: behind).
    pub fn offset(&self) -> chrono::Duration {
        self.offset
    }

    /// The clock the environment pins (see [`ENV_CLOCK_START`]), `None` when nothing is pinned.
    pub fn from_env() -> std::result::Result<Option<Self>, String> {
        Self::from_values(
            std::env::var(ENV_CLOCK_START).ok().as_deref(),
            std::env::var(ENV_CLOCK_SET_AT).ok().as_deref(),
            Utc::now(),
        )
    }

    fn from_values(
        start: Option<&str>,
        set_at: Option<&str>,
        real_now: DateTime<Utc>,
    ) -> std::result::Result<Option<Self>, String> {
        let Some(start) = start.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let start = DateTime::parse_from_rfc3339(start)
            .map_err(|e| {
                format!(
                    "{ENV_CLOCK_START} must be an RFC 3339 time such as 2026-03-29T00:30:00Z: {e}"
                )
            })?
            .with_timezone(&Utc);
        let real_at = match set_at.map(str::trim).filter(|s| !s.is_empty()) {
            None => real_now,
            Some(secs) => secs
                .parse::<i64>()
                .ok()
                .and_then(|s| DateTime::from_timestamp(s, 0))
                .ok_or_else(|| format!("{ENV_CLOCK_SET_AT} must be Unix seconds, not {secs:?}"))?,
        };
        Ok(Some(Self::pinned(start, real_at)))
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The clock a front end runs on: the environment's pin if there is one, else the system's.
pub fn from_env() -> std::result::Result<Arc<dyn Clock>, String> {
    Ok(from_pin(ShiftedClock::from_env()?))
}

/// The running clock of a pin, or the system's when nothing is pinned.
pub fn from_pin(pinned: Option<ShiftedClock>) -> Arc<dyn Clock> {
    match pinned {
        Some(pinned) => Arc::new(pinned),
        None => Arc::new(SystemClock),
    }
}

/// A clock for tests: virtual time that moves forward by exactly what is slept (plus manual
/// [`TestClock::advance`]), while the real wait is the requested one multiplied by `real_scale`
/// (0 = do not wait at all). Every sleep is recorded so tests can assert what was waited.
#[derive(Clone, Debug)]
pub struct TestClock {
    inner: Arc<Mutex<TestClockState>>,
    real_scale: f64,
}

#[derive(Debug)]
struct TestClockState {
    now: DateTime<Utc>,
    sleeps: Vec<Duration>,
}

impl TestClock {
    /// Virtual time starting at "now" — the pinned start of a test matrix run
    /// ([`ENV_CLOCK_START`]) when there is one, else the real time; sleeps return at once.
    pub fn new() -> Self {
        Self::starting_at(from_env().unwrap_or_else(|e| panic!("{e}")).now())
    }

    pub fn starting_at(now: DateTime<Utc>) -> Self {
        Self {
            inner: Arc::new(Mutex::new(TestClockState {
                now,
                sleeps: Vec::new(),
            })),
            real_scale: 0.0,
        }
    }

    /// Sleeps also wait for real, for `requested × scale` (e.g. 0.001 turns seconds into ms).
    pub fn with_real_scale(mut self, scale: f64) -> Self {
        self.real_scale = scale.max(0.0);
        self
    }

    pub fn advance(&self, by: Duration) {
        let mut s = self.inner.lock().unwrap();
        s.now += chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.inner.lock().unwrap().sleeps.clone()
    }

    pub fn total_slept(&self) -> Duration {
        self.sleeps().iter().sum()
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.inner.lock().unwrap().now
    }
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        {
            let mut s = self.inner.lock().unwrap();
            s.sleeps.push(duration);
            s.now += chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX);
        }
        let real = duration.mul_f64(self.real_scale);
        Box::pin(async move {
            if real.is_zero() {
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(real).await;
            }
        })
    }
}

/// Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
/// `[0, min(cap, base·2ⁿ)]`, but never less than a server's `Retry-After`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    pub max_retries: u32,
    /// A `Retry-After` longer than this is not waited out in line: the error goes back to the
    /// caller (with its `retry_after`) so a scheduler can come back later.
    pub max_retry_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(32),
            max_retries: 5,
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl Backoff {
    /// The default policy scaled to another base (the cap stays 32 × base), e.g. milliseconds
    /// in tests.
    pub fn with_base(base: Duration) -> Self {
        Self {
            base,
            cap: base * 32,
            ..Self::default()
        }
    }

    /// The upper bound of the jittered wait before retry number `retry` (0-based).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base
            .checked_mul(factor)
            .unwrap_or(self.cap)
            .min(self.cap)
    }

    /// How long to wait before retry number `retry` (0-based), or `None` when no retry should
    /// happen now (retries used up, or the server asked for a longer pause than we wait in line).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        self.delay_with(retry, retry_after, &mut rand::thread_rng())
    }

    pub fn delay_with(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        rng: &mut impl Rng,
    ) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        if retry_after.is_some_and(|ra| ra > self.max_retry_after) {
            return None;
        }
        let ceiling = self.ceiling(retry);
        let jittered = if ceiling.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_nanos(rng.gen_range(0..=ceiling.as_nanos().min(u64::MAX as u128) as u64))
        };
        Some(jittered.max(retry_after.unwrap_or(Duration::ZERO)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ceilings_double_and_cap() {
        let b = Backoff::default();
        let secs: Vec<u64> = (0..7).map(|n| b.ceiling(n).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 16, 32, 32]);
        assert_eq!(b.ceiling(100), Duration::from_secs(32));
    }

    #[test]
    fn jitter_stays_under_ceiling_and_varies() {
        let b = Backoff::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let d = b.delay_with(3, None, &mut rng).unwrap();
            assert!(d <= Duration::from_secs(8));
            seen.insert(d.as_millis());
        }
        assert!(seen.len() > 50, "full jitter should spread the waits");
    }

    #[test]
    fn retry_after_is_a_floor_and_retries_are_bounded() {
        let b = Backoff::with_base(Duration::from_millis(1));
        for _ in 0..50 {
            assert!(b.delay(0, Some(Duration::from_secs(3))).unwrap() >= Duration::from_secs(3));
        }
        assert!(b.delay(4, None).is_some());
        assert_eq!(b.delay(5, None), None);
        assert_eq!(b.delay(0, Some(Duration::from_secs(3600))), None);
        assert_eq!(b.cap, Duration::from_millis(32));
    }

    #[tokio::test]
    async fn test_clock_records_and_advances_without_waiting() {
        let start = Utc::now();
        let c = TestClock::starting_at(start);
        let real = std::time::Instant::now();
        c.sleep(Duration::from_secs(30)).await;
        c.advance(Duration::from_secs(5));
        assert!(real.elapsed() < Duration::from_secs(1));
        assert_eq!(c.now() - start, chrono::Duration::seconds(35));
        assert_eq!(c.sleeps(), vec![Duration::from_secs(30)]);
    }

    #[test]
    fn a_pinned_clock_starts_where_told_and_keeps_running() {
        let real = DateTime::parse_from_rfc3339("2026-12-05T11:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let c = ShiftedClock::from_values(Some("2028-02-29T23:59:30+00:00"), None, real)
            .unwrap()
            .unwrap();
        assert_eq!(
            c.offset(),
            DateTime::parse_from_rfc3339("2028-02-29T23:59:30Z")
                .unwrap()
                .with_timezone(&Utc)
                - real
        );
        let a = c.now();
        std::thread::sleep(Duration::from_millis(20));
        assert!(c.now() > a, "a pinned clock must not stand still");
        // A shared set-at instant: every process of a run agrees whenever it read the pin.
        let set_at = real.timestamp() - 60;
        let shared = ShiftedClock::from_values(
            Some("2027-01-01T00:00:00Z"),
            Some(&set_at.to_string()),
            real,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            shared.offset(),
            DateTime::parse_from_rfc3339("2027-01-01T00:01:00Z")
                .unwrap()
                .with_timezone(&Utc)
                - real
        );
    }

    #[test]
    fn no_pin_or_a_bad_one() {
        let real = Utc::now();
        assert_eq!(ShiftedClock::from_values(None, None, real), Ok(None));
        assert_eq!(ShiftedClock::from_values(Some("  "), None, real), Ok(None));
        let e = ShiftedClock::from_values(Some("tomorrow"), None, real).unwrap_err();
        assert!(e.contains(ENV_CLOCK_START), "{e}");
        let e = ShiftedClock::from_values(Some("2027-01-01T00:00:00Z"), Some("soon"), real)
            .unwrap_err();
        assert!(e.contains(ENV_CLOCK_SET_AT), "{e}");
    }
}
