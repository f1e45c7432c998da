//! The reminder watch: every 20 s it looks for reminders that are due and hands them to the
//! front end, and it wakes on the second of a reminder known to fall before the next check.

use super::fired::Fired;
use super::{due, next_moment, Calendars, CHECK_EVERY, GRACE, LOOKAHEAD};
use crate::service::Chronos;
use chrono::Duration;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The answer to "which zone?", given later.
pub type ZoneAnswer = Pin<Box<dyn Future<Output = Option<chrono_tz::Tz>> + Send>>;

/// Where reminders go: the front end that shows them.
pub trait ReminderSink: Send + Sync + 'static {
    /// The zone the user reads times in (`None`: the system's).
    fn display_zone(&self) -> ZoneAnswer;
    /// Shows one reminder.
    fn show(&self, title: &str, body: &str);
}

impl Chronos {
    /// Starts the reminder watch (call once, inside a tokio runtime). The log of reminders
    /// shown lives in the data directory. Stops when the engine is dropped.
    pub fn watch_reminders(&self, sink: Arc<dyn ReminderSink>) {
        let weak = self.downgrade();
        let dir = self.data_dir().to_path_buf();
        tokio::spawn(async move {
            let mut fired = Fired::load(&dir);
            // Every check looks back over the whole grace period, not just since the last
            // check: an event that reaches the store by sync a little after its reminder's
            // moment still gets its reminder. `fired` keeps each one to a single showing, also
            // across restarts, and after a restart only what fell due in the last moments is
            // shown, never a backlog.
            // The first check runs at once: a reminder due as the app starts is not 20 s late.
            let mut wait = std::time::Duration::ZERO;
            loop {
                tokio::time::sleep(wait).await;
                let Some(chronos) = weak.upgrade() else {
                    return;
                };
                wait = chronos.check_reminders(sink.as_ref(), &mut fired).await;
            }
        });
    }

    /// One check: shows what is due; returns how long to wait for the next.
    async fn check_reminders(
        &self,
        sink: &dyn ReminderSink,
        fired: &mut Fired,
    ) -> std::time::Duration {
        let clock = self.clock();
        let now = clock.now();
        let zone = sink.display_zone().await;
        let window_zone = zone.unwrap_or_else(crate::zone::system_zone);
        let range = self.events_in_range(
            now - Duration::days(2),
            now + LOOKAHEAD,
            window_zone,
            None,
            None,
        );
        let (Ok(events), Ok(calendars)) = (range.await, self.calendars(None).await) else {
            return CHECK_EVERY;
        };
        let events = events.events;
        let calendars: Calendars = calendars
            .into_iter()
            .map(|c| ((c.account.clone(), c.entry.id.clone()), c))
            .collect();
        let list = due(&events, &calendars, now - GRACE, now, &fired.keys);
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
        match next_moment(&events, &calendars, now, &fired.keys) {
            Some(at) => (at - clock.now())
                .to_std()
                .unwrap_or_default()
                .min(CHECK_EVERY),
            None => CHECK_EVERY,
        }
    }
}
