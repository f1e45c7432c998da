//! Calendars: list, show/hide, colour; the account's event colour palette.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use chronos_core::model::{AccountId, CalendarColors, CalendarId, RgbColor};
use chronos_core::view::CalendarView;
use serde::Serialize;
use std::collections::BTreeMap;
use tauri::State;
use ts_rs::TS;

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
    let colors = CalendarColors {
        background: RgbColor::parse(&background_color)
            .map_err(|e| AppError::for_field(e.into(), "backgroundColor"))?,
        foreground: RgbColor::parse(&foreground_color)
            .map_err(|e| AppError::for_field(e.into(), "foregroundColor"))?,
    };
    let chronos = engine.get()?;
    let (account, calendar) = (AccountId::new(account_id), CalendarId::new(calendar_id));
    chronos
        .set_calendar_colors(&account, &calendar, colors)
        .await?;
    Ok(chronos.calendar_view(&account, &calendar).await?)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ColorDefinition {
    pub background: String,
    pub foreground: String,
}

/// The account's event colours by `colorId`, as its `colors.get` defines them (Google is asked
/// when the saved palette is a day old, waiting a few seconds at most; an account that never
/// fetched one gets Google's published palette).
#[tauri::command]
pub async fn event_colors(
    engine: State<'_, Engine>,
    account_id: String,
) -> CmdResult<BTreeMap<String, ColorDefinition>> {
    let chronos = engine.get()?;
    let account = AccountId::new(account_id);
    if !chronos.has_account(&account).await? {
        return Err(AppError::not_found(format!("no account {account}")));
    }
    let palette = chronos.palette_now(&account).await;
    Ok(palette
        .colors
        .event
        .iter()
        .map(|(id, c)| {
            (
                id.clone(),
                ColorDefinition {
                    background: c.background.clone(),
                    foreground: c.foreground.clone(),
                },
            )
        })
        .collect())
}
