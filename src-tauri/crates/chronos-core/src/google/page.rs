//! A page of a list answer, converted item by item so one broken item cannot sink the page.

use super::client::sanitize_serde_error;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{CalendarListEntry, EventResource, PageToken, SyncToken};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

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

pub(crate) trait HasId {
    fn id_str(&self) -> &str;
}
impl HasId for EventResource {
    fn id_str(&self) -> &str {
        self.id.as_str()
    }
}
impl HasId for CalendarListEntry {
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
        Some(_) => Err(malformed(&format!("the list answer's {key} is not a string"))),
    }
}

pub(crate) fn parse_page<T: DeserializeOwned + HasId>(value: Value) -> Result<Page<T>> {
    let Value::Object(mut map) = value else {
        return Err(malformed("the list answer is not a JSON object"));
    };
    let raw_items = match map.remove("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(malformed("the list answer's items is not an array")),
    };
    let next_page_token = token_field(&mut map, "nextPageToken")?.map(PageToken);
    let next_sync_token = token_field(&mut map, "nextSyncToken")?.map(SyncToken);

    let mut items = Vec::with_capacity(raw_items.len());
    let mut skipped = Vec::new();
    for raw in raw_items {
        let id = raw.get("id").and_then(Value::as_str).map(|s| s.chars().take(256).collect::<String>());
        match serde_json::from_value::<T>(raw) {
            Ok(item) if item.id_str().is_empty() => {
                skipped.push(SkippedItem { id, reason: "empty id".into() })
            }
            Ok(item) => items.push(item),
            Err(e) => skipped.push(SkippedItem { id, reason: sanitize_serde_error(&e) }),
        }
    }
    if !skipped.is_empty() {
        tracing::warn!(skipped = skipped.len(), "items in a Google list answer could not be read and were skipped");
    }
    Ok(Page { items, skipped, next_page_token, next_sync_token, meta: map })
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
        assert_eq!(p.items[1].extra.get("unknownField"), Some(&json!({"x": [1, 2]})));
        assert_eq!(p.skipped.len(), 4);
        assert_eq!(p.skipped[0].id.as_deref(), Some("bad1"));
        assert!(p.skipped.iter().all(|s| !s.reason.contains("summary") || !s.reason.contains("42")));
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
