//! About the app itself: demo mode, version, logs, links.

use crate::engine::RunInfo;
use crate::error::{AppError, CmdResult};
use crate::events::PendingPage;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::Opener;
use ts_rs::TS;

/// The opener plugin, or an error where it is absent (mock-runtime tests) instead of a panic.
fn opener<R: Runtime>(app: &AppHandle<R>) -> CmdResult<State<'_, Opener<R>>> {
    app.try_state::<Opener<R>>()
        .ok_or_else(|| AppError::internal("opening files and links is not available here"))
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// True when the app runs against the in-process emulator (`--demo`, or no client id).
    pub demo: bool,
    pub version: String,
    /// Why the engine could not start (a locked keyring, a lost data key), for the page to
    /// explain and — for a lost key — to offer the reset.
    pub startup_error: Option<AppError>,
}

#[tauri::command]
pub fn app_info<R: Runtime>(
    app: AppHandle<R>,
    run: State<'_, RunInfo>,
    engine: State<'_, crate::engine::Engine>,
) -> AppInfo {
    AppInfo {
        demo: run.mode.is_demo(),
        version: app.package_info().version.to_string(),
        startup_error: engine.chronos.as_ref().err().cloned(),
    }
}

/// What was asked of the page before it was listening — the day of the `chronos://open?date=`
/// link that started the app, the tray's *Quick add…* that rebuilt the window — taken once. The
/// page calls this after it listens for `navigate://date` and `quickadd://open`; later requests
/// arrive as those events.
#[tauri::command]
pub fn take_pending_navigation(
    pending: State<'_, crate::deep_link::PendingOpen>,
) -> Option<PendingPage> {
    pending.take()
}

/// The page's word that the first month is on screen with its events: logged once, with the
/// time since the process started (the launch benchmark reads it).
#[tauri::command]
pub fn first_month_shown(events: u32) {
    crate::launch_timing::first_month_shown(events);
}

/// The page's word that search results were painted `ms` after the keystroke that asked for
/// them (the benchmark reads it).
#[tauri::command]
pub fn search_shown(ms: u32, hits: u32) {
    crate::launch_timing::search_shown(ms, hits);
}

#[tauri::command]
pub fn open_logs_folder<R: Runtime>(app: AppHandle<R>, run: State<'_, RunInfo>) -> CmdResult<()> {
    std::fs::create_dir_all(&run.log_dir)
        .map_err(|e| AppError::internal(format!("cannot create the logs folder: {e}")))?;
    opener(&app)?
        .open_path(run.log_dir.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::internal(format!("cannot open the logs folder: {e}")))
}

/// Opens a link from event text in the system browser. Only web and mail links: a `file:` or
/// custom-scheme link in a calendar invitation must not launch local programs.
#[tauri::command]
pub fn open_link<R: Runtime>(app: AppHandle<R>, url: String) -> CmdResult<()> {
    let parsed =
        url::Url::parse(&url).map_err(|_| AppError::invalid("url", "this is not a valid link"))?;
    if !crate::window::is_external_link(&parsed) {
        return Err(AppError::invalid(
            "url",
            "only http, https and mailto links can be opened",
        ));
    }
    opener(&app)?
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| AppError::internal(format!("cannot open the link: {e}")))
}
