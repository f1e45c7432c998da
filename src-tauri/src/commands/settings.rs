//! `get_settings` / `set_settings`.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use crate::settings::{Settings, SettingsStore};
use tauri::{AppHandle, Manager, Runtime, State};

#[tauri::command]
pub fn get_settings(store: State<'_, SettingsStore>) -> Settings {
    store.get()
}

/// Saves and applies: the log level at once, launch-at-login through the autostart entry, a
/// changed push address through the engine (which reopens its channels) before anything is
/// saved, so a refused address leaves the old settings in place.
#[tauri::command]
pub async fn set_settings<R: Runtime>(app: AppHandle<R>, settings: Settings) -> CmdResult<Settings> {
    let settings = settings.validated()?;
    let before = app.state::<SettingsStore>().get();
    if settings.push_address != before.push_address {
        let engine = app.state::<Engine>();
        engine
            .get()?
            .set_push_address(settings.push_address.clone())
            .await
            .map_err(|e| {
                let e = AppError::from(e);
                if e.kind == "invalid_input" {
                    AppError::invalid("pushAddress", e.message)
                } else {
                    e
                }
            })?;
    }
    let saved = app.state::<SettingsStore>().set(settings)?;
    if let Some(logs) = app.try_state::<crate::logging::LogControl>() {
        logs.set_level(saved.log_level);
    }
    crate::autostart::apply(&app, saved.launch_at_login);
    Ok(saved)
}
