//! What an edit must satisfy before anything is queued: a writable calendar, and an event
//! Google would accept.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{AccountId, CalendarId, EventDateTime, EventResource};
use crate::store::Store;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use serde_json::Value;

pub(super) fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidInput(msg.into())
}

/// Checks the calendar is known and writable; refuses read-only ones before anything is queued.
pub(crate) fn check_writable(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
) -> Result<()> {
    let cal = store
        .get_calendar(account, calendar)?
        .filter(|c| !c.deleted)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "calendar {calendar} of {account} is not in the local store"
            ))
        })?;
    if cal.is_read_only() {
        let role = cal
            .entry
            .access_role
            .clone()
            .unwrap_or_else(|| "unknown".into());
        return Err(Error::Google {
            kind: ErrorKind::Forbidden,
            status: 403,
            reason: Some("readOnlyCalendar".into()),
            message: format!(
                "this calendar is read-only for you (access: {role}); its events cannot be created, changed or deleted"
            ),
            retry_after: None,
        });
    }
    Ok(())
}

/// A Meet link can only be asked for in a calendar that offers Meet.
pub(crate) fn check_meet(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    changes: &super::EventChanges,
) -> Result<()> {
    if !changes.add_meet {
        return Ok(());
    }
    let allows = store
        .get_calendar(account, calendar)?
        .is_some_and(|c| crate::conference::calendar_allows(&c.entry, crate::conference::MEET));
    if !allows {
        return Err(invalid("this calendar does not offer Google Meet"));
    }
    Ok(())
}

pub(super) fn parse_point(p: &EventDateTime, which: &str) -> Result<(bool, i64)> {
    if let Some(tz) = &p.time_zone {
        tz.parse::<chrono_tz::Tz>()
            .map_err(|_| invalid(format!("unknown time zone {tz:?} for the {which}")))?;
    }
    match (&p.date, &p.date_time) {
        (Some(d), None) => {
            let d = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| invalid(format!("the {which} date must be yyyy-mm-dd")))?;
            Ok((
                true,
                d.and_hms_opt(0, 0, 0)
                    .expect("midnight exists")
                    .and_utc()
                    .timestamp(),
            ))
        }
        (None, Some(dt)) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(dt) {
                return Ok((false, t.timestamp()));
            }
            let naive = NaiveDateTime::parse_from_str(dt, "%Y-%m-%dT%H:%M:%S")
                .map_err(|_| invalid(format!("the {which} time must be RFC 3339")))?;
            let tz: chrono_tz::Tz = p
                .time_zone
                .as_deref()
                .ok_or_else(|| invalid(format!("the {which} time needs an offset or a time zone")))?
                .parse()
                .map_err(|_| invalid(format!("unknown time zone for the {which}")))?;
            let t = tz.from_local_datetime(&naive).earliest().ok_or_else(|| {
                invalid(format!("the {which} time does not exist in its time zone"))
            })?;
            Ok((false, t.timestamp()))
        }
        _ => Err(invalid(format!(
            "the {which} needs exactly one of date (all-day) or dateTime"
        ))),
    }
}

/// The checks an event must pass before it is queued.
pub fn validate(ev: &EventResource) -> Result<()> {
    if ev.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(invalid("an event needs a title"));
    }
    let start = ev
        .start
        .as_ref()
        .ok_or_else(|| invalid("an event needs a start"))?;
    let end = ev
        .end
        .as_ref()
        .ok_or_else(|| invalid("an event needs an end"))?;
    let (s_day, s) = parse_point(start, "start")?;
    let (e_day, e) = parse_point(end, "end")?;
    if s_day != e_day {
        return Err(invalid(
            "start and end must both be all-day dates or both be times",
        ));
    }
    if e < s || (s_day && e == s) {
        return Err(invalid("the event ends before it starts"));
    }
    let repeating = ev.recurrence.as_ref().is_some_and(|r| !r.is_empty());
    if repeating && !s_day && start.time_zone.is_none() {
        return Err(invalid(
            "a repeating event's start needs a time zone (so the series follows its clock)",
        ));
    }
    if let Some(c) = &ev.color_id {
        if c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "a colour is one of Google's event colour ids (\"1\" to \"11\")",
            ));
        }
    }
    for a in ev.attendees.iter().flatten() {
        if !a
            .email
            .as_deref()
            .is_some_and(|e| e.contains('@') && !e.trim().is_empty())
        {
            return Err(invalid("every attendee needs an email address"));
        }
    }
    if let Some(r) = &ev.reminders {
        let ok = r.is_object()
            && r.get("overrides").is_none_or(|o| {
                o.as_array().is_some_and(|list| {
                    list.len() <= 5
                        && list.iter().all(|x| {
                            matches!(
                                x.get("method").and_then(Value::as_str),
                                Some("email") | Some("popup")
                            ) && x
                                .get("minutes")
                                .and_then(Value::as_i64)
                                .is_some_and(|m| (0..=40320).contains(&m))
                        })
                })
            });
        if !ok {
            return Err(invalid(
                "reminders are up to 5 of {method: email|popup, minutes: 0–40320}",
            ));
        }
    }
    Ok(())
}
