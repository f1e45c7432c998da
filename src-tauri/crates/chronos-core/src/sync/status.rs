//! Per-account sync status (`sync://status` in the UI), derived from the progress stream.

use crate::error::ErrorKind;
use crate::model::AccountId;
use crate::sync::progress::{SyncOutcome, SyncProgress};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

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

/// A status change, as broadcast to subscribers.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChanged {
    pub account: AccountId,
    pub status: AccountStatus,
    /// Local changes not yet on Google (every outbox entry of the account, whatever its state).
    pub pending_changes: usize,
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
    pending: usize,
}

/// Holds every account's status and folds progress events into it.
pub struct StatusBoard {
    inner: Mutex<HashMap<AccountId, Entry>>,
    tx: broadcast::Sender<StatusChanged>,
}

impl Default for StatusBoard {
    fn default() -> Self {
        Self::new()
    }
}

impl StatusBoard {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(256);
        Self {
            inner: Mutex::new(HashMap::new()),
            tx,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<StatusChanged> {
        self.tx.subscribe()
    }

    pub fn get(&self, account: &AccountId) -> AccountStatus {
        self.inner
            .lock()
            .unwrap()
            .get(account)
            .and_then(|e| e.status.clone())
            .unwrap_or(AccountStatus::Idle)
    }

    pub fn all(&self) -> Vec<StatusChanged> {
        let inner = self.inner.lock().unwrap();
        let mut v: Vec<_> = inner
            .iter()
            .map(|(a, e)| StatusChanged {
                account: a.clone(),
                status: e.status.clone().unwrap_or(AccountStatus::Idle),
                pending_changes: e.pending,
            })
            .collect();
        v.sort_by(|a, b| a.account.cmp(&b.account));
        v
    }

    /// Seeds an account's last successful sync (from the store, at start-up).
    pub fn seed(&self, account: &AccountId, last_sync: Option<DateTime<Utc>>, needs_reauth: bool) {
        let status = if needs_reauth {
            AccountStatus::NeedsReauth
        } else {
            match last_sync {
                Some(t) => AccountStatus::UpToDate { last_sync: t },
                None => AccountStatus::Idle,
            }
        };
        {
            let mut inner = self.inner.lock().unwrap();
            let e = inner.entry(account.clone()).or_default();
            e.last_success = last_sync;
        }
        self.set(account, status);
    }

    /// Sets a status directly (needs re-auth found outside a run, reconnection, removal).
    pub fn set(&self, account: &AccountId, status: AccountStatus) {
        let changed = {
            let mut inner = self.inner.lock().unwrap();
            let e = inner.entry(account.clone()).or_default();
            let changed = e.status.as_ref() != Some(&status);
            e.status = Some(status.clone());
            changed.then_some(e.pending)
        };
        if let Some(pending_changes) = changed {
            let _ = self.tx.send(StatusChanged {
                account: account.clone(),
                status,
                pending_changes,
            });
        }
    }

    /// The account's count of unsent local changes.
    pub fn pending(&self, account: &AccountId) -> usize {
        self.inner
            .lock()
            .unwrap()
            .get(account)
            .map_or(0, |e| e.pending)
    }

    /// Records the count of unsent local changes (after an edit or a drain); subscribers hear of
    /// it only when it changed.
    pub fn set_pending(&self, account: &AccountId, pending: usize) {
        let changed = {
            let mut inner = self.inner.lock().unwrap();
            let e = inner.entry(account.clone()).or_default();
            let changed = e.pending != pending;
            e.pending = pending;
            changed.then(|| e.status.clone().unwrap_or(AccountStatus::Idle))
        };
        if let Some(status) = changed {
            let _ = self.tx.send(StatusChanged {
                account: account.clone(),
                status,
                pending_changes: pending,
            });
        }
    }

    pub fn remove(&self, account: &AccountId) {
        self.inner.lock().unwrap().remove(account);
        let _ = self.tx.send(StatusChanged {
            account: account.clone(),
            status: AccountStatus::Idle,
            pending_changes: 0,
        });
    }

    /// Folds one progress event into the account's status.
    pub fn apply(&self, event: &SyncProgress) {
        let account = event.account().clone();
        let next = {
            let mut inner = self.inner.lock().unwrap();
            let e = inner.entry(account.clone()).or_default();
            let last_sync = e.last_success;
            let mut running = match &e.status {
                Some(AccountStatus::Syncing { progress, .. }) => progress.clone(),
                _ => RunningProgress::default(),
            };
            match event {
                // A run begins with no calendars named; `SyncStarted` names them.
                SyncProgress::RunBegun { .. } | SyncProgress::SyncStarted { .. } => {
                    e.first_failure = None;
                    e.failures = 0;
                    let calendars_total = match event {
                        SyncProgress::SyncStarted { calendars, .. } => calendars.len() as u32,
                        _ => 0,
                    };
                    running = RunningProgress {
                        calendars_total,
                        ..Default::default()
                    };
                    Some(AccountStatus::Syncing {
                        progress: running,
                        last_sync,
                    })
                }
                SyncProgress::CalendarProgress { .. } => {
                    // Per-calendar counts are cumulative; the account total is recomputed on
                    // done. While running, show the largest calendar count seen plus finished ones.
                    if let SyncProgress::CalendarProgress { events_fetched, .. } = event {
                        running.events_fetched = running.events_fetched.max(*events_fetched);
                    }
                    Some(AccountStatus::Syncing {
                        progress: running,
                        last_sync,
                    })
                }
                SyncProgress::CalendarDone { .. } => {
                    running.calendars_done += 1;
                    Some(AccountStatus::Syncing {
                        progress: running,
                        last_sync,
                    })
                }
                SyncProgress::CalendarFailed {
                    kind,
                    retryable,
                    message,
                    ..
                } => {
                    e.failures += 1;
                    if e.first_failure.is_none() {
                        e.first_failure = Some(FirstFailure {
                            kind: *kind,
                            retryable: *retryable,
                            message: message.clone(),
                        });
                    }
                    running.calendars_failed += 1;
                    Some(AccountStatus::Syncing {
                        progress: running,
                        last_sync,
                    })
                }
                SyncProgress::SyncFinished {
                    outcome,
                    finished_at,
                    resume_after,
                    totals,
                    duration_ms,
                    error,
                    ..
                } => {
                    let run_error = error.as_ref().map(|f| FirstFailure {
                        kind: f.kind,
                        retryable: f.retryable,
                        message: f.message.clone(),
                    });
                    let failure = e.first_failure.take().or(run_error.clone());
                    let status = match outcome {
                        SyncOutcome::Completed => {
                            e.last_success = Some(*finished_at);
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
                    };
                    Some(status)
                }
            }
        };
        if let Some(status) = next {
            self.set(&account, status);
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
        let board = StatusBoard::new();
        let mut rx = board.subscribe();
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
        board.apply(&SyncProgress::CalendarDone {
            account: a(),
            calendar: CalendarId::new("c1"),
            added: 1,
            updated: 0,
            deleted: 0,
            skipped: 0,
        });
        match board.get(&a()) {
            AccountStatus::Syncing { progress, .. } => {
                assert_eq!(progress.calendars_total, 2);
                assert_eq!(progress.calendars_done, 1);
            }
            s => panic!("{s:?}"),
        }
        board.apply(&finished(SyncOutcome::Completed, 1000));
        let last = DateTime::from_timestamp(1000, 0).unwrap();
        assert_eq!(board.get(&a()), AccountStatus::UpToDate { last_sync: last });
        let mut seen = Vec::new();
        while let Ok(s) = rx.try_recv() {
            seen.push(s.status.label());
        }
        assert_eq!(seen, vec!["syncing", "syncing", "up to date"]);
        let v = serde_json::to_value(board.get(&a())).unwrap();
        assert_eq!(v["state"], "upToDate");
        assert_eq!(v["lastSync"], "1970-01-01T00:16:40Z");
    }

    #[test]
    fn partial_failure_reports_the_first_failure_and_keeps_last_sync() {
        let board = StatusBoard::new();
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
        let board = StatusBoard::new();
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

    #[test]
    fn the_pending_count_travels_with_the_status_and_is_announced_only_on_change() {
        let board = StatusBoard::new();
        let mut rx = board.subscribe();
        board.set_pending(&a(), 2);
        board.set_pending(&a(), 2);
        board.apply(&finished(SyncOutcome::Completed, 1000));
        board.set_pending(&a(), 0);
        let seen: Vec<(&str, usize)> = std::iter::from_fn(|| rx.try_recv().ok())
            .map(|s| (s.status.label(), s.pending_changes))
            .collect();
        assert_eq!(
            seen,
            vec![("idle", 2), ("up to date", 2), ("up to date", 0)]
        );
        assert_eq!(board.pending(&a()), 0);
        board.set_pending(&a(), 3);
        assert_eq!(board.all()[0].pending_changes, 3);
        assert_eq!(
            serde_json::to_value(&board.all()[0]).unwrap()["pendingChanges"],
            3
        );
    }
}
