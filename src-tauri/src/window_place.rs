//! Where the main window stands, kept for when it is built again: after it was closed to the
//! tray, and at the next start (through `chronos_core::ui_state`, in the data directory).

use chronos_core::ui_state::{Point, ScreenArea, UiStateStore, WindowPlace};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize, Runtime, WebviewWindow};

/// A drag or a resize sends a stream of events; the file is written once it has stopped.
const SAVE_AFTER: Duration = Duration::from_millis(600);

/// The window's last place in memory, seeded from the file at start.
#[derive(Default)]
pub struct LastPlace {
    place: Mutex<Option<WindowPlace>>,
    /// Bumped by every move; a pending save goes ahead only if no later one came.
    moves: AtomicU64,
}

impl LastPlace {
    pub fn new(saved: Option<WindowPlace>) -> LastPlace {
        LastPlace {
            place: Mutex::new(saved),
            moves: AtomicU64::new(0),
        }
    }

    pub fn get(&self) -> Option<WindowPlace> {
        *self.place.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads the window's place. Maximized, it keeps the size and position it had before, so
    /// un-maximizing after a restart goes back to them; minimized, it keeps the last one.
    fn remember<R: Runtime>(&self, w: &tauri::Window<R>) -> Option<WindowPlace> {
        if w.is_minimized().unwrap_or(false) {
            return None;
        }
        let maximized = w.is_maximized().unwrap_or(false);
        let mut slot = self.place.lock().unwrap_or_else(|p| p.into_inner());
        let next = match (*slot, maximized) {
            (Some(before), true) => WindowPlace {
                maximized: true,
                ..before
            },
            _ => {
                let size = w.inner_size().ok()?;
                let position = w.outer_position().ok().map(|p| Point { x: p.x, y: p.y });
                WindowPlace {
                    width: size.width,
                    height: size.height,
                    position: position.or(slot.and_then(|s| s.position)),
                    maximized,
                }
            }
        };
        if !next.is_sane() {
            return None;
        }
        *slot = Some(next);
        Some(next)
    }
}

fn save<R: Runtime>(app: &AppHandle<R>, place: WindowPlace) {
    if let Some(store) = app.try_state::<UiStateStore>() {
        if let Err(e) = store.set_window(place) {
            tracing::warn!(error = %e, "could not keep the window's place");
        }
    }
}

/// The window moved or changed size: kept in memory now, in the file once it settles.
pub fn moved<R: Runtime>(w: &tauri::Window<R>) {
    let app = w.app_handle().clone();
    let Some(last) = app.try_state::<LastPlace>() else {
        return;
    };
    if last.remember(w).is_none() {
        return;
    }
    let this_move = last.moves.fetch_add(1, Ordering::SeqCst) + 1;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SAVE_AFTER).await;
        let Some(last) = app.try_state::<LastPlace>() else {
            return;
        };
        if last.moves.load(Ordering::SeqCst) == this_move {
            if let Some(place) = last.get() {
                save(&app, place);
            }
        }
    });
}

/// The window is closing (to the tray, or for good): its place is written now.
pub fn closing<R: Runtime>(w: &tauri::Window<R>) {
    let Some(last) = w.app_handle().try_state::<LastPlace>() else {
        return;
    };
    last.remember(w);
    if let Some(place) = last.get() {
        save(w.app_handle(), place);
    }
}

/// The app is ending: the last place seen is written (Quit gives no window a close request).
pub fn app_exiting<R: Runtime>(app: &AppHandle<R>) {
    if let Some(place) = app.try_state::<LastPlace>().and_then(|l| l.get()) {
        save(app, place);
    }
}

/// Puts a window just built back where it was; whether it had a place to go back to.
pub fn restore<R: Runtime>(app: &AppHandle<R>, window: &WebviewWindow<R>) -> bool {
    let Some(place) = app.try_state::<LastPlace>().and_then(|l| l.get()) else {
        return false;
    };
    let _ = window.set_size(PhysicalSize::new(place.width, place.height));
    let screens: Vec<ScreenArea> = window
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| ScreenArea {
            origin: Point {
                x: m.position().x,
                y: m.position().y,
            },
            width: m.size().width,
            height: m.size().height,
        })
        .collect();
    if let Some(p) = place.position_on(&screens) {
        let _ = window.set_position(PhysicalPosition::new(p.x, p.y));
    }
    if place.maximized {
        let _ = window.maximize();
    }
    true
}
