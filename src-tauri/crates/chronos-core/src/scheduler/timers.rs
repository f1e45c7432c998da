//! The scheduler's own timers: the start-up run, interval runs, the view check tick, and waking
//! from sleep (the wall clock jumps while the monotonic one does not).

use super::run::{RunResult, RunScope, Trigger};
use super::Scheduler;
use std::time::Duration;
use tokio::time::Instant;

impl<R: RunResult> Scheduler<R> {
    /// Starts the timers (and the start-up run). Call once, inside a tokio runtime.
    pub fn start(&self) {
        let cfg = self.inner.config.clone();
        self.inner
            .started
            .store(true, std::sync::atomic::Ordering::SeqCst);
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
}
