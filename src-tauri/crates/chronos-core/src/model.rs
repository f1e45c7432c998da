//! Identifiers and the domain types shared by every part of the engine.
//!
//! Ids are newtypes so that a calendar id can never be passed where an event id is expected.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::fmt;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

/// A colour written `#rrggbb`, kept lower-case: what Google's RGB calendar colours are.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct RgbColor(String);

impl RgbColor {
    /// `#rrggbb` in either case; anything else is an `InvalidColor` naming the value (an
    /// `InvalidInput` error once it meets the crate's `Error`).
    pub fn parse(s: &str) -> Result<Self, InvalidColor> {
        let ok =
            s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            return Err(InvalidColor(s.to_owned()));
        }
        Ok(Self(s.to_ascii_lowercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A colour that is not of the form `#rrggbb`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a colour of the form #rrggbb")]
pub struct InvalidColor(pub String);

impl fmt::Display for RgbColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A calendar's colours as the user picks them: the background and the text drawn on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarColors {
    pub background: RgbColor,
    pub foreground: RgbColor,
}

/// Identifies one data key of the local store; written into every blob so a rotated store stays
/// readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

string_id!(
    /// The local id of a connected Google account: its email address.
    AccountId
);
string_id!(
    /// A Google calendar id (`primary` is resolved to the real id before it is stored).
    CalendarId
);
string_id!(
    /// A Google event id: an opaque string (`{masterId}_{YYYYMMDDTHHMMSSZ}` for instances).
    EventId
);
string_id!(
    /// An `events.list` / `calendarList.list` `nextSyncToken`.
    SyncToken
);
string_id!(
    /// A `nextPageToken`, kept so an interrupted full sync can resume.
    PageToken
);
string_id!(
    /// A resource's `etag`, sent back as `If-Match`.
    Etag
);

/// `start` / `end` / `originalStartTime` of a Google event: either `date` (all-day, `yyyy-mm-dd`)
/// or `dateTime` (RFC 3339), with an optional IANA `timeZone`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDateTime {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One attendee; fields Chronos does not model survive in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "self")]
    pub is_self: Option<bool>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A Google Calendar `event` resource as the API sends it.
///
/// The fields Chronos reads are typed; every other field is kept in `extra` so that it survives
/// a round trip through the local store (the protocol requires unknown fields to be preserved).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventResource {
    pub id: EventId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<Etag>,
    /// `confirmed`, `tentative` or `cancelled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<EventDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<EventDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring_event_id: Option<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_start_time: Option<EventDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendees: Option<Vec<Attendee>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders: Option<serde_json::Value>,
    /// RFC 3339 time of the last change on the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i64>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl EventResource {
    pub fn is_cancelled(&self) -> bool {
        self.status.as_deref() == Some("cancelled")
    }
}

/// A map key that borrows from the input when it can (known keys then cost no allocation).
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// `Deserialize` for a resource whose known fields are typed and whose other fields go to
/// `extra`. Written out instead of derived because `#[serde(flatten)]` buffers every field of
/// every event into serde's intermediate `Content` before converting it, which dominated the
/// client's CPU on large pages. Same accepted input and errors as the derive: `null` is `None`,
/// a repeated known field is an error, `id` (when required) must be present, other keys are
/// kept as they came (the last of a repeated one wins).
macro_rules! deserialize_with_extra {
    ($ty:ident, $expecting:literal, required: [$($req:ident = $req_key:literal),*],
     optional: [$($f:ident = $key:literal),* $(,)?]) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        $(let mut $req = None;)*
                        $(let mut $f = None;)*
                        let mut extra = serde_json::Map::new();
                        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                            match key.as_ref() {
                                $($req_key => {
                                    if $req.is_some() {
                                        return Err(de::Error::duplicate_field($req_key));
                                    }
                                    $req = Some(map.next_value()?);
                                })*
                                $($key => {
                                    if $f.is_some() {
                                        return Err(de::Error::duplicate_field($key));
                                    }
                                    $f = Some(map.next_value()?);
                                })*
                                _ => {
                                    let v: serde_json::Value = map.next_value()?;
                                    extra.insert(key.into_owned(), v);
                                }
                            }
                        }
                        Ok($ty {
                            $($req: $req.ok_or_else(|| de::Error::missing_field($req_key))?,)*
                            $($f: $f.unwrap_or_default(),)*
                            extra,
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

deserialize_with_extra!(EventDateTime, "an event date or time", required: [],
    optional: [date = "date", date_time = "dateTime", time_zone = "timeZone"]);

deserialize_with_extra!(Attendee, "an attendee", required: [],
    optional: [email = "email", display_name = "displayName", response_status = "responseStatus",
        optional = "optional", organizer = "organizer", is_self = "self"]);

deserialize_with_extra!(EventResource, "an event resource", required: [id = "id"],
    optional: [etag = "etag", status = "status", summary = "summary", description = "description",
        location = "location", color_id = "colorId", start = "start", end = "end",
        recurrence = "recurrence", recurring_event_id = "recurringEventId",
        original_start_time = "originalStartTime", attendees = "attendees", reminders = "reminders",
        updated = "updated", sequence = "sequence"]);

/// A Google `calendarListEntry`, with unknown fields preserved.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarListEntry {
    pub id: CalendarId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<Etag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_override: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreground_color: Option<String>,
    /// `freeBusyReader`, `reader`, `writer` or `owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_reminders: Option<Vec<serde_json::Value>>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full_event() -> serde_json::Value {
        json!({
            "kind": "calendar#event", "id": "evt1", "etag": "\"3\"", "status": "confirmed",
            "summary": "Stand-up", "description": "daily", "location": "Room 4", "colorId": "5",
            "start": {"dateTime": "2026-12-01T09:00:00+01:00", "timeZone": "Europe/Paris", "x-start": [1]},
            "end": {"date": "2026-12-02"},
            "recurrence": ["RRULE:FREQ=DAILY"], "recurringEventId": "evt0",
            "originalStartTime": {"dateTime": "2026-12-01T08:00:00Z"},
            "attendees": [{"email": "a@x", "displayName": "A", "responseStatus": "accepted", "optional": true,
                "organizer": false, "self": true, "comment": "hi", "additionalGuests": 2}],
            "reminders": {"useDefault": false, "overrides": [{"method": "popup", "minutes": 10}]},
            "updated": "2026-11-01T00:00:00Z", "sequence": 4,
            "creator": {"email": "c@x"}, "extendedProperties": {"private": {"k": "v"}}, "hangoutLink": null
        })
    }

    #[test]
    fn every_field_round_trips_and_unknown_ones_stay_in_extra() {
        let v = full_event();
        let from_text: EventResource = serde_json::from_str(&v.to_string()).unwrap();
        let from_value: EventResource = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(from_text, from_value);
        assert_eq!(from_text.id.as_str(), "evt1");
        assert_eq!(from_text.sequence, Some(4));
        assert_eq!(
            from_text.start.as_ref().unwrap().extra.get("x-start"),
            Some(&json!([1]))
        );
        let a = &from_text.attendees.as_ref().unwrap()[0];
        assert_eq!(
            (a.is_self, a.optional, a.organizer),
            (Some(true), Some(true), Some(false))
        );
        assert_eq!(a.extra.len(), 2);
        assert_eq!(from_text.extra.keys().collect::<Vec<_>>().len(), 4);
        assert_eq!(serde_json::to_value(&from_text).unwrap(), v);
    }

    #[test]
    fn bad_input_is_refused_like_the_derived_form_did() {
        let err = |v: serde_json::Value| {
            serde_json::from_str::<EventResource>(&v.to_string())
                .unwrap_err()
                .to_string()
        };
        assert!(err(json!({"summary": "x"})).contains("missing field `id`"));
        assert!(
            serde_json::from_str::<EventResource>(r#"{"id":"a","summary":"x","summary":"y"}"#)
                .unwrap_err()
                .to_string()
                .contains("duplicate field `summary`")
        );
        assert!(err(json!({"id": "a", "summary": 42})).contains("invalid type"));
        assert!(err(json!({"id": "a", "start": "2026-01-01"})).contains("invalid type"));
        assert!(err(json!({"id": "a", "attendees": [{"self": "yes"}]})).contains("invalid type"));
        assert!(err(json!(["a"])).contains("invalid type"));
        let e: EventResource =
            serde_json::from_value(json!({"id": "a", "summary": null, "start": null})).unwrap();
        assert_eq!((e.summary, e.start), (None, None));
        assert!(e.extra.is_empty());
    }
}
