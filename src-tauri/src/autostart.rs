//! Launch at login (the setting), through tauri-plugin-autostart.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::AutoLaunchManager;

/// Makes the login item match the setting. Absent plugin (mock tests) = nothing to do.
pub fn apply<R: Runtime>(app: &AppHandle<R>, enabled: bool) {
    let Some(manager) = app.try_state::<AutoLaunchManager>() else {
        return;
    };
    let result = match (enabled, manager.is_enabled()) {
        (true, Ok(false)) => manager.enable(),
        (false, Ok(true)) => manager.disable(),
        (_, Ok(_)) => Ok(()),
        (_, Err(e)) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not change the launch-at-login entry");
    }
}
