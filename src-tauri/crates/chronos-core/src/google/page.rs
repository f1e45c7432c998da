//! A page of a list answer, converted item by item so one broken item cannot sink the page.

use super::client::sanitize_serde_error;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{CalendarListEntry, EventResource, PageToken, SyncToken};
use bytes::Bytes;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;

/// One page of `events.list`, `calendarList.list` or `events.instances`.
#[derive(Clone, Debug, Default)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items that did not parse; the sync skips and counts them.
    pub skipped: Vec<SkippedItem>,
    pub next_page_token: Option<PageToken>,
    /// Only on the last page.
    pub next_sync_token: Option<SyncToken>,
    /// Every other top-level field (`timeZone`, `accessRole`, `defaultReminders`, `updated`, …).
    pub meta: Map<String, Value>,
}

impl<T> Page<T> {
    pub fn is_last(&self) -> bool {
        self.next_page_token.is_none()
    }
    pub fn meta_str(&self, key: &str) -> Option<&str> {
        self.meta.get(key).and_then(Value::as_str)
    }
    /// The calendar's time zone (`timeZone` of an events page).
    pub fn time_zone(&self) -> Option<&str> {
        self.meta_str("timeZone")
    }
}

pub type EventsPage = Page<EventResource>;
pub type CalendarListPage = Page<CalendarListEntry>;

/// An item the server sent that Chronos could not use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedItem {
    /// The item's `id` when it had a string one (at most 256 characters kept).
    pub id: Option<String>,
    /// Why, without quoting any of the item's content.
    pub reason: String,
}

/// What an item of a list answer becomes. `Ok(Err(reason))` is well-formed JSON that is not
/// used (set aside with the reason, which never quotes content); a JSON error is a broken item.
/// `raw` lies inside `body`, so an item may keep its bytes as a slice of the body.
pub trait ListItem: Sized {
    fn from_raw(
        raw: &RawValue,
        body: &Bytes,
    ) -> serde_json::Result<std::result::Result<Self, String>>;
    fn id_str(&self) -> &str;
}
impl ListItem for EventResource {
    fn from_raw(
        raw: &RawValue,
        _: &Bytes,
    ) -> serde_json::Result<std::result::Result<Self, String>> {
        serde_json::from_str(raw.get()).map(Ok)
    }
    fn id_str(&self) -> &str {
        self.id.as_str()
    }
}
impl ListItem for CalendarListEntry {
    fn from_raw(
        raw: &RawValue,
        _: &Bytes,
    ) -> serde_json::Result<std::result::Result<Self, String>> {
        serde_json::from_str(raw.get()).map(Ok)
    }
    fn id_str(&self) -> &str {
        self.id.as_str()
    }
}

fn malformed(message: &str) -> Error {
    Error::Google {
        kind: ErrorKind::Server,
        status: 200,
        reason: Some("malformedResponse".into()),
        message: message.to_owned(),
        retry_after: None,
    }
}

fn token_field(map: &mut Map<String, Value>, key: &str) -> Result<Option<String>> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(malformed(&format!(
            "the list answer's {key} is not a string"
        ))),
    }
}

/// The `items` of a list answer, each kept as its raw JSON text so it is parsed once, straight
/// into its type, and a broken one can be set aside without sinking the page.
enum Items<'a> {
    Absent,
    Array(Vec<&'a RawValue>),
    NotArray,
}

impl<'de> Deserialize<'de> for Items<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Items<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of items")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Items<'de>, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                    v.push(raw);
                }
                Ok(Items::Array(v))
            }
            fn visit_unit<E>(self) -> std::result::Result<Items<'de>, E> {
                Ok(Items::Absent)
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Items<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Items::NotArray)
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<Items<'de>, E> {
                Ok(Items::NotArray)
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<Items<'de>, E> {
                Ok(Items::NotArray)
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<Items<'de>, E> {
                Ok(Items::NotArray)
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<Items<'de>, E> {
                Ok(Items::NotArray)
            }
            fn visit_str<E>(self, _: &str) -> std::result::Result<Items<'de>, E> {
                Ok(Items::NotArray)
            }
        }
        d.deserialize_any(V)
    }
}

/// The page's envelope; `Err` for a top level that is not an object.
struct Envelope<'a>(std::result::Result<(Items<'a>, Map<String, Value>), &'static str>);

impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Envelope<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list answer")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Envelope<'de>, A::Error> {
                let mut items = Items::Absent;
                let mut meta = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "items" {
                        items = map.next_value()?;
                    } else {
                        meta.insert(key, map.next_value()?);
                    }
                }
                Ok(Envelope(Ok((items, meta))))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Envelope<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Envelope(Err("the list answer is not a JSON object")))
            }
            fn visit_unit<E>(self) -> std::result::Result<Envelope<'de>, E> {
                Ok(Envelope(Err("the list answer is not a JSON object")))
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<Envelope<'de>, E> {
                Ok(Envelope(Err("the list answer is not a JSON object")))
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<Envelope<'de>, E> {
                Ok(Envelope(Err("the list answer is not a JSON object")))
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<Envelope<'de>, E> {
                Ok(Envelope(Err("the list answer is not a JSON object")))
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<Envelope<'de>, E> {
                Ok(Envelope(Err("the list answer is not a JSON object")))
            }
            fn visit_str<E>(self, _: &str) -> std::result::Result<Envelope<'de>, E> {
                Ok(Envelope(Err("the list answer is not a JSON object")))
            }
        }
        d.deserialize_any(V)
    }
}

/// Only an item's `id`, read when the item itself could not be.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Option<Value>,
}

fn item_id(raw: &RawValue) -> Option<String> {
    match serde_json::from_str::<IdOnly>(raw.get()) {
        Ok(IdOnly {
            id: Some(Value::String(s)),
        }) => Some(s.chars().take(256).collect()),
        _ => None,
    }
}

/// Parses a list answer's body. The outer error is a JSON one (the client turns it into a retry
/// or a malformed-answer error); the inner one is a well-formed answer of the wrong shape.
pub(crate) fn parse_page_body<T: ListItem>(body: &Bytes) -> serde_json::Result<Result<Page<T>>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Err(malformed("the list answer is not a JSON object")));
    }
    let (items, mut map) = match serde_json::from_slice::<Envelope>(body)?.0 {
        Ok(x) => x,
        Err(why) => return Ok(Err(malformed(why))),
    };
    let raw_items = match items {
        Items::Absent => Vec::new(),
        Items::Array(a) => a,
        Items::NotArray => return Ok(Err(malformed("the list answer's items is not an array"))),
    };
    let next_page_token = match token_field(&mut map, "nextPageToken") {
        Ok(t) => t.map(PageToken),
        Err(e) => return Ok(Err(e)),
    };
    let next_sync_token = match token_field(&mut map, "nextSyncToken") {
        Ok(t) => t.map(SyncToken),
        Err(e) => return Ok(Err(e)),
    };

    let mut out = Vec::with_capacity(raw_items.len());
    let mut skipped = Vec::new();
    for raw in raw_items {
        match T::from_raw(raw, body) {
            Ok(Ok(item)) if item.id_str().is_empty() => skipped.push(SkippedItem {
                id: item_id(raw),
                reason: "empty id".into(),
            }),
            Ok(Ok(item)) => out.push(item),
            Ok(Err(reason)) => skipped.push(SkippedItem {
                id: item_id(raw),
                reason,
            }),
            // The raw text was already checked to be well-formed JSON, so a syntax error here is
            // the nesting limit: like the whole-page parse before it, that fails the page.
            Err(e) if e.classify() == serde_json::error::Category::Syntax => return Err(e),
            Err(e) => skipped.push(SkippedItem {
                id: item_id(raw),
                reason: sanitize_serde_error(&e),
            }),
        }
    }
    if !skipped.is_empty() {
        tracing::warn!(
            skipped = skipped.len(),
            "items in a Google list answer could not be read and were skipped"
        );
    }
    Ok(Ok(Page {
        items: out,
        skipped,
        next_page_token,
        next_sync_token,
        meta: map,
    }))
}

/// An `events.list` answer's body as the client reads it (public for benchmarks and tools).
pub fn parse_events_page_body(body: &[u8]) -> Result<EventsPage> {
    parse_page_body(&Bytes::copy_from_slice(body)).unwrap_or_else(|e| {
        Err(malformed(&format!(
            "the list answer is not valid JSON ({e:?})",
            e = e.classify()
        )))
    })
}

/// `parse_page_body` over an already parsed value (tests).
#[cfg(test)]
pub(crate) fn parse_page<T: ListItem>(value: Value) -> Result<Page<T>> {
    parse_page_body(&Bytes::from(serde_json::to_vec(&value).unwrap())).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_items_are_set_aside_not_fatal() {
        let page = json!({
            "kind": "calendar#events", "timeZone": "Europe/Paris", "nextSyncToken": "tok",
            "items": [
                {"id": "good1", "summary": "ok", "status": "confirmed"},
                {"id": "bad1", "summary": 42},
                {"summary": "no id at all"},
                {"id": "", "summary": "empty id"},
                "not even an object",
                {"id": "good2", "start": {"date": "2026-12-01"}, "unknownField": {"x": [1, 2]}}
            ]
        });
        let p: EventsPage = parse_page(page).unwrap();
        let ids: Vec<_> = p.items.iter().map(|e| e.id.as_str().to_owned()).collect();
        assert_eq!(ids, vec!["good1", "good2"]);
        assert_eq!(
            p.items[1].extra.get("unknownField"),
            Some(&json!({"x": [1, 2]}))
        );
        assert_eq!(p.skipped.len(), 4);
        assert_eq!(p.skipped[0].id.as_deref(), Some("bad1"));
        assert!(p
            .skipped
            .iter()
            .all(|s| !s.reason.contains("summary") || !s.reason.contains("42")));
        assert_eq!(p.next_sync_token, Some(SyncToken("tok".into())));
        assert!(p.is_last());
        assert_eq!(p.time_zone(), Some("Europe/Paris"));
    }

    #[test]
    fn page_shape_errors_are_clear() {
        assert!(parse_page::<EventResource>(json!([1, 2])).is_err());
        assert!(parse_page::<EventResource>(json!({"items": {"a": 1}})).is_err());
        assert!(parse_page::<EventResource>(json!({"nextPageToken": 5})).is_err());
        let p = parse_page::<EventResource>(json!({"nextPageToken": "p2"})).unwrap();
        assert!(p.items.is_empty() && !p.is_last());
    }
}
