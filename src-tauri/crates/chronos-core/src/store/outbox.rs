//! The outbox: local changes waiting for Google, in push order.

use super::crypto::{Aad, KeySet, RecordKind};
use super::index::{EventKey, Index};
use super::{from_ms, now_ms, open_json, Db, Store};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use chrono::{DateTime, Utc};
use rusqlite::{params, Row};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OutboxId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxOp {
    Insert,
    Update,
    Delete,
    Move,
    /// Brings a trashed event back (see `outbox::restore`).
    Restore,
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
pub(super) use str_enum;

str_enum!(OutboxOp { Insert => "insert", Update => "update", Delete => "delete", Move => "move", Restore => "restore" });
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

impl OutboxPayload {
    /// For a move: the calendar the event leaves.
    pub(crate) fn move_source(&self) -> Option<CalendarId> {
        self.detail
            .get("source")
            .and_then(serde_json::Value::as_str)
            .map(CalendarId::from)
    }
}

pub(crate) fn load_pending(db: &Db, index: &mut Index) -> Result<()> {
    index.clear_pending();
    let mut stmt = db
        .conn
        .prepare("SELECT id, account, calendar_id, event_id, op, blob FROM outbox")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let stored = StoredIdentity {
            id: OutboxId(r.get(0)?),
            account: AccountId(r.get(1)?),
            calendar: CalendarId(r.get(2)?),
            event_id: EventId(r.get(3)?),
            op: r.get(4)?,
        };
        let blob: Vec<u8> = r.get(5)?;
        for k in stored.pending_keys(&db.keys, &blob)? {
            index.add_pending(k);
        }
    }
    Ok(())
}

/// An outbox row's identity as stored, enough to know which events it keeps pending.
pub(super) struct StoredIdentity {
    pub id: OutboxId,
    pub account: AccountId,
    pub calendar: CalendarId,
    pub event_id: EventId,
    pub op: String,
}

impl StoredIdentity {
    /// The events an entry keeps pending: the row it writes and, for a move, the copy on the
    /// source calendar too, so a pull cannot bring that copy back while the move waits.
    pub fn pending_keys(&self, keys: &KeySet, blob: &[u8]) -> Result<Vec<EventKey>> {
        let mut out = vec![(
            self.account.clone(),
            self.calendar.clone(),
            self.event_id.clone(),
        )];
        if self.op == OutboxOp::Move.as_str() {
            let parts = id_aad_parts(
                self.account.as_str(),
                self.calendar.as_str(),
                self.event_id.as_str(),
                &self.id.0.to_string(),
            );
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let payload: OutboxPayload = open_json(
                keys,
                &Aad {
                    kind: RecordKind::Outbox,
                    parts: &parts,
                },
                blob,
            )?;
            if let Some(source) = payload.move_source() {
                out.push((self.account.clone(), source, self.event_id.clone()));
            }
        }
        Ok(out)
    }
}

/// The identity a sealed outbox or conflict row is bound to.
pub(super) fn id_aad_parts(account: &str, calendar: &str, event: &str, id: &str) -> [String; 4] {
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

impl Store {
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

    /// Unsent changes of one calendar; no decryption.
    pub fn calendar_pending_count(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
    ) -> Result<usize> {
        let db = self.db();
        Ok(db.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str()],
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
}
