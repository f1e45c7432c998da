//! Full, incremental, 410 and resumed syncs against the emulator over real HTTP, with a real
//! encrypted SQLite store.

mod sync_support;

use chronos_core::scheduler::RunScope;
use chronos_core::sync::engine::SyncMode;
use chronos_core::sync::progress::{SyncOutcome, SyncProgress};
use chronos_core::sync::run::{CalendarReport, RunConfig, RunReport};
use gcal_emulator::{FaultAction, FaultRule, World};
use serde_json::json;
use std::time::Duration;
use sync_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_then_incremental_with_changes() {
    let h = Harness::new(world(&[3000, 10, 0])).await;
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    assert_eq!(r.calendars.len(), 3);
    let c0 = &report_of(&r, 0).stats;
    assert_eq!(c0.mode, SyncMode::Full);
    assert_eq!(c0.pages, 2, "3000 events come in two pages of at most 2500");
    assert_eq!(c0.added, 3000);
    assert_store_matches_server(&h, 3);
    // Full sync asked Google's way.
    let lists = h.requests("events.list");
    assert!(lists.iter().all(|q| q.query.contains("showDeleted=true")
        && q.query.contains("singleEvents=false")
        && q.query.contains("maxResults=2500")));

    // Changes on the server: one added, one edited, one deleted.
    let ctl = h.emu.control();
    ctl.insert_event(USER, json!({"id": "abcdef0123", "summary": "New",
        "start": {"dateTime": "2026-03-01T10:00:00Z"}, "end": {"dateTime": "2026-03-01T11:00:00Z"}})).unwrap();
    let victim = h.expected_ids(&cal_id(0))[5].clone();
    let edited = h.expected_ids(&cal_id(0))[6].clone();
    ctl.patch_event(USER, &edited, json!({"summary": "Edited"}))
        .unwrap();
    ctl.delete_event(USER, &victim).unwrap();

    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed);
    let c0 = &report_of(&r, 0).stats;
    assert_eq!(c0.mode, SyncMode::Incremental);
    assert_eq!((c0.added, c0.updated, c0.deleted), (1, 1, 1), "{c0:?}");
    let ids = h.stored_ids(&cal_id(0));
    assert_eq!(ids, h.expected_ids(&cal_id(0)));
    assert!(ids.contains(&"abcdef0123".to_owned()));
    assert!(!ids.contains(&victim));
    let ev = h
        .store
        .get_event(&h.account, &cal_id(0), &edited.as_str().into())
        .unwrap()
        .unwrap();
    assert_eq!(ev.event.summary.as_deref(), Some("Edited"));
    // The incremental requests carried the sync token and nothing it forbids.
    let last = h.requests("events.list");
    let inc = last.last().unwrap();
    assert!(inc.query.contains("syncToken="), "{}", inc.query);
    assert!(!inc.query.contains("timeMin") && !inc.query.contains("orderBy"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_with_nothing_changed_makes_one_request_per_calendar() {
    let h = synced(world(&[100, 100, 100, 100])).await;
    h.emu.control().reset_requests();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed);
    assert_eq!(h.requests("events.list").len(), 4);
    assert_eq!(h.requests("calendarList.list").len(), 1);
    assert_eq!(
        h.emu
            .control()
            .requests()
            .iter()
            .filter(|q| q.operation.starts_with("events"))
            .count(),
        4
    );
    assert_eq!(r.totals.added + r.totals.updated + r.totals.deleted, 0);

    // A light check of the calendars on screen: only those, and no calendar list.
    h.emu.control().reset_requests();
    let r = h
        .sync_scope(RunScope::calendars([cal_id(1), cal_id(3)]))
        .await;
    assert_eq!(r.calendars.len(), 2);
    assert_eq!(h.requests("events.list").len(), 2);
    assert_eq!(h.requests("calendarList.list").len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_410_in_the_middle_of_a_paged_incremental_sync_runs_one_full_sync() {
    let h = synced(world(&[200, 20])).await;
    let ctl = h.emu.control();
    // 3,000 server-side changes make the incremental sync two pages long.
    for i in 0..3000 {
        ctl.insert_event(USER, event(&format!("later{i:05}"), i))
            .unwrap();
    }
    let gone = h.expected_ids(&cal_id(0))[0].clone();
    ctl.delete_event(USER, &gone).unwrap();
    // The second page of the incremental sync (sync token + page token) is refused with 410.
    ctl.add_fault(FaultRule {
        path_regex: Some("syncToken=[^&]*&pageToken=".into()),
        ..FaultRule::status("/events", 410, 1).with_reason("fullSyncRequired")
    })
    .unwrap();
    ctl.reset_requests();
    h.clear_progress();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    let c0 = &report_of(&r, 0).stats;
    assert!(c0.full_sync_after_410);
    assert_eq!(c0.mode, SyncMode::Full);
    assert_eq!(h.stored_ids(&cal_id(0)), h.expected_ids(&cal_id(0)));
    assert!(!h.stored_ids(&cal_id(0)).contains(&gone));
    // incremental p1, p2 (410), then the full sync's two pages; the other calendar: one.
    let lists = h.requests("events.list");
    let full_after: Vec<_> = lists
        .iter()
        .filter(|q| !q.query.contains("syncToken"))
        .collect();
    assert_eq!(full_after.len(), 2, "{lists:?}");
    assert_eq!(answered_with(&h, 410), 1);
    // The second run is incremental again: the full sync stored a fresh token.
    ctl.reset_requests();
    let r = h.sync().await;
    assert!(r
        .calendars
        .iter()
        .all(|c| c.stats.mode == SyncMode::Incremental));
    assert_eq!(h.requests("events.list").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_410_that_repeats_fails_the_calendar_without_looping() {
    let h = synced(world(&[50, 5])).await;
    let ctl = h.emu.control();
    ctl.add_fault(FaultRule {
        path_contains: Some(format!("/calendars/{}/events", encoded_user_calendar())),
        ..FaultRule::status("", 410, 50).with_reason("fullSyncRequired")
    })
    .unwrap();
    ctl.reset_requests();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Partial, "{r:?}");
    let failed: Vec<_> = r.failed_calendars().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].calendar, cal_id(0));
    assert_eq!(
        failed[0].error.as_ref().unwrap().kind.as_str(),
        "full_sync_required"
    );
    // Exactly two attempts: the incremental one and the single full sync.
    assert_eq!(answered_with(&h, 410), 2);
    // The old rows are still there (never blank).
    assert_eq!(h.stored_ids(&cal_id(0)).len(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_full_sync_resumes_from_its_page_token_and_restarts_if_refused() {
    const N: usize = 7_500; // 3 pages per calendar
    let mut h = Harness::with(
        world(&[N, N]),
        Options {
            config: RunConfig {
                run_timeout: Duration::from_secs(8),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await;
    // The first page of each calendar comes at once; every later page (asked for with a
    // pageToken) would take a minute. The run is cut off after 8 s: far more than a first page
    // needs even on a loaded machine, far less than a second one takes, so exactly one page
    // per calendar is stored whatever the machine's speed.
    let slow = h
        .emu
        .control()
        .add_fault(FaultRule {
            path_regex: Some("/events.*pageToken=".into()),
            action: FaultAction::Delay,
            latency_ms: 60_000,
            times: None,
            ..FaultRule::status("", 200, 0)
        })
        .unwrap();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::TimedOut, "{r:?}");
    assert_eq!(r.error.as_ref().unwrap().kind.as_str(), "timeout");
    let events = h.progress().await;
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, SyncProgress::CalendarFailed { .. }))
            .count(),
        2
    );
    assert!(matches!(
        events.last(),
        Some(SyncProgress::SyncFinished {
            outcome: SyncOutcome::TimedOut,
            ..
        })
    ));
    let mut kept = Vec::new();
    for i in 0..2 {
        let n = h.stored_ids(&cal_id(i)).len();
        assert_eq!(n, 2500, "calendar {i}: exactly the first page is kept");
        // What the run reported is what the store holds.
        let reported = report_of(&r, i).stats.added as usize;
        assert_eq!(reported, n);
        let st = h.store.sync_state(&h.account, &cal_id(i)).unwrap();
        assert!(
            st.full_sync.is_some() && st.page_token.is_some() && st.sync_token.is_none(),
            "{st:?}"
        );
        kept.push(n);
    }
    assert!(h.emu.control().remove_fault(slow));

    // Later pages at normal speed again: the next run resumes where each calendar stopped.
    h.emu.control().reset_requests();
    h.config.run_timeout = Duration::from_secs(300);
    // One calendar's stored page token is refused: that one starts over.
    h.emu
        .control()
        .add_fault(FaultRule {
            path_regex: Some(format!(
                "calendars/{}/events.*pageToken=",
                encoded_user_calendar()
            )),
            ..FaultRule::status("", 400, 1)
        })
        .unwrap();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    assert_store_matches_server(&h, 2);
    let c0 = &report_of(&r, 0).stats;
    let c1 = &report_of(&r, 1).stats;
    assert_eq!(answered_with(&h, 400), 1);
    assert!(c0.restarted_full_sync, "{c0:?}");
    assert_eq!(c0.pages as usize, N / 2500, "started over");
    assert_eq!(c0.added as usize, N - kept[0]);
    assert_eq!(c1.mode, SyncMode::ResumedFull, "{c1:?}");
    assert_eq!(
        c1.pages as usize,
        (N - kept[1]) / 2500,
        "resumed after the kept pages"
    );
    assert_eq!(c1.added as usize, N - kept[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_events_are_skipped_and_counted() {
    let mut w = world(&[10, 10]);
    let evil = &mut w.accounts[0].calendars[0].events;
    evil.push(json!({"id": "baddate", "start": {"dateTime": "not a date"}, "end": {"dateTime": "2026-01-01T10:00:00Z"}}));
    evil.push(json!({"id": "nodates", "summary": "floating in nothing"}));
    evil.push(json!({"id": "badzone", "start": {"dateTime": "2026-01-01T10:00:00", "timeZone": "Nowhere/Atlantis"},
        "end": {"dateTime": "2026-01-01T11:00:00", "timeZone": "Nowhere/Atlantis"}}));
    evil.push(
        json!({"id": "hugetext", "description": "x".repeat(1024 * 1024),
        "start": {"date": "2026-01-01"}, "end": {"date": "2026-01-02"}}),
    );
    let h = Harness::new(w).await;
    let served = h.expected_ids(&cal_id(0)).len() - 10;
    assert!(
        served >= 1,
        "the emulator serves at least some of the hostile events"
    );
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    let c0 = report_of(&r, 0);
    assert_eq!(c0.stats.skipped as usize, served, "{c0:?}");
    let stored = h.stored_ids(&cal_id(0));
    assert_eq!(stored.len(), 10);
    assert!(!stored
        .iter()
        .any(|id| ["baddate", "nodates", "badzone", "hugetext"].contains(&id.as_str())));
    let done = h.progress().await.into_iter().find_map(|e| match e {
        SyncProgress::CalendarDone {
            calendar, skipped, ..
        } if calendar == cal_id(0) => Some(skipped),
        _ => None,
    });
    assert_eq!(done, Some(served as u64));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_page_fails_only_its_calendar() {
    let h = Harness::with(
        world(&[10, 3000, 10]),
        Options {
            max_body_bytes: 256 * 1024,
            ..Default::default()
        },
    )
    .await;
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Partial, "{r:?}");
    let failed: Vec<_> = r.failed_calendars().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].calendar, cal_id(1));
    let err = failed[0].error.as_ref().unwrap();
    assert!(err.message.contains("larger than"), "{err:?}");
    assert_eq!(err.kind.as_str(), "server");
    assert_eq!(h.stored_ids(&cal_id(0)).len(), 10);
    assert_eq!(h.stored_ids(&cal_id(2)).len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_list_syncs_with_its_own_token_and_new_calendars_follow_googles_selected_flag()
{
    let h = synced(world(&[5, 5])).await;
    let ctl = h.emu.control();
    let mut shown = calendar("shown@group.calendar.google.com", 7);
    shown.selected = true;
    let mut unshown = calendar("unshown@group.calendar.google.com", 9);
    unshown.selected = false;
    ctl.add_calendar(USER, shown).unwrap();
    ctl.add_calendar(USER, unshown).unwrap();
    ctl.remove_calendar(cal_id(1).as_str()).unwrap();
    ctl.reset_requests();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    // The list was fetched with the stored calendar-list sync token.
    let list = h.requests("calendarList.list");
    assert_eq!(list.len(), 1);
    assert!(list[0].query.contains("syncToken="), "{}", list[0].query);
    let selected = h.selected();
    assert!(selected.contains(&"shown@group.calendar.google.com".into()));
    assert!(!selected.contains(&"unshown@group.calendar.google.com".into()));
    assert!(
        !selected.contains(&cal_id(1)),
        "a calendar removed at Google is gone"
    );
    assert_eq!(
        h.stored_ids(&"shown@group.calendar.google.com".into())
            .len(),
        7
    );
    let synced: Vec<_> = r.calendars.iter().map(|c| c.calendar.to_string()).collect();
    assert!(!synced.contains(&"unshown@group.calendar.google.com".to_owned()));
    // The user's choice wins over Google's flag from then on.
    h.store
        .set_calendar_selected(
            &h.account,
            &"unshown@group.calendar.google.com".into(),
            true,
        )
        .unwrap();
    let r = h.sync().await;
    assert_eq!(r.calendars.len(), 3);
    assert_eq!(
        h.stored_ids(&"unshown@group.calendar.google.com".into())
            .len(),
        9
    );
}

/// What a run reported for calendar `i` of the world.
fn report_of(r: &RunReport, i: usize) -> &CalendarReport {
    r.calendars
        .iter()
        .find(|c| c.calendar == cal_id(i))
        .expect("the run reports the calendar")
}

/// Each of the first `calendars` calendars holds in the store what the emulator serves.
fn assert_store_matches_server(h: &Harness, calendars: usize) {
    for i in 0..calendars {
        assert_eq!(
            h.stored_ids(&cal_id(i)),
            h.expected_ids(&cal_id(i)),
            "calendar {i}"
        );
    }
}

/// How many events.list requests the emulator answered with `status`.
fn answered_with(h: &Harness, status: u16) -> usize {
    h.requests("events.list")
        .iter()
        .filter(|q| q.status == status)
        .count()
}

/// The user's primary calendar id as it stands in a request path.
fn encoded_user_calendar() -> String {
    USER.replace('@', "%40")
}

/// A harness on `world` after a first sync that completed.
async fn synced(world: World) -> Harness {
    let h = Harness::new(world).await;
    assert_eq!(h.sync().await.outcome, SyncOutcome::Completed);
    h
}
