//! The engine this run talks to — `chronos_core::service::Chronos` against real Google, or
//! against the in-process emulator in demo mode — and sync requests to it.

use crate::clock::AppClock;
use crate::demo::Demo;
use crate::error::{AppError, CmdResult};
use crate::events::SyncStatus;
use chronos_core::launch::Mode;
use chronos_core::service::{Chronos, ChronosOptions};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

/// Facts about this run, in app state.
pub use chronos_core::launch::RunInfo;

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
        Mode::Demo => match demo_start(run, clock).await {
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
        Mode::Google(client) => (None, client.options(run.data_dir.clone())),
    };
    let mut options = options;
    options.scheduler.interval = sync_interval;
    // The window redraws its progress at most ten times a second.
    options.progress_per_second = 10;
    options.client.clock = clock.engine_clock();
    open_with(options, demo).await
}

/// The demo person lives in the computer's zone, around the app clock's day there.
async fn demo_start(run: &RunInfo, clock: &AppClock) -> Result<Demo, AppError> {
    let zone = chronos_core::zone::system_zone();
    let today = clock.now().with_timezone(&zone).date_naive();
    Demo::start(&run.data_dir, today, zone).await
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

/// Starts the engine's background work (scheduler, saved push address); its timers live on the
/// async runtime, so it starts from inside it.
pub fn start_background<R: Runtime>(app: &AppHandle<R>) {
    let Ok(chronos) = app.state::<Engine>().get().cloned() else {
        return;
    };
    let settings = app.state::<crate::settings::SettingsStore>().get();
    tauri::async_runtime::spawn(async move { chronos.start_background(&settings).await });
}

/// Starts a sync of one account or all accounts through the engine's scheduler (which joins a
/// run already in flight). Returns once the request is queued.
pub async fn sync_now<R: Runtime>(app: &AppHandle<R>, account_id: Option<String>) -> CmdResult<()> {
    let engine = app.state::<Engine>();
    let chronos = engine.get()?;
    let account = account_id.map(chronos_core::model::AccountId::new);
    if let Some(a) = &account {
        if !chronos.has_account(a).await? {
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

/// A sync request from the Sync button, the tray or a deep link; failures are logged.
pub fn request_sync<R: Runtime>(app: &AppHandle<R>, account_id: Option<String>, source: &str) {
    let app = app.clone();
    let source = source.to_owned();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = sync_now(&app, account_id).await {
            tracing::warn!(source, kind = %e.kind, error = %e.message, "sync request failed");
        }
    });
}

/// Every account's status in the window's shape (for `sync_status` and the tray).
pub fn statuses<R: Runtime>(app: &AppHandle<R>) -> Vec<SyncStatus> {
    match app.state::<Engine>().get() {
        Ok(chronos) => chronos
            .feed()
            .accounts()
            .iter()
            .map(SyncStatus::from)
            .collect(),
        Err(_) => Vec::new(),
    }
}
