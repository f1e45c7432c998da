//! What a sync run is: why it was asked for, what it covers, and what its result tells the gate.

use crate::model::{AccountId, CalendarId};
use futures::future::BoxFuture;
use std::collections::BTreeSet;
use std::time::Duration;

/// Why a run was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trigger {
    Startup,
    Interval,
    OnDemand,
    Wake,
    /// The light check of the calendars on screen while the window is visible.
    ViewCheck,
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
