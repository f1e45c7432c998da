//! Events: a time range in the UI's shape; create, update, move, delete (queued locally with
//! their outbox entry; the core pushes the account's queue at once in the background). Rows of
//! a recurring series are edited with a scope: this one, this and following, or all.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use chrono::{DateTime, Utc};
use chronos_core::model::{AccountId, Attendee, CalendarId, EventDateTime, EventId, EventResource};
use chronos_core::outbox::edit::{EditOptions, EventChanges, Notify};
use chronos_core::outbox::EditScope;
use chronos_core::service::Chronos;
use chronos_core::service::Palette;
use chronos_core::store::{StoredCalendar, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use tauri::{AppHandle, Manager, Runtime, State};
use ts_rs::TS;

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttendeeView {
    pub email: String,
    // Optional in TypeScript: the page sends a new guest as its email alone.
    #[ts(optional = nullable)]
    pub display_name: Option<String>,
    #[ts(optional, type = "ResponseStatus | null")]
    pub response_status: Option<String>,
    #[ts(optional = nullable)]
    pub organizer: Option<bool>,
    #[serde(rename = "self")]
    #[ts(optional = nullable)]
    pub is_self: Option<bool>,
    #[ts(optional = nullable)]
    pub optional: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
pub struct ReminderOverride {
    #[ts(type = "ReminderMethod")]
    pub method: String,
    #[ts(type = "number")]
    pub minutes: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Reminders {
    pub use_default: bool,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub overrides: Option<Vec<ReminderOverride>>,
}

#[derive(Clone, Debug, Serialize, TS)]
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

/// The open conflicts of one account (all with `None`), read from the store.
pub async fn open_conflicts(
    chronos: &Chronos,
    account: Option<&AccountId>,
) -> CmdResult<OpenConflicts> {
    let list = chronos.list_conflicts(account).await?;
    Ok(list
        .into_iter()
        .map(|c| (c.account, c.calendar, c.event_id))
        .collect())
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
    let pick =
        |t: &chronos_core::model::EventDateTime| t.date.clone().or_else(|| t.date_time.clone());
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
    })
}

fn parse_instant(field: &str, s: &str) -> CmdResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| AppError::invalid(field, format!("not an RFC 3339 time: {s}")))
}

/// A recurring series whose occurrences in the asked range are incomplete: an expansion limit
/// (`limit`, at most `max`) cut it, so the page can say the view is not whole.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TruncatedSeriesView {
    pub account_id: String,
    pub calendar_id: String,
    pub series_id: String,
    #[ts(
        type = "\"series_occurrences\" | \"series_steps\" | \"query_occurrences\" | \"query_steps\""
    )]
    pub limit: String,
    #[ts(type = "number")]
    pub max: u64,
}

impl From<&chronos_core::service::TruncatedSeries> for TruncatedSeriesView {
    fn from(t: &chronos_core::service::TruncatedSeries) -> Self {
        use chronos_core::recurrence::ExpansionLimit as L;
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
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventsInRange {
    pub events: Vec<EventView>,
    pub truncated: Vec<TruncatedSeriesView>,
}

/// Events of the selected calendars overlapping `[from, to)`, with all-day events placed on the
/// dates of the zone the window shows.
#[tauri::command]
pub async fn events_in_range<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    from: String,
    to: String,
) -> CmdResult<EventsInRange> {
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
        .map(|c| {
            (
                (
                    c.account.as_str().to_owned(),
                    c.entry.id.as_str().to_owned(),
                ),
                c,
            )
        })
        .collect();
    let zone = crate::reminders::display_zone(&app, chronos)
        .await
        .unwrap_or_else(chronos_core::zone::system_zone);
    let result = chronos.events_in_range(from, to, zone, None, None).await?;
    let events = &result.events;
    let palettes = chronos
        .palettes_for(events.iter().map(|e| e.account.clone()).collect())
        .await;
    let conflicts = open_conflicts(chronos, None).await?;
    let stand_in = Palette::stand_in();
    let views = events
        .iter()
        .filter_map(|e| {
            let key = (
                e.account.as_str().to_owned(),
                e.calendar.as_str().to_owned(),
            );
            let palette = palettes.get(&e.account).unwrap_or(&stand_in);
            view(e, calendars.get(&key), palette, &conflicts)
        })
        .collect();
    Ok(EventsInRange {
        events: views,
        truncated: result.truncated.iter().map(Into::into).collect(),
    })
}

/// Fields of an event to create, or the new values for an update (the UI's `EventInput`).
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventInput {
    pub account_id: String,
    pub calendar_id: String,
    pub title: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub description: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub location: Option<String>,
    pub start: String,
    pub end: String,
    pub all_day: bool,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub color_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub attendees: Option<Vec<AttendeeView>>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub reminders: Option<Reminders>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Checks the input field by field (so the UI can show each message next to its field) and
/// turns it into the core's change set. Every field is set: an update replaces them all.
pub fn to_changes(input: &EventInput) -> CmdResult<EventChanges> {
    let title = input.title.trim();
    if title.is_empty() {
        return Err(AppError::invalid("title", "a title is required"));
    }
    if let Some(zone) = non_empty(&input.time_zone) {
        if zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(AppError::invalid(
                "timeZone",
                format!("unknown time zone: {zone}"),
            ));
        }
    }
    let point = |field: &str, value: &str| -> CmdResult<(EventDateTime, i64)> {
        if input.all_day {
            let d = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map_err(|_| AppError::invalid(field, "an all-day date is written YYYY-MM-DD"))?;
            let at = d
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp();
            Ok((
                EventDateTime {
                    date: Some(d.to_string()),
                    ..Default::default()
                },
                at,
            ))
        } else {
            let t = DateTime::parse_from_rfc3339(value).map_err(|_| {
                AppError::invalid(field, "a time is written as RFC 3339 with an offset")
            })?;
            let dt = EventDateTime {
                date_time: Some(value.to_owned()),
                time_zone: non_empty(&input.time_zone),
                ..Default::default()
            };
            Ok((dt, t.timestamp()))
        }
    };
    let (start, s) = point("start", &input.start)?;
    let (end, e) = point("end", &input.end)?;
    if e <= s {
        return Err(AppError::invalid("end", "the end must be after the start"));
    }
    let attendees = match &input.attendees {
        None => None,
        Some(list) => Some(
            list.iter()
                .map(|a| {
                    serde_json::to_value(a)
                        .and_then(serde_json::from_value::<Attendee>)
                        .map_err(|e| AppError::invalid("attendees", e.to_string()))
                })
                .collect::<CmdResult<Vec<_>>>()?,
        ),
    };
    Ok(EventChanges {
        summary: Some(title.to_owned()),
        description: Some(non_empty(&input.description)),
        location: Some(non_empty(&input.location)),
        start: Some(start),
        end: Some(end),
        attendees,
        reminders: input
            .reminders
            .as_ref()
            .map(|r| serde_json::to_value(r).map_err(|e| AppError::internal(e.to_string())))
            .transpose()?,
        color_id: Some(non_empty(&input.color_id)),
    })
}

fn edit_options(send_updates: Option<String>) -> CmdResult<EditOptions> {
    let notify = match send_updates.as_deref() {
        None => None,
        Some(s) => Some(
            Notify::parse(s)
                .ok_or_else(|| AppError::invalid("sendUpdates", "all, externalOnly or none"))?,
        ),
    };
    Ok(EditOptions { notify })
}

/// After an edit the core has queued the change, told the UI (`events://changed`,
/// `outbox://changed` through the change forwarder) and started the push; the user did
/// something, so the idle back-off of background checks starts over.
fn touched<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Chronos> {
    let engine = app.state::<Engine>();
    let chronos = engine.get()?.clone();
    chronos.user_activity();
    Ok(chronos)
}

async fn event_view<R: Runtime>(app: &AppHandle<R>, e: StoredEvent) -> CmdResult<EventView> {
    let engine = app.state::<Engine>();
    let chronos = engine.get()?;
    let calendars = chronos.calendars(Some(&e.account)).await?;
    let cal = calendars.iter().find(|c| c.entry.id == e.calendar);
    let palette = chronos.palette(&e.account).await;
    let conflicts = open_conflicts(chronos, Some(&e.account)).await?;
    view(&e, cal, &palette, &conflicts)
        .ok_or_else(|| AppError::internal("the saved event has no start or end"))
}

#[tauri::command]
pub async fn create_event<R: Runtime>(
    app: AppHandle<R>,
    input: EventInput,
) -> CmdResult<EventView> {
    let changes = to_changes(&input)?;
    let chronos = touched(&app)?;
    let (a, c) = (
        AccountId::new(input.account_id.clone()),
        CalendarId::new(input.calendar_id.clone()),
    );
    let saved = chronos
        .create_event(&a, &c, changes, EditOptions::default())
        .await?;
    event_view(&app, saved).await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn update_event<R: Runtime>(
    app: AppHandle<R>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    input: EventInput,
    send_updates: Option<String>,
    scope: Option<EditScope>,
) -> CmdResult<EventView> {
    if input.calendar_id != calendar_id || input.account_id != account_id {
        return Err(AppError::invalid(
            "calendarId",
            "use move_event to change an event's calendar",
        ));
    }
    let changes = to_changes(&input)?;
    let opts = edit_options(send_updates)?;
    let chronos = touched(&app)?;
    let (a, c, id) = (
        AccountId::new(account_id),
        CalendarId::new(calendar_id),
        EventId::new(event_id),
    );
    let saved = if scope.is_some() || chronos.is_occurrence(&a, &c, &id).await? {
        let scope = scope.unwrap_or(EditScope::This);
        chronos
            .update_occurrence(&a, &c, &id, changes, scope, opts)
            .await?
            .event
            .ok_or_else(|| AppError::internal("the edited series has no event to show"))?
    } else {
        chronos.update_event(&a, &c, &id, changes, opts).await?
    };
    event_view(&app, saved).await
}

/// How many changed occurrences (exceptions) an edit (`input`) or a deletion (no `input`) with
/// `scope` would discard; the UI warns before saving. Writes nothing.
#[tauri::command]
pub async fn preview_series_edit(
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    input: Option<EventInput>,
    scope: EditScope,
) -> CmdResult<u32> {
    let changes = input.as_ref().map(to_changes).transpose()?;
    let chronos = engine.get()?;
    let n = chronos
        .preview_series_edit(
            &AccountId::new(account_id),
            &CalendarId::new(calendar_id),
            &EventId::new(event_id),
            changes,
            scope,
        )
        .await?;
    Ok(n as u32)
}

#[tauri::command]
pub async fn move_event<R: Runtime>(
    app: AppHandle<R>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    destination_calendar_id: String,
) -> CmdResult<EventView> {
    let chronos = touched(&app)?;
    let saved = chronos
        .move_event(
            &AccountId::new(account_id),
            &CalendarId::new(calendar_id),
            &EventId::new(event_id),
            &CalendarId::new(destination_calendar_id),
            EditOptions::default(),
        )
        .await?;
    event_view(&app, saved).await
}

#[tauri::command]
pub async fn delete_event<R: Runtime>(
    app: AppHandle<R>,
    account_id: String,
    calendar_id: String,
    event_id: String,
    send_updates: Option<String>,
    scope: Option<EditScope>,
) -> CmdResult<()> {
    let opts = edit_options(send_updates)?;
    let chronos = touched(&app)?;
    let (a, c, id) = (
        AccountId::new(account_id),
        CalendarId::new(calendar_id),
        EventId::new(event_id),
    );
    if scope.is_some() || chronos.is_occurrence(&a, &c, &id).await? {
        chronos
            .delete_occurrence(&a, &c, &id, scope.unwrap_or(EditScope::This), opts)
            .await?;
    } else {
        chronos.delete_event(&a, &c, &id, opts).await?;
    }
    Ok(())
}

#[cfg(test)]
mod view_tests {
    use super::*;
    use chronos_core::google::{ColorDefinition as Def, Colors};
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
