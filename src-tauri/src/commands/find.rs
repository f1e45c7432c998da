//! Search and quick add: the core reads and saves; the shell adds the window's zone and the
//! system locale's date order.

use crate::engine::Engine;
use crate::error::CmdResult;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::quick_add::system_date_order;
use chronos_core::store::CalendarRef;
use chronos_core::view::{EventView, QuickAddPreview, SearchResultsView};
use tauri::{AppHandle, Manager, Runtime, State};

fn chosen(account_id: Option<String>, calendar_id: Option<String>) -> Option<CalendarRef> {
    Some(CalendarRef {
        account: AccountId::new(account_id?),
        calendar: CalendarId::new(calendar_id?),
    })
}

/// Events matching every word of `query` (as prefixes, ignoring case and accents), across all
/// accounts and all history, nearest to now first.
#[tauri::command]
pub async fn search_events<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    query: String,
    limit: u32,
) -> CmdResult<SearchResultsView> {
    let chronos = engine.get()?.clone();
    let zone = crate::reminders::window_zone(&app, &chronos).await;
    Ok(chronos.search_view(&query, zone, limit as usize).await?)
}

/// What a quick-add line would become and where it would go; saves nothing.
#[tauri::command]
pub async fn quick_add_preview<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    text: String,
    account_id: Option<String>,
    calendar_id: Option<String>,
) -> CmdResult<QuickAddPreview> {
    let chronos = engine.get()?.clone();
    let zone = crate::reminders::window_zone(&app, &chronos).await;
    let target = chosen(account_id, calendar_id);
    Ok(chronos
        .quick_add_preview(&text, zone, system_date_order(), target.as_ref())
        .await?)
}

/// Saves a quick-add line as its preview showed it.
#[tauri::command]
pub async fn quick_add<R: Runtime>(
    app: AppHandle<R>,
    text: String,
    account_id: Option<String>,
    calendar_id: Option<String>,
) -> CmdResult<EventView> {
    let engine = app.state::<Engine>();
    let chronos = engine.get()?.clone();
    chronos.user_activity();
    let zone = crate::reminders::window_zone(&app, &chronos).await;
    let target = chosen(account_id, calendar_id);
    let saved = chronos
        .quick_add(&text, zone, system_date_order(), target.as_ref())
        .await?;
    Ok(chronos.event_view(&saved).await?)
}

/// The day a palette query names when it is only a date ("next friday", "2027-03-01"), or
/// nothing.
#[tauri::command]
pub async fn read_date<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    text: String,
) -> CmdResult<Option<chrono::NaiveDate>> {
    let chronos = engine.get()?.clone();
    let zone = crate::reminders::window_zone(&app, &chronos).await;
    Ok(chronos.read_date(&text, zone, system_date_order()))
}
