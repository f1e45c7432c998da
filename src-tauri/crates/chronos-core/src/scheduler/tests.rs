use super::*;
use crate::clock::TestClock;
use futures::future::BoxFuture;
use tokio::time::Instant;

#[derive(Clone, Debug, PartialEq)]
struct Done {
    n: u64,
    hint: GateHint,
}
impl RunResult for Done {
    fn gate_hint(&self) -> GateHint {
        self.hint
    }
}

#[derive(Clone, Debug)]
struct Call {
    account: AccountId,
    request: RunRequest,
    at: Duration,
}

/// A runner that records each run and takes `run_time` (paused tokio time).
struct Recorder {
    t0: Instant,
    run_time: Duration,
    calls: Mutex<Vec<Call>>,
    hints: Mutex<Vec<GateHint>>,
}

impl Recorder {
    fn new(run_time: Duration) -> Arc<Self> {
        Arc::new(Self {
            t0: Instant::now(),
            run_time,
            calls: Mutex::new(vec![]),
            hints: Mutex::new(vec![]),
        })
    }
    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }
    fn starts(&self) -> Vec<u64> {
        self.calls()
            .iter()
            .map(|c| c.at.as_millis() as u64)
            .collect()
    }
}

fn runner(rec: &Arc<Recorder>) -> Arc<dyn SyncRunner<Done>> {
    let rec = rec.clone();
    Arc::new(
        move |account: AccountId, request: RunRequest| -> BoxFuture<'static, Done> {
            let rec = rec.clone();
            Box::pin(async move {
                let n = {
                    let mut calls = rec.calls.lock().unwrap();
                    calls.push(Call {
                        account,
                        request,
                        at: rec.t0.elapsed(),
                    });
                    calls.len() as u64
                };
                tokio::time::sleep(rec.run_time).await;
                let hint = {
                    let mut h = rec.hints.lock().unwrap();
                    if h.is_empty() {
                        GateHint::Continue
                    } else {
                        h.remove(0)
                    }
                };
                Done { n, hint }
            })
        },
    )
}

fn acct() -> AccountId {
    AccountId::new("a@example.com")
}

fn gate(rec: &Arc<Recorder>) -> SyncGate<Done> {
    SyncGate::new(acct(), Duration::from_secs(5), runner(rec))
}

/// The start-up run, asked for and finished.
async fn started(g: &SyncGate<Done>) {
    g.request(RunScope::Full, Trigger::Startup)
        .wait()
        .await
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_request_while_running_queues_exactly_one_follow_up() {
    let rec = Recorder::new(Duration::from_secs(8));
    let g = gate(&rec);
    let first = g.request(RunScope::Full, Trigger::OnDemand);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(g.is_running());
    // Three requests during the run: one follow-up covers them all.
    let a = g.request(
        RunScope::calendars([CalendarId::new("x")]),
        Trigger::ViewCheck,
    );
    let b = g.request(
        RunScope::calendars([CalendarId::new("y")]),
        Trigger::ViewCheck,
    );
    let c = g.request(
        RunScope::calendars([CalendarId::new("x")]),
        Trigger::OnDemand,
    );
    assert_eq!(first.wait().await.unwrap().n, 1);
    let (ra, rb, rc) = (
        a.wait().await.unwrap(),
        b.wait().await.unwrap(),
        c.wait().await.unwrap(),
    );
    assert_eq!((ra.n, rb.n, rc.n), (2, 2, 2));
    let calls = rec.calls();
    assert_eq!(calls.len(), 2);
    // The follow-up starts when the first ends (8 s > 5 s window) and merges the scopes.
    assert_eq!(rec.starts(), vec![0, 8000]);
    assert_eq!(
        calls[1].request.scope,
        RunScope::calendars([CalendarId::new("x"), CalendarId::new("y")])
    );
    assert_eq!(
        calls[1].request.triggers,
        vec![Trigger::ViewCheck, Trigger::OnDemand]
    );
    // Nothing else runs later.
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(rec.calls().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_request_inside_the_window_waits_for_it_then_runs_once() {
    let rec = Recorder::new(Duration::from_secs(1));
    let g = gate(&rec);
    started(&g).await;
    // The run took 1 s; at 2 s two requests come in: they wait until 5 s and share one run.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let t1 = g.request(RunScope::Full, Trigger::OnDemand);
    assert_eq!(t1.not_before() - rec.t0, Duration::from_secs(5));
    let t2 = g.request(RunScope::Full, Trigger::OnDemand);
    let (r1, r2) = (t1.wait().await.unwrap(), t2.wait().await.unwrap());
    assert_eq!(r1, r2);
    assert_eq!(rec.starts(), vec![0, 5000]);
}

#[tokio::test(start_paused = true)]
async fn a_short_run_with_a_follow_up_still_respects_the_five_second_gap() {
    let rec = Recorder::new(Duration::from_secs(2));
    let g = gate(&rec);
    let first = g.request(RunScope::Full, Trigger::OnDemand);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let follow = g.request(RunScope::Full, Trigger::OnDemand);
    first.wait().await.unwrap();
    follow.wait().await.unwrap();
    assert_eq!(rec.starts(), vec![0, 5000]);
}

#[tokio::test(start_paused = true)]
async fn requests_after_the_window_run_at_once() {
    let rec = Recorder::new(Duration::from_secs(1));
    let g = gate(&rec);
    started(&g).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    g.request(RunScope::Full, Trigger::OnDemand)
        .wait()
        .await
        .unwrap();
    assert_eq!(rec.starts(), vec![0, 11000]);
    assert_eq!(g.runs_started(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_quota_error_holds_runs_back_for_the_wait() {
    let rec = Recorder::new(Duration::from_secs(1));
    rec.hints
        .lock()
        .unwrap()
        .push(GateHint::Wait(Duration::from_secs(3600)));
    let g = gate(&rec);
    started(&g).await;
    assert!(g.blocked_until().is_some());
    let t = g.request(RunScope::Full, Trigger::OnDemand);
    assert_eq!(t.not_before() - rec.t0, Duration::from_secs(3601));
    t.wait().await.unwrap();
    assert_eq!(rec.starts(), vec![0, 3_601_000]);
    assert!(g.blocked_until().is_none());
}

#[tokio::test(start_paused = true)]
async fn a_panicking_run_fails_its_tickets_and_the_gate_goes_on() {
    let count = Arc::new(Mutex::new(0));
    let c2 = count.clone();
    let r: Arc<dyn SyncRunner<Done>> = Arc::new(
        move |_a: AccountId, _r: RunRequest| -> BoxFuture<'static, Done> {
            let n = {
                let mut c = c2.lock().unwrap();
                *c += 1;
                *c
            };
            Box::pin(async move {
                if n == 1 {
                    panic!("boom");
                }
                Done {
                    n,
                    hint: GateHint::Continue,
                }
            })
        },
    );
    let g = SyncGate::new(acct(), Duration::from_secs(5), r);
    assert!(g
        .request(RunScope::Full, Trigger::OnDemand)
        .wait()
        .await
        .is_err());
    assert_eq!(
        g.request(RunScope::Full, Trigger::OnDemand)
            .wait()
            .await
            .unwrap()
            .n,
        2
    );
}

fn sched(rec: &Arc<Recorder>, cfg: SchedulerConfig, wall: TestClock) -> Scheduler<Done> {
    Scheduler::new(cfg, runner(rec), Arc::new(wall))
}

#[tokio::test(start_paused = true)]
async fn a_changed_interval_applies_without_a_restart() {
    let rec = Recorder::new(Duration::from_secs(1));
    let s = sched(
        &rec,
        SchedulerConfig {
            sync_on_startup: false,
            ..Default::default()
        },
        TestClock::new(),
    );
    s.add_account(&AccountId::new("a@x"));
    s.start();
    tokio::time::sleep(Duration::from_secs(100)).await;
    // Shorter: due 120 s after the start, not at 600 s.
    s.set_interval(Duration::from_secs(120));
    assert_eq!(s.interval(), Duration::from_secs(120));
    tokio::time::sleep(Duration::from_secs(400)).await; // t = 500
    let at: Vec<u64> = rec.calls().iter().map(|c| c.at.as_secs()).collect();
    assert_eq!(
        at,
        vec![120, 240, 360, 480],
        "runs every 120 s from the start"
    );
    // Longer again: the next run is 900 s after the last (480 → 1380), none before.
    s.set_interval(Duration::from_secs(900));
    tokio::time::sleep(Duration::from_secs(870)).await; // t = 1370
    assert_eq!(rec.calls().len(), 4, "no run before the new interval is up");
    tokio::time::sleep(Duration::from_secs(20)).await; // t = 1390
    let at: Vec<u64> = rec.calls().iter().map(|c| c.at.as_secs()).collect();
    assert_eq!(at, vec![120, 240, 360, 480, 1380]);
    // Shortened below the time already waited: runs at once.
    tokio::time::sleep(Duration::from_secs(300)).await; // t = 1690, 310 s after the last run
    s.set_interval(Duration::from_secs(60));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(rec.calls().last().unwrap().at.as_secs(), 1690);
    s.shutdown();
}

#[tokio::test(start_paused = true)]
async fn startup_and_interval_runs_for_every_account() {
    let rec = Recorder::new(Duration::from_secs(1));
    let s = sched(&rec, SchedulerConfig::default(), TestClock::new());
    s.add_account(&AccountId::new("a@x"));
    s.add_account(&AccountId::new("b@x"));
    s.start();
    tokio::time::sleep(Duration::from_secs(1250)).await;
    s.shutdown();
    let calls = rec.calls();
    // Start-up, 600 s and 1200 s, for both accounts; all full runs.
    assert_eq!(calls.len(), 6, "{calls:?}");
    for c in &calls {
        assert_eq!(c.request.scope, RunScope::Full);
    }
    let a_starts: Vec<u64> = calls
        .iter()
        .filter(|c| c.account.as_str() == "a@x")
        .map(|c| c.at.as_secs())
        .collect();
    assert_eq!(a_starts, vec![0, 600, 1200]);
    assert_eq!(calls[0].request.triggers, vec![Trigger::Startup]);
    assert_eq!(calls[5].request.triggers, vec![Trigger::Interval]);
}

#[tokio::test(start_paused = true)]
async fn view_check_runs_only_while_visible_and_only_on_screen_calendars() {
    let rec = Recorder::new(Duration::from_millis(200));
    let cfg = SchedulerConfig {
        sync_on_startup: false,
        ..Default::default()
    };
    let s = sched(&rec, cfg, TestClock::new());
    let a = AccountId::new("a@x");
    s.add_account(&a);
    s.start();
    // Hidden: no minute checks.
    tokio::time::sleep(Duration::from_secs(150)).await;
    assert!(rec.calls().is_empty());
    // Visible with two calendars in view: an immediate check, then one a minute.
    s.set_view(
        true,
        vec![
            (a.clone(), CalendarId::new("work")),
            (a.clone(), CalendarId::new("home")),
        ],
    );
    tokio::time::sleep(Duration::from_secs(100)).await;
    s.set_view(false, vec![]);
    tokio::time::sleep(Duration::from_secs(300)).await;
    s.shutdown();
    let calls = rec.calls();
    let starts: Vec<u64> = calls.iter().map(|c| c.at.as_secs()).collect();
    assert_eq!(starts, vec![150, 180, 240], "{calls:?}");
    for c in &calls {
        assert_eq!(
            c.request.scope,
            RunScope::calendars([CalendarId::new("home"), CalendarId::new("work")])
        );
        assert_eq!(c.request.triggers, vec![Trigger::ViewCheck]);
    }
}

#[tokio::test(start_paused = true)]
async fn a_wall_clock_jump_means_wake_and_syncs() {
    let rec = Recorder::new(Duration::from_secs(1));
    let cfg = SchedulerConfig {
        sync_on_startup: false,
        ..Default::default()
    };
    let wall = TestClock::new();
    let s = sched(&rec, cfg, wall.clone());
    s.add_account(&AccountId::new("a@x"));
    s.start();
    // Wall time follows monotonic time for a while: no wake.
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_secs(10)).await;
        wall.advance(Duration::from_secs(10));
    }
    assert!(rec.calls().is_empty());
    // The lid closes for two hours: the wall clock jumps, tokio time does not.
    wall.advance(Duration::from_secs(7200));
    tokio::time::sleep(Duration::from_secs(20)).await;
    s.shutdown();
    let calls = rec.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].request.triggers, vec![Trigger::Wake]);
    assert!(calls[0].at <= Duration::from_secs(96));
}

#[tokio::test(start_paused = true)]
async fn a_halted_account_gets_no_automatic_runs_until_resumed() {
    let rec = Recorder::new(Duration::from_secs(1));
    rec.hints.lock().unwrap().push(GateHint::Halt);
    let s = sched(&rec, SchedulerConfig::default(), TestClock::new());
    let a = AccountId::new("a@x");
    s.add_account(&a);
    s.start();
    tokio::time::sleep(Duration::from_secs(1900)).await;
    assert_eq!(rec.calls().len(), 1, "only the start-up run");
    assert!(s.gate(&a).unwrap().is_halted());
    // On demand still asks (the run itself reports needs re-auth at once).
    s.sync_now(Some(&a)).pop().unwrap().1.wait().await.unwrap();
    assert_eq!(rec.calls().len(), 2);
    s.resume(&a);
    tokio::time::sleep(Duration::from_secs(600)).await;
    s.shutdown();
    assert_eq!(rec.calls().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn triggers_coalesce_into_the_queued_run() {
    let rec = Recorder::new(Duration::from_secs(30));
    let cfg = SchedulerConfig {
        interval: Duration::from_secs(20),
        ..Default::default()
    };
    let s = sched(&rec, cfg, TestClock::new());
    let a = AccountId::new("a@x");
    s.add_account(&a);
    s.start();
    // A 30 s run with a 20 s interval plus on-demand requests: never more than one queued.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_secs(7)).await;
        let _ = s.sync_now(Some(&a));
    }
    tokio::time::sleep(Duration::from_secs(30)).await;
    s.shutdown();
    let starts: Vec<u64> = rec.calls().iter().map(|c| c.at.as_secs()).collect();
    // Back to back: each run starts when the previous ends.
    assert_eq!(starts, vec![0, 30, 60]);
}
