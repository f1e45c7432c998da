//! Reading Google's `start`/`end` objects and RFC 3339 parameters into instants.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::Value;

/// `timeMin` / `timeMax` / `updatedMin`: RFC 3339 with an offset (Google also takes a bare date).
pub fn parse_rfc3339(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| Utc.from_utc_datetime(&n))
}

pub fn parse_tz(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// The instant of an event time object (`{"dateTime"}`, `{"dateTime","timeZone"}` or `{"date"}`).
/// All-day dates start at midnight in `fallback_tz` (the calendar's zone).
pub fn instant_of(obj: &Value, fallback_tz: Tz) -> Option<DateTime<Utc>> {
    if let Some(dt) = obj.get("dateTime").and_then(Value::as_str) {
        if let Ok(t) = DateTime::parse_from_rfc3339(dt) {
            return Some(t.with_timezone(&Utc));
        }
        // A dateTime without offset is read in its timeZone.
        let tz = obj
            .get("timeZone")
            .and_then(Value::as_str)
            .and_then(parse_tz)?;
        let naive = NaiveDateTime::parse_from_str(dt, "%Y-%m-%dT%H:%M:%S").ok()?;
        return tz
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc));
    }
    if let Some(d) = obj.get("date").and_then(Value::as_str) {
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
        return fallback_tz
            .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
            .earliest()
            .map(|t| t.with_timezone(&Utc));
    }
    None
}

pub fn is_all_day(obj: &Value) -> bool {
    obj.get("date").is_some() && obj.get("dateTime").is_none()
}

pub fn fmt_utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A date-time in a zone, formatted the way Google writes `dateTime` (offset, no fraction).
pub fn fmt_in_zone(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}
