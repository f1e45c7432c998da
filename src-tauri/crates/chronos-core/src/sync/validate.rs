//! The gate between what a server sends and what the store keeps: events the engine cannot use
//! safely are skipped (and counted) instead of poisoning the store or the range index.
//!
//! Cancelled events only need an id (Google guarantees nothing else for them). Live events need
//! a usable start and end: exactly one of `date` / `dateTime`, parseable, a known IANA time
//! zone when one is given, and an end that is not before the start.

use crate::model::{EventDateTime, EventResource};
use crate::store::incoming_head::Head;
use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Google's own limit for client-chosen ids; server ids are shorter.
const MAX_ID_BYTES: usize = 1024;
/// Larger text fields are not a calendar entry any more but an attack on memory.
const MAX_TEXT_BYTES: usize = 256 * 1024;
const MAX_ATTENDEES: usize = 5000;

/// Why an event was skipped (no event content is ever quoted).
pub type SkipReason = &'static str;

pub fn check_event(ev: &EventResource) -> Result<(), SkipReason> {
    let id = ev.id.as_str();
    if id.is_empty() {
        return Err("empty id");
    }
    if id.len() > MAX_ID_BYTES {
        return Err("id too long");
    }
    if id
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '/' || c == '\\')
    {
        return Err("id with control, space or path characters");
    }
    if let Some(r) = &ev.recurring_event_id {
        if r.as_str().len() > MAX_ID_BYTES || r.as_str().chars().any(char::is_control) {
            return Err("malformed recurringEventId");
        }
    }
    let len = |f: &Option<String>| f.as_ref().map_or(0, String::len);
    check_sizes(
        [len(&ev.summary), len(&ev.description), len(&ev.location)],
        ev.attendees.as_ref().map_or(0, Vec::len),
    )?;
    if ev.is_cancelled() {
        return Ok(());
    }
    let start = ev.start.as_ref().ok_or("missing start")?;
    let end = ev.end.as_ref().ok_or("missing end")?;
    let s = instant(start)?;
    let e = instant(end)?;
    if e < s {
        return Err("end before start");
    }
    if let Some(o) = &ev.original_start_time {
        instant(o)?;
    }
    Ok(())
}

/// The sizes that make an item an attack on memory rather than a calendar entry: the byte
/// lengths of `summary`, `description` and `location`, and the number of attendees.
fn check_sizes(text_lens: [usize; 3], attendees: usize) -> Result<(), SkipReason> {
    if text_lens.iter().any(|n| *n > MAX_TEXT_BYTES) {
        return Err("text field too large");
    }
    if attendees > MAX_ATTENDEES {
        return Err("too many attendees");
    }
    Ok(())
}

/// A comparable point in time (UTC seconds; all-day and floating times as if they were UTC,
/// which is enough to order a start against its end).
fn instant(t: &EventDateTime) -> Result<i64, SkipReason> {
    if let Some(tz) = &t.time_zone {
        if tz.parse::<chrono_tz::Tz>().is_err() {
            return Err("unknown time zone");
        }
    }
    match (&t.date, &t.date_time) {
        (Some(_), Some(_)) => Err("both date and dateTime"),
        (None, None) => Err("neither date nor dateTime"),
        (Some(d), None) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| {
                d.and_hms_opt(0, 0, 0)
                    .expect("midnight exists")
                    .and_utc()
                    .timestamp()
            })
            .map_err(|_| "malformed date"),
        (None, Some(dt)) => match DateTime::parse_from_rfc3339(dt) {
            Ok(x) => Ok(x.timestamp()),
            Err(_) => {
                // Without an offset a dateTime is only meaningful with a time zone.
                if t.time_zone.is_none() {
                    return Err("malformed dateTime");
                }
                NaiveDateTime::parse_from_str(dt, "%Y-%m-%dT%H:%M:%S%.f")
                    .map(|n| n.and_utc().timestamp())
                    .map_err(|_| "malformed dateTime")
            }
        },
    }
}

/// A synced item is read once, without building the event (`incoming_head` accepts exactly what
/// `EventResource` does), checked, and kept as the bytes the server sent with the fields the
/// store needs.
/// `part` as a slice of `body` when it lies inside it (an item read from the body always does),
/// else a copy.
fn slice_of(body: &bytes::Bytes, part: &[u8]) -> bytes::Bytes {
    let start = (part.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
    if start <= body.len() && part.len() <= body.len() - start {
        body.slice(start..start + part.len())
    } else {
        bytes::Bytes::copy_from_slice(part)
    }
}

impl crate::google::page::ListItem for crate::store::IncomingEvent {
    fn from_raw(
        raw: &serde_json::value::RawValue,
        body: &bytes::Bytes,
    ) -> serde_json::Result<std::result::Result<Self, String>> {
        let head: Head = serde_json::from_str(raw.get())?;
        // An item without an id is reported as such by the page, like any other.
        let verdict = if head.skeleton.id.as_str().is_empty() {
            Ok(())
        } else {
            check_sizes(head.text_lens, head.attendees).and_then(|()| check_event(&head.skeleton))
        };
        Ok(verdict
            .map(|()| Self::from_head(slice_of(body, raw.get().as_bytes()), head))
            .map_err(str::to_owned))
    }
    fn id_str(&self) -> &str {
        self.id().as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_a_slice_of_the_body_it_lies_in_and_a_copy_otherwise() {
        let body = bytes::Bytes::from_static(br#"{"items":[{"id":"a"}]}"#);
        let inside = slice_of(&body, &body[10..20]);
        assert_eq!(&inside[..], br#"{"id":"a"}"#);
        assert_eq!(inside.as_ptr(), body[10..].as_ptr(), "no copy");
        let elsewhere = br#"{"id":"b"}"#.to_vec();
        let copied = slice_of(&body, &elsewhere);
        assert_eq!(&copied[..], &elsewhere[..]);
        assert_ne!(copied.as_ptr(), elsewhere.as_ptr());
    }
    use serde_json::json;

    fn ev(v: serde_json::Value) -> EventResource {
        serde_json::from_value(v).unwrap()
    }

    fn timed(id: &str) -> serde_json::Value {
        json!({"id": id, "start": {"dateTime": "2026-12-01T09:00:00+01:00"}, "end": {"dateTime": "2026-12-01T10:00:00+01:00"}})
    }

    #[test]
    fn good_events_pass() {
        assert_eq!(check_event(&ev(timed("abc_20261201T090000Z"))), Ok(()));
        assert_eq!(
            check_event(&ev(
                json!({"id": "d", "start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}})
            )),
            Ok(())
        );
        assert_eq!(
            check_event(&ev(
                json!({"id": "z", "start": {"dateTime": "2026-12-01T09:00:00", "timeZone": "Europe/Paris"},
                "end": {"dateTime": "2026-12-01T10:00:00", "timeZone": "Europe/Paris"}})
            )),
            Ok(())
        );
        // A cancelled event needs nothing but its id.
        assert_eq!(
            check_event(&ev(json!({"id": "gone", "status": "cancelled"}))),
            Ok(())
        );
        // Holiday-calendar ids carry odd characters; they are opaque and fine.
        assert_eq!(
            check_event(&ev(timed(
                "20261225_60o30d1g60o30e1i60o4ac1g60rj8gpl88rj2c1h84s34h9g60s30c1g60o30c1g@holiday"
            ))),
            Ok(())
        );
    }

    #[test]
    fn hostile_events_are_refused_with_a_reason() {
        let cases = [
            (
                json!({"id": "x", "start": {"dateTime": "yesterday"}, "end": {"dateTime": "2026-12-01T10:00:00Z"}}),
                "malformed dateTime",
            ),
            (
                json!({"id": "x", "end": {"dateTime": "2026-12-01T10:00:00Z"}}),
                "missing start",
            ),
            (
                json!({"id": "x", "start": {"date": "2026-13-45"}, "end": {"date": "2026-12-02"}}),
                "malformed date",
            ),
            (
                json!({"id": "x", "start": {"dateTime": "2026-12-01T09:00:00", "timeZone": "Mars/Olympus_Mons"},
                    "end": {"dateTime": "2026-12-01T10:00:00", "timeZone": "Mars/Olympus_Mons"}}),
                "unknown time zone",
            ),
            (
                json!({"id": "x", "start": {"dateTime": "2026-12-01T09:00:00"}, "end": {"dateTime": "2026-12-01T10:00:00"}}),
                "malformed dateTime",
            ),
            (
                json!({"id": "x", "start": {"date": "2026-12-03"}, "end": {"date": "2026-12-02"}}),
                "end before start",
            ),
            (
                json!({"id": "x", "start": {}, "end": {"date": "2026-12-02"}}),
                "neither date nor dateTime",
            ),
            (
                json!({"id": "../../etc/passwd", "start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}}),
                "id with control, space or path characters",
            ),
            (
                json!({"id": "a\u{0}b", "start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}}),
                "id with control, space or path characters",
            ),
            (
                json!({"id": "x".repeat(2000), "start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}}),
                "id too long",
            ),
        ];
        for (v, reason) in cases {
            assert_eq!(check_event(&ev(v.clone())), Err(reason), "{v}");
        }
        let mut big = ev(timed("big"));
        big.description = Some("x".repeat(1024 * 1024));
        assert_eq!(check_event(&big), Err("text field too large"));
    }
}
