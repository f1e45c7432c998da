//! The app's one "now": the system clock, or a pinned start that keeps running (tests pin the
//! date, time and — through `TZ` — the zone instead of faking the system clock). The engine, the
//! demo world, the tray and reminders read it here, and the page gets the same offset before any
//! of its scripts run.

use chrono::{DateTime, Utc};
use chronos_core::clock::{Clock, ShiftedClock};
use std::sync::Arc;
use tauri::{Manager, Runtime};

#[derive(Clone)]
pub struct AppClock {
    pinned: Option<ShiftedClock>,
}

impl AppClock {
    pub fn new(pinned: Option<ShiftedClock>) -> Self {
        Self { pinned }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.pinned.map_or_else(Utc::now, |c| c.now())
    }

    pub fn engine_clock(&self) -> Arc<dyn Clock> {
        chronos_core::clock::from_pin(self.pinned)
    }

    /// How far the page's clock runs ahead of its `Date.now()`, in milliseconds.
    pub fn offset_ms(&self) -> i64 {
        self.pinned.map_or(0, |c| c.offset().num_milliseconds())
    }

    /// Run in the page before its own scripts: `ui/src/lib/clock.ts` reads it.
    pub fn page_script(&self) -> String {
        format!("window.__CHRONOS_CLOCK_OFFSET_MS__ = {};", self.offset_ms())
    }
}

/// The app's "now" (the system's when the clock is not in state yet).
pub fn now<R: Runtime, M: Manager<R>>(app: &M) -> DateTime<Utc> {
    app.try_state::<AppClock>()
        .map_or_else(Utc::now, |c| c.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_told_the_offset() {
        let real = Utc::now();
        let start = real - chrono::Duration::days(400);
        let clock = AppClock::new(Some(ShiftedClock::pinned(start, real)));
        assert_eq!(clock.offset_ms(), -400 * 86_400_000);
        assert_eq!(
            clock.page_script(),
            "window.__CHRONOS_CLOCK_OFFSET_MS__ = -34560000000;"
        );
        assert!((clock.now() - start).num_seconds().abs() < 5);
        assert!((clock.engine_clock().now() - start).num_seconds().abs() < 5);
        let system = AppClock::new(None);
        assert_eq!(system.offset_ms(), 0);
        assert!((system.now() - Utc::now()).num_seconds().abs() < 5);
    }
}
