//! The sync journal: what a calendar's health shows beyond its current state — a failure still
//! worth showing after a later success, the full re-syncs a 410 forced, and the mass deletions a
//! sync applied (with the trash entries they filled, for *Restore all*).
//!
//! Entries older than the trash's retention are purged with it.

use super::trash::TrashId;
use super::{from_ms, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// What a journal entry records (stored as its machine word).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalKind {
    /// A calendar's sync failed.
    Failure,
    /// Google refused the sync token (410) and the calendar was listed in full again.
    ResyncAfterGone,
    /// One sync removed more events than the mass-deletion guard lets pass unremarked.
    MassDeletion,
}

impl JournalKind {
    fn as_str(self) -> &'static str {
        match self {
            JournalKind::Failure => "failure",
            JournalKind::ResyncAfterGone => "resync_after_gone",
            JournalKind::MassDeletion => "mass_deletion",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MassDeletionId(pub i64);

/// A sync that removed many events of one calendar at once.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MassDeletion {
    pub id: MassDeletionId,
    pub account: AccountId,
    pub calendar: CalendarId,
    /// How many events the sync removed.
    pub count: usize,
    pub at: DateTime<Utc>,
    /// The trash entries the sync filled: ids from `first` to `last` of this calendar.
    pub trash: Option<(TrashId, TrashId)>,
    pub dismissed: bool,
}

/// A recorded failure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JournalFailure {
    pub kind: String,
    pub message: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Notes a calendar's failed sync.
    pub fn journal_failure(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        kind: &str,
        message: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let db = self.db();
        // Only the newest failure is shown: a calendar failing every few minutes while offline
        // keeps one row, not thousands.
        db.conn.execute(
            "DELETE FROM sync_journal WHERE account = ?1 AND calendar_id = ?2 AND kind = ?3",
            params![
                account.as_str(),
                calendar.as_str(),
                JournalKind::Failure.as_str()
            ],
        )?;
        db.conn.execute(
            "INSERT INTO sync_journal (account, calendar_id, kind, at_ms, error_kind, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                account.as_str(),
                calendar.as_str(),
                JournalKind::Failure.as_str(),
                at.timestamp_millis(),
                kind,
                message
            ],
        )?;
        Ok(())
    }

    /// Notes a full re-sync forced by a refused sync token.
    pub fn journal_resync_after_gone(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "INSERT INTO sync_journal (account, calendar_id, kind, at_ms) VALUES (?1, ?2, ?3, ?4)",
            params![
                account.as_str(),
                calendar.as_str(),
                JournalKind::ResyncAfterGone.as_str(),
                at.timestamp_millis()
            ],
        )?;
        Ok(())
    }

    /// Notes a mass deletion and the trash entries it filled.
    pub fn journal_mass_deletion(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        count: usize,
        trash: Option<(TrashId, TrashId)>,
        at: DateTime<Utc>,
    ) -> Result<MassDeletion> {
        let db = self.db();
        db.conn.execute(
            "INSERT INTO sync_journal (account, calendar_id, kind, at_ms, count, first_trash_id, last_trash_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                account.as_str(),
                calendar.as_str(),
                JournalKind::MassDeletion.as_str(),
                at.timestamp_millis(),
                count as i64,
                trash.map(|t| t.0 .0),
                trash.map(|t| t.1 .0)
            ],
        )?;
        Ok(MassDeletion {
            id: MassDeletionId(db.conn.last_insert_rowid()),
            account: account.clone(),
            calendar: calendar.clone(),
            count,
            at,
            trash,
            dismissed: false,
        })
    }

    /// The newest failure of a calendar at or after `since`.
    pub fn last_journal_failure(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        since: DateTime<Utc>,
    ) -> Result<Option<JournalFailure>> {
        let db = self.db();
        Ok(db
            .conn
            .query_row(
                "SELECT error_kind, message, at_ms FROM sync_journal
                 WHERE account = ?1 AND calendar_id = ?2 AND kind = ?3 AND at_ms >= ?4
                 ORDER BY at_ms DESC, id DESC LIMIT 1",
                params![
                    account.as_str(),
                    calendar.as_str(),
                    JournalKind::Failure.as_str(),
                    since.timestamp_millis()
                ],
                |r| {
                    Ok(JournalFailure {
                        kind: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                        message: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        at: from_ms(r.get(2)?),
                    })
                },
            )
            .optional()?)
    }

    /// How many entries of `kind` a calendar has at or after `since`.
    pub fn journal_count(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        kind: JournalKind,
        since: DateTime<Utc>,
    ) -> Result<usize> {
        let db = self.db();
        let n: i64 = db.conn.query_row(
            "SELECT COUNT(*) FROM sync_journal
             WHERE account = ?1 AND calendar_id = ?2 AND kind = ?3 AND at_ms >= ?4",
            params![
                account.as_str(),
                calendar.as_str(),
                kind.as_str(),
                since.timestamp_millis()
            ],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Mass deletions, newest first; dismissed ones only on request.
    pub fn mass_deletions(&self, include_dismissed: bool) -> Result<Vec<MassDeletion>> {
        self.query_mass_deletions(include_dismissed, None)
    }

    pub fn mass_deletion(&self, id: MassDeletionId) -> Result<MassDeletion> {
        self.query_mass_deletions(true, Some(id))?
            .pop()
            .ok_or_else(|| Error::NotFound(format!("mass deletion {} not found", id.0)))
    }

    /// Hides a mass deletion's banner (its entries stay in the trash).
    pub fn dismiss_mass_deletion(&self, id: MassDeletionId) -> Result<()> {
        let db = self.db();
        let n = db.conn.execute(
            "UPDATE sync_journal SET dismissed = 1 WHERE id = ?1 AND kind = ?2",
            params![id.0, JournalKind::MassDeletion.as_str()],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("mass deletion {} not found", id.0)));
        }
        Ok(())
    }

    /// Drops entries older than `cutoff`. Returns how many went.
    pub fn purge_journal(&self, cutoff: DateTime<Utc>) -> Result<usize> {
        let db = self.db();
        Ok(db.conn.execute(
            "DELETE FROM sync_journal WHERE at_ms < ?1",
            [cutoff.timestamp_millis()],
        )?)
    }

    fn query_mass_deletions(
        &self,
        include_dismissed: bool,
        only: Option<MassDeletionId>,
    ) -> Result<Vec<MassDeletion>> {
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT id, account, calendar_id, count, at_ms, first_trash_id, last_trash_id, dismissed
             FROM sync_journal
             WHERE kind = ?1 AND (?2 OR dismissed = 0) AND (?3 IS NULL OR id = ?3)
             ORDER BY at_ms DESC, id DESC",
        )?;
        let rows = stmt.query_map(
            params![
                JournalKind::MassDeletion.as_str(),
                include_dismissed,
                only.map(|i| i.0)
            ],
            |r| {
                let first: Option<i64> = r.get(5)?;
                let last: Option<i64> = r.get(6)?;
                Ok(MassDeletion {
                    id: MassDeletionId(r.get(0)?),
                    account: AccountId(r.get(1)?),
                    calendar: CalendarId(r.get(2)?),
                    count: r.get::<_, i64>(3)?.max(0) as usize,
                    at: from_ms(r.get(4)?),
                    trash: first.zip(last).map(|(f, l)| (TrashId(f), TrashId(l))),
                    dismissed: r.get(7)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
