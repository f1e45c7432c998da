//! The world most sync tests start from: one account whose calendars hold generated events.

use chronos_core::model::CalendarId;
use gcal_emulator::{AccountSpec, CalendarSpec, World};
use serde_json::{json, Value};

/// The account of [`world`].
pub const USER: &str = "sync@chronos.example";

/// A timed event on day `i` of a 2-year span starting 2026-01-01.
pub fn event(id: &str, i: usize) -> Value {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date")
        + chrono::Duration::days((i % 700) as i64);
    let hour = 6 + (i % 12);
    json!({
        "id": id,
        "summary": format!("Meeting {id}"),
        "description": "agenda",
        "start": {"dateTime": format!("{day}T{hour:02}:00:00Z")},
        "end": {"dateTime": format!("{day}T{hour:02}:45:00Z")},
    })
}

/// A calendar `id` with `n` events whose ids start with (up to) eight of its letters.
pub fn calendar(id: &str, n: usize) -> CalendarSpec {
    let prefix: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    CalendarSpec {
        id: id.into(),
        summary: format!("Calendar {id}"),
        events: (0..n)
            .map(|i| event(&format!("{prefix}e{i:06}"), i))
            .collect(),
        ..Default::default()
    }
}

/// One account ([`USER`]) whose calendars hold `sizes[i]` events each; the first is primary.
pub fn world(sizes: &[usize]) -> World {
    let mut calendars: Vec<CalendarSpec> = sizes
        .iter()
        .enumerate()
        .map(|(i, n)| calendar(&format!("cal{i:02}@group.calendar.google.com"), *n))
        .collect();
    if let Some(first) = calendars.first_mut() {
        first.id = USER.into();
        first.primary = true;
    }
    World {
        clients: Vec::new(),
        accounts: vec![AccountSpec {
            email: USER.into(),
            calendars,
            ..Default::default()
        }],
    }
}

/// The id of calendar `i` of [`world`].
pub fn cal_id(i: usize) -> CalendarId {
    if i == 0 {
        CalendarId::new(USER)
    } else {
        CalendarId::new(format!("cal{i:02}@group.calendar.google.com"))
    }
}
