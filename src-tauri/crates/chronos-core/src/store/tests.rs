//! Schema-level tests that need the crate's internals (migration steps, pragmas).

use super::schema::{self, LATEST_VERSION};
use super::Store;
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
        assert!(t.contains(&"events".to_string()) && !t.contains(&"outbox".to_string()), "{t:?}");
        // Data written at version 1 must survive the next steps.
        conn.execute("INSERT INTO accounts (id, status, created_ms) VALUES ('a@x', 'active', 1)", []).unwrap();
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
    for want in ["accounts", "calendars", "conflicts", "data_keys", "events", "meta", "outbox", "push_channels", "sync_state"] {
        assert!(t.contains(&want.to_string()), "missing {want}: {t:?}");
    }
    // Opening again is a no-op for the schema.
    drop(conn);
    Store::open(&path, secrets).unwrap();
}

#[test]
fn refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.sqlite");
    Connection::open(&path).unwrap().pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
    let err = Store::open(&path, Arc::new(MemorySecretStore::default())).err().unwrap();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn connection_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite");
    let store = Store::open(&path, Arc::new(MemorySecretStore::default())).unwrap();
    let mut db = store.db();
    let mode: String = db.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(schema::synchronous_level(&db.conn).unwrap(), 1, "NORMAL");
    let fk: i64 = db.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    let inside = schema::with_full_sync(&mut db.conn, |c| schema::synchronous_level(c)).unwrap();
    assert_eq!(inside, 2, "FULL inside local-edit transactions");
    assert_eq!(schema::synchronous_level(&db.conn).unwrap(), 1, "NORMAL restored");
    let failed: crate::Result<()> =
        schema::with_full_sync(&mut db.conn, |_| Err(crate::Error::InvalidInput("x".into())));
    assert!(failed.is_err());
    assert_eq!(schema::synchronous_level(&db.conn).unwrap(), 1, "NORMAL restored after an error");
}

#[test]
fn foreign_keys_cascade_on_account_delete() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("f.sqlite"), Arc::new(MemorySecretStore::default())).unwrap();
    let a = AccountId::from("a@x");
    store.upsert_account(&a).unwrap();
    let entry = CalendarListEntry { id: CalendarId::from("c1"), ..Default::default() };
    store.apply_calendar_list(&a, &[entry], true, None).unwrap();
    store.delete_account(&a).unwrap();
    let db = store.db();
    for t in ["calendars", "sync_state", "events", "outbox", "conflicts"] {
        let n: i64 = db.conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{t}");
    }
}
