//! Local edits: validated, then written with their outbox entry in one durable transaction.
//!
//! Several edits of one event fold into its newest entry while that entry is still waiting
//! (pending or failed); an entry already on its way to Google is never changed, so an edit made
//! meanwhile becomes a new entry behind it (`push` rebases it when the first one settles).

use super::merge::{from_map, to_map};
use super::{lock_edit, locks_for};
use crate::error::{Error, ErrorKind, Result};
use crate::google::{new_event_id, SendUpdates};
use crate::model::{AccountId, Attendee, CalendarId, EventDateTime, EventId, EventResource};
use crate::store::{
    LocalWrite, NewOutboxEntry, OutboxEntry, OutboxOp, OutboxPayload, OutboxState, RowChange,
    Store, StoredEvent,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};

/// Whom Google notifies about an edit of an event with attendees (`sendUpdates`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Notify {
    All,
    ExternalOnly,
    None,
}

impl Notify {
    pub const ALL: [Notify; 3] = [Notify::All, Notify::ExternalOnly, Notify::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Notify::All => "all",
            Notify::ExternalOnly => "externalOnly",
            Notify::None => "none",
        }
    }
    pub fn parse(s: &str) -> Option<Notify> {
        match s {
            "all" => Some(Notify::All),
            "externalOnly" => Some(Notify::ExternalOnly),
            "none" => Some(Notify::None),
            _ => None,
        }
    }
    pub fn send_updates(self) -> SendUpdates {
        match self {
            Notify::All => SendUpdates::All,
            Notify::ExternalOnly => SendUpdates::ExternalOnly,
            Notify::None => SendUpdates::None,
        }
    }
}

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
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidInput(msg.into())
}

/// Checks the calendar is known and writable; refuses read-only ones before anything is queued.
pub(crate) fn check_writable(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
) -> Result<()> {
    let cal = store
        .get_calendar(account, calendar)?
        .filter(|c| !c.deleted)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "calendar {calendar} of {account} is not in the local store"
            ))
        })?;
    if cal.is_read_only() {
        let role = cal
            .entry
            .access_role
            .clone()
            .unwrap_or_else(|| "unknown".into());
        return Err(Error::Google {
            kind: ErrorKind::Forbidden,
            status: 403,
            reason: Some("readOnlyCalendar".into()),
            message: format!(
                "this calendar is read-only for you (access: {role}); its events cannot be created, changed or deleted"
            ),
            retry_after: None,
        });
    }
    Ok(())
}

fn parse_point(p: &EventDateTime, which: &str) -> Result<(bool, i64)> {
    if let Some(tz) = &p.time_zone {
        tz.parse::<chrono_tz::Tz>()
            .map_err(|_| invalid(format!("unknown time zone {tz:?} for the {which}")))?;
    }
    match (&p.date, &p.date_time) {
        (Some(d), None) => {
            let d = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| invalid(format!("the {which} date must be yyyy-mm-dd")))?;
            Ok((
                true,
                d.and_hms_opt(0, 0, 0)
                    .expect("midnight exists")
                    .and_utc()
                    .timestamp(),
            ))
        }
        (None, Some(dt)) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(dt) {
                return Ok((false, t.timestamp()));
            }
            let naive = NaiveDateTime::parse_from_str(dt, "%Y-%m-%dT%H:%M:%S")
                .map_err(|_| invalid(format!("the {which} time must be RFC 3339")))?;
            let tz: chrono_tz::Tz = p
                .time_zone
                .as_deref()
                .ok_or_else(|| invalid(format!("the {which} time needs an offset or a time zone")))?
                .parse()
                .map_err(|_| invalid(format!("unknown time zone for the {which}")))?;
            let t = tz.from_local_datetime(&naive).earliest().ok_or_else(|| {
                invalid(format!("the {which} time does not exist in its time zone"))
            })?;
            Ok((false, t.timestamp()))
        }
        _ => Err(invalid(format!(
            "the {which} needs exactly one of date (all-day) or dateTime"
        ))),
    }
}

/// The checks an event must pass before it is queued.
pub fn validate(ev: &EventResource) -> Result<()> {
    if ev.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(invalid("an event needs a title"));
    }
    let start = ev
        .start
        .as_ref()
        .ok_or_else(|| invalid("an event needs a start"))?;
    let end = ev
        .end
        .as_ref()
        .ok_or_else(|| invalid("an event needs an end"))?;
    let (s_day, s) = parse_point(start, "start")?;
    let (e_day, e) = parse_point(end, "end")?;
    if s_day != e_day {
        return Err(invalid(
            "start and end must both be all-day dates or both be times",
        ));
    }
    if e < s || (s_day && e == s) {
        return Err(invalid("the event ends before it starts"));
    }
    let repeating = ev.recurrence.as_ref().is_some_and(|r| !r.is_empty());
    if repeating && !s_day && start.time_zone.is_none() {
        return Err(invalid(
            "a repeating event's start needs a time zone (so the series follows its clock)",
        ));
    }
    if let Some(c) = &ev.color_id {
        if c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "a colour is one of Google's event colour ids (\"1\" to \"11\")",
            ));
        }
    }
    for a in ev.attendees.iter().flatten() {
        if !a
            .email
            .as_deref()
            .is_some_and(|e| e.contains('@') && !e.trim().is_empty())
        {
            return Err(invalid("every attendee needs an email address"));
        }
    }
    if let Some(r) = &ev.reminders {
        let ok = r.is_object()
            && r.get("overrides").is_none_or(|o| {
                o.as_array().is_some_and(|list| {
                    list.len() <= 5
                        && list.iter().all(|x| {
                            matches!(
                                x.get("method").and_then(Value::as_str),
                                Some("email") | Some("popup")
                            ) && x
                                .get("minutes")
                                .and_then(Value::as_i64)
                                .is_some_and(|m| (0..=40320).contains(&m))
                        })
                })
            });
        if !ok {
            return Err(invalid(
                "reminders are up to 5 of {method: email|popup, minutes: 0–40320}",
            ));
        }
    }
    Ok(())
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
    ev
}

fn is_organizer(ev: &EventResource, account: &AccountId) -> bool {
    match ev.extra.get("organizer") {
        None => true,
        Some(o) => {
            o.get("self").and_then(Value::as_bool) == Some(true)
                || o.get("email")
                    .and_then(Value::as_str)
                    .is_some_and(|e| e.eq_ignore_ascii_case(account.as_str()))
        }
    }
}

/// The notification choice recorded with an edit.
pub(crate) fn notify_for(ev: &EventResource, account: &AccountId, opts: &EditOptions) -> Notify {
    opts.notify.unwrap_or_else(|| {
        let has_guests = ev.attendees.as_ref().is_some_and(|a| !a.is_empty());
        if has_guests && is_organizer(ev, account) {
            Notify::All
        } else {
            Notify::None
        }
    })
}

pub(crate) fn detail(notify: Notify, extra: Option<(&str, Value)>) -> Value {
    let mut d = json!({ "sendUpdates": notify.as_str() });
    if let Some((k, v)) = extra {
        d[k] = v;
    }
    d
}

/// The outbox entries of one event, oldest first.
pub(crate) fn entries_of(
    store: &Store,
    account: &AccountId,
    id: &EventId,
) -> Result<Vec<OutboxEntry>> {
    Ok(store
        .list_outbox(Some(account))?
        .into_iter()
        .filter(|e| &e.event_id == id)
        .collect())
}

/// Whether a new edit may replace an entry's payload. Not once the entry may have reached
/// Google (sent, answer not heard: a lost answer, a crash): what landed is the version it was
/// sent with, and a later edit must be a separate change on top of it, or the merge would
/// take the user's own earlier edit for someone else's. A failed entry was refused, so nothing
/// of it landed.
fn foldable(e: &OutboxEntry) -> bool {
    e.state == OutboxState::Failed || (e.state == OutboxState::Pending && e.attempts == 0)
}

fn current(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
) -> Result<StoredEvent> {
    store
        .get_event(account, calendar, id)?
        .filter(|e| !e.event.is_cancelled())
        .ok_or_else(|| Error::NotFound(format!("event {id} is not in this calendar")))
}

fn read_back(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
) -> Result<StoredEvent> {
    store
        .get_event(account, calendar, id)?
        .ok_or_else(|| Error::Internal("an edited event vanished".into()))
}

/// Plans a new event in `calendar` (with a fresh base32hex id).
pub(crate) fn plan_create(
    account: &AccountId,
    calendar: &CalendarId,
    ev: EventResource,
    opts: &EditOptions,
) -> Result<LocalWrite> {
    let mut ev = ev;
    ev.id = new_event_id();
    ev.etag = None;
    ev.updated = None;
    ev.sequence = None;
    ev.status = None;
    validate(&ev)?;
    let notify = notify_for(&ev, account, opts);
    Ok(LocalWrite {
        rows: vec![RowChange::Upsert {
            calendar: calendar.clone(),
            event: ev.clone(),
        }],
        enqueue: vec![NewOutboxEntry {
            calendar: calendar.clone(),
            event_id: ev.id.clone(),
            op: OutboxOp::Insert,
            payload: OutboxPayload {
                local: Some(ev),
                base: None,
                detail: detail(notify, None),
            },
        }],
        ..Default::default()
    })
}

/// Plans replacing the local version of an existing event by `new` (already validated).
pub(crate) fn plan_update(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    current: &EventResource,
    new: EventResource,
    opts: &EditOptions,
) -> Result<LocalWrite> {
    let notify = notify_for(&new, account, opts);
    let entries = entries_of(store, account, &new.id)?;
    let mut w = LocalWrite {
        rows: vec![RowChange::Upsert {
            calendar: calendar.clone(),
            event: new.clone(),
        }],
        ..Default::default()
    };
    match entries.last() {
        Some(last)
            if foldable(last)
                && &last.calendar == calendar
                && matches!(last.op, OutboxOp::Insert | OutboxOp::Update) =>
        {
            let mut payload = last.payload.clone();
            payload.local = Some(new);
            payload.detail = detail(notify, None);
            w.update_outbox.push((last.id, payload));
        }
        _ => w.enqueue.push(NewOutboxEntry {
            calendar: calendar.clone(),
            event_id: new.id.clone(),
            op: OutboxOp::Update,
            payload: OutboxPayload {
                local: Some(new),
                base: Some(current.clone()),
                detail: detail(notify, None),
            },
        }),
    }
    Ok(w)
}

pub(crate) fn plan_delete(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    current: &EventResource,
    opts: &EditOptions,
) -> Result<LocalWrite> {
    let notify = notify_for(current, account, opts);
    let entries = entries_of(store, account, &current.id)?;
    let mut w = LocalWrite {
        rows: vec![RowChange::Delete {
            calendar: calendar.clone(),
            event_id: current.id.clone(),
        }],
        ..Default::default()
    };
    let delete = |base: Option<EventResource>, extra: Option<(&str, Value)>| NewOutboxEntry {
        calendar: calendar.clone(),
        event_id: current.id.clone(),
        op: OutboxOp::Delete,
        payload: OutboxPayload {
            local: None,
            base,
            detail: detail(notify, extra),
        },
    };
    match entries.last() {
        Some(last)
            if foldable(last) && &last.calendar == calendar && last.op == OutboxOp::Insert =>
        {
            w.remove_outbox.push(last.id);
            if last.attempts > 0 {
                // It may have reached Google without our hearing back: delete it there too.
                w.enqueue
                    .push(delete(None, Some(("afterInsert", json!(true)))));
            }
        }
        Some(last)
            if foldable(last) && &last.calendar == calendar && last.op == OutboxOp::Update =>
        {
            w.remove_outbox.push(last.id);
            w.enqueue.push(delete(last.payload.base.clone(), None));
        }
        _ => w.enqueue.push(delete(Some(current.clone()), None)),
    }
    Ok(w)
}

pub fn create_event(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    changes: &EventChanges,
    opts: &EditOptions,
) -> Result<StoredEvent> {
    check_writable(store, account, calendar)?;
    let ev = apply_changes(&EventResource::default(), changes);
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let w = plan_create(account, calendar, ev, opts)?;
    let id = w.enqueue[0].event_id.clone();
    store.write_local(account, &w)?;
    read_back(store, account, calendar, &id)
}

pub fn update_event(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    changes: &EventChanges,
    opts: &EditOptions,
) -> Result<StoredEvent> {
    check_writable(store, account, calendar)?;
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let cur = current(store, account, calendar, id)?;
    let new = apply_changes(&cur.event, changes);
    validate(&new)?;
    let w = plan_update(store, account, calendar, &cur.event, new, opts)?;
    store.write_local(account, &w)?;
    read_back(store, account, calendar, id)
}

pub fn respond(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    response: &str,
    opts: &EditOptions,
) -> Result<StoredEvent> {
    if !matches!(
        response,
        "accepted" | "declined" | "tentative" | "needsAction"
    ) {
        return Err(invalid(
            "an answer is accepted, declined, tentative or needsAction",
        ));
    }
    check_writable(store, account, calendar)?;
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let cur = current(store, account, calendar, id)?;
    let mut new = (*cur.event).clone();
    let me = new
        .attendees
        .iter_mut()
        .flatten()
        .find(|a| {
            a.is_self == Some(true)
                || a.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(account.as_str()))
        })
        .ok_or_else(|| invalid("you are not on this event's guest list"))?;
    me.response_status = Some(response.to_owned());
    let opts = EditOptions {
        notify: Some(opts.notify.unwrap_or(Notify::None)),
    };
    let w = plan_update(store, account, calendar, &cur.event, new, &opts)?;
    store.write_local(account, &w)?;
    read_back(store, account, calendar, id)
}

pub fn delete_event(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    opts: &EditOptions,
) -> Result<()> {
    check_writable(store, account, calendar)?;
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let cur = current(store, account, calendar, id)?;
    let w = plan_delete(store, account, calendar, &cur.event, opts)?;
    store.write_local(account, &w)?;
    Ok(())
}

/// Moves an event to another calendar of the same account (`events.move`). The local row is
/// written under its new identity (and so sealed again under it) in the same transaction.
pub fn move_event(
    store: &Store,
    account: &AccountId,
    from: &CalendarId,
    id: &EventId,
    to: &CalendarId,
    opts: &EditOptions,
) -> Result<StoredEvent> {
    if from == to {
        return Err(invalid("the event is already in that calendar"));
    }
    check_writable(store, account, from)?;
    check_writable(store, account, to)?;
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let cur = current(store, account, from, id)?;
    if cur.event.recurring_event_id.is_some() {
        return Err(invalid(
            "a single occurrence of a series cannot be moved on its own; move the series",
        ));
    }
    if store.get_event(account, to, id)?.is_some() {
        return Err(invalid(
            "the destination calendar already has an event with this id",
        ));
    }
    let notify = notify_for(&cur.event, account, opts);
    let ev = (*cur.event).clone();
    let w = LocalWrite {
        rows: vec![
            RowChange::Delete {
                calendar: from.clone(),
                event_id: id.clone(),
            },
            RowChange::Upsert {
                calendar: to.clone(),
                event: ev.clone(),
            },
        ],
        enqueue: vec![NewOutboxEntry {
            calendar: to.clone(),
            event_id: id.clone(),
            op: OutboxOp::Move,
            payload: OutboxPayload {
                local: Some(ev.clone()),
                base: Some(ev),
                detail: detail(notify, Some(("source", json!(from.as_str())))),
            },
        }],
        ..Default::default()
    };
    store.write_local(account, &w)?;
    read_back(store, account, to, id)
}

/// The source calendar recorded with a move entry.
pub(crate) fn move_source(e: &OutboxEntry) -> Option<CalendarId> {
    e.payload
        .detail
        .get("source")
        .and_then(Value::as_str)
        .map(CalendarId::from)
}

pub(crate) fn entry_notify(e: &OutboxEntry) -> Notify {
    e.payload
        .detail
        .get("sendUpdates")
        .and_then(Value::as_str)
        .and_then(Notify::parse)
        .unwrap_or(Notify::None)
}

/// Copies an event's content onto a fresh event (for "restore as a new event").
pub(crate) fn content_copy(ev: &EventResource) -> EventResource {
    let src = to_map(ev);
    let mut m = serde_json::Map::new();
    m.insert("id".into(), json!(""));
    for f in super::merge::CONTENT_FIELDS {
        let v = super::merge::field_value(&src, f);
        super::merge::set_field(&mut m, f, v);
    }
    from_map(m)
}
