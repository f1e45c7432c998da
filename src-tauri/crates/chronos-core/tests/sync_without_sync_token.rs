//! A server that ends its listings without `nextSyncToken` (some Google-compatible servers never
//! hand one out): its pages are stored, the full sync completes (sweep included), the calendar is
//! marked as having no incremental sync, the next run lists it in full again, and the minute
//! view check leaves it alone. Against the emulator's `omitSyncToken` page quirk over HTTP.

mod push_support;

use chronos_core::clock::SystemClock;
use chronos_core::model::{EventResource, PageToken};
use chronos_core::scheduler::{RunScope, SchedulerConfig};
use chronos_core::store::{IncrementalSync, PageApply, PageEnd};
use chronos_core::sync::engine::SyncMode;
use chronos_core::sync::progress::SyncOutcome;
use push_support::*;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Turns the emulator's page quirks on through its HTTP control API, as a test of another
/// process would.
async fn set_quirks(h: &Harness, quirks: serde_json::Value) {
    let r = http()
        .put(format!("{}/page-quirks", h.emu.control_url()))
        .json(&quirks)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

fn incremental(h: &Harness, cal: &chronos_core::model::CalendarId) -> IncrementalSync {
    let state = h.store.sync_state(&h.account, cal).unwrap();
    let listed = h
        .store
        .get_calendar(&h.account, cal)
        .unwrap()
        .unwrap()
        .incremental_sync;
    assert_eq!(
        state.incremental_sync, listed,
        "the calendar shows what its sync state holds"
    );
    listed
}

fn mode_of(
    report: &chronos_core::sync::run::RunReport,
    cal: &chronos_core::model::CalendarId,
) -> SyncMode {
    report
        .calendars
        .iter()
        .find(|c| &c.calendar == cal)
        .expect("calendar in the report")
        .stats
        .mode
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendars_of_a_server_without_sync_tokens_sync_completely_and_in_full_each_time() {
    // cal0 fits one page, cal1 needs three pages of 10.
    let h = Harness::new(world(&[3, 25])).await;
    let (cal0, cal1) = (cal_id(0), cal_id(1));
    set_quirks(&h, json!({"omitSyncToken": true, "maxItems": 10})).await;

    let first = h.sync().await;
    assert_eq!(first.outcome, SyncOutcome::Completed, "{first:?}");
    assert_eq!(first.failed_calendars().count(), 0, "{first:?}");
    for cal in [&cal0, &cal1] {
        assert_eq!(h.stored_ids(cal), h.expected_ids(cal), "{cal} is complete");
        assert_eq!(incremental(&h, cal), IncrementalSync::Unavailable);
        let state = h.store.sync_state(&h.account, cal).unwrap();
        assert!(
            state.sync_token.is_none() && state.page_token.is_none() && state.full_sync.is_none(),
            "{state:?}"
        );
        assert!(state.last_error.is_none(), "not an error: {state:?}");
        assert!(state.last_full_sync.is_some());
    }
    let pages = first
        .calendars
        .iter()
        .find(|c| c.calendar == cal1)
        .unwrap()
        .stats
        .pages;
    assert_eq!(pages, 3);
    assert_eq!(h.stored_ids(&cal1).len(), 25, "the last page is kept");

    // Another client changes cal1; a row the server never had stands for one it dropped
    // without a trace (only a full listing's sweep can find those).
    let ids = h.stored_ids(&cal1);
    h.emu
        .control()
        .delete_event(cal1.as_str(), &ids[0])
        .unwrap();
    h.emu
        .control()
        .patch_event(cal1.as_str(), &ids[1], json!({"summary": "renamed"}))
        .unwrap();
    h.emu
        .control()
        .insert_event(cal1.as_str(), new_event("afternoon0001", 7))
        .unwrap();
    let ghost: EventResource = serde_json::from_value(new_event("ghost0000001", 9)).unwrap();
    // Stored like a page of changes that does not end (so no sync state but the page token
    // moves); the page token is cleared again so the run starts a fresh full sync.
    h.store
        .apply_page(
            &h.account,
            &cal1,
            &[ghost],
            &PageApply {
                full_sync: None,
                end: PageEnd::Next(PageToken::from("x")),
            },
        )
        .unwrap();
    h.store.clear_sync_token(&h.account, &cal1).unwrap();
    assert!(h.stored_ids(&cal1).contains(&"ghost0000001".to_owned()));

    h.emu.control().reset_requests();
    let second = h.sync().await;
    assert_eq!(second.outcome, SyncOutcome::Completed, "{second:?}");
    for cal in [&cal0, &cal1] {
        assert_eq!(
            mode_of(&second, cal),
            SyncMode::Full,
            "{cal} is listed in full again"
        );
        assert_eq!(
            h.stored_ids(cal),
            h.expected_ids(cal),
            "{cal} is complete after the second run"
        );
        assert_eq!(incremental(&h, cal), IncrementalSync::Unavailable);
    }
    let after = h.stored_ids(&cal1);
    assert!(!after.contains(&"ghost0000001".to_owned()), "swept");
    assert!(!after.contains(&ids[0]), "deleted on the server");
    assert!(after.contains(&"afternoon0001".to_owned()));
    let renamed = h
        .store
        .get_event(&h.account, &cal1, &ids[1].as_str().into())
        .unwrap()
        .unwrap();
    assert_eq!(renamed.event.summary.as_deref(), Some("renamed"));
    for r in h.requests("events.list") {
        assert!(
            !r.query.contains("syncToken"),
            "no sync token was sent: {}",
            r.query
        );
    }

    // The server starts handing out tokens: the calendars become incremental again.
    set_quirks(&h, json!({})).await;
    let third = h.sync().await;
    assert_eq!(third.outcome, SyncOutcome::Completed, "{third:?}");
    for cal in [&cal0, &cal1] {
        assert_eq!(incremental(&h, cal), IncrementalSync::Available);
        assert!(h
            .store
            .sync_state(&h.account, cal)
            .unwrap()
            .sync_token
            .is_some());
    }
    let fourth = h.sync().await;
    assert_eq!(mode_of(&fourth, &cal1), SyncMode::Incremental);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_calendar_that_loses_its_sync_token_mid_life_is_listed_in_full_next_time() {
    let h = Harness::new(world(&[4])).await;
    let cal = cal_id(0);
    assert_eq!(h.sync().await.outcome, SyncOutcome::Completed);
    assert_eq!(incremental(&h, &cal), IncrementalSync::Available);
    set_quirks(&h, json!({"omitSyncToken": true})).await;
    h.emu
        .control()
        .insert_event(cal.as_str(), new_event("latecomer0001", 3))
        .unwrap();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    assert_eq!(mode_of(&r, &cal), SyncMode::Incremental);
    assert!(
        h.stored_ids(&cal).contains(&"latecomer0001".to_owned()),
        "the change is stored"
    );
    assert_eq!(incremental(&h, &cal), IncrementalSync::Unavailable);
    let r = h.sync().await;
    assert_eq!(mode_of(&r, &cal), SyncMode::Full);
    assert_eq!(h.stored_ids(&cal), h.expected_ids(&cal));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_minute_view_check_leaves_calendars_without_incremental_sync_alone() {
    let h = Harness::new(world(&[2, 2, 2])).await;
    let (cal0, cal1, cal2) = (cal_id(0), cal_id(1), cal_id(2));
    set_quirks(&h, json!({"omitSyncToken": true})).await;
    assert_eq!(h.sync().await.outcome, SyncOutcome::Completed);
    // cal2 meets a server that hands out tokens again.
    set_quirks(&h, json!({})).await;
    assert_eq!(
        h.sync_scope(RunScope::calendars([cal2.clone()]))
            .await
            .outcome,
        SyncOutcome::Completed
    );
    assert_eq!(incremental(&h, &cal0), IncrementalSync::Unavailable);
    assert_eq!(incremental(&h, &cal1), IncrementalSync::Unavailable);
    assert_eq!(incremental(&h, &cal2), IncrementalSync::Available);

    let cfg = SchedulerConfig {
        view_check: Duration::from_millis(300),
        ..RigOptions::default().scheduler
    };
    let (scheduler, runs) = scheduler_for(&h, cfg, Arc::new(SystemClock));
    // What `Chronos` installs on its scheduler.
    scheduler.set_full_listing_only(Some(chronos_core::service::full_listing_only(&h.store)));
    scheduler.start();
    let view_runs = view_check_runs(
        &h,
        &scheduler,
        &runs,
        &[&cal0, &cal1, &cal2],
        Duration::from_millis(1000),
    )
    .await;
    assert!(view_runs.len() >= 2, "the check ran: {view_runs:?}");
    for r in &view_runs {
        assert_eq!(r.request.scope, RunScope::calendars([cal2.clone()]));
    }

    // With only calendars that lack incremental sync on screen, the check makes no run at all.
    runs.lock().unwrap().clear();
    scheduler.set_view(
        true,
        vec![
            (h.account.clone(), cal0.clone()),
            (h.account.clone(), cal1.clone()),
        ],
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    scheduler.set_view(false, vec![]);
    assert!(
        runs.lock().unwrap().is_empty(),
        "{:?}",
        runs.lock().unwrap()
    );
    scheduler.shutdown();
}
