//! How much of each event a range read opens. A listing shows an event's title, times and
//! series; parsing everything else (descriptions, attendees, the fields kept for round trips)
//! would cost most of the read's time and memory, and an outline is never written back.

use crate::model::{Attendee, EventDateTime, EventId, EventResource};
use serde::Deserialize;

/// What a range read returns of each event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// The whole resource, as a base for edits and the event's details.
    Full,
    /// Id, status, title, times and the series fields only; every other field is left empty.
    Outline,
    /// The outline with the event's reminders and guests: what reminders are worked out from.
    Alerts,
}

/// The fields of an outline; serde skips the rest of the record without building it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventOutline {
    id: EventId,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    start: Option<EventDateTime>,
    #[serde(default)]
    end: Option<EventDateTime>,
    #[serde(default)]
    recurrence: Option<Vec<String>>,
    #[serde(default)]
    recurring_event_id: Option<EventId>,
    #[serde(default)]
    original_start_time: Option<EventDateTime>,
}

/// The fields of [`Detail::Alerts`]: the outline's and two more (no `flatten`, which would
/// make serde collect every other field instead of skipping it).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventAlerts {
    id: EventId,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    start: Option<EventDateTime>,
    #[serde(default)]
    end: Option<EventDateTime>,
    #[serde(default)]
    recurrence: Option<Vec<String>>,
    #[serde(default)]
    recurring_event_id: Option<EventId>,
    #[serde(default)]
    original_start_time: Option<EventDateTime>,
    #[serde(default)]
    reminders: Option<serde_json::Value>,
    #[serde(default)]
    attendees: Option<Vec<Attendee>>,
}

impl From<EventAlerts> for EventResource {
    fn from(a: EventAlerts) -> Self {
        EventResource {
            reminders: a.reminders,
            attendees: a.attendees,
            ..EventOutline {
                id: a.id,
                status: a.status,
                summary: a.summary,
                start: a.start,
                end: a.end,
                recurrence: a.recurrence,
                recurring_event_id: a.recurring_event_id,
                original_start_time: a.original_start_time,
            }
            .into()
        }
    }
}

impl From<EventOutline> for EventResource {
    fn from(o: EventOutline) -> Self {
        EventResource {
            id: o.id,
            status: o.status,
            summary: o.summary,
            start: o.start,
            end: o.end,
            recurrence: o.recurrence,
            recurring_event_id: o.recurring_event_id,
            original_start_time: o.original_start_time,
            ..Default::default()
        }
    }
}

/// Parses a decrypted record at `detail`.
pub(super) fn parse(detail: Detail, plain: &[u8]) -> serde_json::Result<EventResource> {
    match detail {
        Detail::Full => serde_json::from_slice(plain),
        Detail::Outline => serde_json::from_slice::<EventOutline>(plain).map(Into::into),
        Detail::Alerts => serde_json::from_slice::<EventAlerts>(plain).map(Into::into),
    }
}
