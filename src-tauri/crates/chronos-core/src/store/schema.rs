//! The SQLite schema, its versioned migrations (`PRAGMA user_version`) and connection settings.
//!
//! Plaintext columns hold only ids, etags, `updated`, flags and sync bookkeeping; every column
//! named `blob` is an AES-GCM blob (see `crypto.rs`).

use crate::error::{Error, Result};
use rusqlite::Connection;

/// Migration `i` brings the schema from version `i` to `i + 1`. Never edit a shipped step:
/// append a new one.
const MIGRATIONS: &[&str] = &[
    // 0 → 1: accounts, calendars, events, sync state, data keys.
    r#"
    CREATE TABLE meta (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

    -- One row per data key the store's blobs may use; `check_blob` is a known plaintext sealed
    -- with the key, so a different key under the same name in the keyring is detected.
    CREATE TABLE data_keys (
        id         INTEGER PRIMARY KEY,
        check_blob BLOB NOT NULL,
        created_ms INTEGER NOT NULL
    );

    CREATE TABLE accounts (
        id                        TEXT PRIMARY KEY,   -- the account's email
        status                    TEXT NOT NULL,
        created_ms                INTEGER NOT NULL,
        calendar_list_sync_token  TEXT
    ) WITHOUT ROWID;

    CREATE TABLE calendars (
        account            TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        calendar_id        TEXT NOT NULL,
        access_role        TEXT,
        color_id           TEXT,
        background_color   TEXT,
        foreground_color   TEXT,
        color_override     TEXT,
        is_primary         INTEGER NOT NULL DEFAULT 0,
        selected           INTEGER NOT NULL DEFAULT 0,
        selection_by_user  INTEGER NOT NULL DEFAULT 0,
        hidden             INTEGER NOT NULL DEFAULT 0,
        deleted            INTEGER NOT NULL DEFAULT 0,
        etag               TEXT,
        blob               BLOB,                     -- the calendarListEntry (names are content)
        PRIMARY KEY (account, calendar_id)
    ) WITHOUT ROWID;

    CREATE TABLE events (
        account             TEXT NOT NULL,
        calendar_id         TEXT NOT NULL,
        event_id            TEXT NOT NULL,
        etag                TEXT,
        updated             TEXT,
        cancelled           INTEGER NOT NULL DEFAULT 0,
        recurring_event_id  TEXT,
        generation          INTEGER NOT NULL DEFAULT 0,  -- mark for the full-sync sweep
        blob                BLOB NOT NULL,               -- the whole event resource
        -- A rowid table: rows of ~1 KiB are slow in WITHOUT ROWID b-trees.
        UNIQUE (account, calendar_id, event_id),
        FOREIGN KEY (account, calendar_id) REFERENCES calendars(account, calendar_id)
            ON DELETE CASCADE
    );
    CREATE INDEX events_by_series ON events(account, calendar_id, recurring_event_id)
        WHERE recurring_event_id IS NOT NULL;

    CREATE TABLE sync_state (
        account                TEXT NOT NULL,
        calendar_id            TEXT NOT NULL,
        sync_token             TEXT,
        page_token             TEXT,
        generation             INTEGER NOT NULL DEFAULT 0,
        full_sync_generation   INTEGER,              -- set while a full sync is under way
        last_full_sync_ms      INTEGER,
        last_incremental_ms    INTEGER,
        last_error_kind        TEXT,
        last_error_message     TEXT,
        last_error_ms          INTEGER,
        PRIMARY KEY (account, calendar_id),
        FOREIGN KEY (account, calendar_id) REFERENCES calendars(account, calendar_id)
            ON DELETE CASCADE
    ) WITHOUT ROWID;
    "#,
    // 1 → 2: the two-way tables (outbox and conflicts).
    r#"
    CREATE TABLE outbox (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,  -- also the push order
        account      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        calendar_id  TEXT NOT NULL,
        event_id     TEXT NOT NULL,
        op           TEXT NOT NULL,
        state        TEXT NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        created_ms   INTEGER NOT NULL,
        updated_ms   INTEGER NOT NULL,
        blob         BLOB NOT NULL                       -- change + base version
    );
    CREATE INDEX outbox_by_event ON outbox(account, calendar_id, event_id);

    CREATE TABLE conflicts (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        account      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        calendar_id  TEXT NOT NULL,
        event_id     TEXT NOT NULL,
        kind         TEXT NOT NULL,
        created_ms   INTEGER NOT NULL,
        blob         BLOB NOT NULL                       -- local, server and base values
    );
    CREATE INDEX conflicts_by_event ON conflicts(account, calendar_id, event_id);
    "#,
    // 2 → 3: push notification channels (queries in push/persist.rs). The verification token is
    // a secret: `token_blob` is sealed with AAD [account, calendar, channel id].
    r#"
    CREATE TABLE push_channels (
        channel_id     TEXT PRIMARY KEY,
        account        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        calendar_id    TEXT NOT NULL,
        resource_id    TEXT NOT NULL,
        address        TEXT NOT NULL,
        created_ms     INTEGER NOT NULL,
        expiration_ms  INTEGER NOT NULL,
        token_blob     BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX push_channels_by_calendar ON push_channels(account, calendar_id);
    "#,
    // 3 → 4: what Google says about an account beyond its calendars (`colors.get`, `settings`),
    // kept so the app can show them offline (queries in store/account_meta.rs). Sealed with AAD
    // [account, key] like everything else that came from the server.
    r#"
    CREATE TABLE account_meta (
        account      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        key          TEXT NOT NULL,
        fetched_ms   INTEGER NOT NULL,
        blob         BLOB NOT NULL,
        PRIMARY KEY (account, key)
    ) WITHOUT ROWID;
    "#,
    // 4 → 5: whether a calendar's server ends its listings with a sync token (`IncrementalSync`
    // in store/calendars.rs). Calendars synced before were synced with one.
    r#"
    ALTER TABLE sync_state ADD COLUMN incremental_sync TEXT NOT NULL DEFAULT 'available';
    "#,
    // 5 → 6: the user's calendar colours are Google's too (calendarList.patch): the text colour
    // joins the background in the local override, which the calendar shows until Google has
    // both (`colors_pending`). Overrides from before stay local-only, as they were chosen.
    r#"
    ALTER TABLE calendars ADD COLUMN foreground_override TEXT;
    ALTER TABLE calendars ADD COLUMN colors_pending INTEGER NOT NULL DEFAULT 0;
    "#,
    // 6 → 7: each event row's index entry (where it sits in time, a digest of its content),
    // sealed like the event, so a calendar is indexed without decrypting its events. Rows from
    // before get theirs the first time their calendar is indexed. (A covering index for that
    // read saved 40 ms on a cold 100,000-event index and cost 15% more CPU on every sync write.)
    // The kind of an outbox entry's last error goes next to its message. Entries from before
    // get the kind the app used to guess from their state.
    r#"
    ALTER TABLE events ADD COLUMN meta BLOB;
    ALTER TABLE outbox ADD COLUMN last_error_kind TEXT;
    UPDATE outbox SET last_error_kind = CASE WHEN state = 'failed' THEN 'server' ELSE 'offline' END
      WHERE last_error IS NOT NULL;
    "#,
    // 7 → 8: the trash (queries in store/trash.rs): deleted events kept for a while, sealed with
    // AAD [account, calendar, event id, row id] like outbox rows. Plaintext: ids, the reason
    // and state words, the time it was trashed. No foreign key to the account: disconnecting
    // is not a deletion, and what the trash holds stays until it expires.
    r#"
    CREATE TABLE trash (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        account           TEXT NOT NULL,
        calendar_id       TEXT NOT NULL,
        event_id          TEXT NOT NULL,
        reason            TEXT NOT NULL,
        state             TEXT NOT NULL DEFAULT 'trashed',
        restored_id       TEXT,
        trashed_ms        INTEGER NOT NULL,
        blob              BLOB NOT NULL
    );
    CREATE INDEX trash_by_time ON trash(trashed_ms);
    "#,
    // 8 → 9: what sync health shows beyond the current state (queries in store/journal.rs):
    // failures after a later success, re-syncs forced by a 410, and mass deletions with the
    // trash entries they filled. Plaintext: ids, kinds, counts, times and the server's or the
    // engine's error message (never event content), like `sync_state`.
    r#"
    CREATE TABLE sync_journal (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        account         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        calendar_id     TEXT NOT NULL,
        kind            TEXT NOT NULL,
        at_ms           INTEGER NOT NULL,
        error_kind      TEXT,
        message         TEXT,
        count           INTEGER,
        first_trash_id  INTEGER,
        last_trash_id   INTEGER,
        dismissed       INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sync_journal_by_calendar ON sync_journal(account, calendar_id, kind, at_ms);
    "#,
    // 9 → 10: the undo history (queries in store/undo.rs), shared by the app and the CLI: each
    // change made through Chronos, sealed with AAD [account, calendar, event id, row id] (it
    // holds the event before and after). Plaintext: ids, done/undone, when.
    r#"
    CREATE TABLE undo_log (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        account      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        calendar_id  TEXT NOT NULL,
        event_id     TEXT NOT NULL,
        state        TEXT NOT NULL DEFAULT 'done',
        created_ms   INTEGER NOT NULL,
        blob         BLOB NOT NULL
    );
    "#,
];

pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

/// Connection settings every connection gets. `synchronous=NORMAL` is durable across crashes of
/// the app in WAL mode (a power cut may lose the last commits, which the next sync refetches);
/// local edits switch to FULL for their transaction (`with_full_sync`).
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // Only a new file takes it (a store that exists keeps its page size). A full sync writes
    // rows of about 1 KiB: in 16 KiB pages it spends about 8% less CPU than in 4 KiB ones (fewer
    // page splits, WAL frames and write calls).
    conn.execute_batch("PRAGMA page_size=16384")?;
    // `rarray(?)`: a range query reads its rows in one statement.
    rusqlite::vtab::array::load_module(conn)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Internal(format!(
            "SQLite refused WAL mode (got {mode})"
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
    )?;
    Ok(())
}

pub fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies the missing migrations, each in its own transaction together with its version bump.
pub fn migrate(conn: &mut Connection) -> Result<u32> {
    migrate_to(conn, LATEST_VERSION)
}

pub(crate) fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    let mut version = user_version(conn)?;
    if version > LATEST_VERSION {
        return Err(Error::Internal(format!(
            "the local database has schema version {version}, newer than this Chronos \
             understands ({LATEST_VERSION}); update Chronos"
        )));
    }
    while version < target {
        let tx = conn.transaction()?;
        tx.execute_batch(MIGRATIONS[version as usize])?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        version += 1;
        tracing::info!(version, "store schema migrated");
    }
    Ok(version)
}

/// Runs `f` with `synchronous=FULL`, so a local edit and its outbox entry are on disk before
/// the call returns; NORMAL is restored afterwards even if `f` fails.
pub fn with_full_sync<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    conn.execute_batch("PRAGMA synchronous=FULL")?;
    let out = f(conn);
    let restore = conn.execute_batch("PRAGMA synchronous=NORMAL");
    let out = out?;
    restore?;
    Ok(out)
}

pub fn synchronous_level(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?)
}
