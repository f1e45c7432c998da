//! One sync run of one account: the calendar list, then every calendar in scope — in batches of
//! at most 20, 5 at a time — each with its own progress and result. One calendar's failure is
//! reported while the others finish; needs-re-auth and quota errors stop the whole run (every
//! other request would fail the same way); the run as a whole is cut off after `run_timeout`,
//! keeping what was committed.
//!
//! Every calendar announced in `SyncStarted` gets exactly one `CalendarDone` or `CalendarFailed`,
//! and the run always ends with `SyncFinished`.

use crate::auth::{AuthStatus, TokenManager};
use crate::clock::Clock;
use crate::error::{Error, ErrorKind};
use crate::model::{AccountId, CalendarId};
use crate::scheduler::{GateHint, RunResult, RunScope};
use crate::store::{AccountStatus as StoredAccountStatus, Store};
use crate::sync::engine::{sync_calendar, sync_calendar_list, CalendarStats, SyncContext};
use crate::sync::progress::{
    CalendarRef, FailureInfo, ProgressSink, SyncOutcome, SyncProgress, SyncTotals,
};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Limits of a run; all configurable.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Calendars per batch (Google-friendly: 20).
    pub batch_size: usize,
    /// Calendars fetched at once.
    pub concurrency: usize,
    /// The whole run is cancelled after this.
    pub run_timeout: Duration,
    /// How long to leave an account alone after a quota error.
    pub quota_wait: Duration,
    /// When a sync's removals count as a mass deletion.
    pub guard: crate::sync::guard::MassDeletionGuard,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            batch_size: 20,
            concurrency: 5,
            run_timeout: Duration::from_secs(300),
            quota_wait: Duration::from_secs(3600),
            guard: Default::default(),
        }
    }
}

/// One calendar's part of a run.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarReport {
    pub calendar: CalendarId,
    pub stats: CalendarStats,
    /// `None` when the calendar synced.
    pub error: Option<FailureInfo>,
}

/// The result of a run, as the scheduler's tickets and `sync_now` return it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub account: AccountId,
    pub outcome: SyncOutcome,
    pub totals: SyncTotals,
    pub calendars: Vec<CalendarReport>,
    /// Run-level failure: the calendar list, re-auth, quota, timeout.
    pub error: Option<FailureInfo>,
    pub started_at: DateTime<Utc>,
    pub duration_ms: u64,
    pub resume_after: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub wait: Option<Duration>,
}

impl RunReport {
    pub fn failed_calendars(&self) -> impl Iterator<Item = &CalendarReport> {
        self.calendars.iter().filter(|c| c.error.is_some())
    }
}

impl RunResult for RunReport {
    fn gate_hint(&self) -> GateHint {
        match self.outcome {
            SyncOutcome::NeedsReauth => GateHint::Halt,
            SyncOutcome::QuotaExceeded => {
                GateHint::Wait(self.wait.unwrap_or(Duration::from_secs(3600)))
            }
            _ => GateHint::Continue,
        }
    }
}

/// What a run of one account needs.
#[derive(Clone)]
pub struct RunDeps {
    pub store: Arc<Store>,
    pub client: crate::google::GoogleClient,
    pub tokens: Arc<TokenManager>,
    pub progress: ProgressSink,
    pub clock: Arc<dyn Clock>,
    pub config: RunConfig,
}

/// Why the rest of a run was called off.
#[derive(Clone, Debug)]
struct Stop {
    outcome: SyncOutcome,
    info: FailureInfo,
    retry_after: Option<Duration>,
}

fn stop_for(e: &Error) -> Option<Stop> {
    let outcome = match e.kind() {
        ErrorKind::NeedsReauth => SyncOutcome::NeedsReauth,
        ErrorKind::QuotaExceeded => SyncOutcome::QuotaExceeded,
        _ => return None,
    };
    let retry_after = match e {
        Error::Google { retry_after, .. } => *retry_after,
        _ => None,
    };
    Some(Stop {
        outcome,
        info: FailureInfo::from(e),
        retry_after,
    })
}

#[derive(Default)]
struct Slot {
    stats: Arc<Mutex<CalendarStats>>,
    started: bool,
    finished: Option<Option<FailureInfo>>,
}

type Slots = Arc<Mutex<HashMap<CalendarId, Slot>>>;
type SharedStop = Arc<Mutex<Option<Stop>>>;

/// How a run ended, beyond its totals.
struct Ending {
    outcome: SyncOutcome,
    resume_after: Option<DateTime<Utc>>,
    wait: Option<Duration>,
}

/// Runs one sync of `account` over `scope`.
pub async fn run_account(deps: &RunDeps, account: &AccountId, scope: &RunScope) -> RunReport {
    let started_at = deps.clock.now();
    let t0 = tokio::time::Instant::now();
    let cancel = CancellationToken::new();
    let ctx = SyncContext {
        account: account.clone(),
        store: deps.store.clone(),
        client: deps.client.clone(),
        progress: deps.progress.clone(),
        cancel: cancel.clone(),
        fetch_slots: Arc::new(tokio::sync::Semaphore::new(deps.config.concurrency.max(1))),
        guard: deps.config.guard,
        clock: deps.clock.clone(),
    };
    let stop: SharedStop = Arc::new(Mutex::new(None));
    deps.progress.emit(SyncProgress::RunBegun {
        account: account.clone(),
    });

    let (calendars, mut run_error) = prepare(deps, &ctx, account, scope, &stop).await;

    deps.progress.emit(SyncProgress::SyncStarted {
        account: account.clone(),
        calendars: calendars
            .iter()
            .map(|(id, summary)| CalendarRef {
                id: id.clone(),
                summary: summary.clone(),
            })
            .collect(),
    });

    let slots: Slots = Arc::new(Mutex::new(
        calendars
            .iter()
            .map(|(id, _)| (id.clone(), Slot::default()))
            .collect(),
    ));
    let ids: Vec<CalendarId> = calendars.iter().map(|(id, _)| id.clone()).collect();
    let timed_out = run_batches(deps, &ctx, ids, &slots, &stop, &cancel).await;

    let stop = stop.lock().unwrap().clone();
    let (reports, totals) =
        collect_reports(deps, account, &calendars, &slots, timed_out, stop.as_ref());
    let ending = settle(
        deps,
        account,
        stop.as_ref(),
        timed_out,
        &totals,
        &mut run_error,
    )
    .await;
    let duration_ms = t0.elapsed().as_millis() as u64;
    deps.progress.emit(SyncProgress::SyncFinished {
        account: account.clone(),
        totals,
        duration_ms,
        outcome: ending.outcome,
        finished_at: deps.clock.now(),
        resume_after: ending.resume_after,
        error: run_error.clone(),
    });
    tracing::info!(
        %account, outcome = ending.outcome.as_str(), calendars = totals.calendars, failed = totals.calendars_failed,
        events = totals.events_fetched, ms = duration_ms, "sync run finished"
    );
    RunReport {
        account: account.clone(),
        outcome: ending.outcome,
        totals,
        calendars: reports,
        error: run_error,
        started_at,
        duration_ms,
        resume_after: ending.resume_after,
        wait: ending.wait,
    }
}

/// Before any calendar: the re-auth check, the outbox and colour pushes, the calendar list (on
/// a full run) and the calendars in scope. Returns those calendars and a run-level error, if any;
/// a stop is recorded in `stop`.
async fn prepare(
    deps: &RunDeps,
    ctx: &SyncContext,
    account: &AccountId,
    scope: &RunScope,
    stop: &SharedStop,
) -> (Vec<(CalendarId, String)>, Option<FailureInfo>) {
    let mut run_error: Option<FailureInfo> = None;
    // An account known to need re-auth makes no request at all.
    if let Ok(AuthStatus::NeedsReauth) = deps.tokens.status().await {
        let e = Error::NeedsReauth(account.clone());
        *stop.lock().unwrap() = stop_for(&e);
    }

    let mut calendars: Vec<(CalendarId, String)> = Vec::new();
    if stop.lock().unwrap().is_none() {
        crate::outbox::push::drain_before_pull(&deps.store, &deps.client, account).await;
        crate::sync::calendar_colors::send_pending(&deps.store, &deps.client, account).await;
        if scope.is_full() {
            if let Err(e) = sync_calendar_list(ctx).await {
                tracing::warn!(%account, kind = e.kind().as_str(), "calendar list sync failed");
                match stop_for(&e) {
                    Some(s) => *stop.lock().unwrap() = Some(s),
                    None => {
                        let mut info = FailureInfo::from(&e);
                        info.message =
                            format!("the calendar list could not be synced: {}", info.message);
                        run_error = Some(info);
                    }
                }
            }
        }
        if stop.lock().unwrap().is_none() {
            match in_scope(deps, account, scope).await {
                Ok(c) => calendars = c,
                Err(e) => run_error = Some(FailureInfo::from(&e)),
            }
        }
    }
    (calendars, run_error)
}

/// Syncs the calendars batch by batch until done or `run_timeout`; returns whether it timed out.
/// The run's token is cancelled either way.
async fn run_batches(
    deps: &RunDeps,
    ctx: &SyncContext,
    ids: Vec<CalendarId>,
    slots: &Slots,
    stop: &SharedStop,
    cancel: &CancellationToken,
) -> bool {
    let work = {
        let (ctx, slots, stop, cancel) = (ctx.clone(), slots.clone(), stop.clone(), cancel.clone());
        let config = deps.config.clone();
        async move {
            for batch in ids.chunks(config.batch_size.max(1)) {
                if cancel.is_cancelled() {
                    break;
                }
                futures::stream::iter(batch.iter().cloned())
                    .map(|cal| {
                        let (ctx, slots, stop, cancel) =
                            (ctx.clone(), slots.clone(), stop.clone(), cancel.clone());
                        async move { one_calendar(&ctx, &cal, &slots, &stop, &cancel).await }
                    })
                    // Twice the fetch slots: as many calendars again may be committing their
                    // last page (bounded memory: one page each) while others fetch.
                    .buffer_unordered(config.concurrency.max(1) * 2)
                    .collect::<Vec<()>>()
                    .await;
            }
        }
    };
    tokio::pin!(work);
    let timed_out = tokio::select! {
        _ = &mut work => false,
        _ = tokio::time::sleep(deps.config.run_timeout) => true,
    };
    cancel.cancel();
    if timed_out {
        // Calendars stop at their next await; a page in the middle of its commit finishes, so
        // the report matches the store. The grace is a bound, not an expected wait.
        if tokio::time::timeout(Duration::from_secs(30), &mut work)
            .await
            .is_err()
        {
            tracing::error!(account = %ctx.account, "calendar syncs did not stop within 30 s of the timeout");
        }
    }
    timed_out
}

/// One report per calendar, in the order announced, and the run's totals. A calendar that never
/// finished is reported failed (and announced so) with the reason the run stopped.
fn collect_reports(
    deps: &RunDeps,
    account: &AccountId,
    calendars: &[(CalendarId, String)],
    slots: &Slots,
    timed_out: bool,
    stop: Option<&Stop>,
) -> (Vec<CalendarReport>, SyncTotals) {
    let mut reports = Vec::with_capacity(calendars.len());
    let mut totals = SyncTotals {
        calendars: calendars.len() as u32,
        ..Default::default()
    };
    let mut slots = slots.lock().unwrap();
    for (id, _) in calendars {
        let slot = slots.get_mut(id).expect("every calendar has a slot");
        let stats = slot.stats.lock().unwrap().clone();
        let error = match slot.finished.take() {
            Some(result) => result,
            None => {
                let info = unfinished_failure(deps, slot.started, &stats, timed_out, stop);
                deps.progress.emit(SyncProgress::CalendarFailed {
                    account: account.clone(),
                    calendar: id.clone(),
                    kind: info.kind,
                    retryable: info.retryable,
                    message: info.message.clone(),
                });
                Some(info)
            }
        };
        totals.events_fetched += stats.events_fetched;
        totals.added += stats.added;
        totals.updated += stats.updated;
        totals.deleted += stats.deleted;
        totals.skipped += stats.skipped;
        totals.requests += stats.requests;
        if error.is_some() {
            totals.calendars_failed += 1;
        }
        reports.push(CalendarReport {
            calendar: id.clone(),
            stats,
            error,
        });
    }
    (reports, totals)
}

/// Why a calendar cut off by the timeout or by a stop did not finish.
fn unfinished_failure(
    deps: &RunDeps,
    started: bool,
    stats: &CalendarStats,
    timed_out: bool,
    stop: Option<&Stop>,
) -> FailureInfo {
    let timeout_secs = deps.config.run_timeout.as_secs_f64();
    if timed_out {
        FailureInfo {
            kind: ErrorKind::Timeout,
            retryable: true,
            message: if started {
                format!(
                    "the sync was stopped after {timeout_secs:.0} s; {} pages were kept and the next sync continues from there",
                    stats.pages
                )
            } else {
                format!("not synced: the sync was stopped after {timeout_secs:.0} s")
            },
        }
    } else if let Some(s) = stop {
        s.info.clone()
    } else {
        FailureInfo {
            kind: ErrorKind::Cancelled,
            retryable: true,
            message: "not synced".into(),
        }
    }
}

/// The run's outcome from its stop, timeout and totals; a stop becomes the run's error, a quota
/// stop sets the wait and a re-auth stop is recorded in the store.
async fn settle(
    deps: &RunDeps,
    account: &AccountId,
    stop: Option<&Stop>,
    timed_out: bool,
    totals: &SyncTotals,
    run_error: &mut Option<FailureInfo>,
) -> Ending {
    let mut resume_after = None;
    let mut wait = None;
    let outcome = if let Some(s) = stop {
        *run_error = Some(s.info.clone());
        if s.outcome == SyncOutcome::QuotaExceeded {
            let w = s
                .retry_after
                .unwrap_or_default()
                .max(deps.config.quota_wait);
            wait = Some(w);
            resume_after = Some(
                deps.clock.now()
                    + chrono::Duration::from_std(w).unwrap_or(chrono::Duration::hours(1)),
            );
        }
        if s.outcome == SyncOutcome::NeedsReauth {
            let (store, a) = (deps.store.clone(), account.clone());
            let r = tokio::task::spawn_blocking(move || {
                store.set_account_status(&a, StoredAccountStatus::NeedsReauth)
            })
            .await;
            if !matches!(r, Ok(Ok(()))) {
                tracing::warn!(%account, "could not record needs re-auth in the store");
            }
        }
        s.outcome
    } else if timed_out {
        let timeout_secs = deps.config.run_timeout.as_secs_f64();
        *run_error = Some(FailureInfo {
            kind: ErrorKind::Timeout,
            retryable: true,
            message: format!(
                "the sync took longer than {timeout_secs:.0} s and was stopped; what was fetched is kept and the next sync continues from there"
            ),
        });
        SyncOutcome::TimedOut
    } else if totals.calendars_failed == 0 && run_error.is_none() {
        SyncOutcome::Completed
    } else if totals.calendars_failed == totals.calendars
        && (totals.calendars > 0 || run_error.is_some())
    {
        SyncOutcome::Failed
    } else {
        SyncOutcome::Partial
    };
    Ending {
        outcome,
        resume_after,
        wait,
    }
}

async fn one_calendar(
    ctx: &SyncContext,
    cal: &CalendarId,
    slots: &Slots,
    stop: &SharedStop,
    cancel: &CancellationToken,
) {
    if cancel.is_cancelled() {
        return;
    }
    let stats = {
        let mut s = slots.lock().unwrap();
        let slot = s.get_mut(cal).expect("slot");
        slot.started = true;
        slot.stats.clone()
    };
    let result = sync_calendar(ctx, cal, &stats).await;
    let outcome = match result {
        Ok(()) => {
            let s = stats.lock().unwrap().clone();
            ctx.progress.emit(SyncProgress::CalendarDone {
                account: ctx.account.clone(),
                calendar: cal.clone(),
                added: s.added,
                updated: s.updated,
                deleted: s.deleted,
                skipped: s.skipped,
            });
            None
        }
        Err(Error::Cancelled) => return,
        Err(e) => {
            if let Some(s) = stop_for(&e) {
                let mut st = stop.lock().unwrap();
                if st.is_none() {
                    tracing::warn!(account = %ctx.account, kind = e.kind().as_str(), "stopping the account's sync");
                    *st = Some(s);
                }
                cancel.cancel();
            }
            let info = FailureInfo::from(&e);
            ctx.progress.emit(SyncProgress::CalendarFailed {
                account: ctx.account.clone(),
                calendar: cal.clone(),
                kind: info.kind,
                retryable: info.retryable,
                message: info.message.clone(),
            });
            Some(info)
        }
    };
    slots.lock().unwrap().get_mut(cal).expect("slot").finished = Some(outcome);
}

/// The calendars a run covers, with their display names: the selected ones (a light check
/// narrows them to those on screen).
async fn in_scope(
    deps: &RunDeps,
    account: &AccountId,
    scope: &RunScope,
) -> crate::Result<Vec<(CalendarId, String)>> {
    let (store, a) = (deps.store.clone(), account.clone());
    let all = tokio::task::spawn_blocking(move || store.list_calendars(Some(&a), false))
        .await
        .map_err(|e| Error::Internal(format!("store task: {e}")))??;
    Ok(all
        .into_iter()
        .filter(|c| c.selected && !c.deleted)
        .filter(|c| match scope {
            RunScope::Full => true,
            RunScope::Calendars(set) => set.contains(&c.entry.id),
        })
        .map(|c| {
            let name = c
                .entry
                .summary_override
                .clone()
                .or(c.entry.summary.clone())
                .unwrap_or_else(|| c.entry.id.to_string());
            (c.entry.id, name)
        })
        .collect())
}
