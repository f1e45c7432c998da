//! Local edits: validated, then written with their outbox entry in one durable transaction.
//!
//! Several edits of one event fold into its newest entry while that entry is still waiting
//! (pending or failed); an entry already on its way to Google is never changed, so an edit made
//! meanwhile becomes a new entry behind it (`push` rebases it when the first one settles).

mod changes;
mod notify;
mod type_rules;
mod validate;

pub use changes::{apply_changes, EditOptions, EventChanges};
pub use notify::Notify;
pub(crate) use notify::{detail, entry_notify, notify_for};
pub use type_rules::{rules as type_rules, Editable, TypeRules};
pub use validate::validate;
pub(crate) use validate::{check_meet, check_writable};

use super::merge::{from_map, to_map};
use super::{lock_edit, locks_for};
use crate::error::{Error, Result};
use crate::event_type::EventType;
use crate::google::new_event_id;
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use crate::store::{
    LocalWrite, NewOutboxEntry, NewTrash, OutboxEntry, OutboxOp, OutboxPayload, OutboxState,
    RowChange, Store, StoredEvent, TrashReason,
};
use serde_json::{json, Value};
use validate::invalid;

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

/// Runs `edit` on the live event `id` once the calendar is known to take edits, under the
/// account's edit lock (held until `edit` returns, so what it reads back is its own write).
fn edit_current<T>(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    edit: impl FnOnce(StoredEvent) -> Result<T>,
) -> Result<T> {
    check_writable(store, account, calendar)?;
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    edit(current(store, account, calendar, id)?)
}

/// Writes `new` over the current row `cur` of event `id` as a local edit and reads the row back.
fn save_update(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    cur: &StoredEvent,
    new: EventResource,
    opts: &EditOptions,
) -> Result<StoredEvent> {
    let w = plan_update(store, account, calendar, &cur.event, new, opts)?;
    store.write_local(account, &w)?;
    read_back(store, account, calendar, id)
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
    type_rules::check_new(&ev)?;
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
    let new = if EventType::of(current) == EventType::Default {
        new
    } else {
        type_rules::keep_same_time(current, new)
    };
    type_rules::check_change(current, &new)?;
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
    type_rules::check_delete(current)?;
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
    check_meet(store, account, calendar, changes)?;
    create_resource(
        store,
        account,
        calendar,
        apply_changes(&EventResource::default(), changes),
        opts,
    )
}

/// Creates `ev` as a new event (for fields `EventChanges` does not carry, such as a rule).
pub(crate) fn create_resource(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    ev: EventResource,
    opts: &EditOptions,
) -> Result<StoredEvent> {
    check_writable(store, account, calendar)?;
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
    check_meet(store, account, calendar, changes)?;
    edit_current(store, account, calendar, id, |cur| {
        let new = apply_changes(&cur.event, changes);
        validate(&new)?;
        save_update(store, account, calendar, id, &cur, new, opts)
    })
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
    edit_current(store, account, calendar, id, |cur| {
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
        save_update(store, account, calendar, id, &cur, new, &opts)
    })
}

/// The trash entry for an event the user deletes here.
pub(crate) fn trashed_here(calendar: &CalendarId, ev: &EventResource) -> NewTrash {
    NewTrash {
        calendar: calendar.clone(),
        event: ev.clone(),
        reason: TrashReason::DeletedHere,
    }
}

pub fn delete_event(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    opts: &EditOptions,
) -> Result<()> {
    edit_current(store, account, calendar, id, |cur| {
        let mut w = plan_delete(store, account, calendar, &cur.event, opts)?;
        w.trash.push(trashed_here(calendar, &cur.event));
        store.write_local(account, &w)?;
        Ok(())
    })
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
    type_rules::check_move(&cur.event)?;
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
    // Out of sight from now on: kept in the trash, so it can be brought back.
    let unsynced = !store.get_calendar(account, to)?.is_some_and(|c| c.selected);
    let trash = unsynced.then(|| NewTrash {
        calendar: from.clone(),
        event: ev.clone(),
        reason: TrashReason::MovedToUnsyncedCalendar,
    });
    let w = LocalWrite {
        trash: trash.into_iter().collect(),
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
    e.payload.move_source()
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
