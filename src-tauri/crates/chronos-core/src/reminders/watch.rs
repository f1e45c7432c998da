//! The reminder watch: every 20 s it looks for reminders that are due and hands them to the
//! front end, and it wakes on the second of a reminder known to fall before the next check.
//! What is due comes from a schedule worked out from the events, read again only when they may
//! have changed.

use super::fired::Fired;
use super::{Calendars, Schedule, CHECK_EVERY, GRACE, LOOKAHEAD};
use crate::feed::EngineEvent;
use crate::service::Chronos;
use crate::store::Detail;
use chrono::{DateTime, Duration, Utc};
use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

/// The answer to "which zone?", given later.
pub type ZoneAnswer = Pin<Box<dyn Future<Output = Option<chrono_tz::Tz>> + Send>>;

/// Where reminders go: the front end that shows them.
pub trait ReminderSink: Send + Sync + 'static {
    /// The zone the user reads times in (`None`: the system's).
    fn display_zone(&self) -> ZoneAnswer;
    /// Shows one reminder.
    fn show(&self, title: &str, body: &str);
}

/// How long a scan is trusted when nothing changed: a calendar's default reminders, the
/// system zone of an all-day event's midnight, or a clock that jumped are caught by then.
const RESCAN_EVERY: Duration = Duration::minutes(10);
/// A change in the store is looked at this soon (changes come in bursts during a sync).
const AFTER_CHANGE: std::time::Duration = std::time::Duration::from_secs(1);

/// The reminders of the events from `from` on, as the zone `zone` places them.
struct Scan {
    schedule: Schedule,
    zone: Option<chrono_tz::Tz>,
    from: DateTime<Utc>,
    rescan_at: DateTime<Utc>,
}

impl Scan {
    fn fits(&self, now: DateTime<Utc>, zone: Option<chrono_tz::Tz>) -> bool {
        self.zone == zone && now >= self.from && now < self.rescan_at
    }
}

/// Whether `event` may change which reminders are due.
fn moves_reminders(event: &Result<EngineEvent, RecvError>) -> bool {
    match event {
        Ok(EngineEvent::EventsChanged { .. })
        | Ok(EngineEvent::OutboxChanged { .. })
        | Ok(EngineEvent::AccountRemoved { .. }) => true,
        Ok(_) => false,
        Err(RecvError::Lagged(_)) => true,
        Err(RecvError::Closed) => false,
    }
}

impl Chronos {
    /// Starts the reminder watch (call once, inside a tokio runtime). The log of reminders
    /// shown lives in the data directory. Stops when the engine is dropped.
    ///
    /// Events are read when they may have changed (the engine says so) and every few minutes,
    /// never at each check: in the tray all day, a check costs a look at a short list.
    pub fn watch_reminders(&self, sink: Arc<dyn ReminderSink>) {
        let weak = self.downgrade();
        let dir = self.data_dir().to_path_buf();
        let mut changes = self.feed().subscribe().events;
        tokio::spawn(async move {
            let mut fired = Fired::load(&dir);
            let mut scan: Option<Scan> = None;
            // Every check looks back over the whole grace period, not just since the last
            // check: an event that reaches the store by sync a little after its reminder's
            // moment still gets its reminder. `fired` keeps each one to a single showing, also
            // across restarts, and after a restart only what fell due in the last moments is
            // shown, never a backlog.
            // The first check runs at once: a reminder due as the app starts is not 20 s late.
            let mut next_check = Instant::now();
            loop {
                tokio::select! {
                    _ = tokio::time::sleep_until(next_check) => {}
                    event = changes.recv() => {
                        if matches!(event, Err(RecvError::Closed)) {
                            return;
                        }
                        if moves_reminders(&event) {
                            scan = None;
                            next_check = next_check.min(Instant::now() + AFTER_CHANGE);
                        }
                        continue;
                    }
                }
                let Some(chronos) = weak.upgrade() else {
                    return;
                };
                let wait = chronos
                    .check_reminders(sink.as_ref(), &mut fired, &mut scan)
                    .await;
                next_check = Instant::now() + wait;
            }
        });
    }

    /// Reads the events whose reminders may fall from `now` on: popup reminders come at most
    /// four weeks ahead; the two days back keep all-day events of any zone.
    async fn scan_reminders(
        &self,
        now: DateTime<Utc>,
        zone: Option<chrono_tz::Tz>,
    ) -> Option<Scan> {
        let window_zone = zone.unwrap_or_else(crate::zone::system_zone);
        let from = now - Duration::days(2);
        let plan = self
            .range_plan(
                from,
                now + LOOKAHEAD,
                window_zone,
                None,
                None,
                Detail::Alerts,
            )
            .await
            .ok()?;
        let calendars: Calendars = self
            .calendars(None)
            .await
            .ok()?
            .into_iter()
            .map(|c| ((c.account.clone(), c.entry.id.clone()), c))
            .collect();
        // Occurrences are written out one at a time and only their reminders kept.
        let mut schedule = Schedule::default();
        plan.for_each(|e| {
            schedule.add(e, &calendars);
            ControlFlow::Continue(())
        });
        schedule.sort();
        drop(plan);
        crate::memory::return_freed_later();
        Some(Scan {
            schedule,
            zone,
            from: now - GRACE,
            rescan_at: now + RESCAN_EVERY,
        })
    }

    /// One check: shows what is due; returns how long to wait for the next.
    async fn check_reminders(
        &self,
        sink: &dyn ReminderSink,
        fired: &mut Fired,
        scan: &mut Option<Scan>,
    ) -> std::time::Duration {
        let clock = self.clock();
        let now = clock.now();
        let zone = sink.display_zone().await;
        if !scan.as_ref().is_some_and(|s| s.fits(now, zone)) {
            *scan = self.scan_reminders(now, zone).await;
        }
        let Some(scan) = scan.as_ref() else {
            return CHECK_EVERY;
        };
        let list = scan.schedule.due(now - GRACE, now, &fired.keys);
        for d in &list {
            sink.show(&d.title, &super::body(d, now, zone));
            fired.keys.insert(d.key.clone(), d.starts);
        }
        if !list.is_empty() {
            tracing::info!(count = list.len(), "reminders shown");
            fired.save(now);
        }
        // A reminder known now whose moment comes before the next regular check is shown on
        // its second, not up to 20 s late.
        match scan.schedule.next_before_check(now, &fired.keys) {
            Some(at) => (at - clock.now()).to_std().unwrap_or_default(),
            None => CHECK_EVERY,
        }
    }
}
