//! `write_local`: the one transaction that changes local rows together with their outbox
//! entries and conflict records.

use super::calendars::calendar_exists;
use super::conflicts::{ConflictId, ConflictValue, NewConflict};
use super::crypto::{Aad, KeySet, RecordKind};
use super::events::RowChange;
use super::index::{CalKey, EventKey};
use super::outbox::{
    id_aad_parts, NewOutboxEntry, OutboxId, OutboxOp, OutboxPayload, StoredIdentity,
};
use super::rows::{current_generation, delete_row, upsert_row, IndexOp};
use super::trash::{write_trash, NewTrash, TrashUpdate};
use super::{now_ms, open_json, schema, seal_json, Db, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use std::collections::HashMap;

/// One atomic local change of one account: row changes, outbox entries added / re-sealed /
/// removed, conflicts added / removed. Written with `synchronous=FULL`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocalWrite {
    pub rows: Vec<RowChange>,
    pub enqueue: Vec<NewOutboxEntry>,
    /// Replace the payload of an entry (coalescing several edits of one event) and set it
    /// back to `pending`.
    pub update_outbox: Vec<(OutboxId, OutboxPayload)>,
    pub remove_outbox: Vec<OutboxId>,
    pub add_conflicts: Vec<NewConflict>,
    pub remove_conflicts: Vec<ConflictId>,
    /// Applied first: the event's local row, outbox entries and conflict records are renamed
    /// (the server answered an insert with an id of its own).
    pub rekey: Option<EventRekey>,
    /// Events this write deletes (or moves out of sight) that go into the trash.
    pub trash: Vec<NewTrash>,
    /// Trash entries whose state changes (a restore queued, a restore done).
    pub trash_updates: Vec<TrashUpdate>,
}

/// An event id the server replaced: `from` (chosen here) is `to` from now on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRekey {
    pub from: EventId,
    pub to: EventId,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalWriteResult {
    pub enqueued: Vec<OutboxId>,
    pub conflicts: Vec<ConflictId>,
}

impl Store {
    /// Applies a local change atomically and durably (see `LocalWrite`). The index and the
    /// pending marks follow after the commit.
    pub fn write_local(&self, account: &AccountId, w: &LocalWrite) -> Result<LocalWriteResult> {
        let mut db = self.db();
        for r in &w.rows {
            let cal = match r {
                RowChange::Upsert { calendar, .. } | RowChange::Delete { calendar, .. } => calendar,
            };
            calendar_exists(&db.conn, account, cal)?;
            self.ensure_loaded(&db, account, cal)?;
        }
        let Db { conn, keys, .. } = &mut *db;
        let mut ops: HashMap<CalKey, Vec<IndexOp>> = HashMap::new();
        let mut pending_add: Vec<EventKey> = Vec::new();
        let mut pending_remove: Vec<EventKey> = Vec::new();
        let trashed_ms = self.now().timestamp_millis();
        let result = schema::with_full_sync(conn, |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut result = LocalWriteResult::default();
            if let Some(rekey) = &w.rekey {
                rekey_in_tx(
                    &tx,
                    keys,
                    account,
                    rekey,
                    &mut ops,
                    (&mut pending_add, &mut pending_remove),
                )?;
            }
            write_trash(&tx, keys, account, &w.trash, &w.trash_updates, trashed_ms)?;
            write_rows(&tx, keys, account, &w.rows, &mut ops)?;
            let now = now_ms();
            write_outbox(
                &tx,
                keys,
                account,
                w,
                now,
                &mut result,
                (&mut pending_add, &mut pending_remove),
            )?;
            write_conflicts(&tx, keys, account, w, now, &mut result)?;
            tx.commit()?;
            Ok(result)
        })?;
        for (key, ops) in ops {
            self.apply_index_ops(&key, ops);
        }
        let mut index = self.index_write();
        for k in pending_add {
            index.add_pending(k);
        }
        for k in &pending_remove {
            index.remove_pending(k);
        }
        Ok(result)
    }
}

/// The row changes of a local write; the index follows through `ops` after the commit.
fn write_rows(
    tx: &Transaction<'_>,
    keys: &KeySet,
    account: &AccountId,
    rows: &[RowChange],
    ops: &mut HashMap<CalKey, Vec<IndexOp>>,
) -> Result<()> {
    for r in rows {
        match r {
            RowChange::Upsert { calendar, event } => {
                if event.id.as_str().is_empty() {
                    return Err(Error::InvalidInput("an event needs an id".into()));
                }
                let g = current_generation(tx, account, calendar)?;
                let op = upsert_row(tx, keys, account, calendar, event, g)?;
                ops.entry((account.clone(), calendar.clone()))
                    .or_default()
                    .push(op);
            }
            RowChange::Delete { calendar, event_id } => {
                delete_row(tx, account, calendar, event_id)?;
                ops.entry((account.clone(), calendar.clone()))
                    .or_default()
                    .push(IndexOp::Remove(event_id.clone()));
            }
        }
    }
    Ok(())
}

/// The outbox entries a local write adds, re-seals and removes, noting the pending marks
/// (`pending`: added, removed) that follow after the commit.
fn write_outbox(
    tx: &Transaction<'_>,
    keys: &KeySet,
    account: &AccountId,
    w: &LocalWrite,
    now: i64,
    result: &mut LocalWriteResult,
    pending: (&mut Vec<EventKey>, &mut Vec<EventKey>),
) -> Result<()> {
    let (pending_add, pending_remove) = pending;
    for e in &w.enqueue {
        if e.event_id.as_str().is_empty() {
            return Err(Error::InvalidInput(
                "an outbox entry needs an event id".into(),
            ));
        }
        let id = insert_sealed(
            tx,
            keys,
            RecordKind::Outbox,
            "INSERT INTO outbox (account, calendar_id, event_id, op, state, attempts, created_ms, updated_ms, blob)
             VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5, x'')",
            &[&account.as_str(), &e.calendar.as_str(), &e.event_id.as_str(), &e.op.as_str(), &now],
            "outbox",
            (account.as_str(), e.calendar.as_str(), e.event_id.as_str()),
            &e.payload,
        )?;
        result.enqueued.push(OutboxId(id));
        pending_add.push((account.clone(), e.calendar.clone(), e.event_id.clone()));
        if e.op == OutboxOp::Move {
            if let Some(source) = e.payload.move_source() {
                pending_add.push((account.clone(), source, e.event_id.clone()));
            }
        }
    }
    for (id, payload) in &w.update_outbox {
        let (stored, old_blob) = outbox_identity(tx, account, *id)?;
        pending_remove.extend(stored.pending_keys(keys, &old_blob)?);
        let (cal, ev) = (stored.calendar.as_str(), stored.event_id.as_str());
        let parts = id_aad_parts(account.as_str(), cal, ev, &id.0.to_string());
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let blob = seal_json(
            keys,
            &Aad {
                kind: RecordKind::Outbox,
                parts: &parts,
            },
            payload,
        )?;
        tx.execute(
            "UPDATE outbox SET blob = ?2, state = 'pending', updated_ms = ?3 WHERE id = ?1",
            params![id.0, blob, now],
        )?;
        pending_add.extend(stored.pending_keys(keys, &blob)?);
    }
    for id in &w.remove_outbox {
        let (stored, blob) = outbox_identity(tx, account, *id)?;
        tx.execute("DELETE FROM outbox WHERE id = ?1", [id.0])?;
        pending_remove.extend(stored.pending_keys(keys, &blob)?);
    }
    Ok(())
}

/// The conflict records a local write adds and removes.
fn write_conflicts(
    tx: &Transaction<'_>,
    keys: &KeySet,
    account: &AccountId,
    w: &LocalWrite,
    now: i64,
    result: &mut LocalWriteResult,
) -> Result<()> {
    for c in &w.add_conflicts {
        let id = insert_sealed(
            tx,
            keys,
            RecordKind::Conflict,
            "INSERT INTO conflicts (account, calendar_id, event_id, kind, created_ms, blob)
             VALUES (?1, ?2, ?3, ?4, ?5, x'')",
            &[
                &account.as_str(),
                &c.calendar.as_str(),
                &c.event_id.as_str(),
                &c.kind.as_str(),
                &now,
            ],
            "conflicts",
            (account.as_str(), c.calendar.as_str(), c.event_id.as_str()),
            &c.value,
        )?;
        result.conflicts.push(ConflictId(id));
    }
    for id in &w.remove_conflicts {
        let n = tx.execute(
            "DELETE FROM conflicts WHERE id = ?1 AND account = ?2",
            params![id.0, account.as_str()],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!(
                "conflict {} of {account} not found",
                id.0
            )));
        }
    }
    Ok(())
}

/// `ev` under id `to` when it carried `from`.
fn renamed(ev: &mut Option<EventResource>, rekey: &EventRekey) {
    if let Some(e) = ev.as_mut().filter(|e| e.id == rekey.from) {
        e.id = rekey.to.clone();
    }
}

/// Renames an event in every table that names it, resealing what is sealed with its id. The
/// local row is dropped: the write that carries the rekey upserts the server's version.
fn rekey_in_tx(
    tx: &Transaction<'_>,
    keys: &KeySet,
    account: &AccountId,
    rekey: &EventRekey,
    ops: &mut HashMap<CalKey, Vec<IndexOp>>,
    pending: (&mut Vec<EventKey>, &mut Vec<EventKey>),
) -> Result<()> {
    let (pending_add, pending_remove) = pending;
    let (a, from, to) = (account.as_str(), rekey.from.as_str(), rekey.to.as_str());
    let calendars: Vec<String> = tx
        .prepare("SELECT calendar_id FROM events WHERE account = ?1 AND event_id = ?2")?
        .query_map(params![a, from], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for cal in calendars {
        let cal = CalendarId(cal);
        delete_row(tx, account, &cal, &rekey.from)?;
        ops.entry((account.clone(), cal))
            .or_default()
            .push(IndexOp::Remove(rekey.from.clone()));
    }
    for (table, kind) in [
        ("outbox", RecordKind::Outbox),
        ("conflicts", RecordKind::Conflict),
    ] {
        let rows: Vec<(i64, String, Vec<u8>)> = tx
            .prepare(&format!(
                "SELECT id, calendar_id, blob FROM {table} WHERE account = ?1 AND event_id = ?2"
            ))?
            .query_map(params![a, from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, cal, blob) in rows {
            let old = id_aad_parts(a, &cal, from, &id.to_string());
            let old: Vec<&str> = old.iter().map(String::as_str).collect();
            let new = id_aad_parts(a, &cal, to, &id.to_string());
            let new: Vec<&str> = new.iter().map(String::as_str).collect();
            let blob = if kind == RecordKind::Outbox {
                let mut p: OutboxPayload = open_json(keys, &Aad { kind, parts: &old }, &blob)?;
                renamed(&mut p.local, rekey);
                renamed(&mut p.base, rekey);
                pending_remove.push((account.clone(), CalendarId(cal.clone()), rekey.from.clone()));
                pending_add.push((account.clone(), CalendarId(cal.clone()), rekey.to.clone()));
                seal_json(keys, &Aad { kind, parts: &new }, &p)?
            } else {
                let mut v: ConflictValue = open_json(keys, &Aad { kind, parts: &old }, &blob)?;
                renamed(&mut v.local, rekey);
                renamed(&mut v.base, rekey);
                seal_json(keys, &Aad { kind, parts: &new }, &v)?
            };
            tx.execute(
                &format!("UPDATE {table} SET event_id = ?2, blob = ?3 WHERE id = ?1"),
                params![id, to, blob],
            )?;
        }
    }
    Ok(())
}

/// Inserts a row, then seals its value under an identity that includes the new row id.
#[allow(clippy::too_many_arguments)]
fn insert_sealed<T: Serialize>(
    tx: &Transaction<'_>,
    db_keys: &KeySet,
    kind: RecordKind,
    insert_sql: &str,
    insert_params: &[&dyn rusqlite::ToSql],
    table: &str,
    ids: (&str, &str, &str),
    value: &T,
) -> Result<i64> {
    tx.execute(insert_sql, insert_params)?;
    let id = tx.last_insert_rowid();
    let parts = id_aad_parts(ids.0, ids.1, ids.2, &id.to_string());
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let blob = seal_json(
        db_keys,
        &Aad {
            kind,
            parts: &parts,
        },
        value,
    )?;
    tx.execute(
        &format!("UPDATE {table} SET blob = ?2 WHERE id = ?1"),
        params![id, blob],
    )?;
    Ok(id)
}

/// An outbox row's identity and its sealed payload.
fn outbox_identity(
    tx: &Transaction<'_>,
    account: &AccountId,
    id: OutboxId,
) -> Result<(StoredIdentity, Vec<u8>)> {
    tx.query_row(
        "SELECT calendar_id, event_id, op, blob FROM outbox WHERE id = ?1 AND account = ?2",
        params![id.0, account.as_str()],
        |r| {
            let stored = StoredIdentity {
                id,
                account: account.clone(),
                calendar: CalendarId(r.get(0)?),
                event_id: EventId(r.get(1)?),
                op: r.get(2)?,
            };
            Ok((stored, r.get(3)?))
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("outbox entry {} of {account} not found", id.0)))
}
