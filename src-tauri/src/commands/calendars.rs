//! Calendars: list, show/hide, colour; the account's event colour palette.

use crate::engine::Engine;
use crate::error::CmdResult;
use chronos_core::google::ColorDefinition;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::view::input::calendar_colors;
use chronos_core::view::CalendarView;
use std::collections::BTreeMap;
use tauri::State;

#[tauri::command]
pub async fn list_calendars(
    engine: State<'_, Engine>,
    account_id: Option<String>,
) -> CmdResult<Vec<CalendarView>> {
    let account = account_id.map(AccountId::new);
    Ok(engine.get()?.calendar_views(account.as_ref()).await?)
}

#[tauri::command]
pub async fn set_calendar_selected(
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
    selected: bool,
) -> CmdResult<()> {
    let chronos = engine.get()?;
    chronos
        .set_calendar_selected(
            &AccountId::new(account_id),
            &CalendarId::new(calendar_id),
            selected,
        )
        .await?;
    Ok(())
}

/// The user's colours for a calendar: shown at once and sent to Google (kept and sent by the
/// next sync when Google cannot be reached: `colorsPending` in the answer). Answers the
/// calendar as `list_calendars` now shows it.
#[tauri::command]
pub async fn set_calendar_color(
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
    background_color: String,
    foreground_color: String,
) -> CmdResult<CalendarView> {
    let colors = calendar_colors(&background_color, &foreground_color)?;
    let chronos = engine.get()?;
    let (account, calendar) = (AccountId::new(account_id), CalendarId::new(calendar_id));
    chronos
        .set_calendar_colors(&account, &calendar, colors)
        .await?;
    Ok(chronos.calendar_view(&account, &calendar).await?)
}

/// The account's event colours by `colorId`, as its `colors.get` defines them (Google is asked
/// when the saved palette is a day old, waiting a few seconds at most; an account that never
/// fetched one gets Google's published palette).
#[tauri::command]
pub async fn event_colors(
    engine: State<'_, Engine>,
    account_id: String,
) -> CmdResult<BTreeMap<String, ColorDefinition>> {
    let account = AccountId::new(account_id);
    Ok(engine.get()?.event_color_views(&account).await?)
}
