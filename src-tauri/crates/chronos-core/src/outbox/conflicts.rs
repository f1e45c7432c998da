//! What the app shows and does about unsent changes and conflicts: the pending-change list with
//! states, retry, discard, and resolving a conflict record (keep mine, keep theirs, re-apply
//! one field).

use super::edit::{
    check_writable, content_copy, entries_of, plan_create, plan_delete, plan_update, validate,
    EditOptions,
};
use super::merge::{reapply_field, FieldConflict};
use super::{lock_edit, locks_for};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use crate::store::{
    ConflictId, ConflictKind, ConflictValue, LocalWrite, NewConflict, OutboxEntry, OutboxError,
    OutboxId, OutboxOp, OutboxState, RowChange, Store, StoredConflict,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The state of a pending change, as the UI shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeState {
    /// Queued (also after an error that a later attempt may get past: see `last_error`).
    Pending,
    /// Being sent.
    Pushing,
    /// Google refused it; it waits for retry or discard (`last_error` says why).
    Failed,
    /// A conflict record waiting for the user.
    Conflict,
}

impl ChangeState {
    pub const ALL: [ChangeState; 4] = [
        ChangeState::Pending,
        ChangeState::Pushing,
        ChangeState::Failed,
        ChangeState::Conflict,
    ];
}

/// One line of the pending-changes list: an outbox entry or an open conflict record.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingChange {
    pub change_id: Option<OutboxId>,
    pub conflict_id: Option<ConflictId>,
    pub calendar: CalendarId,
    pub event_id: EventId,
    pub what: PendingWhat,
    pub state: ChangeState,
    pub attempts: u32,
    pub last_error: Option<OutboxError>,
    /// The event's title, for the list (decrypted in memory only).
    pub title: Option<String>,
    /// For a conflict: the fields changed on both sides.
    pub fields: Vec<String>,
    pub at: DateTime<Utc>,
}

/// What a pending change is: an outbox operation waiting for Google, or a conflict record.
/// Serialised as its machine word (`insert` … `move`, or the conflict kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PendingWhat {
    Change(OutboxOp),
    Conflict(ConflictKind),
}

impl PendingWhat {
    pub fn as_str(self) -> &'static str {
        match self {
            PendingWhat::Change(op) => op.as_str(),
            PendingWhat::Conflict(kind) => kind.as_str(),
        }
    }
}

impl Serialize for PendingWhat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How the user resolves a conflict record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "field")]
pub enum Resolution {
    /// Re-apply every local value the record holds (for `deleted_on_server`: restore the event
    /// as a new one; for `server_edited_deleted_locally`: delete it after all).
    KeepMine,
    /// Accept the server's version; the record goes.
    KeepTheirs,
    /// Re-apply one field of a `both_changed` record (the record keeps the others).
    ReapplyField(String),
}

/// A change's title: the local version's, else the other version's (the one it was made on, or
/// the server's).
fn title(local: Option<&EventResource>, other: Option<&EventResource>) -> Option<String> {
    local.or(other).and_then(|x| x.summary.clone())
}

pub fn list_pending_changes(store: &Store, account: &AccountId) -> Result<Vec<PendingChange>> {
    let mut out: Vec<PendingChange> = store
        .list_outbox(Some(account))?
        .into_iter()
        .map(|e| PendingChange {
            change_id: Some(e.id),
            conflict_id: None,
            title: title(e.payload.local.as_ref(), e.payload.base.as_ref()),
            calendar: e.calendar,
            event_id: e.event_id,
            what: PendingWhat::Change(e.op),
            state: match e.state {
                OutboxState::Pending => ChangeState::Pending,
                OutboxState::Pushing => ChangeState::Pushing,
                OutboxState::Failed => ChangeState::Failed,
                OutboxState::Conflict => ChangeState::Conflict,
            },
            attempts: e.attempts,
            last_error: e.last_error,
            fields: vec![],
            at: e.updated,
        })
        .collect();
    out.extend(
        store
            .list_conflicts(Some(account))?
            .into_iter()
            .map(|c| PendingChange {
                change_id: None,
                conflict_id: Some(c.id),
                title: title(c.value.local.as_ref(), c.value.server.as_ref()),
                calendar: c.calendar,
                event_id: c.event_id,
                what: PendingWhat::Conflict(c.kind),
                state: ChangeState::Conflict,
                attempts: 0,
                last_error: None,
                fields: c.value.fields,
                at: c.created,
            }),
    );
    Ok(out)
}

/// The account's change `id`, while it is still in the queue.
fn queued_change(store: &Store, account: &AccountId, id: OutboxId) -> Result<OutboxEntry> {
    store
        .get_outbox(id)?
        .filter(|e| &e.account == account)
        .ok_or_else(|| Error::NotFound(format!("change {} is no longer queued", id.0)))
}

/// Puts a failed (or waiting) change back in the queue; the next drain sends it.
pub fn retry_change(store: &Store, account: &AccountId, id: OutboxId) -> Result<()> {
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let e = queued_change(store, account, id)?;
    if e.state == OutboxState::Pushing {
        return Ok(());
    }
    store.set_outbox_state(id, OutboxState::Pending, e.last_error.as_ref(), false)
}

/// Drops a queued change and the ones queued after it for the same event, and puts the local
/// copy back to the version the change was made on. A change being sent cannot be discarded.
pub fn discard_change(store: &Store, account: &AccountId, id: OutboxId) -> Result<()> {
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let e = queued_change(store, account, id)?;
    let chain: Vec<_> = entries_of(store, account, &e.event_id)?
        .into_iter()
        .filter(|f| f.id >= e.id)
        .collect();
    if chain.iter().any(|f| f.state == OutboxState::Pushing) {
        return Err(Error::Conflict(
            "this change is being sent right now; try again in a moment".into(),
        ));
    }
    let mut w = LocalWrite {
        remove_outbox: chain.iter().map(|f| f.id).collect(),
        // A restore not sent leaves its event in the trash, as before.
        trash_updates: chain
            .iter()
            .filter(|f| f.op == OutboxOp::Restore)
            .filter_map(super::restore::unqueued)
            .collect(),
        ..Default::default()
    };
    let mut cals: Vec<CalendarId> = chain.iter().map(|f| f.calendar.clone()).collect();
    cals.dedup();
    for c in cals {
        w.rows.push(RowChange::Delete {
            calendar: c,
            event_id: e.event_id.clone(),
        });
    }
    let home = match e.op {
        OutboxOp::Move => super::edit::move_source(&e).unwrap_or_else(|| e.calendar.clone()),
        _ => e.calendar.clone(),
    };
    if let Some(base) = e.payload.base.clone() {
        w.rows
            .retain(|r| !matches!(r, RowChange::Delete { calendar, .. } if *calendar == home));
        w.rows.push(RowChange::Upsert {
            calendar: home,
            event: base,
        });
    }
    store.write_local(account, &w)?;
    Ok(())
}

fn find_conflict(store: &Store, account: &AccountId, id: ConflictId) -> Result<StoredConflict> {
    store
        .conflict(account, id)?
        .ok_or_else(|| Error::NotFound(format!("conflict {} is already resolved", id.0)))
}

fn field_conflicts(v: &ConflictValue) -> Vec<FieldConflict> {
    v.detail
        .get("conflicts")
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_else(|| {
            v.fields
                .iter()
                .map(|f| FieldConflict {
                    field: f.clone(),
                    attendees: vec![],
                })
                .collect()
        })
}

pub fn resolve_conflict(
    store: &Store,
    account: &AccountId,
    id: ConflictId,
    how: &Resolution,
) -> Result<()> {
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let c = find_conflict(store, account, id)?;
    let mut w = match how {
        Resolution::KeepTheirs => LocalWrite::default(),
        Resolution::KeepMine => match c.kind {
            ConflictKind::DeletedOnServer => {
                check_writable(store, account, &c.calendar)?;
                let local = c.value.local.clone().ok_or_else(|| {
                    Error::Internal("a conflict record without its local version".into())
                })?;
                plan_create(
                    account,
                    &c.calendar,
                    content_copy(&local),
                    &EditOptions::default(),
                )?
            }
            ConflictKind::ServerEditedDeletedLocally => {
                match store.get_event(account, &c.calendar, &c.event_id)? {
                    Some(cur) => {
                        check_writable(store, account, &c.calendar)?;
                        plan_delete(
                            store,
                            account,
                            &c.calendar,
                            &cur.event,
                            &EditOptions::default(),
                        )?
                    }
                    None => LocalWrite::default(),
                }
            }
            ConflictKind::BothChanged => reapply(store, account, &c, None)?,
        },
        Resolution::ReapplyField(field) => {
            if c.kind != ConflictKind::BothChanged {
                return Err(Error::InvalidInput(
                    "only a both-sides change has fields to re-apply".into(),
                ));
            }
            reapply(store, account, &c, Some(field))?
        }
    };
    w.remove_conflicts.push(c.id);
    store.write_local(account, &w)?;
    Ok(())
}

/// Re-applies the record's local values (all, or one field) onto the current local version; a
/// partial re-apply writes the record back with the fields still open. If the event has been
/// deleted since, the record's local version is restored as a new event.
fn reapply(
    store: &Store,
    account: &AccountId,
    c: &StoredConflict,
    only: Option<&String>,
) -> Result<LocalWrite> {
    let local = c
        .value
        .local
        .clone()
        .ok_or_else(|| Error::Internal("a conflict record without its local version".into()))?;
    let all = field_conflicts(&c.value);
    if let Some(f) = only {
        if !all.iter().any(|x| &x.field == f) {
            return Err(Error::InvalidInput(format!(
                "the conflict has no field {f:?}"
            )));
        }
    }
    let Some(cur) = store
        .get_event(account, &c.calendar, &c.event_id)?
        .filter(|e| !e.event.is_cancelled())
    else {
        // The event was deleted since: the user's version comes back as a new event.
        check_writable(store, account, &c.calendar)?;
        return plan_create(
            account,
            &c.calendar,
            content_copy(&local),
            &EditOptions::default(),
        );
    };
    check_writable(store, account, &c.calendar)?;
    let mut new = (*cur.event).clone();
    for fc in all.iter().filter(|x| only.is_none_or(|f| &x.field == f)) {
        new = reapply_field(&new, &local, &fc.field, &fc.attendees);
    }
    validate(&new)?;
    let mut w = plan_update(
        store,
        account,
        &c.calendar,
        &cur.event,
        new,
        &EditOptions::default(),
    )?;
    let rest: Vec<FieldConflict> = all
        .into_iter()
        .filter(|x| only.is_some_and(|f| &x.field != f))
        .collect();
    if !rest.is_empty() {
        let mut v = c.value.clone();
        v.fields = rest.iter().map(|x| x.field.clone()).collect();
        v.detail = serde_json::json!({ "conflicts": rest });
        w.add_conflicts.push(NewConflict {
            calendar: c.calendar.clone(),
            event_id: c.event_id.clone(),
            kind: c.kind,
            value: v,
        });
    }
    Ok(w)
}
