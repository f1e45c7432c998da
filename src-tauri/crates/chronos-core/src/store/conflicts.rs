//! Conflict records: what a push could not merge, kept (sealed) until the user deals with it.

use super::crypto::{Aad, RecordKind};
use super::outbox::{id_aad_parts, str_enum};
use super::{from_ms, open_json, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConflictId(pub i64);

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

str_enum!(ConflictKind {
    BothChanged => "both_changed",
    DeletedOnServer => "deleted_on_server",
    ServerEditedDeletedLocally => "server_edited_deleted_locally",
});

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

impl Store {
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
