//! Where sync status meets the desktop: the latest status per account, forwarded to the UI as
//! events (progress throttled), to the tray, and — once per problem — to a desktop notification.
//! Sync requests from the button, the tray and deep links all enter here.

use crate::events::{emit, Admit, SyncProgress, SyncState, SyncStatus, Throttle};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager, Runtime};

/// At most ~10 progress events a second per account reach the UI.
pub const PROGRESS_GAP: Duration = Duration::from_millis(100);

#[derive(Default)]
pub struct SyncHub {
    statuses: Mutex<BTreeMap<String, SyncStatus>>,
    progress: Mutex<HashMap<String, ProgressSlot>>,
    notices: Mutex<ProblemNotices>,
}

struct ProgressSlot {
    throttle: Throttle,
    /// The newest progress of the current run (sent or not).
    latest: Option<SyncProgress>,
    /// Whether `latest` still waits for a deferred send (already scheduled when true).
    unsent: bool,
    /// Between a run's start and its end. Progress outside a run is stale and never sent: the
    /// UI would show "syncing" again after "up to date".
    active: bool,
}

impl Default for ProgressSlot {
    fn default() -> Self {
        ProgressSlot {
            throttle: Throttle::new(PROGRESS_GAP),
            latest: None,
            unsent: false,
            active: false,
        }
    }
}

impl SyncHub {
    pub fn statuses(&self) -> Vec<SyncStatus> {
        self.statuses
            .lock()
            .expect("status lock")
            .values()
            .cloned()
            .collect()
    }

    /// The newest progress of the current or just-finished run: a "syncing" status that arrives
    /// after the run's last progress must not show less than that.
    pub fn progress_of(&self, account_id: &str) -> Option<SyncProgress> {
        let slots = self.progress.lock().expect("progress lock");
        slots.get(account_id).and_then(|s| s.latest.clone())
    }

    pub fn forget(&self, account_id: &str) {
        self.statuses
            .lock()
            .expect("status lock")
            .remove(account_id);
        self.progress
            .lock()
            .expect("progress lock")
            .remove(account_id);
    }

    /// Records and forwards one account's status: `sync://status`, the tray, a notification.
    /// A syncing status carries the run's newest progress, so the two streams never disagree.
    pub fn publish_status<R: Runtime>(&self, app: &AppHandle<R>, mut status: SyncStatus) {
        if status.state == SyncState::Syncing {
            status.progress = self.progress_of(&status.account_id).or(status.progress);
        } else {
            status.progress = None;
            if let Some(slot) = self
                .progress
                .lock()
                .expect("progress lock")
                .get_mut(&status.account_id)
            {
                slot.active = false;
                slot.unsent = false;
            }
        }
        self.statuses
            .lock()
            .expect("status lock")
            .insert(status.account_id.clone(), status.clone());
        emit(app, &status);
        crate::tray::refresh(app);
        let notice = self.notices.lock().expect("notice lock").on_status(&status);
        if let Some(notice) = notice {
            crate::notify::show(app, &notice.title, &notice.body);
        }
    }

    /// A run started: its progress may flow.
    pub fn begin_run(&self, account_id: &str) {
        let mut slots = self.progress.lock().expect("progress lock");
        let slot = slots.entry(account_id.to_owned()).or_default();
        slot.active = true;
        slot.latest = None;
        slot.unsent = false;
    }

    /// A run ended: its last progress goes out at once (not throttled), then nothing more.
    ///
    /// Status and progress reach the shell on two streams. When the status one ran ahead, the
    /// run's final status went out before this run's first progress, which then showed
    /// "Syncing" again behind it: the settled status is said once more, last.
    pub fn end_run<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        account_id: &str,
        last: Option<SyncProgress>,
    ) {
        let was_active = {
            let mut slots = self.progress.lock().expect("progress lock");
            let slot = slots.entry(account_id.to_owned()).or_default();
            let was = slot.active;
            slot.active = false;
            slot.unsent = false;
            if let Some(last) = &last {
                slot.latest = Some(last.clone());
            }
            was
        };
        if let Some(last) = last.filter(|_| was_active) {
            self.send_progress(app, last);
        }
        let settled = self
            .statuses
            .lock()
            .expect("status lock")
            .get(account_id)
            .filter(|s| s.state != SyncState::Syncing)
            .cloned();
        if let Some(status) = settled {
            emit(app, &status);
            crate::tray::refresh(app);
        }
    }

    /// Forwards progress, throttled per account; the newest value goes out when the gap ends.
    pub fn publish_progress<R: Runtime>(
        self: &Arc<Self>,
        app: &AppHandle<R>,
        progress: SyncProgress,
    ) {
        let account = progress.account_id.clone();
        let delay = {
            let mut slots = self.progress.lock().expect("progress lock");
            let slot = slots.entry(account.clone()).or_default();
            if !slot.active {
                return;
            }
            slot.latest = Some(progress.clone());
            match slot.throttle.admit(Instant::now()) {
                Admit::Now => {
                    slot.unsent = false;
                    None
                }
                Admit::After(d) => {
                    if slot.unsent {
                        return;
                    }
                    slot.unsent = true;
                    Some(d)
                }
            }
        };
        match delay {
            None => self.send_progress(app, progress),
            Some(d) => {
                let hub = Arc::clone(self);
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    tokio::time::sleep(d).await;
                    let latest = {
                        let mut slots = hub.progress.lock().expect("progress lock");
                        slots.get_mut(&account).and_then(|slot| {
                            if !(slot.active && slot.unsent) {
                                return None;
                            }
                            slot.unsent = false;
                            slot.throttle.admit(Instant::now());
                            slot.latest.clone()
                        })
                    };
                    if let Some(p) = latest {
                        hub.send_progress(&app, p);
                    }
                });
            }
        }
    }

    fn send_progress<R: Runtime>(&self, app: &AppHandle<R>, progress: SyncProgress) {
        emit(app, &progress);
        // A syncing status shows the same numbers (for `sync_status` and the tray).
        let updated = {
            let mut statuses = self.statuses.lock().expect("status lock");
            let status = statuses
                .entry(progress.account_id.clone())
                .or_insert_with(|| SyncStatus {
                    account_id: progress.account_id.clone(),
                    state: SyncState::Syncing,
                    last_sync_at: None,
                    error: None,
                    pending_changes: 0,
                    progress: None,
                });
            (status.state == SyncState::Syncing).then(|| {
                status.progress = Some(progress.clone());
                status.clone()
            })
        };
        if let Some(status) = updated {
            emit(app, &status);
            crate::tray::refresh(app);
        }
    }
}

/// A desktop notification to show.
#[derive(Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// Remembers which problem each account was last notified about, so a background sync failing
/// every five minutes produces one notification, not one per attempt.
#[derive(Default)]
pub struct ProblemNotices {
    notified: HashMap<String, String>,
}

impl ProblemNotices {
    pub fn on_status(&mut self, status: &SyncStatus) -> Option<Notice> {
        let problem = match status.state {
            SyncState::NeedsReauth => "needs_reauth".to_owned(),
            SyncState::Error => {
                format!(
                    "error:{}",
                    status.error.as_ref().map_or("unknown", |e| e.kind.as_str())
                )
            }
            SyncState::UpToDate => {
                self.notified.remove(&status.account_id);
                return None;
            }
            SyncState::Idle | SyncState::Syncing => return None,
        };
        if self.notified.get(&status.account_id) == Some(&problem) {
            return None;
        }
        self.notified.insert(status.account_id.clone(), problem);
        Some(match status.state {
            SyncState::NeedsReauth => Notice {
                title: "Chronos needs you to sign in again".to_owned(),
                body: format!(
                    "{} must be reconnected before it can sync.",
                    status.account_id
                ),
            },
            _ => Notice {
                title: "Chronos could not sync".to_owned(),
                body: match &status.error {
                    Some(e) => format!("{}: {}", status.account_id, e.message),
                    None => format!("{}: the last sync failed.", status.account_id),
                },
            },
        })
    }
}

/// A sync request from the Sync button, the tray or a deep link. Every trigger goes through the
/// engine's scheduler, which joins a run already in flight.
pub fn request_sync<R: Runtime>(app: &AppHandle<R>, account_id: Option<String>, source: &str) {
    let app = app.clone();
    let source = source.to_owned();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = crate::engine::sync_now(&app, account_id).await {
            tracing::warn!(source, kind = %e.kind, error = %e.message, "sync request failed");
        }
    });
}

/// The hub in app state.
pub fn hub<R: Runtime>(app: &AppHandle<R>) -> Arc<SyncHub> {
    Arc::clone(&app.state::<Arc<SyncHub>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use chronos_core::ErrorKind;

    fn status(state: SyncState, error: Option<AppError>) -> SyncStatus {
        SyncStatus {
            account_id: "a@example.com".into(),
            state,
            last_sync_at: None,
            error,
            pending_changes: 0,
            progress: None,
        }
    }

    #[test]
    fn one_notice_per_problem() {
        let mut n = ProblemNotices::default();
        let offline = || Some(AppError::new(ErrorKind::Offline, "no network"));
        assert!(n.on_status(&status(SyncState::Error, offline())).is_some());
        assert!(n.on_status(&status(SyncState::Syncing, None)).is_none());
        assert!(
            n.on_status(&status(SyncState::Error, offline())).is_none(),
            "same problem again"
        );
        let reauth = n
            .on_status(&status(SyncState::NeedsReauth, None))
            .expect("a new problem");
        assert!(reauth.title.contains("sign in"));
        assert!(n.on_status(&status(SyncState::NeedsReauth, None)).is_none());
        assert!(n.on_status(&status(SyncState::UpToDate, None)).is_none());
        assert!(
            n.on_status(&status(SyncState::Error, offline())).is_some(),
            "after recovery"
        );
    }
}
