//! The trash in the encrypted store, against a real SQLite file: what a sync's deletions put
//! in it, how it is sealed, its expiry, and a store from before the trash existed.

use chrono::{DateTime, TimeZone, Utc};
use chronos_core::clock::TestClock;
use chronos_core::model::*;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::store::*;
use chronos_core::Error;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

fn acct() -> AccountId {
    AccountId::from("alice@example.com")
}
fn cal() -> CalendarId {
    CalendarId::from("alice@example.com")
}
fn pinned() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 10, 40, 0).unwrap()
}

fn event(id: &str, title: &str) -> EventResource {
    serde_json::from_value(serde_json::json!({
        "id": id, "status": "confirmed", "summary": title, "etag": format!("\"{id}-1\""),
        "description": "the plan", "conferenceData": {"entryPoints": []},
        "start": {"dateTime": "2026-12-02T10:00:00Z"}, "end": {"dateTime": "2026-12-02T11:00:00Z"}
    }))
    .unwrap()
}

fn cancelled(id: &str) -> EventResource {
    EventResource {
        id: EventId::from(id),
        status: Some("cancelled".into()),
        ..Default::default()
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    secrets: Arc<MemorySecretStore>,
    clock: TestClock,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chronos.sqlite");
        Self {
            _dir: dir,
            path,
            secrets: Arc::new(MemorySecretStore::default()),
            clock: TestClock::starting_at(pinned()),
        }
    }
    fn open(&self) -> Store {
        let s = Store::open(&self.path, self.secrets.clone()).unwrap();
        s.set_clock(Arc::new(self.clock.clone()));
        s
    }
    /// A store with one account and one selected calendar.
    fn store(&self) -> Store {
        let s = self.open();
        s.upsert_account(&acct()).unwrap();
        let entry = CalendarListEntry {
            id: cal(),
            summary: Some("Alice".into()),
            access_role: Some("owner".into()),
            primary: Some(true),
            selected: Some(true),
            ..Default::default()
        };
        s.apply_calendar_list(&acct(), &[entry], true, Some(&SyncToken::from("cl-1")))
            .unwrap();
        s
    }
}

fn page(s: &Store, events: &[EventResource], full: Option<Generation>) -> PageOutcome {
    s.apply_page(
        &acct(),
        &cal(),
        events,
        &PageApply {
            full_sync: full,
            end: PageEnd::Last(SyncToken::from("t")),
        },
    )
    .unwrap()
}

fn full_sync(s: &Store, events: &[EventResource]) -> PageOutcome {
    let g = s.begin_full_sync(&acct(), &cal()).unwrap();
    page(s, events, Some(g))
}

/// Every byte the store keeps on disk (the database and its write-ahead log).
fn disk_bytes(path: &Path) -> Vec<u8> {
    let mut all = std::fs::read(path).unwrap();
    let wal = path.with_extension("sqlite-wal");
    if let Ok(w) = std::fs::read(wal) {
        all.extend(w);
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn an_event_cancelled_on_google_goes_to_the_trash_sealed_with_its_last_content() {
    let f = Fixture::new();
    let s = f.store();
    full_sync(&s, &[event("a", "Quarterly zebra review"), event("b", "B")]);
    let out = page(&s, &[cancelled("a")], None);
    assert_eq!(out.deleted, 1);
    let trash = s.list_trash(None).unwrap();
    assert_eq!(trash.len(), 1, "{trash:?}");
    let t = &trash[0];
    assert_eq!(
        (t.event_id.as_str(), t.reason, t.state),
        ("a", TrashReason::DeletedOnGoogle, TrashState::Trashed)
    );
    assert_eq!(t.trashed, pinned(), "stamped with the store's clock");
    assert_eq!(
        t.event,
        event("a", "Quarterly zebra review"),
        "the whole resource"
    );
    assert!(t.not_restored().is_empty());
    // The title is nowhere on disk in plaintext, in the table or in any index.
    drop(s);
    assert!(!contains(&disk_bytes(&f.path), "zebra"));
    // A trash blob copied onto another entry does not open: it is bound to its row.
    let s = f.open();
    page(&s, &[cancelled("b")], None);
    drop(s);
    Connection::open(&f.path)
        .unwrap()
        .execute(
            "UPDATE trash SET blob = (SELECT blob FROM trash WHERE event_id = 'a') WHERE event_id = 'b'",
            [],
        )
        .unwrap();
    let err = f.open().list_trash(None).unwrap_err();
    assert!(matches!(err, Error::Crypto(_)), "{err:?}");
}

#[test]
fn a_cancelled_series_is_one_entry_its_master_and_a_cancelled_tombstone_none() {
    let f = Fixture::new();
    let s = f.store();
    let mut master = event("m", "Stand-up");
    master.recurrence = Some(vec!["RRULE:FREQ=DAILY;COUNT=5".into()]);
    let mut moved = event("m_20261203T100000Z", "Stand-up (late)");
    moved.recurring_event_id = Some(EventId::from("m"));
    moved.extra.insert(
        "originalStartTime".into(),
        serde_json::json!({"dateTime": "2026-12-03T10:00:00Z"}),
    );
    full_sync(&s, &[master, moved]);
    // A tombstone of an event this store never had: nothing to keep.
    let out = page(&s, &[cancelled("m"), cancelled("never-here")], None);
    assert_eq!(out.deleted, 2, "the master and its exception");
    let trash = s.list_trash(None).unwrap();
    assert_eq!(trash.len(), 1, "{trash:?}");
    assert_eq!(trash[0].event_id.as_str(), "m");
}

#[test]
fn a_full_sync_sweep_trashes_what_is_gone_and_a_sync_without_deletions_trashes_nothing() {
    let f = Fixture::new();
    let s = f.store();
    full_sync(&s, &[event("a", "A"), event("b", "B"), event("c", "C")]);
    page(&s, &[event("d", "D")], None);
    assert_eq!(s.trash_count().unwrap(), 0);
    let out = full_sync(
        &s,
        &[
            event("a", "A"),
            event("b", "B"),
            event("c", "C"),
            event("d", "D"),
        ],
    );
    assert_eq!((out.swept, out.unchanged), (0, 4));
    assert_eq!(
        s.trash_count().unwrap(),
        0,
        "nothing deleted, nothing trashed"
    );
    let out = full_sync(&s, &[event("a", "A"), event("c", "C")]);
    assert_eq!(out.swept, 2);
    let mut gone: Vec<(String, TrashReason)> = s
        .list_trash(Some(&acct()))
        .unwrap()
        .into_iter()
        .map(|t| (t.event_id.0, t.reason))
        .collect();
    gone.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        gone,
        [
            ("b".to_owned(), TrashReason::GoneInFullSync),
            ("d".to_owned(), TrashReason::GoneInFullSync)
        ]
    );
}

#[test]
fn entries_older_than_the_cutoff_are_purged_and_rotation_reseals_them() {
    let f = Fixture::new();
    let s = f.store();
    full_sync(&s, &[event("old", "Old"), event("new", "New")]);
    page(&s, &[cancelled("old")], None);
    f.clock.advance(Duration::from_secs(20 * 86_400));
    page(&s, &[cancelled("new")], None);
    let day = chrono::Duration::days(1);
    // The cutoff is exclusive: an entry trashed at it stays.
    assert_eq!(s.purge_trash(pinned()).unwrap(), 0);
    assert_eq!(s.purge_trash(pinned() + day).unwrap(), 1);
    let left: Vec<String> = s
        .list_trash(None)
        .unwrap()
        .into_iter()
        .map(|t| t.event_id.0)
        .collect();
    assert_eq!(left, ["new"]);
    // The trash is re-sealed with the rest of the store when the key rotates.
    let old_key = s.current_data_key();
    s.rotate_data_key().unwrap();
    assert!(s.reencrypt_all().unwrap() >= 1);
    s.retire_data_key(old_key).unwrap();
    assert_eq!(
        s.list_trash(None).unwrap()[0].event.summary.as_deref(),
        Some("New")
    );
}

#[test]
fn a_version_7_store_opens_with_an_empty_trash_and_its_events() {
    let f = Fixture::new();
    {
        let s = f.store();
        full_sync(&s, &[event("a", "A"), event("b", "B")]);
    }
    // That release's layout: everything but the trash (and the tables added after it).
    Connection::open(&f.path)
        .unwrap()
        .execute_batch(
            "DROP TABLE trash; DROP TABLE sync_journal; DROP TABLE undo_log; PRAGMA user_version = 7;",
        )
        .unwrap();
    let s = f.open();
    let version: u32 = Connection::open(&f.path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::LATEST_VERSION);
    assert!(s.list_trash(None).unwrap().is_empty());
    assert_eq!(s.event_count(&acct(), &cal()).unwrap(), 2);
    page(&s, &[cancelled("a")], None);
    assert_eq!(
        s.list_trash(None).unwrap()[0].event.summary.as_deref(),
        Some("A")
    );
}

#[test]
fn a_version_8_store_opens_with_an_empty_sync_journal_and_keeps_its_trash() {
    let f = Fixture::new();
    {
        let s = f.store();
        full_sync(&s, &[event("a", "A"), event("b", "B")]);
        page(&s, &[cancelled("a")], None);
    }
    // The previous release's layout: everything but the sync journal.
    Connection::open(&f.path)
        .unwrap()
        .execute_batch("DROP TABLE sync_journal; DROP TABLE undo_log; PRAGMA user_version = 8;")
        .unwrap();
    let s = f.open();
    let version: u32 = Connection::open(&f.path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::LATEST_VERSION);
    assert_eq!(s.list_trash(None).unwrap().len(), 1);
    assert!(s.mass_deletions(true).unwrap().is_empty());
    let since = chrono::DateTime::from_timestamp(0, 0).unwrap();
    assert!(s
        .last_journal_failure(&acct(), &cal(), since)
        .unwrap()
        .is_none());
    // The journal works at once.
    let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    s.journal_failure(&acct(), &cal(), "network", "offline", at)
        .unwrap();
    let since = at - chrono::Duration::days(1);
    assert_eq!(
        s.last_journal_failure(&acct(), &cal(), since)
            .unwrap()
            .unwrap()
            .kind,
        "network"
    );
}

#[test]
fn a_version_9_store_opens_with_an_empty_undo_history_that_works_at_once() {
    let f = Fixture::new();
    {
        let s = f.store();
        full_sync(&s, &[event("a", "A")]);
    }
    Connection::open(&f.path)
        .unwrap()
        .execute_batch("DROP TABLE undo_log; PRAGMA user_version = 9;")
        .unwrap();
    let s = f.open();
    assert_eq!(s.undo_counts().unwrap(), (0, 0));
    assert!(s.next_undo::<String>(UndoState::Done).unwrap().is_none());
    let id = s
        .push_undo(&acct(), (&cal(), &EventId::from("a")), &"first".to_owned())
        .unwrap();
    let row = s.next_undo::<String>(UndoState::Done).unwrap().unwrap();
    assert_eq!((row.id, row.record.as_str()), (id, "first"));
    s.set_undo(id, UndoState::Undone, &"first, undone".to_owned())
        .unwrap();
    assert_eq!(s.undo_counts().unwrap(), (0, 1));
    let redo = s.next_undo::<String>(UndoState::Undone).unwrap().unwrap();
    assert_eq!(redo.record, "first, undone");
    // A new change drops what could be redone.
    s.push_undo(&acct(), (&cal(), &EventId::from("a")), &"second".to_owned())
        .unwrap();
    assert_eq!(s.undo_counts().unwrap(), (1, 0));
    // The record is sealed: copied onto another row it does not open.
    drop(s);
    let conn = Connection::open(&f.path).unwrap();
    conn.execute(
        "INSERT INTO undo_log (account, calendar_id, event_id, created_ms, blob)
         SELECT account, calendar_id, 'b', created_ms, blob FROM undo_log",
        [],
    )
    .unwrap();
    drop(conn);
    let s = f.open();
    assert!(matches!(
        s.next_undo::<String>(UndoState::Done),
        Err(Error::Crypto(_))
    ));
}
