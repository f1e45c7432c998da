//! Schema-level tests that need the crate's internals (migration steps, pragmas).

use super::schema::{self, LATEST_VERSION};
use super::{IncomingEvent, Store};
use crate::model::{AccountId, CalendarId, CalendarListEntry};
use crate::secrets::MemorySecretStore;
use rusqlite::Connection;
use std::sync::Arc;

fn tables(conn: &Connection) -> Vec<String> {
    conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn migrates_step_by_step_from_version_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    {
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(schema::user_version(&conn).unwrap(), 0);
        assert_eq!(schema::migrate_to(&mut conn, 1).unwrap(), 1);
        let t = tables(&conn);
        assert!(
            t.contains(&"events".to_string()) && !t.contains(&"outbox".to_string()),
            "{t:?}"
        );
        // Data written at version 1 must survive the next steps.
        conn.execute(
            "INSERT INTO accounts (id, status, created_ms) VALUES ('a@x', 'active', 1)",
            [],
        )
        .unwrap();
    }
    let secrets = Arc::new(MemorySecretStore::default());
    let store = Store::open(&path, secrets.clone()).unwrap();
    let accounts = store.list_accounts().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].id.as_str(), "a@x");
    drop(store);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(schema::user_version(&conn).unwrap(), LATEST_VERSION);
    let t = tables(&conn);
    for want in [
        "account_meta",
        "accounts",
        "calendars",
        "conflicts",
        "data_keys",
        "events",
        "meta",
        "outbox",
        "push_channels",
        "sync_state",
        "trash",
    ] {
        assert!(t.contains(&want.to_string()), "missing {want}: {t:?}");
    }
    // Opening again is a no-op for the schema.
    drop(conn);
    Store::open(&path, secrets).unwrap();
}

#[test]
fn a_version_6_outbox_error_gets_the_kind_the_app_used_to_guess() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.sqlite");
    let mut conn = Connection::open(&path).unwrap();
    assert_eq!(schema::migrate_to(&mut conn, 6).unwrap(), 6);
    conn.execute_batch(
        "INSERT INTO accounts (id, status, created_ms) VALUES ('a@x', 'active', 1);
         INSERT INTO outbox (account, calendar_id, event_id, op, state, last_error, created_ms, updated_ms, blob)
           VALUES ('a@x', 'c1', 'e1', 'update', 'failed', '403 forbidden', 1, 1, x'00'),
                  ('a@x', 'c1', 'e2', 'update', 'pending', 'network down', 1, 1, x'00'),
                  ('a@x', 'c1', 'e3', 'insert', 'pending', NULL, 1, 1, x'00');",
    )
    .unwrap();
    assert_eq!(schema::migrate(&mut conn).unwrap(), LATEST_VERSION);
    let kinds: Vec<Option<String>> = conn
        .prepare("SELECT last_error_kind FROM outbox ORDER BY event_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        kinds,
        [Some("server".to_owned()), Some("offline".to_owned()), None]
    );
}

#[test]
fn a_version_4_store_keeps_its_sync_tokens_and_counts_as_incremental() {
    use super::IncrementalSync;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.sqlite");
    {
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(schema::migrate_to(&mut conn, 4).unwrap(), 4);
        conn.execute_batch(
            "INSERT INTO accounts (id, status, created_ms) VALUES ('a@x', 'active', 1);
             INSERT INTO calendars (account, calendar_id, selected) VALUES ('a@x', 'c1', 1);
             INSERT INTO calendars (account, calendar_id, selected) VALUES ('a@x', 'c2', 1);
             INSERT INTO sync_state (account, calendar_id, sync_token, last_full_sync_ms)
               VALUES ('a@x', 'c1', 'tok-1', 5);",
        )
        .unwrap();
    }
    let store = Store::open(&path, Arc::new(MemorySecretStore::default())).unwrap();
    let (a, c1, c2) = (
        AccountId::new("a@x"),
        CalendarId::new("c1"),
        CalendarId::new("c2"),
    );
    let state = store.sync_state(&a, &c1).unwrap();
    assert_eq!(state.sync_token.as_ref().map(|t| t.as_str()), Some("tok-1"));
    assert_eq!(state.incremental_sync, IncrementalSync::Available);
    // A calendar with no sync state row yet (never synced) reads the same.
    assert_eq!(
        store.sync_state(&a, &c2).unwrap().incremental_sync,
        IncrementalSync::Available
    );
    let listed = store.list_calendars(Some(&a), false).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|c| c.incremental_sync == IncrementalSync::Available),
        "{listed:?}"
    );
    assert!(!store.lacks_incremental_sync(&a, &c1));
    drop(store);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(schema::user_version(&conn).unwrap(), LATEST_VERSION);
}

#[test]
fn a_version_5_store_keeps_its_local_colour_as_local_only() {
    use crate::model::{CalendarColors, RgbColor};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.sqlite");
    {
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(schema::migrate_to(&mut conn, 5).unwrap(), 5);
        conn.execute_batch(
            "INSERT INTO accounts (id, status, created_ms) VALUES ('a@x', 'active', 1);
             INSERT INTO calendars (account, calendar_id, foreground_color, color_override, selected)
               VALUES ('a@x', 'c1', '#1d1d1d', '#aa0000', 1);
             INSERT INTO calendars (account, calendar_id, selected) VALUES ('a@x', 'c2', 1);",
        )
        .unwrap();
    }
    let store = Store::open(&path, Arc::new(MemorySecretStore::default())).unwrap();
    let a = AccountId::new("a@x");
    let listed = store.list_calendars(Some(&a), false).unwrap();
    let c1 = listed.iter().find(|c| c.entry.id.as_str() == "c1").unwrap();
    assert_eq!(c1.color_override.as_deref(), Some("#aa0000"));
    assert_eq!(
        c1.foreground_override, None,
        "the text colour stays Google's"
    );
    assert_eq!(c1.entry.foreground_color.as_deref(), Some("#1d1d1d"));
    assert!(
        !c1.colors_pending,
        "a colour chosen as local-only is not sent to Google now"
    );
    assert!(store.pending_calendar_colors(&a).unwrap().is_empty());

    // The new columns work on the migrated store.
    let c2 = CalendarId::new("c2");
    let colours = CalendarColors {
        background: RgbColor::parse("#00AA00").unwrap(),
        foreground: RgbColor::parse("#ffffff").unwrap(),
    };
    let before = store.set_calendar_colors(&a, &c2, &colours).unwrap();
    assert_eq!(before, super::LocalColors::default());
    assert_eq!(
        store.pending_calendar_colors(&a).unwrap(),
        vec![(c2.clone(), colours)]
    );
    let got = store.get_calendar(&a, &c2).unwrap().unwrap();
    assert_eq!(
        (
            got.color_override.as_deref(),
            got.foreground_override.as_deref()
        ),
        (Some("#00aa00"), Some("#ffffff"))
    );
    store.restore_calendar_colors(&a, &c2, &before).unwrap();
    assert!(store.pending_calendar_colors(&a).unwrap().is_empty());
    drop(store);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(schema::user_version(&conn).unwrap(), LATEST_VERSION);
}

#[test]
fn refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.sqlite");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", LATEST_VERSION + 1)
        .unwrap();
    let err = Store::open(&path, Arc::new(MemorySecretStore::default()))
        .err()
        .unwrap();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn connection_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite");
    let store = Store::open(&path, Arc::new(MemorySecretStore::default())).unwrap();
    let mut db = store.db();
    let mode: String = db
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(schema::synchronous_level(&db.conn).unwrap(), 1, "NORMAL");
    let fk: i64 = db
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let page: i64 = db
        .conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(page, 16384, "a new store's pages");
    let inside = schema::with_full_sync(&mut db.conn, |c| schema::synchronous_level(c)).unwrap();
    assert_eq!(inside, 2, "FULL inside local-edit transactions");
    assert_eq!(
        schema::synchronous_level(&db.conn).unwrap(),
        1,
        "NORMAL restored"
    );
    let failed: crate::Result<()> = schema::with_full_sync(&mut db.conn, |_| {
        Err(crate::Error::InvalidInput("x".into()))
    });
    assert!(failed.is_err());
    assert_eq!(
        schema::synchronous_level(&db.conn).unwrap(),
        1,
        "NORMAL restored after an error"
    );
}

/// A store made with 4 KiB pages keeps them: the page size of a WAL file cannot change, and
/// nothing asks it to.
#[test]
fn a_store_with_4_kib_pages_opens_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE t(x);")
            .unwrap();
    }
    let conn = Connection::open(&path).unwrap();
    schema::configure(&conn).unwrap();
    let page: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(page, 4096);
    let tables = tables(&conn);
    assert!(tables.contains(&"t".to_string()), "{tables:?}");
}

#[test]
fn foreign_keys_cascade_on_account_delete() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        dir.path().join("f.sqlite"),
        Arc::new(MemorySecretStore::default()),
    )
    .unwrap();
    let a = AccountId::from("a@x");
    store.upsert_account(&a).unwrap();
    let entry = CalendarListEntry {
        id: CalendarId::from("c1"),
        ..Default::default()
    };
    store.apply_calendar_list(&a, &[entry], true, None).unwrap();
    store.delete_account(&a).unwrap();
    let db = store.db();
    for t in ["calendars", "sync_state", "events", "outbox", "conflicts"] {
        let n: i64 = db
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{t}");
    }
}

fn page_event(id: &str, title: &str) -> crate::model::EventResource {
    serde_json::from_value(serde_json::json!({
        "id": id, "status": "confirmed", "summary": title, "etag": format!("\"{title}\""),
        "start": {"dateTime": "2026-03-02T10:00:00Z"}, "end": {"dateTime": "2026-03-02T11:00:00Z"}
    }))
    .unwrap()
}

fn event_key_ids(store: &Store) -> Vec<(String, Option<super::KeyId>)> {
    let db = store.db();
    let mut stmt = db
        .conn
        .prepare("SELECT event_id, blob FROM events ORDER BY event_id")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            super::crypto::blob_key_id(&r.get::<_, Vec<u8>>(1)?),
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// A page sealed with a key that stopped being current before the writer lock was taken is
/// sealed again under the lock: every row it writes carries the current key and reads back.
#[test]
fn a_page_presealed_before_a_rotation_is_written_with_the_new_key() {
    use super::events::{PageApply, PageEnd};
    use super::rows::preseal;
    use crate::model::{EventId, PageToken};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        dir.path().join("r.sqlite"),
        Arc::new(MemorySecretStore::default()),
    )
    .unwrap();
    let (a, c) = (AccountId::from("a@x"), CalendarId::from("c1"));
    store.upsert_account(&a).unwrap();
    store
        .apply_calendar_list(
            &a,
            &[CalendarListEntry {
                id: c.clone(),
                ..Default::default()
            }],
            true,
            None,
        )
        .unwrap();
    let page = PageApply {
        full_sync: None,
        end: PageEnd::Next(PageToken::from("p1")),
    };
    store
        .apply_page(&a, &c, &[page_event("e0", "zero")], &page)
        .unwrap();

    // e0 unchanged (no pre-seal), e1 new, e2 new.
    let events = [
        page_event("e0", "zero"),
        page_event("e1", "one"),
        page_event("e2", "two"),
    ];
    let old = store.sealer();
    let events: Vec<_> = events
        .iter()
        .map(|e| IncomingEvent::from_event(e).unwrap())
        .collect();
    let presealed = preseal(&store, &old, &a, &c, &events);
    assert_eq!(
        presealed
            .iter()
            .map(|p| p.as_ref().and_then(|p| p.sealed_blob()).is_some())
            .collect::<Vec<_>>(),
        [false, true, true]
    );
    let new = store.rotate_data_key().unwrap();
    assert_ne!(new, old.id());
    let out = store
        .commit_page(&a, &c, events, presealed, &old, &page)
        .unwrap();
    assert_eq!((out.added, out.unchanged), (2, 1));
    let ids = event_key_ids(&store);
    assert_eq!(
        ids[1..],
        [("e1".into(), Some(new)), ("e2".into(), Some(new))],
        "{ids:?}"
    );
    for (id, title) in [("e1", "one"), ("e2", "two")] {
        let ev = store
            .read_event_row(&a, &c, &EventId::from(id))
            .unwrap()
            .unwrap();
        assert_eq!(ev.summary.as_deref(), Some(title));
    }
}

/// Without a rotation the pre-sealed blobs are the ones stored (no second seal under the lock).
#[test]
fn presealed_blobs_are_stored_as_they_are() {
    use super::events::{PageApply, PageEnd};
    use super::rows::preseal;
    use crate::model::PageToken;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        dir.path().join("s.sqlite"),
        Arc::new(MemorySecretStore::default()),
    )
    .unwrap();
    let (a, c) = (AccountId::from("a@x"), CalendarId::from("c1"));
    store.upsert_account(&a).unwrap();
    store
        .apply_calendar_list(
            &a,
            &[CalendarListEntry {
                id: c.clone(),
                ..Default::default()
            }],
            true,
            None,
        )
        .unwrap();
    let page = PageApply {
        full_sync: None,
        end: PageEnd::Next(PageToken::from("p1")),
    };
    let events = vec![IncomingEvent::from_event(&page_event("e1", "one")).unwrap()];
    let sealer = store.sealer();
    let presealed = preseal(&store, &sealer, &a, &c, &events);
    let blob = presealed[0]
        .as_ref()
        .unwrap()
        .sealed_blob()
        .unwrap()
        .to_vec();
    store
        .commit_page(&a, &c, events, presealed, &sealer, &page)
        .unwrap();
    let stored: Vec<u8> = store
        .db()
        .conn
        .query_row("SELECT blob FROM events WHERE event_id = 'e1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, blob);
}

/// The previous release sealed each row's index entry at meta version 1 (no span shape): such
/// a store opens, its rows are indexed again from their content, and their meta is rewritten at
/// the current version so the cost is paid once.
#[test]
fn a_version_1_meta_is_indexed_again_from_the_event_and_rewritten() {
    use super::events::{PageApply, PageEnd};
    use super::index::RowMeta;
    use super::rows::{meta_aad, preseal};
    use crate::model::PageToken;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    let secrets = Arc::new(MemorySecretStore::default());
    let (a, c) = (AccountId::from("a@x"), CalendarId::from("c1"));
    {
        let store = Store::open(&path, secrets.clone()).unwrap();
        store.upsert_account(&a).unwrap();
        let entry = CalendarListEntry {
            id: c.clone(),
            selected: Some(true),
            ..Default::default()
        };
        store.apply_calendar_list(&a, &[entry], true, None).unwrap();
        let page = PageApply {
            full_sync: None,
            end: PageEnd::Next(PageToken::from("p1")),
        };
        let events = vec![IncomingEvent::from_event(&page_event("e1", "one")).unwrap()];
        let sealer = store.sealer();
        let presealed = preseal(&store, &sealer, &a, &c, &events);
        store
            .commit_page(&a, &c, events, presealed, &sealer, &page)
            .unwrap();
        // Rewrite the row's meta as version 1 wrote it: the same layout, version byte 1, no shape.
        let db = store.db();
        let parts = [a.as_str(), c.as_str(), "e1"];
        let sealed: Vec<u8> = db
            .conn
            .query_row("SELECT meta FROM events WHERE event_id = 'e1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        let mut plain = db.keys.open(&meta_aad(&parts), &sealed).unwrap();
        assert!(RowMeta::decode(1, &plain).is_some());
        plain[0] = 1;
        plain[18..26].copy_from_slice(&0i64.to_le_bytes());
        let old = db.keys.seal(&meta_aad(&parts), &plain);
        db.conn
            .execute("UPDATE events SET meta = ?1 WHERE event_id = 'e1'", [old])
            .unwrap();
    }
    let store = Store::open(&path, secrets).unwrap();
    let utc = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    let got = store
        .events_in_range(
            None,
            None,
            utc("2026-03-01T00:00:00Z"),
            utc("2026-04-01T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        got.iter().map(|e| e.event.id.as_str()).collect::<Vec<_>>(),
        ["e1"]
    );
    let db = store.db();
    let sealed: Vec<u8> = db
        .conn
        .query_row("SELECT meta FROM events WHERE event_id = 'e1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let plain = db
        .keys
        .open(&meta_aad(&[a.as_str(), c.as_str(), "e1"]), &sealed)
        .unwrap();
    assert!(
        RowMeta::decode(1, &plain).is_some(),
        "the meta was written again at the current version"
    );
}
