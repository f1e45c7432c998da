//! Prompt change pickup: Google push notifications and the triggers that stand in for them.
//!
//! - [`receiver`]: the local webhook (axum on 127.0.0.1) that checks each notification against
//!   the known channels and asks for an incremental sync of that calendar.
//! - [`debounce`]: per-calendar pacing of those syncs (one in flight, one queued, 5 s apart).
//! - [`channels`]: opening, renewing and stopping `events.watch` channels, persisted in the
//!   store (`persist`), with the token sealed like event content.
//! - [`triggers`]: without push: focus, network recovery, and the idle back-off of the check.
//!
//! Google only POSTs to a public HTTPS address; a desktop app is reachable only through one that
//! forwards to the receiver (a tunnel the user runs). Without such an address no channel is
//! opened and the scheduler's polling (minute check, interval, wake, focus, network) is all.

pub mod channels;
pub mod debounce;
mod persist;
pub mod receiver;
pub mod registry;
pub mod service;
pub mod triggers;

pub use channels::{ChannelConfig, ChannelManager, MaintenanceReport};
pub use debounce::CalendarDebouncer;
pub use persist::{ChannelToken, StoredChannel};
pub use receiver::{PushReceiver, ReceiverConfig, ReceiverStats};
pub use registry::ChannelRegistry;
pub use service::{PushService, PushSettings};
pub use triggers::{ActivityTriggers, IdleBackoff, ReachabilityProbe};

use crate::model::{AccountId, CalendarId};
use crate::scheduler::{RunResult, RunScope, Scheduler, Trigger};
use futures::future::BoxFuture;

/// Something that can run an incremental sync of one calendar. The future resolves when the sync
/// that covers the request has finished (so the debouncer knows when one is "in flight").
pub trait SyncTrigger: Send + Sync + 'static {
    fn sync_calendar(&self, account: &AccountId, calendar: &CalendarId) -> BoxFuture<'static, ()>;
}

impl<R: RunResult> SyncTrigger for Scheduler<R> {
    fn sync_calendar(&self, account: &AccountId, calendar: &CalendarId) -> BoxFuture<'static, ()> {
        // A notification for an account the scheduler does not know (disconnected) or that needs
        // the user (halted) starts nothing: the request would only fail again.
        let Some(gate) = self.gate(account) else {
            tracing::debug!(%account, "push for an account the scheduler does not know: ignored");
            return Box::pin(async {});
        };
        if gate.is_halted() {
            return Box::pin(async {});
        }
        let ticket = gate.request(RunScope::calendars([calendar.clone()]), Trigger::Push);
        Box::pin(async move {
            let _ = ticket.wait().await;
        })
    }
}
