//! The trash: events that were deleted — here, on Google, found gone by a full sync's sweep, or
//! moved to a calendar Chronos does not sync — kept sealed for a while so they can be restored.
//!
//! An entry is written in the transaction that removes the event's row. Its blob is the event's
//! last known resource, sealed with AAD [account, calendar, event id, row id] (`RecordKind::Trash`);
//! only ids, the reason, the state and the time it was trashed are plaintext.

use super::crypto::{Aad, KeySet, RecordKind};
use super::outbox::{id_aad_parts, str_enum};
use super::rows::{event_aad, GoneRow};
use super::{from_ms, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TrashId(pub i64);

/// Why an event is in the trash (stored as its machine word).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrashReason {
    /// The user deleted it in Chronos.
    DeletedHere,
    /// A sync brought it as cancelled: deleted on Google (or moved to a calendar not synced).
    DeletedOnGoogle,
    /// A full re-sync no longer found it on Google.
    GoneInFullSync,
    /// The user moved it to a calendar Chronos does not sync.
    MovedToUnsyncedCalendar,
}

str_enum!(TrashReason {
    DeletedHere => "deleted_here",
    DeletedOnGoogle => "deleted_on_google",
    GoneInFullSync => "gone_in_full_sync",
    MovedToUnsyncedCalendar => "moved_to_unsynced_calendar",
});

/// Where an entry stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrashState {
    Trashed,
    /// A restore is queued in the outbox.
    Restoring,
    /// Google has the event back under its own id.
    Restored,
    /// Google no longer had it (or not as ours): a new event with the saved content was made.
    RestoredAsCopy,
}

str_enum!(TrashState {
    Trashed => "trashed",
    Restoring => "restoring",
    Restored => "restored",
    RestoredAsCopy => "restored_as_copy",
});

/// What a restore as a new event could not bring back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum NotRestored {
    /// Other guests' answers: the copy invites them again.
    GuestResponses { count: usize },
    /// Fields a new event does not take over (conference link, attachments, …).
    Fields { names: Vec<String> },
}

/// One event in the trash.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrashEntry {
    pub id: TrashId,
    pub account: AccountId,
    pub calendar: CalendarId,
    pub event_id: EventId,
    pub reason: TrashReason,
    pub state: TrashState,
    /// The new event's id after a restore as a copy.
    pub restored_as: Option<EventId>,
    pub trashed: DateTime<Utc>,
    /// The event's last known resource.
    pub event: EventResource,
}

impl TrashEntry {
    /// What a restore as a new event loses of this event (empty unless it was restored so).
    pub fn not_restored(&self) -> Vec<NotRestored> {
        if self.state != TrashState::RestoredAsCopy {
            return Vec::new();
        }
        lost_in_copy(&self.event)
    }
}

/// What copying `ev`'s content onto a new event leaves behind.
pub(crate) fn lost_in_copy(ev: &EventResource) -> Vec<NotRestored> {
    let mut out = Vec::new();
    let answered = ev
        .attendees
        .iter()
        .flatten()
        .filter(|a| a.is_self != Some(true) && a.organizer != Some(true))
        .filter(|a| {
            a.response_status
                .as_deref()
                .is_some_and(|s| s != "needsAction")
        })
        .count();
    if answered > 0 {
        out.push(NotRestored::GuestResponses { count: answered });
    }
    let names: Vec<String> = [
        "conferenceData",
        "attachments",
        "extendedProperties",
        "source",
    ]
    .into_iter()
    .filter(|f| ev.extra.contains_key(*f))
    .map(String::from)
    .collect();
    if !names.is_empty() {
        out.push(NotRestored::Fields { names });
    }
    out
}

/// A local write's request to keep an event in the trash (see `LocalWrite::trash`).
#[derive(Clone, Debug, PartialEq)]
pub struct NewTrash {
    pub calendar: CalendarId,
    pub event: EventResource,
    pub reason: TrashReason,
}

/// A local write's change of an entry's state.
#[derive(Clone, Debug, PartialEq)]
pub struct TrashUpdate {
    pub id: TrashId,
    pub state: TrashState,
    pub restored_as: Option<EventId>,
}

fn trash_aad_parts(account: &str, calendar: &str, event: &str, id: i64) -> [String; 4] {
    id_aad_parts(account, calendar, event, &id.to_string())
}

/// Inserts an entry holding `plain` (an event's JSON), sealed under the new row's identity.
pub(crate) fn insert_trash(
    tx: &Transaction<'_>,
    keys: &KeySet,
    (account, calendar, event_id): (&str, &str, &str),
    reason: TrashReason,
    now_ms: i64,
    plain: &[u8],
) -> Result<TrashId> {
    tx.prepare_cached(
        "INSERT INTO trash (account, calendar_id, event_id, reason, trashed_ms, blob)
         VALUES (?1, ?2, ?3, ?4, ?5, x'')",
    )?
    .execute(params![
        account,
        calendar,
        event_id,
        reason.as_str(),
        now_ms
    ])?;
    let id = tx.last_insert_rowid();
    let parts = trash_aad_parts(account, calendar, event_id, id);
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let blob = keys.seal(
        &Aad {
            kind: RecordKind::Trash,
            parts: &parts,
        },
        plain,
    );
    tx.prepare_cached("UPDATE trash SET blob = ?2 WHERE id = ?1")?
        .execute(params![id, blob])?;
    Ok(TrashId(id))
}

/// Keeps a row a sync removed: its sealed bytes are opened and sealed again as a trash entry.
/// Cancelled rows (a cancelled occurrence) show nothing and are not kept.
pub(crate) fn trash_gone_row(
    tx: &Transaction<'_>,
    keys: &KeySet,
    (account, calendar, id): (&AccountId, &CalendarId, &EventId),
    gone: &GoneRow,
    reason: TrashReason,
    now_ms: i64,
) -> Result<Option<TrashId>> {
    if gone.cancelled {
        return Ok(None);
    }
    let ids = [account.as_str(), calendar.as_str(), id.as_str()];
    let plain = keys.open(&event_aad(&ids), &gone.blob)?;
    insert_trash(tx, keys, (ids[0], ids[1], ids[2]), reason, now_ms, &plain).map(Some)
}

/// Writes a local write's trash requests and state changes.
pub(crate) fn write_trash(
    tx: &Transaction<'_>,
    keys: &KeySet,
    account: &AccountId,
    add: &[NewTrash],
    updates: &[TrashUpdate],
    now_ms: i64,
) -> Result<()> {
    for t in add {
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(&t.event)
                .map_err(|e| Error::Internal(format!("cannot serialise an event: {e}")))?,
        );
        let ids = (account.as_str(), t.calendar.as_str(), t.event.id.as_str());
        insert_trash(tx, keys, ids, t.reason, now_ms, &plain)?;
    }
    for u in updates {
        let n = tx.execute(
            "UPDATE trash SET state = ?3, restored_id = ?4 WHERE id = ?1 AND account = ?2",
            params![
                u.id.0,
                account.as_str(),
                u.state.as_str(),
                u.restored_as.as_ref().map(EventId::as_str)
            ],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!(
                "trash entry {} of {account} not found",
                u.id.0
            )));
        }
    }
    Ok(())
}

impl Store {
    /// Entries in the trash, newest first, optionally of one account.
    pub fn list_trash(&self, account: Option<&AccountId>) -> Result<Vec<TrashEntry>> {
        self.query_trash(account, None)
    }

    /// One entry, whatever its account.
    pub fn trash_entry(&self, id: TrashId) -> Result<Option<TrashEntry>> {
        Ok(self.query_trash(None, Some(id))?.pop())
    }

    /// The newest entry kept for an event, if any.
    pub fn latest_trash_for(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        event: &EventId,
    ) -> Result<Option<TrashId>> {
        let db = self.db();
        Ok(db
            .conn
            .query_row(
                "SELECT MAX(id) FROM trash WHERE account = ?1 AND calendar_id = ?2 AND event_id = ?3",
                params![account.as_str(), calendar.as_str(), event.as_str()],
                |r| r.get::<_, Option<i64>>(0),
            )?
            .map(TrashId))
    }

    /// How many entries the trash holds (counted, not decrypted).
    pub fn trash_count(&self) -> Result<usize> {
        let db = self.db();
        let n: i64 = db
            .conn
            .query_row("SELECT COUNT(*) FROM trash", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// The entries of one calendar with ids from `first` to `last` still in the trash (not
    /// restored or being restored): what a mass deletion's *Restore all* brings back.
    pub fn trashed_between(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        (first, last): (TrashId, TrashId),
    ) -> Result<Vec<TrashId>> {
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT id FROM trash WHERE account = ?1 AND calendar_id = ?2 AND id BETWEEN ?3 AND ?4
               AND state = 'trashed' ORDER BY id",
        )?;
        let ids = stmt
            .query_map(
                params![account.as_str(), calendar.as_str(), first.0, last.0],
                |r| r.get(0).map(TrashId),
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Drops entries trashed before `cutoff`, except those whose restore is still queued.
    /// Returns how many went.
    pub fn purge_trash(&self, cutoff: DateTime<Utc>) -> Result<usize> {
        let db = self.db();
        let n = db.conn.execute(
            "DELETE FROM trash WHERE trashed_ms < ?1 AND state <> 'restoring'",
            [cutoff.timestamp_millis()],
        )?;
        if n > 0 {
            tracing::info!(purged = n, "expired trash entries purged");
        }
        Ok(n)
    }

    fn query_trash(
        &self,
        account: Option<&AccountId>,
        only: Option<TrashId>,
    ) -> Result<Vec<TrashEntry>> {
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT id, account, calendar_id, event_id, reason, state, restored_id, trashed_ms, blob
             FROM trash WHERE (?1 IS NULL OR account = ?1) AND (?2 IS NULL OR id = ?2)
             ORDER BY trashed_ms DESC, id DESC",
        )?;
        let mut rows = stmt.query(params![account.map(|a| a.as_str()), only.map(|i| i.0)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let (a, c, e): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let parts = trash_aad_parts(&a, &c, &e, id);
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let blob: Vec<u8> = r.get(8)?;
            let event = super::open_json(
                &db.keys,
                &Aad {
                    kind: RecordKind::Trash,
                    parts: &parts,
                },
                &blob,
            )?;
            out.push(TrashEntry {
                id: TrashId(id),
                account: AccountId(a),
                calendar: CalendarId(c),
                event_id: EventId(e),
                reason: TrashReason::parse(&r.get::<_, String>(4)?)?,
                state: TrashState::parse(&r.get::<_, String>(5)?)?,
                restored_as: r.get::<_, Option<String>>(6)?.map(EventId),
                trashed: from_ms(r.get(7)?),
                event,
            });
        }
        Ok(out)
    }
}
