//! The read-only holiday calendar Google adds for a region: Germany's nationwide public holidays
//! (and the two days around Christmas people take off), all-day, for the anchor's year and the
//! years either side.

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::json;
use std::collections::BTreeSet;

use crate::world::CalendarSpec;

pub const HOLIDAYS_ID: &str = "en.german#holiday@group.v.calendar.google.com";

pub fn calendar(anchor: NaiveDate) -> CalendarSpec {
    let y = anchor.year();
    let events = (y - 1..=y + 1)
        .flat_map(days_of)
        .map(|(date, name)| {
            let slug = name
                .to_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
            json!({
                "id": format!("{}_{slug}", date.format("%Y%m%d")),
                "summary": name,
                "start": { "date": date.to_string() },
                "end": { "date": (date + Duration::days(1)).to_string() },
                "transparency": "transparent",
                "visibility": "public",
                "eventType": "default",
            })
        })
        .collect();
    CalendarSpec {
        id: HOLIDAYS_ID.into(),
        summary: "Holidays in Germany".into(),
        description: Some("Holidays and Observances in Germany".into()),
        color_id: "8".into(),
        access_role: "reader".into(),
        default_reminders: Vec::new(),
        events,
        ..CalendarSpec::default()
    }
}

/// The holidays around `anchor` that fall on a weekday: no one books work on them.
pub fn days_off(anchor: NaiveDate) -> BTreeSet<NaiveDate> {
    let y = anchor.year();
    (y - 1..=y + 1)
        .flat_map(days_of)
        .map(|(date, _)| date)
        .filter(|d| !super::plan::is_weekend(*d))
        .collect()
}

/// The holidays of `year`, in date order.
fn days_of(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a valid date");
    let easter = easter_sunday(year);
    let mut days = vec![
        (date(1, 1), "New Year's Day"),
        (easter - Duration::days(2), "Good Friday"),
        (easter, "Easter Sunday"),
        (easter + Duration::days(1), "Easter Monday"),
        (date(5, 1), "Labour Day"),
        (easter + Duration::days(39), "Ascension Day"),
        (easter + Duration::days(50), "Whit Monday"),
        (date(10, 3), "Day of German Unity"),
        (date(12, 24), "Christmas Eve"),
        (date(12, 25), "Christmas Day"),
        (date(12, 26), "Boxing Day"),
        (date(12, 31), "New Year's Eve"),
    ];
    days.sort();
    days
}

/// Easter Sunday of the Gregorian calendar (the anonymous Gregorian computus).
fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_falls_on_its_known_sundays() {
        for (y, m, d) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(
                easter_sunday(y),
                NaiveDate::from_ymd_opt(y, m, d).unwrap(),
                "{y}"
            );
        }
    }
}
