//! `events.*`: list pages (full and incremental), get, insert, patch, update, delete, move,
//! instances.

use super::client::{encode_segment, Call, GoogleClient};
use super::errors::is_duplicate;
use super::page::{parse_page_body, EventsPage, ListItem, Page};
use crate::error::{Error, Result};
use crate::model::{CalendarId, Etag, EventId, EventResource, PageToken, SyncToken};
use reqwest::Method;
use serde_json::{Map, Value};

/// `maxResults` Chronos always asks for (Google's maximum).
pub const EVENTS_PAGE_SIZE: u32 = 2500;

/// One `events.list` request. Full and incremental sync use the same parameters
/// (`showDeleted=true`, `singleEvents=false`, `maxResults=2500`), as Google requires.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventsListRequest {
    pub sync_token: Option<SyncToken>,
    pub page_token: Option<PageToken>,
}

impl EventsListRequest {
    pub fn full(page_token: Option<PageToken>) -> Self {
        Self {
            sync_token: None,
            page_token,
        }
    }
    pub fn incremental(sync_token: SyncToken, page_token: Option<PageToken>) -> Self {
        Self {
            sync_token: Some(sync_token),
            page_token,
        }
    }
}

/// Whom Google e-mails about a write. Chronos defaults to nobody; the UI asks first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SendUpdates {
    All,
    ExternalOnly,
    #[default]
    None,
}

impl SendUpdates {
    fn as_str(self) -> &'static str {
        match self {
            SendUpdates::All => "all",
            SendUpdates::ExternalOnly => "externalOnly",
            SendUpdates::None => "none",
        }
    }
}

/// A fresh client-chosen event id: 26 base32hex characters (`0-9a-v`) from 128 random bits,
/// so an insert can be retried safely (a second insert of the same id answers 409).
pub fn new_event_id() -> EventId {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
    let mut n = uuid::Uuid::new_v4().as_u128();
    let mut s = String::with_capacity(26);
    for _ in 0..26 {
        s.push(ALPHABET[(n & 31) as usize] as char);
        n >>= 5;
    }
    EventId(s)
}

/// The private extended property every insert carries with the id Chronos chose, so an insert
/// whose answer was lost can be found again on a server that assigns its own ids.
pub const CHRONOS_ID_PROPERTY: &str = "chronosId";

/// `event` with `extendedProperties.private.chronosId` set to its id (other properties kept).
fn mark_with_chronos_id(event: &mut EventResource) {
    let props = event
        .extra
        .entry("extendedProperties")
        .or_insert_with(|| Value::Object(Map::new()));
    if !props.is_object() {
        *props = Value::Object(Map::new());
    }
    let private = props
        .as_object_mut()
        .expect("an object")
        .entry("private")
        .or_insert_with(|| Value::Object(Map::new()));
    if !private.is_object() {
        *private = Value::Object(Map::new());
    }
    private.as_object_mut().expect("an object").insert(
        CHRONOS_ID_PROPERTY.into(),
        Value::String(event.id.0.clone()),
    );
}

/// The listing that finds the event an insert of `chronos_id` created, if it landed.
fn chronos_id_lookup(calendar: &CalendarId, chronos_id: &EventId) -> Call {
    Call::new(Method::GET, events_path(calendar))
        .query(
            "privateExtendedProperty",
            format!("{CHRONOS_ID_PROPERTY}={}", chronos_id.as_str()),
        )
        .query("maxResults", "10")
}

fn events_path(calendar: &CalendarId) -> String {
    format!("calendars/{}/events", encode_segment(calendar.as_str()))
}

fn event_path(calendar: &CalendarId, event: &EventId) -> String {
    format!(
        "{}/{}",
        events_path(calendar),
        encode_segment(event.as_str())
    )
}

impl GoogleClient {
    /// One page of `events.list`. Follow `next_page_token` until the last page, which carries
    /// `next_sync_token`. A refused sync token comes back as a `full_sync_required` error.
    pub async fn list_events_page(
        &self,
        calendar: &CalendarId,
        req: &EventsListRequest,
    ) -> Result<EventsPage> {
        self.execute_with(&events_list_call(calendar, req), parse_page_body)
            .await
            .result?
    }

    /// `list_events_page` with each item turned into `T` (the sync keeps the server's bytes).
    pub async fn list_events_page_as<T: ListItem + Send + 'static>(
        &self,
        calendar: &CalendarId,
        req: &EventsListRequest,
    ) -> Result<Page<T>> {
        self.execute_with(&events_list_call(calendar, req), parse_page_body::<T>)
            .await
            .result?
    }

    /// `events.get`; cancelled events come back too, with `status: "cancelled"`.
    pub async fn get_event(&self, calendar: &CalendarId, event: &EventId) -> Result<EventResource> {
        self.call(Call::new(Method::GET, event_path(calendar, event)))
            .await
    }

    /// `events.insert` with a client-chosen id (one is assigned when `event.id` is empty). If a
    /// retried insert meets 409, the first attempt had succeeded: the event is fetched instead.
    /// The event is marked with its id (`CHRONOS_ID_PROPERTY`) and, before a retry, looked up by
    /// that mark, so a server that assigns its own ids does not get it twice. The answer's id is
    /// the event's id from then on, whatever was asked for.
    pub async fn insert_event(
        &self,
        calendar: &CalendarId,
        event: &EventResource,
        send_updates: SendUpdates,
    ) -> Result<EventResource> {
        let mut event = event.clone();
        if event.id.as_str().is_empty() {
            event.id = new_event_id();
        }
        mark_with_chronos_id(&mut event);
        let body = serde_json::to_value(&event)
            .map_err(|e| Error::Internal(format!("event to JSON: {e}")))?;
        let call = write_opt_ins(Call::new(Method::POST, events_path(calendar)))
            .query("sendUpdates", send_updates.as_str())
            .body(body)
            .landed_if_listed(chronos_id_lookup(calendar, &event.id));
        let executed = self.execute(&call).await;
        match executed.result {
            Ok(v) => super::client::from_value(v),
            Err(e) if is_duplicate(&e) && executed.attempts > 1 => {
                tracing::info!(
                    "a retried insert met 409: the first attempt had landed; fetching it"
                );
                self.get_event(calendar, &event.id).await
            }
            Err(e) => Err(e),
        }
    }

    /// The live event an earlier insert of `chronos_id` created, if one did (see
    /// `CHRONOS_ID_PROPERTY`).
    pub async fn find_inserted(
        &self,
        calendar: &CalendarId,
        chronos_id: &EventId,
    ) -> Result<Option<EventResource>> {
        let page: EventsPage = self
            .execute_with(&chronos_id_lookup(calendar, chronos_id), parse_page_body)
            .await
            .result??;
        Ok(page.items.into_iter().find(|e| !e.is_cancelled()))
    }

    /// `events.patch`: sends only `fields`, so unknown fields on the server stay untouched.
    /// With `if_match`, a stale etag fails with 412 (kind `conflict`).
    pub async fn patch_event(
        &self,
        calendar: &CalendarId,
        event: &EventId,
        fields: &Map<String, Value>,
        if_match: Option<&Etag>,
        send_updates: SendUpdates,
    ) -> Result<EventResource> {
        let call = write_opt_ins(Call::new(Method::PATCH, event_path(calendar, event)))
            .query("sendUpdates", send_updates.as_str())
            .if_match(if_match)
            .body(Value::Object(fields.clone()));
        self.call(call).await
    }

    /// `events.update`: replaces the whole resource (including the fields kept in `extra`).
    pub async fn update_event(
        &self,
        calendar: &CalendarId,
        event: &EventResource,
        if_match: Option<&Etag>,
        send_updates: SendUpdates,
    ) -> Result<EventResource> {
        if event.id.as_str().is_empty() {
            return Err(Error::InvalidInput(
                "an event to update needs its id".into(),
            ));
        }
        let body = serde_json::to_value(event)
            .map_err(|e| Error::Internal(format!("event to JSON: {e}")))?;
        let call = write_opt_ins(Call::new(Method::PUT, event_path(calendar, &event.id)))
            .query("sendUpdates", send_updates.as_str())
            .if_match(if_match)
            .body(body);
        self.call(call).await
    }

    /// `events.delete`. Deleting an already deleted event fails with 410 `deleted`
    /// (see [`super::errors::is_deleted`]); callers usually treat that as success.
    pub async fn delete_event(
        &self,
        calendar: &CalendarId,
        event: &EventId,
        if_match: Option<&Etag>,
        send_updates: SendUpdates,
    ) -> Result<()> {
        let call = Call::new(Method::DELETE, event_path(calendar, event))
            .query("sendUpdates", send_updates.as_str())
            .if_match(if_match);
        self.execute(&call).await.result.map(|_| ())
    }

    /// `events.move` to another calendar; returns the moved event (same id, new etag).
    pub async fn move_event(
        &self,
        calendar: &CalendarId,
        event: &EventId,
        destination: &CalendarId,
        send_updates: SendUpdates,
    ) -> Result<EventResource> {
        let call = Call::new(
            Method::POST,
            format!("{}/move", event_path(calendar, event)),
        )
        .query("destination", destination.as_str())
        .query("sendUpdates", send_updates.as_str());
        self.call(call).await
    }

    /// One page of `events.instances` of a recurring event, optionally within `[time_min, time_max)`
    /// (RFC 3339 with offset).
    pub async fn list_instances_page(
        &self,
        calendar: &CalendarId,
        event: &EventId,
        page_token: Option<&PageToken>,
        time_min: Option<&str>,
        time_max: Option<&str>,
    ) -> Result<EventsPage> {
        let call = Call::new(
            Method::GET,
            format!("{}/instances", event_path(calendar, event)),
        )
        .query("maxResults", EVENTS_PAGE_SIZE.to_string())
        .query("showDeleted", "true")
        .query_opt("pageToken", page_token.map(|t| t.0.clone()))
        .query_opt("timeMin", time_min)
        .query_opt("timeMax", time_max);
        self.execute_with(&call, parse_page_body).await.result?
    }
}

/// Every event write says Chronos understands conference data and attachments: without
/// `conferenceDataVersion=1` Google ignores a Meet request and a full update drops the
/// event's conference; without `supportsAttachments=true` it drops the attachments. A patch
/// that does not carry either field leaves it as it is.
fn write_opt_ins(call: Call) -> Call {
    call.query("conferenceDataVersion", "1")
        .query("supportsAttachments", "true")
}

fn events_list_call(calendar: &CalendarId, req: &EventsListRequest) -> Call {
    Call::new(Method::GET, events_path(calendar))
        .query("maxResults", EVENTS_PAGE_SIZE.to_string())
        .query("showDeleted", "true")
        .query("singleEvents", "false")
        .query_opt("syncToken", req.sync_token.as_ref().map(|t| t.0.clone()))
        .query_opt("pageToken", req.page_token.as_ref().map(|t| t.0.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_base32hex_and_distinct() {
        let a = new_event_id();
        let b = new_event_id();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 26);
        assert!(a
            .as_str()
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'v').contains(&c)));
    }

    #[test]
    fn paths_encode_ids() {
        let p = event_path(
            &CalendarId::from("a@example.com"),
            &EventId::from("x_20261201T090000Z"),
        );
        assert_eq!(p, "calendars/a%40example.com/events/x_20261201T090000Z");
    }
}
