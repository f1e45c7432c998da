//! The palette of calendar and event colours (what `colorId` means), served by colors.get. It
//! starts as Google's fixed palette; tests may change it through the control API
//! (`Palette::apply`) to check that clients read the server's palette rather than a built-in copy.

use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const FG: &str = "#1d1d1d";

/// Google's `updated` for its palette, which has not changed since.
const GOOGLE_UPDATED: &str = "2012-02-14T00:00:00.000Z";

const CALENDAR: [&str; 24] = [
    "#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692", "#16a765",
    "#7bd148", "#b3dc6c", "#fbe983", "#fad165", "#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7",
    "#9a9cff", "#b99aff", "#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2",
];

const EVENT: [&str; 11] = [
    "#a4bdfc", "#7ae7bf", "#dbadff", "#ff887c", "#fbd75b", "#ffb878", "#46d6db", "#e1e1e1",
    "#5484ed", "#51b749", "#dc2127",
];

/// (background, foreground) of a calendar colour id in Google's palette; unknown ids fall back
/// to colour 14. Used when calendars are created from a world fixture.
pub fn calendar_color(id: &str) -> (&'static str, &'static str) {
    let i = id
        .parse::<usize>()
        .ok()
        .filter(|i| (1..=24).contains(i))
        .unwrap_or(14);
    (CALENDAR[i - 1], FG)
}

/// The calendar colour id whose background is nearest to `rgb` (`#rrggbb`), as Google picks a
/// `colorId` for a calendar given RGB colours; `None` for a string that is no such colour.
pub fn nearest_calendar_color(rgb: &str) -> Option<String> {
    let channels = |s: &str| -> Option<[i32; 3]> {
        let hex = s
            .strip_prefix('#')
            .filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()))?;
        let at = |i: usize| i32::from_str_radix(&hex[i..i + 2], 16).ok();
        Some([at(0)?, at(2)?, at(4)?])
    };
    let want = channels(rgb)?;
    let distance =
        |c: &str| channels(c).map_or(i32::MAX, |c| (0..3).map(|i| (c[i] - want[i]).pow(2)).sum());
    let (i, _) = CALENDAR
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| distance(c))?;
    Some((i + 1).to_string())
}

/// One colour of the palette.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ColorDef {
    pub background: String,
    pub foreground: String,
}

/// The palette colors.get serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Palette {
    pub calendar: BTreeMap<String, ColorDef>,
    pub event: BTreeMap<String, ColorDef>,
    pub updated: String,
}

/// A change to the palette: the named ids are set (added or replaced), the others kept.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize)]
pub struct PaletteChange {
    #[serde(default)]
    pub calendar: BTreeMap<String, ColorDef>,
    #[serde(default)]
    pub event: BTreeMap<String, ColorDef>,
}

impl PaletteChange {
    /// One event colour set to `background` on `foreground`, the rest as it is.
    pub fn event_colour(id: &str, background: &str, foreground: &str) -> Self {
        let mut change = Self::default();
        let colour = ColorDef {
            background: background.into(),
            foreground: foreground.into(),
        };
        change.event.insert(id.into(), colour);
        change
    }
}

impl Default for Palette {
    /// Google's palette.
    fn default() -> Self {
        let numbered = |colors: &[&str]| {
            colors
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        (i + 1).to_string(),
                        ColorDef {
                            background: (*c).to_owned(),
                            foreground: FG.to_owned(),
                        },
                    )
                })
                .collect()
        };
        Palette {
            calendar: numbered(&CALENDAR),
            event: numbered(&EVENT),
            updated: GOOGLE_UPDATED.to_owned(),
        }
    }
}

impl Palette {
    /// Applies `change` and stamps `updated` with `now`, as Google would on a palette change.
    pub fn apply(&mut self, change: PaletteChange, now: chrono::DateTime<chrono::Utc>) {
        self.calendar.extend(change.calendar);
        self.event.extend(change.event);
        self.updated = now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    }

    pub fn to_json(&self) -> Value {
        let group = |m: &BTreeMap<String, ColorDef>| {
            let mut out = Map::new();
            for (id, c) in m {
                out.insert(
                    id.clone(),
                    json!({ "background": c.background, "foreground": c.foreground }),
                );
            }
            Value::Object(out)
        };
        json!({
            "kind": "calendar#colors",
            "updated": self.updated,
            "calendar": group(&self.calendar),
            "event": group(&self.event),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_sets_only_the_named_ids_and_moves_updated() {
        let mut p = Palette::default();
        let change = PaletteChange::event_colour("5", "#123456", "#ffffff");
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        p.apply(change, now);
        let j = p.to_json();
        assert_eq!(j["event"]["5"]["background"], "#123456");
        assert_eq!(j["event"]["4"]["background"], "#ff887c");
        assert_eq!(j["calendar"]["14"]["background"], "#9fe1e7");
        assert_eq!(j["updated"], "2026-01-02T03:04:05.000Z");
        assert_eq!(Palette::default().to_json()["updated"], GOOGLE_UPDATED);
    }
}
