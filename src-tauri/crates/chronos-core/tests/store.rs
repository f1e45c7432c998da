//! The encrypted store against a real SQLite file in a temporary directory.

use chrono::{DateTime, TimeZone, Utc};
use chronos_core::error::DataKeyProblem;
use chronos_core::model::*;
use chronos_core::secrets::{MemorySecretStore, SecretStore};
use chronos_core::store::*;
use chronos_core::{Error, ErrorKind};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn acct() -> AccountId {
    AccountId::from("alice@example.com")
}
fn cal() -> CalendarId {
    CalendarId::from("alice@example.com")
}
fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}
fn dt(s: String) -> EventDateTime {
    EventDateTime {
        date_time: Some(s),
        ..Default::default()
    }
}

/// A timed event on `day` of December 2026, one hour at 09:00 UTC.
fn event(id: &str, day: u32, title: &str) -> EventResource {
    EventResource {
        id: EventId::from(id),
        etag: Some(Etag::from(format!("\"{id}-1\"").as_str())),
        status: Some("confirmed".into()),
        summary: Some(title.into()),
        start: Some(dt(format!("2026-12-{day:02}T09:00:00Z"))),
        end: Some(dt(format!("2026-12-{day:02}T10:00:00Z"))),
        updated: Some("2026-11-01T00:00:00.000Z".into()),
        ..Default::default()
    }
}

fn bumped(mut e: EventResource, title: &str) -> EventResource {
    e.summary = Some(title.into());
    e.etag = Some(Etag::from(format!("\"{}-2\"", e.id).as_str()));
    e
}

/// The title of a main-calendar event read straight from its sealed row, which must exist.
fn row_title(s: &Store, id: &str) -> Option<String> {
    let row = s.read_event_row(&acct(), &cal(), &EventId::from(id));
    row.unwrap().unwrap().summary
}

/// What Google sends for a deleted event: its id and the cancelled status.
fn cancelled(id: &str) -> EventResource {
    EventResource {
        id: EventId::from(id),
        status: Some("cancelled".into()),
        ..Default::default()
    }
}

/// Three events on 1, 2 and 3 December: a "A", b "B", c "C".
fn abc() -> Vec<EventResource> {
    vec![event("a", 1, "A"), event("b", 2, "B"), event("c", 3, "C")]
}

/// A queued change of an event on the main calendar.
fn queued(event_id: &EventId, op: OutboxOp, payload: OutboxPayload) -> NewOutboxEntry {
    NewOutboxEntry {
        calendar: cal(),
        event_id: event_id.clone(),
        op,
        payload,
    }
}

/// The payload of a local edit that carries only the edited event.
fn edited(local: &EventResource) -> OutboxPayload {
    OutboxPayload {
        local: Some(local.clone()),
        ..Default::default()
    }
}

/// A local write that only queues changes (no row changes, no conflicts).
fn enqueue(s: &Store, entries: Vec<NewOutboxEntry>) {
    let write = LocalWrite {
        enqueue: entries,
        ..Default::default()
    };
    s.write_local(&acct(), &write).unwrap();
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    secrets: Arc<MemorySecretStore>,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chronos.sqlite");
        Self {
            _dir: dir,
            path,
            secrets: Arc::new(MemorySecretStore::default()),
        }
    }
    fn open(&self) -> Store {
        Store::open(&self.path, self.secrets.clone()).unwrap()
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

fn full_sync(s: &Store, pages: &[Vec<EventResource>], token: &str) -> Vec<PageOutcome> {
    let g = s.begin_full_sync(&acct(), &cal()).unwrap();
    let mut out = vec![];
    for (i, page) in pages.iter().enumerate() {
        let end = if i + 1 == pages.len() {
            PageEnd::Last(SyncToken::from(token))
        } else {
            PageEnd::Next(PageToken::from(format!("p{}", i + 1)))
        };
        out.push(
            s.apply_page(
                &acct(),
                &cal(),
                page,
                &PageApply {
                    full_sync: Some(g),
                    end,
                },
            )
            .unwrap(),
        );
    }
    out
}

fn incremental(s: &Store, events: &[EventResource], token: &str) -> PageOutcome {
    s.apply_page(
        &acct(),
        &cal(),
        events,
        &PageApply {
            full_sync: None,
            end: PageEnd::Last(SyncToken::from(token)),
        },
    )
    .unwrap()
}

fn december_ids(s: &Store) -> Vec<String> {
    let mut v: Vec<String> = s
        .events_in_range(None, None, utc(2026, 12, 1), utc(2027, 1, 1))
        .unwrap()
        .into_iter()
        .map(|e| e.event.id.0.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn round_trip_through_a_reopened_file() {
    let f = Fixture::new();
    let mut e1 = event("e1", 3, "Dentist");
    e1.description = Some("Bring the forms".into());
    e1.location = Some("12 High St".into());
    e1.attendees = Some(vec![Attendee {
        email: Some("bob@example.com".into()),
        display_name: Some("Bob".into()),
        ..Default::default()
    }]);
    e1.extra.insert(
        "htmlLink".into(),
        serde_json::json!("https://example.com/e1"),
    );
    let e2 = event("e2", 20, "Party");
    {
        let s = f.store();
        let out = full_sync(&s, &[vec![e1.clone()], vec![e2.clone()]], "sync-1");
        assert_eq!(out[0].added + out[1].added, 2);
        let st = s.sync_state(&acct(), &cal()).unwrap();
        assert_eq!(st.sync_token, Some(SyncToken::from("sync-1")));
        assert!(st.last_full_sync.is_some() && st.full_sync.is_none() && st.page_token.is_none());
    }
    let s = f.open();
    let got = s
        .get_event(&acct(), &cal(), &EventId::from("e1"))
        .unwrap()
        .unwrap();
    assert_eq!(
        *got.event, e1,
        "every field, unknown ones included, survives"
    );
    assert!(!got.pending);
    assert_eq!(
        s.read_event_row(&acct(), &cal(), &EventId::from("e2"))
            .unwrap(),
        Some(e2)
    );
    assert_eq!(december_ids(&s), ["e1", "e2"]);
    let cals = s.list_calendars(None, false).unwrap();
    assert_eq!(cals[0].entry.summary.as_deref(), Some("Alice"));
    assert!(cals[0].selected);
    assert_eq!(
        s.calendar_list_sync_token(&acct()).unwrap(),
        Some(SyncToken::from("cl-1"))
    );
}

#[test]
fn a_blob_copied_to_another_row_fails_to_decrypt() {
    let f = Fixture::new();
    {
        let s = f.store();
        full_sync(
            &s,
            &[vec![
                event("victim", 3, "Private"),
                event("target", 4, "Other"),
            ]],
            "t",
        );
    }
    {
        let conn = Connection::open(&f.path).unwrap();
        conn.execute(
            "UPDATE events SET blob = (SELECT blob FROM events WHERE event_id = 'victim') WHERE event_id = 'target'",
            [],
        )
        .unwrap();
    }
    let s = f.open();
    let err = s
        .read_event_row(&acct(), &cal(), &EventId::from("target"))
        .unwrap_err();
    assert!(matches!(err, Error::Crypto(_)), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Storage);
    let msg = err.to_string();
    assert!(
        msg.contains("failed authentication") && msg.contains("target"),
        "{msg}"
    );
    assert!(!msg.contains("Private"));
    // The forged row is refused wherever it is read, rather than shown with wrong content;
    // the row it was copied from still reads as itself.
    assert!(matches!(
        s.get_event(&acct(), &cal(), &EventId::from("target")),
        Err(Error::Crypto(_))
    ));
    assert_eq!(
        s.get_event(&acct(), &cal(), &EventId::from("victim"))
            .unwrap()
            .unwrap()
            .event
            .summary
            .as_deref(),
        Some("Private")
    );
    assert!(s
        .events_in_range(None, None, utc(2026, 12, 1), utc(2027, 1, 1))
        .is_err());
    // The untouched row still decrypts.
    assert_eq!(row_title(&s, "victim").as_deref(), Some("Private"));
}

#[test]
fn an_event_blob_in_a_calendar_row_fails_too() {
    let f = Fixture::new();
    {
        let s = f.store();
        full_sync(&s, &[vec![event("e", 3, "x")]], "t");
    }
    Connection::open(&f.path)
        .unwrap()
        .execute(
            "UPDATE calendars SET blob = (SELECT blob FROM events LIMIT 1)",
            [],
        )
        .unwrap();
    let err = f.open().list_calendars(None, false).unwrap_err();
    assert!(err.to_string().contains("calendar"), "{err}");
}

const MARKER: &str = "ZQXMARKER7731";
const MARKER_TIME: &str = "2029-03-17T13:37:42";

fn scan(path: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = vec![];
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(bytes) = std::fs::read(&p) {
            if bytes.windows(needle.len()).any(|w| w == needle) {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

fn marked_event(i: usize) -> EventResource {
    let mut e = event(
        &format!("m{i}"),
        1 + (i % 28) as u32,
        &format!("{MARKER} title {i}"),
    );
    e.description = Some(format!("notes {MARKER} {i}"));
    e.location = Some(format!("Room {MARKER}"));
    e.attendees = Some(vec![Attendee {
        email: Some(format!("{}@example.com", MARKER.to_lowercase())),
        display_name: Some(format!("Guest {MARKER}")),
        ..Default::default()
    }]);
    if i == 0 {
        e.start = Some(dt(format!("{MARKER_TIME}Z")));
        e.end = Some(dt("2029-03-17T14:00:00Z".into()));
    }
    e
}

#[test]
fn planted_marker_is_nowhere_in_the_files() {
    let f = Fixture::new();
    let s = f.open();
    s.upsert_account(&acct()).unwrap();
    let entry = CalendarListEntry {
        id: cal(),
        summary: Some(format!("Calendar {MARKER}")),
        description: Some(format!("about {MARKER}")),
        selected: Some(true),
        ..Default::default()
    };
    s.apply_calendar_list(&acct(), &[entry], true, None)
        .unwrap();
    let events: Vec<_> = (0..3000).map(marked_event).collect();
    full_sync(&s, &[events[..1500].to_vec(), events[1500..].to_vec()], "t");
    // Local edits, outbox payloads and conflict records carry content too.
    let edited = bumped(events[1].clone(), &format!("edited {MARKER}"));
    s.write_local(
        &acct(),
        &LocalWrite {
            rows: vec![RowChange::Upsert {
                calendar: cal(),
                event: edited.clone(),
            }],
            enqueue: vec![queued(
                &edited.id,
                OutboxOp::Update,
                OutboxPayload {
                    local: Some(edited.clone()),
                    base: Some(events[1].clone()),
                    detail: serde_json::json!({ "note": MARKER }),
                },
            )],
            add_conflicts: vec![NewConflict {
                calendar: cal(),
                event_id: edited.id.clone(),
                kind: ConflictKind::BothChanged,
                value: ConflictValue {
                    local: Some(edited.clone()),
                    server: Some(events[1].clone()),
                    ..Default::default()
                },
            }],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        s.list_outbox(None).unwrap()[0]
            .payload
            .local
            .as_ref()
            .unwrap()
            .summary,
        edited.summary
    );
    // While open (the WAL holds the recent pages) and after closing.
    assert!(
        std::fs::metadata(format!("{}-wal", f.path.display()))
            .unwrap()
            .len()
            > 0
    );
    assert_eq!(scan(&f.path, MARKER.as_bytes()), Vec::<String>::new());
    assert_eq!(
        scan(&f.path, MARKER.to_lowercase().as_bytes()),
        Vec::<String>::new()
    );
    assert_eq!(scan(&f.path, MARKER_TIME.as_bytes()), Vec::<String>::new());
    drop(s);
    assert_eq!(scan(&f.path, MARKER.as_bytes()), Vec::<String>::new());
    assert_eq!(scan(&f.path, MARKER_TIME.as_bytes()), Vec::<String>::new());

    // The scan itself works: the same content in plain rows, in the same kind of file, is found
    // in the WAL while the connection is open and in the main file after the checkpoint.
    let plain = f.path.with_file_name("plain.sqlite");
    let conn = Connection::open(&plain).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE e (id TEXT PRIMARY KEY, json TEXT)")
        .unwrap();
    for e in &events[..50] {
        conn.execute(
            "INSERT INTO e VALUES (?1, ?2)",
            [e.id.as_str(), &serde_json::to_string(e).unwrap()],
        )
        .unwrap();
    }
    assert!(scan(&plain, MARKER.as_bytes())
        .iter()
        .any(|p| p.ends_with("-wal")));
    assert!(!scan(&plain, MARKER_TIME.as_bytes()).is_empty());
    drop(conn);
    assert_eq!(
        scan(&plain, MARKER.as_bytes()),
        vec![plain.display().to_string()]
    );
}

#[test]
fn full_sync_marks_and_sweeps() {
    let f = Fixture::new();
    let s = f.store();
    full_sync(&s, &[abc()], "t1");
    incremental(&s, &[event("d", 4, "D")], "t2");
    // 410: the token goes, a full sync starts, and the old rows stay visible meanwhile.
    s.clear_sync_token(&acct(), &cal()).unwrap();
    assert_eq!(s.sync_state(&acct(), &cal()).unwrap().sync_token, None);
    let g = s.begin_full_sync(&acct(), &cal()).unwrap();
    let p1 = PageApply {
        full_sync: Some(g),
        end: PageEnd::Next(PageToken::from("p2")),
    };
    s.apply_page(&acct(), &cal(), &[event("a", 1, "A")], &p1)
        .unwrap();
    assert_eq!(december_ids(&s), ["a", "b", "c", "d"]);
    // An interrupted sync resumes from here.
    let st = s.sync_state(&acct(), &cal()).unwrap();
    assert_eq!(
        (st.full_sync, st.page_token.clone()),
        (Some(g), Some(PageToken::from("p2")))
    );
    // ... also after a restart.
    drop(s);
    let s = f.open();
    assert_eq!(s.sync_state(&acct(), &cal()).unwrap().full_sync, Some(g));
    assert_eq!(december_ids(&s), ["a", "b", "c", "d"]);
    let last = PageApply {
        full_sync: Some(g),
        end: PageEnd::Last(SyncToken::from("t3")),
    };
    let out = s
        .apply_page(&acct(), &cal(), &[bumped(event("b", 2, "B"), "B2")], &last)
        .unwrap();
    assert_eq!((out.updated, out.swept), (1, 2));
    assert_eq!(december_ids(&s), ["a", "b"]);
    assert_eq!(s.event_count(&acct(), &cal()).unwrap(), 2);
    let st = s.sync_state(&acct(), &cal()).unwrap();
    assert_eq!(
        (st.sync_token, st.page_token, st.full_sync),
        (Some(SyncToken::from("t3")), None, None)
    );
    // The sweep reached the file, not just the index.
    let s2 = f.open();
    assert_eq!(december_ids(&s2), ["a", "b"]);
    // A stale generation is refused.
    let err = s.apply_page(&acct(), &cal(), &[], &last).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[test]
fn rows_with_pending_edits_survive_the_sweep_and_are_held() {
    let f = Fixture::new();
    let s = f.store();
    let c = event("c", 3, "C");
    full_sync(&s, &[vec![event("a", 1, "A"), c.clone()]], "t1");
    let local = bumped(c.clone(), "C local");
    let local_new = event("new1", 9, "Created offline");
    let res = s
        .write_local(
            &acct(),
            &LocalWrite {
                rows: vec![
                    RowChange::Upsert {
                        calendar: cal(),
                        event: local.clone(),
                    },
                    RowChange::Upsert {
                        calendar: cal(),
                        event: local_new.clone(),
                    },
                ],
                enqueue: vec![
                    queued(
                        &c.id,
                        OutboxOp::Update,
                        OutboxPayload {
                            base: Some(c.clone()),
                            ..edited(&local)
                        },
                    ),
                    queued(&local_new.id, OutboxOp::Insert, edited(&local_new)),
                ],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(res.enqueued.len(), 2);
    assert!(
        s.get_event(&acct(), &cal(), &c.id)
            .unwrap()
            .unwrap()
            .pending
    );
    assert_eq!(s.pending_count(Some(&acct())).unwrap(), 2);

    // A full sync that brings back neither: both survive; the local version stays.
    s.clear_sync_token(&acct(), &cal()).unwrap();
    let out = full_sync(&s, &[vec![event("a", 1, "A")]], "t2");
    assert_eq!(out[0].swept, 0);
    assert_eq!(december_ids(&s), ["a", "c", "new1"]);
    // The server's version of a pending event is handed back, not written over the edit.
    let server = bumped(c.clone(), "C server");
    let out = incremental(&s, std::slice::from_ref(&server), "t3");
    assert_eq!(out.held, vec![server]);
    assert_eq!(
        s.get_event(&acct(), &cal(), &c.id)
            .unwrap()
            .unwrap()
            .event
            .summary
            .as_deref(),
        Some("C local")
    );

    // Once pushed, the entry goes and the row is an ordinary row again.
    let entries = s.list_outbox(Some(&acct())).unwrap();
    assert_eq!(
        entries.iter().map(|e| e.op).collect::<Vec<_>>(),
        [OutboxOp::Update, OutboxOp::Insert]
    );
    assert_eq!(entries[0].payload.base.as_ref(), Some(&c));
    let error = OutboxError {
        kind: ErrorKind::Forbidden,
        message: "403 forbiddenForNonOrganizer".into(),
    };
    s.set_outbox_state(entries[0].id, OutboxState::Failed, Some(&error), true)
        .unwrap();
    let e0 = s.get_outbox(entries[0].id).unwrap().unwrap();
    assert_eq!(
        (e0.state, e0.attempts, e0.last_error.as_ref()),
        (OutboxState::Failed, 1, Some(&error))
    );
    s.write_local(
        &acct(),
        &LocalWrite {
            remove_outbox: vec![entries[0].id],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        !s.get_event(&acct(), &cal(), &c.id)
            .unwrap()
            .unwrap()
            .pending
    );
    s.clear_sync_token(&acct(), &cal()).unwrap();
    let out = full_sync(&s, &[vec![event("a", 1, "A")]], "t4");
    assert_eq!(out[0].swept, 1);
    assert_eq!(december_ids(&s), ["a", "new1"]);
}

#[test]
fn reapplying_a_page_changes_nothing() {
    let f = Fixture::new();
    let s = f.store();
    let mut exc = event("r_20261205T090000Z", 5, "x");
    exc.status = Some("cancelled".into());
    exc.recurring_event_id = Some(EventId::from("r"));
    exc.original_start_time = Some(dt("2026-12-05T09:00:00Z".into()));
    let mut gone = event("gone", 6, "");
    gone.status = Some("cancelled".into());
    let page: Vec<_> = (0..50)
        .map(|i| event(&format!("e{i}"), 1 + i % 28, "T"))
        .chain([exc, gone])
        .collect();
    let g = s.begin_full_sync(&acct(), &cal()).unwrap();
    let apply = PageApply {
        full_sync: Some(g),
        end: PageEnd::Next(PageToken::from("p2")),
    };
    let first = s.apply_page(&acct(), &cal(), &page, &apply).unwrap();
    assert_eq!((first.added, first.unchanged), (51, 1));
    let snapshot = || -> Vec<(String, Vec<u8>, i64)> {
        let conn = Connection::open(&f.path).unwrap();
        let mut st = conn
            .prepare("SELECT event_id, blob, generation FROM events ORDER BY event_id")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = snapshot();
    let again = s.apply_page(&acct(), &cal(), &page, &apply).unwrap();
    assert_eq!(
        (again.added, again.updated, again.deleted, again.unchanged),
        (0, 0, 0, 52)
    );
    assert_eq!(snapshot(), before, "not one byte rewritten");
    assert_eq!(s.event_count(&acct(), &cal()).unwrap(), 51);
}

#[test]
fn cancellations() {
    let f = Fixture::new();
    let s = f.store();
    let mut master = event("r", 1, "Standup");
    master.recurrence = Some(vec!["RRULE:FREQ=DAILY".into()]);
    let mut moved = event("r_20261210T090000Z", 11, "Standup moved");
    moved.recurring_event_id = Some(EventId::from("r"));
    moved.original_start_time = Some(dt("2026-12-10T09:00:00Z".into()));
    full_sync(
        &s,
        &[vec![
            master.clone(),
            moved.clone(),
            event("single", 2, "One-off"),
        ]],
        "t1",
    );
    assert_eq!(december_ids(&s), ["r", "r_20261210T090000Z", "single"]);

    // A cancelled instance stays as a cancelled exception; a cancelled single event goes.
    let cancelled_instance = EventResource {
        recurring_event_id: Some(EventId::from("r")),
        original_start_time: Some(dt("2026-12-15T09:00:00Z".into())),
        ..cancelled("r_20261215T090000Z")
    };
    let out = incremental(&s, &[cancelled_instance.clone(), cancelled("single")], "t2");
    assert_eq!((out.added, out.deleted), (1, 1));
    let week = s
        .events_in_range(None, None, utc(2026, 12, 14), utc(2026, 12, 21))
        .unwrap();
    let ids: Vec<_> = week.iter().map(|e| e.event.id.as_str()).collect();
    assert_eq!(
        ids,
        ["r", "r_20261215T090000Z"],
        "master plus the cancelled exception in its original slot"
    );
    assert!(week[1].event.is_cancelled());

    // The whole series cancelled: master and exceptions go.
    let out = incremental(&s, &[cancelled("r")], "t3");
    assert_eq!(out.deleted, 3);
    assert_eq!(s.event_count(&acct(), &cal()).unwrap(), 0);
}

#[test]
fn range_queries_follow_selection_and_times() {
    let f = Fixture::new();
    let s = f.store();
    let other = CalendarId::from("team");
    // Google lists the team calendar as not selected.
    let list_team_unselected = || {
        let team = CalendarListEntry {
            id: other.clone(),
            selected: Some(false),
            ..Default::default()
        };
        s.apply_calendar_list(&acct(), &[team], false, None)
            .unwrap();
    };
    list_team_unselected();
    let mut allday = event("allday", 1, "Holiday");
    allday.start = Some(EventDateTime {
        date: Some("2027-01-05".into()),
        ..Default::default()
    });
    allday.end = Some(EventDateTime {
        date: Some("2027-01-06".into()),
        ..Default::default()
    });
    let mut nov = event("nov", 1, "November");
    nov.start = Some(dt("2026-11-15T09:00:00Z".into()));
    nov.end = Some(dt("2026-11-15T10:00:00Z".into()));
    let mut broken = event("broken", 1, "No times");
    broken.start = Some(dt("yesterday".into()));
    full_sync(
        &s,
        &[vec![event("dec", 10, "December"), allday, nov, broken]],
        "t",
    );
    let g = s.begin_full_sync(&acct(), &other).unwrap();
    s.apply_page(
        &acct(),
        &other,
        &[event("team1", 10, "Team")],
        &PageApply {
            full_sync: Some(g),
            end: PageEnd::Last(SyncToken::from("x")),
        },
    )
    .unwrap();

    assert_eq!(december_ids(&s), ["dec"]);
    s.set_calendar_selected(&acct(), &other, true).unwrap();
    assert_eq!(december_ids(&s), ["dec", "team1"]);
    // Google's flag no longer overrides the user's choice.
    list_team_unselected();
    assert_eq!(december_ids(&s), ["dec", "team1"]);
    // Explicit calendars; an all-day date is floating, so a query for that day from a zone far
    // ahead of UTC (UTC+12: Jan 5 starts at Jan 4 12:00Z) finds it too.
    let only = [CalendarRef {
        account: acct(),
        calendar: cal(),
    }];
    let day = |from: DateTime<Utc>, to: DateTime<Utc>| -> Vec<String> {
        s.events_in_range(None, Some(&only), from, to)
            .unwrap()
            .iter()
            .map(|e| e.event.id.0.clone())
            .collect()
    };
    assert_eq!(day(utc(2027, 1, 5), utc(2027, 1, 6)), ["allday"]);
    assert_eq!(
        day(
            Utc.with_ymd_and_hms(2027, 1, 4, 12, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2027, 1, 5, 12, 0, 0).unwrap()
        ),
        ["allday"]
    );
    assert_eq!(day(utc(2027, 1, 2), utc(2027, 1, 4)), Vec::<String>::new());
    assert!(
        s.get_event(&acct(), &cal(), &EventId::from("broken"))
            .unwrap()
            .is_some(),
        "stored, reachable by id"
    );
    assert!(s
        .events_in_range(None, None, utc(2027, 1, 2), utc(2027, 1, 1))
        .is_err());
    assert_eq!(
        s.events_in_range(
            Some(&AccountId::from("nobody@x")),
            None,
            utc(2026, 1, 1),
            utc(2028, 1, 1)
        )
        .unwrap()
        .len(),
        0
    );
}

#[test]
fn missing_key_is_reported_and_recovered() {
    let f = Fixture::new();
    {
        let s = f.store();
        full_sync(&s, &[vec![event("a", 1, "A"), event("b", 2, "B")]], "t");
        s.set_calendar_color(&acct(), &cal(), Some("#112233"))
            .unwrap();
        let e = bumped(event("a", 1, "A"), "A local");
        for op in [OutboxOp::Update, OutboxOp::Delete] {
            enqueue(&s, vec![queued(&e.id, op, edited(&e))]);
        }
    }
    // The keyring was reset: no key at all.
    let empty: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let err = Store::open(&f.path, empty.clone())
        .err()
        .expect("must fail");
    assert!(
        matches!(err, Error::DataKeyMissing(DataKeyProblem::Absent(KeyId(1)))),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::DataKeyMissing);
    // A different key under the same name is just as missing (never garbage).
    let other = MemorySecretStore::default();
    other.set("data-key:1", &[7u8; 32]).unwrap();
    other.set("data-key:current", b"1").unwrap();
    let other: Arc<dyn SecretStore> = Arc::new(other);
    assert!(matches!(
        Store::open(&f.path, other.clone()),
        Err(Error::DataKeyMissing(DataKeyProblem::Different(KeyId(1))))
    ));

    // Bytes that are not a key at all are named as such.
    let garbage = MemorySecretStore::default();
    garbage.set("data-key:1", b"short").unwrap();
    let garbage: Arc<dyn SecretStore> = Arc::new(garbage);
    assert!(matches!(
        Store::open(&f.path, garbage),
        Err(Error::DataKeyMissing(DataKeyProblem::Unusable(KeyId(1))))
    ));

    let (s, report) = Store::recover_missing_key(&f.path, other.clone()).unwrap();
    assert_eq!(
        report,
        RecoveryReport {
            unsent_changes_lost: 2,
            conflicts_lost: 0,
            events_wiped: 2
        }
    );
    assert_ne!(
        s.current_data_key(),
        KeyId(1),
        "a fresh key id, not the impostor"
    );
    assert_eq!(s.list_accounts().unwrap().len(), 1);
    let cals = s.list_calendars(None, false).unwrap();
    assert_eq!(cals.len(), 1);
    assert!(cals[0].selected);
    assert_eq!(cals[0].color_override.as_deref(), Some("#112233"));
    assert_eq!(
        cals[0].entry.summary, None,
        "names come back with the next calendar list sync"
    );
    assert_eq!(s.calendar_list_sync_token(&acct()).unwrap(), None);
    assert_eq!(s.sync_state(&acct(), &cal()).unwrap(), SyncState::default());
    assert_eq!(s.pending_count(None).unwrap(), 0);
    assert_eq!(december_ids(&s), Vec::<String>::new());
    // The store works and reopens with the new key.
    full_sync(&s, &[vec![event("a", 1, "A")]], "t9");
    drop(s);
    let s = Store::open(&f.path, other).unwrap();
    assert_eq!(december_ids(&s), ["a"]);
}

/// Rows of `table` in the file, read without any key.
fn raw_count(path: &Path, table: &str) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn opening_without_the_key_never_wipes_and_the_preview_counts_what_a_reset_would_lose() {
    let f = Fixture::new();
    {
        let s = f.store();
        full_sync(&s, &[abc()], "t");
        let e = bumped(event("a", 1, "A"), "A local");
        enqueue(&s, vec![queued(&e.id, OutboxOp::Update, edited(&e))]);
    }
    let before = std::fs::read(&f.path).unwrap();
    let empty: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    for _ in 0..2 {
        let err = Store::open(&f.path, empty.clone())
            .err()
            .expect("must fail");
        assert_eq!(err.kind(), ErrorKind::DataKeyMissing);
        let text = err.to_string();
        assert!(
            text.contains("holds no data key 1") && text.contains("nothing was changed"),
            "{text}"
        );
        assert!(
            text.contains("chronos-cli reset-local"),
            "the recovery command is named: {text}"
        );
    }
    assert_eq!(
        Store::reset_preview(&f.path).unwrap(),
        RecoveryReport {
            unsent_changes_lost: 1,
            conflicts_lost: 0,
            events_wiped: 3
        }
    );
    assert_eq!(
        std::fs::read(&f.path).unwrap(),
        before,
        "the store file is unchanged"
    );
    assert_eq!(raw_count(&f.path, "outbox"), 1);
    assert_eq!(raw_count(&f.path, "events"), 3);
    // No keyring key was made up either: the original key still opens everything.
    assert_eq!(empty.get("data-key:current").unwrap(), None);
    let s = f.open();
    assert_eq!(s.pending_count(None).unwrap(), 1);
    assert_eq!(december_ids(&s), ["a", "b", "c"]);
}

#[test]
fn key_rotation() {
    let f = Fixture::new();
    let s = f.store();
    full_sync(&s, &[vec![event("old", 1, "Old")]], "t");
    let k1 = s.current_data_key();
    let k2 = s.rotate_data_key().unwrap();
    assert_ne!(k1, k2);
    assert_eq!(s.data_key_ids(), vec![k1, k2]);
    incremental(&s, &[event("new", 2, "New")], "t2");
    let key_of = |id: &str| -> u32 {
        let conn = Connection::open(&f.path).unwrap();
        let blob: Vec<u8> = conn
            .query_row("SELECT blob FROM events WHERE event_id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        u32::from_be_bytes(blob[1..5].try_into().unwrap())
    };
    assert_eq!((key_of("old"), key_of("new")), (k1.0, k2.0));
    drop(s);
    let s = f.open();
    assert_eq!(s.current_data_key(), k2);
    assert_eq!(december_ids(&s), ["new", "old"]);
    assert_eq!(
        s.retire_data_key(k1).unwrap_err().kind(),
        ErrorKind::Conflict,
        "still in use"
    );
    let n = s.reencrypt_all().unwrap();
    assert_eq!(n, 3, "the old event, its index entry and the calendar");
    assert_eq!(key_of("old"), k2.0);
    s.retire_data_key(k1).unwrap();
    assert!(f.secrets.get(&format!("data-key:{k1}")).unwrap().is_none());
    drop(s);
    let s = f.open();
    assert_eq!(s.data_key_ids(), vec![k2]);
    assert_eq!(row_title(&s, "old").as_deref(), Some("Old"));
}

#[test]
fn conflicts_and_moves() {
    let f = Fixture::new();
    let s = f.store();
    let team = CalendarId::from("team");
    s.apply_calendar_list(
        &acct(),
        &[CalendarListEntry {
            id: team.clone(),
            selected: Some(true),
            access_role: Some("reader".into()),
            ..Default::default()
        }],
        false,
        None,
    )
    .unwrap();
    assert!(s
        .get_calendar(&acct(), &team)
        .unwrap()
        .unwrap()
        .is_read_only());
    let e = event("e", 5, "Move me");
    full_sync(&s, &[vec![e.clone()]], "t");
    // A move re-seals the row under its new identity and removes the old one.
    s.write_local(
        &acct(),
        &LocalWrite {
            rows: vec![
                RowChange::Delete {
                    calendar: cal(),
                    event_id: e.id.clone(),
                },
                RowChange::Upsert {
                    calendar: team.clone(),
                    event: e.clone(),
                },
            ],
            enqueue: vec![NewOutboxEntry {
                calendar: team.clone(),
                event_id: e.id.clone(),
                op: OutboxOp::Move,
                payload: OutboxPayload {
                    detail: serde_json::json!({"from": cal()}),
                    ..Default::default()
                },
            }],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(s.get_event(&acct(), &cal(), &e.id).unwrap().is_none());
    let moved = s.get_event(&acct(), &team, &e.id).unwrap().unwrap();
    assert!(moved.pending);
    assert_eq!(
        s.read_event_row(&acct(), &team, &e.id).unwrap(),
        Some(e.clone())
    );

    let r = s
        .write_local(
            &acct(),
            &LocalWrite {
                add_conflicts: vec![NewConflict {
                    calendar: team.clone(),
                    event_id: e.id.clone(),
                    kind: ConflictKind::BothChanged,
                    value: ConflictValue {
                        local: Some(e.clone()),
                        fields: vec!["summary".into()],
                        ..Default::default()
                    },
                }],
                ..Default::default()
            },
        )
        .unwrap();
    let list = s.list_conflicts(Some(&acct())).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].id,
            list[0].kind.as_str(),
            list[0].value.fields.clone()
        ),
        (r.conflicts[0], "both_changed", vec!["summary".to_string()])
    );
    // By id, with or without its account, and counted without opening it.
    assert_eq!(
        s.conflict(&acct(), r.conflicts[0]).unwrap().as_ref(),
        Some(&list[0])
    );
    assert_eq!(
        s.find_conflict(r.conflicts[0]).unwrap().as_ref(),
        Some(&list[0])
    );
    assert_eq!(
        s.conflict(&AccountId::from("other@example.com"), r.conflicts[0])
            .unwrap(),
        None
    );
    assert_eq!(s.conflict_count(&acct()).unwrap(), 1);
    assert!(s.resolve_conflict(r.conflicts[0]).unwrap());
    assert!(s.list_conflicts(None).unwrap().is_empty());
    assert_eq!(s.find_conflict(r.conflicts[0]).unwrap(), None);
    assert_eq!(s.conflict_count(&acct()).unwrap(), 0);
    // Edits against unknown calendars change nothing.
    let err = s
        .write_local(
            &acct(),
            &LocalWrite {
                rows: vec![RowChange::Upsert {
                    calendar: CalendarId::from("nope"),
                    event: e,
                }],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn deleting_an_account_removes_its_data() {
    let f = Fixture::new();
    let s = f.store();
    full_sync(&s, &[vec![event("a", 1, "A")]], "t");
    assert!(s.delete_account(&acct()).unwrap());
    assert!(s.list_accounts().unwrap().is_empty());
    assert!(s.list_calendars(None, true).unwrap().is_empty());
    assert_eq!(december_ids(&s), Vec::<String>::new());
    let conn = Connection::open(&f.path).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn a_removed_calendar_loses_its_events() {
    let f = Fixture::new();
    let s = f.store();
    full_sync(&s, &[vec![event("a", 1, "A")]], "t");
    let out = s
        .apply_calendar_list(&acct(), &[], true, Some(&SyncToken::from("cl-2")))
        .unwrap();
    assert_eq!(out.removed, 1);
    assert!(s.list_calendars(None, false).unwrap().is_empty());
    assert!(s.list_calendars(None, true).unwrap()[0].deleted);
    assert_eq!(s.event_count(&acct(), &cal()).unwrap(), 0);
    assert_eq!(s.sync_state(&acct(), &cal()).unwrap().sync_token, None);
}

#[tokio::test]
async fn async_callers_use_the_blocking_pool() {
    let f = Fixture::new();
    let s = Arc::new(f.store());
    let n = s
        .call(|s| {
            full_sync(s, &[vec![event("a", 1, "A")]], "t");
            Ok(
                s.events_in_range(None, None, utc(2026, 12, 1), utc(2027, 1, 1))?
                    .len(),
            )
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
    let err = s
        .call(|s| s.set_calendar_color(&acct(), &cal(), Some("red")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn a_large_calendar_loads_completely_and_still_refuses_forged_rows() {
    let f = Fixture::new();
    let events: Vec<_> = (0..6000)
        .map(|i| event(&format!("big{i:05}"), 1 + (i % 28) as u32, &format!("T{i}")))
        .collect();
    {
        let s = f.store();
        full_sync(
            &s,
            &[
                events[..2500].to_vec(),
                events[2500..5000].to_vec(),
                events[5000..].to_vec(),
            ],
            "t",
        );
    }
    let s = f.open();
    let got = s
        .events_in_range(None, None, utc(2026, 12, 1), utc(2027, 1, 1))
        .unwrap();
    assert_eq!(got.len(), 6000);
    assert!(got
        .windows(2)
        .all(|w| w[0].event.start.as_ref().unwrap().date_time
            <= w[1].event.start.as_ref().unwrap().date_time));
    assert_eq!(
        *s.get_event(&acct(), &cal(), &EventId::from("big04321"))
            .unwrap()
            .unwrap()
            .event,
        events[4321]
    );
    drop(s);
    Connection::open(&f.path)
        .unwrap()
        .execute("UPDATE events SET blob = (SELECT blob FROM events WHERE event_id = 'big00001') WHERE event_id = 'big05999'", [])
        .unwrap();
    let err = f
        .open()
        .events_in_range(None, None, utc(2026, 12, 1), utc(2027, 1, 1))
        .unwrap_err();
    assert!(err.to_string().contains("big05999"), "{err}");
}

#[test]
fn a_cancelled_series_keeps_exceptions_with_unsent_edits() {
    let f = Fixture::new();
    let s = f.store();
    let mut master = event("s", 1, "Series");
    master.recurrence = Some(vec!["RRULE:FREQ=WEEKLY".into()]);
    let mut x1 = event("s_20261208T090000Z", 8, "edited here");
    x1.recurring_event_id = Some(EventId::from("s"));
    x1.original_start_time = Some(dt("2026-12-08T09:00:00Z".into()));
    let mut x2 = event("s_20261215T090000Z", 15, "moved");
    x2.recurring_event_id = Some(EventId::from("s"));
    x2.original_start_time = Some(dt("2026-12-15T09:00:00Z".into()));
    full_sync(&s, &[vec![master, x1.clone(), x2]], "t1");
    let unsent = OutboxPayload::default();
    enqueue(&s, vec![queued(&x1.id, OutboxOp::Update, unsent)]);
    let out = incremental(&s, &[cancelled("s")], "t2");
    assert_eq!(out.deleted, 2, "the master and the untouched exception");
    assert_eq!(december_ids(&s), ["s_20261208T090000Z"]);
    // Deselecting frees the calendar's index; selecting again reloads it from the file.
    s.set_calendar_selected(&acct(), &cal(), false).unwrap();
    assert!(december_ids(&s).is_empty());
    s.set_calendar_selected(&acct(), &cal(), true).unwrap();
    assert_eq!(december_ids(&s), ["s_20261208T090000Z"]);
    assert!(
        s.get_event(&acct(), &cal(), &x1.id)
            .unwrap()
            .unwrap()
            .pending
    );
}

#[test]
fn a_version_6_store_is_indexed_from_its_events_once_and_then_from_the_sealed_meta() {
    let f = Fixture::new();
    let events: Vec<_> = (0..300)
        .map(|i| event(&format!("v6e{i:03}"), 1 + (i % 28) as u32, &format!("T{i}")))
        .collect();
    full_sync(&f.store(), std::slice::from_ref(&events), "t");
    // That release's layout: the same sealed event rows, without the columns 6 → 7 adds (nor the
    // trash 7 → 8, the sync journal 8 → 9 and the undo history 9 → 10 add).
    {
        let conn = Connection::open(&f.path).unwrap();
        conn.execute_batch("ALTER TABLE events DROP COLUMN meta; ALTER TABLE outbox DROP COLUMN last_error_kind;\n             DROP TABLE trash; DROP TABLE sync_journal; DROP TABLE undo_log;
             PRAGMA user_version = 6;")
            .unwrap();
    }
    let meta_count = |path: &Path| -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row("SELECT COUNT(meta) FROM events", [], |r| r.get(0))
            .unwrap()
    };
    let s = f.open();
    assert_eq!(meta_count(&f.path), 0, "migrated, not yet indexed");
    assert_eq!(december_ids(&s).len(), 300);
    assert_eq!(meta_count(&f.path), 300, "indexing wrote every row's meta");
    // The same page again is recognised as unchanged through the backfilled digests.
    let out = incremental(&s, &events, "t2");
    assert_eq!((out.unchanged, out.updated, out.added), (300, 0, 0));
    drop(s);
    // A meta copied from another row fails to open, like a copied event: never trusted.
    Connection::open(&f.path)
        .unwrap()
        .execute(
            "UPDATE events SET meta = (SELECT meta FROM events WHERE event_id = 'v6e001') WHERE event_id = 'v6e002'",
            [],
        )
        .unwrap();
    let err = f
        .open()
        .events_in_range(None, None, utc(2026, 12, 1), utc(2027, 1, 1))
        .unwrap_err();
    assert!(matches!(err, Error::Crypto(_)), "{err:?}");
    assert!(err.to_string().contains("v6e002"), "{err}");
    let s = f.open();
    let got = s
        .get_event(&acct(), &cal(), &EventId::from("v6e299"))
        .unwrap()
        .unwrap();
    assert_eq!(*got.event, events[299]);
}
