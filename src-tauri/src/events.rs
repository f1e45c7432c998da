//! The events the shell emits to the UI: their names and payloads (mirrors `ui/src/api/events.ts`
//! and the payload types in `ui/src/api/types.ts`), and the throttle for progress.

use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

/// A payload with its event name: `emit(&app, payload)` cannot pair a name with the wrong shape.
pub trait UiEvent: Serialize + Clone {
    const NAME: &'static str;
}

pub fn emit<R: Runtime, E: UiEvent>(app: &AppHandle<R>, payload: &E) {
    if let Err(e) = app.emit(E::NAME, payload.clone()) {
        tracing::warn!(event = E::NAME, error = %e, "could not emit an event to the UI");
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CalendarSyncState {
    Waiting,
    Running,
    Done,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CalendarProgress {
    pub calendar_id: String,
    pub summary: String,
    #[ts(type = "number")]
    pub events_fetched: u64,
    pub pages: u32,
    pub state: CalendarSyncState,
    pub error: Option<AppError>,
}

/// `sync://progress`: where the account's running sync is.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub account_id: String,
    pub calendars_total: u32,
    pub calendars_done: u32,
    #[ts(type = "number")]
    pub events_fetched: u64,
    pub calendars: Vec<CalendarProgress>,
}

impl UiEvent for SyncProgress {
    const NAME: &'static str = "sync://progress";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Idle,
    Syncing,
    UpToDate,
    Error,
    NeedsReauth,
}

/// `sync://status`: one account's sync state (also what `sync_status` returns per account).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub account_id: String,
    pub state: SyncState,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub error: Option<AppError>,
    pub pending_changes: u32,
    pub progress: Option<SyncProgress>,
}

impl UiEvent for SyncStatus {
    const NAME: &'static str = "sync://status";
}

/// `sync://finished`: what one run did ("Synced 1,240 events from 5 calendars").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncFinished {
    pub account_id: String,
    #[ts(type = "number")]
    pub events: u64,
    pub calendars: u32,
    #[ts(type = "number")]
    pub added: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub deleted: u64,
    #[ts(type = "number")]
    pub duration_ms: u64,
}

impl UiEvent for SyncFinished {
    const NAME: &'static str = "sync://finished";
}

/// `outbox://changed`: local changes waiting for the server, and open conflicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutboxChanged {
    pub account_id: String,
    pub pending_changes: u32,
    pub conflicts: u32,
}

impl UiEvent for OutboxChanged {
    const NAME: &'static str = "outbox://changed";
}

/// `events://changed`: the UI refetches its visible range. Empty `calendar_ids` = maybe all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventsChanged {
    pub account_id: String,
    pub calendar_ids: Vec<String>,
}

impl UiEvent for EventsChanged {
    const NAME: &'static str = "events://changed";
}

/// `navigate://date`: show this day (from `chronos://open?date=YYYY-MM-DD`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct NavigateDate {
    pub date: NaiveDate,
}

impl UiEvent for NavigateDate {
    const NAME: &'static str = "navigate://date";
}

/// Lets through at most one item per `min_gap`; what arrives in between waits for the gap to end.
///
/// Progress can arrive hundreds of times a second during a first sync; the UI needs ~10 a second.
/// The caller keeps the newest item and sends it when `Admit::After` elapses, so the last state
/// is never lost.
#[derive(Debug)]
pub struct Throttle {
    min_gap: Duration,
    last_sent: Option<Instant>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Admit {
    Now,
    After(Duration),
}

impl Throttle {
    pub fn new(min_gap: Duration) -> Self {
        Throttle {
            min_gap,
            last_sent: None,
        }
    }

    /// Asks to send at `now`. `Admit::Now` records the send; `After(d)` means "try again in d".
    pub fn admit(&mut self, now: Instant) -> Admit {
        match self.last_sent {
            Some(last) if now.duration_since(last) < self.min_gap => {
                Admit::After(self.min_gap - now.duration_since(last))
            }
            _ => {
                self.last_sent = Some(now);
                Admit::Now
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_spaces_sends_by_the_gap() {
        let gap = Duration::from_millis(100);
        let mut t = Throttle::new(gap);
        let t0 = Instant::now();
        assert_eq!(t.admit(t0), Admit::Now);
        assert_eq!(
            t.admit(t0 + Duration::from_millis(30)),
            Admit::After(Duration::from_millis(70))
        );
        assert_eq!(t.admit(t0 + Duration::from_millis(100)), Admit::Now);
        assert_eq!(
            t.admit(t0 + Duration::from_millis(150)),
            Admit::After(Duration::from_millis(50))
        );
    }

    #[test]
    fn payloads_have_the_ui_field_names() {
        let status = SyncStatus {
            account_id: "a@example.com".into(),
            state: SyncState::NeedsReauth,
            last_sync_at: None,
            error: None,
            pending_changes: 2,
            progress: None,
        };
        let v = serde_json::to_value(&status).unwrap();
        assert_eq!(v["accountId"], "a@example.com");
        assert_eq!(v["state"], "needs_reauth");
        assert_eq!(v["pendingChanges"], 2);
        let nav = serde_json::to_value(NavigateDate {
            date: "2026-03-01".parse().unwrap(),
        })
        .unwrap();
        assert_eq!(nav, serde_json::json!({"date": "2026-03-01"}));
        assert_eq!(SyncProgress::NAME, "sync://progress");
        assert_eq!(NavigateDate::NAME, "navigate://date");
    }
}
