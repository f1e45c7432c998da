//! Sync health and the mass-deletion guard through the `Chronos` façade, against the emulator
//! over HTTP with the engine's clock pinned.

use chrono::{DateTime, TimeZone, Utc};
use chronos_core::clock::TestClock;
use chronos_core::feed::EngineEvent;
use chronos_core::model::{AccountId, EventId};
use chronos_core::outbox::{EditOptions, EventChanges};
use chronos_core::service::{parse_mass_deletion_id, Chronos, ChronosOptions};
use chronos_core::sync::guard::MassDeletionGuard;
use chronos_core::sync::progress::SyncOutcome;
use chronos_core::view::PushState;
use chronos_testkit::*;
use gcal_emulator::FaultRule;
use serde_json::json;

fn pinned() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 10, 40, 0).unwrap()
}

async fn setup(
    sizes: &[usize],
) -> (
    gcal_emulator::EmulatorHandle,
    tempfile::TempDir,
    Chronos,
    AccountId,
) {
    let emu = emulator(world(sizes)).await;
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting_at(pinned());
    let mut o: ChronosOptions = chronos_options(&emu, dir.path(), memory_secrets(), 2);
    o.client.clock = std::sync::Arc::new(clock);
    let (chronos, account) = connected(o).await;
    sync(&chronos, &account, SyncOutcome::Completed).await;
    (emu, dir, chronos, account)
}

async fn sync(chronos: &Chronos, account: &AccountId, expected: SyncOutcome) {
    let r = chronos.sync_now(Some(account)).await.unwrap().remove(0);
    assert_eq!(r.outcome, expected, "{r:?}");
}

fn live_ids(emu: &gcal_emulator::EmulatorHandle) -> Vec<String> {
    let mut ids = emu.control().event_ids(USER).unwrap();
    ids.retain(|id| emu.control().get_event(USER, id).unwrap()["status"] != "cancelled");
    ids.sort();
    ids
}

/// The mass deletions the feed announced since `rx` was opened.
fn announced(rx: &mut tokio::sync::broadcast::Receiver<EngineEvent>) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        if let EngineEvent::MassDeletion {
            calendar_name,
            count,
            ..
        } = ev
        {
            out.push((calendar_name, count));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mass_deletion_on_google_is_announced_and_restore_all_brings_every_event_back() {
    let (emu, _dir, chronos, account) = setup(&[30]).await;
    let before = live_ids(&emu);
    let mut rx = chronos.feed().subscribe().events;
    // 10 of 30 is a third of the calendar: more than the 20% the guard lets pass.
    for id in &before[..10] {
        emu.control().delete_event(USER, id).unwrap();
    }
    sync(&chronos, &account, SyncOutcome::Completed).await;
    assert_eq!(live_ids(&emu).len(), 20, "Google's deletions are applied");
    assert_eq!(
        chronos.store().event_count(&account, &cal_id(0)).unwrap(),
        20
    );
    let name = "Calendar cal00@group.calendar.google.com";
    assert_eq!(announced(&mut rx), vec![(name.to_owned(), 10)]);
    let banners = chronos.mass_deletion_views().await.unwrap();
    assert_eq!(banners.len(), 1, "{banners:?}");
    let b = &banners[0];
    assert_eq!((b.count, b.restorable), (10, 10));
    assert_eq!(b.at, pinned().to_rfc3339());
    assert_eq!(
        b.sentence(),
        format!("10 events were deleted from {name} on Google")
    );

    let id = parse_mass_deletion_id(&b.id).unwrap();
    let report = chronos
        .restore_mass_deletion(id, EditOptions::default())
        .await
        .unwrap();
    assert_eq!((report.queued, report.failed.len()), (10, 0), "{report:?}");
    assert!(
        chronos.mass_deletion_views().await.unwrap().is_empty(),
        "the banner goes once all is queued"
    );
    sync(&chronos, &account, SyncOutcome::Completed).await;
    assert_eq!(
        live_ids(&emu),
        before,
        "every event is back under its own id"
    );
    // Restoring all again makes nothing twice.
    let again = chronos
        .restore_mass_deletion(id, EditOptions::default())
        .await
        .unwrap();
    assert_eq!(again.queued, 0);
    sync(&chronos, &account, SyncOutcome::Completed).await;
    assert_eq!(live_ids(&emu), before);
    assert!(announced(&mut rx).is_empty(), "restores are not deletions");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletions_under_the_limits_pass_quietly_and_the_limits_are_settings() {
    let (emu, _dir, chronos, account) = setup(&[30]).await;
    let ids = live_ids(&emu);
    let mut rx = chronos.feed().subscribe().events;
    // 6 of 30 is 20%: not more than the share.
    for id in &ids[..6] {
        emu.control().delete_event(USER, id).unwrap();
    }
    sync(&chronos, &account, SyncOutcome::Completed).await;
    assert!(announced(&mut rx).is_empty());
    assert!(chronos.mass_deletion_views().await.unwrap().is_empty());

    // A stricter guard catches two.
    chronos
        .set_mass_deletion_guard(MassDeletionGuard {
            max_events: 1,
            ..Default::default()
        })
        .unwrap();
    for id in &ids[6..8] {
        emu.control().delete_event(USER, id).unwrap();
    }
    sync(&chronos, &account, SyncOutcome::Completed).await;
    assert_eq!(announced(&mut rx).len(), 1);
    let b = chronos.mass_deletion_views().await.unwrap();
    assert_eq!(b[0].count, 2);
    // Dismissing keeps the events in the trash.
    chronos
        .dismiss_mass_deletion(parse_mass_deletion_id(&b[0].id).unwrap())
        .await
        .unwrap();
    assert!(chronos.mass_deletion_views().await.unwrap().is_empty());
    assert_eq!(chronos.list_trash(None).await.unwrap().len(), 8);
    assert!(chronos
        .set_mass_deletion_guard(MassDeletionGuard {
            max_percent: 0,
            ..Default::default()
        })
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_shows_each_calendars_failure_resyncs_counts_and_pending_changes() {
    let (emu, _dir, chronos, account) = setup(&[3, 2]).await;
    let rows = chronos.calendar_health(None).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows.iter().map(|r| r.events_stored).collect::<Vec<_>>(),
        vec![3, 2]
    );
    for r in &rows {
        assert_eq!(
            r.last_success.as_deref(),
            Some(pinned().to_rfc3339().as_str())
        );
        assert!(r.last_error.is_none() && r.incremental && r.pending_changes == 0);
        assert_eq!((r.push, r.resyncs_after_gone), (PushState::None, 0));
    }

    // The second calendar's listing fails: only its row says so.
    let fault = emu
        .control()
        .add_fault(FaultRule::status("cal01", 400, 1_000).with_method("GET"))
        .unwrap();
    sync(&chronos, &account, SyncOutcome::Partial).await;
    let rows = chronos.calendar_health(None).await.unwrap();
    assert!(rows[0].last_error.is_none());
    let err = rows[1].last_error.clone().expect("the failure is shown");
    assert!(err.current);
    assert_eq!(err.kind, "invalid_input");
    assert_eq!(err.at, pinned().to_rfc3339());

    // After a later success the failure stays visible as a past one.
    emu.control().remove_fault(fault);
    emu.control().invalidate_sync_tokens(Some(USER)).unwrap();
    sync(&chronos, &account, SyncOutcome::Completed).await;
    let rows = chronos.calendar_health(None).await.unwrap();
    let err = rows[1].last_error.clone().expect("kept after success");
    assert!(!err.current);
    assert_eq!(
        rows[0].resyncs_after_gone, 1,
        "the 410 forced one full sync"
    );
    assert_eq!(rows[1].resyncs_after_gone, 0);

    // A change that cannot reach Google counts as pending on its calendar only.
    emu.control()
        .add_fault(FaultRule::status("/events", 400, 1_000).with_method("PATCH"))
        .unwrap();
    let id = EventId::from(live_ids(&emu)[0].as_str());
    let changes = EventChanges {
        summary: Some("Renamed".into()),
        ..Default::default()
    };
    chronos
        .update_event(&account, &cal_id(0), &id, changes, EditOptions::default())
        .await
        .unwrap();
    let rows = chronos.calendar_health(None).await.unwrap();
    assert_eq!((rows[0].pending_changes, rows[1].pending_changes), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_again_lists_the_calendar_in_full_and_keeps_what_waits_to_be_sent() {
    let (emu, _dir, chronos, account) = setup(&[3]).await;
    emu.control()
        .add_fault(FaultRule::status("/events", 400, 1_000).with_method("PATCH"))
        .unwrap();
    let id = EventId::from(live_ids(&emu)[0].as_str());
    let changes = EventChanges {
        summary: Some("Kept".into()),
        ..Default::default()
    };
    chronos
        .update_event(&account, &cal_id(0), &id, changes, EditOptions::default())
        .await
        .unwrap();
    chronos
        .download_calendar_again(&account, &cal_id(0))
        .await
        .unwrap();
    sync(&chronos, &account, SyncOutcome::Completed).await;
    let state = chronos.store().sync_state(&account, &cal_id(0)).unwrap();
    assert!(state.sync_token.is_some() && state.full_sync.is_none());
    let kept = chronos
        .store()
        .get_event(&account, &cal_id(0), &id)
        .unwrap()
        .unwrap();
    assert!(kept.pending);
    assert_eq!(kept.event.summary.as_deref(), Some("Kept"));
    assert_eq!(chronos.store().pending_count(Some(&account)).unwrap(), 1);
    assert_eq!(
        chronos.store().event_count(&account, &cal_id(0)).unwrap(),
        3
    );
    assert!(chronos.list_trash(None).await.unwrap().is_empty());
    let unknown = chronos
        .download_calendar_again(&account, &chronos_core::model::CalendarId::new("nope"))
        .await;
    assert!(unknown.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_series_delete_is_sized_before_it_is_asked_for() {
    let emu = emulator(world(&[1])).await;
    let series = |id: &str, rule: &str, all_day: bool| {
        let (start, end) = if all_day {
            (json!({"date": "2026-12-07"}), json!({"date": "2026-12-08"}))
        } else {
            (
                json!({"dateTime": "2026-12-07T09:00:00Z", "timeZone": "UTC"}),
                json!({"dateTime": "2026-12-07T10:00:00Z", "timeZone": "UTC"}),
            )
        };
        emu.control()
            .insert_event(
                USER,
                json!({"id": id, "summary": id, "recurrence": [rule], "start": start, "end": end}),
            )
            .unwrap();
    };
    series("count0030", "RRULE:FREQ=WEEKLY;COUNT=30", false);
    series("endless00", "RRULE:FREQ=DAILY", false);
    series("until0010", "RRULE:FREQ=DAILY;UNTIL=20261216", true);
    let dir = tempfile::tempdir().unwrap();
    let mut o: ChronosOptions = chronos_options(&emu, dir.path(), memory_secrets(), 2);
    o.client.clock = std::sync::Arc::new(TestClock::starting_at(pinned()));
    let (chronos, account) = connected(o).await;
    sync(&chronos, &account, SyncOutcome::Completed).await;
    let size = |id: &'static str, scope| {
        let (chronos, account) = (chronos.clone(), account.clone());
        async move {
            chronos
                .removed_occurrences(&account, &cal_id(0), &EventId::from(id), scope)
                .await
                .unwrap()
        }
    };
    use chronos_core::outbox::EditScope::*;
    assert_eq!(size("count0030", All).await, Some(30));
    // The tenth Monday onwards: 21 of 30.
    assert_eq!(
        size("count0030_20270208T090000Z", ThisAndFollowing).await,
        Some(21)
    );
    assert_eq!(size("count0030_20270208T090000Z", This).await, Some(1));
    assert_eq!(size("endless00", All).await, None, "never ends");
    assert_eq!(size("until0010", All).await, Some(10));
    assert_eq!(size("until0010_20261214", ThisAndFollowing).await, Some(3));
}
