//! The progress stream a sync run produces, and the throttle that keeps it small.
//!
//! A run reports every page it commits; on a fast network a 100,000-event sync would flood the
//! UI with hundreds of updates a second. [`ProgressThrottle`] coalesces per-calendar progress to
//! at most `max_per_second` events while never dropping the events that change meaning (started,
//! done, failed, finished).

use crate::error::ErrorKind;
use crate::model::{AccountId, CalendarId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A calendar as announced at the start of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarRef {
    pub id: CalendarId,
    pub summary: String,
}

/// What a whole run did, summed over its calendars.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncTotals {
    pub calendars: u32,
    pub calendars_failed: u32,
    pub events_fetched: u64,
    pub added: u64,
    pub updated: u64,
    pub deleted: u64,
    pub skipped: u64,
    pub requests: u64,
}

/// A failure as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureInfo {
    pub kind: ErrorKind,
    pub retryable: bool,
    pub message: String,
}

impl From<&crate::error::Error> for FailureInfo {
    fn from(e: &crate::error::Error) -> Self {
        Self {
            kind: e.kind(),
            retryable: e.retryable(),
            message: e.to_string(),
        }
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncOutcome {
    /// Every calendar synced.
    Completed,
    /// Some calendars synced, some failed (each failure was reported).
    Partial,
    /// No calendar synced.
    Failed,
    /// The run hit its time limit; what was committed stays.
    TimedOut,
    Cancelled,
    /// The account's grant is gone; syncs stop until it reconnects.
    NeedsReauth,
    /// Google's quota for this account is used up; the scheduler waits before trying again.
    QuotaExceeded,
}

impl SyncOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncOutcome::Completed => "completed",
            SyncOutcome::Partial => "partial",
            SyncOutcome::Failed => "failed",
            SyncOutcome::TimedOut => "timedOut",
            SyncOutcome::Cancelled => "cancelled",
            SyncOutcome::NeedsReauth => "needsReauth",
            SyncOutcome::QuotaExceeded => "quotaExceeded",
        }
    }
}

/// One event of the progress stream (`sync://progress` in the UI).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SyncProgress {
    /// A run has begun. It sends the outbox and reads the calendar list before `SyncStarted`
    /// names its calendars, which takes a while when Google is slow or unreachable: the UI
    /// says "Syncing" from here.
    RunBegun { account: AccountId },
    SyncStarted {
        account: AccountId,
        calendars: Vec<CalendarRef>,
    },
    CalendarProgress {
        account: AccountId,
        calendar: CalendarId,
        events_fetched: u64,
        pages: u32,
    },
    CalendarDone {
        account: AccountId,
        calendar: CalendarId,
        added: u64,
        updated: u64,
        deleted: u64,
        skipped: u64,
    },
    CalendarFailed {
        account: AccountId,
        calendar: CalendarId,
        kind: ErrorKind,
        retryable: bool,
        message: String,
    },
    SyncFinished {
        account: AccountId,
        totals: SyncTotals,
        duration_ms: u64,
        outcome: SyncOutcome,
        finished_at: DateTime<Utc>,
        /// Set with `QuotaExceeded`: when the scheduler will try again.
        #[serde(skip_serializing_if = "Option::is_none")]
        resume_after: Option<DateTime<Utc>>,
        /// What stopped or spoiled the run beyond single calendars (calendar list, re-auth,
        /// quota, timeout).
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<FailureInfo>,
    },
}

impl SyncProgress {
    pub fn account(&self) -> &AccountId {
        match self {
            SyncProgress::RunBegun { account }
            | SyncProgress::SyncStarted { account, .. }
            | SyncProgress::CalendarProgress { account, .. }
            | SyncProgress::CalendarDone { account, .. }
            | SyncProgress::CalendarFailed { account, .. }
            | SyncProgress::SyncFinished { account, .. } => account,
        }
    }

    /// Progress updates may be coalesced; every other event must be delivered.
    pub fn is_coalescable(&self) -> bool {
        matches!(self, SyncProgress::CalendarProgress { .. })
    }
}

/// Coalesces `CalendarProgress` events: at most one leaves every `1 / max_per_second`, the latest
/// per calendar wins, and calendars take turns (the one waiting longest goes first). Milestone
/// events pass at once; a calendar's pending progress is dropped when its done/failed event
/// arrives, so the UI never sees progress after completion.
#[derive(Debug)]
pub struct ProgressThrottle {
    gap: Duration,
    last_progress: Option<Instant>,
    /// Latest pending progress per calendar, in the order the calendars started waiting.
    pending: VecDeque<SyncProgress>,
}

impl ProgressThrottle {
    pub fn new(max_per_second: u32) -> Self {
        let per_second = max_per_second.max(1);
        Self {
            gap: Duration::from_secs(1) / per_second,
            last_progress: None,
            pending: VecDeque::new(),
        }
    }

    /// Feeds one event; returns what may be emitted now, in order.
    pub fn push(&mut self, event: SyncProgress, now: Instant) -> Vec<SyncProgress> {
        let mut out = Vec::new();
        match &event {
            SyncProgress::CalendarProgress {
                account, calendar, ..
            } => {
                let slot = self
                    .pending
                    .iter_mut()
                    .find(|p| same_calendar(p, account, calendar));
                match slot {
                    Some(p) => *p = event,
                    None => self.pending.push_back(event),
                }
                out.extend(self.poll(now));
            }
            SyncProgress::CalendarDone {
                account, calendar, ..
            }
            | SyncProgress::CalendarFailed {
                account, calendar, ..
            } => {
                self.pending
                    .retain(|p| !same_calendar(p, account, calendar));
                out.push(event);
            }
            SyncProgress::SyncFinished { account, .. } => {
                self.pending.retain(|p| p.account() != account);
                out.push(event);
            }
            SyncProgress::RunBegun { .. } | SyncProgress::SyncStarted { .. } => out.push(event),
        }
        out
    }

    /// Releases one pending progress event if the rate allows it.
    pub fn poll(&mut self, now: Instant) -> Option<SyncProgress> {
        if self.pending.is_empty() {
            return None;
        }
        if let Some(last) = self.last_progress {
            if now < last + self.gap {
                return None;
            }
        }
        self.last_progress = Some(now);
        self.pending.pop_front()
    }

    /// When `poll` will next release something, if anything is pending.
    pub fn next_due(&self) -> Option<Instant> {
        if self.pending.is_empty() {
            return None;
        }
        Some(match self.last_progress {
            Some(last) => last + self.gap,
            None => Instant::now(),
        })
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }
}

fn same_calendar(p: &SyncProgress, account: &AccountId, calendar: &CalendarId) -> bool {
    matches!(p, SyncProgress::CalendarProgress { account: a, calendar: c, .. } if a == account && c == calendar)
}

/// Where a run writes its progress: cheap, never blocks, never fails (a run must not stall or
/// fail because nobody listens).
#[derive(Clone, Debug)]
pub struct ProgressSink {
    tx: Option<mpsc::UnboundedSender<SyncProgress>>,
}

impl ProgressSink {
    pub fn new(tx: mpsc::UnboundedSender<SyncProgress>) -> Self {
        Self { tx: Some(tx) }
    }

    /// A sink that discards everything.
    pub fn discard() -> Self {
        Self { tx: None }
    }

    pub fn emit(&self, event: SyncProgress) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(event);
        }
    }
}

/// Runs the throttle between raw run output and the engine's feed: returns the sink to hand to
/// runs. `deliver` receives each event that passes, in order.
pub fn spawn_throttled<F>(
    max_per_second: u32,
    mut deliver: F,
) -> (ProgressSink, tokio::task::JoinHandle<()>)
where
    F: FnMut(SyncProgress) + Send + 'static,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<SyncProgress>();
    let handle = tokio::spawn(async move {
        let mut throttle = ProgressThrottle::new(max_per_second);
        loop {
            let due = throttle.next_due();
            tokio::select! {
                biased;
                ev = rx.recv() => match ev {
                    Some(ev) => {
                        for e in throttle.push(ev, Instant::now()) {
                            deliver(e);
                        }
                    }
                    None => break,
                },
                _ = sleep_until_opt(due) => {
                    if let Some(e) = throttle.poll(Instant::now()) {
                        deliver(e);
                    }
                }
            }
        }
    });
    (ProgressSink::new(tx), handle)
}

async fn sleep_until_opt(when: Option<Instant>) {
    match when {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct() -> AccountId {
        AccountId::new("a@example.com")
    }

    fn progress(cal: &str, n: u64) -> SyncProgress {
        SyncProgress::CalendarProgress {
            account: acct(),
            calendar: CalendarId::new(cal),
            events_fetched: n,
            pages: (n / 100) as u32,
        }
    }

    fn done(cal: &str) -> SyncProgress {
        SyncProgress::CalendarDone {
            account: acct(),
            calendar: CalendarId::new(cal),
            added: 1,
            updated: 0,
            deleted: 0,
            skipped: 0,
        }
    }

    #[test]
    fn serialises_with_type_tag_and_camel_case() {
        let v = serde_json::to_value(progress("c1", 250)).unwrap();
        assert_eq!(v["type"], "calendarProgress");
        assert_eq!(v["eventsFetched"], 250);
        assert_eq!(v["calendar"], "c1");
        let f = SyncProgress::CalendarFailed {
            account: acct(),
            calendar: CalendarId::new("c"),
            kind: ErrorKind::RateLimited,
            retryable: true,
            message: "slow down".into(),
        };
        let v = serde_json::to_value(f).unwrap();
        assert_eq!(v["type"], "calendarFailed");
        assert_eq!(v["kind"], "rate_limited");
        assert_eq!(v["retryable"], true);
        let fin = SyncProgress::SyncFinished {
            account: acct(),
            totals: SyncTotals::default(),
            duration_ms: 12,
            outcome: SyncOutcome::TimedOut,
            finished_at: DateTime::from_timestamp(0, 0).unwrap(),
            resume_after: None,
            error: None,
        };
        let v = serde_json::to_value(fin).unwrap();
        assert_eq!(v["type"], "syncFinished");
        assert_eq!(v["durationMs"], 12);
        assert_eq!(v["outcome"], "timedOut");
        assert_eq!(v["totals"]["eventsFetched"], 0);
        assert!(v.get("resumeAfter").is_none());
    }

    #[test]
    fn latest_progress_per_calendar_wins_and_rate_is_bounded() {
        let t0 = Instant::now();
        let mut th = ProgressThrottle::new(20);
        // First progress passes at once.
        assert_eq!(th.push(progress("c1", 1), t0), vec![progress("c1", 1)]);
        // A burst inside the 50 ms window is held, latest per calendar kept.
        assert!(th.push(progress("c1", 2), t0).is_empty());
        assert!(th.push(progress("c2", 5), t0).is_empty());
        assert!(th.push(progress("c1", 3), t0).is_empty());
        assert_eq!(th.pending_len(), 2);
        assert_eq!(th.poll(t0 + Duration::from_millis(49)), None);
        // c1 started waiting first, so it goes first, with its latest value.
        assert_eq!(
            th.poll(t0 + Duration::from_millis(50)),
            Some(progress("c1", 3))
        );
        assert_eq!(th.poll(t0 + Duration::from_millis(60)), None);
        assert_eq!(
            th.poll(t0 + Duration::from_millis(100)),
            Some(progress("c2", 5))
        );
        assert_eq!(th.next_due(), None);
    }

    #[test]
    fn milestones_pass_and_supersede_pending_progress() {
        let t0 = Instant::now();
        let mut th = ProgressThrottle::new(20);
        th.push(progress("c1", 1), t0);
        th.push(progress("c1", 2), t0);
        th.push(progress("c2", 2), t0);
        // Done for c1 passes immediately and removes c1's stale progress.
        assert_eq!(th.push(done("c1"), t0), vec![done("c1")]);
        assert_eq!(th.pending_len(), 1);
        let fin = SyncProgress::SyncFinished {
            account: acct(),
            totals: SyncTotals::default(),
            duration_ms: 1,
            outcome: SyncOutcome::Completed,
            finished_at: Utc::now(),
            resume_after: None,
            error: None,
        };
        assert_eq!(th.push(fin.clone(), t0), vec![fin]);
        assert_eq!(th.pending_len(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_is_limited_to_twenty_a_second_and_milestones_all_arrive() {
        let (out, mut rx) = mpsc::unbounded_channel();
        let (sink, handle) = spawn_throttled(20, move |e| {
            let _ = out.send(e);
        });
        let start = Instant::now();
        sink.emit(SyncProgress::SyncStarted {
            account: acct(),
            calendars: vec![],
        });
        // 100,000 events in pages of 100 over 5 calendars, one page every millisecond: 1 s.
        let mut fetched = [0u64; 5];
        for i in 0..1000u64 {
            let c = (i % 5) as usize;
            fetched[c] += 100;
            sink.emit(progress(&format!("c{c}"), fetched[c]));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        for c in 0..5 {
            sink.emit(done(&format!("c{c}")));
        }
        drop(sink);
        handle.await.unwrap();
        let elapsed = start.elapsed();
        let mut events = Vec::new();
        while let Ok(e) = rx.try_recv() {
            events.push(e);
        }
        let progress_count = events.iter().filter(|e| e.is_coalescable()).count();
        let seconds = elapsed.as_secs_f64();
        assert!(
            progress_count as f64 <= 20.0 * seconds + 1.0,
            "{progress_count} progress events in {seconds} s"
        );
        assert!(
            progress_count >= 10,
            "progress must still flow: {progress_count}"
        );
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, SyncProgress::CalendarDone { .. }))
                .count(),
            5
        );
        assert!(matches!(events[0], SyncProgress::SyncStarted { .. }));
        // No progress for a calendar after its done event.
        for c in 0..5 {
            let cal = CalendarId::new(format!("c{c}"));
            let done_at = events
                .iter()
                .position(|e| matches!(e, SyncProgress::CalendarDone { calendar, .. } if *calendar == cal))
                .unwrap();
            assert!(!events[done_at..].iter().any(
                |e| matches!(e, SyncProgress::CalendarProgress { calendar, .. } if *calendar == cal)
            ));
        }
        // Counts reported only grow per calendar.
        let mut last = std::collections::HashMap::new();
        for e in &events {
            if let SyncProgress::CalendarProgress {
                calendar,
                events_fetched,
                ..
            } = e
            {
                let prev = last.insert(calendar.clone(), *events_fetched).unwrap_or(0);
                assert!(*events_fetched > prev);
            }
        }
    }
}
