//! What quick add makes of a line: the draft event, the context it is read in, and what it could
//! not decide alone.

use crate::model::{AccountId, CalendarId};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};
#[cfg(feature = "ts")]
use ts_rs::TS;

use super::locale::DateOrder;

/// A calendar `/name` can pick.
#[cfg_attr(feature = "ts", derive(TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuickCalendar {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub account: AccountId,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: CalendarId,
    /// The name the user sees (their own name for it, else Google's).
    pub name: String,
}

/// Everything a line is read against. `now` comes from the engine's clock, never the system's.
#[derive(Clone, Debug)]
pub struct ParseContext {
    pub now: DateTime<Utc>,
    /// The user's zone: what "today" means, and the event's zone unless the line names one.
    pub zone: Tz,
    /// How a numeric date such as 03/04 is read.
    pub date_order: DateOrder,
    /// The calendars `/name` can pick (writable ones).
    pub calendars: Vec<QuickCalendar>,
}

impl ParseContext {
    pub fn new(now: DateTime<Utc>, zone: Tz, date_order: DateOrder) -> Self {
        Self {
            now,
            zone,
            date_order,
            calendars: Vec::new(),
        }
    }

    pub fn with_calendars(mut self, calendars: Vec<QuickCalendar>) -> Self {
        self.calendars = calendars;
        self
    }
}

/// When the event happens.
#[cfg_attr(feature = "ts", derive(TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum QuickWhen {
    /// Whole days; `end` is the day after the last one (Google's convention).
    AllDay {
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        start: NaiveDate,
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        end: NaiveDate,
    },
    /// Times on the draft's zone's clock.
    Timed {
        #[serde(serialize_with = "rfc3339")]
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        start: DateTime<Tz>,
        #[serde(serialize_with = "rfc3339")]
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        end: DateTime<Tz>,
    },
}

impl QuickWhen {
    pub fn is_all_day(&self) -> bool {
        matches!(self, QuickWhen::AllDay { .. })
    }
}

/// What kind of guess the parser had to make.
#[cfg_attr(feature = "ts", derive(TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AmbiguityKind {
    /// A numeric date such as 03/04 that reads differently day-first and month-first.
    NumericDate,
    /// A bare weekday that is today's: read as today, though next week's may be meant.
    WeekdayIsToday,
    /// "next tue" while a Tuesday is still to come this week: read as next week's.
    NextWeekday,
    /// An hour without am/pm.
    TimeWithoutMeridiem,
    /// A time without a date that has already passed today: read as tomorrow.
    TimePassed,
    /// "tonight" without a time: a default evening hour.
    DefaultTime,
    /// A duration in hours or minutes with no time to start from: the event is all-day.
    DurationWithoutTime,
    /// No date or time found: all day today.
    NoDate,
    /// A wall time that the zone skips or repeats at a clock change.
    ClockChange,
    /// A `/name` that matches no calendar.
    UnknownCalendar,
    /// A `/name` that matches several calendars.
    AmbiguousCalendar,
}

/// One guess, for the preview to show.
#[cfg_attr(feature = "ts", derive(TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ambiguity {
    pub kind: AmbiguityKind,
    /// The words it is about, as typed.
    pub text: String,
    /// What was chosen and what else it could mean, for a person.
    pub message: String,
}

impl Ambiguity {
    pub(crate) fn new(kind: AmbiguityKind, text: impl Into<String>, message: String) -> Self {
        Self {
            kind,
            text: text.into(),
            message,
        }
    }
}

/// The event a line describes, before it is saved.
#[cfg_attr(feature = "ts", derive(TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuickDraft {
    /// The words that are not a date, time, repetition, zone, calendar or place, in order.
    pub title: String,
    pub when: QuickWhen,
    /// The event's zone: the one the line names, else the user's.
    #[serde(serialize_with = "zone_name")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub zone: Tz,
    /// An RFC 5545 rule without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    pub rrule: Option<String>,
    /// The calendar `/name` picked.
    pub calendar: Option<QuickCalendar>,
    pub location: Option<String>,
    pub ambiguities: Vec<Ambiguity>,
}

impl QuickDraft {
    pub fn has(&self, kind: AmbiguityKind) -> bool {
        self.ambiguities.iter().any(|a| a.kind == kind)
    }
}

fn zone_name<S: Serializer>(zone: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(zone.name())
}

fn rfc3339<S: Serializer>(t: &DateTime<Tz>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339())
}
