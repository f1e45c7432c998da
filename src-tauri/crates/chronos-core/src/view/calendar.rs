//! A calendar as views show it: its name and the colours it shows.

use crate::google::ColorDefinition;
use crate::service::Palette;
use crate::store::{IncrementalSync, StoredCalendar};
use serde::Serialize;
use std::collections::BTreeMap;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// The account's event colours by `colorId`.
pub fn event_colors(palette: &Palette) -> BTreeMap<String, ColorDefinition> {
    palette
        .colors
        .event
        .iter()
        .map(|(id, c)| (id.clone(), c.clone()))
        .collect()
}

/// Google's default calendar colour, for a calendar that names none.
pub const DEFAULT_BACKGROUND: &str = "#4285f4";
pub const DEFAULT_FOREGROUND: &str = "#ffffff";

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct CalendarView {
    pub account_id: String,
    pub id: String,
    pub summary: String,
    pub background_color: String,
    pub foreground_color: String,
    #[cfg_attr(feature = "ts", ts(type = "AccessRole"))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::google::{ColorDefinition as Def, Colors};
    use crate::model::{CalendarId, CalendarListEntry};
    use std::sync::Arc;

    fn calendar(color_id: Option<&str>, background: Option<&str>) -> StoredCalendar {
        StoredCalendar::shown(
            "a@example.com",
            CalendarListEntry {
                id: CalendarId::new("c@example.com"),
                color_id: color_id.map(str::to_owned),
                background_color: background.map(str::to_owned),
                ..Default::default()
            },
        )
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
