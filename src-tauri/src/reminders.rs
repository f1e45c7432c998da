//! Popup reminders as desktop notifications: the core's reminder watch decides what is due and
//! says it; here it is shown, with times in the zone the window shows. They fire while only the
//! tray is open too.

use chronos_core::reminders::{ReminderSink, ZoneAnswer};
use chronos_core::service::Chronos;
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime};

/// The zone the window shows times in (see `Chronos::display_zone`).
pub(crate) async fn display_zone<R: Runtime>(
    app: &AppHandle<R>,
    chronos: &Chronos,
) -> Option<chrono_tz::Tz> {
    let settings = app.state::<crate::settings::SettingsStore>().get();
    chronos.display_zone(&settings).await
}

/// The zone the window shows dates in, else the system's.
pub(crate) async fn window_zone<R: Runtime>(
    app: &AppHandle<R>,
    chronos: &Chronos,
) -> chrono_tz::Tz {
    display_zone(app, chronos)
        .await
        .unwrap_or_else(chronos_core::zone::system_zone)
}

struct Desktop<R: Runtime> {
    app: AppHandle<R>,
    chronos: Chronos,
}

impl<R: Runtime> ReminderSink for Desktop<R> {
    fn display_zone(&self) -> ZoneAnswer {
        let (app, chronos) = (self.app.clone(), self.chronos.clone());
        Box::pin(async move { display_zone(&app, &chronos).await })
    }

    fn show(&self, title: &str, body: &str) {
        crate::notify::show(&self.app, title, body);
    }
}

/// Starts the core's reminder watch with the desktop as its sink.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let Ok(chronos) = app.state::<crate::engine::Engine>().get().cloned() else {
        return;
    };
    let sink = Arc::new(Desktop {
        app: app.clone(),
        chronos: chronos.clone(),
    });
    let _guard = tauri::async_runtime::handle().inner().enter();
    chronos.watch_reminders(sink);
}
