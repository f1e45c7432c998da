//! What front ends send: an event's fields as a form holds them, checked field by field and
//! turned into the core's change set.

use super::{AttendeeView, Reminders};
use crate::error::{Error, Result};
use crate::model::{Attendee, CalendarColors, EventDateTime, RgbColor};
use crate::outbox::edit::{EditOptions, EventChanges, Notify};
use chrono::{DateTime, Utc};
use serde::Deserialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// Fields of an event to create, or the new values for an update (the UI's `EventInput`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct EventInput {
    pub account_id: String,
    pub calendar_id: String,
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub location: Option<String>,
    pub start: String,
    pub end: String,
    pub all_day: bool,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub color_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub attendees: Option<Vec<AttendeeView>>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub reminders: Option<Reminders>,
    /// Ask Google for a Meet link (where the calendar offers Meet).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub add_meet: Option<bool>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl EventInput {
    /// Checks the input field by field (so a front end can show each message next to its
    /// field) and turns it into the core's change set. Every field is set: an update replaces
    /// them all.
    pub fn to_changes(&self) -> Result<EventChanges> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(Error::invalid_field("title", "a title is required"));
        }
        if let Some(zone) = non_empty(&self.time_zone) {
            if zone.parse::<chrono_tz::Tz>().is_err() {
                return Err(Error::invalid_field(
                    "timeZone",
                    format!("unknown time zone: {zone}"),
                ));
            }
        }
        let point = |field: &'static str, value: &str| -> Result<(EventDateTime, i64)> {
            if self.all_day {
                let d = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
                    Error::invalid_field(field, "an all-day date is written YYYY-MM-DD")
                })?;
                let at = d
                    .and_hms_opt(0, 0, 0)
                    .expect("midnight")
                    .and_utc()
                    .timestamp();
                Ok((
                    EventDateTime {
                        date: Some(d.to_string()),
                        ..Default::default()
                    },
                    at,
                ))
            } else {
                let t = DateTime::parse_from_rfc3339(value).map_err(|_| {
                    Error::invalid_field(field, "a time is written as RFC 3339 with an offset")
                })?;
                let dt = EventDateTime {
                    date_time: Some(value.to_owned()),
                    time_zone: non_empty(&self.time_zone),
                    ..Default::default()
                };
                Ok((dt, t.timestamp()))
            }
        };
        let (start, s) = point("start", &self.start)?;
        let (end, e) = point("end", &self.end)?;
        if e <= s {
            return Err(Error::invalid_field(
                "end",
                "the end must be after the start",
            ));
        }
        let attendees = match &self.attendees {
            None => None,
            Some(list) => Some(
                list.iter()
                    .map(|a| {
                        serde_json::to_value(a)
                            .and_then(serde_json::from_value::<Attendee>)
                            .map_err(|e| Error::invalid_field("attendees", e.to_string()))
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        Ok(EventChanges {
            summary: Some(title.to_owned()),
            description: Some(non_empty(&self.description)),
            location: Some(non_empty(&self.location)),
            start: Some(start),
            end: Some(end),
            attendees,
            reminders: self
                .reminders
                .as_ref()
                .map(|r| serde_json::to_value(r).map_err(|e| Error::Internal(e.to_string())))
                .transpose()?,
            color_id: Some(non_empty(&self.color_id)),
            add_meet: self.add_meet == Some(true),
        })
    }
}

impl EditOptions {
    /// Who Google notifies, as a front end names it (`all`, `externalOnly`, `none`; absent:
    /// Google's default).
    pub fn from_send_updates(send_updates: Option<&str>) -> Result<EditOptions> {
        let notify =
            match send_updates {
                None => None,
                Some(s) => Some(Notify::parse(s).ok_or_else(|| {
                    Error::invalid_field("sendUpdates", "all, externalOnly or none")
                })?),
            };
        Ok(EditOptions { notify })
    }
}

/// A range `[from, to)` as a view asks for it: RFC 3339 instants, forwards, at most 400 days.
pub fn view_range(from: &str, to: &str) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let instant = |field: &'static str, s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| Error::invalid_field(field, format!("not an RFC 3339 time: {s}")))
    };
    let (from, to) = (instant("from", from)?, instant("to", to)?);
    if to <= from {
        return Err(Error::invalid_field(
            "to",
            "the range ends before it starts",
        ));
    }
    if to - from > chrono::Duration::days(400) {
        return Err(Error::invalid_field(
            "to",
            "ask for at most 400 days at once",
        ));
    }
    Ok((from, to))
}

/// A calendar's colours as a front end sends them (`#rrggbb` each), the bad one named.
pub fn calendar_colors(background: &str, foreground: &str) -> Result<CalendarColors> {
    let parse = |field: &'static str, s: &str| {
        RgbColor::parse(s).map_err(|e| Error::invalid_field(field, e.to_string()))
    };
    Ok(CalendarColors {
        background: parse("backgroundColor", background)?,
        foreground: parse("foregroundColor", foreground)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(start: &str, end: &str, all_day: bool) -> EventInput {
        EventInput {
            account_id: "a@example.com".into(),
            calendar_id: "c".into(),
            title: "  Review  ".into(),
            description: Some("  ".into()),
            location: None,
            start: start.into(),
            end: end.into(),
            all_day,
            time_zone: Some("Europe/Berlin".into()),
            color_id: None,
            attendees: None,
            reminders: None,
            add_meet: None,
        }
    }

    fn field_of(e: Error) -> Option<&'static str> {
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        e.field()
    }

    #[test]
    fn a_good_form_becomes_a_full_change_set() {
        let timed = input(
            "2026-12-01T09:00:00+01:00",
            "2026-12-01T10:00:00+01:00",
            false,
        );
        let c = timed.to_changes().unwrap();
        assert_eq!(c.summary.as_deref(), Some("Review"));
        assert_eq!(c.description, Some(None), "a blank description clears it");
        let start = c.start.unwrap();
        assert_eq!(start.time_zone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(
            start.date_time.as_deref(),
            Some("2026-12-01T09:00:00+01:00")
        );
        let day = input("2026-12-24", "2026-12-26", true)
            .to_changes()
            .unwrap();
        assert_eq!(day.start.unwrap().date.as_deref(), Some("2026-12-24"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut no_title = input("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", false);
        no_title.title = " ".into();
        assert_eq!(field_of(no_title.to_changes().unwrap_err()), Some("title"));
        let mut zone = input("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", false);
        zone.time_zone = Some("Mars/Olympus".into());
        assert_eq!(field_of(zone.to_changes().unwrap_err()), Some("timeZone"));
        let backwards = input("2026-12-01T10:00:00Z", "2026-12-01T09:00:00Z", false);
        assert_eq!(field_of(backwards.to_changes().unwrap_err()), Some("end"));
        let no_offset = input("2026-12-01T09:00:00", "2026-12-01T10:00:00Z", false);
        assert_eq!(field_of(no_offset.to_changes().unwrap_err()), Some("start"));
        let bad_day = input("24.12.2026", "2026-12-26", true);
        assert_eq!(field_of(bad_day.to_changes().unwrap_err()), Some("start"));
        let who = EditOptions::from_send_updates(Some("everyone")).unwrap_err();
        assert_eq!(field_of(who), Some("sendUpdates"));
        assert!(EditOptions::from_send_updates(None)
            .unwrap()
            .notify
            .is_none());
    }

    #[test]
    fn a_bad_calendar_colour_is_named_by_its_field() {
        let ok = super::calendar_colors("#112233", "#FFFFFF").unwrap();
        assert_eq!(ok.background.as_str(), "#112233");
        assert_eq!(
            field_of(super::calendar_colors("#112233", "white").unwrap_err()),
            Some("foregroundColor")
        );
        assert_eq!(
            field_of(super::calendar_colors("red", "#ffffff").unwrap_err()),
            Some("backgroundColor")
        );
    }

    #[test]
    fn a_view_range_is_forwards_rfc3339_and_at_most_400_days() {
        let (from, to) =
            super::view_range("2026-12-01T00:00:00+01:00", "2027-01-01T00:00:00Z").unwrap();
        assert_eq!(from.to_rfc3339(), "2026-11-30T23:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        let field = |from: &str, to: &str| field_of(super::view_range(from, to).unwrap_err());
        assert_eq!(field("yesterday", "2027-01-01T00:00:00Z"), Some("from"));
        assert_eq!(
            field("2027-01-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            Some("to")
        );
        assert_eq!(
            field("2026-01-01T00:00:00Z", "2027-03-01T00:00:00Z"),
            Some("to")
        );
    }
}
