//! What search reads of a decrypted event: its searchable text and, for a single event, its
//! times. Only these fields are parsed (borrowing the plaintext where it has no escapes), the
//! rest of the resource is skipped.

use super::fold::{fold, words};
use super::html::text_of;
use crate::model::EventDateTime;
use crate::recurrence::{parse_event_time, EventTime};
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields<'a> {
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    summary: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    location: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attendees: Option<Vec<AttendeeFields<'a>>>,
    #[serde(default)]
    start: Option<EventDateTime>,
    #[serde(default)]
    end: Option<EventDateTime>,
    #[serde(borrow, default)]
    recurrence: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    recurring_event_id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttendeeFields<'a> {
    #[serde(borrow, default)]
    email: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    display_name: Option<Cow<'a, str>>,
}

/// How a row takes part in search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A single event, its start and end in UTC seconds (all-day: the UTC midnights of its first
    /// date and of the date after its last).
    Single { start: i64, end: i64, all_day: bool },
    /// A recurring series' master: placed by expanding it when a query finds it.
    Series,
    /// Not found by search: a series' exception (its series is the document), a cancelled
    /// event, or one without usable times.
    Hidden,
}

/// A row read for the index: how it takes part, and its folded text (empty when hidden).
pub struct Parsed {
    pub kind: Kind,
    text: String,
}

impl Parsed {
    /// Its words, repeats included (the index keeps one posting per word and row).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        words(&self.text)
    }

    pub fn into_text(self) -> String {
        self.text
    }
}

/// Reads a decrypted row. `None`: the plaintext is not an event (never the case for a row the
/// store wrote; such a row is left out of search, not fatal).
pub fn parse(plaintext: &[u8], cancelled: bool) -> Option<Parsed> {
    let f: Fields<'_> = serde_json::from_slice(plaintext).ok()?;
    let kind = kind_of(&f, cancelled);
    if kind == Kind::Hidden {
        return Some(Parsed {
            kind,
            text: String::new(),
        });
    }
    let mut text = String::new();
    let mut add = |s: &str| {
        text.push_str(&fold(s));
        text.push(' ');
    };
    for s in [&f.summary, &f.location].into_iter().flatten() {
        add(s);
    }
    if let Some(d) = &f.description {
        add(&text_of(d));
    }
    for a in f.attendees.iter().flatten() {
        for s in [&a.display_name, &a.email].into_iter().flatten() {
            add(s);
        }
    }
    Some(Parsed { kind, text })
}

fn kind_of(f: &Fields<'_>, cancelled: bool) -> Kind {
    if cancelled || f.status.as_deref() == Some("cancelled") || f.recurring_event_id.is_some() {
        return Kind::Hidden;
    }
    if f.recurrence
        .as_ref()
        .is_some_and(|r| r.iter().any(|l| !l.trim().is_empty()))
    {
        return Kind::Series;
    }
    let Some(start) = f.start.as_ref().and_then(|s| parse_event_time(s).ok()) else {
        return Kind::Hidden;
    };
    let end = f.end.as_ref().and_then(|e| parse_event_time(e).ok());
    let secs = |t: EventTime| match t {
        EventTime::AllDay(d) => d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
        EventTime::Timed { utc, .. } => utc.timestamp(),
    };
    let s = secs(start);
    let e = end.map(secs).unwrap_or(s).max(s);
    Kind::Single {
        start: s,
        end: e,
        all_day: start.is_all_day(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_searchable_field_gives_words() {
        let json = br#"{"id":"e1","status":"confirmed","summary":"Caf\u00e9 Stand-up",
            "description":"<p>Bring <b>snacks</b></p>","location":"Room 101",
            "attendees":[{"email":"ana.lopez@example.com","displayName":"Ana L\u00f3pez","responseStatus":"accepted"}],
            "start":{"dateTime":"2026-03-02T09:00:00Z"},"end":{"dateTime":"2026-03-02T09:15:00Z"}}"#;
        let p = parse(json, false).unwrap();
        let words: Vec<&str> = p.words().collect();
        for w in [
            "cafe", "stand", "up", "bring", "snacks", "room", "101", "ana", "lopez", "example",
        ] {
            assert!(words.contains(&w), "{w} in {words:?}");
        }
        assert!(!words.contains(&"p") && !words.contains(&"accepted"));
        assert!(matches!(p.kind, Kind::Single { all_day: false, .. }));
    }

    #[test]
    fn exceptions_and_cancelled_rows_are_hidden_and_series_are_series() {
        let exception =
            br#"{"id":"s_1","recurringEventId":"s","summary":"x","start":{"date":"2026-01-01"}}"#;
        assert_eq!(parse(exception, false).unwrap().kind, Kind::Hidden);
        let single = br#"{"id":"a","summary":"x","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#;
        assert_eq!(parse(single, true).unwrap().kind, Kind::Hidden);
        let series = br#"{"id":"s","summary":"x","recurrence":["RRULE:FREQ=DAILY"],"start":{"date":"2026-01-01"}}"#;
        assert_eq!(parse(series, false).unwrap().kind, Kind::Series);
        assert!(parse(b"not json", false).is_none());
    }
}
