//! When syncs run: triggers (start-up, interval, on demand, wake, the minute check of what is on
//! screen) become sync runs through one [`SyncGate`] per account.
//!
//! The gate enforces the account's pacing rules:
//! - at most one run starts per `min_gap` (5 s);
//! - a request while a run is in flight queues exactly one follow-up run (a change that arrives
//!   mid-run is then not missed); further requests join that follow-up;
//! - a request within `min_gap` of the last start waits for the window, then runs once;
//! - every request gets a [`Ticket`] resolving with the result of the run that covers it, so no
//!   request is dropped silently and at most one run is ever queued;
//! - a quota error makes the gate hold runs back until the wait the run asked for is over;
//! - needs-re-auth stops automatic triggers for the account until it is resumed (reconnected).
//!
//! Monotonic time is tokio's (so tests use paused time); wall time comes from a [`Clock`] and is
//! only used to notice that the machine slept (the wall clock jumps, the monotonic one does not).

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId};
use futures::future::BoxFuture;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Why a run was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trigger {
    Startup,
    Interval,
    OnDemand,
    Wake,
    /// The light check of the calendars on screen while the window is visible.
    ViewCheck,
    // ---- push and activity triggers (issue 7, src/push/) ----
    /// A push notification said a calendar changed.
    Push,
    /// The window gained focus and the last run was more than a minute ago.
    Focus,
    /// The network came back.
    Network,
    /// The backed-off check while the app sits idle in the tray.
    IdleCheck,
}

/// What a run covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunScope {
    /// Outbox push, calendar list, every selected calendar.
    Full,
    /// An incremental sync of these calendars only.
    Calendars(BTreeSet<CalendarId>),
}

impl RunScope {
    pub fn calendars<I: IntoIterator<Item = CalendarId>>(ids: I) -> Self {
        RunScope::Calendars(ids.into_iter().collect())
    }

    /// The smallest scope covering both.
    pub fn merge(self, other: RunScope) -> RunScope {
        match (self, other) {
            (RunScope::Calendars(mut a), RunScope::Calendars(b)) => {
                a.extend(b);
                RunScope::Calendars(a)
            }
            _ => RunScope::Full,
        }
    }

    pub fn is_full(&self) -> bool {
        matches!(self, RunScope::Full)
    }
}

/// One run as handed to the runner: the merged scope of every request it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRequest {
    pub scope: RunScope,
    pub triggers: Vec<Trigger>,
}

/// What a finished run tells the gate about the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateHint {
    Continue,
    /// Do not start another run for this long (quota exhausted).
    Wait(Duration),
    /// Stop automatic runs until [`Scheduler::resume`] (the account needs re-auth).
    Halt,
}

/// A run result the gate can learn from.
pub trait RunResult: Clone + Send + Sync + 'static {
    fn gate_hint(&self) -> GateHint;
}

/// Performs one sync run of one account.
pub trait SyncRunner<R>: Send + Sync + 'static {
    fn run(&self, account: AccountId, request: RunRequest) -> BoxFuture<'static, R>;
}

impl<R, F> SyncRunner<R> for F
where
    F: Fn(AccountId, RunRequest) -> BoxFuture<'static, R> + Send + Sync + 'static,
{
    fn run(&self, account: AccountId, request: RunRequest) -> BoxFuture<'static, R> {
        self(account, request)
    }
}

/// The promise of a run covering a request.
pub struct Ticket<R> {
    rx: watch::Receiver<Option<R>>,
    not_before: Instant,
}

impl<R: Clone> Ticket<R> {
    /// The earliest moment the covering run can start (later than now when the 5 s window or a
    /// quota wait holds it back).
    pub fn not_before(&self) -> Instant {
        self.not_before
    }

    /// Waits for the covering run to finish and returns its result.
    pub async fn wait(mut self) -> Result<R> {
        loop {
            if let Some(r) = self.rx.borrow_and_update().clone() {
                return Ok(r);
            }
            if self.rx.changed().await.is_err() {
                // The run ended without a result: its task panicked or the gate shut down.
                return match self.rx.borrow().clone() {
                    Some(r) => Ok(r),
                    None => Err(Error::Internal(
                        "the sync run ended without a result".into(),
                    )),
                };
            }
        }
    }
}

struct Pending<R> {
    request: RunRequest,
    tx: watch::Sender<Option<R>>,
}

struct GateState<R> {
    running: bool,
    last_start: Option<Instant>,
    pending: Option<Pending<R>>,
    blocked_until: Option<Instant>,
    halted: bool,
    driver_active: bool,
    runs_started: u64,
}

struct GateInner<R> {
    account: AccountId,
    min_gap: Duration,
    runner: Arc<dyn SyncRunner<R>>,
    state: Mutex<GateState<R>>,
}

/// The per-account sync gate (see the module comment for its rules).
pub struct SyncGate<R> {
    inner: Arc<GateInner<R>>,
}

impl<R> Clone for SyncGate<R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<R: RunResult> SyncGate<R> {
    pub fn new(account: AccountId, min_gap: Duration, runner: Arc<dyn SyncRunner<R>>) -> Self {
        Self {
            inner: Arc::new(GateInner {
                account,
                min_gap,
                runner,
                state: Mutex::new(GateState {
                    running: false,
                    last_start: None,
                    pending: None,
                    blocked_until: None,
                    halted: false,
                    driver_active: false,
                    runs_started: 0,
                }),
            }),
        }
    }

    pub fn account(&self) -> &AccountId {
        &self.inner.account
    }

    /// Asks for a run covering `scope`. Joins the queued run if there is one; otherwise queues
    /// one, which starts as soon as the running run (if any) has ended and the pacing allows.
    pub fn request(&self, scope: RunScope, trigger: Trigger) -> Ticket<R> {
        let mut st = self.inner.state.lock().unwrap();
        let rx = match &mut st.pending {
            Some(p) => {
                let merged = std::mem::replace(&mut p.request.scope, RunScope::Full).merge(scope);
                p.request.scope = merged;
                if !p.request.triggers.contains(&trigger) {
                    p.request.triggers.push(trigger);
                }
                p.tx.subscribe()
            }
            None => {
                let (tx, rx) = watch::channel(None);
                st.pending = Some(Pending {
                    request: RunRequest {
                        scope,
                        triggers: vec![trigger],
                    },
                    tx,
                });
                rx
            }
        };
        let not_before = earliest_start(&st, self.inner.min_gap).max(Instant::now());
        if !st.driver_active {
            st.driver_active = true;
            let gate = self.clone();
            tokio::spawn(async move { gate.drive().await });
        }
        Ticket { rx, not_before }
    }

    /// Runs queued runs one after another until none is left.
    async fn drive(self) {
        loop {
            enum Next<R> {
                Stop,
                WaitUntil(Instant),
                Run(RunRequest, watch::Sender<Option<R>>),
            }
            let next = {
                let mut st = self.inner.state.lock().unwrap();
                if st.pending.is_none() {
                    st.driver_active = false;
                    Next::Stop
                } else {
                    let start_at = earliest_start(&st, self.inner.min_gap);
                    if Instant::now() < start_at {
                        Next::WaitUntil(start_at)
                    } else {
                        let p = st.pending.take().expect("checked above");
                        st.running = true;
                        st.last_start = Some(Instant::now());
                        st.runs_started += 1;
                        Next::Run(p.request, p.tx)
                    }
                }
            };
            let (request, tx) = match next {
                Next::Stop => return,
                Next::WaitUntil(t) => {
                    // Then look again: a quota wait may have been set or lifted meanwhile.
                    tokio::time::sleep_until(t).await;
                    continue;
                }
                Next::Run(r, tx) => (r, tx),
            };
            tracing::debug!(account = %self.inner.account, scope = ?request.scope, triggers = ?request.triggers, "sync run starts");
            // The run goes on its own task so a panic in it cannot wedge the gate.
            let fut = self.inner.runner.run(self.inner.account.clone(), request);
            let result = tokio::spawn(fut).await;
            {
                let mut st = self.inner.state.lock().unwrap();
                st.running = false;
                if let Ok(r) = &result {
                    match r.gate_hint() {
                        GateHint::Continue => {
                            st.blocked_until = None;
                        }
                        GateHint::Wait(d) => st.blocked_until = Some(Instant::now() + d),
                        GateHint::Halt => st.halted = true,
                    }
                }
            }
            match result {
                Ok(r) => {
                    let _ = tx.send(Some(r));
                }
                Err(e) => {
                    tracing::error!(account = %self.inner.account, "sync run task failed: {e}");
                    drop(tx);
                }
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.inner.state.lock().unwrap().running
    }

    pub fn has_pending(&self) -> bool {
        self.inner.state.lock().unwrap().pending.is_some()
    }

    pub fn last_start(&self) -> Option<Instant> {
        self.inner.state.lock().unwrap().last_start
    }

    pub fn runs_started(&self) -> u64 {
        self.inner.state.lock().unwrap().runs_started
    }

    /// Until when a quota wait holds runs back.
    pub fn blocked_until(&self) -> Option<Instant> {
        let st = self.inner.state.lock().unwrap();
        st.blocked_until.filter(|t| *t > Instant::now())
    }

    pub fn is_halted(&self) -> bool {
        self.inner.state.lock().unwrap().halted
    }

    /// Stops automatic runs (an account known to need re-auth at start-up).
    pub fn halt(&self) {
        self.inner.state.lock().unwrap().halted = true;
    }

    /// Lifts a halt and any quota wait (after the user reconnects the account).
    pub fn resume(&self) {
        let mut st = self.inner.state.lock().unwrap();
        st.halted = false;
        st.blocked_until = None;
    }
}

fn earliest_start<R>(st: &GateState<R>, min_gap: Duration) -> Instant {
    let mut t = st
        .last_start
        .map(|s| s + min_gap)
        .unwrap_or_else(Instant::now);
    if let Some(b) = st.blocked_until {
        t = t.max(b);
    }
    if st.running {
        // Not before the running run ends; the driver only looks again once it has.
        t = t.max(Instant::now());
    }
    t
}

/// Scheduler timings; every one is configurable (and shortened in tests).
#[derive(Clone, Debug)]
pub struct SchedulerConfig {
    /// Full runs this often (10 min).
    pub interval: Duration,
    /// The light check of the calendars on screen this often while visible (1 min).
    pub view_check: Duration,
    /// At most one run per account this often (5 s).
    pub min_gap: Duration,
    /// How often to compare the wall clock with the monotonic clock.
    pub wake_check: Duration,
    /// A wall-clock jump beyond the monotonic time by more than this means the machine slept.
    pub wake_threshold: Duration,
    pub sync_on_startup: bool,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(600),
            view_check: Duration::from_secs(60),
            min_gap: Duration::from_secs(5),
            wake_check: Duration::from_secs(15),
            wake_threshold: Duration::from_secs(60),
            sync_on_startup: true,
        }
    }
}

#[derive(Default)]
struct View {
    visible: bool,
    calendars: HashMap<AccountId, BTreeSet<CalendarId>>,
}

struct SchedInner<R> {
    config: SchedulerConfig,
    runner: Arc<dyn SyncRunner<R>>,
    wall: Arc<dyn Clock>,
    gates: Mutex<HashMap<AccountId, SyncGate<R>>>,
    view: Mutex<View>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Issue 7: calendars a live push channel covers need no minute check.
    push_covered: Mutex<Option<PushCovered>>,
    /// Calendars whose every sync is a full listing (their server gives no sync token): a
    /// check each minute would spend the quota of a full sync each time.
    full_listing_only: Mutex<Option<CalendarFilter>>,
    /// The interval now in force (`config.interval` until `set_interval` changes it).
    interval: watch::Sender<Duration>,
}

/// A yes/no question about one calendar of one account.
pub type CalendarFilter = Arc<dyn Fn(&AccountId, &CalendarId) -> bool + Send + Sync>;

/// Whether a push channel covers a calendar (set by `push::ChannelManager`).
pub type PushCovered = CalendarFilter;

/// Turns triggers into runs for every connected account.
pub struct Scheduler<R> {
    inner: Arc<SchedInner<R>>,
}

impl<R> Clone for Scheduler<R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<R: RunResult> Scheduler<R> {
    pub fn new(
        config: SchedulerConfig,
        runner: Arc<dyn SyncRunner<R>>,
        wall: Arc<dyn Clock>,
    ) -> Self {
        Self {
            inner: Arc::new(SchedInner {
                runner,
                wall,
                gates: Mutex::new(HashMap::new()),
                view: Mutex::new(View::default()),
                tasks: Mutex::new(Vec::new()),
                push_covered: Mutex::new(None),
                full_listing_only: Mutex::new(None),
                interval: watch::channel(config.interval).0,
                config,
            }),
        }
    }

    /// The interval between full runs now in force.
    pub fn interval(&self) -> Duration {
        *self.inner.interval.borrow()
    }

    /// Changes the interval between full runs while running (the user's setting). The next run
    /// is due one new interval after the last interval run (or the start), at once if that time
    /// has passed — so shortening it never waits out the old, longer interval.
    pub fn set_interval(&self, interval: Duration) {
        let interval = interval.max(Duration::from_secs(1));
        self.inner
            .interval
            .send_if_modified(|d| std::mem::replace(d, interval) != interval);
    }

    pub fn config(&self) -> &SchedulerConfig {
        &self.inner.config
    }

    /// Registers an account (idempotent) and returns its gate.
    pub fn add_account(&self, account: &AccountId) -> SyncGate<R> {
        let mut gates = self.inner.gates.lock().unwrap();
        gates
            .entry(account.clone())
            .or_insert_with(|| {
                SyncGate::new(
                    account.clone(),
                    self.inner.config.min_gap,
                    self.inner.runner.clone(),
                )
            })
            .clone()
    }

    pub fn remove_account(&self, account: &AccountId) {
        self.inner.gates.lock().unwrap().remove(account);
        self.inner.view.lock().unwrap().calendars.remove(account);
    }

    pub fn gate(&self, account: &AccountId) -> Option<SyncGate<R>> {
        self.inner.gates.lock().unwrap().get(account).cloned()
    }

    pub fn accounts(&self) -> Vec<AccountId> {
        let mut v: Vec<_> = self.inner.gates.lock().unwrap().keys().cloned().collect();
        v.sort();
        v
    }

    /// Asks for a run of one account (registering it if needed).
    pub fn request(&self, account: &AccountId, scope: RunScope, trigger: Trigger) -> Ticket<R> {
        self.add_account(account).request(scope, trigger)
    }

    /// On-demand full runs: of one account, or of every account.
    pub fn sync_now(&self, account: Option<&AccountId>) -> Vec<(AccountId, Ticket<R>)> {
        match account {
            Some(a) => vec![(
                a.clone(),
                self.request(a, RunScope::Full, Trigger::OnDemand),
            )],
            None => self
                .accounts()
                .into_iter()
                .map(|a| {
                    let t = self.request(&a, RunScope::Full, Trigger::OnDemand);
                    (a, t)
                })
                .collect(),
        }
    }

    /// Lifts the halt of an account that reconnected.
    pub fn resume(&self, account: &AccountId) {
        if let Some(g) = self.gate(account) {
            g.resume();
        }
    }

    /// The shell tells what is on screen. Becoming visible checks the view at once if the last
    /// run is older than the check interval.
    pub fn set_view(&self, visible: bool, calendars: Vec<(AccountId, CalendarId)>) {
        let became_visible = {
            let mut v = self.inner.view.lock().unwrap();
            let was = v.visible;
            v.visible = visible;
            v.calendars.clear();
            for (a, c) in calendars {
                v.calendars.entry(a).or_default().insert(c);
            }
            visible && !was
        };
        if became_visible {
            self.view_check();
        }
    }

    /// Starts the timers (and the start-up run). Call once, inside a tokio runtime.
    pub fn start(&self) {
        let cfg = self.inner.config.clone();
        if cfg.sync_on_startup {
            self.fire_all(RunScope::Full, Trigger::Startup);
        }
        let mut tasks = self.inner.tasks.lock().unwrap();

        let me = self.clone();
        let mut interval = self.inner.interval.subscribe();
        tasks.push(tokio::spawn(async move {
            let mut last = Instant::now();
            loop {
                let every = *interval.borrow_and_update();
                tokio::select! {
                    _ = tokio::time::sleep_until(last + every) => {
                        last = Instant::now();
                        me.fire_all(RunScope::Full, Trigger::Interval);
                    }
                    changed = interval.changed() => {
                        if changed.is_err() {
                            return;
                        }
                    }
                }
            }
        }));

        let me = self.clone();
        tasks.push(tokio::spawn(async move {
            let mut tick =
                tokio::time::interval_at(Instant::now() + cfg.view_check, cfg.view_check);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                me.view_check();
            }
        }));

        let me = self.clone();
        tasks.push(tokio::spawn(async move {
            let mut last_wall = me.inner.wall.now();
            let mut last_mono = Instant::now();
            loop {
                tokio::time::sleep(cfg.wake_check).await;
                let wall = me.inner.wall.now();
                let mono = Instant::now();
                let wall_elapsed = (wall - last_wall).to_std().unwrap_or(Duration::ZERO);
                let mono_elapsed = mono - last_mono;
                last_wall = wall;
                last_mono = mono;
                if wall_elapsed > mono_elapsed + cfg.wake_threshold {
                    tracing::info!(
                        slept_s = (wall_elapsed - mono_elapsed).as_secs(),
                        "the machine woke up: syncing"
                    );
                    me.fire_all(RunScope::Full, Trigger::Wake);
                }
            }
        }));
    }

    // ---- additions for push and activity triggers (issue 7, used by src/push/) ----

    /// Whether the window is visible, and the calendars on screen per account.
    pub fn view_snapshot(&self) -> (bool, Vec<(AccountId, BTreeSet<CalendarId>)>) {
        let v = self.inner.view.lock().unwrap();
        let mut cals: Vec<_> = v
            .calendars
            .iter()
            .map(|(a, c)| (a.clone(), c.clone()))
            .collect();
        cals.sort();
        (v.visible, cals)
    }

    /// Asks every account that is not halted for a run (the automatic-trigger path).
    pub fn request_all(&self, scope: RunScope, trigger: Trigger) {
        self.fire_all(scope, trigger);
    }

    /// Runs a periodic task owned by the scheduler: [`Scheduler::shutdown`] stops it too.
    pub fn spawn_task<F>(&self, fut: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.inner.tasks.lock().unwrap().push(tokio::spawn(fut));
    }

    /// The wall clock the scheduler compares with monotonic time.
    pub fn wall_clock(&self) -> Arc<dyn Clock> {
        self.inner.wall.clone()
    }

    /// Tells the view check which calendars push already covers (they are not polled).
    pub fn set_push_covered(&self, f: Option<PushCovered>) {
        *self.inner.push_covered.lock().unwrap() = f;
    }

    // ---- end of issue 7 additions ----

    /// Tells the view check which calendars can only be listed in full (they are not polled).
    pub fn set_full_listing_only(&self, f: Option<CalendarFilter>) {
        *self.inner.full_listing_only.lock().unwrap() = f;
    }

    /// Stops the timers. Runs already started finish.
    pub fn shutdown(&self) {
        for t in self.inner.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    /// Automatic triggers skip halted accounts (they need the user).
    fn fire_all(&self, scope: RunScope, trigger: Trigger) {
        let gates: Vec<_> = self.inner.gates.lock().unwrap().values().cloned().collect();
        for g in gates {
            if g.is_halted() {
                continue;
            }
            // The ticket is not awaited: the run reports through progress and status.
            let _ = g.request(scope.clone(), trigger);
        }
    }

    fn view_check(&self) {
        let targets: Vec<(AccountId, BTreeSet<CalendarId>)> = {
            let v = self.inner.view.lock().unwrap();
            if !v.visible {
                return;
            }
            v.calendars
                .iter()
                .filter(|(_, c)| !c.is_empty())
                .map(|(a, c)| (a.clone(), c.clone()))
                .collect()
        };
        // Issue 7: skip calendars a push channel covers; the check stays one cheap list call per
        // calendar that has no other way to learn of changes.
        // Calendars without incremental sync are left to the interval runs as well.
        let skips: Vec<CalendarFilter> = [
            self.inner.push_covered.lock().unwrap().clone(),
            self.inner.full_listing_only.lock().unwrap().clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let targets: Vec<(AccountId, BTreeSet<CalendarId>)> = targets
            .into_iter()
            .map(|(a, cals)| {
                let left: BTreeSet<CalendarId> = cals
                    .into_iter()
                    .filter(|c| !skips.iter().any(|f| f(&a, c)))
                    .collect();
                (a, left)
            })
            .filter(|(_, c)| !c.is_empty())
            .collect();
        let fresh_within = self.inner.config.view_check / 2;
        for (account, calendars) in targets {
            let Some(g) = self.gate(&account) else {
                continue;
            };
            if g.is_halted() || g.blocked_until().is_some() {
                continue;
            }
            // A run that started moments ago (or is queued) already covers the view.
            if g.has_pending() || g.last_start().is_some_and(|s| s.elapsed() < fresh_within) {
                continue;
            }
            let _ = g.request(RunScope::Calendars(calendars), Trigger::ViewCheck);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::TestClock;

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
        g.request(RunScope::Full, Trigger::Startup)
            .wait()
            .await
            .unwrap();
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
        g.request(RunScope::Full, Trigger::Startup)
            .wait()
            .await
            .unwrap();
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
        g.request(RunScope::Full, Trigger::Startup)
            .wait()
            .await
            .unwrap();
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
}
