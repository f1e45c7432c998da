//! How long a launch takes to show the first month: from the start of `run` to the page's word
//! that the month's events are on screen. The page says it once per page, so a window built
//! again from the tray logs it again; for `scripts/app-bench.sh`. The page also says how long
//! search results took to be painted after a keystroke (at debug level; the benchmark asks for it).

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// The line the benchmark looks for.
pub const FIRST_MONTH: &str = "first month shown";

pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Logs a page's first month (the first of a run is the launch's).
pub fn first_month_shown(events: u32) {
    let ms = STARTED.get().map(|t| t.elapsed().as_millis());
    tracing::info!(ms, events, "{FIRST_MONTH}");
}

/// The line the benchmark looks for after each keystroke in the search field.
pub const SEARCH_SHOWN: &str = "search results shown";

/// Logs how long the page took from a keystroke in the search field to painting its results.
pub fn search_shown(ms: u32, hits: u32) {
    tracing::debug!(ms, hits, "{SEARCH_SHOWN}");
}
