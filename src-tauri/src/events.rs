//! The events the shell emits to the UI (mirrors `ui/src/api/events.ts`): the core's payloads,
//! each with its name, plus the deep link's day.

use chrono::NaiveDate;
pub use chronos_core::view::sync::{
    CalendarProgress, EventsChanged, OutboxChanged, SyncFinished, SyncProgress, SyncState,
    SyncStatus, UiEvent,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

pub fn emit<R: Runtime, E: UiEvent>(app: &AppHandle<R>, payload: &E) {
    if let Err(e) = app.emit(E::NAME, payload.clone()) {
        tracing::warn!(event = E::NAME, error = %e, "could not emit an event to the UI");
    }
}

/// `navigate://date`: show this day (from `chronos://open?date=YYYY-MM-DD`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct NavigateDate {
    pub date: NaiveDate,
}

impl UiEvent for NavigateDate {
    const NAME: &'static str = "navigate://date";
}

/// `quickadd://open`: open the quick-add field (the tray's *Quick add…*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct QuickAddRequested {}

impl UiEvent for QuickAddRequested {
    const NAME: &'static str = "quickadd://open";
}

/// What the page is asked to show once it listens (see `deep_link::PendingOpen`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingPage {
    pub date: Option<NaiveDate>,
    pub quick_add: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_has_the_ui_shape() {
        let nav = serde_json::to_value(NavigateDate {
            date: "2026-03-01".parse().unwrap(),
        })
        .unwrap();
        assert_eq!(nav, serde_json::json!({"date": "2026-03-01"}));
        assert_eq!(NavigateDate::NAME, "navigate://date");
    }
}
