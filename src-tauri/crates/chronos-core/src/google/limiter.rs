//! A per-account brake on requests: at most N in flight and a token bucket for the rate, so that
//! syncing several calendars at once stays under Google's per-user quota (~600 requests/minute).

use crate::clock::Clock;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RequestLimits {
    /// Requests in flight at once for one account.
    pub max_concurrent: usize,
    /// Sustained request rate for one account.
    pub requests_per_second: f64,
    /// Requests allowed back to back before the rate applies.
    pub burst: u32,
}

impl Default for RequestLimits {
    fn default() -> Self {
        // Google counts ~600 requests per user per sliding minute. 8/s (480/min) sustained leaves
        // headroom for the user's other clients; a burst of 100 lets a whole sync of 20 calendars
        // start at full speed, since the quota is per minute, not per second.
        Self {
            max_concurrent: 8,
            requests_per_second: 8.0,
            burst: 100,
        }
    }
}

impl RequestLimits {
    /// No rate limit worth mentioning (benchmarks, tests that count requests).
    pub fn unlimited() -> Self {
        Self {
            max_concurrent: 64,
            requests_per_second: 1e9,
            burst: u32::MAX,
        }
    }
}

pub(crate) struct RequestLimiter {
    in_flight: Arc<Semaphore>,
    bucket: Mutex<Bucket>,
    limits: RequestLimits,
    clock: Arc<dyn Clock>,
}

struct Bucket {
    tokens: f64,
    refilled_at: DateTime<Utc>,
}

impl RequestLimiter {
    pub(crate) fn new(limits: RequestLimits, clock: Arc<dyn Clock>) -> Self {
        let limits = RequestLimits {
            max_concurrent: limits.max_concurrent.max(1),
            requests_per_second: if limits.requests_per_second > 0.0 {
                limits.requests_per_second
            } else {
                1.0
            },
            burst: limits.burst.max(1),
        };
        Self {
            in_flight: Arc::new(Semaphore::new(limits.max_concurrent)),
            bucket: Mutex::new(Bucket {
                tokens: limits.burst as f64,
                refilled_at: clock.now(),
            }),
            limits,
            clock,
        }
    }

    /// Waits for a free slot and a rate token; the slot is held until the permit is dropped.
    pub(crate) async fn acquire(&self) -> OwnedSemaphorePermit {
        let permit = self
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .expect("semaphore never closed");
        loop {
            let wait = {
                let mut b = self.bucket.lock().unwrap();
                let now = self.clock.now();
                let elapsed = (now - b.refilled_at)
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .as_secs_f64();
                b.tokens = (b.tokens + elapsed * self.limits.requests_per_second)
                    .min(self.limits.burst as f64);
                b.refilled_at = now;
                if b.tokens >= 1.0 {
                    b.tokens -= 1.0;
                    None
                } else {
                    Some(Duration::from_secs_f64(
                        (1.0 - b.tokens) / self.limits.requests_per_second,
                    ))
                }
            };
            match wait {
                None => return permit,
                Some(d) => self.clock.sleep(d).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::TestClock;

    #[tokio::test]
    async fn burst_then_rate() {
        let clock = TestClock::new();
        let l = RequestLimiter::new(
            RequestLimits {
                max_concurrent: 4,
                requests_per_second: 10.0,
                burst: 5,
            },
            Arc::new(clock.clone()),
        );
        for _ in 0..5 {
            drop(l.acquire().await);
        }
        assert!(
            clock.sleeps().is_empty(),
            "the burst goes through without waiting"
        );
        for _ in 0..10 {
            drop(l.acquire().await);
        }
        let waited = clock.total_slept().as_secs_f64();
        assert!(
            (0.95..=1.1).contains(&waited),
            "10 more requests at 10/s take ~1 s, took {waited}"
        );
    }

    #[tokio::test]
    async fn concurrency_is_capped() {
        let l = Arc::new(RequestLimiter::new(
            RequestLimits {
                max_concurrent: 2,
                ..RequestLimits::unlimited()
            },
            Arc::new(crate::clock::SystemClock),
        ));
        let a = l.acquire().await;
        let _b = l.acquire().await;
        let l2 = l.clone();
        let third = tokio::spawn(async move { l2.acquire().await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!third.is_finished());
        drop(a);
        let _permit = tokio::time::timeout(Duration::from_secs(2), third)
            .await
            .unwrap()
            .unwrap();
    }
}
