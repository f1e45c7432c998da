//! Events in a time range, in the UI's shape.

use crate::commands::calendars::event_colour;
use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use chrono::{DateTime, Utc};
use chronos_core::model::EventResource;
use chronos_core::store::{StoredCalendar, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tauri::State;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttendeeView {
    pub email: String,
    pub display_name: Option<String>,
    pub response_status: Option<String>,
    pub organizer: Option<bool>,
    #[serde(rename = "self")]
    pub is_self: Option<bool>,
    pub optional: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReminderOverride {
    pub method: String,
    pub minutes: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reminders {
    pub use_default: bool,
    #[serde(default)]
    pub overrides: Option<Vec<ReminderOverride>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub account_id: String,
    pub calendar_id: String,
    pub id: String,
    pub title: String,
    /// As Google has it (plain text or HTML); the UI sanitises before showing it.
    pub description: Option<String>,
    pub location: Option<String>,
    pub start: String,
    pub end: String,
    pub all_day: bool,
    pub time_zone: Option<String>,
    pub color_id: Option<String>,
    pub color: Option<String>,
    pub recurring_event_id: Option<String>,
    pub attendees: Option<Vec<AttendeeView>>,
    pub reminders: Option<Reminders>,
    pub pending: bool,
    pub conflict: bool,
    pub read_only: bool,
}

/// `None` for an event without a usable start or end (the store never holds one, but a bad row
/// is skipped rather than failing the whole view).
pub fn view(e: &StoredEvent, calendar: Option<&StoredCalendar>) -> Option<EventView> {
    let ev: &EventResource = &e.event;
    let (start, end) = (ev.start.as_ref()?, ev.end.as_ref()?);
    let all_day = start.date.is_some();
    let pick = |t: &chronos_core::model::EventDateTime| t.date.clone().or_else(|| t.date_time.clone());
    let calendar_colour = calendar.and_then(|c| c.color_override.clone().or_else(|| c.entry.background_color.clone()));
    Some(EventView {
        account_id: e.account.as_str().to_owned(),
        calendar_id: e.calendar.as_str().to_owned(),
        id: ev.id.as_str().to_owned(),
        title: ev.summary.clone().unwrap_or_default(),
        description: ev.description.clone(),
        location: ev.location.clone(),
        start: pick(start)?,
        end: pick(end)?,
        all_day,
        time_zone: start.time_zone.clone(),
        color_id: ev.color_id.clone(),
        color: ev
            .color_id
            .as_deref()
            .and_then(event_colour)
            .map(str::to_owned)
            .or(calendar_colour),
        recurring_event_id: ev.recurring_event_id.as_ref().map(|id| id.as_str().to_owned()),
        attendees: ev.attendees.as_ref().map(|list| {
            list.iter()
                .filter_map(|a| {
                    Some(AttendeeView {
                        email: a.email.clone()?,
                        display_name: a.display_name.clone(),
                        response_status: a.response_status.clone(),
                        organizer: a.organizer,
                        is_self: a.is_self,
                        optional: a.optional,
                    })
                })
                .collect()
        }),
        reminders: ev.reminders.clone().and_then(|r| serde_json::from_value(r).ok()),
        pending: e.pending,
        conflict: false,
        read_only: calendar.is_none_or(|c| c.is_read_only()),
    })
}

fn parse_instant(field: &str, s: &str) -> CmdResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| AppError::invalid(field, format!("not an RFC 3339 time: {s}")))
}

/// Events of the selected calendars overlapping `[from, to)`.
#[tauri::command]
pub async fn events_in_range(engine: State<'_, Engine>, from: String, to: String) -> CmdResult<Vec<EventView>> {
    let (from, to) = (parse_instant("from", &from)?, parse_instant("to", &to)?);
    if to <= from {
        return Err(AppError::invalid("to", "the range ends before it starts"));
    }
    if to - from > chrono::Duration::days(400) {
        return Err(AppError::invalid("to", "ask for at most 400 days at once"));
    }
    let chronos = engine.get()?;
    let calendars: HashMap<(String, String), StoredCalendar> = chronos
        .calendars(None)
        .await?
        .into_iter()
        .map(|c| ((c.account.as_str().to_owned(), c.entry.id.as_str().to_owned()), c))
        .collect();
    let events = chronos.events_in_range(from, to, None, None).await?;
    Ok(events
        .iter()
        .filter_map(|e| {
            let key = (e.account.as_str().to_owned(), e.calendar.as_str().to_owned());
            view(e, calendars.get(&key))
        })
        .collect())
}
