//! Restoring an event from the trash: a local change like any other, queued in the outbox (so
//! it works offline and is retried), written in the transaction that marks the trash entry as
//! being restored — so restoring twice queues one restore.
//!
//! Google keeps a deleted event of its organiser's calendar as `cancelled`; the push sets it
//! back to `confirmed` (see `push::send`). Where that tombstone is gone or not ours, a new event
//! with the saved content is made instead, under an id chosen here (kept in the entry, so a
//! retry cannot make two).

use super::edit::{check_writable, detail, notify_for, EditOptions};
use super::{lock_edit, locks_for};
use crate::error::{Error, Result};
use crate::google::new_event_id;
use crate::model::{AccountId, EventId, EventResource};
use crate::store::{
    LocalWrite, NewOutboxEntry, OutboxEntry, OutboxOp, OutboxPayload, RowChange, Store, TrashEntry,
    TrashId, TrashReason, TrashState, TrashUpdate,
};
use serde_json::{json, Value};

/// The key of a restore entry's detail naming its trash entry.
const TRASH_ID: &str = "trashId";
/// The key of a restore entry's detail holding the id a copy gets, if one is needed.
const COPY_ID: &str = "copyId";

/// Queues the restore of a trash entry; returns the entry as it stands afterwards. An entry
/// already restored or being restored is returned as it is, and nothing is queued.
pub fn restore_from_trash(
    store: &Store,
    account: &AccountId,
    id: TrashId,
    opts: &EditOptions,
) -> Result<TrashEntry> {
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let entry = store
        .trash_entry(id)?
        .filter(|e| &e.account == account)
        .ok_or_else(|| Error::NotFound(format!("trash entry {} of {account} not found", id.0)))?;
    if entry.state != TrashState::Trashed {
        return Ok(entry);
    }
    if entry.reason == TrashReason::MovedToUnsyncedCalendar {
        // Not deleted anywhere: the event is in the other calendar, where the user can see it
        // by syncing that calendar. Moving it back is a move.
        return Err(Error::InvalidInput(
            "this event was moved to a calendar Chronos does not sync; select that calendar, \
             or move the event back, to see it again"
                .into(),
        ));
    }
    check_writable(store, account, &entry.calendar)?;
    let w = plan_restore(store, &entry, opts)?;
    store.write_local(account, &w)?;
    store
        .trash_entry(id)?
        .ok_or_else(|| Error::Internal("a trash entry vanished while restoring".into()))
}

fn plan_restore(store: &Store, entry: &TrashEntry, opts: &EditOptions) -> Result<LocalWrite> {
    let cal = &entry.calendar;
    let live = store
        .get_event(&entry.account, cal, &entry.event_id)?
        .filter(|e| !e.event.is_cancelled());
    if live.is_some() {
        // Back already (restored on Google, and synced since): nothing to send.
        return Ok(LocalWrite {
            trash_updates: vec![TrashUpdate {
                id: entry.id,
                state: TrashState::Restored,
                restored_as: None,
            }],
            ..Default::default()
        });
    }
    let mut shown = entry.event.clone();
    shown.status = Some("confirmed".into());
    let notify = notify_for(&entry.event, &entry.account, opts);
    let mut d = detail(notify, Some((TRASH_ID, json!(entry.id.0))));
    d[COPY_ID] = json!(new_event_id().as_str());
    Ok(LocalWrite {
        rows: vec![RowChange::Upsert {
            calendar: cal.clone(),
            event: shown,
        }],
        enqueue: vec![NewOutboxEntry {
            calendar: cal.clone(),
            event_id: entry.event_id.clone(),
            op: OutboxOp::Restore,
            payload: OutboxPayload {
                local: Some(entry.event.clone()),
                base: None,
                detail: d,
            },
        }],
        trash_updates: vec![TrashUpdate {
            id: entry.id,
            state: TrashState::Restoring,
            restored_as: None,
        }],
        ..Default::default()
    })
}

/// The trash entry a restore entry is for.
pub(crate) fn trash_id(e: &OutboxEntry) -> Option<TrashId> {
    e.payload
        .detail
        .get(TRASH_ID)
        .and_then(Value::as_i64)
        .map(TrashId)
}

/// The id a copy of the event gets when the original cannot be brought back.
pub(crate) fn copy_id(e: &OutboxEntry) -> Option<EventId> {
    e.payload
        .detail
        .get(COPY_ID)
        .and_then(Value::as_str)
        .map(EventId::from)
}

/// The new event a restore makes where the original cannot be brought back: the saved
/// content, the other guests invited again (their answers are not ours to restore).
pub(crate) fn restored_copy(saved: &EventResource, id: EventId) -> EventResource {
    let mut copy = super::edit::content_copy(saved);
    copy.id = id;
    for a in copy.attendees.iter_mut().flatten() {
        if a.is_self != Some(true) && a.organizer != Some(true) {
            a.response_status = Some("needsAction".into());
        }
    }
    copy
}

/// The trash entry's state once Google answered the restore `e` with `server`.
pub(crate) fn restored(e: &OutboxEntry, server: &EventResource) -> Option<TrashUpdate> {
    let id = trash_id(e)?;
    let copied = server.id != e.event_id;
    Some(TrashUpdate {
        id,
        state: if copied {
            TrashState::RestoredAsCopy
        } else {
            TrashState::Restored
        },
        restored_as: copied.then(|| server.id.clone()),
    })
}

/// A restore discarded before it was sent: the entry is in the trash again.
pub(crate) fn unqueued(e: &OutboxEntry) -> Option<TrashUpdate> {
    Some(TrashUpdate {
        id: trash_id(e)?,
        state: TrashState::Trashed,
        restored_as: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_never_carries_the_old_conference_or_kind() {
        let saved: EventResource = serde_json::from_value(json!({"id": "old", "summary": "Sync",
            "start": {"dateTime": "2026-12-01T09:00:00Z"}, "end": {"dateTime": "2026-12-01T10:00:00Z"},
            "hangoutLink": "https://meet.google.com/abc-defg-hij",
            "conferenceData": {"conferenceId": "abc-defg-hij",
                "createRequest": {"requestId": "r1", "status": {"statusCode": "success"}}}}))
        .unwrap();
        let copy = restored_copy(&saved, EventId::from("new"));
        assert_eq!(copy.summary.as_deref(), Some("Sync"));
        assert!(!copy.extra.contains_key("conferenceData"));
        assert!(!copy.extra.contains_key("hangoutLink"));
    }
}
