//! The per-account sync gate: paces the runs of one account and hands every request a ticket.

use super::run::{GateHint, RunRequest, RunResult, RunScope, SyncRunner, Trigger};
use crate::error::{Error, Result};
use crate::model::AccountId;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// The promise of a run covering a request.
pub struct Ticket<R> {
    rx: watch::Receiver<Option<R>>,
    not_before: Instant,
}

impl<R: Clone> Ticket<R> {
    /// The earliest moment the covering run can start (later than now when the 5 s window or a
    /// quota wait holds it back).
    pub fn not_before(&self) -> Instant {
        self.not_before
    }

    /// Waits for the covering run to finish and returns its result.
    pub async fn wait(mut self) -> Result<R> {
        loop {
            if let Some(r) = self.rx.borrow_and_update().clone() {
                return Ok(r);
            }
            if self.rx.changed().await.is_err() {
                // The run ended without a result: its task panicked or the gate shut down.
                return match self.rx.borrow().clone() {
                    Some(r) => Ok(r),
                    None => Err(Error::Internal(
                        "the sync run ended without a result".into(),
                    )),
                };
            }
        }
    }
}

struct Pending<R> {
    request: RunRequest,
    tx: watch::Sender<Option<R>>,
}

struct GateState<R> {
    running: bool,
    last_start: Option<Instant>,
    pending: Option<Pending<R>>,
    blocked_until: Option<Instant>,
    halted: bool,
    driver_active: bool,
    runs_started: u64,
}

struct GateInner<R> {
    account: AccountId,
    min_gap: Duration,
    runner: Arc<dyn SyncRunner<R>>,
    state: Mutex<GateState<R>>,
}

/// The per-account sync gate (see the module comment for its rules).
pub struct SyncGate<R> {
    inner: Arc<GateInner<R>>,
}

impl<R> Clone for SyncGate<R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<R: RunResult> SyncGate<R> {
    pub fn new(account: AccountId, min_gap: Duration, runner: Arc<dyn SyncRunner<R>>) -> Self {
        Self {
            inner: Arc::new(GateInner {
                account,
                min_gap,
                runner,
                state: Mutex::new(GateState {
                    running: false,
                    last_start: None,
                    pending: None,
                    blocked_until: None,
                    halted: false,
                    driver_active: false,
                    runs_started: 0,
                }),
            }),
        }
    }

    pub fn account(&self) -> &AccountId {
        &self.inner.account
    }

    /// Asks for a run covering `scope`. Joins the queued run if there is one; otherwise queues
    /// one, which starts as soon as the running run (if any) has ended and the pacing allows.
    pub fn request(&self, scope: RunScope, trigger: Trigger) -> Ticket<R> {
        let mut st = self.inner.state.lock().unwrap();
        let rx = match &mut st.pending {
            Some(p) => {
                let merged = std::mem::replace(&mut p.request.scope, RunScope::Full).merge(scope);
                p.request.scope = merged;
                if !p.request.triggers.contains(&trigger) {
                    p.request.triggers.push(trigger);
                }
                p.tx.subscribe()
            }
            None => {
                let (tx, rx) = watch::channel(None);
                st.pending = Some(Pending {
                    request: RunRequest {
                        scope,
                        triggers: vec![trigger],
                    },
                    tx,
                });
                rx
            }
        };
        let not_before = earliest_start(&st, self.inner.min_gap).max(Instant::now());
        if !st.driver_active {
            st.driver_active = true;
            let gate = self.clone();
            tokio::spawn(async move { gate.drive().await });
        }
        Ticket { rx, not_before }
    }

    /// Runs queued runs one after another until none is left.
    async fn drive(self) {
        loop {
            enum Next<R> {
                Stop,
                WaitUntil(Instant),
                Run(RunRequest, watch::Sender<Option<R>>),
            }
            let next = {
                let mut st = self.inner.state.lock().unwrap();
                if st.pending.is_none() {
                    st.driver_active = false;
                    Next::Stop
                } else {
                    let start_at = earliest_start(&st, self.inner.min_gap);
                    if Instant::now() < start_at {
                        Next::WaitUntil(start_at)
                    } else {
                        let p = st.pending.take().expect("checked above");
                        st.running = true;
                        st.last_start = Some(Instant::now());
                        st.runs_started += 1;
                        Next::Run(p.request, p.tx)
                    }
                }
            };
            let (request, tx) = match next {
                Next::Stop => return,
                Next::WaitUntil(t) => {
                    // Then look again: a quota wait may have been set or lifted meanwhile.
                    tokio::time::sleep_until(t).await;
                    continue;
                }
                Next::Run(r, tx) => (r, tx),
            };
            tracing::debug!(account = %self.inner.account, scope = ?request.scope, triggers = ?request.triggers, "sync run starts");
            // The run goes on its own task so a panic in it cannot wedge the gate.
            let fut = self.inner.runner.run(self.inner.account.clone(), request);
            let result = tokio::spawn(fut).await;
            {
                let mut st = self.inner.state.lock().unwrap();
                st.running = false;
                if let Ok(r) = &result {
                    match r.gate_hint() {
                        GateHint::Continue => {
                            st.blocked_until = None;
                        }
                        GateHint::Wait(d) => st.blocked_until = Some(Instant::now() + d),
                        GateHint::Halt => st.halted = true,
                    }
                }
            }
            match result {
                Ok(r) => {
                    let _ = tx.send(Some(r));
                }
                Err(e) => {
                    tracing::error!(account = %self.inner.account, "sync run task failed: {e}");
                    drop(tx);
                }
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.inner.state.lock().unwrap().running
    }

    pub fn has_pending(&self) -> bool {
        self.inner.state.lock().unwrap().pending.is_some()
    }

    pub fn last_start(&self) -> Option<Instant> {
        self.inner.state.lock().unwrap().last_start
    }

    pub fn runs_started(&self) -> u64 {
        self.inner.state.lock().unwrap().runs_started
    }

    /// Until when a quota wait holds runs back.
    pub fn blocked_until(&self) -> Option<Instant> {
        let st = self.inner.state.lock().unwrap();
        st.blocked_until.filter(|t| *t > Instant::now())
    }

    pub fn is_halted(&self) -> bool {
        self.inner.state.lock().unwrap().halted
    }

    /// Stops automatic runs (an account known to need re-auth at start-up).
    pub fn halt(&self) {
        self.inner.state.lock().unwrap().halted = true;
    }

    /// Lifts a halt and any quota wait (after the user reconnects the account).
    pub fn resume(&self) {
        let mut st = self.inner.state.lock().unwrap();
        st.halted = false;
        st.blocked_until = None;
    }
}

fn earliest_start<R>(st: &GateState<R>, min_gap: Duration) -> Instant {
    let mut t = st
        .last_start
        .map(|s| s + min_gap)
        .unwrap_or_else(Instant::now);
    if let Some(b) = st.blocked_until {
        t = t.max(b);
    }
    if st.running {
        // Not before the running run ends; the driver only looks again once it has.
        t = t.max(Instant::now());
    }
    t
}
