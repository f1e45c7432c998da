//! Events as the views show them: colour resolved from the account's palette and the
//! calendar, conflicts marked, read-only known — one shape for every front end.

use super::event_kind::{kind_view, EventKindView};
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use crate::service::{Palette, TruncatedSeries};
use crate::store::{StoredCalendar, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct AttendeeView {
    pub email: String,
    // Optional in TypeScript: the page sends a new guest as its email alone.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub display_name: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional, type = "ResponseStatus | null"))]
    pub response_status: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub organizer: Option<bool>,
    #[serde(rename = "self")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub is_self: Option<bool>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub optional: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ReminderOverride {
    #[cfg_attr(feature = "ts", ts(type = "ReminderMethod"))]
    pub method: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub minutes: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct Reminders {
    pub use_default: bool,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub overrides: Option<Vec<ReminderOverride>>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
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
    /// The event's kind and what it allows.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub kind: EventKindView,
}

/// Events with an open conflict record: (account, calendar, event id).
pub type OpenConflicts = HashSet<(AccountId, CalendarId, EventId)>;

/// Whether the event, or the series it is an occurrence of, has an open conflict record.
fn in_conflict(e: &StoredEvent, conflicts: &OpenConflicts) -> bool {
    let ev = &e.event;
    let key = |id: &EventId| (e.account.clone(), e.calendar.clone(), id.clone());
    conflicts.contains(&key(&ev.id))
        || ev
            .recurring_event_id
            .as_ref()
            .is_some_and(|m| conflicts.contains(&key(m)))
}

/// `None` for an event without a usable start or end (the store never holds one, but a bad row
/// is skipped rather than failing the whole view). Its colour: its `colorId` in the account's
/// palette, else its calendar's colour.
pub fn view(
    e: &StoredEvent,
    calendar: Option<&StoredCalendar>,
    palette: &Palette,
    conflicts: &OpenConflicts,
) -> Option<EventView> {
    let ev: &EventResource = &e.event;
    let (start, end) = (ev.start.as_ref()?, ev.end.as_ref()?);
    let all_day = start.date.is_some();
    let pick = |t: &crate::model::EventDateTime| t.date.clone().or_else(|| t.date_time.clone());
    let calendar_colour = calendar.and_then(|c| {
        c.shown_colors(|id| {
            palette
                .calendar(id)
                .map(|d| (d.background.clone(), d.foreground.clone()))
        })
        .0
    });
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
            .and_then(|id| palette.event(id))
            .map(|d| d.background.clone())
            .or(calendar_colour),
        recurring_event_id: ev
            .recurring_event_id
            .as_ref()
            .map(|id| id.as_str().to_owned()),
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
        reminders: ev
            .reminders
            .clone()
            .and_then(|r| serde_json::from_value(r).ok()),
        pending: e.pending,
        conflict: in_conflict(e, conflicts),
        read_only: calendar.is_none_or(|c| c.is_read_only()),
        kind: kind_view(ev, calendar),
    })
}

/// A recurring series whose occurrences in the asked range are incomplete: an expansion limit
/// (`limit`, at most `max`) cut it, so the page can say the view is not whole.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct TruncatedSeriesView {
    pub account_id: String,
    pub calendar_id: String,
    pub series_id: String,
    #[cfg_attr(
        feature = "ts",
        ts(
            type = "\"series_occurrences\" | \"series_steps\" | \"query_occurrences\" | \"query_steps\""
        )
    )]
    pub limit: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub max: u64,
}

impl From<&TruncatedSeries> for TruncatedSeriesView {
    fn from(t: &TruncatedSeries) -> Self {
        use crate::recurrence::ExpansionLimit as L;
        let (limit, max) = match t.limit {
            L::SeriesOccurrences { max } => ("series_occurrences", max as u64),
            L::SeriesSteps { max } => ("series_steps", max),
            L::QueryOccurrences { max } => ("query_occurrences", max as u64),
            L::QuerySteps { max } => ("query_steps", max),
        };
        TruncatedSeriesView {
            account_id: t.account.to_string(),
            calendar_id: t.calendar.to_string(),
            series_id: t.series.to_string(),
            limit: limit.to_owned(),
            max,
        }
    }
}

/// What `events_in_range` answers: the events, and the series a limit cut (empty when whole).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct EventsInRange {
    pub events: Vec<EventView>,
    pub truncated: Vec<TruncatedSeriesView>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::google::{ColorDefinition as Def, Colors};
    use crate::model::EventDateTime;
    use std::sync::Arc;

    fn event(id: &str, color_id: Option<&str>, master: Option<&str>) -> StoredEvent {
        let at = |h: u32| EventDateTime {
            date_time: Some(format!("2026-12-01T{h:02}:00:00Z")),
            ..Default::default()
        };
        let ev = EventResource {
            id: EventId::new(id),
            start: Some(at(9)),
            end: Some(at(10)),
            color_id: color_id.map(str::to_owned),
            recurring_event_id: master.map(EventId::new),
            ..Default::default()
        };
        StoredEvent {
            account: AccountId::new("a@example.com"),
            calendar: CalendarId::new("c"),
            event: Arc::new(ev),
            pending: false,
        }
    }

    fn palette() -> Palette {
        let mut colors = Colors::default();
        colors.event.insert(
            "5".into(),
            Def {
                background: "#0000aa".into(),
                foreground: "#ffffff".into(),
            },
        );
        Palette {
            colors: Arc::new(colors),
            from_google: true,
        }
    }

    fn key(id: &str) -> (AccountId, CalendarId, EventId) {
        (
            AccountId::new("a@example.com"),
            CalendarId::new("c"),
            EventId::new(id),
        )
    }

    #[test]
    fn the_colour_comes_from_the_accounts_palette_and_conflicts_mark_events_and_occurrences() {
        let none = OpenConflicts::new();
        let v = view(&event("e1", Some("5"), None), None, &palette(), &none).unwrap();
        assert_eq!(v.color.as_deref(), Some("#0000aa"));
        assert!(!v.conflict);
        // An id the palette does not have: no colour of its own (the calendar's applies).
        assert_eq!(
            view(&event("e1", Some("6"), None), None, &palette(), &none)
                .unwrap()
                .color,
            None
        );
        assert_eq!(
            view(
                &event("e1", Some("6"), None),
                None,
                &Palette::stand_in(),
                &none
            )
            .unwrap()
            .color
            .as_deref(),
            Some("#ffb878")
        );

        let conflicts: OpenConflicts = [key("e1"), key("series")].into_iter().collect();
        assert!(
            view(&event("e1", None, None), None, &palette(), &conflicts)
                .unwrap()
                .conflict
        );
        assert!(
            !view(&event("e2", None, None), None, &palette(), &conflicts)
                .unwrap()
                .conflict
        );
        assert!(
            view(
                &event("series_20261201T090000Z", None, Some("series")),
                None,
                &palette(),
                &conflicts
            )
            .unwrap()
            .conflict
        );
    }
}
