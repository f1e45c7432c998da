//! `get_settings` / `set_settings`, and the account's own time zone for a display that follows it.

use crate::engine::Engine;
use crate::error::CmdResult;
use crate::settings::{Settings, SettingsStore};
use chronos_core::locale::{self, ResolvedLocale};
use chronos_core::settings::AccountTimeZone;
use tauri::{AppHandle, Manager, Runtime, State};

/// The first connected account's own time zone (see `Chronos::first_account_time_zone`).
#[tauri::command]
pub async fn account_time_zone(
    engine: State<'_, Engine>,
    refresh: Option<bool>,
) -> CmdResult<Option<AccountTimeZone>> {
    let chronos = engine.get()?;
    Ok(chronos
        .first_account_time_zone(refresh.unwrap_or(false))
        .await?)
}

/// The locale the window shows dates and times in: Settings over the system's (`LC_ALL`,
/// `LC_TIME`, `LANG`).
#[tauri::command]
pub fn resolved_locale(store: State<'_, SettingsStore>) -> ResolvedLocale {
    let system = locale::system_locale(|k| std::env::var(k).ok());
    store.get().resolved_locale(system.as_deref())
}

#[tauri::command]
pub fn get_settings(store: State<'_, SettingsStore>) -> Settings {
    store.get()
}

/// Saves and applies: the engine's part in the core, then the log level and the login item.
#[tauri::command]
pub async fn set_settings<R: Runtime>(
    app: AppHandle<R>,
    settings: Settings,
) -> CmdResult<Settings> {
    let store = app.state::<SettingsStore>();
    let saved = match app.state::<Engine>().get() {
        Ok(chronos) => chronos.apply_settings(&store, settings).await?,
        // No engine to try a new push address on: that change is refused, as it would be.
        Err(e) => {
            let settings = settings.validated()?;
            if settings.push_address != store.get().push_address {
                return Err(e);
            }
            store.set(settings)?
        }
    };
    if let Some(logs) = app.try_state::<crate::logging::LogControl>() {
        logs.set_level(saved.log_level);
    }
    crate::autostart::apply(&app, saved.launch_at_login);
    Ok(saved)
}
