//! Events: applying a page of server results, range queries over the index, reading one event.

use super::calendars::{calendar_exists, IncrementalSync};
use super::crypto::KeySet;
use super::crypto::Sealer;
use super::incoming::IncomingEvent;
use super::index::{CalKey, CalendarIndex, Hit, Index, RowMeta};
use super::outline::Detail;
use super::rows::{
    backfill_meta, delete_row, event_aad, mark_seen, meta_aad, prepare, preseal, take_row,
    write_row, IndexOp, Prepared,
};
use super::sync_state::Generation;
use super::trash::{trash_gone_row, TrashId, TrashReason};
use super::{open_json, Db, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, EventId, EventResource, PageToken, SyncToken};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How a page of `events.list` ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageEnd {
    /// More pages follow; stored so an interrupted sync resumes here.
    Next(PageToken),
    /// The last page, with the token for the next incremental sync.
    Last(SyncToken),
    /// The last page of a server that hands out no sync token: the calendar's next sync is a
    /// full one again (see `IncrementalSync::Unavailable`).
    LastWithoutToken,
}

impl PageEnd {
    pub fn is_last(&self) -> bool {
        !matches!(self, PageEnd::Next(_))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageApply {
    /// `Some` during a full sync: the generation `begin_full_sync` returned (or the one
    /// `SyncState::full_sync` holds when resuming). `None` for an incremental sync.
    pub full_sync: Option<Generation>,
    pub end: PageEnd,
}

/// What one page changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PageOutcome {
    pub added: usize,
    pub updated: usize,
    /// Rows removed because the server cancelled them (with a cancelled series' exceptions).
    pub deleted: usize,
    pub unchanged: usize,
    /// Rows removed by the sweep at the end of a full sync.
    pub swept: usize,
    /// Items that could not be stored (no id).
    pub skipped: usize,
    /// Server versions of events that have unsent local changes: the local row was left as it
    /// is, for the merge to decide.
    #[serde(skip)]
    pub held: Vec<EventResource>,
    /// The trash entries the page's removals filled, in order.
    #[serde(skip)]
    pub trashed: Vec<TrashId>,
}

/// An event as the app reads it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredEvent {
    pub account: AccountId,
    pub calendar: CalendarId,
    #[serde(serialize_with = "serialize_arc")]
    pub event: Arc<EventResource>,
    /// The event has local changes not yet on Google.
    pub pending: bool,
}

fn serialize_arc<S: serde::Serializer>(
    e: &Arc<EventResource>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    (**e).serialize(s)
}

/// One calendar of one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CalendarRef {
    pub account: AccountId,
    pub calendar: CalendarId,
}

/// A change to a local event row, made by the user or by the push/merge code.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // short-lived; boxing would only add noise at call sites
pub enum RowChange {
    Upsert {
        calendar: CalendarId,
        event: EventResource,
    },
    Delete {
        calendar: CalendarId,
        event_id: EventId,
    },
}

impl Store {
    /// Indexes a calendar unless it is indexed already, from its rows' sealed meta (rows written
    /// before that column existed are decrypted once and get theirs). Must be called with the
    /// writer lock held, so no write slips between the read and the insert.
    pub(crate) fn ensure_loaded(
        &self,
        db: &Db,
        account: &AccountId,
        calendar: &CalendarId,
    ) -> Result<()> {
        let key: CalKey = (account.clone(), calendar.clone());
        if self.index_read().calendars.contains_key(&key) {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let mut ci = CalendarIndex::default();
        let mut stale: Vec<(i64, EventId, Option<EventId>)> = Vec::new();
        {
            let mut stmt = db.conn.prepare_cached(
                "SELECT rowid, event_id, recurring_event_id, meta FROM events WHERE account = ?1 AND calendar_id = ?2",
            )?;
            let mut rows = stmt.query(params![account.as_str(), calendar.as_str()])?;
            while let Some(r) = rows.next()? {
                let rowid: i64 = r.get(0)?;
                let id = EventId(r.get(1)?);
                let master: Option<EventId> = r.get::<_, Option<String>>(2)?.map(EventId);
                let meta = match r.get_ref(3)?.as_blob_or_null().ok().flatten() {
                    Some(sealed) => {
                        let parts = [account.as_str(), calendar.as_str(), id.as_str()];
                        RowMeta::decode(rowid, &db.keys.open(&meta_aad(&parts), sealed)?)
                    }
                    None => None,
                };
                match meta {
                    Some(meta) => ci.upsert(id, master, meta),
                    None => stale.push((rowid, id, master)),
                }
            }
        }
        let backfilled = stale.len();
        if !stale.is_empty() {
            backfill_meta(db, account, calendar, stale, &mut ci)?;
        }
        tracing::debug!(%account, %calendar, events = ci.len(), backfilled, ms = started.elapsed().as_millis() as u64, "calendar indexed");
        self.index_write().calendars.insert(key, ci);
        Ok(())
    }

    /// Stores one page of `events.list` in one transaction: upserts, deletions of cancelled
    /// events (a cancelled instance of a series is kept as a cancelled exception row), the page
    /// token, and on the last page the sync token — after a full sync also the sweep of rows
    /// that sync did not bring back (rows with unsent local changes survive). Re-applying a page
    /// changes nothing. Events with unsent local changes are not overwritten: they come back in
    /// `PageOutcome::held`.
    pub fn apply_page(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        events: &[EventResource],
        page: &PageApply,
    ) -> Result<PageOutcome> {
        let incoming = events
            .iter()
            .map(IncomingEvent::from_event)
            .collect::<Result<Vec<_>>>()?;
        self.apply_incoming(account, calendar, incoming, page)
    }

    /// `apply_page` for a caller that gives up its events.
    pub fn apply_page_owned(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        events: Vec<EventResource>,
        page: &PageApply,
    ) -> Result<PageOutcome> {
        self.apply_page(account, calendar, &events, page)
    }

    /// `apply_page` for events as the server sent them: their bytes are sealed as they are.
    pub fn apply_incoming(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        events: Vec<IncomingEvent>,
        page: &PageApply,
    ) -> Result<PageOutcome> {
        // Digesting and encrypting happen here, before the writer lock: pages of different
        // calendars seal on different cores.
        let sealer = self.sealer();
        let presealed = preseal(self, &sealer, account, calendar, &events);
        self.commit_page(account, calendar, events, presealed, &sealer, page)
    }

    /// The locked half of `apply_incoming`: `presealed` holds one slot per event, sealed with
    /// `sealer` (see `preseal`).
    pub(crate) fn commit_page(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        events: Vec<IncomingEvent>,
        mut presealed: Vec<Option<Prepared>>,
        sealer: &Sealer,
        page: &PageApply,
    ) -> Result<PageOutcome> {
        debug_assert_eq!(events.len(), presealed.len());
        let mut db = self.db();
        calendar_exists(&db.conn, account, calendar)?;
        self.ensure_loaded(&db, account, calendar)?;
        let Db { conn, keys, .. } = &mut *db;
        if keys.current() != sealer.id() {
            // The key was rotated after the pre-seal: rows must carry the current key.
            tracing::debug!(%account, %calendar, "data key changed while sealing a page; sealing again");
            presealed.iter_mut().flatten().for_each(|p| p.sealed = None);
        }
        let current = keys.sealer();
        let now_ms = self.now().timestamp_millis();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let stamp = page_stamp(&tx, account, calendar, page)?;

        let key: CalKey = (account.clone(), calendar.clone());
        let mut write = PageWrite {
            tx: &tx,
            keys,
            now_ms,
            account,
            calendar,
            stamp,
            out: PageOutcome::default(),
            ops: Vec::new(),
        };
        {
            let index = self.index_read();
            let cal = &index.calendars[&key];
            for (ev, blob) in events.into_iter().zip(presealed) {
                write.event(&index, cal, &current, ev, blob)?;
            }
        }
        write.end(page)?;
        let PageWrite { out, ops, .. } = write;
        tx.commit()?;
        self.apply_index_ops(&key, ops);
        Ok(out)
    }

    pub(crate) fn apply_index_ops(&self, key: &CalKey, ops: Vec<IndexOp>) {
        if ops.is_empty() {
            return;
        }
        let mut index = self.index_write();
        // A calendar that was never indexed is indexed whole on first use; nothing to patch.
        let Some(cal) = index.calendars.get_mut(key) else {
            return;
        };
        for op in ops {
            match op {
                IndexOp::Upsert { id, master, meta } => cal.upsert(id, master, meta),
                IndexOp::Remove(id) => {
                    cal.remove(&id);
                }
            }
        }
    }

    /// Events of the given calendars (default: every selected calendar, optionally of one
    /// account) that overlap `[from, to)`, ordered by start. See the module docs for what
    /// "overlap" means for recurring masters, exceptions and all-day events.
    pub fn events_in_range(
        &self,
        account: Option<&AccountId>,
        calendars: Option<&[CalendarRef]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredEvent>> {
        self.events_in_range_at(account, calendars, from, to, Detail::Full)
    }

    /// [`Store::events_in_range`], each event opened at `detail`.
    pub fn events_in_range_at(
        &self,
        account: Option<&AccountId>,
        calendars: Option<&[CalendarRef]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        detail: Detail,
    ) -> Result<Vec<StoredEvent>> {
        if to <= from {
            return Err(Error::InvalidInput(
                "the range ends before it starts".into(),
            ));
        }
        let reader = self.range_reader(account, calendars)?;
        let mut hits: Vec<(Hit, usize)> = Vec::new();
        reader.walk(from.timestamp(), to.timestamp(), |seen, i| {
            hits.push((seen.hit, i))
        });
        reader.read(&hits, detail)
    }

    /// One event, read from its row (decrypted now), with its pending mark.
    pub fn get_event(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
    ) -> Result<Option<StoredEvent>> {
        let Some(event) = self.read_event_row(account, calendar, id)? else {
            calendar_exists(&self.db().conn, account, calendar)?;
            return Ok(None);
        };
        let key: CalKey = (account.clone(), calendar.clone());
        Ok(Some(stored(&self.index_read(), &key, Arc::new(event))))
    }

    /// Reads one event straight from its row, bypassing the index (decrypts it now).
    pub fn read_event_row(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
    ) -> Result<Option<EventResource>> {
        let db = self.db();
        let blob: Option<Vec<u8>> = db
            .conn
            .query_row(
                "SELECT blob FROM events WHERE account = ?1 AND calendar_id = ?2 AND event_id = ?3",
                params![account.as_str(), calendar.as_str(), id.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        blob.map(|b| {
            open_json(
                &db.keys,
                &event_aad(&[account.as_str(), calendar.as_str(), id.as_str()]),
                &b,
            )
        })
        .transpose()
    }

    /// Number of event rows of a calendar (cancelled exceptions included).
    pub fn event_count(&self, account: &AccountId, calendar: &CalendarId) -> Result<usize> {
        let db = self.db();
        Ok(db.conn.query_row(
            "SELECT COUNT(*) FROM events WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str()],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }
}

pub(super) fn stored(index: &Index, key: &CalKey, event: Arc<EventResource>) -> StoredEvent {
    StoredEvent {
        account: key.0.clone(),
        calendar: key.1.clone(),
        pending: index.is_pending(&key.0, &key.1, &event.id),
        event,
    }
}

/// The generation a page's rows are stamped with: the full sync's (which must be the one under
/// way) or the calendar's current one. Creates the calendar's sync state if it has none.
fn page_stamp(
    tx: &rusqlite::Transaction<'_>,
    account: &AccountId,
    calendar: &CalendarId,
    page: &PageApply,
) -> Result<i64> {
    tx.execute(
        "INSERT OR IGNORE INTO sync_state (account, calendar_id) VALUES (?1, ?2)",
        params![account.as_str(), calendar.as_str()],
    )?;
    let (generation, in_progress): (i64, Option<i64>) = tx.query_row(
        "SELECT generation, full_sync_generation FROM sync_state WHERE account = ?1 AND calendar_id = ?2",
        params![account.as_str(), calendar.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    match page.full_sync {
        Some(g) if Some(g.0) == in_progress => Ok(g.0),
        Some(g) => Err(Error::Conflict(format!(
            "full sync generation {} of {calendar} is not the one under way ({in_progress:?})",
            g.0
        ))),
        None => Ok(generation),
    }
}

/// The writes of one page inside its transaction: what they did, and the index changes to make
/// once it commits.
struct PageWrite<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    /// For the trash: a removed row is opened and sealed again as a trash entry.
    keys: &'a KeySet,
    /// When the page's deletions are trashed.
    now_ms: i64,
    account: &'a AccountId,
    calendar: &'a CalendarId,
    stamp: i64,
    out: PageOutcome,
    ops: Vec<IndexOp>,
}

impl PageWrite<'_> {
    /// Stores one event of the page (or holds it back, drops it, or only marks it seen).
    fn event(
        &mut self,
        index: &Index,
        cal: &CalendarIndex,
        current: &Sealer,
        ev: IncomingEvent,
        blob: Option<Prepared>,
    ) -> Result<()> {
        let (tx, account, calendar, stamp) = (self.tx, self.account, self.calendar, self.stamp);
        if ev.id.as_str().is_empty() {
            tracing::warn!(%account, %calendar, "event without id skipped");
            self.out.skipped += 1;
            return Ok(());
        }
        let existing = cal.get(&ev.id);
        // The pending marks change only under the writer lock we hold, so they equal the
        // outbox table here; no query per event.
        if index.is_pending(account, calendar, &ev.id) {
            if let Some((rowid, _)) = existing {
                mark_seen(tx, rowid, stamp)?;
            }
            self.out.held.push(ev.parse()?);
            return Ok(());
        }
        if ev.cancelled && !ev.exception {
            return self.cancelled(index, &ev.id);
        }
        let stored = existing.map(|(_, d)| d);
        let mut prepared = match blob {
            Some(p) => p,
            None => prepare(current, account, calendar, &ev, |d| stored == Some(d)),
        };
        if let Some((rowid, _)) = existing.filter(|(_, d)| *d == prepared.digest) {
            mark_seen(tx, rowid, stamp)?;
            self.out.unchanged += 1;
            return Ok(());
        }
        if prepared.sealed.is_none() {
            prepared = prepare(current, account, calendar, &ev, |_| false);
        }
        let row = existing.map(|(rowid, _)| rowid);
        self.ops.push(write_row(
            tx,
            (account, calendar, row),
            &ev,
            stamp,
            prepared,
        )?);
        if existing.is_some() {
            self.out.updated += 1;
        } else {
            self.out.added += 1;
        }
        Ok(())
    }

    /// A single event or a whole series is gone: drop it into the trash, and drop the series'
    /// exceptions (but not those with unsent local changes; they are part of the series the
    /// trash keeps, so not entries of their own).
    fn cancelled(&mut self, index: &Index, id: &EventId) -> Result<()> {
        let (tx, account, calendar) = (self.tx, self.account, self.calendar);
        if let Some(gone) = take_row(tx, account, calendar, id)? {
            let reason = TrashReason::DeletedOnGoogle;
            let kept = trash_gone_row(
                tx,
                self.keys,
                (account, calendar, id),
                &gone,
                reason,
                self.now_ms,
            )?;
            self.out.trashed.extend(kept);
            self.out.deleted += 1;
            self.ops.push(IndexOp::Remove(id.clone()));
        } else {
            self.out.unchanged += 1;
        }
        let exceptions: Vec<String> = tx
            .prepare_cached(
                "SELECT event_id FROM events WHERE account = ?1 AND calendar_id = ?2 AND recurring_event_id = ?3",
            )?
            .query_map(params![account.as_str(), calendar.as_str(), id.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for x in exceptions {
            let id = EventId(x);
            if !index.is_pending(account, calendar, &id) {
                delete_row(tx, account, calendar, &id)?;
                self.out.deleted += 1;
                self.ops.push(IndexOp::Remove(id));
            }
        }
        Ok(())
    }

    /// How the page ends: the next page's token, or (on the last page) the full sync's sweep
    /// and the calendar's new sync token.
    fn end(&mut self, page: &PageApply) -> Result<()> {
        let (tx, account, calendar) = (self.tx, self.account, self.calendar);
        match &page.end {
            PageEnd::Next(token) => {
                tx.execute(
                    "UPDATE sync_state SET page_token = ?3 WHERE account = ?1 AND calendar_id = ?2",
                    params![account.as_str(), calendar.as_str(), token.as_str()],
                )?;
            }
            PageEnd::Last(_) | PageEnd::LastWithoutToken => {
                if page.full_sync.is_some() {
                    self.sweep()?;
                }
                let time_col = if page.full_sync.is_some() {
                    "last_full_sync_ms"
                } else {
                    "last_incremental_ms"
                };
                let (token, incremental) = match &page.end {
                    PageEnd::Last(token) => (Some(token.as_str()), IncrementalSync::Available),
                    _ => (None, IncrementalSync::Unavailable),
                };
                tx.execute(
                    &format!(
                        "UPDATE sync_state SET sync_token = ?3, page_token = NULL, full_sync_generation = NULL,
                           {time_col} = ?4, incremental_sync = ?5,
                           last_error_kind = NULL, last_error_message = NULL, last_error_ms = NULL
                         WHERE account = ?1 AND calendar_id = ?2"
                    ),
                    params![account.as_str(), calendar.as_str(), token, self.now_ms, incremental.as_str()],
                )?;
            }
        }
        Ok(())
    }

    /// The end of a full sync: rows the server no longer lists (and that have no unsent local
    /// change) go.
    fn sweep(&mut self) -> Result<()> {
        let (tx, account, calendar) = (self.tx, self.account, self.calendar);
        let stale: Vec<String> = tx
            .prepare(
                "SELECT event_id FROM events e WHERE account = ?1 AND calendar_id = ?2 AND generation < ?3
                   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.account = e.account
                     AND o.calendar_id = e.calendar_id AND o.event_id = e.event_id)",
            )?
            .query_map(params![account.as_str(), calendar.as_str(), self.stamp], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // A series swept whole goes into the trash once, as its master.
        let swept: std::collections::HashSet<&str> = stale.iter().map(String::as_str).collect();
        for id in &stale {
            let id = EventId(id.clone());
            if let Some(gone) = take_row(tx, account, calendar, &id)? {
                if !gone
                    .master
                    .as_ref()
                    .is_some_and(|m| swept.contains(m.as_str()))
                {
                    let reason = TrashReason::GoneInFullSync;
                    let kept = trash_gone_row(
                        tx,
                        self.keys,
                        (account, calendar, &id),
                        &gone,
                        reason,
                        self.now_ms,
                    )?;
                    self.out.trashed.extend(kept);
                }
            }
            self.out.swept += 1;
            self.ops.push(IndexOp::Remove(id));
        }
        Ok(())
    }
}
