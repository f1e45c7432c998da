//! Per-calendar pacing of push-triggered syncs: Google may send several `exists` for one burst
//! of edits, and each would otherwise cost an `events.list`.
//!
//! Per (account, calendar): the first notification starts a sync at once (leading edge, for the
//! lowest latency); notifications while that sync is in flight queue exactly one follow-up (a
//! change that lands mid-sync is not missed), further ones join it; and no two syncs start less
//! than `window` apart (5 s by default). The account's [`crate::scheduler::SyncGate`] adds its
//! own per-account pacing on top.

use super::SyncTrigger;
use crate::model::{AccountId, CalendarId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

type Key = (AccountId, CalendarId);

#[derive(Default)]
struct Slot {
    pending: bool,
    driver_active: bool,
    last_start: Option<Instant>,
    started: u64,
}

struct Inner {
    trigger: Arc<dyn SyncTrigger>,
    window: Duration,
    slots: Mutex<HashMap<Key, Slot>>,
}

#[derive(Clone)]
pub struct CalendarDebouncer {
    inner: Arc<Inner>,
}

impl CalendarDebouncer {
    pub fn new(trigger: Arc<dyn SyncTrigger>, window: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                trigger,
                window,
                slots: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn window(&self) -> Duration {
        self.inner.window
    }

    /// A calendar changed: make sure a sync starting now or later covers it.
    pub fn notify(&self, account: &AccountId, calendar: &CalendarId) {
        let key = (account.clone(), calendar.clone());
        let mut slots = self.inner.slots.lock().unwrap();
        let slot = slots.entry(key.clone()).or_default();
        slot.pending = true;
        if !slot.driver_active {
            slot.driver_active = true;
            let me = self.clone();
            tokio::spawn(async move { me.drive(key).await });
        }
    }

    /// Syncs started so far for one calendar.
    pub fn started(&self, account: &AccountId, calendar: &CalendarId) -> u64 {
        let slots = self.inner.slots.lock().unwrap();
        slots
            .get(&(account.clone(), calendar.clone()))
            .map_or(0, |s| s.started)
    }

    async fn drive(self, key: Key) {
        loop {
            let wait_until = {
                let mut slots = self.inner.slots.lock().unwrap();
                let slot = slots
                    .get_mut(&key)
                    .expect("a driven slot stays until its driver ends");
                if !slot.pending {
                    slot.driver_active = false;
                    return;
                }
                let start_at = slot.last_start.map(|s| s + self.inner.window);
                match start_at {
                    Some(t) if Instant::now() < t => Some(t),
                    _ => {
                        slot.pending = false;
                        slot.last_start = Some(Instant::now());
                        slot.started += 1;
                        None
                    }
                }
            };
            match wait_until {
                Some(t) => tokio::time::sleep_until(t).await,
                // In flight: notifications meanwhile set `pending` again, queuing one follow-up.
                None => self.inner.trigger.sync_calendar(&key.0, &key.1).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::BoxFuture;

    struct Rec {
        t0: Instant,
        run: Duration,
        starts: Mutex<Vec<(String, u64)>>,
    }

    impl SyncTrigger for Rec {
        fn sync_calendar(&self, _a: &AccountId, c: &CalendarId) -> BoxFuture<'static, ()> {
            self.starts
                .lock()
                .unwrap()
                .push((c.to_string(), self.t0.elapsed().as_millis() as u64));
            let run = self.run;
            Box::pin(tokio::time::sleep(run))
        }
    }

    fn setup(run: Duration) -> (Arc<Rec>, CalendarDebouncer) {
        let rec = Arc::new(Rec {
            t0: Instant::now(),
            run,
            starts: Mutex::new(vec![]),
        });
        let d = CalendarDebouncer::new(rec.clone(), Duration::from_secs(5));
        (rec, d)
    }

    fn ids() -> (AccountId, CalendarId, CalendarId) {
        (
            AccountId::new("a@x"),
            CalendarId::new("c1"),
            CalendarId::new("c2"),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn first_notification_runs_at_once_and_a_burst_coalesces() {
        let (rec, d) = setup(Duration::from_millis(500));
        let (a, c1, _) = ids();
        d.notify(&a, &c1);
        tokio::time::sleep(Duration::from_millis(10)).await;
        // A burst of ten during and after the first sync: one follow-up, at the 5 s mark.
        for _ in 0..10 {
            d.notify(&a, &c1);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
        let starts: Vec<u64> = rec.starts.lock().unwrap().iter().map(|s| s.1).collect();
        assert_eq!(starts, vec![0, 5000]);
        assert_eq!(d.started(&a, &c1), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn one_in_flight_one_queued_when_a_sync_is_slow() {
        let (rec, d) = setup(Duration::from_secs(12));
        let (a, c1, _) = ids();
        d.notify(&a, &c1);
        tokio::time::sleep(Duration::from_secs(1)).await;
        d.notify(&a, &c1);
        d.notify(&a, &c1);
        tokio::time::sleep(Duration::from_secs(60)).await;
        let starts: Vec<u64> = rec.starts.lock().unwrap().iter().map(|s| s.1).collect();
        // The follow-up waits for the 12 s sync to end, not only for the 5 s window.
        assert_eq!(starts, vec![0, 12000]);
    }

    #[tokio::test(start_paused = true)]
    async fn calendars_are_paced_independently() {
        let (rec, d) = setup(Duration::from_millis(100));
        let (a, c1, c2) = ids();
        d.notify(&a, &c1);
        d.notify(&a, &c2);
        tokio::time::sleep(Duration::from_secs(1)).await;
        d.notify(&a, &c1);
        tokio::time::sleep(Duration::from_secs(10)).await;
        let mut starts = rec.starts.lock().unwrap().clone();
        starts.sort();
        assert_eq!(
            starts,
            vec![("c1".into(), 0), ("c1".into(), 5000), ("c2".into(), 0)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_notification_runs_at_once() {
        let (rec, d) = setup(Duration::from_millis(100));
        let (a, c1, _) = ids();
        d.notify(&a, &c1);
        tokio::time::sleep(Duration::from_secs(7)).await;
        d.notify(&a, &c1);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let starts: Vec<u64> = rec.starts.lock().unwrap().iter().map(|s| s.1).collect();
        assert_eq!(starts, vec![0, 7000]);
    }
}
