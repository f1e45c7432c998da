//! Edits through the `Chronos` façade against the emulator: written locally, pushed at once in
//! the background (no sync call), kept queued while Google is unreachable and sent by the next
//! run, counted in the account status, announced on the change stream, and kept across a
//! restart.

use chronos_core::feed::EngineEvent;
use chronos_core::model::{AccountId, CalendarId, EventDateTime};
use chronos_core::outbox::{ChangeState, EditOptions, EventChanges};
use chronos_core::secrets::SecretStore;
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::store::StoredEvent;
use chronos_testkit::*;
use gcal_emulator::{FaultAction, FaultRule};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

fn options(
    emu: &gcal_emulator::EmulatorHandle,
    dir: &std::path::Path,
    secrets: Arc<dyn SecretStore>,
) -> ChronosOptions {
    let mut o = chronos_options(emu, dir, secrets, 2);
    o.scheduler.min_gap = Duration::from_millis(200);
    o.push.activity.focus_min_age = Duration::from_millis(300);
    o
}

fn new_event(title: &str, day: u32) -> EventChanges {
    let at = |h: u32| EventDateTime {
        date_time: Some(format!("2026-12-{day:02}T{h:02}:00:00Z")),
        ..Default::default()
    };
    EventChanges {
        summary: Some(title.into()),
        start: Some(at(10)),
        end: Some(at(11)),
        ..Default::default()
    }
}

fn server_title(emu: &gcal_emulator::EmulatorHandle, id: &str) -> Option<String> {
    let ev = emu.control().get_event(USER, id).ok()?;
    if ev.get("status").and_then(|s| s.as_str()) == Some("cancelled") {
        return None;
    }
    ev.get("summary")
        .and_then(|s| s.as_str())
        .map(str::to_owned)
}

fn drain_events(rx: &mut broadcast::Receiver<EngineEvent>, into: &mut Vec<EngineEvent>) {
    into.extend(std::iter::from_fn(|| rx.try_recv().ok()));
}

fn pending_in_status(chronos: &Chronos, account: &AccountId) -> usize {
    chronos
        .feed()
        .accounts()
        .into_iter()
        .find(|s| &s.account == account)
        .map(|s| s.pending_changes)
        .unwrap_or(usize::MAX)
}

/// Whether the account's status shows no pending change within `limit`.
async fn status_shows_none_pending(
    chronos: &Chronos,
    account: &AccountId,
    limit: Duration,
) -> bool {
    eventually(limit, || {
        (pending_in_status(chronos, account) == 0).then_some(())
    })
    .await
    .is_some()
}

/// A "sync now" that must complete.
async fn sync_completes(chronos: &Chronos, account: &AccountId) {
    let r = chronos.sync_now(Some(account)).await.unwrap().remove(0);
    assert_eq!(
        r.outcome,
        chronos_core::sync::progress::SyncOutcome::Completed,
        "{r:?}"
    );
}

/// Whether the server's calendar holds the event.
fn server_calendar_has(emu: &gcal_emulator::EmulatorHandle, cal: &CalendarId, id: &str) -> bool {
    let ids = emu.control().event_ids(cal.as_str()).unwrap();
    ids.iter().any(|i| i == id)
}

/// A new event queued on a calendar, with the default notification.
async fn create_on(
    chronos: &Chronos,
    account: &AccountId,
    cal: CalendarId,
    changes: EventChanges,
) -> chronos_core::Result<StoredEvent> {
    chronos
        .create_event(account, &cal, changes, EditOptions::default())
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_reaches_google_without_a_sync_and_waits_while_google_is_unreachable() {
    let emu = emulator(world(&[3, 2])).await;
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = connected(options(&emu, dir.path(), memory_secrets())).await;
    chronos.sync_now(Some(&account)).await.unwrap();
    let mut feed = chronos.feed().subscribe().events;
    emu.control().reset_requests();

    // 1. Online: the edit is local at once and on the server shortly after, with no sync call.
    let created = create_on(&chronos, &account, cal_id(0), new_event("Planning", 3))
        .await
        .unwrap();
    assert!(
        created.pending,
        "the local copy shows the change as pending"
    );
    let id = created.event.id.clone();
    let on_server = eventually(Duration::from_secs(5), || server_title(&emu, id.as_str())).await;
    assert_eq!(on_server.as_deref(), Some("Planning"));
    assert!(
        emu.control()
            .requests()
            .iter()
            .all(|r| r.operation != "events.list"),
        "no sync ran"
    );
    assert!(status_shows_none_pending(&chronos, &account, Duration::from_secs(5)).await);
    assert_eq!(chronos.pending_count(&account).await.unwrap(), 0);
    let local = chronos
        .events_in_range(
            "2026-12-03T00:00:00Z".parse().unwrap(),
            "2026-12-04T00:00:00Z".parse().unwrap(),
            chrono_tz::UTC,
            Some(&account),
            None,
        )
        .await
        .unwrap()
        .events;
    assert_eq!(local.len(), 1);
    assert!(!local[0].pending, "settled after the push");
    // The feed said so, in order: notices are spaced, so the last may wait out its gap.
    let outbox = |pending: usize| EngineEvent::OutboxChanged {
        account: account.clone(),
        pending_changes: pending,
        conflicts: 0,
    };
    let mut seen = Vec::new();
    let settled = eventually(Duration::from_secs(2), || {
        drain_events(&mut feed, &mut seen);
        seen.contains(&outbox(0)).then_some(())
    })
    .await;
    assert!(settled.is_some(), "{seen:?}");
    // Notices within one gap fold together (the run just before this edit sent its own), so
    // the calendar may be named or covered by "any calendar of the account".
    assert!(
        seen.iter().any(
            |e| matches!(e, EngineEvent::EventsChanged { account: a, calendars }
            if a == &account && (calendars.is_empty() || calendars.contains(&cal_id(0))))
        ),
        "{seen:?}"
    );
    let counts: Vec<usize> = seen
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Account(v) => Some(v.pending_changes),
            _ => None,
        })
        .collect();
    // The run before the edit may still be sending its own views (count 0) after the
    // subscription: the edit's start at the first 1.
    let from_edit: Vec<usize> = counts.iter().copied().skip_while(|c| *c == 0).collect();
    assert!(
        from_edit.first() == Some(&1) && from_edit.last() == Some(&0),
        "the account's view carried the count: {counts:?}"
    );

    // 2. Google unreachable (every write's connection dropped): the change stays queued with its error.
    let fault = emu
        .control()
        .add_fault(
            FaultRule {
                action: FaultAction::Drop,
                ..FaultRule::status("/events", 200, 1000)
            }
            .with_method("PATCH"),
        )
        .unwrap();
    let title = EventChanges {
        summary: Some("Planning, moved".into()),
        ..Default::default()
    };
    chronos
        .update_event(&account, &cal_id(0), &id, title, EditOptions::default())
        .await
        .unwrap();
    let failed_attempt = eventually(Duration::from_secs(5), || {
        (emu.control()
            .requests()
            .iter()
            .filter(|r| r.operation == "events.patch")
            .count()
            >= 3)
            .then_some(())
    })
    .await;
    assert!(
        failed_attempt.is_some(),
        "the background push tried (1 + 2 retries)"
    );
    let waiting = eventually(Duration::from_secs(5), || {
        let changes = futures::executor::block_on(chronos.list_pending_changes(&account)).unwrap();
        (changes.len() == 1
            && changes[0].state == ChangeState::Pending
            && changes[0].last_error.is_some())
        .then_some(changes)
    })
    .await;
    assert!(
        waiting.is_some(),
        "queued again with its error: {:?}",
        chronos.list_pending_changes(&account).await
    );
    assert_eq!(server_title(&emu, id.as_str()).as_deref(), Some("Planning"));
    assert_eq!(chronos.pending_count(&account).await.unwrap(), 1);
    assert_eq!(pending_in_status(&chronos, &account), 1);
    assert_eq!(chronos.accounts().await.unwrap()[0].pending_changes, 1);

    // Google is back: the next run (here "sync now") sends it before it pulls.
    emu.control().remove_fault(fault);
    sync_completes(&chronos, &account).await;
    assert_eq!(
        server_title(&emu, id.as_str()).as_deref(),
        Some("Planning, moved")
    );
    assert_eq!(chronos.pending_count(&account).await.unwrap(), 0);
    assert!(status_shows_none_pending(&chronos, &account, Duration::from_secs(2)).await);

    // 3. The shell says the network is down: edits are not even tried; network back → a run sends them.
    assert!(!chronos.network_changed(false));
    emu.control().reset_requests();
    chronos
        .delete_event(&account, &cal_id(0), &id, EditOptions::default())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        emu.control().requests().is_empty(),
        "nothing was sent while offline"
    );
    assert_eq!(pending_in_status(&chronos, &account), 1);
    assert!(
        chronos.network_changed(true),
        "offline → online asks for a sync"
    );
    let gone = eventually(Duration::from_secs(5), || {
        server_title(&emu, id.as_str()).is_none().then_some(())
    })
    .await;
    assert!(
        gone.is_some(),
        "the delete went out with the network-triggered run"
    );
    assert!(status_shows_none_pending(&chronos, &account, Duration::from_secs(5)).await);

    // Focus pass-through works without push configured.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(chronos.window_focused(), vec![account.clone()]);
    chronos.user_activity();
    chronos.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_changes_survive_a_restart_are_counted_at_open_and_go_out_on_the_next_run() {
    let emu = emulator(world(&[2, 2])).await;
    let dir = tempfile::tempdir().unwrap();
    let secrets: Arc<dyn SecretStore> = memory_secrets();
    let (account, moved_id, created_id) = {
        let (chronos, account) = connected(options(&emu, dir.path(), secrets.clone())).await;
        chronos.sync_now(Some(&account)).await.unwrap();
        chronos.network_changed(false);
        let c = create_on(&chronos, &account, cal_id(1), new_event("Offline", 5))
            .await
            .unwrap();
        let first = emu.control().event_ids(USER).unwrap()[0].clone();
        chronos
            .move_event(
                &account,
                &cal_id(0),
                &first.as_str().into(),
                &cal_id(1),
                EditOptions::default(),
            )
            .await
            .unwrap();
        // Read-only rules and bad input refuse before anything is queued.
        let bad = EventChanges {
            summary: Some("Backwards".into()),
            ..new_event("x", 6)
        };
        let bad = EventChanges {
            start: bad.end.clone(),
            end: bad.start.clone(),
            ..bad
        };
        let err = create_on(&chronos, &account, cal_id(0), bad)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), chronos_core::ErrorKind::InvalidInput);
        assert_eq!(chronos.pending_count(&account).await.unwrap(), 2);
        let list = chronos.list_pending_changes(&account).await.unwrap();
        assert_eq!(
            list.iter().map(|c| c.what.as_str()).collect::<Vec<_>>(),
            vec!["insert", "move"]
        );
        chronos.shutdown();
        (account, first, c.event.id.clone())
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let chronos = Chronos::open(options(&emu, dir.path(), secrets))
        .await
        .unwrap();
    assert_eq!(
        pending_in_status(&chronos, &account),
        2,
        "the count is known at open, before any run"
    );
    assert_eq!(chronos.accounts().await.unwrap()[0].pending_changes, 2);
    sync_completes(&chronos, &account).await;
    assert_eq!(chronos.pending_count(&account).await.unwrap(), 0);
    assert!(server_calendar_has(&emu, &cal_id(1), &moved_id));
    assert_eq!(
        server_title(&emu, &moved_id),
        None,
        "moved away from the primary calendar"
    );
    assert!(server_calendar_has(&emu, &cal_id(1), created_id.as_str()));
    chronos.shutdown();
}
