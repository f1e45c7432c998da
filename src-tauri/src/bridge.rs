//! The engine's feed, carried to the desktop: the core's `UiUpdates` says what the window, the
//! tray and the notifications are told; this only delivers it.

use crate::engine::Engine;
use crate::events::emit;
use chronos_core::feed::EngineEvent;
use chronos_core::view::updates::{UiUpdate, UiUpdates};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;

/// Starts carrying the feed (call once, after the engine opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let Ok(chronos) = app.state::<Engine>().get().cloned() else {
        return;
    };
    let subscription = chronos.feed().subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown = UiUpdates::default();
        for view in &subscription.accounts {
            deliver(&app, shown.account(view));
        }
        let mut events = subscription.events;
        loop {
            match events.recv().await {
                Ok(event) => deliver(&app, shown.event(event)),
                // Missed events: the views as they are now, and every range re-read.
                Err(RecvError::Lagged(skipped)) => {
                    tracing::debug!(skipped, "the feed's desktop bridge lagged");
                    for view in chronos.feed().accounts() {
                        deliver(&app, shown.account(&view));
                        let account = view.account.clone();
                        let calendars = Vec::new();
                        let changed = EngineEvent::EventsChanged { account, calendars };
                        deliver(&app, shown.event(changed));
                    }
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn deliver<R: Runtime>(app: &AppHandle<R>, updates: Vec<UiUpdate>) {
    for update in updates {
        match update {
            UiUpdate::Status(status) => {
                emit(app, &status);
                crate::tray::refresh(app);
            }
            UiUpdate::Progress(progress) => emit(app, &progress),
            UiUpdate::Finished(finished) => emit(app, &finished),
            UiUpdate::Outbox(outbox) => emit(app, &outbox),
            UiUpdate::Events(changed) => emit(app, &changed),
            UiUpdate::Removed => crate::tray::refresh(app),
            UiUpdate::MassDeletion(found) => emit(app, &found),
            UiUpdate::Notice(n) => crate::notify::show(app, &n.title, &n.body),
        }
    }
}
