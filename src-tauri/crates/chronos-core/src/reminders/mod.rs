//! Popup reminders: the event's own popup overrides, or its calendar's default reminders when
//! it says `useDefault`. Which are due, when the next one falls, and the text to show; a
//! reminder shown once is not shown again, also after a restart (`fired`). The watch loop
//! (`watch`) hands each due reminder to the front end that shows it.

mod fired;
mod text;
mod watch;

pub use text::body;
pub use watch::{ReminderSink, ZoneAnswer};

use crate::model::{AccountId, CalendarId, EventResource};
use crate::store::{StoredCalendar, StoredEvent};
use chrono::{DateTime, Duration, Local, NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Google allows reminders up to four weeks ahead.
pub const LOOKAHEAD: Duration = Duration::days(28);
/// How late a reminder may still be shown (the machine slept, the check ran late).
pub const GRACE: Duration = Duration::minutes(2);
pub(crate) const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub key: String,
    pub title: String,
    pub starts: DateTime<Utc>,
    pub minutes: i64,
}

#[derive(Deserialize)]
struct Reminder {
    method: String,
    minutes: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reminders {
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    overrides: Vec<Reminder>,
}

/// When the event starts; all-day events start at local midnight of their first day.
pub fn start_of(ev: &EventResource) -> Option<DateTime<Utc>> {
    let start = ev.start.as_ref()?;
    if let Some(dt) = &start.date_time {
        return DateTime::parse_from_rfc3339(dt)
            .ok()
            .map(|t| t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(start.date.as_deref()?, "%Y-%m-%d").ok()?;
    Local
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn popup_minutes(ev: &EventResource, calendar: Option<&StoredCalendar>) -> Vec<i64> {
    let parsed: Option<Reminders> = ev
        .reminders
        .clone()
        .and_then(|r| serde_json::from_value(r).ok());
    let list: Vec<Reminder> = match parsed {
        Some(r) if !r.use_default => r.overrides,
        // Google's default when the field is absent is the calendar's defaults.
        _ => calendar
            .and_then(|c| c.entry.default_reminders.clone())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
    };
    list.into_iter()
        .filter(|r| r.method == "popup")
        .map(|r| r.minutes)
        .collect()
}

fn declined(ev: &EventResource) -> bool {
    ev.attendees
        .iter()
        .flatten()
        .any(|a| a.is_self == Some(true) && a.response_status.as_deref() == Some("declined"))
}

fn key(e: &StoredEvent, starts: DateTime<Utc>, minutes: i64) -> String {
    let mut h = Sha256::new();
    for part in [e.account.as_str(), e.calendar.as_str(), e.event.id.as_str()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(starts.timestamp().to_be_bytes());
    h.update(minutes.to_be_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Calendars by account and id, for their default reminders.
pub type Calendars = HashMap<(AccountId, CalendarId), StoredCalendar>;

/// Every popup reminder of some events, by its moment: worked out once from a scan, then asked
/// at each check without reading events again.
#[derive(Debug, Default)]
pub struct Schedule {
    /// Sorted by moment.
    moments: Vec<(DateTime<Utc>, Due)>,
}

impl Schedule {
    pub fn of(events: &[StoredEvent], calendars: &Calendars) -> Schedule {
        let mut s = Schedule::default();
        for e in events {
            s.add(e, calendars);
        }
        s.sort();
        s
    }

    /// Adds an event's popup reminders (none when it is cancelled or declined).
    fn add(&mut self, e: &StoredEvent, calendars: &Calendars) {
        if e.event.is_cancelled() || declined(&e.event) {
            return;
        }
        let Some(starts) = start_of(&e.event) else {
            return;
        };
        let cal = calendars.get(&(e.account.clone(), e.calendar.clone()));
        for minutes in popup_minutes(&e.event, cal) {
            let due = Due {
                key: key(e, starts, minutes),
                title: e.event.summary.clone().unwrap_or_default(),
                starts,
                minutes,
            };
            self.moments
                .push((starts - Duration::minutes(minutes), due));
        }
    }

    /// By moment; reminders at the same moment show the sooner event first.
    fn sort(&mut self) {
        self.moments
            .sort_by(|a, b| (a.0, a.1.starts, &a.1.key).cmp(&(b.0, b.1.starts, &b.1.key)));
    }

    /// The reminders whose moment falls in `(since, now]`, not already fired.
    pub fn due(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        fired: &BTreeMap<String, DateTime<Utc>>,
    ) -> Vec<Due> {
        let first = self.moments.partition_point(|(at, _)| *at <= since);
        self.moments[first..]
            .iter()
            .take_while(|(at, _)| *at <= now)
            .filter(|(_, d)| !fired.contains_key(&d.key))
            .map(|(_, d)| d.clone())
            .collect()
    }

    /// The earliest moment after `now` and before the next regular check, not yet fired: the
    /// watch wakes for it then, not up to a check late.
    pub fn next_before_check(
        &self,
        now: DateTime<Utc>,
        fired: &BTreeMap<String, DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        let until = now + Duration::from_std(CHECK_EVERY).unwrap_or(Duration::seconds(20));
        let first = self.moments.partition_point(|(at, _)| *at <= now);
        self.moments[first..]
            .iter()
            .find(|(_, d)| !fired.contains_key(&d.key))
            .map(|(at, _)| *at)
            .filter(|at| *at <= until)
    }
}

#[cfg(test)]
mod tests;
