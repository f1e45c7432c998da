//! The `Chronos` façade end to end against the emulator: sign-in through the loopback listener
//! (the emulator approves at once), sync through the gate, status and progress streams, range
//! queries, data-key loss recovery, disconnect.

use chronos_core::auth::open_without_browser;
use chronos_core::feed::{AccountView, EngineEvent};
use chronos_core::model::AccountId;
use chronos_core::secrets::SecretStore;
use chronos_core::service::Chronos;
use chronos_core::sync::progress::SyncOutcome;
use chronos_core::sync::status::AccountStatus;
use chronos_core::ErrorKind;
use chronos_testkit::*;
use std::sync::Arc;
use std::time::Duration;

/// The status board follows a run through the throttled progress stream: on a loaded machine
/// it shows the end a moment after the run's own report.
async fn settles_up_to_date(chronos: &Chronos, account: &AccountId) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !matches!(
        chronos.account_status(account),
        AccountStatus::UpToDate { .. }
    ) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the account never showed up to date: {:?}",
            chronos.account_status(account)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_sync_query_and_disconnect() {
    let emu = emulator(world(&[300, 40, 0])).await;
    let dir = tempfile::tempdir().unwrap();
    let secrets: Arc<dyn SecretStore> = memory_secrets();
    let chronos = Chronos::open(options(&emu, dir.path(), secrets.clone()))
        .await
        .unwrap();
    let mut feed = chronos.feed().subscribe().events;

    let account = chronos.connect_account(open_without_browser).await.unwrap();
    assert_eq!(account.as_str(), USER);
    let reports = chronos.sync_now(Some(&account)).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].outcome, SyncOutcome::Completed);
    settles_up_to_date(&chronos, &account).await;

    // The feed: one ordered story of the run — its views, then its end, then the settled view.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let seen: Vec<EngineEvent> = std::iter::from_fn(|| feed.try_recv().ok()).collect();
    let views: Vec<&AccountView> = seen
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Account(v) => Some(v),
            _ => None,
        })
        .collect();
    // The run says it has begun before it sends the outbox and reads the calendar list.
    let begun = views
        .iter()
        .position(|v| v.status.label() == "syncing")
        .expect("a syncing view");
    assert_eq!(
        views[begun].run.as_ref().map(|r| r.calendars.len()),
        Some(0)
    );
    assert_eq!(
        views[begun + 1].run.as_ref().map(|r| r.calendars.len()),
        Some(3),
        "then the run names its calendars"
    );
    let finished = seen
        .iter()
        .position(
            |e| matches!(e, EngineEvent::RunFinished(f) if f.outcome == SyncOutcome::Completed),
        )
        .expect("the run's end");
    let EngineEvent::RunFinished(end) = &seen[finished] else {
        unreachable!()
    };
    assert_eq!(end.run.calendars_done(), 3, "{end:?}");
    assert!(
        matches!(&seen[finished + 1], EngineEvent::Account(v) if v.status.label() == "up to date" && v.run.is_none()),
        "the settled view follows the end: {seen:?}"
    );
    assert_eq!(views.last().unwrap().status.label(), "up to date");

    let accounts = chronos.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].calendars, 3);
    let from = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let to = chrono::DateTime::parse_from_rfc3339("2026-02-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let january = chronos
        .events_in_range(from, to, chrono_tz::UTC, None, None)
        .await
        .unwrap()
        .events;
    // world(): event i is on day i % 700 → calendar 0 has 31 events in January, calendar 1 has 31.
    assert_eq!(january.len(), 62, "{}", january.len());
    assert!(january
        .windows(2)
        .all(|w| w[0].event.start.as_ref().unwrap().date_time
            <= w[1].event.start.as_ref().unwrap().date_time));

    // Deselecting a calendar hides it from range queries and from the next sync.
    chronos
        .set_calendar_selected(&account, &cal_id(1), false)
        .await
        .unwrap();
    assert_eq!(
        chronos
            .events_in_range(from, to, chrono_tz::UTC, None, None)
            .await
            .unwrap()
            .events
            .len(),
        31
    );
    tokio::time::sleep(Duration::from_secs(5)).await; // the 5 s gate
    emu.control().reset_requests();
    let r = chronos.sync_now(Some(&account)).await.unwrap().remove(0);
    assert_eq!(r.calendars.len(), 2);
    assert_eq!(
        emu.control()
            .requests()
            .iter()
            .filter(|q| q.operation == "events.list")
            .count(),
        2
    );

    chronos.disconnect(&account).await.unwrap();
    assert!(chronos.accounts().await.unwrap().is_empty());
    assert!(emu
        .control()
        .requests()
        .iter()
        .any(|q| q.operation == "oauth.revoke"));
    assert_eq!(
        secrets
            .get(&chronos_core::auth::secret_name(&account))
            .unwrap(),
        None
    );
    assert!(chronos
        .events_in_range(from, to, chrono_tz::UTC, None, None)
        .await
        .unwrap()
        .events
        .is_empty());
    chronos.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_data_key_is_a_clear_error_with_a_one_step_recovery() {
    let emu = emulator(world(&[50])).await;
    let dir = tempfile::tempdir().unwrap();
    let secrets = memory_secrets();
    {
        let (chronos, account) = connected(options(&emu, dir.path(), secrets.clone())).await;
        chronos.sync_now(Some(&account)).await.unwrap();
        chronos.shutdown();
    }
    // The keyring forgets the data key (the tokens survive).
    for name in ["data-key:current", "data-key:1"] {
        secrets.delete(name).unwrap();
    }
    let err = match Chronos::open(options(&emu, dir.path(), secrets.clone())).await {
        Err(e) => e,
        Ok(_) => panic!("opened without its data key"),
    };
    assert_eq!(err.kind(), ErrorKind::DataKeyMissing);
    assert!(err.to_string().contains("chronos-cli reset-local"), "{err}");
    // Trying again (as every read would) changes nothing; the reset is the explicit step.
    assert!(Chronos::open(options(&emu, dir.path(), secrets.clone()))
        .await
        .is_err());
    let preview = Chronos::local_reset_preview(&options(&emu, dir.path(), secrets.clone()))
        .await
        .unwrap();
    assert_eq!((preview.events_wiped, preview.unsent_changes_lost), (50, 0));
    let (chronos, report) = Chronos::open_recovering(options(&emu, dir.path(), secrets.clone()))
        .await
        .unwrap();
    assert_eq!(report.events_wiped, 50);
    assert_eq!(report.unsent_changes_lost, 0);
    let r = chronos.sync_now(None).await.unwrap().remove(0);
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    assert_eq!(r.totals.added, 50, "the recovery sync is a full one");
    chronos.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_error_shows_in_status_and_sync_now_does_not_hang_during_the_wait() {
    let emu = emulator(world(&[10, 10])).await;
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = connected(options(&emu, dir.path(), memory_secrets())).await;
    emu.control()
        .add_fault(
            gcal_emulator::FaultRule::status("/events", 403, 100).with_reason("quotaExceeded"),
        )
        .unwrap();
    let r = chronos.sync_now(Some(&account)).await.unwrap().remove(0);
    assert_eq!(r.outcome, SyncOutcome::QuotaExceeded);
    tokio::time::sleep(Duration::from_millis(100)).await;
    match chronos.account_status(&account) {
        AccountStatus::Quota { resume_after, .. } => {
            assert!(resume_after > chrono::Utc::now() + chrono::Duration::minutes(59))
        }
        s => panic!("{s:?}"),
    }
    // A click on "sync now" during the wait returns at once; the run stays queued.
    emu.control().reset_requests();
    let t0 = std::time::Instant::now();
    let reports = tokio::time::timeout(Duration::from_secs(10), chronos.sync_now(Some(&account)))
        .await
        .unwrap()
        .unwrap();
    assert!(reports.is_empty());
    assert!(t0.elapsed() < Duration::from_secs(2));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        emu.control().requests().is_empty(),
        "nothing is sent during the quota wait"
    );
    chronos.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_says_syncing_before_the_calendar_list_arrives() {
    let emu = emulator(world(&[20])).await;
    let dir = tempfile::tempdir().unwrap();
    let secrets: Arc<dyn SecretStore> = memory_secrets();
    let (chronos, account) = connected(options(&emu, dir.path(), secrets)).await;
    // Google is slow to list the calendars, which every run reads before naming its calendars.
    emu.control()
        .add_fault(gcal_emulator::FaultRule {
            method: None,
            path_contains: Some("/calendarList".to_owned()),
            path_regex: None,
            action: gcal_emulator::FaultAction::Delay,
            retry_after: None,
            latency_ms: 1_500,
            times: Some(1),
            probability: None,
            seed: 0,
        })
        .unwrap();
    let mut feed = chronos.feed().subscribe().events;
    let run = {
        let (chronos, account) = (chronos.clone(), account.clone());
        tokio::spawn(async move { chronos.sync_now(Some(&account)).await })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !matches!(
        chronos.account_status(&account),
        AccountStatus::Syncing { .. }
    ) {
        assert!(tokio::time::Instant::now() < deadline, "never syncing");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Syncing is shown while the calendar list is still on its way.
    let before: Vec<EngineEvent> = std::iter::from_fn(|| feed.try_recv().ok()).collect();
    assert!(
        matches!(before.as_slice(), [EngineEvent::Account(v)] if v.run.as_ref().is_some_and(|r| r.calendars.is_empty())),
        "{before:?}"
    );
    let reports = run.await.unwrap().unwrap();
    assert_eq!(reports[0].outcome, SyncOutcome::Completed);
    settles_up_to_date(&chronos, &account).await;
}
