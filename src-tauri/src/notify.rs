//! Desktop notifications through tauri-plugin-notification (which problems deserve one is the
//! core's `view::updates`).

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::Notification;

pub fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    // Mock-runtime tests run without the plugin; its absence must not panic.
    let Some(notification) = app.try_state::<Notification<R>>() else {
        return;
    };
    if let Err(e) = notification.builder().title(title).body(body).show() {
        tracing::warn!(error = %e, "could not show a desktop notification");
    }
}
