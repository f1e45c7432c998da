//! Events: a time range in the UI's shape; create, update, move, delete (queued locally with
//! their outbox entry; the core pushes the account's queue at once in the background). Rows of
//! a recurring series are edited with a scope: this one, this and following, or all.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use chrono::{DateTime, Utc};
use chronos_core::model::{AccountId, CalendarId, EventId};
use chronos_core::outbox::edit::EditOptions;
use chronos_core::outbox::{EditScope, EventChanges};
use chronos_core::service::Chronos;
use chronos_core::store::StoredEvent;
use chronos_core::view::input::view_range;
use chronos_core::view::{EventInput, EventView, EventsInRange, MonthView};
use tauri::{AppHandle, Manager, Runtime, State};

/// The engine, the range `[from, to)` the page asked for, and the zone the window shows dates in.
async fn shown_range<R: Runtime>(
    app: &AppHandle<R>,
    engine: &Engine,
    from: &str,
    to: &str,
) -> CmdResult<(Chronos, DateTime<Utc>, DateTime<Utc>, chrono_tz::Tz)> {
    let (from, to) = view_range(from, to)?;
    let chronos = engine.get()?.clone();
    let zone = crate::reminders::window_zone(app, &chronos).await;
    Ok((chronos, from, to, zone))
}

/// Events of the selected calendars overlapping `[from, to)`, with all-day events placed on the
/// dates of the zone the window shows.
#[tauri::command]
pub async fn events_in_range<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    from: String,
    to: String,
) -> CmdResult<EventsInRange> {
    let (chronos, from, to, zone) = shown_range(&app, &engine, &from, &to).await?;
    Ok(chronos.event_views_in_range(from, to, zone).await?)
}

/// A month grid of `[from, to)` in the window's zone: at most `per_day` events a day (the rest
/// counted per day), only those decrypted.
#[tauri::command]
pub async fn month_view<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    from: String,
    to: String,
    per_day: u32,
) -> CmdResult<MonthView> {
    let (chronos, from, to, zone) = shown_range(&app, &engine, &from, &to).await?;
    Ok(chronos.month_view(from, to, zone, per_day).await?)
}

/// After an edit the core has queued the change, told the UI (`events://changed`,
/// `outbox://changed` through the change forwarder) and started the push; the user did
/// something, so the idle back-off of background checks starts over.
fn touched<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Chronos> {
    let engine = app.state::<Engine>();
    let chronos = engine.get()?.clone();
    chronos.user_activity();
    Ok(chronos)
}

/// An event's identity as the page names it.
fn ids(account: String, calendar: String, event: String) -> (AccountId, CalendarId, EventId) {
    (
        AccountId::new(account),
        CalendarId::new(calendar),
        EventId::new(event),
    )
}

async fn event_view<R: Runtime>(app: &AppHandle<R>, e: StoredEvent) -> CmdResult<EventView> {
    let engine = app.state::<Engine>();
    Ok(engine.get()?.event_view(&e).await?)
}

#[tauri::command]
pub async fn create_event<R: Runtime>(
    app: AppHandle<R>,
    input: EventInput,
) -> CmdResult<EventView> {
    let changes = input.to_changes()?;
    let chronos = touched(&app)?;
    let (a, c) = (
        AccountId::new(input.account_id.clone()),
        CalendarId::new(input.calendar_id.clone()),
    );
    let saved = chronos
        .create_event(&a, &c, changes, EditOptions::default())
        .await?;
    event_view(&app, saved).await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn update_event<R: Runtime>(
    app: AppHandle<R>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    input: EventInput,
    send_updates: Option<String>,
    scope: Option<EditScope>,
) -> CmdResult<EventView> {
    if input.calendar_id != calendar_id || input.account_id != account_id {
        return Err(AppError::invalid(
            "calendarId",
            "use move_event to change an event's calendar",
        ));
    }
    let changes = input.to_changes()?;
    let opts = EditOptions::from_send_updates(send_updates.as_deref())?;
    let (a, c, id) = ids(account_id, calendar_id, event_id);
    let saved = touched(&app)?
        .update_in_scope((&a, &c, &id), changes, scope, opts)
        .await?;
    event_view(&app, saved).await
}

/// How many changed occurrences (exceptions) an edit (`input`) or a deletion (no `input`) with
/// `scope` would discard; the UI warns before saving. Writes nothing.
#[tauri::command]
pub async fn preview_series_edit(
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    input: Option<EventInput>,
    scope: EditScope,
) -> CmdResult<u32> {
    let changes = input.as_ref().map(EventInput::to_changes).transpose()?;
    let (a, c, id) = ids(account_id, calendar_id, event_id);
    let chronos = engine.get()?;
    let n = chronos
        .preview_series_edit(&a, &c, &id, changes, scope)
        .await?;
    Ok(n as u32)
}

/// How many occurrences a series delete with `scope` removes (`null`: the series never ends).
#[tauri::command]
pub async fn series_delete_size(
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    scope: EditScope,
) -> CmdResult<Option<u32>> {
    let (a, c, id) = ids(account_id, calendar_id, event_id);
    let n = engine
        .get()?
        .removed_occurrences(&a, &c, &id, scope)
        .await?;
    Ok(n.map(|n| n as u32))
}

#[tauri::command]
pub async fn move_event<R: Runtime>(
    app: AppHandle<R>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    destination_calendar_id: String,
) -> CmdResult<EventView> {
    let chronos = touched(&app)?;
    let saved = chronos
        .move_event(
            &AccountId::new(account_id),
            &CalendarId::new(calendar_id),
            &EventId::new(event_id),
            &CalendarId::new(destination_calendar_id),
            EditOptions::default(),
        )
        .await?;
    event_view(&app, saved).await
}

/// Asks Google for a Meet link for the event (an occurrence: for it alone); the link shows
/// once Google has made it and a sync brought it.
#[tauri::command]
pub async fn add_meet<R: Runtime>(
    app: AppHandle<R>,
    account_id: String,
    calendar_id: String,
    event_id: String,
) -> CmdResult<EventView> {
    let (a, c, id) = ids(account_id, calendar_id, event_id);
    let changes = EventChanges {
        add_meet: true,
        ..Default::default()
    };
    let saved = touched(&app)?
        .update_in_scope((&a, &c, &id), changes, None, EditOptions::default())
        .await?;
    event_view(&app, saved).await
}

#[tauri::command]
pub async fn delete_event<R: Runtime>(
    app: AppHandle<R>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    send_updates: Option<String>,
    scope: Option<EditScope>,
) -> CmdResult<()> {
    let opts = EditOptions::from_send_updates(send_updates.as_deref())?;
    let (a, c, id) = ids(account_id, calendar_id, event_id);
    Ok(touched(&app)?
        .delete_in_scope((&a, &c, &id), scope, opts)
        .await?)
}
