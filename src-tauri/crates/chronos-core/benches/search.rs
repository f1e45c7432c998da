//! The search index over a 100,000-event encrypted store (one calendar, ~3 years, titles from a
//! word list with accented names, a fifth of the descriptions in HTML, 0–4 attendees, 6% weekly
//! series, a tenth all-day), measured in one run:
//!
//! - build: a fresh index over the store (decrypting every event), and the series' shown
//!   occurrences worked out on top (what the engine does in the background after start-up);
//! - memory: the index's own count of its heap bytes, and the live heap it adds (counted by a
//!   wrapping allocator), per event;
//! - queries: typical as-you-type queries, each run many times: p50 / p95 / max;
//! - upkeep: the next query after one event changed, and after a page of 2,500 changed.
//!
//! Run: `cargo bench -p chronos-core --bench search` (the summary is printed first, then
//! criterion times one query).

use chrono::{DateTime, TimeZone, Utc};
use chronos_core::model::*;
use chronos_core::search::{SearchIndex, SearchQuery};
use chronos_core::secrets::MemorySecretStore;
use chronos_core::store::*;
use criterion::{criterion_group, criterion_main, Criterion};
#[path = "support/counting.rs"]
mod counting;
use counting::{Counting, LIVE};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

const N: usize = 100_000;
const PAGE: usize = 2_500;

#[global_allocator]
static GLOBAL: Counting = Counting;

fn account() -> AccountId {
    AccountId::from("bench@example.com")
}
fn calendar() -> CalendarId {
    CalendarId::from("bench@example.com")
}

const TOPICS: &[&str] = &[
    "Meeting",
    "Stand-up",
    "Review",
    "Lunch",
    "Planning",
    "Retro",
    "1:1",
    "Workshop",
    "Interview",
    "Dentist",
    "Yoga",
    "Budget",
    "Roadmap",
    "Onboarding",
    "Demo",
    "Sync",
    "Call",
    "Dinner",
];
const WITH: &[&str] = &[
    "Anna",
    "José",
    "Zoë",
    "Søren",
    "François",
    "Müller",
    "Ana Lopez",
    "the team",
    "design",
    "finance",
    "marketing",
    "Björk",
    "Chloé",
    "Łukasz",
    "Renée",
    "Ahmed",
];
const PLACES: &[&str] = &[
    "Room 12",
    "Café Nero",
    "Berlin office",
    "Zoom",
    "Königstraße 5",
    "Main hall",
    "Library",
    "Coffee corner",
    "Lisbon",
    "Home",
];

/// A small deterministic generator (the store's content only has to look varied).
fn pick<'a>(list: &[&'a str], i: usize, salt: usize) -> &'a str {
    let x = (i.wrapping_mul(2_654_435_761) ^ salt.wrapping_mul(40_503)) % 1_000_003;
    list[x % list.len()]
}

fn events() -> Vec<EventResource> {
    let base = Utc
        .with_ymd_and_hms(2025, 1, 1, 8, 0, 0)
        .unwrap()
        .timestamp();
    (0..N)
        .map(|i| {
            let start = base + (i as i64) * 950;
            let t = |s: i64| DateTime::from_timestamp(s, 0).unwrap().to_rfc3339();
            let all_day = i % 10 == 3;
            let series = i % 16 == 5;
            let time = |s: i64| {
                if all_day {
                    EventDateTime {
                        date: Some(DateTime::from_timestamp(s, 0).unwrap().format("%Y-%m-%d").to_string()),
                        ..Default::default()
                    }
                } else {
                    EventDateTime {
                        date_time: Some(t(s)),
                        time_zone: Some("Europe/Berlin".into()),
                        ..Default::default()
                    }
                }
            };
            let description = if i % 5 == 0 {
                format!(
                    "<p>Agenda for <b>{}</b>:</p><ul><li>review numbers</li><li>next steps</li></ul><a href=\"https://docs.example/{i}\">notes</a>",
                    pick(TOPICS, i, 7)
                )
            } else {
                format!("Talk about {} with {}. Bring the figures for week {}.", pick(TOPICS, i, 8), pick(WITH, i, 9), i % 52)
            };
            EventResource {
                id: EventId::from(format!("ev{i:07}x9k2m4q8r").as_str()),
                etag: Some(Etag::from(format!("\"3{i:015}\"").as_str())),
                status: Some("confirmed".into()),
                summary: Some(format!("{} with {}", pick(TOPICS, i, 1), pick(WITH, i, 2))),
                description: Some(description),
                location: Some(pick(PLACES, i, 3).to_owned()),
                start: Some(time(start)),
                end: Some(time(start + if all_day { 86_400 } else { 3_600 })),
                recurrence: series.then(|| vec!["RRULE:FREQ=WEEKLY;COUNT=60".into()]),
                attendees: Some(
                    (0..(i % 5))
                        .map(|a| {
                            let name = pick(WITH, i, 10 + a);
                            Attendee {
                                email: Some(format!(
                                    "{}@example.com",
                                    name.to_lowercase().replace(' ', ".")
                                )),
                                display_name: Some(name.to_owned()),
                                response_status: Some("accepted".into()),
                                ..Default::default()
                            }
                        })
                        .collect(),
                ),
                ..Default::default()
            }
        })
        .collect()
}

fn new_store(dir: &std::path::Path) -> Store {
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

fn write(s: &Store, evs: Vec<EventResource>, full: bool) {
    let g = full.then(|| s.begin_full_sync(&account(), &calendar()).unwrap());
    let pages: Vec<Vec<EventResource>> = evs.chunks(PAGE).map(|c| c.to_vec()).collect();
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
            &PageApply { full_sync: g, end },
        )
        .unwrap();
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap()
}

const QUERIES: &[&str] = &[
    "meeting",
    "stand",
    "cafe",
    "zoe",
    "muller",
    "room 12",
    "review numbers",
    "lunch anna",
    "berlin",
    "kon",
    "a",
    "interview jose",
    "nothingmatches",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn summary(store: &Store) -> SearchIndex {
    // The store's placement index (the read model) is loaded before anything is measured.
    let _ = SearchIndex::default().refresh(store);
    let mut builds = Vec::new();
    let mut kept = None;
    for _ in 0..3 {
        let before = LIVE.load(Ordering::Relaxed);
        let index = SearchIndex::default();
        let t = Instant::now();
        index.refresh(store).unwrap();
        let build = t.elapsed();
        let t = Instant::now();
        index.warm(store, now(), chrono_tz::Europe::Berlin).unwrap();
        let warm = t.elapsed();
        let live = LIVE.load(Ordering::Relaxed).saturating_sub(before);
        builds.push((build, warm, live));
        kept = Some(index);
    }
    let index = kept.unwrap();
    for (i, (b, w, live)) in builds.iter().enumerate() {
        println!(
            "build {i}: index {:.0} ms, series' occurrences {:.0} ms, live heap added {:.1} bytes/event",
            ms(*b),
            ms(*w),
            *live as f64 / N as f64
        );
    }
    println!(
        "index heap_bytes(): {} bytes = {:.1} bytes/event ({} documents)",
        index.heap_bytes(),
        index.heap_bytes() as f64 / N as f64,
        index.len()
    );
    let mut all = Vec::new();
    for q in QUERIES {
        let query = SearchQuery::new(*q, chrono_tz::Europe::Berlin);
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..40 {
            let t = Instant::now();
            total = index.search(store, &query, now()).unwrap().total;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "query {q:>16}: {total:>6} matches, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap())
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "all queries: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(*all.last().unwrap())
    );
    upkeep(store, &index);
    index
}

/// The next query after changes: one edited event, then a page of 2,500.
fn upkeep(store: &Store, index: &SearchIndex) {
    let query = SearchQuery::new("renamed", chrono_tz::Europe::Berlin);
    let mut evs = events();
    for (n, label) in [(1usize, "1 event"), (PAGE, "2,500 events")] {
        let changed: Vec<EventResource> = evs
            .iter_mut()
            .take(n)
            .map(|e| {
                e.summary = Some(format!(
                    "Renamed {n} {}",
                    e.summary.as_deref().unwrap_or("")
                ));
                e.clone()
            })
            .collect();
        write(store, changed, false);
        let t = Instant::now();
        let found = index.search(store, &query, now()).unwrap().total;
        let first = t.elapsed();
        let t = Instant::now();
        index.search(store, &query, now()).unwrap();
        println!(
            "after {label} changed: first query {:.1} ms ({found} found), next {:.2} ms",
            ms(first),
            ms(t.elapsed())
        );
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path());
    write(&store, events(), true);
    let index = summary(&store);
    let mut g = c.benchmark_group("search");
    g.sample_size(30);
    let query = SearchQuery::new("lunch anna", chrono_tz::Europe::Berlin);
    g.bench_function("query 'lunch anna' over 100k", |b| {
        b.iter(|| index.search(&store, &query, now()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
