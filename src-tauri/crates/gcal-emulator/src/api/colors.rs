//! colors.get: Google's fixed palette of calendar and event colours (what `colorId` means).

use serde_json::{json, Map, Value};

const FG: &str = "#1d1d1d";

const CALENDAR: [&str; 24] = [
    "#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692", "#16a765",
    "#7bd148", "#b3dc6c", "#fbe983", "#fad165", "#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7",
    "#9a9cff", "#b99aff", "#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2",
];

const EVENT: [&str; 11] = [
    "#a4bdfc", "#7ae7bf", "#dbadff", "#ff887c", "#fbd75b", "#ffb878", "#46d6db", "#e1e1e1",
    "#5484ed", "#51b749", "#dc2127",
];

/// (background, foreground) of a calendar colour id; unknown ids fall back to colour 14.
pub fn calendar_color(id: &str) -> (&'static str, &'static str) {
    let i = id.parse::<usize>().ok().filter(|i| (1..=24).contains(i)).unwrap_or(14);
    (CALENDAR[i - 1], FG)
}

pub fn colors_json() -> Value {
    let palette = |colors: &[&str]| {
        let mut m = Map::new();
        for (i, c) in colors.iter().enumerate() {
            m.insert((i + 1).to_string(), json!({ "background": c, "foreground": FG }));
        }
        Value::Object(m)
    };
    json!({
        "kind": "calendar#colors",
        "updated": "2012-02-14T00:00:00.000Z",
        "calendar": palette(&CALENDAR),
        "event": palette(&EVENT),
    })
}
