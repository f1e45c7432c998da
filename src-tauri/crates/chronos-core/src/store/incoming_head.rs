//! Reading an `events.list` item without building the event: the fields the row and the index
//! need, owned; the sizes the sync's gate checks; everything else only checked.
//!
//! The check is exact: an item is accepted here if and only if it parses as an `EventResource`
//! (same required `id`, same refusal of a repeated known field, same types for every known field
//! and nested attendee field, and any JSON that `serde_json::Value` accepts for the rest). That is
//! what lets the sync seal the server's bytes unparsed: every stored event opens again.

use crate::model::{Etag, EventDateTime, EventId, EventResource, Key};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// What the store and the gate read from an item.
pub(crate) struct Head {
    /// The bookkeeping fields, as an otherwise empty event (for placement and the time checks).
    pub skeleton: EventResource,
    /// Byte lengths of `summary`, `description` and `location`.
    pub text_lens: [usize; 3],
    pub attendees: usize,
}

/// Any JSON value `serde_json::Value` accepts, kept as nothing.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Checked;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_unit<E>(self) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_none<E>(self) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Checked, D::Error> {
                Checked::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
                while map.next_entry::<StrLen, Checked>()?.is_some() {}
                Ok(Checked)
            }
        }
        d.deserialize_any(V)
    }
}

/// A string, kept as its length (what a `String` field accepts).
struct StrLen(usize);

impl<'de> Deserialize<'de> for StrLen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = StrLen;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<StrLen, E> {
                Ok(StrLen(v.len()))
            }
        }
        d.deserialize_str(V)
    }
}

/// Remembers which known fields were seen, to refuse a repeated one as `EventResource` does.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn first<E: de::Error>(&mut self, bit: u32, name: &'static str) -> Result<(), E> {
        if self.0 & (1 << bit) != 0 {
            return Err(E::duplicate_field(name));
        }
        self.0 |= 1 << bit;
        Ok(())
    }
}

/// An attendee, checked field by field like `Attendee`.
struct AttendeeChecked;

impl<'de> Deserialize<'de> for AttendeeChecked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttendeeChecked;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an attendee")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttendeeChecked, A::Error> {
                let mut seen = Seen::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    let Some(bit) = ATTENDEE_FIELDS.iter().position(|n| *n == key.as_ref()) else {
                        map.next_value::<Checked>()?;
                        continue;
                    };
                    seen.first(bit as u32, ATTENDEE_FIELDS[bit])?;
                    // The first three are strings, the rest flags.
                    if bit < 3 {
                        map.next_value::<Option<StrLen>>()?;
                    } else {
                        map.next_value::<Option<bool>>()?;
                    }
                }
                Ok(AttendeeChecked)
            }
        }
        d.deserialize_map(V)
    }
}

/// `Attendee`'s known fields.
const ATTENDEE_FIELDS: [&str; 6] = [
    "email",
    "displayName",
    "responseStatus",
    "optional",
    "organizer",
    "self",
];

const EVENT_FIELDS: [&str; 16] = [
    "id",
    "etag",
    "status",
    "summary",
    "description",
    "location",
    "colorId",
    "start",
    "end",
    "recurrence",
    "recurringEventId",
    "originalStartTime",
    "attendees",
    "reminders",
    "updated",
    "sequence",
];

impl<'de> Deserialize<'de> for Head {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Head;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event resource")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
                let mut seen = Seen::default();
                let mut id: Option<EventId> = None;
                let mut ev = EventResource::default();
                let mut text_lens = [0usize; 3];
                let mut attendees = 0usize;
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    let Some(bit) = EVENT_FIELDS.iter().position(|n| *n == key.as_ref()) else {
                        map.next_value::<Checked>()?;
                        continue;
                    };
                    seen.first(bit as u32, EVENT_FIELDS[bit])?;
                    match bit {
                        0 => id = Some(map.next_value()?),
                        1 => ev.etag = map.next_value::<Option<Etag>>()?,
                        2 => ev.status = map.next_value()?,
                        3..=5 => {
                            text_lens[bit - 3] =
                                map.next_value::<Option<StrLen>>()?.map_or(0, |s| s.0)
                        }
                        6 => {
                            map.next_value::<Option<StrLen>>()?;
                        }
                        7 => ev.start = map.next_value::<Option<EventDateTime>>()?,
                        8 => ev.end = map.next_value::<Option<EventDateTime>>()?,
                        9 => ev.recurrence = map.next_value()?,
                        10 => ev.recurring_event_id = map.next_value()?,
                        11 => ev.original_start_time = map.next_value()?,
                        12 => {
                            attendees = map
                                .next_value::<Option<Vec<AttendeeChecked>>>()?
                                .map_or(0, |a| a.len())
                        }
                        13 => {
                            map.next_value::<Option<Checked>>()?;
                        }
                        14 => ev.updated = map.next_value()?,
                        _ => {
                            map.next_value::<Option<i64>>()?;
                        }
                    }
                }
                ev.id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                Ok(Head {
                    skeleton: ev,
                    text_lens,
                    attendees,
                })
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Accepted here exactly when `EventResource` accepts it.
    #[test]
    fn accepts_exactly_what_the_event_type_accepts() {
        let texts = [
            json!({"id": "a"}).to_string(),
            json!({"summary": "no id"}).to_string(),
            json!({"id": null}).to_string(),
            json!({"id": 5}).to_string(),
            json!({"id": "a", "summary": 42}).to_string(),
            json!({"id": "a", "summary": null, "start": null, "attendees": null}).to_string(),
            json!({"id": "a", "start": "2026-01-01"}).to_string(),
            json!({"id": "a", "start": {"date": 5}}).to_string(),
            json!({"id": "a", "attendees": [{"self": "yes"}]}).to_string(),
            json!({"id": "a", "attendees": [["a@x"]]}).to_string(),
            json!({"id": "a", "attendees": [{"email": "a@x", "comment": {"x": [1]}}]}).to_string(),
            json!({"id": "a", "attendees": {"email": "a@x"}}).to_string(),
            json!({"id": "a", "recurrence": "RRULE:FREQ=DAILY"}).to_string(),
            json!({"id": "a", "recurrence": ["RRULE:FREQ=DAILY", 3]}).to_string(),
            json!({"id": "a", "sequence": "4"}).to_string(),
            json!({"id": "a", "sequence": 1.5}).to_string(),
            json!({"id": "a", "sequence": 4}).to_string(),
            json!({"id": "a", "reminders": [1, {"a": null}]}).to_string(),
            json!({"id": "a", "colorId": 7}).to_string(),
            json!({"id": "a", "etag": 1}).to_string(),
            json!({"id": "a", "updated": false}).to_string(),
            json!({"id": "a", "recurringEventId": ["m"]}).to_string(),
            json!({"id": "a", "extendedProperties": {"private": {"k": "v"}}, "hangoutLink": null})
                .to_string(),
            json!(["a"]).to_string(),
            json!("a").to_string(),
            r#"{"id":"a","summary":"x","summary":"y"}"#.into(),
            r#"{"id":"a","id":"b"}"#.into(),
            r#"{"id":"a","attendees":[{"email":"x","email":"y"}]}"#.into(),
            r#"{"id":"a","x":1,"x":2}"#.into(),
            r#"{"id":"a","x":1e999}"#.into(),
            r#"{"id":"a","reminders":1e999}"#.into(),
            r#"{"id":"a","summary":"\ud800"}"#.into(),
            r#"{"id":"a","x":"\ud800"}"#.into(),
            r#"{"id":"a","x":"\udc00\ud800"}"#.into(),
            r#"{"id":"a","summary":"caf\u00e9 \"q\""}"#.into(),
            r#"{"id":"a","x":18446744073709551616}"#.into(),
            r#"{"id":"a","sequence":18446744073709551615}"#.into(),
            r#"{"id":"a","start":{"date":"2026-01-01","date":"2026-01-02"}}"#.into(),
        ];
        for text in &texts {
            let full = serde_json::from_str::<EventResource>(text).is_ok();
            let head = serde_json::from_str::<Head>(text).is_ok();
            assert_eq!(head, full, "{text}");
        }
    }

    #[test]
    fn reads_the_bookkeeping_fields_and_sizes() {
        let text = json!({
            "kind": "calendar#event", "id": "e1", "etag": "\"7\"", "status": "confirmed",
            "summary": "Stand-up", "description": "d\u{e9}", "location": "Room",
            "start": {"dateTime": "2026-12-01T09:00:00Z"}, "end": {"dateTime": "2026-12-01T10:00:00Z"},
            "recurrence": ["RRULE:FREQ=DAILY"], "recurringEventId": "m",
            "originalStartTime": {"date": "2026-12-01"}, "updated": "2026-11-01T00:00:00Z",
            "attendees": [{"email": "a@x"}, {"email": "b@x", "self": true}],
            "reminders": {"useDefault": true}, "sequence": 2
        })
        .to_string();
        let head: Head = serde_json::from_str(&text).unwrap();
        let full: EventResource = serde_json::from_str(&text).unwrap();
        let s = &head.skeleton;
        assert_eq!(
            (&s.id, &s.etag, &s.status, &s.updated),
            (&full.id, &full.etag, &full.status, &full.updated)
        );
        assert_eq!(
            (&s.start, &s.end, &s.original_start_time),
            (&full.start, &full.end, &full.original_start_time)
        );
        assert_eq!(
            (&s.recurrence, &s.recurring_event_id),
            (&full.recurrence, &full.recurring_event_id)
        );
        assert_eq!(head.text_lens, [8, 3, 4]);
        assert_eq!(head.attendees, 2);
        assert!(s.summary.is_none() && s.extra.is_empty());
    }
}
