//! Sync runs under server and auth faults, many calendars, the scheduler's gate and the progress
//! throttle — against the emulator over real HTTP.

mod sync_support;

use chronos_core::auth::AuthStatus;
use chronos_core::clock::Clock;
use chronos_core::model::AccountId;
use chronos_core::scheduler::{
    GateHint, RunRequest, RunResult, RunScope, SyncGate, SyncRunner, Trigger,
};
use chronos_core::sync::progress::{spawn_throttled, SyncOutcome, SyncProgress};
use chronos_core::sync::run::{run_account, RunReport};
use gcal_emulator::FaultRule;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use sync_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_server_errors_with_retry_after_are_waited_out() {
    let h = Harness::new(world(&[30, 30])).await;
    let ctl = h.emu.control();
    ctl.add_fault(FaultRule {
        retry_after: Some(7),
        ..FaultRule::status("/events", 429, 1)
    })
    .unwrap();
    ctl.add_fault(FaultRule {
        retry_after: Some(3),
        ..FaultRule::status("/events", 503, 1)
    })
    .unwrap();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    for i in 0..2 {
        assert_eq!(h.stored_ids(&cal_id(i)), h.expected_ids(&cal_id(i)));
    }
    let statuses: Vec<u16> = h.requests("events.list").iter().map(|q| q.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == 503).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2);
    // The backoff honoured both Retry-After values (virtual clock records every wait).
    let sleeps = h.clock.sleeps();
    assert!(
        sleeps.iter().any(|d| *d >= Duration::from_secs(7)),
        "{sleeps:?}"
    );
    assert!(
        sleeps.iter().any(|d| *d >= Duration::from_secs(3)),
        "{sleeps:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_access_token_is_refreshed_once_and_the_call_retried() {
    let h = Harness::new(world(&[20, 20, 20])).await;
    h.emu.control().expire_access_tokens(Some(USER));
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
    assert_eq!(
        h.tokens.refresh_count(),
        1,
        "concurrent calendars share one refresh"
    );
    assert!(h.emu.control().requests().iter().any(|q| q.status == 401));
    assert_eq!(h.requests("oauth.token").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_grant_means_needs_reauth_and_syncs_stop() {
    let h = Harness::new(world(&[20, 20])).await;
    assert_eq!(h.sync().await.outcome, SyncOutcome::Completed);
    let ctl = h.emu.control();
    ctl.revoke_refresh_tokens(Some(USER));
    ctl.expire_access_tokens(Some(USER));
    h.clear_progress();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::NeedsReauth, "{r:?}");
    assert_eq!(r.gate_hint(), GateHint::Halt);
    assert_eq!(h.tokens.status().await.unwrap(), AuthStatus::NeedsReauth);
    let acct = h.store.get_account(&h.account).unwrap().unwrap();
    assert_eq!(acct.status, chronos_core::store::AccountStatus::NeedsReauth);
    let events = h.progress().await;
    assert!(matches!(
        events.last(),
        Some(SyncProgress::SyncFinished {
            outcome: SyncOutcome::NeedsReauth,
            ..
        })
    ));
    // The next run makes no request at all.
    ctl.reset_requests();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::NeedsReauth);
    assert_eq!(ctl.requests().len(), 0);
    // The local copy is still there.
    assert_eq!(h.stored_ids(&cal_id(0)).len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_error_stops_the_run_and_asks_the_scheduler_to_wait() {
    let h = Harness::new(world(&[10, 10, 10])).await;
    h.emu
        .control()
        .add_fault(FaultRule::status("/events", 403, 100).with_reason("quotaExceeded"))
        .unwrap();
    let r = h.sync().await;
    assert_eq!(r.outcome, SyncOutcome::QuotaExceeded, "{r:?}");
    assert_eq!(r.gate_hint(), GateHint::Wait(Duration::from_secs(3600)));
    let resume = r.resume_after.unwrap();
    assert!(resume >= h.clock.now() + chrono::Duration::minutes(59));
    // Not retried soon: each started calendar asked once.
    assert!(h.requests("events.list").len() <= 3);
    assert_eq!(r.error.as_ref().unwrap().kind.as_str(), "quota_exceeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_five_calendars_with_one_failing() {
    let sizes = vec![40; 25];
    let h = Harness::new(world(&sizes)).await;
    let broken = cal_id(13);
    h.emu
        .control()
        .add_fault(FaultRule::status(
            &format!("/calendars/{}/events", broken.as_str().replace('@', "%40")),
            404,
            100,
        ))
        .unwrap();
    // 400 ms per request: 5 at a time over batches of 20 + 5 means 5 rounds of events.list
    // (at least 2 s); one at a time would take 10 s, so the upper bound leaves a loaded machine
    // 4 s of slack and still fails if the fetches do not overlap.
    h.emu.control().set_latency(Duration::from_millis(400));
    let t0 = std::time::Instant::now();
    let r = h.sync().await;
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(2000) && took < Duration::from_millis(6000),
        "{took:?}"
    );
    assert_eq!(r.outcome, SyncOutcome::Partial, "{r:?}");
    assert_eq!(r.calendars.len(), 25);
    let failed: Vec<_> = r.failed_calendars().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].calendar, broken);
    assert_eq!(failed[0].error.as_ref().unwrap().kind.as_str(), "not_found");
    for i in (0..25).filter(|i| *i != 13) {
        assert_eq!(h.stored_ids(&cal_id(i)).len(), 40, "calendar {i}");
    }
    // Every announced calendar got exactly one done/failed event.
    let events = h.progress().await;
    let mut ends: HashMap<String, usize> = HashMap::new();
    for e in &events {
        match e {
            SyncProgress::CalendarDone { calendar, .. }
            | SyncProgress::CalendarFailed { calendar, .. } => {
                *ends.entry(calendar.to_string()).or_default() += 1
            }
            _ => {}
        }
    }
    assert_eq!(ends.len(), 25);
    assert!(ends.values().all(|n| *n == 1));
    assert!(
        matches!(&events[0], SyncProgress::RunBegun { .. }),
        "{:?}",
        events[0]
    );
    match &events[1] {
        SyncProgress::SyncStarted { calendars, .. } => assert_eq!(calendars.len(), 25),
        e => panic!("{e:?}"),
    }
    assert_eq!(h.requests("events.list").len(), 25);
}

/// A scheduler runner over the real sync run.
struct Real(Arc<Harness>, Arc<std::sync::Mutex<Vec<std::time::Instant>>>);

impl SyncRunner<RunReport> for Real {
    fn run(
        &self,
        account: AccountId,
        request: RunRequest,
    ) -> futures::future::BoxFuture<'static, RunReport> {
        let h = self.0.clone();
        self.1.lock().unwrap().push(std::time::Instant::now());
        Box::pin(async move { run_account(&h.deps(), &account, &request.scope).await })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_during_a_run_join_one_follow_up_and_the_five_second_window_holds() {
    let h = Arc::new(Harness::new(world(&[3000, 10])).await);
    let starts = Arc::new(std::sync::Mutex::new(Vec::new()));
    let gate = SyncGate::new(
        h.account.clone(),
        Duration::from_secs(5),
        Arc::new(Real(h.clone(), starts.clone())),
    );
    h.emu.control().set_latency(Duration::from_millis(300));
    let t0 = tokio::time::Instant::now();
    let first = gate.request(RunScope::Full, Trigger::Startup);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(gate.is_running());
    // Three requests while it runs: one follow-up covers them all.
    let joined: Vec<_> = (0..3)
        .map(|_| gate.request(RunScope::Full, Trigger::OnDemand))
        .collect();
    let r1 = first.wait().await.unwrap();
    assert_eq!(r1.outcome, SyncOutcome::Completed);
    let mut follow = Vec::new();
    for t in joined {
        follow.push(t.wait().await.unwrap());
    }
    assert!(
        follow
            .iter()
            .all(|r| r.duration_ms == follow[0].duration_ms),
        "one run covers all three"
    );
    assert_eq!(h.requests("calendarList.list").len(), 2, "exactly two runs");
    let starts = starts.lock().unwrap().clone();
    assert_eq!(starts.len(), 2);
    // The follow-up began no earlier than 5 s after the first run started.
    let gap = starts[1] - starts[0];
    assert!(
        gap >= Duration::from_secs(5) - Duration::from_millis(50),
        "{gap:?}"
    );
    assert!(t0.elapsed() >= Duration::from_secs(5));
    assert_eq!(gate.runs_started(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_sync_emits_at_most_twenty_progress_events_a_second() {
    let h = Harness::new(world(&[7500, 7500, 7500, 7500])).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (sink, forwarder) = spawn_throttled(20, move |e| {
        let _ = tx.send(e);
    });
    let t0 = std::time::Instant::now();
    let r = run_account(&h.deps_with(sink), &h.account, &RunScope::Full).await;
    let elapsed = t0.elapsed();
    assert_eq!(r.outcome, SyncOutcome::Completed);
    tokio::time::sleep(Duration::from_millis(100)).await;
    forwarder.abort();
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    let progress = events
        .iter()
        .filter(|e| matches!(e, SyncProgress::CalendarProgress { .. }))
        .count();
    assert!(
        progress as f64 <= 20.0 * elapsed.as_secs_f64() + 1.0,
        "{progress} in {elapsed:?}"
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, SyncProgress::CalendarDone { .. }))
            .count(),
        4
    );
    assert!(matches!(
        events.last(),
        Some(SyncProgress::SyncFinished { .. })
    ));
    assert!(progress >= 1, "progress still flows");
}
