//! `get_settings` / `set_settings`.

use crate::error::CmdResult;
use crate::settings::{Settings, SettingsStore};
use tauri::{AppHandle, Manager, Runtime, State};

#[tauri::command]
pub fn get_settings(store: State<'_, SettingsStore>) -> Settings {
    store.get()
}

/// Saves and applies: the log level at once, launch-at-login through the autostart entry.
#[tauri::command]
pub fn set_settings<R: Runtime>(
    app: AppHandle<R>,
    store: State<'_, SettingsStore>,
    settings: Settings,
) -> CmdResult<Settings> {
    let saved = store.set(settings)?;
    if let Some(logs) = app.try_state::<crate::logging::LogControl>() {
        logs.set_level(saved.log_level);
    }
    crate::autostart::apply(&app, saved.launch_at_login);
    Ok(saved)
}
