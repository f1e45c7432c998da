//! Search through `Chronos` on a real store synced from the emulator over HTTP: every field,
//! accents and case, prefixes, several words, a series found once at its next occurrence, the
//! range, two accounts, and the index following local edits and syncs. The engine's clock is
//! pinned, so the day the tests run does not matter.

use chrono::{DateTime, TimeZone, Utc};
use chronos_core::auth::open_without_browser;
use chronos_core::clock::TestClock;
use chronos_core::model::{AccountId, CalendarId, EventId};
use chronos_core::outbox::{EditOptions, EventChanges};
use chronos_core::recurrence::OccurrenceTime;
use chronos_core::search::{SearchHit, SearchQuery};
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::Chronos;
use chronos_testkit::*;
use gcal_emulator::{AccountSpec, CalendarSpec, World};
use serde_json::{json, Value};
use std::sync::Arc;

const ANA: &str = "ana@chronos.example";
const BEN: &str = "ben@chronos.example";

fn timed(id: &str, summary: &str, start: &str, end: &str) -> Value {
    json!({"id": id, "summary": summary,
           "start": {"dateTime": start}, "end": {"dateTime": end}})
}

fn ana_events() -> Vec<Value> {
    let mut cafe = timed(
        "cafe1",
        "Lunch at Café Nero",
        "2026-03-10T12:00:00Z",
        "2026-03-10T13:00:00Z",
    );
    cafe["location"] = json!("Königstraße 5, Stuttgart");
    let mut review = timed(
        "review1",
        "Quarterly review",
        "2026-02-02T15:00:00Z",
        "2026-02-02T16:00:00Z",
    );
    review["description"] = json!(
        "<p>Bring the <b>forecast</b>&nbsp;slides</p><a href=\"https://x.example/hidden\">link</a>"
    );
    review["attendees"] = json!([
        {"email": "zoe.mueller@partner.example", "displayName": "Zoë Müller", "responseStatus": "accepted"},
    ]);
    let standup = json!({
        "id": "standup", "summary": "Daily Stand-up",
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO"],
        "start": {"dateTime": "2026-01-05T09:00:00Z"}, "end": {"dateTime": "2026-01-05T09:15:00Z"},
    });
    let holiday = json!({
        "id": "holiday1", "summary": "Holiday in Lisbon",
        "start": {"date": "2026-08-03"}, "end": {"date": "2026-08-08"},
    });
    let old = timed(
        "old1",
        "Standard offer signing",
        "2019-05-06T10:00:00Z",
        "2019-05-06T11:00:00Z",
    );
    vec![cafe, review, standup, holiday, old]
}

fn ben_events() -> Vec<Value> {
    vec![timed(
        "bencafe",
        "Cafe with Ana",
        "2026-03-11T08:00:00Z",
        "2026-03-11T09:00:00Z",
    )]
}

fn account(email: &str, events: Vec<Value>) -> AccountSpec {
    AccountSpec {
        email: email.into(),
        calendars: vec![CalendarSpec {
            id: email.into(),
            summary: email.into(),
            primary: true,
            events,
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Approves the sign-in as `who`, as if picked in Google's account chooser.
async fn as_who(url: String, who: &'static str) -> chronos_core::Result<()> {
    let mut parsed = url::Url::parse(&url).unwrap();
    parsed.query_pairs_mut().append_pair("login_hint", who);
    open_without_browser(parsed.into()).await
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Fixture {
    chronos: Chronos,
    clock: TestClock,
    emu: gcal_emulator::EmulatorHandle,
    ana: AccountId,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let emu = emulator(World {
        clients: Vec::new(),
        accounts: vec![account(ANA, ana_events()), account(BEN, ben_events())],
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting_at(at("2026-03-04T12:00:00Z"));
    let mut options = chronos_options(&emu, dir.path(), Arc::new(MemorySecretStore::default()), 1);
    options.client.clock = Arc::new(clock.clone());
    let chronos = Chronos::open(options).await.unwrap();
    let ana = chronos
        .connect_account(|url| as_who(url, ANA))
        .await
        .unwrap();
    let ben = chronos
        .connect_account(|url| as_who(url, BEN))
        .await
        .unwrap();
    assert_eq!((ana.as_str(), ben.as_str()), (ANA, BEN));
    chronos.sync_now(None).await.unwrap();
    Fixture {
        chronos,
        clock,
        emu,
        ana,
        _dir: dir,
    }
}

impl Fixture {
    async fn hits(&self, text: &str) -> Vec<SearchHit> {
        self.query(SearchQuery::new(text, chrono_tz::UTC)).await
    }

    async fn query(&self, q: SearchQuery) -> Vec<SearchHit> {
        self.chronos.search(q).await.unwrap().hits
    }

    async fn ids(&self, text: &str) -> Vec<String> {
        ids(&self.hits(text).await)
    }
}

fn ids(hits: &[SearchHit]) -> Vec<String> {
    hits.iter()
        .map(|h| h.event_id.as_str().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_are_found_in_every_field_whatever_their_case_and_accents() {
    let f = fixture().await;
    // Accents and case, both ways, across the two accounts; date order.
    assert_eq!(f.ids("cafe").await, ["cafe1", "bencafe"]);
    assert_eq!(f.ids("CAFÉ").await, ["cafe1", "bencafe"]);
    // Location, with a letter folded to two.
    assert_eq!(f.ids("konigstrasse").await, ["cafe1"]);
    // Description as text: its words are found, the markup and the link target are not.
    assert_eq!(f.ids("forecast").await, ["review1"]);
    assert!(f.ids("hidden").await.is_empty());
    assert!(f.ids("href").await.is_empty());
    // Attendee name and email.
    assert_eq!(f.ids("zoe muller").await, ["review1"]);
    assert_eq!(f.ids("zoe.mueller@partner").await, ["review1"]);
    // A prefix, all history: an event from 2019 is found too, older first.
    let stand = f.hits("stand").await;
    assert_eq!(
        ids(&stand),
        ["old1", "standup_20260309T090000Z"],
        "Standard (2019) and Stand-up"
    );
    // Several words must all match.
    assert_eq!(f.ids("lunch nero").await, ["cafe1"]);
    assert!(f.ids("lunch lisbon").await.is_empty());
    // All-day events keep their dates.
    let holiday = f.hits("lisbon").await;
    assert!(holiday[0].all_day);
    assert_eq!(
        holiday[0].start,
        OccurrenceTime::Date {
            date: chrono::NaiveDate::from_ymd_opt(2026, 8, 3).unwrap()
        }
    );
    // The hit carries what the window needs.
    let cafe = &f.hits("nero").await[0];
    assert_eq!(cafe.account.as_str(), ANA);
    assert_eq!(cafe.calendar.as_str(), ANA);
    assert_eq!(cafe.title, "Lunch at Café Nero");
    assert!(cafe.color.is_some(), "the calendar's colour");
    // Nothing to look for, nothing found.
    assert!(f.ids(" -- ").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_series_is_one_hit_at_its_next_occurrence_from_now() {
    let f = fixture().await;
    let hits = f.hits("daily").await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].series_id, Some(EventId::from("standup")));
    assert_eq!(hits[0].event_id.as_str(), "standup_20260309T090000Z");
    // Later "now": the next Monday after it.
    f.clock.advance(std::time::Duration::from_secs(14 * 86_400));
    let hits = f.hits("daily").await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].event_id.as_str(), "standup_20260323T090000Z");
    let start = Utc.with_ymd_and_hms(2026, 3, 23, 9, 0, 0).unwrap();
    assert!(matches!(hits[0].start, OccurrenceTime::Instant { utc, .. } if utc == start));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_keeps_only_the_occurrences_in_it() {
    let f = fixture().await;
    let mut q = SearchQuery::new("a", chrono_tz::UTC);
    q.range = Some((at("2026-03-01T00:00:00Z"), at("2026-03-11T00:00:00Z")));
    // "a" is a prefix of "at" (Lunch at Café Nero) and "ana" (Ben's "Cafe with Ana"), but Ben's
    // event is on the 11th.
    assert_eq!(ids(&f.query(q.clone()).await), ["cafe1"]);
    // The series is placed inside the range: its first Monday there at or after now.
    q.text = "stand-up".into();
    assert_eq!(ids(&f.query(q.clone()).await), ["standup_20260309T090000Z"]);
    q.range = Some((at("2026-01-01T00:00:00Z"), at("2026-01-10T00:00:00Z")));
    assert_eq!(
        ids(&f.query(q.clone()).await),
        ["standup_20260105T090000Z"],
        "a range before now: the last occurrence in it"
    );
    q.range = Some((at("2026-01-10T00:00:00Z"), at("2026-01-01T00:00:00Z")));
    assert!(
        f.chronos.search(q).await.is_err(),
        "a range that ends first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_edits_and_synced_deletions_show_in_the_next_query() {
    let f = fixture().await;
    assert_eq!(f.ids("nero").await, ["cafe1"]);
    let cal = CalendarId::from(ANA);
    let renamed = EventChanges {
        summary: Some("Lunch at Sushi Bar".into()),
        ..Default::default()
    };
    f.chronos
        .update_event(
            &f.ana,
            &cal,
            &EventId::from("cafe1"),
            renamed,
            EditOptions::default(),
        )
        .await
        .unwrap();
    assert!(f.ids("nero").await.is_empty());
    assert_eq!(f.ids("sushi").await, ["cafe1"]);
    // A new event, made here.
    let created = f
        .chronos
        .create_event(
            &f.ana,
            &cal,
            EventChanges {
                summary: Some("Piano lesson".into()),
                start: Some(chronos_core::model::EventDateTime {
                    date_time: Some("2026-03-12T17:00:00Z".into()),
                    ..Default::default()
                }),
                end: Some(chronos_core::model::EventDateTime {
                    date_time: Some("2026-03-12T18:00:00Z".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            EditOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(f.ids("piano").await, [created.event.id.as_str().to_owned()]);
    // Deleted on Google, then synced: gone from search.
    f.emu.control().delete_event(ANA, "review1").unwrap();
    assert_eq!(f.ids("forecast").await, ["review1"]);
    f.chronos.sync_now(None).await.unwrap();
    assert!(f.ids("forecast").await.is_empty());
    assert_eq!(
        f.ids("sushi").await,
        ["cafe1"],
        "the edit survived the sync"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limit_keeps_the_hits_nearest_to_now_in_date_order() {
    let f = fixture().await;
    let mut q = SearchQuery::new("s", chrono_tz::UTC);
    q.limit = 2;
    let res = f.chronos.search(q).await.unwrap();
    // Now is 2026-03-04: the stand-up (03-09) and lunch in Stuttgart (03-10) are nearest; the
    // review's slides (02-02) and the 2019 signing are counted, not listed.
    assert_eq!(ids(&res.hits), ["standup_20260309T090000Z", "cafe1"]);
    assert_eq!(res.total, 4);
    assert!(f.chronos.search_index_bytes() > 0);
}
