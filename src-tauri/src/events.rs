//! The events the shell emits to the UI: their names and payloads (mirrors `ui/src/api/events.ts`
//! and the payload types in `ui/src/api/types.ts`), made from the engine's views.

use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use chronos_core::feed::{AccountView, CalendarRunState, RunSnapshot};
use chronos_core::model::AccountId;
use chronos_core::sync::progress::FailureInfo;
use chronos_core::sync::status::AccountStatus;
use chronos_core::ErrorKind;
use serde::Serialize;
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

impl SyncProgress {
    /// A run's snapshot in the UI's shape.
    pub fn of(account: &AccountId, run: &RunSnapshot) -> Self {
        SyncProgress {
            account_id: account.as_str().to_owned(),
            calendars_total: run.calendars_total(),
            calendars_done: run.calendars_done(),
            events_fetched: run.events_fetched(),
            calendars: run
                .calendars
                .iter()
                .map(|c| CalendarProgress {
                    calendar_id: c.calendar.as_str().to_owned(),
                    summary: c.summary.clone(),
                    events_fetched: c.events_fetched,
                    pages: c.pages,
                    state: match c.state {
                        CalendarRunState::Waiting => CalendarSyncState::Waiting,
                        CalendarRunState::Running => CalendarSyncState::Running,
                        CalendarRunState::Done => CalendarSyncState::Done,
                        CalendarRunState::Failed => CalendarSyncState::Failed,
                    },
                    error: c.error.as_ref().map(failure),
                })
                .collect(),
        }
    }
}

fn failure(f: &FailureInfo) -> AppError {
    AppError {
        retryable: f.retryable,
        ..AppError::new(f.kind, f.message.clone())
    }
}

impl From<&AccountView> for SyncStatus {
    /// The core's account view in the UI's shape; a syncing status carries the run's progress.
    fn from(view: &AccountView) -> Self {
        let (state, error) = match &view.status {
            AccountStatus::Idle => (SyncState::Idle, None),
            AccountStatus::Syncing { .. } => (SyncState::Syncing, None),
            AccountStatus::UpToDate { .. } => (SyncState::UpToDate, None),
            AccountStatus::Error {
                kind,
                message,
                retryable,
                ..
            } => (
                SyncState::Error,
                Some(AppError {
                    retryable: *retryable,
                    ..AppError::new(*kind, message.clone())
                }),
            ),
            AccountStatus::NeedsReauth => (
                SyncState::NeedsReauth,
                Some(AppError::new(
                    ErrorKind::NeedsReauth,
                    format!("{} must be reconnected", view.account.as_str()),
                )),
            ),
            AccountStatus::Quota { resume_after, .. } => (
                SyncState::Error,
                Some(AppError {
                    retryable: true,
                    ..AppError::new(
                        ErrorKind::QuotaExceeded,
                        format!(
                            "Google's usage limit is reached; syncing resumes at {}",
                            resume_after.with_timezone(&chrono::Local).format("%H:%M")
                        ),
                    )
                }),
            ),
        };
        let progress = match (&view.run, state) {
            (Some(run), SyncState::Syncing) => Some(SyncProgress::of(&view.account, run)),
            _ => None,
        };
        SyncStatus {
            account_id: view.account.as_str().to_owned(),
            state,
            last_sync_at: view.status.last_sync(),
            error,
            pending_changes: view.pending_changes as u32,
            progress,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
