//! Encrypted store versus plain SQLite rows, measured in the same run.
//!
//! - write: 100,000 events in pages of 2,500 (one transaction each), through
//!   `Store::apply_page_owned` (serialise, seal, upsert, index) versus inserting the same JSON as
//!   plaintext rows with indexed start/end columns.
//! - month: a 31-day query over those 100,000 events, through the store's in-memory index versus
//!   `SELECT json … WHERE start >= from - 4 days AND start < to AND end > from` on the indexed
//!   plain table plus parsing the rows into `EventResource`s (both return the same events).
//! - load: the first query after opening (decrypting every event into the index) versus opening
//!   the plain file and reading and parsing every row.
//!
//! - month view: on 100,000 events over ±90 days (the density of the emulator's 100k world:
//!   ~550 a day, a tenth all-day, 6% weekly series), a 6-week month grid with 4 events a day
//!   (`Chronos::month_view`, which decrypts what it shows) versus every event of the same range
//!   as views (`Chronos::event_views_in_range`). Only this part:
//!   `cargo bench -p chronos-core --bench store -- month_view`.
//!
//! Run: `cargo bench -p chronos-core --bench store` (sample counts are kept small; each write
//! iteration handles 100,000 events).

use chrono::{TimeZone, Utc};
use chronos_core::model::*;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::store::*;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rusqlite::{params, Connection};
#[path = "support/counting.rs"]
mod counting;
use counting::{Counting, LIVE};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

const N: usize = 100_000;
const PAGE: usize = 2_500;

fn account() -> AccountId {
    AccountId::from("bench@example.com")
}
fn calendar() -> CalendarId {
    CalendarId::from("bench@example.com")
}

/// 100,000 events over ~3 years (about 2,700 a month), realistic field sizes.
fn events() -> Vec<EventResource> {
    let base = Utc
        .with_ymd_and_hms(2025, 1, 1, 8, 0, 0)
        .unwrap()
        .timestamp();
    (0..N)
        .map(|i| {
            let start = base + (i as i64) * 950;
            let end = start + 3600;
            let t = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap().to_rfc3339();
            let mut e = EventResource {
                id: EventId::from(format!("ev{i:07}x9k2m4q8r").as_str()),
                etag: Some(Etag::from(format!("\"3{i:015}\"").as_str())),
                status: Some("confirmed".into()),
                summary: Some(format!("Meeting {i} about the quarterly plan")),
                description: Some(
                    "Agenda: review numbers, decide next steps, assign owners. ".repeat(3),
                ),
                location: Some(format!("Room {}", i % 40)),
                start: Some(EventDateTime {
                    date_time: Some(t(start)),
                    time_zone: Some("Europe/Berlin".into()),
                    ..Default::default()
                }),
                end: Some(EventDateTime {
                    date_time: Some(t(end)),
                    time_zone: Some("Europe/Berlin".into()),
                    ..Default::default()
                }),
                attendees: Some(
                    (0..3)
                        .map(|a| Attendee {
                            email: Some(format!("person{a}@example.com")),
                            display_name: Some(format!("Person {a}")),
                            response_status: Some("accepted".into()),
                            ..Default::default()
                        })
                        .collect(),
                ),
                updated: Some("2026-11-01T10:00:00.000Z".into()),
                sequence: Some(0),
                ..Default::default()
            };
            e.extra.insert(
                "htmlLink".into(),
                serde_json::json!(format!("https://www.google.com/calendar/event?eid={i}")),
            );
            e.extra.insert(
                "iCalUID".into(),
                serde_json::json!(format!("{i}@google.com")),
            );
            e
        })
        .collect()
}

fn new_store(dir: &Path) -> Store {
    let s = Store::open(
        dir.join("enc.sqlite"),
        Arc::new(MemorySecretStore::default()),
    )
    .unwrap();
    s.upsert_account(&account()).unwrap();
    let entry = CalendarListEntry {
        id: calendar(),
        selected: Some(true),
        primary: Some(true),
        ..Default::default()
    };
    s.apply_calendar_list(&account(), &[entry], true, None)
        .unwrap();
    s
}

/// Pages as the sync engine has them: owned, freshly parsed events (made outside the timing).
fn pages_of(evs: &[EventResource]) -> Vec<Vec<EventResource>> {
    evs.chunks(PAGE).map(|c| c.to_vec()).collect()
}

fn write_store(s: &Store, pages: Vec<Vec<EventResource>>) {
    let g = s.begin_full_sync(&account(), &calendar()).unwrap();
    let n = pages.len();
    for (i, page) in pages.into_iter().enumerate() {
        let end = if i + 1 == n {
            PageEnd::Last(SyncToken::from("token"))
        } else {
            PageEnd::Next(PageToken::from(format!("p{i}")))
        };
        s.apply_page_owned(
            &account(),
            &calendar(),
            page,
            &PageApply {
                full_sync: Some(g),
                end,
            },
        )
        .unwrap();
    }
}

fn new_plain(dir: &Path) -> Connection {
    let c = Connection::open(dir.join("plain.sqlite")).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE TABLE events (account TEXT, calendar_id TEXT, event_id TEXT, etag TEXT, updated TEXT,
           start_s INTEGER, end_s INTEGER, json TEXT, UNIQUE (account, calendar_id, event_id));
         CREATE INDEX events_by_time ON events(account, calendar_id, start_s, end_s);",
    )
    .unwrap();
    c
}

fn ts(d: &Option<EventDateTime>) -> i64 {
    chrono::DateTime::parse_from_rfc3339(d.as_ref().unwrap().date_time.as_deref().unwrap())
        .unwrap()
        .timestamp()
}

fn write_plain(c: &mut Connection, evs: &[EventResource]) {
    for page in evs.chunks(PAGE) {
        let tx = c.transaction().unwrap();
        {
            let mut st = tx
                .prepare_cached(
                    "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT DO UPDATE SET etag = excluded.etag, updated = excluded.updated,
                       start_s = excluded.start_s, end_s = excluded.end_s, json = excluded.json",
                )
                .unwrap();
            for e in page {
                st.execute(params![
                    account().as_str(),
                    calendar().as_str(),
                    e.id.as_str(),
                    e.etag.as_ref().unwrap().as_str(),
                    e.updated,
                    ts(&e.start),
                    ts(&e.end),
                    serde_json::to_string(e).unwrap()
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
}

fn plain_range(c: &Connection, from: i64, to: i64) -> Vec<EventResource> {
    let mut st = c
        .prepare_cached(
            // The same lower bound on the start as the store's index (no event here is longer
            // than 4 days), so the plain side gets the same shortcut.
            "SELECT json FROM events WHERE account = ?1 AND calendar_id = ?2
               AND start_s >= ?3 - 345600 AND start_s < ?4 AND end_s > ?3 ORDER BY start_s",
        )
        .unwrap();
    st.query_map(
        params![account().as_str(), calendar().as_str(), from, to],
        |r| {
            let s: String = r.get(0)?;
            Ok(serde_json::from_str::<EventResource>(&s).unwrap())
        },
    )
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Where an encrypted write's time goes, per event (one pass each, printed for the report).
fn breakdown(evs: &[EventResource]) {
    use chronos_core::store::crypto::{Aad, DataKey, KeyId, KeySet, RecordKind};
    let keys = KeySet::new(DataKey::generate(KeyId(1)));
    let per = |t: std::time::Instant| t.elapsed().as_secs_f64() * 1e6 / evs.len() as f64;
    let t = std::time::Instant::now();
    let json: Vec<Vec<u8>> = evs.iter().map(|e| serde_json::to_vec(e).unwrap()).collect();
    let ser = per(t);
    let t = std::time::Instant::now();
    let sealed: Vec<Vec<u8>> = json
        .iter()
        .zip(evs)
        .map(|(j, e)| {
            keys.seal(
                &Aad {
                    kind: RecordKind::Event,
                    parts: &["a", "c", e.id.as_str()],
                },
                j,
            )
        })
        .collect();
    let seal = per(t);
    let t = std::time::Instant::now();
    for (b, e) in sealed.iter().zip(evs) {
        keys.open(
            &Aad {
                kind: RecordKind::Event,
                parts: &["a", "c", e.id.as_str()],
            },
            b,
        )
        .unwrap();
    }
    let open = per(t);
    let t = std::time::Instant::now();
    let parsed: Vec<EventResource> = json
        .iter()
        .map(|j| serde_json::from_slice(j).unwrap())
        .collect();
    let parse = per(t);
    let t = std::time::Instant::now();
    let cloned: Vec<Arc<EventResource>> = parsed.iter().map(|e| Arc::new(e.clone())).collect();
    let clone = per(t);
    drop(cloned);
    eprintln!(
        "per event: serialise {ser:.2} µs, seal {seal:.2} µs, open {open:.2} µs, parse {parse:.2} µs, clone {clone:.2} µs"
    );
}

/// `events()` packed into ±90 days around 2026-03-23: a tenth all-day (some over several days),
/// one in sixteen a weekly series.
fn dense_events() -> Vec<EventResource> {
    let base = Utc
        .with_ymd_and_hms(2025, 12, 23, 7, 0, 0)
        .unwrap()
        .timestamp();
    let step = 181 * 86_400 / N as i64;
    let mut evs = events();
    for (i, e) in evs.iter_mut().enumerate() {
        let start = base + i as i64 * step + (i as i64 * 7_919) % 36_000;
        let at = |s: i64| EventDateTime {
            date_time: Some(chrono::DateTime::from_timestamp(s, 0).unwrap().to_rfc3339()),
            time_zone: Some("Europe/Berlin".into()),
            ..Default::default()
        };
        if i % 10 == 0 {
            let day = chrono::DateTime::from_timestamp(start, 0)
                .unwrap()
                .date_naive();
            let date = |d: chrono::NaiveDate| EventDateTime {
                date: Some(d.to_string()),
                ..Default::default()
            };
            e.start = Some(date(day));
            e.end = Some(date(day + chrono::Days::new(1 + (i as u64 / 10) % 3)));
        } else {
            e.start = Some(at(start));
            e.end = Some(at(start + 1_800 * (1 + i as i64 % 4)));
        }
        if i % 16 == 1 {
            e.recurrence = Some(vec!["RRULE:FREQ=WEEKLY".into()]);
        }
    }
    evs
}

/// `Chronos::month_view` (4 a day) against `Chronos::event_views_in_range` on a dense store.
fn bench_month_view(c: &mut Criterion) {
    use chronos_core::config::{GoogleEndpoints, OAuthClientConfig};
    use chronos_core::service::{Chronos, ChronosOptions};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let chronos = rt
        .block_on(Chronos::open(ChronosOptions::new(
            dir.path(),
            Arc::new(MemorySecretStore::default()),
            GoogleEndpoints::default(),
            OAuthClientConfig::new("unused", ""),
        )))
        .unwrap();
    let store = chronos.store();
    store.upsert_account(&account()).unwrap();
    let entry = CalendarListEntry {
        id: calendar(),
        selected: Some(true),
        primary: Some(true),
        ..Default::default()
    };
    store
        .apply_calendar_list(&account(), &[entry], true, None)
        .unwrap();
    write_store(store, pages_of(&dense_events()));
    let zone = chrono_tz::Europe::Berlin;
    let from = Utc.with_ymd_and_hms(2026, 2, 28, 23, 0, 0).unwrap();
    let to = from + chrono::Duration::days(42);
    let month = || rt.block_on(chronos.month_view(from, to, zone, 4)).unwrap();
    let range = || {
        rt.block_on(chronos.event_views_in_range(from, to, zone))
            .unwrap()
    };
    let (m, r) = (month(), range());
    let hidden: u32 = m.more.iter().map(|d| d.hidden).sum();
    eprintln!(
        "6-week month view: {} events shown, {hidden} left out over {} days; the range view has {}",
        m.events.len(),
        m.more.len(),
        r.events.len()
    );
    let time = |f: &dyn Fn() -> usize| {
        let t = std::time::Instant::now();
        for _ in 0..5 {
            f();
        }
        t.elapsed().as_secs_f64() / 5.0
    };
    let (tm, tr) = (
        time(&|| month().events.len()),
        time(&|| range().events.len()),
    );
    eprintln!(
        "month view {:.1} ms, range view {:.1} ms: the month view takes {:.2}x the range view's time",
        tm * 1e3,
        tr * 1e3,
        tm / tr
    );
    let mut g = c.benchmark_group("month_view_of_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("month_view_4_a_day", |b| b.iter(|| month().events.len()));
    g.bench_function("event_views_in_range", |b| b.iter(|| range().events.len()));
    g.finish();
}

fn bench(c: &mut Criterion) {
    bench_month_view(c);
    let evs = events();
    breakdown(&evs);
    let month_from = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let month_to = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();

    let mut g = c.benchmark_group("write_100k");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(30))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function("encrypted_store", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let s = new_store(dir.path());
                (dir, s, pages_of(&evs))
            },
            |(dir, s, pages)| {
                write_store(&s, pages);
                (dir, s)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("plain_sqlite", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let c = new_plain(dir.path());
                (dir, c)
            },
            |(dir, mut c)| {
                write_plain(&mut c, &evs);
                (dir, c)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path());
    write_store(&store, pages_of(&evs));
    let mut plain = new_plain(dir.path());
    write_plain(&mut plain, &evs);
    let n_store = store
        .events_in_range(None, None, month_from, month_to)
        .unwrap()
        .len();
    let n_plain = plain_range(&plain, month_from.timestamp(), month_to.timestamp()).len();
    assert_eq!(n_store, n_plain, "both sides return the same events");
    eprintln!("month query returns {n_store} events");

    let mut g = c.benchmark_group("month_query_of_100k");
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    g.bench_function("encrypted_store_index", |b| {
        b.iter(|| {
            store
                .events_in_range(None, None, month_from, month_to)
                .unwrap()
                .len()
        })
    });
    g.bench_function("plain_sqlite", |b| {
        b.iter(|| plain_range(&plain, month_from.timestamp(), month_to.timestamp()).len())
    });
    g.finish();

    drop(store);
    let mut g = c.benchmark_group("first_query_after_open_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    // Reopening needs the same key: keep one secret store for these iterations.
    let secrets = Arc::new(MemorySecretStore::default());
    let dir2 = tempfile::tempdir().unwrap();
    let path2 = dir2.path().join("enc.sqlite");
    {
        let s = Store::open(&path2, secrets.clone()).unwrap();
        s.upsert_account(&account()).unwrap();
        s.apply_calendar_list(
            &account(),
            &[CalendarListEntry {
                id: calendar(),
                selected: Some(true),
                ..Default::default()
            }],
            true,
            None,
        )
        .unwrap();
        write_store(&s, pages_of(&evs));
    }
    {
        // Memory the index holds: live heap bytes before and after loading 100,000 events.
        let before = LIVE.load(Ordering::Relaxed);
        let s = Store::open(&path2, secrets.clone()).unwrap();
        let t = std::time::Instant::now();
        s.events_in_range(None, None, month_from, month_to).unwrap();
        let took = t.elapsed();
        let after = LIVE.load(Ordering::Relaxed);
        let json: usize = evs
            .iter()
            .map(|e| serde_json::to_vec(e).unwrap().len())
            .sum();
        eprintln!(
            "index of {N} events: {:.1} MiB of heap ({} B per event; JSON is {} B per event), loaded in {:.2} s",
            (after.saturating_sub(before)) as f64 / 1048576.0,
            after.saturating_sub(before) / N,
            json / N,
            took.as_secs_f64()
        );
    }
    g.bench_function("encrypted_store_open_decrypt_all", |b| {
        b.iter(|| {
            let s = Store::open(&path2, secrets.clone()).unwrap();
            s.events_in_range(None, None, month_from, month_to)
                .unwrap()
                .len()
        })
    });
    g.bench_function("plain_sqlite_read_parse_all", |b| {
        b.iter(|| {
            let c = Connection::open(dir.path().join("plain.sqlite")).unwrap();
            let mut st = c
                .prepare("SELECT json FROM events WHERE account = ?1 AND calendar_id = ?2")
                .unwrap();
            let all: Vec<EventResource> = st
                .query_map(params![account().as_str(), calendar().as_str()], |r| {
                    Ok(serde_json::from_str::<EventResource>(&r.get::<_, String>(0)?).unwrap())
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            all.len()
        })
    });
    g.finish();
}

#[global_allocator]
static GLOBAL: Counting = Counting;

criterion_group!(benches, bench);
criterion_main!(benches);
