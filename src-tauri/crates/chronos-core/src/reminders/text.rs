//! What a reminder says.

use super::Due;
use chrono::{DateTime, Local, Utc};

/// The notification text, from the time actually left: a reminder shown late (the check runs
/// every 20 s, the event may arrive by sync after its moment) must not promise more time than
/// there is.
/// The time is written in `zone` (the zone the window shows times in), the system's when `None`.
pub fn body(d: &Due, now: DateTime<Utc>, zone: Option<chrono_tz::Tz>) -> String {
    let at = match zone {
        Some(tz) => d.starts.with_timezone(&tz).format("%H:%M").to_string(),
        None => d.starts.with_timezone(&Local).format("%H:%M").to_string(),
    };
    let secs = (d.starts - now).num_seconds();
    if secs <= 30 {
        return format!("Now, at {at}");
    }
    let mins = (secs + 30) / 60;
    match mins {
        m if m < 60 => format!("In {m} min, at {at}"),
        m if m % 1440 == 0 => format!("In {} day(s), at {at}", m / 1440),
        m if m % 60 == 0 => format!("In {} h, at {at}", m / 60),
        m => format!("In {} h {} min, at {at}", m / 60, m % 60),
    }
}
