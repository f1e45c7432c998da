//! A running sync as front ends show it: one row per calendar, folded from the run's progress.

use crate::model::CalendarId;
use crate::sync::progress::{FailureInfo, SyncProgress};
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(rename = "CalendarSyncState"))]
#[serde(rename_all = "snake_case")]
pub enum CalendarRunState {
    Waiting,
    Running,
    Done,
    Failed,
}

/// What a finished calendar changed locally.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarChanges {
    pub added: u64,
    pub updated: u64,
    pub deleted: u64,
    pub skipped: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarRun {
    pub calendar: CalendarId,
    pub summary: String,
    pub events_fetched: u64,
    pub pages: u32,
    pub state: CalendarRunState,
    /// Set once the calendar is done.
    pub changes: Option<CalendarChanges>,
    /// Set when the calendar failed.
    pub error: Option<FailureInfo>,
}

/// One account's run so far. A run begins with no calendars (it sends the outbox and reads the
/// calendar list first); they appear when the run names them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSnapshot {
    pub calendars: Vec<CalendarRun>,
}

impl RunSnapshot {
    pub fn calendars_total(&self) -> u32 {
        self.calendars.len() as u32
    }

    /// Calendars finished, whether they synced or failed.
    pub fn calendars_done(&self) -> u32 {
        self.calendars
            .iter()
            .filter(|c| matches!(c.state, CalendarRunState::Done | CalendarRunState::Failed))
            .count() as u32
    }

    pub fn events_fetched(&self) -> u64 {
        self.calendars.iter().map(|c| c.events_fetched).sum()
    }

    /// Folds one progress event in (the account's `SyncFinished` is the feed's to handle).
    pub fn apply(&mut self, event: &SyncProgress) {
        match event {
            SyncProgress::RunBegun { .. } => self.calendars.clear(),
            SyncProgress::SyncStarted { calendars, .. } => {
                self.calendars = calendars
                    .iter()
                    .map(|c| CalendarRun::waiting(c.id.clone(), c.summary.clone()))
                    .collect();
            }
            SyncProgress::CalendarProgress {
                calendar,
                events_fetched,
                pages,
                ..
            } => {
                let row = self.row(calendar);
                row.events_fetched = *events_fetched;
                row.pages = *pages;
                row.state = CalendarRunState::Running;
            }
            SyncProgress::CalendarDone {
                calendar,
                added,
                updated,
                deleted,
                skipped,
                ..
            } => {
                let row = self.row(calendar);
                row.state = CalendarRunState::Done;
                row.changes = Some(CalendarChanges {
                    added: *added,
                    updated: *updated,
                    deleted: *deleted,
                    skipped: *skipped,
                });
            }
            SyncProgress::CalendarFailed {
                calendar,
                kind,
                retryable,
                message,
                ..
            } => {
                let row = self.row(calendar);
                row.state = CalendarRunState::Failed;
                row.error = Some(FailureInfo {
                    kind: *kind,
                    retryable: *retryable,
                    message: message.clone(),
                });
            }
            SyncProgress::SyncFinished { .. } => {}
        }
    }

    /// The calendar's row; a calendar the run did not name gets one (named by its id).
    fn row(&mut self, calendar: &CalendarId) -> &mut CalendarRun {
        let i = match self.calendars.iter().position(|c| &c.calendar == calendar) {
            Some(i) => i,
            None => {
                let name = calendar.as_str().to_owned();
                self.calendars
                    .push(CalendarRun::waiting(calendar.clone(), name));
                self.calendars.len() - 1
            }
        };
        &mut self.calendars[i]
    }
}

impl CalendarRun {
    fn waiting(calendar: CalendarId, summary: String) -> Self {
        CalendarRun {
            calendar,
            summary,
            events_fetched: 0,
            pages: 0,
            state: CalendarRunState::Waiting,
            changes: None,
            error: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::model::AccountId;
    use crate::sync::progress::CalendarRef;

    fn a() -> AccountId {
        AccountId::new("a@example.com")
    }

    fn cal(id: &str) -> CalendarId {
        CalendarId::new(id)
    }

    #[test]
    fn a_run_fills_in_calendar_by_calendar() {
        let mut run = RunSnapshot::default();
        run.apply(&SyncProgress::RunBegun { account: a() });
        assert_eq!(run.calendars_total(), 0);
        run.apply(&SyncProgress::SyncStarted {
            account: a(),
            calendars: vec![
                CalendarRef {
                    id: cal("c1"),
                    summary: "One".into(),
                },
                CalendarRef {
                    id: cal("c2"),
                    summary: "Two".into(),
                },
            ],
        });
        run.apply(&SyncProgress::CalendarProgress {
            account: a(),
            calendar: cal("c1"),
            events_fetched: 250,
            pages: 1,
        });
        run.apply(&SyncProgress::CalendarProgress {
            account: a(),
            calendar: cal("c2"),
            events_fetched: 40,
            pages: 1,
        });
        assert_eq!(run.events_fetched(), 290);
        assert_eq!(run.calendars_done(), 0);
        run.apply(&SyncProgress::CalendarDone {
            account: a(),
            calendar: cal("c1"),
            added: 250,
            updated: 0,
            deleted: 0,
            skipped: 1,
        });
        run.apply(&SyncProgress::CalendarFailed {
            account: a(),
            calendar: cal("c2"),
            kind: ErrorKind::Forbidden,
            retryable: false,
            message: "no access".into(),
        });
        assert_eq!((run.calendars_done(), run.calendars_total()), (2, 2));
        assert_eq!(run.calendars[0].state, CalendarRunState::Done);
        assert_eq!(run.calendars[0].changes.unwrap().skipped, 1);
        assert_eq!(run.calendars[1].state, CalendarRunState::Failed);
        assert_eq!(
            run.calendars[1].error.as_ref().unwrap().kind,
            ErrorKind::Forbidden
        );
    }

    #[test]
    fn a_calendar_the_run_did_not_name_gets_a_row_of_its_own() {
        let mut run = RunSnapshot::default();
        run.apply(&SyncProgress::CalendarProgress {
            account: a(),
            calendar: cal("late"),
            events_fetched: 5,
            pages: 1,
        });
        assert_eq!(run.calendars.len(), 1);
        assert_eq!(run.calendars[0].summary, "late");
        assert_eq!(run.calendars[0].state, CalendarRunState::Running);
        // A new run starts empty again.
        run.apply(&SyncProgress::RunBegun { account: a() });
        assert!(run.calendars.is_empty());
    }
}
