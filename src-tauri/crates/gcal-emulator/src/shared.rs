//! What every handler shares: the world state and the test-control knobs around it.

use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;

use crate::faults::FaultSet;
use crate::push::Deliveries;
use crate::ratelimit::RateLimiter;
use crate::reqlog::RequestLog;
use crate::store::State;

pub struct Inner {
    pub state: Mutex<State>,
    pub faults: Mutex<FaultSet>,
    pub log: Mutex<RequestLog>,
    /// Added to every `/calendar/v3/` request, for benchmarks.
    pub latency_ms: AtomicU64,
    pub rate_limit: Mutex<Option<RateLimiter>>,
    pub auto_approve: AtomicBool,
    pub pushes: Arc<Deliveries>,
    /// What colors.get serves (Google's palette unless a test changed it).
    pub palette: Mutex<crate::colors::Palette>,
}

pub type Shared = Arc<Inner>;
