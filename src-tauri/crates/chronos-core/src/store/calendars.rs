//! Accounts, calendars (with the user's selection and colours) and per-calendar sync state.

use super::crypto::{Aad, RecordKind};
use super::index::CalKey;
use super::{from_ms, now_ms, open_json, seal_json, Store};
use crate::error::{Error, Result};
use crate::model::{
    AccountId, CalendarColors, CalendarId, CalendarListEntry, PageToken, RgbColor, SyncToken,
};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    NeedsReauth,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::NeedsReauth => "needs_reauth",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "needs_reauth" => AccountStatus::NeedsReauth,
            _ => AccountStatus::Active,
        }
    }
}

/// The mark of one full sync of one calendar: rows it brings are stamped with it, and its last
/// page deletes the rows still carrying an older mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Generation(pub i64);

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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredAccount {
    pub id: AccountId,
    pub status: AccountStatus,
    pub created: DateTime<Utc>,
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

/// A calendar's local colour columns, as they were before a change (to put them back).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalColors {
    pub background: Option<String>,
    pub foreground: Option<String>,
    pub pending: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CalendarListOutcome {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
}

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
    // ---- accounts ----

    /// Adds the account if it is new (status active). Returns whether it was added.
    pub fn upsert_account(&self, id: &AccountId) -> Result<bool> {
        let db = self.db();
        let n = db.conn.execute(
            "INSERT OR IGNORE INTO accounts (id, status, created_ms) VALUES (?1, 'active', ?2)",
            params![id.as_str(), now_ms()],
        )?;
        Ok(n == 1)
    }

    pub fn set_account_status(&self, id: &AccountId, status: AccountStatus) -> Result<()> {
        let db = self.db();
        let n = db.conn.execute(
            "UPDATE accounts SET status = ?2 WHERE id = ?1",
            params![id.as_str(), status.as_str()],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("account {id} is not connected")));
        }
        Ok(())
    }

    pub fn list_accounts(&self) -> Result<Vec<StoredAccount>> {
        let db = self.db();
        let mut stmt = db
            .conn
            .prepare("SELECT id, status, created_ms FROM accounts ORDER BY created_ms, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredAccount {
                id: AccountId(r.get(0)?),
                status: AccountStatus::parse(&r.get::<_, String>(1)?),
                created: from_ms(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_account(&self, id: &AccountId) -> Result<Option<StoredAccount>> {
        Ok(self.list_accounts()?.into_iter().find(|a| &a.id == id))
    }

    /// Deletes everything stored for the account: calendars, events, sync state, outbox and
    /// conflicts (the keyring tokens are the auth module's to delete).
    pub fn delete_account(&self, id: &AccountId) -> Result<bool> {
        let db = self.db();
        let n = db
            .conn
            .execute("DELETE FROM accounts WHERE id = ?1", [id.as_str()])?;
        self.index_write().forget_account(id);
        self.selected_write().retain(|(a, _)| a != id);
        Ok(n == 1)
    }

    pub fn calendar_list_sync_token(&self, account: &AccountId) -> Result<Option<SyncToken>> {
        let db = self.db();
        let t: Option<Option<String>> = db
            .conn
            .query_row(
                "SELECT calendar_list_sync_token FROM accounts WHERE id = ?1",
                [account.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(t.flatten().map(SyncToken))
    }

    /// After a 410 on the calendar list.
    pub fn clear_calendar_list_sync_token(&self, account: &AccountId) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE accounts SET calendar_list_sync_token = NULL WHERE id = ?1",
            [account.as_str()],
        )?;
        Ok(())
    }

    // ---- calendars ----

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
            let n = tx.execute(
                "UPDATE calendars SET deleted = 1 WHERE account = ?1 AND calendar_id = ?2 AND deleted = 0",
                params![account.as_str(), cal.as_str()],
            )?;
            if n == 0 {
                continue;
            }
            out.removed += 1;
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

    fn read_calendar(&self, keys: &super::crypto::KeySet, r: &Row<'_>) -> Result<StoredCalendar> {
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

    /// A local-only background (`#rrggbb`) shown instead of Google's, never sent; `None` goes
    /// back to Google's colours (dropping colours not yet sent). [`Store::set_calendar_colors`]
    /// is the user's choice that Google gets too.
    pub fn set_calendar_color(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        color: Option<&str>,
    ) -> Result<()> {
        if let Some(c) = color {
            RgbColor::parse(c)?;
        }
        let db = self.db();
        let n = db.conn.execute(
            "UPDATE calendars SET color_override = ?3, foreground_override = NULL, colors_pending = 0
             WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str(), color],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!(
                "calendar {calendar} of {account} is not in the local store"
            )));
        }
        Ok(())
    }

    /// The user's colours for a calendar, shown at once and marked to be sent to Google.
    /// Returns the colour columns as they were, for [`Store::restore_calendar_colors`].
    pub fn set_calendar_colors(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        colors: &CalendarColors,
    ) -> Result<LocalColors> {
        let mut db = self.db();
        let tx = db.conn.transaction()?;
        let before = tx
            .query_row(
                "SELECT color_override, foreground_override, colors_pending FROM calendars
                 WHERE account = ?1 AND calendar_id = ?2",
                params![account.as_str(), calendar.as_str()],
                |r| {
                    Ok(LocalColors {
                        background: r.get(0)?,
                        foreground: r.get(1)?,
                        pending: r.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "calendar {calendar} of {account} is not in the local store"
                ))
            })?;
        tx.execute(
            "UPDATE calendars SET color_override = ?3, foreground_override = ?4, colors_pending = 1
             WHERE account = ?1 AND calendar_id = ?2",
            params![
                account.as_str(),
                calendar.as_str(),
                colors.background.as_str(),
                colors.foreground.as_str()
            ],
        )?;
        tx.commit()?;
        Ok(before)
    }

    /// Puts a calendar's colour columns back as [`Store::set_calendar_colors`] found them.
    pub fn restore_calendar_colors(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        before: &LocalColors,
    ) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE calendars SET color_override = ?3, foreground_override = ?4, colors_pending = ?5
             WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str(), before.background, before.foreground, before.pending],
        )?;
        Ok(())
    }

    /// The account's calendars whose colours are still to be sent to Google.
    pub fn pending_calendar_colors(
        &self,
        account: &AccountId,
    ) -> Result<Vec<(CalendarId, CalendarColors)>> {
        let db = self.db();
        let mut stmt = db.conn.prepare(
            "SELECT calendar_id, color_override, foreground_override FROM calendars
             WHERE account = ?1 AND colors_pending = 1 AND deleted = 0 ORDER BY calendar_id",
        )?;
        let rows = stmt.query_map([account.as_str()], |r| {
            Ok((
                CalendarId(r.get(0)?),
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (calendar, bg, fg) = row?;
            let colors = match (
                bg.as_deref().map(RgbColor::parse),
                fg.as_deref().map(RgbColor::parse),
            ) {
                (Some(Ok(background)), Some(Ok(foreground))) => CalendarColors {
                    background,
                    foreground,
                },
                _ => {
                    tracing::warn!(%account, %calendar, "pending calendar colours are unreadable; kept local");
                    continue;
                }
            };
            out.push((calendar, colors));
        }
        Ok(out)
    }

    /// Google has the colours `sent` and answered with `entry`: the entry is stored as a
    /// calendar list sync would store it, and the override goes (the calendar shows Google's
    /// colours, now the same) unless the user picked others meanwhile.
    pub fn calendar_colors_sent(
        &self,
        account: &AccountId,
        entry: &CalendarListEntry,
        sent: &CalendarColors,
    ) -> Result<()> {
        self.apply_calendar_list(account, std::slice::from_ref(entry), false, None)?;
        let db = self.db();
        db.conn.execute(
            "UPDATE calendars SET color_override = NULL, foreground_override = NULL, colors_pending = 0
             WHERE account = ?1 AND calendar_id = ?2 AND colors_pending = 1
               AND color_override = ?3 AND foreground_override = ?4",
            params![account.as_str(), entry.id.as_str(), sent.background.as_str(), sent.foreground.as_str()],
        )?;
        Ok(())
    }

    /// Google refused the colours: they stay on this computer only, and are not sent again.
    pub fn keep_calendar_colors_local(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
    ) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE calendars SET colors_pending = 0 WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str()],
        )?;
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

    // ---- sync state ----

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
            params![account.as_str(), calendar.as_str(), kind, message, now_ms()],
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
