//! An optional per-user rate limit over a sliding window, answering like Google when exceeded.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// Requests allowed per user within `window_ms`.
    pub max_requests: u32,
    #[serde(default = "minute")]
    pub window_ms: u64,
    /// 403 (`rateLimitExceeded`) or 429.
    #[serde(default = "forbidden")]
    pub status: u16,
}

fn minute() -> u64 {
    60_000
}
fn forbidden() -> u16 {
    403
}

#[derive(Debug)]
pub struct RateLimiter {
    pub limit: RateLimit,
    seen: HashMap<String, VecDeque<Instant>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
            seen: HashMap::new(),
        }
    }

    /// Records a request of `user`; false when it is over the limit.
    pub fn admit(&mut self, user: &str) -> bool {
        let now = Instant::now();
        let window = Duration::from_millis(self.limit.window_ms);
        let q = self.seen.entry(user.to_owned()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= self.limit.max_requests as usize {
            return false;
        }
        q.push_back(now);
        true
    }
}
