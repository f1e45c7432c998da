//! Per-calendar sync bookkeeping: tokens, the generation of a full sync, the last error.

use super::calendars::{calendar_exists, IncrementalSync};
use super::{from_ms, Store};
use crate::error::Result;
use crate::model::{AccountId, CalendarId, PageToken, SyncToken};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The mark of one full sync of one calendar: rows it brings are stamped with it, and its last
/// page deletes the rows still carrying an older mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Generation(pub i64);

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyncErrorRecord {
    pub kind: String,
    pub message: String,
    pub at: DateTime<Utc>,
}

/// The per-calendar sync bookkeeping.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SyncState {
    pub sync_token: Option<SyncToken>,
    /// Where an interrupted full (or incremental) sync resumes.
    pub page_token: Option<PageToken>,
    /// The generation of the full sync under way, if any: pass it to `apply_page`.
    pub full_sync: Option<Generation>,
    pub last_full_sync: Option<DateTime<Utc>>,
    pub last_incremental_sync: Option<DateTime<Utc>>,
    pub last_error: Option<SyncErrorRecord>,
    pub incremental_sync: IncrementalSync,
}

impl Store {
    pub fn sync_state(&self, account: &AccountId, calendar: &CalendarId) -> Result<SyncState> {
        let db = self.db();
        read_sync_state(&db.conn, account, calendar)
    }

    /// Starts a full sync: a new generation for mark-and-sweep, no page token, and no sync token
    /// (it is invalid, or about to be replaced). The rows stay visible until the last page.
    pub fn begin_full_sync(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
    ) -> Result<Generation> {
        let db = self.db();
        calendar_exists(&db.conn, account, calendar)?;
        db.conn.execute(
            "INSERT OR IGNORE INTO sync_state (account, calendar_id) VALUES (?1, ?2)",
            params![account.as_str(), calendar.as_str()],
        )?;
        let g: i64 = db.conn.query_row(
            "UPDATE sync_state SET generation = generation + 1, full_sync_generation = generation + 1,
               page_token = NULL, sync_token = NULL
             WHERE account = ?1 AND calendar_id = ?2 RETURNING generation",
            params![account.as_str(), calendar.as_str()],
            |r| r.get(0),
        )?;
        Ok(Generation(g))
    }

    /// Drops the sync token (after a 410), so the next sync of the calendar is a full one.
    pub fn clear_sync_token(&self, account: &AccountId, calendar: &CalendarId) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE sync_state SET sync_token = NULL, page_token = NULL WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str()],
        )?;
        Ok(())
    }

    /// Whether the calendar's last listing ended without a sync token (false for an unknown
    /// calendar). Cheap: the scheduler asks it for each calendar on screen once a minute.
    pub fn lacks_incremental_sync(&self, account: &AccountId, calendar: &CalendarId) -> bool {
        let db = self.db();
        let found: rusqlite::Result<Option<String>> = db
            .conn
            .query_row(
                "SELECT incremental_sync FROM sync_state WHERE account = ?1 AND calendar_id = ?2",
                params![account.as_str(), calendar.as_str()],
                |r| r.get(0),
            )
            .optional();
        match found {
            Ok(v) => v.is_some_and(|v| IncrementalSync::parse(&v) == IncrementalSync::Unavailable),
            Err(e) => {
                tracing::warn!(error = %e, "could not read a calendar's incremental sync state");
                false
            }
        }
    }

    /// Remembers why the last sync of a calendar failed (a message from the server or the
    /// engine, never event content). A successful last page clears it.
    pub fn record_sync_error(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        kind: &str,
        message: &str,
    ) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE sync_state SET last_error_kind = ?3, last_error_message = ?4, last_error_ms = ?5
             WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str(), kind, message, self.now().timestamp_millis()],
        )?;
        Ok(())
    }
}

pub(crate) fn read_sync_state(
    conn: &Connection,
    account: &AccountId,
    calendar: &CalendarId,
) -> Result<SyncState> {
    let s = conn
        .query_row(
            "SELECT sync_token, page_token, full_sync_generation, last_full_sync_ms, last_incremental_ms,
                    last_error_kind, last_error_message, last_error_ms, incremental_sync
             FROM sync_state WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str()],
            |r| {
                let kind: Option<String> = r.get(5)?;
                Ok(SyncState {
                    sync_token: r.get::<_, Option<String>>(0)?.map(SyncToken),
                    page_token: r.get::<_, Option<String>>(1)?.map(PageToken),
                    full_sync: r.get::<_, Option<i64>>(2)?.map(Generation),
                    last_full_sync: r.get::<_, Option<i64>>(3)?.map(from_ms),
                    last_incremental_sync: r.get::<_, Option<i64>>(4)?.map(from_ms),
                    last_error: match kind {
                        Some(kind) => Some(SyncErrorRecord {
                            kind,
                            message: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                            at: from_ms(r.get::<_, Option<i64>>(7)?.unwrap_or(0)),
                        }),
                        None => None,
                    },
                    incremental_sync: IncrementalSync::parse(&r.get::<_, String>(8)?),
                })
            },
        )
        .optional()?;
    match s {
        Some(s) => Ok(s),
        None => {
            calendar_exists(conn, account, calendar)?;
            Ok(SyncState::default())
        }
    }
}
