//! The engine this run talks to — `chronos_core::service::Chronos` against real Google, or
//! against the in-process emulator in demo mode — and the forwarding of its progress and status
//! streams to the UI.

use crate::clock::AppClock;
use crate::demo::Demo;
use crate::error::{AppError, CmdResult};
use crate::events::{
    emit, CalendarProgress, CalendarSyncState, EventsChanged, SyncFinished, SyncProgress,
    SyncState, SyncStatus,
};
use crate::launch::Mode;
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::sync::progress::{SyncOutcome, SyncProgress as CoreProgress};
use chronos_core::sync::status::{AccountStatus, StatusChanged};
use chronos_core::ErrorKind;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager, Runtime};

/// Facts about this run, in app state.
pub struct RunInfo {
    pub mode: Mode,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

/// The engine, or why it could not start (a locked keyring, say): commands report that error
/// instead of the app failing to open.
pub struct Engine {
    pub chronos: Result<Chronos, AppError>,
    /// Keeps the demo emulator running for as long as the app.
    pub demo: Option<Demo>,
    /// Kept only when the local copy cannot be read for a lost data key: a reset the user asks
    /// for (`commands::recovery`) opens the store again with them. Nothing resets by itself.
    pub recovery: Option<ChronosOptions>,
}

impl Engine {
    pub fn get(&self) -> CmdResult<&Chronos> {
        self.chronos.as_ref().map_err(Clone::clone)
    }
}

/// Opens the engine for this run. In demo mode the emulator starts first and the engine's
/// endpoints point at it.
pub async fn open(run: &RunInfo, sync_interval: Duration, clock: &AppClock) -> Engine {
    let (demo, options) = match &run.mode {
        Mode::Demo => match Demo::start(&run.data_dir, clock.now().date_naive()).await {
            Ok(demo) => {
                let options = demo.options(&run.data_dir);
                (Some(demo), options)
            }
            Err(e) => {
                return Engine {
                    chronos: Err(e),
                    demo: None,
                    recovery: None,
                }
            }
        },
        Mode::Google(client) => {
            let oauth = chronos_core::config::OAuthClientConfig::new(
                client.client_id.clone(),
                client.client_secret.clone().unwrap_or_default(),
            );
            let secrets = Arc::new(chronos_core::secrets::KeyringSecretStore::new());
            let mut options =
                ChronosOptions::new(run.data_dir.clone(), secrets, client.endpoints(), oauth);
            options.sign_in.loopback.port = client.server.redirect_port;
            (None, options)
        }
    };
    let mut options = options;
    options.scheduler.interval = sync_interval;
    options.client.clock = clock.engine_clock();
    open_with(options, demo).await
}

/// Opens the engine on `options`. A store whose data key the keyring lost is left exactly as it
/// is: the engine reports the error and keeps the options for a reset the user may ask for.
pub async fn open_with(options: ChronosOptions, demo: Option<Demo>) -> Engine {
    let opened = Chronos::open(options.clone()).await;
    let recovery = match &opened {
        Err(chronos_core::Error::DataKeyMissing(_)) => Some(options),
        _ => None,
    };
    let chronos = opened.map_err(AppError::from);
    if let Err(e) = &chronos {
        tracing::error!(kind = %e.kind, error = %e.message, "the engine could not start");
    }
    Engine {
        chronos,
        demo,
        recovery,
    }
}

/// Starts forwarding the engine's streams to the UI and the tray, seeds the statuses, and
/// starts the scheduler (start-up sync, interval, wake).
pub fn start_forwarding<R: Runtime>(app: &AppHandle<R>) {
    let engine = app.state::<Engine>();
    let Ok(chronos) = engine.get() else { return };
    let hub = crate::sync_hub::hub(app);
    for s in chronos.status() {
        hub.publish_status(app, status_view(&s, None));
    }
    let mut progress_rx = chronos.subscribe_progress();
    let mut status_rx = chronos.subscribe_status();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut runs: HashMap<String, RunView> = HashMap::new();
        loop {
            match progress_rx.recv().await {
                Ok(p) => on_progress(&handle, &mut runs, p),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::debug!(skipped = n, "progress forwarder lagged");
                }
                Err(_) => break,
            }
        }
    });
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match status_rx.recv().await {
                Ok(s) => {
                    let hub = crate::sync_hub::hub(&handle);
                    let mut view = status_view(&s, None);
                    view.pending_changes = pending_count(&handle, &s.account).await;
                    hub.publish_status(&handle, view);
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            }
        }
    });
    let changes_rx = chronos.subscribe_changes();
    let handle = app.clone();
    tauri::async_runtime::spawn(forward_changes(handle, changes_rx));
    // The scheduler's timers live on the async runtime, so they start from inside it.
    let chronos = chronos.clone();
    tauri::async_runtime::spawn(async move { chronos.start_scheduler() });
}

/// Hands the saved push address to the engine (later changes go through `set_settings`).
pub fn apply_push_address<R: Runtime>(app: &AppHandle<R>) {
    let address = app
        .state::<crate::settings::SettingsStore>()
        .get()
        .push_address;
    let Some(address) = address else { return };
    let Ok(chronos) = app.state::<Engine>().get().cloned() else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        if let Err(e) = chronos.set_push_address(Some(address)).await {
            tracing::warn!(
                kind = e.kind().as_str(),
                "the saved push address was refused"
            );
        }
    });
}

/// A burst of edits or a push settling many entries makes many notices; the UI refetches on
/// each, so one account's notices of one kind go out at most this often (first at once, the
/// rest folded into one at the end of the gap).
const NOTICE_GAP: Duration = Duration::from_millis(250);

/// One account's notices of one kind: when the last went out, and what is held back.
#[derive(Default)]
struct Held {
    last: Option<Instant>,
    /// `Some` while a notice waits for the gap to pass: the calendars it names (empty = all).
    due: Option<Vec<String>>,
}

impl Held {
    /// Folds a notice in; true when it may go out now.
    fn offer(&mut self, calendars: Vec<String>) -> bool {
        let merged = match self.due.take() {
            None => calendars,
            // "Any calendar" absorbs a named one.
            Some(prev) if prev.is_empty() || calendars.is_empty() => Vec::new(),
            Some(mut prev) => {
                for c in calendars {
                    if !prev.contains(&c) {
                        prev.push(c);
                    }
                }
                prev
            }
        };
        self.due = Some(merged);
        self.last.is_none_or(|t| t.elapsed() >= NOTICE_GAP)
    }

    fn ready_at(&self) -> Option<Instant> {
        self.due.as_ref()?;
        Some(self.last.map_or_else(Instant::now, |t| t + NOTICE_GAP))
    }

    fn take(&mut self) -> Option<Vec<String>> {
        let due = self.due.take()?;
        self.last = Some(Instant::now());
        Some(due)
    }
}

/// Forwards the core's change notices (edits, pushes, retries, resolutions) to the UI as
/// `events://changed` and `outbox://changed`, throttled per account.
async fn forward_changes<R: Runtime>(
    app: AppHandle<R>,
    mut rx: tokio::sync::broadcast::Receiver<chronos_core::service::ChangeNotice>,
) {
    use chronos_core::service::ChangeNotice;
    use tokio::sync::broadcast::error::RecvError;
    let mut events: HashMap<String, Held> = HashMap::new();
    let mut outbox: HashMap<String, Held> = HashMap::new();
    loop {
        let next = events
            .values()
            .chain(outbox.values())
            .filter_map(Held::ready_at)
            .min();
        let wake = async {
            match next {
                Some(t) => tokio::time::sleep_until(t.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            notice = rx.recv() => match notice {
                Ok(ChangeNotice::EventsChanged { account, calendars }) => {
                    let ids = calendars.iter().map(|c| c.as_str().to_owned()).collect();
                    events.entry(account.as_str().to_owned()).or_default().offer(ids);
                }
                Ok(ChangeNotice::OutboxChanged { account, .. }) => {
                    outbox.entry(account.as_str().to_owned()).or_default().offer(Vec::new());
                }
                // Missed notices: refresh every account seen so far.
                Err(RecvError::Lagged(_)) => {
                    for held in events.values_mut().chain(outbox.values_mut()) {
                        held.offer(Vec::new());
                    }
                }
                Err(RecvError::Closed) => break,
            },
            _ = wake => {}
        }
        for (account, held) in events.iter_mut() {
            if held.ready_at().is_some_and(|t| t <= Instant::now()) {
                if let Some(calendar_ids) = held.take() {
                    emit(
                        &app,
                        &EventsChanged {
                            account_id: account.clone(),
                            calendar_ids,
                        },
                    );
                }
            }
        }
        let ready: Vec<String> = outbox
            .iter_mut()
            .filter(|(_, h)| h.ready_at().is_some_and(|t| t <= Instant::now()))
            .filter_map(|(a, h)| h.take().map(|_| a.clone()))
            .collect();
        for account in ready {
            // The UI's payload also carries the open conflicts, so the counts are read fresh.
            crate::commands::outbox::announce(&app, &account).await;
        }
    }
}

/// Local changes of the account not yet on Google (0 when the store cannot say).
async fn pending_count<R: Runtime>(
    app: &AppHandle<R>,
    account: &chronos_core::model::AccountId,
) -> u32 {
    let engine = app.state::<Engine>();
    let Ok(chronos) = engine.get() else { return 0 };
    chronos.pending_count(account).await.map_or(0, |n| n as u32)
}

/// One account's run as the UI sees it, folded from the core's progress events.
struct RunView {
    progress: SyncProgress,
    /// `events://changed` during a run at most once a second: the UI refetches its range.
    last_changed: Option<Instant>,
}

const CHANGED_GAP: Duration = Duration::from_secs(1);

fn on_progress<R: Runtime>(
    app: &AppHandle<R>,
    runs: &mut HashMap<String, RunView>,
    p: CoreProgress,
) {
    let account = p.account().as_str().to_owned();
    let hub = crate::sync_hub::hub(app);
    let run = runs.entry(account.clone()).or_insert_with(|| RunView {
        progress: SyncProgress {
            account_id: account.clone(),
            calendars_total: 0,
            calendars_done: 0,
            events_fetched: 0,
            calendars: Vec::new(),
        },
        last_changed: None,
    });
    let mut changed: Option<Vec<String>> = None;
    match p {
        // A run begins with no calendars named (it sends the outbox and reads the calendar
        // list first); `SyncStarted` names them.
        CoreProgress::RunBegun { .. } | CoreProgress::SyncStarted { .. } => {
            let calendars = match p {
                CoreProgress::SyncStarted { calendars, .. } => calendars,
                _ => Vec::new(),
            };
            run.progress.calendars_total = calendars.len() as u32;
            run.progress.calendars_done = 0;
            run.progress.events_fetched = 0;
            run.progress.calendars = calendars
                .into_iter()
                .map(|c| CalendarProgress {
                    calendar_id: c.id.as_str().to_owned(),
                    summary: c.summary,
                    events_fetched: 0,
                    pages: 0,
                    state: CalendarSyncState::Waiting,
                    error: None,
                })
                .collect();
            run.last_changed = None;
            hub.begin_run(&account);
        }
        CoreProgress::CalendarProgress {
            calendar,
            events_fetched,
            pages,
            ..
        } => {
            let c = calendar_row(&mut run.progress, calendar.as_str());
            c.events_fetched = events_fetched;
            c.pages = pages;
            c.state = CalendarSyncState::Running;
            run.progress.events_fetched = run
                .progress
                .calendars
                .iter()
                .map(|c| c.events_fetched)
                .sum();
            // Pages are committed as they arrive; the view fills in while the first sync runs.
            if run.last_changed.is_none_or(|t| t.elapsed() >= CHANGED_GAP) {
                run.last_changed = Some(Instant::now());
                changed = Some(vec![calendar.as_str().to_owned()]);
            }
        }
        CoreProgress::CalendarDone { calendar, .. } => {
            calendar_row(&mut run.progress, calendar.as_str()).state = CalendarSyncState::Done;
            run.progress.calendars_done += 1;
            changed = Some(vec![calendar.as_str().to_owned()]);
        }
        CoreProgress::CalendarFailed {
            calendar,
            kind,
            retryable,
            message,
            ..
        } => {
            let c = calendar_row(&mut run.progress, calendar.as_str());
            c.state = CalendarSyncState::Failed;
            c.error = Some(AppError {
                retryable,
                ..AppError::new(kind, message)
            });
            run.progress.calendars_done += 1;
        }
        CoreProgress::SyncFinished {
            totals,
            duration_ms,
            outcome,
            ..
        } => {
            run.progress.calendars_done = run.progress.calendars_total;
            let last = (run.progress.calendars_total > 0).then(|| run.progress.clone());
            hub.end_run(app, &account, last);
            // The run pushed the outbox before pulling: the pending list changed.
            let (handle, a) = (app.clone(), account.clone());
            tauri::async_runtime::spawn(async move {
                crate::commands::outbox::announce(&handle, &a).await;
            });
            // "Synced 0 events from 0 calendars" after a failed run would mislead: the status
            // says what went wrong instead.
            let synced = matches!(outcome, SyncOutcome::Completed | SyncOutcome::Partial);
            if synced {
                emit(
                    app,
                    &SyncFinished {
                        account_id: account.clone(),
                        events: totals.events_fetched,
                        calendars: totals.calendars,
                        added: totals.added,
                        updated: totals.updated,
                        deleted: totals.deleted,
                        duration_ms,
                    },
                );
            }
            emit(
                app,
                &EventsChanged {
                    account_id: account.clone(),
                    calendar_ids: Vec::new(),
                },
            );
            runs.remove(&account);
            return;
        }
    }
    hub.publish_progress(app, run.progress.clone());
    if let Some(calendar_ids) = changed {
        emit(
            app,
            &EventsChanged {
                account_id: account,
                calendar_ids,
            },
        );
    }
}

fn calendar_row<'a>(p: &'a mut SyncProgress, id: &str) -> &'a mut CalendarProgress {
    if let Some(i) = p.calendars.iter().position(|c| c.calendar_id == id) {
        return &mut p.calendars[i];
    }
    p.calendars.push(CalendarProgress {
        calendar_id: id.to_owned(),
        summary: id.to_owned(),
        events_fetched: 0,
        pages: 0,
        state: CalendarSyncState::Waiting,
        error: None,
    });
    p.calendars.last_mut().expect("just pushed")
}

/// The core's account status in the UI's shape.
pub fn status_view(s: &StatusChanged, progress: Option<SyncProgress>) -> SyncStatus {
    let (state, error) = match &s.status {
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
                format!("{} must be reconnected", s.account.as_str()),
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
    SyncStatus {
        account_id: s.account.as_str().to_owned(),
        state,
        last_sync_at: s.status.last_sync(),
        error,
        pending_changes: 0,
        progress: if state == SyncState::Syncing {
            progress
        } else {
            None
        },
    }
}

/// Starts a sync of one account or all accounts through the engine's scheduler (which joins a
/// run already in flight). Returns once the request is queued.
pub async fn sync_now<R: Runtime>(app: &AppHandle<R>, account_id: Option<String>) -> CmdResult<()> {
    let engine = app.state::<Engine>();
    let chronos = engine.get()?;
    let account = account_id.map(chronos_core::model::AccountId::new);
    if let Some(a) = &account {
        let known = chronos.accounts().await?.iter().any(|s| &s.id == a);
        if !known {
            return Err(AppError::not_found(format!(
                "account {} is not connected",
                a.as_str()
            )));
        }
    }
    chronos.user_activity();
    let tickets = chronos.request_sync(account.as_ref());
    tracing::info!(accounts = tickets.len(), "sync requested");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_within_the_gap_fold_into_one() {
        let mut held = Held::default();
        assert!(held.offer(vec!["a".into()]), "the first goes out at once");
        assert_eq!(held.take(), Some(vec!["a".to_owned()]));
        assert!(!held.offer(vec!["b".into()]), "the next waits for the gap");
        assert!(!held.offer(vec!["c".into()]));
        assert!(held.ready_at().unwrap() > Instant::now());
        assert_eq!(held.take(), Some(vec!["b".to_owned(), "c".to_owned()]));
        assert_eq!(held.take(), None, "nothing held after it went out");
        // "Any calendar" absorbs named ones.
        held.offer(vec!["x".into()]);
        held.offer(Vec::new());
        assert_eq!(held.take(), Some(Vec::new()));
    }
}
