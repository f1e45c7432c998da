//! The engine's feed, carried to the desktop: each event becomes the window's event of the same
//! meaning, a tray redraw and — once per problem — a notification. The core has already folded,
//! ordered and spaced everything; this only changes shape and skips what the window already has.

use crate::engine::Engine;
use crate::events::{emit, EventsChanged, OutboxChanged, SyncFinished, SyncProgress, SyncStatus};
use crate::notify::ProblemNotices;
use chronos_core::feed::{AccountView, EngineEvent, RunFinished};
use chronos_core::sync::progress::SyncOutcome;
use std::collections::HashMap;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;

/// Starts carrying the feed (call once, after the engine opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let Ok(chronos) = app.state::<Engine>().get().cloned() else {
        return;
    };
    let subscription = chronos.feed().subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown = Shown::default();
        for view in &subscription.accounts {
            shown.account(&app, view);
        }
        let mut events = subscription.events;
        loop {
            match events.recv().await {
                Ok(event) => shown.event(&app, event),
                // Missed events: the views as they are now, and every range re-read.
                Err(RecvError::Lagged(skipped)) => {
                    tracing::debug!(skipped, "the feed's desktop bridge lagged");
                    for view in chronos.feed().accounts() {
                        shown.account(&app, &view);
                        shown.event(
                            &app,
                            EngineEvent::EventsChanged {
                                account: view.account.clone(),
                                calendars: Vec::new(),
                            },
                        );
                    }
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// What the window was last told, per account, so an unchanged payload is not sent again.
#[derive(Default)]
struct Shown {
    statuses: HashMap<String, SyncStatus>,
    progress: HashMap<String, SyncProgress>,
    notices: ProblemNotices,
}

impl Shown {
    fn event<R: Runtime>(&mut self, app: &AppHandle<R>, event: EngineEvent) {
        match event {
            EngineEvent::Account(view) => self.account(app, &view),
            // Its events leave the views.
            EngineEvent::AccountRemoved { account } => {
                self.statuses.remove(account.as_str());
                self.progress.remove(account.as_str());
                crate::tray::refresh(app);
                emit(
                    app,
                    &EventsChanged {
                        account_id: account.as_str().to_owned(),
                        calendar_ids: Vec::new(),
                    },
                );
            }
            EngineEvent::RunFinished(end) => self.run_finished(app, &end),
            EngineEvent::EventsChanged { account, calendars } => emit(
                app,
                &EventsChanged {
                    account_id: account.as_str().to_owned(),
                    calendar_ids: calendars.iter().map(|c| c.as_str().to_owned()).collect(),
                },
            ),
            EngineEvent::OutboxChanged {
                account,
                pending_changes,
                conflicts,
            } => emit(
                app,
                &OutboxChanged {
                    account_id: account.as_str().to_owned(),
                    pending_changes: pending_changes as u32,
                    conflicts: conflicts as u32,
                },
            ),
        }
    }

    fn account<R: Runtime>(&mut self, app: &AppHandle<R>, view: &AccountView) {
        let status = SyncStatus::from(view);
        if let Some(progress) = &status.progress {
            self.send_progress(app, progress.clone());
        }
        if self.statuses.get(&status.account_id) == Some(&status) {
            return;
        }
        emit(app, &status);
        crate::tray::refresh(app);
        if let Some(notice) = self.notices.on_status(&status) {
            crate::notify::show(app, &notice.title, &notice.body);
        }
        self.statuses.insert(status.account_id.clone(), status);
    }

    fn send_progress<R: Runtime>(&mut self, app: &AppHandle<R>, progress: SyncProgress) {
        if self.progress.get(&progress.account_id) != Some(&progress) {
            emit(app, &progress);
            self.progress.insert(progress.account_id.clone(), progress);
        }
    }

    /// The run's last progress (all calendars accounted for), then what it did — unless it
    /// failed: "Synced 0 events from 0 calendars" would mislead, the status says what went wrong.
    fn run_finished<R: Runtime>(&mut self, app: &AppHandle<R>, end: &RunFinished) {
        if !end.run.calendars.is_empty() {
            self.send_progress(app, SyncProgress::of(&end.account, &end.run));
        }
        if matches!(end.outcome, SyncOutcome::Completed | SyncOutcome::Partial) {
            let totals = end.totals;
            emit(
                app,
                &SyncFinished {
                    account_id: end.account.as_str().to_owned(),
                    events: totals.events_fetched,
                    calendars: totals.calendars,
                    added: totals.added,
                    updated: totals.updated,
                    deleted: totals.deleted,
                    duration_ms: end.duration_ms,
                },
            );
        }
    }
}
