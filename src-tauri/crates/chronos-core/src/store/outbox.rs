//! The outbox (local changes waiting for Google) and conflict records, and `write_local`: the
//! one transaction that changes local rows together with their outbox entries.

use super::calendars::calendar_exists;
use super::crypto::{Aad, RecordKind};
use super::events::RowChange;
use super::index::{CalKey, EventKey, Index};
use super::rows::{current_generation, delete_row, upsert_row, IndexOp};
use super::{from_ms, now_ms, open_json, schema, seal_json, Db, Store};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OutboxId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConflictId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxOp {
    Insert,
    Update,
    Delete,
    Move,
}

/// Why a conflict record exists (stored as its machine word: no content).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// A field changed on both sides; the server's value won, the local one is in the record.
    BothChanged,
    /// Deleted on the server while edited locally; the local version is in the record.
    DeletedOnServer,
    /// Edited on the server (content) while deleted locally; the event was kept.
    ServerEditedDeletedLocally,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Pending,
    /// Sent or being sent; after a crash it may or may not have reached Google.
    Pushing,
    Failed,
    Conflict,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            fn parse(s: &str) -> Result<Self> {
                match s {
                    $($s => Ok(Self::$v),)*
                    other => Err(Error::Internal(format!("unknown {} {other:?} in the store", stringify!($t)))),
                }
            }
        }
    };
}
str_enum!(OutboxOp { Insert => "insert", Update => "update", Delete => "delete", Move => "move" });
str_enum!(ConflictKind {
    BothChanged => "both_changed",
    DeletedOnServer => "deleted_on_server",
    ServerEditedDeletedLocally => "server_edited_deleted_locally",
});
str_enum!(OutboxState { Pending => "pending", Pushing => "pushing", Failed => "failed", Conflict => "conflict" });

/// What an outbox entry carries, sealed: the change and the server version it was made on
/// (the base of the three-way merge). `detail` is for whatever else the push needs (changed
/// field names, `sendUpdates`, the source calendar of a move).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxPayload {
    #[serde(default)]
    pub local: Option<EventResource>,
    #[serde(default)]
    pub base: Option<EventResource>,
    #[serde(default)]
    pub detail: serde_json::Value,
}

/// A new outbox entry. `calendar` is where the local row lives now (for a move: the destination),
/// so the row counts as pending there.
#[derive(Clone, Debug, PartialEq)]
pub struct NewOutboxEntry {
    pub calendar: CalendarId,
    pub event_id: EventId,
    pub op: OutboxOp,
    pub payload: OutboxPayload,
}

/// Why an outbox entry's last push did not go through: the error's kind and its message (the
/// server's words, never event content).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutboxError {
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutboxEntry {
    pub id: OutboxId,
    pub account: AccountId,
    pub calendar: CalendarId,
    pub event_id: EventId,
    pub op: OutboxOp,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<OutboxError>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    #[serde(skip)]
    pub payload: OutboxPayload,
}

/// The values a conflict record keeps, sealed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConflictValue {
    #[serde(default)]
    pub local: Option<EventResource>,
    #[serde(default)]
    pub server: Option<EventResource>,
    #[serde(default)]
    pub base: Option<EventResource>,
    /// Names of the fields changed on both sides.
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub detail: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewConflict {
    pub calendar: CalendarId,
    pub event_id: EventId,
    pub kind: ConflictKind,
    pub value: ConflictValue,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredConflict {
    pub id: ConflictId,
    pub account: AccountId,
    pub calendar: CalendarId,
    pub event_id: EventId,
    pub kind: ConflictKind,
    pub created: DateTime<Utc>,
    pub value: ConflictValue,
}

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
}

/// An event id the server replaced: `from` (chosen here) is `to` from now on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRekey {
    pub from: EventId,
    pub to: EventId,
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
    keys: &super::crypto::KeySet,
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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalWriteResult {
    pub enqueued: Vec<OutboxId>,
    pub conflicts: Vec<ConflictId>,
}

pub(crate) fn load_pending(conn: &Connection, index: &mut Index) -> Result<()> {
    index.clear_pending();
    let mut stmt = conn.prepare("SELECT account, calendar_id, event_id FROM outbox")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            AccountId(r.get(0)?),
            CalendarId(r.get(1)?),
            EventId(r.get(2)?),
        ))
    })?;
    for k in rows {
        index.add_pending(k?);
    }
    Ok(())
}

fn id_aad_parts(account: &str, calendar: &str, event: &str, id: &str) -> [String; 4] {
    [
        account.to_owned(),
        calendar.to_owned(),
        event.to_owned(),
        id.to_owned(),
    ]
}

const OUTBOX_COLS: &str =
    "id, account, calendar_id, event_id, op, state, attempts, last_error, created_ms, updated_ms, blob, last_error_kind";

fn read_outbox(db: &Db, r: &Row<'_>) -> Result<OutboxEntry> {
    let id: i64 = r.get(0)?;
    let (account, calendar, event_id): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
    let blob: Vec<u8> = r.get(10)?;
    let parts = id_aad_parts(&account, &calendar, &event_id, &id.to_string());
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let payload = open_json(
        &db.keys,
        &Aad {
            kind: RecordKind::Outbox,
            parts: &parts,
        },
        &blob,
    )?;
    Ok(OutboxEntry {
        id: OutboxId(id),
        account: AccountId(account),
        calendar: CalendarId(calendar),
        event_id: EventId(event_id),
        op: OutboxOp::parse(&r.get::<_, String>(4)?)?,
        state: OutboxState::parse(&r.get::<_, String>(5)?)?,
        attempts: r.get(6)?,
        last_error: match (
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(11)?,
        ) {
            (Some(message), kind) => Some(OutboxError {
                // A word a newer version wrote: still an error, of a kind this one cannot name.
                kind: kind
                    .as_deref()
                    .and_then(ErrorKind::parse)
                    .unwrap_or(ErrorKind::Internal),
                message,
            }),
            (None, _) => None,
        },
        created: from_ms(r.get(8)?),
        updated: from_ms(r.get(9)?),
        payload,
    })
}

/// Inserts a row, then seals its value under an identity that includes the new row id.
#[allow(clippy::too_many_arguments)]
fn insert_sealed<T: Serialize>(
    tx: &Transaction<'_>,
    db_keys: &super::crypto::KeySet,
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
            for r in &w.rows {
                match r {
                    RowChange::Upsert { calendar, event } => {
                        if event.id.as_str().is_empty() {
                            return Err(Error::InvalidInput("an event needs an id".into()));
                        }
                        let g = current_generation(&tx, account, calendar)?;
                        let op = upsert_row(&tx, keys, account, calendar, event, g)?;
                        ops.entry((account.clone(), calendar.clone()))
                            .or_default()
                            .push(op);
                    }
                    RowChange::Delete { calendar, event_id } => {
                        delete_row(&tx, account, calendar, event_id)?;
                        ops.entry((account.clone(), calendar.clone()))
                            .or_default()
                            .push(IndexOp::Remove(event_id.clone()));
                    }
                }
            }
            let now = now_ms();
            for e in &w.enqueue {
                if e.event_id.as_str().is_empty() {
                    return Err(Error::InvalidInput(
                        "an outbox entry needs an event id".into(),
                    ));
                }
                let id = insert_sealed(
                    &tx,
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
            }
            for (id, payload) in &w.update_outbox {
                let (cal, ev) = outbox_identity(&tx, account, *id)?;
                let parts = id_aad_parts(account.as_str(), &cal, &ev, &id.0.to_string());
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
            }
            for id in &w.remove_outbox {
                let (cal, ev) = outbox_identity(&tx, account, *id)?;
                tx.execute("DELETE FROM outbox WHERE id = ?1", [id.0])?;
                pending_remove.push((account.clone(), CalendarId(cal), EventId(ev)));
            }
            for c in &w.add_conflicts {
                let id = insert_sealed(
                    &tx,
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

    /// Outbox entries in push order (oldest first), optionally of one account.
    pub fn list_outbox(&self, account: Option<&AccountId>) -> Result<Vec<OutboxEntry>> {
        let db = self.db();
        let mut stmt = db.conn.prepare(&format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE (?1 IS NULL OR account = ?1) ORDER BY id"
        ))?;
        let mut rows = stmt.query([account.map(|a| a.as_str())])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(read_outbox(&db, r)?);
        }
        Ok(out)
    }

    pub fn get_outbox(&self, id: OutboxId) -> Result<Option<OutboxEntry>> {
        let db = self.db();
        let mut stmt = db
            .conn
            .prepare(&format!("SELECT {OUTBOX_COLS} FROM outbox WHERE id = ?1"))?;
        let mut rows = stmt.query([id.0])?;
        match rows.next()? {
            Some(r) => Ok(Some(read_outbox(&db, r)?)),
            None => Ok(None),
        }
    }

    /// Unsent changes (every outbox entry), optionally of one account; no decryption.
    pub fn pending_count(&self, account: Option<&AccountId>) -> Result<usize> {
        let db = self.db();
        Ok(db.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE (?1 IS NULL OR account = ?1)",
            [account.map(|a| a.as_str())],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }

    /// Records the progress of a push. `count_attempt` adds one to `attempts`.
    pub fn set_outbox_state(
        &self,
        id: OutboxId,
        state: OutboxState,
        last_error: Option<&OutboxError>,
        count_attempt: bool,
    ) -> Result<()> {
        let db = self.db();
        let n = db.conn.execute(
            "UPDATE outbox SET state = ?2, last_error = ?3, last_error_kind = ?6,
               attempts = attempts + ?4, updated_ms = ?5 WHERE id = ?1",
            params![
                id.0,
                state.as_str(),
                last_error.map(|e| e.message.as_str()),
                count_attempt as i64,
                now_ms(),
                last_error.map(|e| e.kind.as_str())
            ],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("outbox entry {} not found", id.0)));
        }
        Ok(())
    }

    /// Conflict records, oldest first, optionally of one account.
    pub fn list_conflicts(&self, account: Option<&AccountId>) -> Result<Vec<StoredConflict>> {
        self.query_conflicts(account, None)
    }

    /// One conflict record of an account, if it is still there.
    pub fn conflict(&self, account: &AccountId, id: ConflictId) -> Result<Option<StoredConflict>> {
        Ok(self.query_conflicts(Some(account), Some(id))?.pop())
    }

    /// How many conflict records an account has (counted, not decrypted).
    pub fn conflict_count(&self, account: &AccountId) -> Result<usize> {
        let db = self.db();
        let n: i64 = db.conn.query_row(
            "SELECT COUNT(*) FROM conflicts WHERE account = ?1",
            [account.as_str()],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// A conflict record by id alone, whatever its account.
    pub fn find_conflict(&self, id: ConflictId) -> Result<Option<StoredConflict>> {
        Ok(self.query_conflicts(None, Some(id))?.pop())
    }

    fn query_conflicts(
        &self,
        account: Option<&AccountId>,
        only: Option<ConflictId>,
    ) -> Result<Vec<StoredConflict>> {
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT id, account, calendar_id, event_id, kind, created_ms, blob FROM conflicts
             WHERE (?1 IS NULL OR account = ?1) AND (?2 IS NULL OR id = ?2) ORDER BY id",
        )?;
        let mut rows = stmt.query(params![account.map(|a| a.as_str()), only.map(|i| i.0)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let (a, c, e): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let blob: Vec<u8> = r.get(6)?;
            let parts = id_aad_parts(&a, &c, &e, &id.to_string());
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let value = open_json(
                &db.keys,
                &Aad {
                    kind: RecordKind::Conflict,
                    parts: &parts,
                },
                &blob,
            )?;
            out.push(StoredConflict {
                id: ConflictId(id),
                account: AccountId(a),
                calendar: CalendarId(c),
                event_id: EventId(e),
                kind: ConflictKind::parse(&r.get::<_, String>(4)?)?,
                created: from_ms(r.get(5)?),
                value,
            });
        }
        Ok(out)
    }

    /// Removes a conflict record the user has dealt with. Returns whether it existed.
    pub fn resolve_conflict(&self, id: ConflictId) -> Result<bool> {
        let db = self.db();
        Ok(db
            .conn
            .execute("DELETE FROM conflicts WHERE id = ?1", [id.0])?
            == 1)
    }
}

fn outbox_identity(
    tx: &Transaction<'_>,
    account: &AccountId,
    id: OutboxId,
) -> Result<(String, String)> {
    tx.query_row(
        "SELECT calendar_id, event_id FROM outbox WHERE id = ?1 AND account = ?2",
        params![id.0, account.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("outbox entry {} of {account} not found", id.0)))
}
