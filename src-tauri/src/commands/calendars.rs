//! Calendars: list, show/hide, colour; the account's event colour palette.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use crate::events::{emit, EventsChanged};
use chronos_core::model::{AccountId, CalendarColors, CalendarId, RgbColor};
use chronos_core::service::Palette;
use chronos_core::store::{IncrementalSync, StoredCalendar};
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
    #[ts(type = "AccessRole")]
    pub access_role: String,
    pub selected: bool,
    pub primary: bool,
    /// `false`: the calendar's server gives no sync token, so every sync lists it in full and
    /// the minute check leaves it alone (a state to show, not an error).
    pub incremental_sync: bool,
    /// The colours shown were chosen here and are not on Google yet (the next sync sends them).
    pub colors_pending: bool,
}

/// A calendar in the UI's shape. Its colours: the local ones (chosen here, not yet on Google,
/// or a local-only background), else the entry's own, else what its `colorId` means in the
/// account's palette, else Google's default.
pub fn view(c: &StoredCalendar, palette: &Palette) -> CalendarView {
    let e = &c.entry;
    let (background, foreground) = c.shown_colors(|id| {
        palette
            .calendar(id)
            .map(|d| (d.background.clone(), d.foreground.clone()))
    });
    CalendarView {
        account_id: c.account.as_str().to_owned(),
        id: e.id.as_str().to_owned(),
        summary: e
            .summary_override
            .clone()
            .or_else(|| e.summary.clone())
            .unwrap_or_else(|| e.id.as_str().to_owned()),
        background_color: background.unwrap_or_else(|| DEFAULT_BACKGROUND.to_owned()),
        foreground_color: foreground.unwrap_or_else(|| DEFAULT_FOREGROUND.to_owned()),
        access_role: e.access_role.clone().unwrap_or_else(|| "reader".to_owned()),
        selected: c.selected,
        primary: e.primary.unwrap_or(false),
        incremental_sync: c.incremental_sync == IncrementalSync::Available,
        colors_pending: c.colors_pending,
    }
}

#[tauri::command]
pub async fn list_calendars(
    engine: State<'_, Engine>,
    account_id: Option<String>,
) -> CmdResult<Vec<CalendarView>> {
    let chronos = engine.get()?;
    let account = account_id.map(AccountId::new);
    let calendars: Vec<StoredCalendar> = chronos
        .calendars(account.as_ref())
        .await?
        .into_iter()
        .filter(|c| !c.deleted)
        .collect();
    // Every listed account's palette is looked up (a store read) even if all its calendars have
    // colours of their own: the UI lists calendars right after connecting, so the account's
    // palette is fetched in the background before its events are first shown.
    let accounts = calendars.iter().map(|c| c.account.clone()).collect();
    let palettes = chronos.palettes_for(accounts).await;
    let stand_in = Palette::stand_in();
    Ok(calendars
        .iter()
        .map(|c| view(c, palettes.get(&c.account).unwrap_or(&stand_in)))
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

/// The user's colours for a calendar: shown at once and sent to Google (kept and sent by the
/// next sync when Google cannot be reached: `colorsPending` in the answer). Answers the
/// calendar as `list_calendars` now shows it.
#[tauri::command]
pub async fn set_calendar_color<R: Runtime>(
    app: AppHandle<R>,
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
    let (account, calendar) = (
        AccountId::new(account_id.clone()),
        CalendarId::new(calendar_id.clone()),
    );
    chronos
        .set_calendar_colors(&account, &calendar, colors)
        .await?;
    emit(
        &app,
        &EventsChanged {
            account_id,
            calendar_ids: vec![calendar_id],
        },
    );
    let stored = chronos
        .calendars(Some(&account))
        .await?
        .into_iter()
        .find(|c| c.entry.id == calendar)
        .ok_or_else(|| AppError::not_found(format!("no calendar {calendar}")))?;
    let palettes = chronos.palettes_for([account.clone()].into()).await;
    let stand_in = Palette::stand_in();
    Ok(view(&stored, palettes.get(&account).unwrap_or(&stand_in)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use chronos_core::google::{ColorDefinition as Def, Colors};
    use chronos_core::model::CalendarListEntry;
    use std::sync::Arc;

    fn calendar(color_id: Option<&str>, background: Option<&str>) -> StoredCalendar {
        StoredCalendar {
            account: AccountId::new("a@example.com"),
            entry: CalendarListEntry {
                id: CalendarId::new("c@example.com"),
                color_id: color_id.map(str::to_owned),
                background_color: background.map(str::to_owned),
                ..Default::default()
            },
            selected: true,
            selection_by_user: false,
            color_override: None,
            foreground_override: None,
            colors_pending: false,
            deleted: false,
            incremental_sync: Default::default(),
        }
    }

    fn palette() -> Palette {
        let mut colors = Colors::default();
        let def = Def {
            background: "#010203".into(),
            foreground: "#fdfeff".into(),
        };
        colors.calendar.insert("7".into(), def);
        Palette {
            colors: Arc::new(colors),
            from_google: true,
        }
    }

    #[test]
    fn a_calendar_without_colours_of_its_own_takes_its_colour_id_from_the_palette() {
        let v = view(&calendar(Some("7"), None), &palette());
        assert_eq!(
            (v.background_color.as_str(), v.foreground_color.as_str()),
            ("#010203", "#fdfeff")
        );
        // Its own colours win; an id the palette does not know gets Google's default.
        let v = view(&calendar(Some("7"), Some("#aabbcc")), &palette());
        assert_eq!(v.background_color, "#aabbcc");
        let v = view(&calendar(Some("99"), None), &palette());
        assert_eq!(
            (v.background_color.as_str(), v.foreground_color.as_str()),
            (DEFAULT_BACKGROUND, DEFAULT_FOREGROUND)
        );
        let mut local = calendar(Some("7"), None);
        local.color_override = Some("#123123".into());
        assert_eq!(view(&local, &palette()).background_color, "#123123");
        assert_eq!(view(&local, &palette()).foreground_color, "#fdfeff");
        local.foreground_override = Some("#321321".into());
        assert_eq!(view(&local, &palette()).foreground_color, "#321321");
    }

    #[test]
    fn a_calendar_without_incremental_sync_says_so_in_its_view() {
        assert!(view(&calendar(None, None), &palette()).incremental_sync);
        let mut full_only = calendar(None, None);
        full_only.incremental_sync = IncrementalSync::Unavailable;
        assert!(!view(&full_only, &palette()).incremental_sync);
    }
}
