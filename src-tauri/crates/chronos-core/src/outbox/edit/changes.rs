//! What an edit sets, and the choices made with it.

use super::Notify;
use crate::model::{Attendee, EventDateTime, EventResource};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Choices made with an edit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditOptions {
    /// `None`: the organiser's edits of an event with attendees notify everyone, all other
    /// edits notify nobody.
    #[serde(default)]
    pub notify: Option<Notify>,
}

fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// What an edit sets. `None` leaves a field as it is; for the clearable fields `Some(None)`
/// clears it (JSON `null`). For a new event, `summary`, `start` and `end` are required.
/// All-day ↔ timed is a change of `start`/`end` between `date` and `dateTime`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventChanges {
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub location: Option<Option<String>>,
    #[serde(default)]
    pub start: Option<EventDateTime>,
    #[serde(default)]
    pub end: Option<EventDateTime>,
    #[serde(default)]
    pub attendees: Option<Vec<Attendee>>,
    /// Google's `reminders` object: `{useDefault, overrides: [{method, minutes}]}`.
    #[serde(default)]
    pub reminders: Option<Value>,
    #[serde(default, deserialize_with = "double_option")]
    pub color_id: Option<Option<String>>,
    /// Ask Google for a new Meet link (ignored when the event already has a conference).
    #[serde(default)]
    pub add_meet: bool,
}

/// `ev` with `changes` applied.
pub fn apply_changes(ev: &EventResource, c: &EventChanges) -> EventResource {
    let mut ev = ev.clone();
    if let Some(s) = &c.summary {
        ev.summary = Some(s.clone());
    }
    if let Some(d) = &c.description {
        ev.description = d.clone();
    }
    if let Some(l) = &c.location {
        ev.location = l.clone();
    }
    if let Some(s) = &c.start {
        ev.start = Some(s.clone());
    }
    if let Some(e) = &c.end {
        ev.end = Some(e.clone());
    }
    if let Some(a) = &c.attendees {
        ev.attendees = if a.is_empty() { None } else { Some(a.clone()) };
    }
    if let Some(r) = &c.reminders {
        ev.reminders = if r.is_null() { None } else { Some(r.clone()) };
    }
    if let Some(col) = &c.color_id {
        ev.color_id = col.clone();
    }
    if c.add_meet {
        ev = crate::conference::with_meet_request(ev);
    }
    ev
}
