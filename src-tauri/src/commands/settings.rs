//! `get_settings` / `set_settings`, and the account's own time zone for a display that follows it.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use crate::settings::{Settings, SettingsStore};
use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime, State};
use ts_rs::TS;

/// The zone the Google account uses (`settings` → `timezone`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountTimeZone {
    pub account_id: String,
    /// IANA name, e.g. "Asia/Kolkata".
    pub time_zone: String,
}

/// The first connected account's own time zone: from the local copy, from Google when that is
/// older than a day or `refresh` is set. `None` with no account, or when Google's zone is one
/// Chronos does not know. An unreachable Google with nothing saved is an error (kind offline…).
#[tauri::command]
pub async fn account_time_zone(
    engine: State<'_, Engine>,
    refresh: Option<bool>,
) -> CmdResult<Option<AccountTimeZone>> {
    let chronos = engine.get()?;
    let Some(first) = chronos.accounts().await?.into_iter().next() else {
        return Ok(None);
    };
    let zone = if refresh.unwrap_or(false) {
        chronos.refresh_account_time_zone(&first.id).await?
    } else {
        chronos.account_time_zone(&first.id).await?
    };
    Ok(zone.map(|z| AccountTimeZone {
        account_id: first.id.as_str().to_owned(),
        time_zone: z.name().to_owned(),
    }))
}

#[tauri::command]
pub fn get_settings(store: State<'_, SettingsStore>) -> Settings {
    store.get()
}

/// Saves and applies: the log level and the sync interval at once, launch-at-login through the
/// autostart entry, a
/// changed push address through the engine (which reopens its channels) before anything is
/// saved, so a refused address leaves the old settings in place.
#[tauri::command]
pub async fn set_settings<R: Runtime>(
    app: AppHandle<R>,
    settings: Settings,
) -> CmdResult<Settings> {
    let settings = settings.validated()?;
    let before = app.state::<SettingsStore>().get();
    if settings.push_address != before.push_address {
        let engine = app.state::<Engine>();
        engine
            .get()?
            .set_push_address(settings.push_address.clone())
            .await
            .map_err(|e| AppError::for_field(e, "pushAddress"))?;
    }
    let saved = app.state::<SettingsStore>().set(settings)?;
    if let Ok(chronos) = app.state::<Engine>().get() {
        chronos.set_sync_interval(Duration::from_secs(
            u64::from(saved.sync_interval_minutes) * 60,
        ));
    }
    if let Some(logs) = app.try_state::<crate::logging::LogControl>() {
        logs.set_level(saved.log_level);
    }
    crate::autostart::apply(&app, saved.launch_at_login);
    Ok(saved)
}
