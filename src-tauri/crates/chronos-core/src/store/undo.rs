//! The undo history: each change made through Chronos, newest last, as a sealed JSON record the
//! service layer writes and reads (`service/undo.rs` gives it meaning). Rows are `done` (can be
//! undone) or `undone` (can be redone); a new change drops every `undone` row, as editors do.

use super::crypto::{Aad, RecordKind};
use super::outbox::id_aad_parts;
use super::{open_json, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, EventId};
use rusqlite::{params, OptionalExtension};

/// How many changes the history keeps (the oldest go first).
pub const UNDO_HISTORY_LIMIT: i64 = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UndoId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UndoState {
    Done,
    Undone,
}

impl UndoState {
    fn as_str(self) -> &'static str {
        match self {
            UndoState::Done => "done",
            UndoState::Undone => "undone",
        }
    }
}

/// One row: its ids and the opened record.
#[derive(Clone, Debug, PartialEq)]
pub struct UndoRow<T> {
    pub id: UndoId,
    pub account: AccountId,
    pub record: T,
}

fn parts(account: &str, calendar: &str, event: &str, id: i64) -> [String; 4] {
    id_aad_parts(account, calendar, event, &id.to_string())
}

impl Store {
    /// Adds a change to the history (dropping what could be redone, and the oldest beyond the
    /// limit); `key` names the event it is about.
    pub fn push_undo<T: serde::Serialize>(
        &self,
        account: &AccountId,
        key: (&CalendarId, &EventId),
        record: &T,
    ) -> Result<UndoId> {
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(record)
                .map_err(|e| Error::Internal(format!("cannot serialise an undo record: {e}")))?,
        );
        let now = self.now().timestamp_millis();
        let mut db = self.db();
        let super::Db { conn, keys, .. } = &mut *db;
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM undo_log WHERE state = 'undone'", [])?;
        tx.execute(
            "INSERT INTO undo_log (account, calendar_id, event_id, created_ms, blob)
             VALUES (?1, ?2, ?3, ?4, x'')",
            params![account.as_str(), key.0.as_str(), key.1.as_str(), now],
        )?;
        let id = tx.last_insert_rowid();
        let p = parts(account.as_str(), key.0.as_str(), key.1.as_str(), id);
        let p: Vec<&str> = p.iter().map(String::as_str).collect();
        let blob = keys.seal(
            &Aad {
                kind: RecordKind::Undo,
                parts: &p,
            },
            &plain,
        );
        tx.execute(
            "UPDATE undo_log SET blob = ?2 WHERE id = ?1",
            params![id, blob],
        )?;
        tx.execute(
            "DELETE FROM undo_log WHERE id <= (SELECT MAX(id) FROM undo_log) - ?1",
            [UNDO_HISTORY_LIMIT],
        )?;
        tx.commit()?;
        Ok(UndoId(id))
    }

    /// The change an undo (`Done`: the newest done) or a redo (`Undone`: the oldest undone, the
    /// one undone last) would take.
    pub fn next_undo<T: serde::de::DeserializeOwned>(
        &self,
        state: UndoState,
    ) -> Result<Option<UndoRow<T>>> {
        let order = match state {
            UndoState::Done => "DESC",
            UndoState::Undone => "ASC",
        };
        let db = self.db();
        let row: Option<(i64, String, String, String, Vec<u8>)> = db
            .conn
            .query_row(
                &format!(
                    "SELECT id, account, calendar_id, event_id, blob FROM undo_log WHERE state = ?1
                     ORDER BY id {order} LIMIT 1"
                ),
                [state.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((id, a, c, e, blob)) = row else {
            return Ok(None);
        };
        let p = parts(&a, &c, &e, id);
        let p: Vec<&str> = p.iter().map(String::as_str).collect();
        let record = open_json(
            &db.keys,
            &Aad {
                kind: RecordKind::Undo,
                parts: &p,
            },
            &blob,
        )?;
        Ok(Some(UndoRow {
            id: UndoId(id),
            account: AccountId(a),
            record,
        }))
    }

    /// Marks a change undone or done again, with its record as it now stands (an undo may learn
    /// a trash entry or a new event id the redo needs).
    pub fn set_undo<T: serde::Serialize>(
        &self,
        id: UndoId,
        state: UndoState,
        record: &T,
    ) -> Result<()> {
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(record)
                .map_err(|e| Error::Internal(format!("cannot serialise an undo record: {e}")))?,
        );
        let db = self.db();
        let (a, c, e): (String, String, String) = db.conn.query_row(
            "SELECT account, calendar_id, event_id FROM undo_log WHERE id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let p = parts(&a, &c, &e, id.0);
        let p: Vec<&str> = p.iter().map(String::as_str).collect();
        let blob = db.keys.seal(
            &Aad {
                kind: RecordKind::Undo,
                parts: &p,
            },
            &plain,
        );
        db.conn.execute(
            "UPDATE undo_log SET state = ?2, blob = ?3 WHERE id = ?1",
            params![id.0, state.as_str(), blob],
        )?;
        Ok(())
    }

    /// Drops one change from the history (one that cannot be undone).
    pub fn drop_undo(&self, id: UndoId) -> Result<()> {
        let db = self.db();
        db.conn
            .execute("DELETE FROM undo_log WHERE id = ?1", [id.0])?;
        Ok(())
    }

    /// How many changes can be undone and redone.
    pub fn undo_counts(&self) -> Result<(usize, usize)> {
        let db = self.db();
        Ok(db.conn.query_row(
            "SELECT COALESCE(SUM(state = 'done'), 0), COALESCE(SUM(state = 'undone'), 0) FROM undo_log",
            [],
            |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
        )?)
    }
}
