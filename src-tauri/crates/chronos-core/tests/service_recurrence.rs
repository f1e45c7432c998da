//! Recurring events through `Chronos::events_in_range` against the emulator over HTTP: series
//! and their exceptions are stored as Google sends them (`singleEvents=false`) and expanded on
//! query — every occurrence once, moved ones at their new time, cancelled ones gone, also after
//! a 410 and a full re-sync; all-day series stay on their dates.

use chrono::{DateTime, Utc};
use chronos_core::model::{AccountId, CalendarId, EventDateTime, EventId};
use chronos_core::outbox::{EditOptions, EditScope, EventChanges, OccurrenceEdit};
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::store::{Detail, StoredEvent};
use chronos_testkit::*;
use gcal_emulator::EmulatorHandle;
use serde_json::json;
use std::ops::ControlFlow;

fn options(emu: &EmulatorHandle, dir: &std::path::Path) -> ChronosOptions {
    chronos_options(emu, dir, memory_secrets(), 2)
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
        .filter(|r| {
            r.event.id.as_str() == master
                || r.event
                    .recurring_event_id
                    .as_ref()
                    .is_some_and(|m| m.as_str() == master)
        })
        .collect()
}

/// A weekly Tuesday 09:00 Berlin meeting in December 2026 with the 8th moved to Wednesday 15:00
/// and the 15th cancelled, plus a four-day all-day daily series from 30 December.
fn seed(emu: &EmulatorHandle) {
    let c = emu.control();
    c.insert_event(
        USER,
        json!({
            "id": "team0001",
            "summary": "Team sync",
            "start": {"dateTime": "2026-12-01T09:00:00+01:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2026-12-01T10:00:00+01:00", "timeZone": "Europe/Berlin"},
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU"],
        }),
    )
    .unwrap();
    move_on_server(
        &c,
        "team0001_20261208T080000Z",
        "2026-12-09T15:00:00+01:00",
        "2026-12-09T16:00:00+01:00",
    );
    c.delete_event(USER, "team0001_20261215T080000Z").unwrap();
    c.insert_event(
        USER,
        json!({
            "id": "hol00001",
            "summary": "Holiday",
            "start": {"date": "2026-12-30"},
            "end": {"date": "2026-12-31"},
            "recurrence": ["RRULE:FREQ=DAILY;COUNT=4"],
        }),
    )
    .unwrap();
}

/// Someone moves an instance on Google to `start`–`end` (RFC 3339 with offset, Berlin time).
fn move_on_server(c: &gcal_emulator::Control, instance: &str, start: &str, end: &str) {
    let times = json!({
        "start": {"dateTime": start, "timeZone": "Europe/Berlin"},
        "end": {"dateTime": end, "timeZone": "Europe/Berlin"},
    });
    c.patch_event(USER, instance, times).unwrap();
}

/// An emulator holding `seed`'s events.
async fn seeded() -> EmulatorHandle {
    let emu = emulator(world(&[0])).await;
    seed(&emu);
    emu
}

/// Chronos over a fresh store, connected to `emu`'s account and synced once.
struct Synced {
    emu: EmulatorHandle,
    chronos: Chronos,
    account: AccountId,
    _dir: tempfile::TempDir,
}

async fn synced(emu: EmulatorHandle) -> Synced {
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = connected(options(&emu, dir.path())).await;
    let reports = chronos.sync_now(Some(&account)).await.unwrap();
    assert!(reports.iter().all(|r| r.error.is_none()), "{reports:?}");
    Synced {
        emu,
        chronos,
        account,
        _dir: dir,
    }
}

impl Synced {
    /// An edit of an occurrence on the primary calendar, with the default notification.
    async fn update(
        &self,
        id: &EventId,
        changes: EventChanges,
        scope: EditScope,
    ) -> chronos_core::Result<OccurrenceEdit> {
        let opts = EditOptions::default();
        self.chronos
            .update_occurrence(&self.account, &primary(), id, changes, scope, opts)
            .await
    }

    /// A delete of an occurrence on the primary calendar, with the default notification.
    async fn delete(&self, id: &EventId, scope: EditScope) -> OccurrenceEdit {
        let opts = EditOptions::default();
        self.chronos
            .delete_occurrence(&self.account, &primary(), id, scope, opts)
            .await
            .unwrap()
    }

    /// How many visible exceptions an edit of `id` in `scope` would drop.
    async fn preview(&self, id: &EventId, changes: EventChanges, scope: EditScope) -> usize {
        self.chronos
            .preview_series_edit(&self.account, &primary(), id, Some(changes), scope)
            .await
            .unwrap()
    }

    /// A sync that must succeed and leave nothing queued.
    async fn sync(&self) {
        let reports = self.chronos.sync_now(Some(&self.account)).await.unwrap();
        assert!(
            reports
                .iter()
                .all(|r| r.error.is_none() && r.failed_calendars().next().is_none()),
            "{reports:?}"
        );
        assert_eq!(
            self.chronos.pending_count(&self.account).await.unwrap(),
            0,
            "every queued change reached Google"
        );
    }

    /// An event as the server holds it.
    fn server(&self, id: &str) -> serde_json::Map<String, serde_json::Value> {
        self.emu.control().get_event(USER, id).unwrap()
    }

    /// An event's `status` on the server.
    fn status_on_server(&self, id: &str) -> Option<String> {
        field(&self.server(id), &["status"]).map(str::to_owned)
    }
}

/// What the view shows from `from` to `to` (RFC 3339), in UTC.
async fn events_between(chronos: &Chronos, from: &str, to: &str) -> Vec<StoredEvent> {
    chronos
        .events_in_range(t(from), t(to), chrono_tz::UTC, None, None)
        .await
        .unwrap()
        .events
}

async fn december(chronos: &Chronos) -> Vec<StoredEvent> {
    events_between(chronos, "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z").await
}

/// The weekly series' occurrences as (id, start instant), earliest first.
fn weekly_starts(rows: &[StoredEvent]) -> Vec<(String, DateTime<Utc>)> {
    let mut got: Vec<_> = of_series(rows, "team0001")
        .iter()
        .map(|r| (r.event.id.as_str().to_owned(), start_utc(r).unwrap()))
        .collect();
    got.sort_by_key(|g| g.1);
    got
}

/// `(id, RFC 3339 start)` pairs in the form `weekly_starts` returns.
fn id_starts(pairs: &[(&str, &str)]) -> Vec<(String, DateTime<Utc>)> {
    pairs
        .iter()
        .map(|(id, at)| (id.to_string(), t(at)))
        .collect()
}

fn assert_weekly_december(rows: &[StoredEvent]) {
    let weekly = of_series(rows, "team0001");
    assert_eq!(
        weekly_starts(rows),
        id_starts(&[
            ("team0001_20261201T080000Z", "2026-12-01T08:00:00Z"),
            ("team0001_20261208T080000Z", "2026-12-09T14:00:00Z"),
            ("team0001_20261222T080000Z", "2026-12-22T08:00:00Z"),
            ("team0001_20261229T080000Z", "2026-12-29T08:00:00Z"),
        ]),
        "every Tuesday once, the 8th on the 9th, the 15th gone"
    );
    for r in &weekly {
        let e = &r.event;
        assert!(
            e.recurrence.is_none(),
            "occurrences carry no rule: {}",
            e.id
        );
        assert_eq!(
            e.recurring_event_id.as_ref().map(|m| m.as_str()),
            Some("team0001")
        );
        assert!(e.original_start_time.is_some());
        assert!(!e.is_cancelled());
        assert_eq!(e.summary.as_deref(), Some("Team sync"));
        assert_eq!(
            e.start.as_ref().unwrap().time_zone.as_deref(),
            Some("Europe/Berlin")
        );
        let (s, end) = (
            start_utc(r).unwrap(),
            t(e.end.as_ref().unwrap().date_time.as_deref().unwrap()),
        );
        assert_eq!(end - s, chrono::Duration::hours(1));
    }
    // The moved one still names its original slot.
    let moved = weekly
        .iter()
        .find(|r| r.event.id.as_str() == "team0001_20261208T080000Z")
        .unwrap();
    let original = moved
        .event
        .original_start_time
        .as_ref()
        .unwrap()
        .date_time
        .as_deref()
        .map(t);
    assert_eq!(original, Some(t("2026-12-08T08:00:00Z")));
    // A generated one: its original start is its start, on the wall clock of its zone.
    let first = weekly
        .iter()
        .find(|r| r.event.id.as_str() == "team0001_20261201T080000Z")
        .unwrap();
    assert_eq!(
        first.event.start.as_ref().unwrap().date_time.as_deref(),
        Some("2026-12-01T09:00:00+01:00")
    );
    assert_eq!(first.event.original_start_time, first.event.start);
    assert!(rows
        .iter()
        .all(|r| !r.event.is_cancelled() && r.event.recurrence.is_none()));
}

/// The all-day series' occurrences as [id, start date, end date], sorted.
fn all_day_dates(rows: &[StoredEvent]) -> Vec<[String; 3]> {
    let mut v: Vec<_> = of_series(rows, "hol00001")
        .iter()
        .map(|r| {
            let (s, e) = (
                r.event.start.as_ref().unwrap(),
                r.event.end.as_ref().unwrap(),
            );
            assert!(
                s.date_time.is_none() && e.date_time.is_none(),
                "all-day stays floating"
            );
            [
                r.event.id.as_str().to_owned(),
                s.date.clone().unwrap(),
                e.date.clone().unwrap(),
            ]
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weekly_series_shows_every_week_with_its_moved_and_cancelled_instances() {
    let s = synced(seeded().await).await;
    let chronos = &s.chronos;

    let rows = december(chronos).await;
    assert_weekly_december(&rows);

    // A narrow range sees only the occurrence in it, and a range holding only the moved
    // instance's original slot does not show it there.
    let day = events_between(chronos, "2026-12-22T00:00:00Z", "2026-12-23T00:00:00Z").await;
    assert_eq!(
        day.iter().map(|r| r.event.id.as_str()).collect::<Vec<_>>(),
        ["team0001_20261222T080000Z"]
    );
    let slot = events_between(chronos, "2026-12-08T00:00:00Z", "2026-12-09T00:00:00Z").await;
    assert!(slot.is_empty(), "{slot:?}");

    // 410 on the next incremental sync: a full re-sync, and the view is the same.
    s.emu.control().invalidate_sync_tokens(None).unwrap();
    let reports = chronos.sync_now(Some(&s.account)).await.unwrap();
    assert!(
        reports
            .iter()
            .flat_map(|r| &r.calendars)
            .any(|c| c.stats.full_sync_after_410),
        "the sync token was refused and replaced"
    );
    assert_weekly_december(&december(chronos).await);
}

/// A listing's plan: the same events in the same order as the full answer, each generated
/// occurrence written out when visited, opened in outline (title, times, series fields; no
/// description or other content), and the visit stops when asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outline_plan_lists_what_the_full_answer_holds_in_the_same_order() {
    let emu = seeded().await;
    emu.control()
        .patch_event(
            USER,
            "team0001",
            json!({"description": "agenda", "location": "Room 1"}),
        )
        .unwrap();
    let s = synced(emu).await;
    let chronos = &s.chronos;
    let (from, to) = (t("2026-12-01T00:00:00Z"), t("2027-01-01T00:00:00Z"));

    let full = december(chronos).await;
    assert!(full
        .iter()
        .any(|e| e.event.description.as_deref() == Some("agenda")));
    let plan = chronos
        .range_plan(from, to, chrono_tz::UTC, None, None, Detail::Outline)
        .await
        .unwrap();
    assert_eq!(plan.len(), full.len());
    let mut listed = Vec::new();
    plan.for_each(|e| {
        listed.push(e.clone());
        ControlFlow::Continue(())
    });
    let shape = |e: &StoredEvent| {
        let ev = &e.event;
        (
            ev.id.clone(),
            ev.summary.clone(),
            ev.start.clone(),
            ev.end.clone(),
            ev.recurring_event_id.clone(),
            ev.original_start_time.clone(),
        )
    };
    assert_eq!(
        listed.iter().map(shape).collect::<Vec<_>>(),
        full.iter().map(shape).collect::<Vec<_>>()
    );
    assert!(listed.iter().all(|e| e.event.description.is_none()
        && e.event.location.is_none()
        && e.event.extra.is_empty()));
    assert_weekly_december(&listed);

    let mut visited = 0;
    plan.for_each(|_| {
        visited += 1;
        if visited == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(visited, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exceptions_changed_while_the_sync_token_is_refused_arrive_with_the_full_sync() {
    let s = synced(seeded().await).await;
    let chronos = &s.chronos;
    assert_weekly_december(&december(chronos).await);

    // The token is refused from now on; meanwhile someone moves the 8th back to its own slot,
    // moves the 22nd to Wednesday 10:00 and cancels the 29th.
    s.emu.control().invalidate_sync_tokens(None).unwrap();
    let c = s.emu.control();
    move_on_server(
        &c,
        "team0001_20261208T080000Z",
        "2026-12-08T09:00:00+01:00",
        "2026-12-08T10:00:00+01:00",
    );
    move_on_server(
        &c,
        "team0001_20261222T080000Z",
        "2026-12-23T10:00:00+01:00",
        "2026-12-23T11:00:00+01:00",
    );
    c.delete_event(USER, "team0001_20261229T080000Z").unwrap();

    let reports = chronos.sync_now(Some(&s.account)).await.unwrap();
    assert!(reports
        .iter()
        .flat_map(|r| &r.calendars)
        .any(|c| c.stats.full_sync_after_410));
    assert_eq!(
        weekly_starts(&december(chronos).await),
        id_starts(&[
            ("team0001_20261201T080000Z", "2026-12-01T08:00:00Z"),
            ("team0001_20261208T080000Z", "2026-12-08T08:00:00Z"),
            ("team0001_20261222T080000Z", "2026-12-23T09:00:00Z"),
        ]),
        "the 8th back in place, the 15th still gone, the 22nd on the 23rd, the 29th gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_all_day_series_stays_on_its_dates() {
    let s = synced(seeded().await).await;
    let chronos = &s.chronos;

    assert_eq!(
        all_day_dates(&december(chronos).await),
        [
            ["hol00001_20261230", "2026-12-30", "2026-12-31"],
            ["hol00001_20261231", "2026-12-31", "2027-01-01"],
        ]
    );
    let january = events_between(chronos, "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z").await;
    assert_eq!(
        all_day_dates(&january),
        [
            ["hol00001_20270101", "2027-01-01", "2027-01-02"],
            ["hol00001_20270102", "2027-01-02", "2027-01-03"],
        ],
        "COUNT=4 ends the series"
    );
    assert!(
        of_series(&january, "team0001").len() >= 4,
        "the weekly series goes on into January"
    );
}

/// An exception of a long occurrence that began before the range is still found (the store's
/// index widens an exception's slot by its master's length).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_instance_of_a_long_occurrence_starting_before_the_range_stays_hidden() {
    let emu = emulator(world(&[0])).await;
    let c = emu.control();
    c.insert_event(
        USER,
        json!({
            "id": "trip0001",
            "summary": "Site visit",
            "start": {"dateTime": "2026-12-07T09:00:00Z", "timeZone": "UTC"},
            "end": {"dateTime": "2026-12-10T09:00:00Z", "timeZone": "UTC"},
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
        }),
    )
    .unwrap();
    c.delete_event(USER, "trip0001_20261214T090000Z").unwrap();
    let s = synced(emu).await;
    let chronos = &s.chronos;

    let ids = |rows: Vec<StoredEvent>| {
        rows.iter()
            .map(|r| r.event.id.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    // Wednesday of the first week: the running occurrence shows.
    let wed1 = events_between(chronos, "2026-12-09T00:00:00Z", "2026-12-09T12:00:00Z").await;
    assert_eq!(ids(wed1), ["trip0001_20261207T090000Z"]);
    // Wednesday of the cancelled week: nothing.
    let wed2 = events_between(chronos, "2026-12-16T00:00:00Z", "2026-12-16T12:00:00Z").await;
    assert_eq!(ids(wed2), Vec::<String>::new());
    // Wednesday of the last week, after the series' last start: still running.
    let wed3 = events_between(chronos, "2026-12-23T00:00:00Z", "2026-12-23T12:00:00Z").await;
    assert_eq!(ids(wed3), ["trip0001_20261221T090000Z"]);
}

// ---- edits of occurrences, each scope round-tripped through the emulator ----

fn primary() -> CalendarId {
    CalendarId::new(USER)
}

fn field<'a>(ev: &'a serde_json::Map<String, serde_json::Value>, path: &[&str]) -> Option<&'a str> {
    let mut v = ev.get(path[0])?;
    for p in &path[1..] {
        v = v.get(p)?;
    }
    v.as_str()
}

/// The series' rows in December: (id, start instant, summary, pending).
async fn series_december(chronos: &Chronos) -> Vec<(String, DateTime<Utc>, String, bool)> {
    let rows = december(chronos).await;
    let mut v: Vec<_> = rows
        .iter()
        .filter(|r| {
            r.event
                .start
                .as_ref()
                .is_some_and(|s| s.date_time.is_some())
        })
        .map(|r| {
            (
                r.event.id.as_str().to_owned(),
                start_utc(r).unwrap(),
                r.event.summary.clone().unwrap_or_default(),
                r.pending,
            )
        })
        .collect();
    v.sort_by_key(|x| x.1);
    v
}

fn summary(s: &str) -> EventChanges {
    EventChanges {
        summary: Some(s.into()),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_event_edits_and_deletes_an_occurrence_only_expanded_locally() {
    let s = synced(seeded().await).await;
    let chronos = &s.chronos;
    let id = EventId::from("team0001_20261222T080000Z");

    assert_eq!(s.preview(&id, summary("Retro"), EditScope::This).await, 0);
    let out = s
        .update(&id, summary("Retro"), EditScope::This)
        .await
        .unwrap();
    let ev = out.event.expect("the edited instance");
    assert_eq!(ev.event.id, id);
    assert_eq!(
        ev.event.recurring_event_id.as_ref().map(|m| m.as_str()),
        Some("team0001")
    );
    assert_eq!(out.dropped_exceptions, 0);
    // Shown at once, in its slot, the rest of the series untouched.
    let local = series_december(chronos).await;
    let titles: Vec<_> = local.iter().map(|x| x.2.as_str()).collect();
    assert_eq!(titles, ["Team sync", "Team sync", "Retro", "Team sync"]);
    assert_eq!(local[2].1, t("2026-12-22T08:00:00Z"));

    // "This event" delete of another generated occurrence: gone at once.
    let gone = EventId::from("team0001_20261229T080000Z");
    s.delete(&gone, EditScope::This).await;
    assert_eq!(series_december(chronos).await.len(), 3);

    s.sync().await;
    let patched = s.server(id.as_str());
    assert_eq!(field(&patched, &["summary"]), Some("Retro"));
    assert_eq!(field(&patched, &["recurringEventId"]), Some("team0001"));
    assert_eq!(
        s.status_on_server(gone.as_str()).as_deref(),
        Some("cancelled")
    );
    assert_eq!(
        field(&s.server("team0001"), &["summary"]),
        Some("Team sync"),
        "the master is untouched"
    );
    let after = series_december(chronos).await;
    assert_eq!(
        after
            .iter()
            .map(|x| (x.0.as_str(), x.2.as_str()))
            .collect::<Vec<_>>(),
        [
            ("team0001_20261201T080000Z", "Team sync"),
            ("team0001_20261208T080000Z", "Team sync"),
            ("team0001_20261222T080000Z", "Retro"),
        ]
    );
    assert!(after.iter().all(|x| !x.3), "nothing pending after the sync");

    // A stored exception (the moved one) deleted as "this event".
    let moved = EventId::from("team0001_20261208T080000Z");
    s.delete(&moved, EditScope::This).await;
    s.sync().await;
    assert_eq!(
        s.status_on_server(moved.as_str()).as_deref(),
        Some("cancelled")
    );
    assert_eq!(series_december(chronos).await.len(), 2);
    // An id that is no occurrence of the series is refused.
    let wrong = EventId::from("team0001_20261223T080000Z");
    let err = s.update(&wrong, summary("x"), EditScope::This).await;
    assert!(err.is_err());
}

/// What the window sends without a scope: an occurrence is edited and deleted as "this event",
/// a series' master or a single event as itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_scope_an_occurrence_is_this_event_and_a_master_the_event_itself() {
    let s = synced(seeded().await).await;
    let (chronos, account, cal) = (&s.chronos, &s.account, &primary());
    let opts = EditOptions::default;
    let id = EventId::from("team0001_20261222T080000Z");
    let ev = chronos
        .update_in_scope((account, cal, &id), summary("Retro"), None, opts())
        .await
        .unwrap();
    assert_eq!(ev.event.id, id);
    assert_eq!(
        ev.event.recurring_event_id.as_ref().map(|m| m.as_str()),
        Some("team0001")
    );
    let titles: Vec<_> = series_december(chronos)
        .await
        .into_iter()
        .map(|x| x.2)
        .collect();
    assert_eq!(titles, ["Team sync", "Team sync", "Retro", "Team sync"]);

    let gone = EventId::from("team0001_20261229T080000Z");
    chronos
        .delete_in_scope((account, cal, &gone), None, opts())
        .await
        .unwrap();
    assert_eq!(series_december(chronos).await.len(), 3);

    let master = EventId::from("team0001");
    let ev = chronos
        .update_in_scope(
            (account, cal, &master),
            summary("Team meeting"),
            None,
            opts(),
        )
        .await
        .unwrap();
    assert_eq!(ev.event.id, master);
    let stored = chronos.get_event(account, cal, &master).await.unwrap();
    assert_eq!(
        stored.unwrap().event.summary.as_deref(),
        Some("Team meeting")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_events_moves_the_series_and_drops_exceptions_whose_occurrence_is_gone() {
    let s = synced(seeded().await).await;
    let chronos = &s.chronos;
    let id = EventId::from("team0001_20261222T080000Z");
    let at = |h: u32| EventDateTime {
        date_time: Some(format!("2026-12-22T{h:02}:00:00+01:00")),
        time_zone: Some("Europe/Berlin".into()),
        ..Default::default()
    };
    // One hour later, renamed: the moved (8th) and cancelled (15th) exceptions lose their slots.
    let changes = EventChanges {
        summary: Some("Weekly sync".into()),
        start: Some(at(10)),
        end: Some(at(11)),
        ..Default::default()
    };

    let preview = s.preview(&id, changes.clone(), EditScope::All).await;
    assert_eq!(
        preview, 1,
        "one visible exception (the moved one) goes; the cancelled one is not counted"
    );
    let out = s.update(&id, changes, EditScope::All).await.unwrap();
    assert_eq!(out.dropped_exceptions, 1);
    assert_eq!(out.event.unwrap().event.id.as_str(), "team0001");

    let expect = [
        t("2026-12-01T09:00:00Z"),
        t("2026-12-08T09:00:00Z"),
        t("2026-12-15T09:00:00Z"),
        t("2026-12-22T09:00:00Z"),
        t("2026-12-29T09:00:00Z"),
    ];
    let local = series_december(chronos).await;
    assert_eq!(local.iter().map(|x| x.1).collect::<Vec<_>>(), expect);
    assert!(local.iter().all(|x| x.2 == "Weekly sync"));

    s.sync().await;
    let master = s.server("team0001");
    assert_eq!(field(&master, &["summary"]), Some("Weekly sync"));
    assert_eq!(
        field(&master, &["start", "dateTime"]).map(t),
        Some(t("2026-12-01T09:00:00Z"))
    );
    assert_eq!(
        s.status_on_server("team0001_20261208T080000Z").as_deref(),
        Some("cancelled")
    );
    let after = series_december(chronos).await;
    assert_eq!(
        after.iter().map(|x| x.1).collect::<Vec<_>>(),
        expect,
        "the same after the round trip"
    );
    assert!(after.iter().all(|x| x.2 == "Weekly sync" && !x.3));

    // Deleting all events removes the series (the occurrence now has its new slot's id).
    assert!(after.iter().any(|x| x.0 == "team0001_20261222T090000Z"));
    let id = EventId::from("team0001_20261222T090000Z");
    s.delete(&id, EditScope::All).await;
    assert!(series_december(chronos).await.is_empty());
    s.sync().await;
    assert_eq!(s.status_on_server("team0001").as_deref(), Some("cancelled"));
    assert!(series_december(chronos).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_and_following_ends_the_series_and_starts_a_new_one() {
    let s = synced(seeded().await).await;
    let chronos = &s.chronos;
    // From the moved instance on: it and the cancelled 15th belong to the old series' tail.
    let id = EventId::from("team0001_20261208T080000Z");

    let preview = s
        .preview(&id, summary("New format"), EditScope::ThisAndFollowing)
        .await;
    assert_eq!(preview, 1);
    let out = s
        .update(&id, summary("New format"), EditScope::ThisAndFollowing)
        .await
        .unwrap();
    assert_eq!(out.dropped_exceptions, 1);
    let new_id = out.event.expect("the new series").event.id.clone();
    assert_ne!(new_id.as_str(), "team0001");

    let check = |rows: Vec<(String, DateTime<Utc>, String, bool)>| {
        let got: Vec<_> = rows
            .iter()
            .map(|x| (x.1, x.2.clone(), x.0.starts_with(new_id.as_str())))
            .collect();
        let want: Vec<_> = [
            ("2026-12-01T08:00:00Z", "Team sync", false),
            ("2026-12-08T08:00:00Z", "New format", true),
            ("2026-12-15T08:00:00Z", "New format", true),
            ("2026-12-22T08:00:00Z", "New format", true),
            ("2026-12-29T08:00:00Z", "New format", true),
        ]
        .iter()
        .map(|(a, b, c)| (t(a), b.to_string(), *c))
        .collect();
        assert_eq!(got, want);
    };
    check(series_december(chronos).await);

    s.sync().await;
    let old = s.server("team0001");
    let rule = old["recurrence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(";");
    assert!(rule.contains("UNTIL="), "the old series ends: {rule}");
    let new = s.server(new_id.as_str());
    assert_eq!(field(&new, &["summary"]), Some("New format"));
    assert_eq!(
        field(&new, &["start", "dateTime"]).map(t),
        Some(t("2026-12-08T08:00:00Z"))
    );
    assert_eq!(
        s.status_on_server(id.as_str()).as_deref(),
        Some("cancelled"),
        "the dropped exception is deleted"
    );
    check(series_december(chronos).await);

    // "This and following" delete from the 22nd of the new series.
    let tail = EventId::from(format!("{new_id}_20261222T080000Z").as_str());
    s.delete(&tail, EditScope::ThisAndFollowing).await;
    s.sync().await;
    assert_eq!(series_december(chronos).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_event_on_an_all_day_series_keeps_its_dates() {
    let s = synced(seeded().await).await;
    let chronos = &s.chronos;

    let renamed = EventId::from("hol00001_20261230");
    s.update(&renamed, summary("Day off"), EditScope::This)
        .await
        .unwrap();
    s.delete(&EventId::from("hol00001_20261231"), EditScope::This)
        .await;
    s.sync().await;

    let on_server = s.server(renamed.as_str());
    assert_eq!(field(&on_server, &["summary"]), Some("Day off"));
    assert_eq!(field(&on_server, &["start", "date"]), Some("2026-12-30"));
    assert_eq!(
        s.status_on_server("hol00001_20261231").as_deref(),
        Some("cancelled")
    );
    let rows = december(chronos).await;
    assert_eq!(
        all_day_dates(&rows),
        [["hol00001_20261230", "2026-12-30", "2026-12-31"]]
    );
    let row = rows.iter().find(|r| r.event.id == renamed).unwrap();
    assert_eq!(row.event.summary.as_deref(), Some("Day off"));
}
