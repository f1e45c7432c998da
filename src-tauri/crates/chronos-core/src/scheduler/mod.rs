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

mod gate;
mod run;
mod timers;
mod view;

pub use gate::{SyncGate, Ticket};
pub use run::{GateHint, RunRequest, RunResult, RunScope, SyncRunner, Trigger};

use crate::clock::Clock;
use crate::model::{AccountId, CalendarId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use view::View;

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

struct SchedInner<R> {
    config: SchedulerConfig,
    runner: Arc<dyn SyncRunner<R>>,
    wall: Arc<dyn Clock>,
    gates: Mutex<HashMap<AccountId, SyncGate<R>>>,
    view: Mutex<View>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Whether `start` ran (its start-up run is behind us).
    started: std::sync::atomic::AtomicBool,
    /// Calendars a live push channel covers need no minute check.
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
                started: Default::default(),
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

    /// Whether the timers were started (and with them the start-up run, if configured).
    pub fn is_started(&self) -> bool {
        self.inner.started.load(std::sync::atomic::Ordering::SeqCst)
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
}

#[cfg(test)]
mod tests;
