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
//!
//! # Wiring (see [`service::PushService`])
//! Settings: `public_address` (an `https://` URL forwarding to the receiver; `None` = polling
//! only), the receiver's port on 127.0.0.1 (default 8737) and path (`/google/push`). At start-up,
//! after the scheduler has started, `PushService::start(settings, store, &scheduler, clock)`;
//! then `add_account(account, client)` per connected account. Calendar (de)selection →
//! `channels().maintain_account(account)`; disconnect → `channels().remove_account(account)`
//! *before* the grant is revoked and the account row deleted (stopping needs a valid token; the
//! rows cascade with the account); settings change → `set_public_address(..)`; window focus →
//! `triggers().window_focused()`; user commands → `triggers().user_activity()`; OS network
//! events, if any → `triggers().network_changed(online)` (otherwise the TCP probe runs).
//!
//! # Time rules
//! - Push: leading-edge sync per calendar, then at most one more per 5 s window, one in flight
//!   and one queued; channels renewed when less than min(1 h, lifetime / 10) remains.
//! - Without push: the minute check of calendars on screen (skipping push-covered ones) while
//!   visible; in the tray, the same check every 1, 2, 4, 8 minutes as idleness passes 30, 60,
//!   90 minutes, capped at 10; focus syncs when the last run began over a minute ago; wake and
//!   network recovery sync at once.

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
