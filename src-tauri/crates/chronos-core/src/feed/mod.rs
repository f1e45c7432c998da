//! The engine's read model of itself: one fold of everything front ends show about accounts
//! (status, the running sync, pending changes, conflicts) and one ordered stream of what changed.
//!
//! Every input — a run's throttled progress, a status set from outside a run, fresh outbox
//! counts, "events changed" and "outbox changed" notices — is folded and published under one
//! lock, so subscribers see a status and the progress that caused it in the order they happened,
//! and a subscription's snapshot is exactly the state before its first event. The app, the tray
//! and the CLI all read this; none of them folds engine streams again.

mod gap;
pub mod run;

use crate::model::{AccountId, CalendarId};
use crate::sync::progress::{FailureInfo, SyncOutcome, SyncProgress, SyncTotals};
use crate::sync::status::{AccountStatus, StatusBoard};
use chrono::{DateTime, Utc};
use gap::{Held, Scope};
pub use run::{CalendarChanges, CalendarRun, CalendarRunState, RunSnapshot};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// While a first sync fills the store, "events changed" goes out at most this often per account
/// (a calendar finishing always says so).
const RUN_CHANGE_GAP: Duration = Duration::from_secs(1);

/// Everything a front end shows about one account.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub account: AccountId,
    pub status: AccountStatus,
    /// Local changes not yet on Google (every outbox entry of the account, whatever its state).
    pub pending_changes: usize,
    /// Conflicts waiting for the user.
    pub conflicts: usize,
    /// The running sync, calendar by calendar (`None` between runs).
    pub run: Option<RunSnapshot>,
}

/// How a run ended, with its last snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunFinished {
    pub account: AccountId,
    pub outcome: SyncOutcome,
    pub totals: SyncTotals,
    pub duration_ms: u64,
    pub finished_at: DateTime<Utc>,
    /// What stopped or spoiled the run beyond single calendars.
    pub error: Option<FailureInfo>,
    pub run: RunSnapshot,
}

/// One event of the engine's stream.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum EngineEvent {
    /// Something about the account changed: its whole view, as it is now.
    Account(AccountView),
    /// The account was disconnected.
    AccountRemoved { account: AccountId },
    /// A run ended. The account's settled view follows.
    RunFinished(RunFinished),
    /// Local events of the account changed; `calendars` empty: any calendar of the account.
    EventsChanged {
        account: AccountId,
        calendars: Vec<CalendarId>,
    },
    /// The account's pending changes or conflicts changed (an edit, a push, a retry, a
    /// resolution, a run): re-read the list.
    OutboxChanged {
        account: AccountId,
        pending_changes: usize,
        conflicts: usize,
    },
    /// A run removed many events of one calendar (they are in the trash).
    MassDeletion {
        account: AccountId,
        calendar: CalendarId,
        calendar_name: String,
        count: usize,
    },
}

/// A subscription: the accounts as they were, then every event after that, in order.
pub struct Subscription {
    pub accounts: Vec<AccountView>,
    pub events: broadcast::Receiver<EngineEvent>,
}

#[derive(Default)]
struct Slot {
    pending: usize,
    conflicts: usize,
    run: Option<RunSnapshot>,
    last_run_change: Option<Instant>,
    events: Held,
    outbox: Held,
    /// A timer will send what `events` and `outbox` hold back.
    flush_scheduled: bool,
}

#[derive(Default)]
struct State {
    board: StatusBoard,
    slots: BTreeMap<AccountId, Slot>,
}

impl State {
    fn view(&self, account: &AccountId) -> AccountView {
        let slot = self.slots.get(account);
        AccountView {
            account: account.clone(),
            status: self.board.get(account),
            pending_changes: slot.map_or(0, |s| s.pending),
            conflicts: slot.map_or(0, |s| s.conflicts),
            run: slot.and_then(|s| s.run.clone()),
        }
    }
}

struct Shared {
    state: Mutex<State>,
    tx: broadcast::Sender<EngineEvent>,
    runtime: tokio::runtime::Handle,
}

/// The feed. Cheap to clone.
#[derive(Clone)]
pub struct Feed {
    shared: Arc<Shared>,
}

impl Default for Feed {
    fn default() -> Self {
        Self::new()
    }
}

impl Feed {
    /// Needs a tokio runtime: notices held for their gap are sent from a timer on it.
    pub fn new() -> Feed {
        let (tx, _) = broadcast::channel(4096);
        Feed {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                tx,
                runtime: tokio::runtime::Handle::current(),
            }),
        }
    }

    pub fn subscribe(&self) -> Subscription {
        let state = self.lock();
        Subscription {
            accounts: state.slots.keys().map(|a| state.view(a)).collect(),
            events: self.shared.tx.subscribe(),
        }
    }

    /// Every known account's view, ordered by account.
    pub fn accounts(&self) -> Vec<AccountView> {
        let state = self.lock();
        state.slots.keys().map(|a| state.view(a)).collect()
    }

    pub fn status(&self, account: &AccountId) -> AccountStatus {
        self.lock().board.get(account)
    }

    pub fn pending(&self, account: &AccountId) -> usize {
        self.lock().slots.get(account).map_or(0, |s| s.pending)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends while the state is locked: the stream's order is the fold's order.
    fn send(&self, _state: &MutexGuard<'_, State>, event: EngineEvent) {
        let _ = self.shared.tx.send(event);
    }

    fn send_view(&self, state: &MutexGuard<'_, State>, account: &AccountId) {
        self.send(state, EngineEvent::Account(state.view(account)));
    }

    // ---- inputs, from the engine ----

    /// An account known at start-up or just connected.
    pub(crate) fn seed(
        &self,
        account: &AccountId,
        last_sync: Option<DateTime<Utc>>,
        needs_reauth: bool,
        (pending, conflicts): (usize, usize),
    ) {
        let mut state = self.lock();
        state.board.seed(account, last_sync, needs_reauth);
        let slot = state.slots.entry(account.clone()).or_default();
        (slot.pending, slot.conflicts) = (pending, conflicts);
        self.send_view(&state, account);
    }

    /// An account just connected, or reconnected (which leaves "needs re-auth").
    pub(crate) fn connected(&self, account: &AccountId) {
        let mut state = self.lock();
        let new = !state.slots.contains_key(account);
        state.slots.entry(account.clone()).or_default();
        let cleared = state.board.get(account) == AccountStatus::NeedsReauth
            && state.board.set(account, AccountStatus::Idle);
        if new || cleared {
            self.send_view(&state, account);
        }
    }

    /// Fresh counts from the store.
    pub(crate) fn set_counts(&self, account: &AccountId, pending: usize, conflicts: usize) {
        let mut state = self.lock();
        let slot = state.slots.entry(account.clone()).or_default();
        if (slot.pending, slot.conflicts) != (pending, conflicts) {
            slot.pending = pending;
            slot.conflicts = conflicts;
            self.send_view(&state, account);
        }
    }

    pub(crate) fn remove(&self, account: &AccountId) {
        let mut state = self.lock();
        state.board.remove(account);
        state.slots.remove(account);
        self.send(
            &state,
            EngineEvent::AccountRemoved {
                account: account.clone(),
            },
        );
    }

    /// One event of a run, after the progress throttle.
    pub(crate) fn progress(&self, event: SyncProgress) {
        let account = event.account().clone();
        let mut state = self.lock();
        state.board.apply(&event);
        let now = Instant::now();
        let slot = state.slots.entry(account.clone()).or_default();
        if let SyncProgress::SyncFinished {
            totals,
            duration_ms,
            outcome,
            finished_at,
            error,
            ..
        } = event
        {
            let finished = RunFinished {
                account: account.clone(),
                outcome,
                totals,
                duration_ms,
                finished_at,
                error,
                run: slot.run.take().unwrap_or_default(),
            };
            slot.last_run_change = None;
            self.send(&state, EngineEvent::RunFinished(finished));
            self.send_view(&state, &account);
            self.offer_events(&mut state, &account, Scope::Any, now);
            return;
        }
        slot.run
            .get_or_insert_with(RunSnapshot::default)
            .apply(&event);
        // Pages are committed as they arrive: views fill in while a first sync runs.
        let changed = match &event {
            SyncProgress::CalendarDone { calendar, .. } => Some(calendar.clone()),
            SyncProgress::CalendarProgress { calendar, .. }
                if slot
                    .last_run_change
                    .is_none_or(|t| now.duration_since(t) >= RUN_CHANGE_GAP) =>
            {
                slot.last_run_change = Some(now);
                Some(calendar.clone())
            }
            _ => None,
        };
        self.send_view(&state, &account);
        if let Some(calendar) = changed {
            self.offer_events(&mut state, &account, Scope::of(vec![calendar]), now);
        }
    }

    /// A run's removals in one calendar were a mass deletion.
    pub(crate) fn mass_deletion(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        calendar_name: String,
        count: usize,
    ) {
        let state = self.lock();
        self.send(
            &state,
            EngineEvent::MassDeletion {
                account: account.clone(),
                calendar: calendar.clone(),
                calendar_name,
                count,
            },
        );
    }

    /// Local events of the account changed (`calendars` empty: any).
    pub(crate) fn events_changed(&self, account: &AccountId, calendars: Vec<CalendarId>) {
        let mut state = self.lock();
        self.offer_events(&mut state, account, Scope::of(calendars), Instant::now());
    }

    /// The account's outbox changed; the notice carries the counts as they are when it goes out.
    pub(crate) fn outbox_changed(&self, account: &AccountId) {
        let mut state = self.lock();
        let now = Instant::now();
        let slot = state.slots.entry(account.clone()).or_default();
        if slot.outbox.offer(Scope::Any, now) {
            slot.outbox.take(now);
            self.send_outbox(&state, account);
        } else {
            self.schedule_flush(&mut state, account);
        }
    }

    fn offer_events(
        &self,
        state: &mut MutexGuard<'_, State>,
        account: &AccountId,
        scope: Scope,
        now: Instant,
    ) {
        let slot = state.slots.entry(account.clone()).or_default();
        if slot.events.offer(scope, now) {
            if let Some(scope) = slot.events.take(now) {
                self.send_events(state, account, scope);
            }
        } else {
            self.schedule_flush(state, account);
        }
    }

    fn send_events(&self, state: &MutexGuard<'_, State>, account: &AccountId, scope: Scope) {
        let event = EngineEvent::EventsChanged {
            account: account.clone(),
            calendars: scope.into_calendars(),
        };
        self.send(state, event);
    }

    fn send_outbox(&self, state: &MutexGuard<'_, State>, account: &AccountId) {
        let slot = state.slots.get(account);
        let event = EngineEvent::OutboxChanged {
            account: account.clone(),
            pending_changes: slot.map_or(0, |s| s.pending),
            conflicts: slot.map_or(0, |s| s.conflicts),
        };
        self.send(state, event);
    }

    /// Sends what the account holds back once its gap ends (one timer per account at a time).
    fn schedule_flush(&self, state: &mut MutexGuard<'_, State>, account: &AccountId) {
        let Some(slot) = state.slots.get_mut(account) else {
            return;
        };
        let Some(at) = [slot.events.ready_at(), slot.outbox.ready_at()]
            .into_iter()
            .flatten()
            .min()
        else {
            return;
        };
        if slot.flush_scheduled {
            return;
        }
        slot.flush_scheduled = true;
        let weak: Weak<Shared> = Arc::downgrade(&self.shared);
        let account = account.clone();
        self.shared.runtime.spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            if let Some(shared) = weak.upgrade() {
                Feed { shared }.flush(&account);
            }
        });
    }

    fn flush(&self, account: &AccountId) {
        let mut state = self.lock();
        let now = Instant::now();
        let Some(slot) = state.slots.get_mut(account) else {
            return;
        };
        slot.flush_scheduled = false;
        let due = |h: &Held| h.ready_at().is_some_and(|t| t <= now);
        let events = due(&slot.events).then(|| slot.events.take(now)).flatten();
        let outbox = due(&slot.outbox).then(|| slot.outbox.take(now)).flatten();
        if let Some(scope) = events {
            self.send_events(&state, account, scope);
        }
        if outbox.is_some() {
            self.send_outbox(&state, account);
        }
        self.schedule_flush(&mut state, account);
    }
}

#[cfg(test)]
mod tests;
