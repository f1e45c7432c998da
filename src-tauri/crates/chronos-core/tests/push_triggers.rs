//! Prompt pickup without push: a wall-clock jump (sleep) syncs after wake, focus syncs when the
//! last run is old enough, the network coming back syncs, and the tray check backs off while
//! idle (1, 2, 4, 8, then 10 minutes) and skips calendars a push channel covers.

mod push_support;

use chronos_core::clock::{Clock, SystemClock, TestClock};
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::push::triggers::ActivityConfig;
use chronos_core::push::{ActivityTriggers, ChannelConfig, ReachabilityProbe};
use chronos_core::scheduler::{
    GateHint, RunRequest, RunResult, RunScope, Scheduler, SchedulerConfig, SyncRunner, Trigger,
};
use chronos_core::sync::run::RunReport;
use futures::future::BoxFuture;
use push_support::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn quiet_scheduler() -> SchedulerConfig {
    RigOptions::default().scheduler
}

/// A harness over two calendars, synced once, and the first calendar's id.
async fn synced_harness() -> (Harness, CalendarId) {
    let h = Harness::new(world(&[2])).await;
    h.sync().await;
    (h, cal_id(0))
}

/// Someone adds an event to a calendar on Google.
fn add_on_server(h: &Harness, cal: &CalendarId, id: &str, day: u32) {
    h.emu
        .control()
        .insert_event(cal.as_str(), new_event(id, day))
        .unwrap();
}

/// Whether the event is in the local store.
fn stored(h: &Harness, cal: &CalendarId, id: &str) -> bool {
    h.store
        .get_event(&h.account, cal, &id.into())
        .unwrap()
        .is_some()
}

/// Whether the event reaches the local store within five seconds.
async fn arrives(h: &Harness, cal: &CalendarId, id: &str) -> bool {
    wait_until(Duration::from_secs(5), || stored(h, cal, id))
        .await
        .is_some()
}

/// The quiet scheduler over the harness, on the real clock, and the runs it starts.
fn scheduler_on_the_system_clock(h: &Harness) -> (Scheduler<RunReport>, Arc<Mutex<Vec<RunSeen>>>) {
    scheduler_for(h, quiet_scheduler(), Arc::new(SystemClock))
}

/// Activity triggers for which no calendar is covered by a push channel.
fn triggers_without_push(
    s: &Scheduler<RunReport>,
    config: ActivityConfig,
) -> Arc<ActivityTriggers<RunReport>> {
    ActivityTriggers::new(s.clone(), config, Arc::new(|_: &AccountId| BTreeSet::new()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wall_clock_jump_syncs_after_wake() {
    let (h, cal0) = synced_harness().await;
    // The wall clock follows real time, checked every 100 ms; then jumps two hours (the lid
    // was closed: monotonic time did not move).
    let wall = TestClock::new();
    let follower = {
        let wall = wall.clone();
        tokio::spawn(async move {
            let mut last = std::time::Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                let now = std::time::Instant::now();
                wall.advance(now - last);
                last = now;
            }
        })
    };
    let cfg = SchedulerConfig {
        wake_check: Duration::from_millis(100),
        ..quiet_scheduler()
    };
    let (s, runs) = scheduler_for(&h, cfg, Arc::new(wall.clone()));
    s.start();
    add_on_server(&h, &cal0, "sleepchange1", 4);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(runs.lock().unwrap().is_empty(), "no wake without a jump");
    assert!(!stored(&h, &cal0, "sleepchange1"));

    let before = wall.now();
    wall.advance(Duration::from_secs(7200));
    assert!(
        arrives(&h, &cal0, "sleepchange1").await,
        "the change arrived after wake"
    );
    let runs = runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].request.triggers, vec![Trigger::Wake]);
    assert_eq!(runs[0].request.scope, RunScope::Full);
    assert!(wall.now() - before >= chrono::Duration::seconds(7200));
    s.shutdown();
    follower.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn focus_syncs_only_when_the_last_run_is_old_enough() {
    let (h, cal0) = synced_harness().await;
    let (s, runs) = scheduler_on_the_system_clock(&h);
    let cfg = ActivityConfig {
        focus_min_age: Duration::from_secs(3),
        ..Default::default()
    };
    let t = triggers_without_push(&s, cfg);

    add_on_server(&h, &cal0, "focusedaa001", 5);
    // No run yet in this session: focus syncs.
    assert_eq!(t.window_focused(), vec![h.account.clone()]);
    assert!(arrives(&h, &cal0, "focusedaa001").await);
    // Focus again at once: the last run is younger than the minimum age.
    assert!(t.window_focused().is_empty());
    // (The minimum age is long enough that a slow first run does not outlive it.)
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(t.window_focused(), vec![h.account.clone()]);
    wait_until(Duration::from_secs(5), || runs.lock().unwrap().len() == 2)
        .await
        .unwrap();
    let runs = runs.lock().unwrap().clone();
    assert!(runs
        .iter()
        .all(|r| r.request.triggers == vec![Trigger::Focus]));
    s.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_coming_back_syncs() {
    let (h, cal0) = synced_harness().await;
    let (s, runs) = scheduler_on_the_system_clock(&h);
    let t = triggers_without_push(&s, ActivityConfig::default());
    // First report and online→online: nothing to catch up on.
    assert!(!t.network_changed(true));
    assert!(!t.network_changed(true));
    assert!(!t.network_changed(false));
    add_on_server(&h, &cal0, "backonline01", 6);
    assert!(t.network_changed(true));
    assert!(arrives(&h, &cal0, "backonline01").await);
    assert_eq!(
        runs.lock().unwrap()[0].request.triggers,
        vec![Trigger::Network]
    );

    // The probe: a TCP connect to a listener that goes away and comes back.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let probe = ReachabilityProbe::tcp("127.0.0.1", port, Duration::from_millis(500));
    assert!(probe.check().await);
    drop(listener);
    assert!(!probe.check().await);

    // The probe loop feeds the triggers: down, then up again → one Network run.
    let up = Arc::new(AtomicBool::new(false));
    let u2 = up.clone();
    let probe = ReachabilityProbe::custom(Arc::new(move || {
        let v = u2.load(Ordering::SeqCst);
        Box::pin(async move { v })
    }));
    probe.run(&t, Duration::from_millis(50));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = runs.lock().unwrap().len();
    up.store(true, Ordering::SeqCst);
    let more = wait_until(Duration::from_secs(5), || {
        runs.lock().unwrap().len() == before + 1
    })
    .await;
    assert!(more.is_some());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        runs.lock().unwrap().len(),
        before + 1,
        "staying up does not sync again"
    );
    s.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_check_skips_calendars_push_covers() {
    let opts = RigOptions {
        channels: ChannelConfig::default(),
        ..Default::default()
    };
    let rig = Rig::new(world(&[1, 1]), opts).await;
    let (cal0, cal1) = (cal_id(0), cal_id(1));
    let source = rig.manager.polling_source();
    assert_eq!(
        source(&rig.h.account),
        [cal0.clone(), cal1.clone()].into_iter().collect()
    );
    // cal1 refuses push; cal0 gets a channel.
    let mut rule = gcal_emulator::FaultRule::status("/events/watch", 400, 1)
        .with_reason("pushNotSupportedForRequestedResource");
    rule.path_contains = Some(format!(
        "{}/events/watch",
        cal1.as_str().replace('@', "%40")
    ));
    rig.h.emu.control().add_fault(rule).unwrap();
    rig.manager.maintain_all().await;
    assert_eq!(source(&rig.h.account), [cal1.clone()].into_iter().collect());
    let t = ActivityTriggers::new(rig.scheduler.clone(), ActivityConfig::default(), source);
    assert_eq!(t.idle_check(), vec![rig.h.account.clone()]);
    wait_until(Duration::from_secs(5), || !rig.runs().is_empty())
        .await
        .unwrap();
    let runs = rig.runs();
    assert_eq!(runs[0].request.scope, RunScope::calendars([cal1.clone()]));
    assert_eq!(runs[0].request.triggers, vec![Trigger::IdleCheck]);
    // While the window is visible the scheduler's own view check is in charge.
    rig.scheduler.set_view(true, vec![]);
    assert!(t.idle_check().is_empty());
    rig.shutdown().await;
}

// ---- the idle back-off in paused time, with a recording runner ----

#[derive(Clone, Debug)]
struct Done;
impl RunResult for Done {
    fn gate_hint(&self) -> GateHint {
        GateHint::Continue
    }
}

#[tokio::test(start_paused = true)]
async fn the_tray_check_backs_off_while_idle_and_never_below_ten_minutes() {
    let t0 = tokio::time::Instant::now();
    let starts: Arc<Mutex<Vec<(u64, RunRequest)>>> = Arc::new(Mutex::new(Vec::new()));
    let s2 = starts.clone();
    let runner: Arc<dyn SyncRunner<Done>> = Arc::new(
        move |_a: AccountId, r: RunRequest| -> BoxFuture<'static, Done> {
            s2.lock().unwrap().push((t0.elapsed().as_secs(), r));
            Box::pin(async { Done })
        },
    );
    let s = Scheduler::new(quiet_scheduler(), runner, Arc::new(TestClock::new()));
    let a = AccountId::new("a@x");
    s.add_account(&a);
    let t = ActivityTriggers::new(
        s.clone(),
        ActivityConfig::default(),
        Arc::new(|_: &AccountId| [CalendarId::new("c")].into_iter().collect()),
    );
    t.start();
    // Four idle hours in the tray.
    tokio::time::sleep(Duration::from_secs(4 * 3600)).await;
    let got: Vec<u64> = starts.lock().unwrap().iter().map(|(at, _)| *at).collect();
    let gaps: Vec<u64> = std::iter::once(got[0])
        .chain(got.windows(2).map(|w| w[1] - w[0]))
        .map(|g| g / 60)
        .collect();
    // 1 min until 30 idle minutes (checks at minutes 1..29; at 30 the period is already 2),
    // 2 until 60, 4 until 90, 8 until 120, then 10.
    let ones = gaps.iter().take_while(|g| **g == 1).count();
    assert_eq!(ones, 29, "{gaps:?}");
    assert!(
        gaps.windows(2).all(|w| w[0] <= w[1]),
        "never speeds up while idle: {gaps:?}"
    );
    assert!(
        gaps.contains(&2) && gaps.contains(&4) && gaps.contains(&8),
        "{gaps:?}"
    );
    assert_eq!(*gaps.iter().max().unwrap(), 10, "{gaps:?}");
    assert!(gaps.iter().rev().take(10).all(|g| *g == 10), "{gaps:?}");
    for (_, r) in starts.lock().unwrap().iter() {
        assert_eq!(r.triggers, vec![Trigger::IdleCheck]);
        assert_eq!(r.scope, RunScope::calendars([CalendarId::new("c")]));
    }
    // Activity brings the minute back at once.
    let n = starts.lock().unwrap().len();
    t.user_activity();
    tokio::time::sleep(Duration::from_secs(5 * 60 + 5)).await;
    // Within the next minute (the loop wakes at least every minute), then every minute.
    let after = starts.lock().unwrap().len() - n;
    assert!(
        (5..=6).contains(&after),
        "{after} checks in 5 minutes after activity"
    );
    s.shutdown();
}
