//! The tray: a status line, Sync now, Open Chronos, Quit; the icon shows syncing and error states.

use crate::events::{SyncState, SyncStatus};
use chrono::{DateTime, Utc};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

const ICON_IDLE: &[u8] = include_bytes!("../../icons/tray.png");
const ICON_SYNCING: &[u8] = include_bytes!("../../icons/tray-syncing.png");
const ICON_ERROR: &[u8] = include_bytes!("../../icons/tray-error.png");

const NO_ACCOUNT: &str = "No account connected";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrayLook {
    Idle,
    Syncing,
    Error,
}

/// "3 min ago" style, for the status line.
pub fn ago(since: chrono::Duration) -> String {
    let mins = since.num_minutes();
    match mins {
        i64::MIN..=0 => "just now".to_owned(),
        1..=59 => format!("{mins} min ago"),
        60..=1439 => format!("{} h ago", mins / 60),
        _ => match mins / 1440 {
            1 => "1 day ago".to_owned(),
            d => format!("{d} days ago"),
        },
    }
}

/// The tray's status line and icon for all accounts' statuses. The most urgent state wins:
/// re-auth (only the user can fix it), then a running sync, then a failure, then "up to date".
pub fn status_line(statuses: &[SyncStatus], now: DateTime<Utc>) -> (String, TrayLook) {
    if statuses.is_empty() {
        return (NO_ACCOUNT.to_owned(), TrayLook::Idle);
    }
    if statuses.iter().any(|s| s.state == SyncState::NeedsReauth) {
        return ("Needs re-auth".to_owned(), TrayLook::Error);
    }
    let syncing: Vec<_> = statuses
        .iter()
        .filter(|s| s.state == SyncState::Syncing)
        .collect();
    if !syncing.is_empty() {
        let (done, total) = syncing
            .iter()
            .filter_map(|s| s.progress.as_ref())
            .fold((0, 0), |(d, t), p| {
                (d + p.calendars_done, t + p.calendars_total)
            });
        let text = if total == 0 {
            "Syncing…".to_owned()
        } else {
            format!("Syncing {done} of {total} calendars")
        };
        return (text, TrayLook::Syncing);
    }
    if statuses.iter().any(|s| s.state == SyncState::Error) {
        return ("Sync failed".to_owned(), TrayLook::Error);
    }
    // The oldest account decides how fresh "everything" is.
    match statuses.iter().map(|s| s.last_sync_at).min().flatten() {
        Some(at) => (
            format!("Up to date · synced {}", ago(now - at)),
            TrayLook::Idle,
        ),
        None => ("Not synced yet".to_owned(), TrayLook::Idle),
    }
}

/// The live tray, kept in app state so status changes can update it.
pub struct Tray<R: Runtime> {
    icon: TrayIcon<R>,
    status_item: MenuItem<R>,
    text: std::sync::Mutex<String>,
    look: std::sync::Mutex<TrayLook>,
}

fn image(look: TrayLook) -> tauri::Result<Image<'static>> {
    Image::from_bytes(match look {
        TrayLook::Idle => ICON_IDLE,
        TrayLook::Syncing => ICON_SYNCING,
        TrayLook::Error => ICON_ERROR,
    })
}

pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Tray<R>> {
    let status_item = MenuItem::with_id(app, "status", NO_ACCOUNT, false, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &status_item,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "sync_now", "Sync now", true, None::<&str>)?,
            &MenuItem::with_id(app, "open", "Open Chronos", true, None::<&str>)?,
            &MenuItem::with_id(app, "quick_add", "Quick add…", true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id("main");
    // Linux hands the tray host a PNG by path, written to `$XDG_RUNTIME_DIR/tray-icon` (or
    // `/tmp/tray-icon`) by default and named only by the tray id: any other app with a tray
    // called "main" would overwrite or delete Chronos's icon file. The app's own data directory
    // is Chronos's alone.
    if let Some(run) = app.try_state::<crate::engine::RunInfo>() {
        builder = builder.temp_dir_path(run.data_dir.join("tray-icon"));
    }
    let icon = builder
        .icon(image(TrayLook::Idle)?)
        .tooltip("Chronos")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "sync_now" => crate::engine::request_sync(app, None, "tray"),
            "open" => crate::window::show_main(app),
            "quick_add" => crate::deep_link::open_quick_add(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            // Windows and macOS report clicks; Linux (AppIndicator) shows the menu instead.
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                crate::window::show_main(tray.app_handle());
            }
        })
        .build(app)?;
    Ok(Tray {
        icon,
        status_item,
        text: std::sync::Mutex::new(NO_ACCOUNT.to_owned()),
        look: std::sync::Mutex::new(TrayLook::Idle),
    })
}

impl<R: Runtime> Tray<R> {
    pub fn show(&self, statuses: &[SyncStatus], now: DateTime<Utc>) {
        let (text, look) = status_line(statuses, now);
        // Every progress step and the 30 s tick land here; the desktop hears only of changes
        // (on Linux each label change is a D-Bus signal to the tray host).
        let mut shown = self.text.lock().expect("tray lock");
        if *shown != text {
            match self.status_item.set_text(&text) {
                Ok(()) => *shown = text.clone(),
                Err(e) => tracing::warn!(error = %e, "could not update the tray status line"),
            }
            let _ = self.icon.set_tooltip(Some(format!("Chronos — {text}")));
        }
        drop(shown);
        let mut current = self.look.lock().expect("tray lock");
        if *current != look {
            match image(look).and_then(|img| self.icon.set_icon(Some(img))) {
                Ok(()) => *current = look,
                Err(e) => tracing::warn!(error = %e, "could not change the tray icon"),
            }
        }
    }
}

/// Redraws the tray from the current statuses, if there is a tray (mock tests have none).
///
/// The redraw is queued to the main thread, where the tray's menu and icon live, instead of
/// each caller waiting for the main thread: progress and status arrive on the async runtime's
/// workers (several a second while syncing), and the statuses are read when the redraw runs,
/// so queued redraws never show an older state after a newer one.
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    if app.try_state::<Tray<R>>().is_none() {
        return;
    }
    let handle = app.clone();
    let queued = app.run_on_main_thread(move || {
        if let Some(tray) = handle.try_state::<Tray<R>>() {
            let statuses = crate::engine::statuses(&handle);
            tray.show(&statuses, crate::clock::now(&handle));
        }
    });
    if let Err(e) = queued {
        tracing::warn!(error = %e, "could not redraw the tray");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::SyncProgress;

    fn status(state: SyncState) -> SyncStatus {
        SyncStatus {
            account_id: "a@example.com".into(),
            state,
            last_sync_at: None,
            error: None,
            pending_changes: 0,
            progress: None,
        }
    }

    #[test]
    fn relative_times() {
        assert_eq!(ago(chrono::Duration::seconds(20)), "just now");
        assert_eq!(ago(chrono::Duration::minutes(2)), "2 min ago");
        assert_eq!(ago(chrono::Duration::minutes(125)), "2 h ago");
        assert_eq!(ago(chrono::Duration::days(1)), "1 day ago");
        assert_eq!(ago(chrono::Duration::days(3)), "3 days ago");
    }

    #[test]
    fn lines_for_each_state() {
        let now = Utc::now();
        let up = SyncStatus {
            last_sync_at: Some(now - chrono::Duration::minutes(2)),
            ..status(SyncState::UpToDate)
        };
        assert_eq!(
            status_line(std::slice::from_ref(&up), now),
            ("Up to date · synced 2 min ago".to_owned(), TrayLook::Idle)
        );

        let progress = SyncProgress {
            account_id: "a@example.com".into(),
            calendars_total: 7,
            calendars_done: 3,
            events_fetched: 120,
            calendars: vec![],
        };
        let syncing = SyncStatus {
            progress: Some(progress),
            ..status(SyncState::Syncing)
        };
        assert_eq!(
            status_line(&[up.clone(), syncing.clone()], now),
            ("Syncing 3 of 7 calendars".to_owned(), TrayLook::Syncing)
        );
        assert_eq!(
            status_line(&[up.clone(), status(SyncState::Error)], now),
            ("Sync failed".to_owned(), TrayLook::Error)
        );
        assert_eq!(
            status_line(&[syncing, status(SyncState::NeedsReauth)], now),
            ("Needs re-auth".to_owned(), TrayLook::Error)
        );
        assert_eq!(status_line(&[], now).0, "No account connected");
    }

    #[test]
    fn icons_decode() {
        for look in [TrayLook::Idle, TrayLook::Syncing, TrayLook::Error] {
            let img = image(look).unwrap();
            assert_eq!((img.width(), img.height()), (64, 64));
        }
    }
}
