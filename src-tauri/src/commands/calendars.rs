//! Calendars: list, show/hide, colour; Google's event colour palette.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use crate::events::{emit, EventsChanged};
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::store::StoredCalendar;
use serde::Serialize;
use std::collections::BTreeMap;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

/// Google's default calendar colour, for a calendar that names none.
pub const DEFAULT_BACKGROUND: &str = "#4285f4";
pub const DEFAULT_FOREGROUND: &str = "#ffffff";

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CalendarView {
    pub account_id: String,
    pub id: String,
    pub summary: String,
    pub background_color: String,
    pub foreground_color: String,
    pub access_role: String,
    pub selected: bool,
    pub primary: bool,
}

pub fn view(c: &StoredCalendar) -> CalendarView {
    let e = &c.entry;
    CalendarView {
        account_id: c.account.as_str().to_owned(),
        id: e.id.as_str().to_owned(),
        summary: e
            .summary_override
            .clone()
            .or_else(|| e.summary.clone())
            .unwrap_or_else(|| e.id.as_str().to_owned()),
        background_color: c
            .color_override
            .clone()
            .or_else(|| e.background_color.clone())
            .unwrap_or_else(|| DEFAULT_BACKGROUND.to_owned()),
        foreground_color: e
            .foreground_color
            .clone()
            .unwrap_or_else(|| DEFAULT_FOREGROUND.to_owned()),
        access_role: e.access_role.clone().unwrap_or_else(|| "reader".to_owned()),
        selected: c.selected,
        primary: e.primary.unwrap_or(false),
    }
}

#[tauri::command]
pub async fn list_calendars(
    engine: State<'_, Engine>,
    account_id: Option<String>,
) -> CmdResult<Vec<CalendarView>> {
    let chronos = engine.get()?;
    let account = account_id.map(AccountId::new);
    Ok(chronos
        .calendars(account.as_ref())
        .await?
        .iter()
        .filter(|c| !c.deleted)
        .map(view)
        .collect())
}

#[tauri::command]
pub async fn set_calendar_selected<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
    selected: bool,
) -> CmdResult<()> {
    let chronos = engine.get()?;
    chronos
        .set_calendar_selected(
            &AccountId::new(account_id.clone()),
            &CalendarId::new(calendar_id.clone()),
            selected,
        )
        .await?;
    emit(
        &app,
        &EventsChanged {
            account_id,
            calendar_ids: vec![calendar_id],
        },
    );
    Ok(())
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// A local colour for a calendar (kept on this computer; Google's colour is left alone).
#[tauri::command]
pub async fn set_calendar_color<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
    background_color: String,
    foreground_color: String,
) -> CmdResult<()> {
    if !is_hex_colour(&background_color) {
        return Err(AppError::invalid(
            "backgroundColor",
            "a colour is written #rrggbb",
        ));
    }
    if !is_hex_colour(&foreground_color) {
        return Err(AppError::invalid(
            "foregroundColor",
            "a colour is written #rrggbb",
        ));
    }
    let chronos = engine.get()?;
    let store = chronos.store().clone();
    let (a, c) = (
        AccountId::new(account_id.clone()),
        CalendarId::new(calendar_id.clone()),
    );
    let colour = background_color.to_ascii_lowercase();
    tauri::async_runtime::spawn_blocking(move || store.set_calendar_color(&a, &c, Some(&colour)))
        .await
        .map_err(|e| AppError::internal(e.to_string()))??;
    emit(
        &app,
        &EventsChanged {
            account_id,
            calendar_ids: vec![calendar_id],
        },
    );
    Ok(())
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct ColorDefinition {
    pub background: &'static str,
    pub foreground: &'static str,
}

/// Google's event palette (`colors.get` → `event`): fixed by Google, the same for every account
/// (so the UI's `accountId` argument needs no lookup).
pub const EVENT_PALETTE: [(&str, &str); 11] = [
    ("1", "#a4bdfc"),
    ("2", "#7ae7bf"),
    ("3", "#dbadff"),
    ("4", "#ff887c"),
    ("5", "#fbd75b"),
    ("6", "#ffb878"),
    ("7", "#46d6db"),
    ("8", "#e1e1e1"),
    ("9", "#5484ed"),
    ("10", "#51b749"),
    ("11", "#dc2127"),
];

pub fn event_colour(color_id: &str) -> Option<&'static str> {
    EVENT_PALETTE
        .iter()
        .find(|(id, _)| *id == color_id)
        .map(|(_, bg)| *bg)
}

#[tauri::command]
pub fn event_colors() -> BTreeMap<&'static str, ColorDefinition> {
    EVENT_PALETTE
        .iter()
        .map(|(id, bg)| {
            (
                *id,
                ColorDefinition {
                    background: bg,
                    foreground: "#1d1d1d",
                },
            )
        })
        .collect()
}
