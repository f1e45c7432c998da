//! The encrypted local store: one SQLite file holding accounts, calendars, events, sync state,
//! the outbox and conflict records, with every piece of event content sealed by AES-256-GCM.
//!
//! # Blob format
//! Every `blob` column (and `events.meta`) is `version (1 byte, = 1) ‖ key id (u32 big-endian) ‖
//! nonce (96 random bits, fresh per write) ‖ ciphertext ‖ GCM tag (16 bytes)`. The plaintext is
//! the JSON of the whole Google resource (events as the server sent them, calendar list entries)
//! or of the outbox/conflict value, so fields Chronos does not model are protected and preserved
//! alike.
//!
//! # Associated data
//! The AAD is the blob's 5-byte header, a record-kind byte (event, calendar, outbox, conflict,
//! key check, trash entry), the number of identity parts, then each part as `u32 BE length ‖ UTF-8 bytes`:
//! `[account, calendar, event id]` for an event, `[account, calendar]` for a calendar,
//! `[account, calendar, event id, row id]` for outbox, conflict and trash rows, `[account, calendar,
//! channel id]` for a push channel's verification token (`push_channels.token_blob`). The length prefixes make
//! the encoding unambiguous, so a blob copied into another row (or another table) fails to decrypt
//! with `Error::Crypto` naming the row, instead of showing another event's content. Moving an
//! event to another calendar therefore re-seals it under its new identity.
//!
//! # What is plaintext, and why
//! Only what sync and bookkeeping must read without the key: account ids (emails), calendar and
//! event ids, `recurringEventId` (an event id, used to drop a series' exceptions), etags,
//! `updated`, the cancelled flag, calendar access role / colours / selected / hidden / deleted,
//! sync and page tokens, sync times and error kinds, outbox op/state/attempts, conflict kind.
//! Titles, descriptions, locations, attendees, times, recurrence rules, reminders, calendar names
//! and descriptions are all sealed. Times are content too, so there are no time columns: range
//! queries use the in-memory index. Error texts stored in `sync_state.last_error_message` and
//! `outbox.last_error` are plaintext: callers store the server's error message, never content.
//!
//! # Keys
//! The data key (256 random bits) lives in the `SecretStore` (the OS keyring) as
//! `data-key:<id>`, with `data-key:current` naming the key for new writes. The database lists the
//! ids its blobs use, each with a check blob, so a missing or replaced key is reported on open as
//! `Error::DataKeyMissing` naming the cause, and opening never wipes anything.
//! `Store::reset_preview` counts what a reset would lose; `Store::recover_missing_key`, the
//! explicit reset the user consents to, is the one-step way out: it wipes the
//! event data, sync state, outbox and conflicts (accounts and calendar selections stay), starts a
//! new key, and reports how many unsent changes were lost. Rotation: `rotate_data_key` (new writes
//! use the new key, old blobs stay readable), `reencrypt_all`, then `retire_data_key`.
//!
//! # Index
//! Each calendar is indexed on first use into `index::CalendarIndex`: per event its row id, its
//! placement in time and a digest of its stored bytes — no content. The placement and digest
//! also live in the row's sealed `meta` column (`RecordKind::EventMeta`), so indexing a calendar
//! opens a few dozen bytes a row instead of the event; rows written before that column existed
//! are read once and get theirs. Every write updates the index after its commit, while still
//! holding the writer lock, so it always equals the database. A range query collects the row
//! ids near the range (a `BTreeMap` ordered by span start, side maps for spans longer than 4
//! days and for recurring masters) and decrypts just those rows. Recurring masters are returned
//! when their series may reach the range (first start before the range end, and no RRULE UNTIL
//! before its start); exceptions are returned when either their own time or their original slot
//! is in the range, cancelled ones included, so the recurrence expander can hide the instances
//! they replace. All-day and zone-less times are floating: they are widened by 14 h on each
//! side, and the caller trims.
//!
//! # What a synced event costs
//! An event from `events.list` is parsed once (to check it and read the fields above), then its
//! bytes are kept as the server sent them (`IncomingEvent`), digested and sealed as they are: the
//! parsed form is never serialised again. A page whose event has the stored digest rewrites
//! nothing.
//!
//! # Sync bookkeeping
//! `apply_page` commits one page in one transaction: upserts (skipped when the stored event is
//! identical, so re-applying a page rewrites nothing), deletions of cancelled events (a cancelled
//! instance of a series stays as a cancelled exception row; a cancelled single event or series
//! goes, with the series' exceptions), the page token, and on the last page the sync token.
//! `begin_full_sync` hands out a new generation; rows a full sync brings are stamped with it, and
//! its last page deletes, in the same transaction as the new token, every row of the calendar
//! still carrying an older stamp — except rows with outbox entries. Events with outbox entries
//! are never overwritten by a page: the server's version comes back in `PageOutcome::held` for
//! the merge.
//!
//! # Threads
//! `Store` is `Send + Sync` with a synchronous API: share it in an `Arc` and call it from
//! `tokio::task::spawn_blocking` (`Store::call` does that) or one store thread. Open one `Store`
//! per file per process: the index trusts that every write goes through it. One connection, behind a mutex, does all
//! SQL; range queries and `get_event` read their rows through it, between a sync's page
//! transactions.
//!
//! # Durability
//! WAL with `synchronous=NORMAL` for sync writes (a lost last page is fetched again);
//! `synchronous=FULL` for `write_local`, the transaction that holds a user's edit and its outbox
//! entry.

mod account_meta;
mod accounts;
mod calendar_colors;
mod calendars;
mod conflicts;
pub mod crypto;
mod events;
mod incoming;
pub(crate) mod incoming_head;
pub mod index;
mod journal;
mod keys;
mod local_write;
mod outbox;
mod outline;
mod range;
mod rows;
mod scan;
pub mod schema;
mod sync_state;
mod trash;
mod undo;

pub use account_meta::{AccountMeta, AccountMetaKey};
pub use accounts::{AccountStatus, StoredAccount};
pub use calendar_colors::LocalColors;
pub use calendars::{CalendarListOutcome, IncrementalSync, StoredCalendar};
pub use conflicts::{ConflictId, ConflictKind, ConflictValue, NewConflict, StoredConflict};
pub use crypto::KeyId;
pub use events::{CalendarRef, PageApply, PageEnd, PageOutcome, RowChange, StoredEvent};
pub use incoming::IncomingEvent;
pub use journal::{JournalFailure, JournalKind, MassDeletion, MassDeletionId};
pub use local_write::{EventRekey, LocalWrite, LocalWriteResult};
pub use outbox::{
    NewOutboxEntry, OutboxEntry, OutboxError, OutboxId, OutboxOp, OutboxPayload, OutboxState,
};
pub use outline::Detail;
pub(crate) use scan::OpenedRow;
pub use sync_state::{Generation, SyncErrorRecord, SyncState};
pub use trash::{NewTrash, NotRestored, TrashEntry, TrashId, TrashReason, TrashState, TrashUpdate};
pub use undo::{UndoId, UndoRow, UndoState};

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::secrets::SecretStore;
use crypto::{Aad, KeySet, RecordKind, Sealer};
use index::{CalKey, Index};
use rusqlite::Connection;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Runs a blocking piece of work (store calls block on SQLite and on decryption) on tokio's
/// blocking pool, for async callers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(format!("store task: {e}")))?
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The database connection and the keys, owned together by the writer lock.
pub(crate) struct Db {
    pub conn: Connection,
    pub keys: KeySet,
    pub secrets: Arc<dyn SecretStore>,
}

/// What `recover_missing_key` threw away.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecoveryReport {
    /// Local changes that had not reached Google; their content cannot be read any more.
    pub unsent_changes_lost: usize,
    pub conflicts_lost: usize,
    pub events_wiped: usize,
}

impl RecoveryReport {
    fn count(conn: &Connection) -> Result<RecoveryReport> {
        let count = |sql: &str| -> Result<usize> {
            Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as usize)
        };
        Ok(RecoveryReport {
            unsent_changes_lost: count("SELECT COUNT(*) FROM outbox")?,
            conflicts_lost: count("SELECT COUNT(*) FROM conflicts")?,
            events_wiped: count("SELECT COUNT(*) FROM events")?,
        })
    }
}

/// The encrypted local store. See the module documentation.
pub struct Store {
    db: Mutex<Db>,
    /// The current data key, readable without the writer lock so a page is sealed before the
    /// lock is taken. Replaced under the writer lock whenever the current key changes; writers
    /// re-check `Db::keys` under the lock, so a stale copy costs a re-seal, never a wrong key.
    sealer: RwLock<Arc<Sealer>>,
    index: RwLock<Index>,
    /// Selected, not deleted calendars (kept here so range queries need no SQL).
    selected: RwLock<HashSet<CalKey>>,
    /// "Now" for what the store stamps with the engine's time (when an event was trashed).
    clock: RwLock<Arc<dyn Clock>>,
    path: PathBuf,
}

impl Store {
    /// The store file in the platform data directory.
    pub fn default_path() -> Result<PathBuf> {
        let base = directories::BaseDirs::new().ok_or_else(|| {
            Error::Internal("no home directory to keep the local store in".into())
        })?;
        Ok(base
            .data_dir()
            .join("app.chronos.desktop")
            .join("chronos.sqlite"))
    }

    /// Opens (creating and migrating as needed) the store at `path`. Fails with
    /// `Error::DataKeyMissing` when the keyring no longer holds a key the file needs.
    pub fn open(path: impl AsRef<Path>, secrets: Arc<dyn SecretStore>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let conn = open_connection(&path)?;
        let keys = keys::load_or_create(&conn, &*secrets)?;
        let sealer = RwLock::new(Arc::new(keys.sealer()));
        let store = Store {
            db: Mutex::new(Db {
                conn,
                keys,
                secrets,
            }),
            sealer,
            index: RwLock::new(Index::default()),
            selected: RwLock::new(HashSet::new()),
            clock: RwLock::new(Arc::new(SystemClock)),
            path,
        };
        {
            let db = store.db();
            outbox::load_pending(&db, &mut store.index_write())?;
            *store.selected.write().unwrap_or_else(|e| e.into_inner()) =
                calendars::load_selected(&db.conn)?;
        }
        Ok(store)
    }

    /// What `recover_missing_key` would throw away, read without any key and changing nothing
    /// but the schema version (an older file is migrated as any open would).
    pub fn reset_preview(path: impl AsRef<Path>) -> Result<RecoveryReport> {
        let path = path.as_ref();
        if !path.exists() {
            return Ok(RecoveryReport::default());
        }
        RecoveryReport::count(&open_connection(path)?)
    }

    /// The one-step recovery after `Error::DataKeyMissing`, for an explicit reset only (the user
    /// was told what `reset_preview` reports): wipes events, sync state, the outbox and
    /// conflicts, the trash and the undo history (unreadable without the key), the sealed calendar
    /// metadata (names come back with the next calendar list sync), keeps accounts and calendar selections and colours, creates a new data key,
    /// and opens the store. The next sync is a full one.
    pub fn recover_missing_key(
        path: impl AsRef<Path>,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<(Store, RecoveryReport)> {
        let path = path.as_ref();
        let mut conn = open_connection(path)?;
        let tx = conn.transaction()?;
        let report = RecoveryReport::count(&tx)?;
        tx.execute_batch(
            "DELETE FROM events; DELETE FROM outbox; DELETE FROM conflicts; DELETE FROM sync_state;
             DELETE FROM trash; DELETE FROM undo_log;
             UPDATE calendars SET blob = NULL, etag = NULL;
             DELETE FROM account_meta;
             UPDATE accounts SET calendar_list_sync_token = NULL;",
        )?;
        keys::rekey_after_wipe(&tx, &*secrets)?;
        tx.commit()?;
        tracing::warn!(
            unsent = report.unsent_changes_lost,
            conflicts = report.conflicts_lost,
            events = report.events_wiped,
            "local copy wiped after the data key went missing"
        );
        drop(conn);
        Ok((Store::open(path, secrets)?, report))
    }

    /// Runs `f` on tokio's blocking pool, for async callers (the store's calls block on SQLite
    /// and on decryption).
    pub async fn call<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
    {
        let store = Arc::clone(self);
        blocking(move || f(&store)).await
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The clock the store stamps trash entries and sync times with (the engine's, so a pinned
    /// clock pins them too).
    pub fn set_clock(&self, clock: Arc<dyn Clock>) {
        *self.clock.write().unwrap_or_else(|e| e.into_inner()) = clock;
    }

    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.read().unwrap_or_else(|e| e.into_inner()).now()
    }

    // ---- keys ----

    pub fn current_data_key(&self) -> KeyId {
        self.db().keys.current()
    }

    pub fn data_key_ids(&self) -> Vec<KeyId> {
        self.db().keys.ids().collect()
    }

    /// Makes a new data key current. Blobs written before stay readable with their own key.
    pub fn rotate_data_key(&self) -> Result<KeyId> {
        let mut db = self.db();
        let Db {
            conn,
            keys,
            secrets,
        } = &mut *db;
        let tx = conn.transaction()?;
        let id = keys::rotate(&tx, &**secrets, keys)?;
        tx.commit()?;
        *self.sealer.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(keys.sealer());
        Ok(id)
    }

    /// Re-seals every blob not written with the current key, in one transaction. Returns how many
    /// rows were re-sealed.
    pub fn reencrypt_all(&self) -> Result<usize> {
        let mut db = self.db();
        let Db { conn, keys, .. } = &mut *db;
        let current = keys.current();
        let tx = conn.transaction()?;
        let mut n = 0;
        for column in &SEALED_COLUMNS {
            n += reseal_column(&tx, keys, current, column)?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Forgets an old key once no row uses it (after `reencrypt_all`), here and in the keyring.
    pub fn retire_data_key(&self, id: KeyId) -> Result<()> {
        let mut db = self.db();
        let Db {
            conn,
            keys,
            secrets,
        } = &mut *db;
        keys::retire(conn, &**secrets, keys, id)
    }

    // ---- locks ----

    pub(crate) fn db(&self) -> MutexGuard<'_, Db> {
        // A panic while holding the lock leaves at worst a rolled-back transaction behind.
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current key as last published; check it against `Db::keys` under the writer lock.
    pub(crate) fn sealer(&self) -> Arc<Sealer> {
        Arc::clone(&self.sealer.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub(crate) fn index_read(&self) -> RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn index_write(&self) -> RwLockWriteGuard<'_, Index> {
        self.index.write().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn selected_read(&self) -> RwLockReadGuard<'_, HashSet<CalKey>> {
        self.selected.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn selected_write(&self) -> RwLockWriteGuard<'_, HashSet<CalKey>> {
        self.selected.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn open_connection(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Internal(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut conn = Connection::open(path)?;
    schema::configure(&conn)?;
    schema::migrate(&mut conn)?;
    Ok(conn)
}

/// Seals a serialisable value; the JSON plaintext is wiped after use.
pub(crate) fn seal_json<T: serde::Serialize>(
    keys: &KeySet,
    aad: &Aad<'_>,
    value: &T,
) -> Result<Vec<u8>> {
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(value)
            .map_err(|e| Error::Internal(format!("cannot serialise record: {e}")))?,
    );
    Ok(keys.seal(aad, &plain))
}

pub(crate) fn open_json<T: serde::de::DeserializeOwned>(
    keys: &KeySet,
    aad: &Aad<'_>,
    blob: &[u8],
) -> Result<T> {
    let plain = keys.open(aad, blob)?;
    serde_json::from_slice(&plain)
        .map_err(|e| Error::Crypto(format!("a decrypted record is not valid JSON: {e}")))
}

/// A sealed column and how its rows are named: the identity columns in AAD order, and the row
/// match on `?2..` = those identities.
struct SealedColumn {
    table: &'static str,
    kind: RecordKind,
    ids: &'static str,
    column: &'static str,
    row: &'static str,
}

/// Every sealed column of the store.
const SEALED_COLUMNS: [SealedColumn; 9] = [
    SealedColumn {
        table: "events",
        kind: RecordKind::Event,
        ids: "account, calendar_id, event_id",
        column: "blob",
        row: "account = ?2 AND calendar_id = ?3 AND event_id = ?4",
    },
    SealedColumn {
        table: "events",
        kind: RecordKind::EventMeta,
        ids: "account, calendar_id, event_id",
        column: "meta",
        row: "account = ?2 AND calendar_id = ?3 AND event_id = ?4",
    },
    SealedColumn {
        table: "calendars",
        kind: RecordKind::Calendar,
        ids: "account, calendar_id",
        column: "blob",
        row: "account = ?2 AND calendar_id = ?3",
    },
    SealedColumn {
        table: "outbox",
        kind: RecordKind::Outbox,
        ids: "account, calendar_id, event_id, CAST(id AS TEXT)",
        column: "blob",
        row: "account = ?2 AND calendar_id = ?3 AND event_id = ?4 AND id = CAST(?5 AS INTEGER)",
    },
    SealedColumn {
        table: "conflicts",
        kind: RecordKind::Conflict,
        ids: "account, calendar_id, event_id, CAST(id AS TEXT)",
        column: "blob",
        row: "account = ?2 AND calendar_id = ?3 AND event_id = ?4 AND id = CAST(?5 AS INTEGER)",
    },
    SealedColumn {
        table: "push_channels",
        kind: RecordKind::PushChannel,
        ids: "account, calendar_id, channel_id",
        column: "token_blob",
        row: "account = ?2 AND calendar_id = ?3 AND channel_id = ?4",
    },
    SealedColumn {
        table: "trash",
        kind: RecordKind::Trash,
        ids: "account, calendar_id, event_id, CAST(id AS TEXT)",
        column: "blob",
        row: "account = ?2 AND calendar_id = ?3 AND event_id = ?4 AND id = CAST(?5 AS INTEGER)",
    },
    SealedColumn {
        table: "undo_log",
        kind: RecordKind::Undo,
        ids: "account, calendar_id, event_id, CAST(id AS TEXT)",
        column: "blob",
        row: "account = ?2 AND calendar_id = ?3 AND event_id = ?4 AND id = CAST(?5 AS INTEGER)",
    },
    SealedColumn {
        table: "account_meta",
        kind: RecordKind::AccountMeta,
        ids: "account, key",
        column: "blob",
        row: "account = ?2 AND key = ?3",
    },
];

/// Re-seals the blobs of one column not written with `current`; returns how many.
fn reseal_column(
    tx: &rusqlite::Transaction<'_>,
    keys: &KeySet,
    current: KeyId,
    c: &SealedColumn,
) -> Result<usize> {
    let SealedColumn {
        table,
        kind,
        ids: cols,
        column: blob_col,
        row: key,
    } = *c;
    let mut n = 0;
    let rows: Vec<(Vec<String>, Vec<u8>)> = {
        let ncols = cols.split(',').count();
        let mut stmt = tx.prepare(&format!(
            "SELECT {cols}, {blob_col} FROM {table} WHERE {blob_col} IS NOT NULL"
        ))?;
        let rows = stmt.query_map([], |r| {
            let ids = (0..ncols)
                .map(|i| r.get::<_, String>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((ids, r.get::<_, Vec<u8>>(ncols)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (ids, blob) in rows {
        if crypto::blob_key_id(&blob) == Some(current) {
            continue;
        }
        let parts: Vec<&str> = ids.iter().map(String::as_str).collect();
        let aad = Aad {
            kind,
            parts: &parts,
        };
        let plain = keys.open(&aad, &blob)?;
        let sealed = keys.seal(&aad, &plain);
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&sealed];
        params.extend(ids.iter().map(|s| s as &dyn rusqlite::ToSql));
        tx.execute(
            &format!("UPDATE {table} SET {blob_col} = ?1 WHERE {key}"),
            params.as_slice(),
        )?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests;
