//! Prompt pickup without push: focus, network recovery, and the check while idle in the tray.
//! (Wake-up after sleep is the scheduler's own wall-clock check; the minute check of what is on
//! screen while the window is visible is the scheduler's view check.)
//!
//! Idle rule: while the window is hidden, the calendars that are not covered by a live push
//! channel are checked (one incremental `events.list` each, usually empty) every minute; after
//! each 30 minutes without user activity the interval doubles — 1, 2, 4, 8 minutes — and it
//! never grows beyond 10 minutes. Any activity (focus, a command) resets it to a minute.

use crate::model::{AccountId, CalendarId};
use crate::scheduler::{RunResult, RunScope, Scheduler, SyncGate, Trigger};
use futures::future::BoxFuture;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// The idle back-off of the tray check (see the module comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleBackoff {
    pub base: Duration,
    /// The interval doubles after each `step` of idleness.
    pub step: Duration,
    /// It never exceeds this (10 minutes).
    pub cap: Duration,
}

impl Default for IdleBackoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(60),
            step: Duration::from_secs(1800),
            cap: Duration::from_secs(600),
        }
    }
}

impl IdleBackoff {
    /// The check interval after `idle_for` without user activity.
    pub fn period(&self, idle_for: Duration) -> Duration {
        let steps = if self.step.is_zero() {
            0
        } else {
            (idle_for.as_nanos() / self.step.as_nanos()).min(31) as u32
        };
        self.base.saturating_mul(1u32 << steps).min(self.cap)
    }
}

/// Settings of the activity triggers.
#[derive(Clone, Debug)]
pub struct ActivityConfig {
    /// Focus syncs only when the account's last run started longer ago than this (1 min).
    pub focus_min_age: Duration,
    pub idle: IdleBackoff,
}

impl Default for ActivityConfig {
    fn default() -> Self {
        Self {
            focus_min_age: Duration::from_secs(60),
            idle: IdleBackoff::default(),
        }
    }
}

/// Which calendars of an account the tray check covers (in the app: the selected calendars not
/// covered by a push channel).
pub type CalendarSource = Arc<dyn Fn(&AccountId) -> BTreeSet<CalendarId> + Send + Sync>;

struct State {
    last_activity: Instant,
    online: Option<bool>,
}

/// Focus, network and idle triggers on top of the [`Scheduler`].
pub struct ActivityTriggers<R> {
    scheduler: Scheduler<R>,
    config: ActivityConfig,
    calendars: CalendarSource,
    state: Mutex<State>,
}

impl<R: RunResult> ActivityTriggers<R> {
    pub fn new(
        scheduler: Scheduler<R>,
        config: ActivityConfig,
        calendars: CalendarSource,
    ) -> Arc<Self> {
        Arc::new(Self {
            scheduler,
            config,
            calendars,
            state: Mutex::new(State {
                last_activity: Instant::now(),
                online: None,
            }),
        })
    }

    /// The user did something (a command, a click): the idle back-off starts over.
    pub fn user_activity(&self) {
        self.state.lock().unwrap().last_activity = Instant::now();
    }

    pub fn idle_for(&self) -> Duration {
        self.state.lock().unwrap().last_activity.elapsed()
    }

    /// The tray check's current interval.
    pub fn idle_period(&self) -> Duration {
        self.config.idle.period(self.idle_for())
    }

    /// Each account with the gate a trigger would ask: one that is not halted, not blocked and
    /// has no run waiting already (a trigger adds nothing to those).
    fn free_gates(&self) -> impl Iterator<Item = (AccountId, SyncGate<R>)> + '_ {
        self.scheduler.accounts().into_iter().filter_map(|account| {
            let g = self.scheduler.gate(&account)?;
            let busy = g.is_halted() || g.blocked_until().is_some() || g.has_pending();
            (!busy).then_some((account, g))
        })
    }

    /// The window gained focus: accounts whose last run started over a minute ago (or never)
    /// sync. Returns the accounts asked.
    pub fn window_focused(&self) -> Vec<AccountId> {
        self.user_activity();
        let mut asked = Vec::new();
        for (account, g) in self.free_gates() {
            if g.last_start()
                .is_some_and(|s| s.elapsed() < self.config.focus_min_age)
            {
                continue;
            }
            let _ = g.request(RunScope::Full, Trigger::Focus);
            asked.push(account);
        }
        asked
    }

    /// The shell's (or the probe's) view of connectivity. Going from offline to online syncs
    /// every account; other changes only record the state. Returns whether a sync was asked.
    pub fn network_changed(&self, online: bool) -> bool {
        let was = self.state.lock().unwrap().online.replace(online);
        if online && was == Some(false) {
            tracing::info!("the network is back: syncing");
            self.scheduler.request_all(RunScope::Full, Trigger::Network);
            true
        } else {
            false
        }
    }

    /// One tray check: while the window is hidden, an incremental check of the calendars the
    /// source names. Returns the accounts asked.
    pub fn idle_check(&self) -> Vec<AccountId> {
        let (visible, _) = self.scheduler.view_snapshot();
        if visible {
            return Vec::new();
        }
        let mut asked = Vec::new();
        for (account, g) in self.free_gates() {
            let cals = (self.calendars)(&account);
            if cals.is_empty() {
                continue;
            }
            let _ = g.request(RunScope::Calendars(cals), Trigger::IdleCheck);
            asked.push(account);
        }
        asked
    }

    /// Starts the tray check loop as a scheduler task.
    pub fn start(self: &Arc<Self>) {
        let me = self.clone();
        self.scheduler.spawn_task(async move {
            let mut last_check = Instant::now();
            loop {
                // Re-read the period often enough that activity shortens a long wait at once.
                let due = last_check + me.idle_period();
                let now = Instant::now();
                if now < due {
                    tokio::time::sleep((due - now).min(me.config.idle.base)).await;
                    continue;
                }
                last_check = now;
                me.idle_check();
            }
        });
    }
}

/// A cheap connectivity signal: a TCP connect (no request, no quota) every `every`, feeding
/// [`ActivityTriggers::network_changed`], for shells that have no OS network events.
pub struct ReachabilityProbe {
    check: Arc<dyn Fn() -> BoxFuture<'static, bool> + Send + Sync>,
}

impl ReachabilityProbe {
    /// Reachable when a TCP connection to `host:port` opens within `timeout`.
    pub fn tcp(host: impl Into<String>, port: u16, timeout: Duration) -> Self {
        let host = host.into();
        Self::custom(Arc::new(move || {
            let addr = format!("{host}:{port}");
            Box::pin(async move {
                matches!(
                    tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await,
                    Ok(Ok(_))
                )
            })
        }))
    }

    pub fn custom(check: Arc<dyn Fn() -> BoxFuture<'static, bool> + Send + Sync>) -> Self {
        Self { check }
    }

    pub async fn check(&self) -> bool {
        (self.check)().await
    }

    /// Probes every `every` as a scheduler task.
    pub fn run<R: RunResult>(self, triggers: &Arc<ActivityTriggers<R>>, every: Duration) {
        let t = triggers.clone();
        triggers.scheduler.spawn_task(async move {
            loop {
                let ok = self.check().await;
                t.network_changed(ok);
                tokio::time::sleep(every).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_backoff_doubles_every_half_hour_and_caps_at_ten_minutes() {
        let b = IdleBackoff::default();
        let m = |x: u64| Duration::from_secs(60 * x);
        let got: Vec<u64> = [0, 29, 30, 59, 60, 90, 119, 120, 600, 100_000]
            .iter()
            .map(|idle| b.period(m(*idle)).as_secs() / 60)
            .collect();
        assert_eq!(got, vec![1, 1, 2, 2, 4, 8, 8, 10, 10, 10]);
    }
}
