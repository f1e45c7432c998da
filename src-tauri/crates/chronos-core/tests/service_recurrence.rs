//! Recurring events through `Chronos::events_in_range` against the emulator over HTTP: series
//! and their exceptions are stored as Google sends them (`singleEvents=false`) and expanded on
//! query — every occurrence once, moved ones at their new time, cancelled ones gone, also after
//! a 410 and a full re-sync; all-day series stay on their dates.

mod sync_support;

use chronos_core::auth::open_without_browser;
use chronos_core::clock::Backoff;
use chronos_core::config::OAuthClientConfig;
use chronos_core::model::AccountId;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::store::StoredEvent;
use chrono::{DateTime, Utc};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use sync_support::*;

fn options(emu: &gcal_emulator::EmulatorHandle, dir: &std::path::Path) -> ChronosOptions {
    let mut o = ChronosOptions::new(
        dir,
        Arc::new(MemorySecretStore::default()),
        endpoints(emu),
        OAuthClientConfig::new(gcal_emulator::DEMO_CLIENT_ID, gcal_emulator::DEMO_CLIENT_SECRET),
    );
    o.client.backoff = Backoff { max_retries: 2, ..Backoff::with_base(Duration::from_millis(5)) };
    o.push.probe = None;
    o
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Instant of a row's start (timed rows only).
fn start_utc(e: &StoredEvent) -> Option<DateTime<Utc>> {
    e.event.start.as_ref()?.date_time.as_deref().map(t)
}

fn of_series<'a>(rows: &'a [StoredEvent], master: &str) -> Vec<&'a StoredEvent> {
    rows.iter()
        .filter(|r| r.event.id.as_str() == master || r.event.recurring_event_id.as_ref().is_some_and(|m| m.as_str() == master))
        .collect()
}

/// A weekly Tuesday 09:00 Berlin meeting in December 2026 with the 8th moved to Wednesday 15:00
/// and the 15th cancelled, plus a four-day all-day daily series from 30 December.
fn seed(emu: &gcal_emulator::EmulatorHandle) {
    let c = emu.control();
    c.insert_event(USER, json!({
        "id": "team0001",
        "summary": "Team sync",
        "start": {"dateTime": "2026-12-01T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-01T10:00:00+01:00", "timeZone": "Europe/Berlin"},
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU"],
    }))
    .unwrap();
    c.patch_event(USER, "team0001_20261208T080000Z", json!({
        "start": {"dateTime": "2026-12-09T15:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-09T16:00:00+01:00", "timeZone": "Europe/Berlin"},
    }))
    .unwrap();
    c.delete_event(USER, "team0001_20261215T080000Z").unwrap();
    c.insert_event(USER, json!({
        "id": "hol00001",
        "summary": "Holiday",
        "start": {"date": "2026-12-30"},
        "end": {"date": "2026-12-31"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=4"],
    }))
    .unwrap();
}

async fn open(emu: &gcal_emulator::EmulatorHandle, dir: &std::path::Path) -> (Chronos, AccountId) {
    let chronos = Chronos::open(options(emu, dir)).await.unwrap();
    let account = chronos.connect_account(open_without_browser).await.unwrap();
    let reports = chronos.sync_now(Some(&account)).await.unwrap();
    assert!(reports.iter().all(|r| r.error.is_none()), "{reports:?}");
    (chronos, account)
}

async fn december(chronos: &Chronos) -> Vec<StoredEvent> {
    chronos.events_in_range(t("2026-12-01T00:00:00Z"), t("2027-01-01T00:00:00Z"), None, None).await.unwrap()
}

fn assert_weekly_december(rows: &[StoredEvent]) {
    let weekly = of_series(rows, "team0001");
    let mut got: Vec<(String, DateTime<Utc>)> =
        weekly.iter().map(|r| (r.event.id.as_str().to_owned(), start_utc(r).unwrap())).collect();
    got.sort_by_key(|g| g.1);
    assert_eq!(
        got,
        vec![
            ("team0001_20261201T080000Z".to_owned(), t("2026-12-01T08:00:00Z")),
            ("team0001_20261208T080000Z".to_owned(), t("2026-12-09T14:00:00Z")),
            ("team0001_20261222T080000Z".to_owned(), t("2026-12-22T08:00:00Z")),
            ("team0001_20261229T080000Z".to_owned(), t("2026-12-29T08:00:00Z")),
        ],
        "every Tuesday once, the 8th on the 9th, the 15th gone"
    );
    for r in &weekly {
        let e = &r.event;
        assert!(e.recurrence.is_none(), "occurrences carry no rule: {}", e.id);
        assert_eq!(e.recurring_event_id.as_ref().map(|m| m.as_str()), Some("team0001"));
        assert!(e.original_start_time.is_some());
        assert!(!e.is_cancelled());
        assert_eq!(e.summary.as_deref(), Some("Team sync"));
        assert_eq!(e.start.as_ref().unwrap().time_zone.as_deref(), Some("Europe/Berlin"));
        let (s, end) = (start_utc(r).unwrap(), t(e.end.as_ref().unwrap().date_time.as_deref().unwrap()));
        assert_eq!(end - s, chrono::Duration::hours(1));
    }
    // The moved one still names its original slot.
    let moved = weekly.iter().find(|r| r.event.id.as_str() == "team0001_20261208T080000Z").unwrap();
    let original = moved.event.original_start_time.as_ref().unwrap().date_time.as_deref().map(t);
    assert_eq!(original, Some(t("2026-12-08T08:00:00Z")));
    // A generated one: its original start is its start, on the wall clock of its zone.
    let first = weekly.iter().find(|r| r.event.id.as_str() == "team0001_20261201T080000Z").unwrap();
    assert_eq!(first.event.start.as_ref().unwrap().date_time.as_deref(), Some("2026-12-01T09:00:00+01:00"));
    assert_eq!(first.event.original_start_time, first.event.start);
    assert!(rows.iter().all(|r| !r.event.is_cancelled() && r.event.recurrence.is_none()));
}

fn all_day_dates(rows: &[StoredEvent]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = of_series(rows, "hol00001")
        .iter()
        .map(|r| {
            let (s, e) = (r.event.start.as_ref().unwrap(), r.event.end.as_ref().unwrap());
            assert!(s.date_time.is_none() && e.date_time.is_none(), "all-day stays floating");
            (r.event.id.as_str().to_owned(), s.date.clone().unwrap(), e.date.clone().unwrap())
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weekly_series_shows_every_week_with_its_moved_and_cancelled_instances() {
    let emu = emulator(world(&[0])).await;
    seed(&emu);
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = open(&emu, dir.path()).await;

    let rows = december(&chronos).await;
    assert_weekly_december(&rows);

    // A narrow range sees only the occurrence in it, and a range holding only the moved
    // instance's original slot does not show it there.
    let day = chronos.events_in_range(t("2026-12-22T00:00:00Z"), t("2026-12-23T00:00:00Z"), None, None).await.unwrap();
    assert_eq!(day.iter().map(|r| r.event.id.as_str()).collect::<Vec<_>>(), ["team0001_20261222T080000Z"]);
    let slot = chronos.events_in_range(t("2026-12-08T00:00:00Z"), t("2026-12-09T00:00:00Z"), None, None).await.unwrap();
    assert!(slot.is_empty(), "{slot:?}");

    // 410 on the next incremental sync: a full re-sync, and the view is the same.
    emu.control().invalidate_sync_tokens(None).unwrap();
    let reports = chronos.sync_now(Some(&account)).await.unwrap();
    assert!(
        reports.iter().flat_map(|r| &r.calendars).any(|c| c.stats.full_sync_after_410),
        "the sync token was refused and replaced"
    );
    assert_weekly_december(&december(&chronos).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_all_day_series_stays_on_its_dates() {
    let emu = emulator(world(&[0])).await;
    seed(&emu);
    let dir = tempfile::tempdir().unwrap();
    let (chronos, _) = open(&emu, dir.path()).await;

    assert_eq!(
        all_day_dates(&december(&chronos).await),
        [
            ("hol00001_20261230".to_owned(), "2026-12-30".to_owned(), "2026-12-31".to_owned()),
            ("hol00001_20261231".to_owned(), "2026-12-31".to_owned(), "2027-01-01".to_owned()),
        ]
    );
    let january = chronos.events_in_range(t("2027-01-01T00:00:00Z"), t("2027-02-01T00:00:00Z"), None, None).await.unwrap();
    assert_eq!(
        all_day_dates(&january),
        [
            ("hol00001_20270101".to_owned(), "2027-01-01".to_owned(), "2027-01-02".to_owned()),
            ("hol00001_20270102".to_owned(), "2027-01-02".to_owned(), "2027-01-03".to_owned()),
        ],
        "COUNT=4 ends the series"
    );
    assert!(of_series(&january, "team0001").len() >= 4, "the weekly series goes on into January");
}

/// An exception of a long occurrence that began before the range is still found (the store's
/// index widens an exception's slot by its master's length).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_instance_of_a_long_occurrence_starting_before_the_range_stays_hidden() {
    let emu = emulator(world(&[0])).await;
    let c = emu.control();
    c.insert_event(USER, json!({
        "id": "trip0001",
        "summary": "Site visit",
        "start": {"dateTime": "2026-12-07T09:00:00Z", "timeZone": "UTC"},
        "end": {"dateTime": "2026-12-10T09:00:00Z", "timeZone": "UTC"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
    }))
    .unwrap();
    c.delete_event(USER, "trip0001_20261214T090000Z").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (chronos, _) = open(&emu, dir.path()).await;

    let ids = |rows: Vec<StoredEvent>| rows.iter().map(|r| r.event.id.as_str().to_owned()).collect::<Vec<_>>();
    // Wednesday of the first week: the running occurrence shows.
    let wed1 = chronos.events_in_range(t("2026-12-09T00:00:00Z"), t("2026-12-09T12:00:00Z"), None, None).await.unwrap();
    assert_eq!(ids(wed1), ["trip0001_20261207T090000Z"]);
    // Wednesday of the cancelled week: nothing.
    let wed2 = chronos.events_in_range(t("2026-12-16T00:00:00Z"), t("2026-12-16T12:00:00Z"), None, None).await.unwrap();
    assert_eq!(ids(wed2), Vec::<String>::new());
    // Wednesday of the last week, after the series' last start: still running.
    let wed3 = chronos.events_in_range(t("2026-12-23T00:00:00Z"), t("2026-12-23T12:00:00Z"), None, None).await.unwrap();
    assert_eq!(ids(wed3), ["trip0001_20261221T090000Z"]);
}
