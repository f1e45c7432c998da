//! Per-account sync status (`sync://status` in the UI), derived from the progress stream.

use crate::error::ErrorKind;
use crate::model::AccountId;
use crate::sync::progress::{SyncOutcome, SyncProgress};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// How far a running sync has come.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunningProgress {
    pub calendars_total: u32,
    pub calendars_done: u32,
    pub calendars_failed: u32,
    pub events_fetched: u64,
}

/// What the UI shows for one account.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum AccountStatus {
    /// Never synced since start-up.
    Idle,
    Syncing {
        progress: RunningProgress,
        #[serde(skip_serializing_if = "Option::is_none")]
        last_sync: Option<DateTime<Utc>>,
    },
    UpToDate {
        last_sync: DateTime<Utc>,
    },
    Error {
        kind: ErrorKind,
        message: String,
        retryable: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        last_sync: Option<DateTime<Utc>>,
    },
    /// The grant was revoked or expired: the user must reconnect; syncs are stopped.
    NeedsReauth,
    /// Google's usage quota is exhausted; syncs wait until `resume_after`.
    Quota {
        resume_after: DateTime<Utc>,
        #[serde(skip_serializing_if = "Option::is_none")]
        last_sync: Option<DateTime<Utc>>,
    },
}

impl AccountStatus {
    pub fn last_sync(&self) -> Option<DateTime<Utc>> {
        match self {
            AccountStatus::Idle | AccountStatus::NeedsReauth => None,
            AccountStatus::UpToDate { last_sync } => Some(*last_sync),
            AccountStatus::Syncing { last_sync, .. }
            | AccountStatus::Error { last_sync, .. }
            | AccountStatus::Quota { last_sync, .. } => *last_sync,
        }
    }

    /// A short label for the CLI and the tray.
    pub fn label(&self) -> &'static str {
        match self {
            AccountStatus::Idle => "idle",
            AccountStatus::Syncing { .. } => "syncing",
            AccountStatus::UpToDate { .. } => "up to date",
            AccountStatus::Error { .. } => "error",
            AccountStatus::NeedsReauth => "needs re-auth",
            AccountStatus::Quota { .. } => "quota exceeded",
        }
    }
}

#[derive(Clone, Debug)]
struct FirstFailure {
    kind: ErrorKind,
    retryable: bool,
    message: String,
}

#[derive(Default)]
struct Entry {
    status: Option<AccountStatus>,
    last_success: Option<DateTime<Utc>>,
    first_failure: Option<FirstFailure>,
    failures: u32,
}

/// Every account's status, folded from its runs' progress. A plain value: the engine's feed
/// holds it under the same lock as the rest of its fold, so a status and the progress that
/// caused it are published in order.
#[derive(Default)]
pub struct StatusBoard {
    accounts: HashMap<AccountId, Entry>,
}

impl StatusBoard {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, account: &AccountId) -> AccountStatus {
        self.accounts
            .get(account)
            .and_then(|e| e.status.clone())
            .unwrap_or(AccountStatus::Idle)
    }

    /// Seeds an account's last successful sync (from the store, at start-up).
    pub fn seed(
        &mut self,
        account: &AccountId,
        last_sync: Option<DateTime<Utc>>,
        needs_reauth: bool,
    ) -> bool {
        let status = if needs_reauth {
            AccountStatus::NeedsReauth
        } else {
            match last_sync {
                Some(t) => AccountStatus::UpToDate { last_sync: t },
                None => AccountStatus::Idle,
            }
        };
        self.accounts
            .entry(account.clone())
            .or_default()
            .last_success = last_sync;
        self.set(account, status)
    }

    /// Sets a status directly (needs re-auth found outside a run, reconnection); true when it
    /// changed.
    pub fn set(&mut self, account: &AccountId, status: AccountStatus) -> bool {
        let e = self.accounts.entry(account.clone()).or_default();
        let changed = e.status.as_ref() != Some(&status);
        e.status = Some(status);
        changed
    }

    pub fn remove(&mut self, account: &AccountId) {
        self.accounts.remove(account);
    }

    /// Folds one progress event into the account's status.
    pub fn apply(&mut self, event: &SyncProgress) -> bool {
        let account = event.account().clone();
        let next = self
            .accounts
            .entry(account.clone())
            .or_default()
            .fold(event);
        self.set(&account, next)
    }
}

impl Entry {
    /// The account's status after `event`; keeps the run's failures and the last success.
    fn fold(&mut self, event: &SyncProgress) -> AccountStatus {
        let last_sync = self.last_success;
        let mut running = match &self.status {
            Some(AccountStatus::Syncing { progress, .. }) => progress.clone(),
            _ => RunningProgress::default(),
        };
        match event {
            // A run begins with no calendars named; `SyncStarted` names them.
            SyncProgress::RunBegun { .. } | SyncProgress::SyncStarted { .. } => {
                self.first_failure = None;
                self.failures = 0;
                let calendars_total = match event {
                    SyncProgress::SyncStarted { calendars, .. } => calendars.len() as u32,
                    _ => 0,
                };
                running = RunningProgress {
                    calendars_total,
                    ..Default::default()
                };
            }
            SyncProgress::CalendarProgress { events_fetched, .. } => {
                // Per-calendar counts are cumulative; the account total is recomputed on
                // done. While running, show the largest calendar count seen plus finished ones.
                running.events_fetched = running.events_fetched.max(*events_fetched);
            }
            SyncProgress::CalendarDone { .. } => running.calendars_done += 1,
            SyncProgress::CalendarFailed {
                kind,
                retryable,
                message,
                ..
            } => {
                self.failures += 1;
                if self.first_failure.is_none() {
                    self.first_failure = Some(FirstFailure {
                        kind: *kind,
                        retryable: *retryable,
                        message: message.clone(),
                    });
                }
                running.calendars_failed += 1;
            }
            SyncProgress::SyncFinished { .. } => return self.finished(event, last_sync),
        }
        AccountStatus::Syncing {
            progress: running,
            last_sync,
        }
    }

    /// The status a finished run leaves (`event` is its `SyncFinished`).
    fn finished(
        &mut self,
        event: &SyncProgress,
        last_sync: Option<DateTime<Utc>>,
    ) -> AccountStatus {
        let SyncProgress::SyncFinished {
            outcome,
            finished_at,
            resume_after,
            totals,
            duration_ms,
            error,
            ..
        } = event
        else {
            unreachable!("finished is called with a SyncFinished event");
        };
        let run_error = error.as_ref().map(|f| FirstFailure {
            kind: f.kind,
            retryable: f.retryable,
            message: f.message.clone(),
        });
        let failure = self.first_failure.take().or(run_error.clone());
        match outcome {
            SyncOutcome::Completed => {
                self.last_success = Some(*finished_at);
                AccountStatus::UpToDate {
                    last_sync: *finished_at,
                }
            }
            SyncOutcome::NeedsReauth => AccountStatus::NeedsReauth,
            SyncOutcome::QuotaExceeded => AccountStatus::Quota {
                resume_after: resume_after.unwrap_or(*finished_at),
                last_sync,
            },
            SyncOutcome::TimedOut => AccountStatus::Error {
                kind: ErrorKind::Timeout,
                message: run_error.map(|f| f.message).unwrap_or_else(|| {
                    format!(
                        "the sync took too long and was stopped after {} s; what was \
                     fetched is kept and the next sync continues from there",
                        duration_ms / 1000
                    )
                }),
                retryable: true,
                last_sync,
            },
            SyncOutcome::Cancelled => AccountStatus::Error {
                kind: ErrorKind::Cancelled,
                message: "the sync was cancelled".into(),
                retryable: true,
                last_sync,
            },
            SyncOutcome::Partial | SyncOutcome::Failed => {
                let f = failure.unwrap_or(FirstFailure {
                    kind: ErrorKind::Internal,
                    retryable: true,
                    message: "the sync failed".into(),
                });
                let message = if *outcome == SyncOutcome::Partial {
                    format!(
                        "{} of {} calendars failed to sync: {}",
                        totals.calendars_failed, totals.calendars, f.message
                    )
                } else {
                    f.message
                };
                AccountStatus::Error {
                    kind: f.kind,
                    message,
                    retryable: f.retryable,
                    last_sync,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CalendarId;
    use crate::sync::progress::{CalendarRef, SyncTotals};

    fn a() -> AccountId {
        AccountId::new("a@example.com")
    }

    fn finished(outcome: SyncOutcome, t: i64) -> SyncProgress {
        SyncProgress::SyncFinished {
            account: a(),
            totals: SyncTotals {
                calendars: 3,
                calendars_failed: 1,
                ..Default::default()
            },
            duration_ms: 301_000,
            outcome,
            finished_at: DateTime::from_timestamp(t, 0).unwrap(),
            resume_after: Some(DateTime::from_timestamp(t + 3600, 0).unwrap()),
            error: None,
        }
    }

    #[test]
    fn a_run_moves_through_syncing_to_up_to_date() {
        let mut board = StatusBoard::new();
        let mut seen = Vec::new();
        assert_eq!(board.get(&a()), AccountStatus::Idle);
        board.apply(&SyncProgress::SyncStarted {
            account: a(),
            calendars: vec![
                CalendarRef {
                    id: CalendarId::new("c1"),
                    summary: "One".into(),
                },
                CalendarRef {
                    id: CalendarId::new("c2"),
                    summary: "Two".into(),
                },
            ],
        });
        seen.push(board.get(&a()).label());
        let changed = board.apply(&SyncProgress::CalendarDone {
            account: a(),
            calendar: CalendarId::new("c1"),
            added: 1,
            updated: 0,
            deleted: 0,
            skipped: 0,
        });
        assert!(changed, "one more calendar done is a change");
        match board.get(&a()) {
            AccountStatus::Syncing { progress, .. } => {
                assert_eq!(progress.calendars_total, 2);
                assert_eq!(progress.calendars_done, 1);
            }
            s => panic!("{s:?}"),
        }
        assert!(board.apply(&finished(SyncOutcome::Completed, 1000)));
        let last = DateTime::from_timestamp(1000, 0).unwrap();
        assert_eq!(board.get(&a()), AccountStatus::UpToDate { last_sync: last });
        seen.push(board.get(&a()).label());
        assert_eq!(seen, vec!["syncing", "up to date"]);
        assert!(
            !board.set(&a(), AccountStatus::UpToDate { last_sync: last }),
            "the same status again is no change"
        );
        let v = serde_json::to_value(board.get(&a())).unwrap();
        assert_eq!(v["state"], "upToDate");
        assert_eq!(v["lastSync"], "1970-01-01T00:16:40Z");
    }

    #[test]
    fn partial_failure_reports_the_first_failure_and_keeps_last_sync() {
        let mut board = StatusBoard::new();
        board.apply(&finished(SyncOutcome::Completed, 1000));
        board.apply(&SyncProgress::SyncStarted {
            account: a(),
            calendars: vec![],
        });
        board.apply(&SyncProgress::CalendarFailed {
            account: a(),
            calendar: CalendarId::new("c3"),
            kind: ErrorKind::Forbidden,
            retryable: false,
            message: "no access to c3".into(),
        });
        board.apply(&finished(SyncOutcome::Partial, 2000));
        match board.get(&a()) {
            AccountStatus::Error {
                kind,
                message,
                retryable,
                last_sync,
            } => {
                assert_eq!(kind, ErrorKind::Forbidden);
                assert!(!retryable);
                assert!(message.contains("1 of 3 calendars"), "{message}");
                assert!(message.contains("no access to c3"));
                assert_eq!(last_sync, DateTime::from_timestamp(1000, 0));
            }
            s => panic!("{s:?}"),
        }
        let v = serde_json::to_value(board.get(&a())).unwrap();
        assert_eq!(v["state"], "error");
        assert_eq!(v["kind"], "forbidden");
    }

    #[test]
    fn quota_timeout_and_reauth_outcomes() {
        let mut board = StatusBoard::new();
        board.apply(&finished(SyncOutcome::QuotaExceeded, 10));
        assert_eq!(
            board.get(&a()),
            AccountStatus::Quota {
                resume_after: DateTime::from_timestamp(3610, 0).unwrap(),
                last_sync: None
            }
        );
        board.apply(&finished(SyncOutcome::TimedOut, 20));
        match board.get(&a()) {
            AccountStatus::Error {
                kind: ErrorKind::Timeout,
                retryable: true,
                message,
                ..
            } => {
                assert!(message.contains("301 s"), "{message}")
            }
            s => panic!("{s:?}"),
        }
        board.apply(&finished(SyncOutcome::NeedsReauth, 30));
        assert_eq!(board.get(&a()), AccountStatus::NeedsReauth);
        assert_eq!(
            serde_json::to_value(board.get(&a())).unwrap()["state"],
            "needsReauth"
        );
    }
}
