//! What front ends are told about syncing, in the page's shape: an account's status with its
//! running sync, what a run did, and "changed" notices. Made from the feed's views.

use crate::feed::{AccountView, CalendarRunState, RunFinished, RunSnapshot};
use crate::model::{AccountId, CalendarId};
use crate::sync::status::AccountStatus;
use crate::view::ErrorView;
use crate::ErrorKind;
use chrono::{DateTime, Utc};
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// A payload front ends receive as a named event (the page listens by these names).
pub trait UiEvent: Serialize + Clone {
    const NAME: &'static str;
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct CalendarProgress {
    pub calendar_id: String,
    pub summary: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events_fetched: u64,
    pub pages: u32,
    pub state: CalendarRunState,
    pub error: Option<ErrorView>,
}

/// `sync://progress`: where the account's running sync is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub account_id: String,
    pub calendars_total: u32,
    pub calendars_done: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events_fetched: u64,
    pub calendars: Vec<CalendarProgress>,
}

impl UiEvent for SyncProgress {
    const NAME: &'static str = "sync://progress";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Idle,
    Syncing,
    UpToDate,
    Error,
    NeedsReauth,
}

/// `sync://status`: one account's sync state (also what `sync_status` returns per account).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub account_id: String,
    pub state: SyncState,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub error: Option<ErrorView>,
    pub pending_changes: u32,
    pub progress: Option<SyncProgress>,
}

impl UiEvent for SyncStatus {
    const NAME: &'static str = "sync://status";
}

/// `sync://finished`: what one run did ("Synced 1,240 events from 5 calendars").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct SyncFinished {
    pub account_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    pub calendars: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub added: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub updated: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub deleted: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub duration_ms: u64,
}

impl UiEvent for SyncFinished {
    const NAME: &'static str = "sync://finished";
}

/// `outbox://changed`: local changes waiting for the server, and open conflicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct EventsChanged {
    pub account_id: String,
    pub calendar_ids: Vec<String>,
}

impl UiEvent for EventsChanged {
    const NAME: &'static str = "events://changed";
}

impl EventsChanged {
    pub fn of(account: &AccountId, calendars: &[CalendarId]) -> Self {
        EventsChanged {
            account_id: account.as_str().to_owned(),
            calendar_ids: calendars.iter().map(|c| c.as_str().to_owned()).collect(),
        }
    }
}

impl SyncProgress {
    /// A run's snapshot in the page's shape.
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
                    state: c.state,
                    error: c.error.as_ref().map(ErrorView::from),
                })
                .collect(),
        }
    }
}

impl From<&RunFinished> for SyncFinished {
    fn from(end: &RunFinished) -> Self {
        let totals = end.totals;
        SyncFinished {
            account_id: end.account.as_str().to_owned(),
            events: totals.events_fetched,
            calendars: totals.calendars,
            added: totals.added,
            updated: totals.updated,
            deleted: totals.deleted,
            duration_ms: end.duration_ms,
        }
    }
}

/// An account's state in the page's words, with the error it shows.
fn state_of(view: &AccountView) -> (SyncState, Option<ErrorView>) {
    match &view.status {
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
            Some(ErrorView {
                retryable: *retryable,
                ..ErrorView::new(*kind, message.clone())
            }),
        ),
        AccountStatus::NeedsReauth => (
            SyncState::NeedsReauth,
            Some(ErrorView::new(
                ErrorKind::NeedsReauth,
                format!("{} must be reconnected", view.account.as_str()),
            )),
        ),
        AccountStatus::Quota { resume_after, .. } => (
            SyncState::Error,
            Some(ErrorView {
                retryable: true,
                ..ErrorView::new(
                    ErrorKind::QuotaExceeded,
                    format!(
                        "Google's usage limit is reached; syncing resumes at {}",
                        resume_after.with_timezone(&chrono::Local).format("%H:%M")
                    ),
                )
            }),
        ),
    }
}

impl From<&AccountView> for SyncStatus {
    /// The feed's account view in the page's shape; a syncing status carries the run's progress.
    fn from(view: &AccountView) -> Self {
        let (state, error) = state_of(view);
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
        assert_eq!(SyncProgress::NAME, "sync://progress");
        assert_eq!(
            serde_json::to_value(CalendarRunState::Waiting).unwrap(),
            "waiting"
        );
    }

    #[test]
    fn a_needs_reauth_account_says_who_must_reconnect() {
        let view = AccountView {
            account: AccountId::new("a@example.com"),
            status: AccountStatus::NeedsReauth,
            pending_changes: 3,
            conflicts: 0,
            run: Some(RunSnapshot::default()),
        };
        let status = SyncStatus::from(&view);
        assert_eq!(status.state, SyncState::NeedsReauth);
        let error = status.error.expect("an error to show");
        assert_eq!(error.kind, ErrorKind::NeedsReauth);
        assert!(error.message.contains("a@example.com"));
        assert_eq!(status.pending_changes, 3);
        assert!(status.progress.is_none(), "progress only while syncing");
    }
}
