//! An event on its way into the store: the bytes the server sent, kept to be sealed as they are,
//! and the few fields the row and the index need, read once from them.
//!
//! Keeping the server's bytes (instead of the parsed event, serialised again) is what makes a
//! full sync cheap: an item is parsed once to check it and to read its bookkeeping fields, and
//! the parsed form is dropped at once. The bytes are a slice of the answer's body, not a copy,
//! so a page in flight costs about its size on the wire.

use super::index::{placement, Placement};
use crate::error::{Error, Result};
use crate::model::{Etag, EventId, EventResource};
use bytes::Bytes;

pub struct IncomingEvent {
    /// JSON text (checked UTF-8: it parsed as an event).
    json: Bytes,
    pub(crate) id: EventId,
    pub(crate) etag: Option<Etag>,
    pub(crate) updated: Option<String>,
    pub(crate) recurring_event_id: Option<EventId>,
    pub(crate) cancelled: bool,
    /// An instance of a series (a moved, edited or cancelled occurrence).
    pub(crate) exception: bool,
    pub(crate) placement: Placement,
}

impl IncomingEvent {
    /// From an item's JSON as it came and what was read of it (`incoming_head`), moved in.
    pub(crate) fn from_head(json: Bytes, head: super::incoming_head::Head) -> Self {
        Self::from_skeleton(json, head.skeleton)
    }

    /// From the JSON and an event holding (at least) its bookkeeping fields.
    fn from_skeleton(json: Bytes, ev: EventResource) -> Self {
        let placement = placement(&ev);
        Self {
            json,
            cancelled: ev.is_cancelled(),
            exception: ev.recurring_event_id.is_some() || ev.original_start_time.is_some(),
            placement,
            id: ev.id,
            etag: ev.etag,
            updated: ev.updated,
            recurring_event_id: ev.recurring_event_id,
        }
    }

    /// From a parsed event alone (local writes, tests): its JSON is serialised here.
    pub fn from_event(ev: &EventResource) -> Result<Self> {
        let text = serde_json::to_string(ev)
            .map_err(|e| Error::Internal(format!("cannot serialise record: {e}")))?;
        let json = Bytes::from(text.into_bytes());
        // Only the bookkeeping fields: the content is in `json`.
        let skeleton = EventResource {
            id: ev.id.clone(),
            etag: ev.etag.clone(),
            status: ev.status.clone(),
            updated: ev.updated.clone(),
            recurring_event_id: ev.recurring_event_id.clone(),
            start: ev.start.clone(),
            end: ev.end.clone(),
            original_start_time: ev.original_start_time.clone(),
            recurrence: ev.recurrence.clone(),
            ..Default::default()
        };
        Ok(Self::from_skeleton(json, skeleton))
    }

    pub fn id(&self) -> &EventId {
        &self.id
    }

    /// The bytes that are sealed into the row.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.json
    }

    /// The parsed event, for the rare callers that need all of it (a held event's merge).
    pub fn parse(&self) -> Result<EventResource> {
        serde_json::from_slice(&self.json)
            .map_err(|e| Error::Internal(format!("an accepted event no longer parses: {e}")))
    }
}
