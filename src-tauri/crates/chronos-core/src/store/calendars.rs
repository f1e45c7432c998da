//! Calendars as the calendar list brings them, with the user's selection.

use super::crypto::{Aad, KeySet, RecordKind};
use super::index::CalKey;
use super::{open_json, seal_json, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, CalendarListEntry, SyncToken};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::HashSet;

/// Whether a calendar's server ends a listing with a sync token, as its last listing showed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum IncrementalSync {
    /// The last listing ended with a sync token (or none has ended yet): syncs ask for changes.
    #[default]
    Available,
    /// The server ended the listing without a sync token: every sync lists the calendar in
    /// full, so automatic checks meant to be cheap leave it alone.
    Unavailable,
}

impl IncrementalSync {
    pub fn as_str(self) -> &'static str {
        match self {
            IncrementalSync::Available => "available",
            IncrementalSync::Unavailable => "unavailable",
        }
    }
    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "unavailable" => IncrementalSync::Unavailable,
            _ => IncrementalSync::Available,
        }
    }
}

/// A calendar as the app shows it: Google's entry (decrypted) plus the local choices.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredCalendar {
    pub account: AccountId,
    /// After a data-key recovery, until the next calendar list sync, only the plaintext fields
    /// (id, access role, colours, flags) are known.
    pub entry: CalendarListEntry,
    pub selected: bool,
    /// The user chose `selected` here; Google's flag no longer overrides it.
    pub selection_by_user: bool,
    /// The background shown instead of Google's: colours still to be sent to Google (see
    /// `colors_pending`), or a local-only colour.
    pub color_override: Option<String>,
    /// The text colour that goes with `color_override` (none for a local-only background chosen
    /// before colours were sent to Google).
    pub foreground_override: Option<String>,
    /// The override is the user's choice not yet on Google: the next sync sends it.
    pub colors_pending: bool,
    pub deleted: bool,
    /// Whether syncs of this calendar can ask for changes only (see [`IncrementalSync`]).
    pub incremental_sync: IncrementalSync,
}

impl StoredCalendar {
    /// A calendar as synced and shown (selected, no local colours), for the crate's unit tests.
    #[cfg(test)]
    pub(crate) fn shown(account: &str, entry: CalendarListEntry) -> Self {
        Self {
            account: AccountId::new(account),
            entry,
            selected: true,
            selection_by_user: false,
            color_override: None,
            foreground_override: None,
            colors_pending: false,
            deleted: false,
            incremental_sync: Default::default(),
        }
    }

    /// The background and text colours the calendar is shown in: the user's local choice, else
    /// Google's colours for it, else what its `colorId` means in the account's palette
    /// (`by_color_id` gives `(background, foreground)`). `None` where none of them says.
    pub fn shown_colors(
        &self,
        by_color_id: impl Fn(&str) -> Option<(String, String)>,
    ) -> (Option<String>, Option<String>) {
        let e = &self.entry;
        let by_id = || e.color_id.as_deref().and_then(&by_color_id);
        let background = self
            .color_override
            .clone()
            .or_else(|| e.background_color.clone())
            .or_else(|| by_id().map(|(bg, _)| bg));
        let foreground = self
            .foreground_override
            .clone()
            .or_else(|| e.foreground_color.clone())
            .or_else(|| by_id().map(|(_, fg)| fg));
        (background, foreground)
    }

    pub fn is_read_only(&self) -> bool {
        !matches!(
            self.entry.access_role.as_deref(),
            Some("writer") | Some("owner")
        )
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CalendarListOutcome {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
}

pub(crate) fn load_selected(conn: &Connection) -> Result<HashSet<CalKey>> {
    let mut stmt = conn
        .prepare("SELECT account, calendar_id FROM calendars WHERE selected = 1 AND deleted = 0")?;
    let rows = stmt.query_map([], |r| Ok((AccountId(r.get(0)?), CalendarId(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn calendar_exists(
    conn: &Connection,
    account: &AccountId,
    calendar: &CalendarId,
) -> Result<()> {
    let found: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM calendars WHERE account = ?1 AND calendar_id = ?2)",
        params![account.as_str(), calendar.as_str()],
        |r| r.get(0),
    )?;
    if found {
        Ok(())
    } else {
        Err(Error::NotFound(format!(
            "calendar {calendar} of {account} is not in the local store"
        )))
    }
}

fn opt_bool(b: Option<bool>) -> bool {
    b.unwrap_or(false)
}

impl Store {
    /// Stores a calendar list result in one transaction. `complete` says `entries` is the whole
    /// list (a full calendar list sync): calendars missing from it are marked deleted. Entries
    /// with `deleted: true` are marked deleted too; a deleted calendar loses its events (except
    /// ones with unsent local changes) and its sync state. New calendars follow Google's
    /// `selected` flag (the primary calendar is always selected at first); existing ones keep the
    /// user's choice once the user has made one.
    pub fn apply_calendar_list(
        &self,
        account: &AccountId,
        entries: &[CalendarListEntry],
        complete: bool,
        next_sync_token: Option<&SyncToken>,
    ) -> Result<CalendarListOutcome> {
        let mut db = self.db();
        let super::Db { conn, keys, .. } = &mut *db;
        let tx = conn.transaction()?;
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1)",
            [account.as_str()],
            |r| r.get(0),
        )?;
        if !known {
            return Err(Error::NotFound(format!(
                "account {account} is not connected"
            )));
        }
        let mut out = CalendarListOutcome::default();
        let mut deleted: Vec<CalendarId> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for entry in entries {
            if entry.id.as_str().is_empty() {
                tracing::warn!(%account, "calendar list entry without id skipped");
                continue;
            }
            seen.insert(entry.id.as_str());
            if opt_bool(entry.deleted) {
                deleted.push(entry.id.clone());
                continue;
            }
            let existed = upsert_entry(&tx, keys, account, entry)?;
            if existed {
                out.updated += 1;
            } else {
                out.added += 1;
            }
            tx.execute(
                "INSERT OR IGNORE INTO sync_state (account, calendar_id) VALUES (?1, ?2)",
                params![account.as_str(), entry.id.as_str()],
            )?;
        }
        if complete {
            let mut stmt =
                tx.prepare("SELECT calendar_id FROM calendars WHERE account = ?1 AND deleted = 0")?;
            let all: Vec<String> = stmt
                .query_map([account.as_str()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            deleted.extend(
                all.into_iter()
                    .filter(|c| !seen.contains(c.as_str()))
                    .map(CalendarId),
            );
        }
        for cal in &deleted {
            if mark_deleted(&tx, account, cal)? {
                out.removed += 1;
            }
        }
        if let Some(token) = next_sync_token {
            tx.execute(
                "UPDATE accounts SET calendar_list_sync_token = ?2 WHERE id = ?1",
                params![account.as_str(), token.as_str()],
            )?;
        }
        tx.commit()?;
        // The deleted calendars' remaining rows (pending ones) are reloaded on next use.
        let mut index = self.index_write();
        for cal in &deleted {
            index.calendars.remove(&(account.clone(), cal.clone()));
        }
        drop(index);
        *self.selected_write() = load_selected(&db.conn)?;
        Ok(out)
    }

    fn read_calendar(&self, keys: &KeySet, r: &Row<'_>) -> Result<StoredCalendar> {
        let account = AccountId(r.get(0)?);
        let id = CalendarId(r.get(1)?);
        let blob: Option<Vec<u8>> = r.get(13)?;
        let entry = match blob {
            Some(b) => open_json::<CalendarListEntry>(
                keys,
                &Aad {
                    kind: RecordKind::Calendar,
                    parts: &[account.as_str(), id.as_str()],
                },
                &b,
            )?,
            // Wiped by a data-key recovery: what the plaintext columns know, until the next
            // calendar list sync brings the rest.
            None => CalendarListEntry {
                id: id.clone(),
                access_role: r.get(2)?,
                color_id: r.get(3)?,
                background_color: r.get(4)?,
                foreground_color: r.get(5)?,
                primary: r.get::<_, bool>(7)?.then_some(true),
                hidden: r.get::<_, bool>(10)?.then_some(true),
                ..Default::default()
            },
        };
        let selected: bool = r.get(8)?;
        Ok(StoredCalendar {
            account,
            entry,
            selected,
            selection_by_user: r.get(9)?,
            color_override: r.get(6)?,
            foreground_override: r.get(15)?,
            colors_pending: r.get(16)?,
            deleted: r.get(11)?,
            incremental_sync: IncrementalSync::parse(&r.get::<_, String>(14)?),
        })
    }

    /// Calendars of one account (or all), ordered primary first; deleted ones only on request.
    pub fn list_calendars(
        &self,
        account: Option<&AccountId>,
        include_deleted: bool,
    ) -> Result<Vec<StoredCalendar>> {
        let db = self.db();
        let mut stmt = db.conn.prepare(
            "SELECT c.account, c.calendar_id, c.access_role, c.color_id, c.background_color, c.foreground_color,
                    c.color_override, c.is_primary, c.selected, c.selection_by_user, c.hidden, c.deleted, c.etag,
                    c.blob, COALESCE(s.incremental_sync, 'available'), c.foreground_override, c.colors_pending
             FROM calendars c
             LEFT JOIN sync_state s ON s.account = c.account AND s.calendar_id = c.calendar_id
             WHERE (?1 IS NULL OR c.account = ?1) AND (?2 OR c.deleted = 0)
             ORDER BY c.account, c.is_primary DESC, c.calendar_id",
        )?;
        let mut rows = stmt.query(params![account.map(|a| a.as_str()), include_deleted])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(self.read_calendar(&db.keys, r)?);
        }
        Ok(out)
    }

    pub fn get_calendar(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
    ) -> Result<Option<StoredCalendar>> {
        Ok(self
            .list_calendars(Some(account), true)?
            .into_iter()
            .find(|c| &c.entry.id == calendar))
    }

    pub fn set_calendar_selected(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        selected: bool,
    ) -> Result<()> {
        let db = self.db();
        let n = db.conn.execute(
            "UPDATE calendars SET selected = ?3, selection_by_user = 1 WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str(), selected],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!(
                "calendar {calendar} of {account} is not in the local store"
            )));
        }
        *self.selected_write() = load_selected(&db.conn)?;
        if !selected {
            // Its decrypted events are not shown any more: free them (reloaded on next use).
            self.index_write()
                .calendars
                .remove(&(account.clone(), calendar.clone()));
        }
        Ok(())
    }

    /// Selected, not deleted calendars (optionally of one account).
    pub fn selected_calendars(&self, account: Option<&AccountId>) -> Vec<(AccountId, CalendarId)> {
        let mut v: Vec<_> = self
            .selected_read()
            .iter()
            .filter(|(a, _)| account.is_none_or(|x| x == a))
            .cloned()
            .collect();
        v.sort();
        v
    }
}

/// Stores one calendar list entry; returns whether the calendar was known already.
fn upsert_entry(
    tx: &Connection,
    keys: &KeySet,
    account: &AccountId,
    entry: &CalendarListEntry,
) -> Result<bool> {
    let blob = seal_json(
        keys,
        &Aad {
            kind: RecordKind::Calendar,
            parts: &[account.as_str(), entry.id.as_str()],
        },
        entry,
    )?;
    let existed = tx
        .query_row(
            "SELECT 1 FROM calendars WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), entry.id.as_str()],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    let google_selected = opt_bool(entry.selected) || opt_bool(entry.primary);
    // Google's `selected` decides only until the user has chosen for this calendar.
    tx.execute(
        "INSERT INTO calendars (account, calendar_id, access_role, color_id, background_color,
           foreground_color, is_primary, selected, hidden, deleted, etag, blob)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11)
         ON CONFLICT (account, calendar_id) DO UPDATE SET
           access_role = excluded.access_role, color_id = excluded.color_id,
           background_color = excluded.background_color,
           foreground_color = excluded.foreground_color, is_primary = excluded.is_primary,
           selected = CASE WHEN selection_by_user = 1 THEN selected ELSE excluded.selected END,
           hidden = excluded.hidden, deleted = 0, etag = excluded.etag, blob = excluded.blob",
        params![
            account.as_str(),
            entry.id.as_str(),
            entry.access_role,
            entry.color_id,
            entry.background_color,
            entry.foreground_color,
            opt_bool(entry.primary),
            google_selected,
            opt_bool(entry.hidden),
            entry.etag.as_ref().map(|e| e.as_str()),
            blob
        ],
    )?;
    Ok(existed)
}

/// Marks a calendar deleted, dropping its events (except ones with unsent local changes) and its
/// sync state. Returns false when it was deleted already.
fn mark_deleted(tx: &Connection, account: &AccountId, cal: &CalendarId) -> Result<bool> {
    let n = tx.execute(
        "UPDATE calendars SET deleted = 1 WHERE account = ?1 AND calendar_id = ?2 AND deleted = 0",
        params![account.as_str(), cal.as_str()],
    )?;
    if n == 0 {
        return Ok(false);
    }
    tx.execute(
        "DELETE FROM events WHERE account = ?1 AND calendar_id = ?2 AND NOT EXISTS (
           SELECT 1 FROM outbox o WHERE o.account = events.account
             AND o.calendar_id = events.calendar_id AND o.event_id = events.event_id)",
        params![account.as_str(), cal.as_str()],
    )?;
    tx.execute(
        "UPDATE sync_state SET sync_token = NULL, page_token = NULL, full_sync_generation = NULL
         WHERE account = ?1 AND calendar_id = ?2",
        params![account.as_str(), cal.as_str()],
    )?;
    Ok(true)
}
