//! How long a launch takes to show the first month: from the start of `run` to the page's word
//! that the month's events are on screen. Logged once a run, for `scripts/app-bench.sh`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();
static SHOWN: AtomicBool = AtomicBool::new(false);

/// The line the benchmark looks for.
pub const FIRST_MONTH: &str = "first month shown";

pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Logs the first report of this run (later ones are views changing, not the launch).
pub fn first_month_shown(events: u32) {
    if SHOWN.swap(true, Ordering::Relaxed) {
        return;
    }
    let ms = STARTED.get().map(|t| t.elapsed().as_millis());
    tracing::info!(ms, events, "{FIRST_MONTH}");
}
