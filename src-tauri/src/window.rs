//! The main window: creation (with navigation kept inside the app), showing, and close-to-tray.
//!
//! Closed to the tray, the window is destroyed rather than hidden: a hidden webview keeps its web
//! process and everything the page drew, hundreds of megabytes for a day in the tray. It is built
//! again, where it was, when it is next shown.

use crate::window_place::{self, LastPlace};
use tauri::webview::PageLoadEvent;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder, WindowEvent};
use tauri_plugin_opener::OpenerExt;

pub const MAIN: &str = "main";

/// Brings the main window to the front (from the tray, a deep link, or a second launch),
/// building it again when it was closed to the tray.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        return;
    }
    match create_main(app) {
        Ok(w) => {
            let _ = w.set_focus();
        }
        Err(e) => tracing::error!(error = %e, "could not open the window again"),
    }
}

/// Whether closing the last window leaves Chronos running in the tray.
pub fn stays_in_tray<R: Runtime>(app: &AppHandle<R>, has_tray: bool) -> bool {
    has_tray
        && app
            .state::<crate::settings::SettingsStore>()
            .get()
            .close_to_tray
}

/// Whether `url` is the app's own page (bundled assets, or the Vite dev server in development).
fn is_app_url(url: &url::Url, dev_url: Option<&url::Url>) -> bool {
    match url.scheme() {
        "tauri" => true,
        "http" | "https" => {
            url.host_str() == Some("tauri.localhost")
                || dev_url.is_some_and(|d| d.origin() == url.origin())
        }
        _ => false,
    }
}

/// Whether a link may be handed to the system: web pages and e-mail addresses only.
pub fn is_external_link(url: &url::Url) -> bool {
    matches!(url.scheme(), "http" | "https" | "mailto")
}

/// Builds the main window from its `tauri.conf.json` entry (which has `create: false`), adding
/// what config cannot say: links leave for the system browser instead of replacing the app.
/// It is shown at once, where it was when it was last closed (to the tray, or at the last exit).
pub fn create_main<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let dev_url = app.config().build.dev_url.clone();
    let handle = app.clone();
    let page_clock = app.state::<crate::clock::AppClock>().page_script();
    let has_place = app
        .try_state::<LastPlace>()
        .is_some_and(|p| p.get().is_some());
    let window = WebviewWindowBuilder::from_config(app, &config)?
        // Put back where it was before it is shown, so it does not jump.
        .visible(!has_place)
        .initialization_script(&page_clock)
        .on_navigation(move |url| {
            if is_app_url(url, dev_url.as_ref()) {
                return true;
            }
            if is_external_link(url) {
                if let Err(e) = handle.opener().open_url(url.as_str(), None::<&str>) {
                    tracing::warn!(error = %e, "could not open a link in the system browser");
                }
            } else {
                tracing::warn!(
                    scheme = url.scheme(),
                    "blocked a navigation away from the app"
                );
            }
            false
        })
        .on_page_load(|_, payload| {
            if payload.event() == PageLoadEvent::Finished {
                tracing::debug!("main window loaded");
            }
        })
        .build()?;
    if window_place::restore(app, &window) {
        window.show()?;
    }
    Ok(window)
}

/// Tells the engine's scheduler whether the window is on screen and which calendars it shows,
/// so the calendars in view are checked every minute while the window is up, and background
/// syncs fall back to the interval while only the tray is open.
pub fn report_view<R: Runtime>(app: &AppHandle<R>, visible: bool) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let engine = app.state::<crate::engine::Engine>();
        let Ok(chronos) = engine.get() else { return };
        let shown = if visible {
            match chronos.calendars(None).await {
                Ok(list) => list
                    .into_iter()
                    .filter(|c| c.selected && !c.deleted)
                    .map(|c| (c.account, c.entry.id))
                    .collect(),
                Err(_) => Vec::new(),
            }
        } else {
            Vec::new()
        };
        chronos.set_view(visible, shown);
    });
}

/// Closing the window hides it when "close to tray" is on and there is a tray to come back
/// from; Quit in the tray ends the app.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent, has_tray: bool) {
    if window.label() != MAIN {
        return;
    }
    if let WindowEvent::Focused(true) = event {
        report_view(window.app_handle(), true);
        // Coming back to the window syncs accounts not synced for a while.
        if let Ok(chronos) = window.app_handle().state::<crate::engine::Engine>().get() {
            chronos.window_focused();
        }
    }
    if let WindowEvent::Moved(_) | WindowEvent::Resized(_) = event {
        window_place::moved(window);
    }
    // The close goes ahead either way; the app's exit is what staying in the tray prevents.
    if let WindowEvent::CloseRequested { .. } = event {
        window_place::closing(window);
        if stays_in_tray(window.app_handle(), has_tray) {
            report_view(window.app_handle(), false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_app_itself_stays_in_the_window() {
        let dev: url::Url = "http://127.0.0.1:5173".parse().unwrap();
        let ok = |s: &str| is_app_url(&s.parse().unwrap(), Some(&dev));
        assert!(ok("tauri://localhost/index.html"));
        assert!(ok("http://tauri.localhost/"));
        assert!(ok("http://127.0.0.1:5173/src/main.ts"));
        assert!(!ok("https://example.com/"));
        assert!(!ok("http://127.0.0.1:9999/"));
        assert!(!ok("file:///etc/passwd"));
    }

    #[test]
    fn external_links_are_web_or_mail_only() {
        let ext = |s: &str| is_external_link(&s.parse().unwrap());
        assert!(ext("https://example.com/a"));
        assert!(ext("mailto:someone@example.com"));
        assert!(!ext("file:///etc/passwd"));
        assert!(!ext("javascript:alert(1)"));
        assert!(!ext("smb://server/share"));
    }
}
