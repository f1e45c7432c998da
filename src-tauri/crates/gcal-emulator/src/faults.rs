//! Fault injection: rules that make matching requests fail the ways Google and networks fail.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What a matching request gets instead of (or in addition to) its normal answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// An error with Google's body for `status` (`reason` picks the 403 variant:
    /// `userRateLimitExceeded`, `rateLimitExceeded`, `quotaExceeded`, `dailyLimitExceeded`).
    Status {
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The connection is closed without an answer.
    Drop,
    /// The normal answer, cut off after half its body, then the connection closes.
    Truncate,
    /// Only the added latency (`latency_ms`), then the normal answer.
    Delay,
}

/// A fault rule. `method` and `path_contains`/`path_regex` select requests (all optional); `times`
/// limits how many matching requests are hit, `probability` (with `seed`) hits a random share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_contains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_regex: Option<String>,
    pub action: FaultAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(default)]
    pub latency_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    #[serde(default)]
    pub seed: u64,
}

impl FaultRule {
    /// A rule that answers the next `times` requests whose path contains `path` with `status`.
    pub fn status(path: &str, status: u16, times: u32) -> FaultRule {
        FaultRule {
            method: None,
            path_contains: Some(path.to_owned()),
            path_regex: None,
            action: FaultAction::Status {
                status,
                reason: None,
            },
            retry_after: None,
            latency_ms: 0,
            times: Some(times),
            probability: None,
            seed: 0,
        }
    }
    pub fn with_reason(mut self, reason: &str) -> FaultRule {
        if let FaultAction::Status { reason: r, .. } = &mut self.action {
            *r = Some(reason.to_owned());
        }
        self
    }
    pub fn with_method(mut self, m: &str) -> FaultRule {
        self.method = Some(m.to_owned());
        self
    }
}

/// A rule as installed: with its id, remaining budget, random source and hit count.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstalledFault {
    pub id: u64,
    #[serde(flatten)]
    pub rule: FaultRule,
    pub hits: u64,
    #[serde(skip)]
    regex: Option<regex::Regex>,
    #[serde(skip)]
    rng: Option<StdRng>,
}

#[derive(Debug, Default)]
pub struct FaultSet {
    next_id: u64,
    pub rules: Vec<InstalledFault>,
}

/// The fault picked for one request.
#[derive(Debug, Clone)]
pub struct Hit {
    pub action: FaultAction,
    pub retry_after: Option<u64>,
    pub latency_ms: u64,
}

impl FaultSet {
    pub fn add(&mut self, rule: FaultRule) -> Result<u64, String> {
        let regex = match &rule.path_regex {
            Some(r) => Some(regex::Regex::new(r).map_err(|e| e.to_string())?),
            None => None,
        };
        self.next_id += 1;
        let rng = rule.probability.map(|_| StdRng::seed_from_u64(rule.seed));
        self.rules.push(InstalledFault {
            id: self.next_id,
            rule,
            hits: 0,
            regex,
            rng,
        });
        Ok(self.next_id)
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id != id);
        before != self.rules.len()
    }

    /// The first rule matching `method` + `path_and_query` that fires this time.
    pub fn pick(&mut self, method: &str, path_and_query: &str) -> Option<Hit> {
        for f in self.rules.iter_mut() {
            let r = &f.rule;
            if r.method
                .as_deref()
                .is_some_and(|m| !m.eq_ignore_ascii_case(method))
            {
                continue;
            }
            if r.path_contains
                .as_deref()
                .is_some_and(|p| !path_and_query.contains(p))
            {
                continue;
            }
            if f.regex
                .as_ref()
                .is_some_and(|re| !re.is_match(path_and_query))
            {
                continue;
            }
            if r.times.is_some_and(|t| t == 0) {
                continue;
            }
            if let (Some(p), Some(rng)) = (r.probability, f.rng.as_mut()) {
                if rng.gen::<f64>() >= p {
                    continue;
                }
            }
            if let Some(t) = f.rule.times.as_mut() {
                *t -= 1;
            }
            f.hits += 1;
            return Some(Hit {
                action: f.rule.action.clone(),
                retry_after: f.rule.retry_after,
                latency_ms: f.rule.latency_ms,
            });
        }
        None
    }
}
