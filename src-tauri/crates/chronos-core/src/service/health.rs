//! Sync health through the façade: a row a synced calendar, its two actions (sync it now,
//! download it again), the mass-deletion guard's limits, and the mass deletions to review.

use super::*;
use crate::store::{JournalKind, MassDeletion, MassDeletionId, SyncState};
use crate::sync::guard::MassDeletionGuard;
use crate::view::health::{
    CalendarHealthView, HealthError, MassDeletionView, PushState, RestoreAllReport,
};
use crate::view::CalendarView;

/// A mass deletion's id as text (the page's form).
pub fn parse_mass_deletion_id(id: &str) -> Result<MassDeletionId> {
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(MassDeletionId)
        .ok_or_else(|| Error::InvalidInput(format!("\"{id}\" is not a mass deletion id")))
}

/// How far back sync health counts re-syncs (and shows a past failure).
const HEALTH_WINDOW_DAYS: i64 = 30;

/// What the store knows of one calendar's health.
struct Facts {
    state: SyncState,
    past_failure: Option<crate::store::JournalFailure>,
    events: usize,
    pending: usize,
    resyncs: usize,
}

impl Chronos {
    /// The mass-deletion guard's limits in force.
    pub fn mass_deletion_guard(&self) -> MassDeletionGuard {
        *self.inner.guard.lock().unwrap()
    }

    /// Changes the guard's limits (the next run uses them).
    pub fn set_mass_deletion_guard(&self, guard: MassDeletionGuard) -> Result<()> {
        *self.inner.guard.lock().unwrap() = guard.validated()?;
        Ok(())
    }

    /// One row per synced calendar (all accounts, or one), in the calendar list's order.
    pub async fn calendar_health(
        &self,
        account: Option<&AccountId>,
    ) -> Result<Vec<CalendarHealthView>> {
        let calendars: Vec<CalendarView> = self
            .calendar_views(account)
            .await?
            .into_iter()
            .filter(|c| c.selected)
            .collect();
        let now = self.inner.clock.now();
        let since = now - chrono::Duration::days(HEALTH_WINDOW_DAYS);
        let channels = {
            let a = account.cloned();
            self.inner
                .store
                .call(move |s| s.push_channels(a.as_ref()))
                .await?
        };
        let mut out = Vec::with_capacity(calendars.len());
        for c in calendars {
            let (a, id) = (AccountId(c.account_id.clone()), CalendarId(c.id.clone()));
            let facts = self
                .inner
                .store
                .call(move |s| {
                    Ok(Facts {
                        state: s.sync_state(&a, &id)?,
                        past_failure: s.last_journal_failure(&a, &id, since)?,
                        events: s.event_count(&a, &id)?,
                        pending: s.calendar_pending_count(&a, &id)?,
                        resyncs: s.journal_count(&a, &id, JournalKind::ResyncAfterGone, since)?,
                    })
                })
                .await?;
            let channel = channels
                .iter()
                .filter(|ch| ch.account.as_str() == c.account_id && ch.calendar.as_str() == c.id)
                .max_by_key(|ch| ch.expires_at);
            out.push(health_row(c, facts, channel, now));
        }
        Ok(out)
    }

    /// Syncs one calendar now, through the scheduler's gate; returns at once.
    pub fn sync_calendar_now(&self, account: &AccountId, calendar: &CalendarId) -> Result<()> {
        if self.inner.scheduler.gate(account).is_none() {
            return Err(Error::NotFound(format!(
                "account {account} is not connected"
            )));
        }
        drop(self.request_calendars_sync(account, vec![calendar.clone()]));
        Ok(())
    }

    /// Lists the calendar in full again: its sync token is dropped and a full sync starts. What
    /// the user changed here stays queued (a full sync's sweep never removes a row with an
    /// unsent change), and the stored events stay on screen until the new listing replaces them.
    pub async fn download_calendar_again(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
    ) -> Result<()> {
        let (a, c) = (account.clone(), calendar.clone());
        self.inner
            .store
            .call(move |s| {
                if s.get_calendar(&a, &c)?.is_none() {
                    return Err(Error::NotFound(format!("no calendar {c} of {a}")));
                }
                s.clear_sync_token(&a, &c)
            })
            .await?;
        tracing::info!(%account, %calendar, "downloading a calendar again");
        self.sync_calendar_now(account, calendar)
    }

    /// Mass deletions not dismissed yet, newest first.
    pub async fn mass_deletion_views(&self) -> Result<Vec<MassDeletionView>> {
        let found = self.inner.store.call(|s| s.mass_deletions(false)).await?;
        let mut out = Vec::with_capacity(found.len());
        for m in found {
            out.push(self.mass_deletion_view(m).await?);
        }
        Ok(out)
    }

    pub(crate) async fn mass_deletion_view(&self, m: MassDeletion) -> Result<MassDeletionView> {
        let name = match self.calendar_view(&m.account, &m.calendar).await {
            Ok(c) => c.summary,
            Err(_) => m.calendar.as_str().to_owned(),
        };
        let restorable = match m.trash {
            Some(range) => {
                let (a, c) = (m.account.clone(), m.calendar.clone());
                self.inner
                    .store
                    .call(move |s| s.trashed_between(&a, &c, range))
                    .await?
                    .len()
            }
            None => 0,
        };
        Ok(MassDeletionView {
            id: m.id.0.to_string(),
            account_id: m.account.as_str().to_owned(),
            calendar_id: m.calendar.as_str().to_owned(),
            calendar_name: name,
            count: m.count as u32,
            restorable: restorable as u32,
            at: m.at.to_rfc3339(),
        })
    }

    /// Hides a mass deletion's banner; its events stay in the trash.
    pub async fn dismiss_mass_deletion(&self, id: MassDeletionId) -> Result<()> {
        self.inner
            .store
            .call(move |s| s.dismiss_mass_deletion(id))
            .await
    }

    /// *Restore all*: every event the mass deletion put in the trash and still there goes back
    /// to Google through the trash's restore (so twice never makes two). The banner is
    /// dismissed once everything is queued.
    pub async fn restore_mass_deletion(
        &self,
        id: MassDeletionId,
        opts: EditOptions,
    ) -> Result<RestoreAllReport> {
        let m = self.inner.store.call(move |s| s.mass_deletion(id)).await?;
        let ids = match m.trash {
            Some(range) => {
                let (a, c) = (m.account.clone(), m.calendar.clone());
                self.inner
                    .store
                    .call(move |s| s.trashed_between(&a, &c, range))
                    .await?
            }
            None => Vec::new(),
        };
        let mut report = RestoreAllReport {
            queued: 0,
            failed: Vec::new(),
        };
        for entry in ids {
            match self
                .restore_from_trash(&m.account, entry, opts.clone())
                .await
            {
                Ok(_) => report.queued += 1,
                Err(e) => report.failed.push(format!("trash entry {}: {e}", entry.0)),
            }
        }
        if report.failed.is_empty() {
            self.dismiss_mass_deletion(id).await?;
        }
        tracing::info!(
            queued = report.queued,
            failed = report.failed.len(),
            "mass deletion restored"
        );
        Ok(report)
    }
}

fn health_row(
    c: CalendarView,
    facts: Facts,
    channel: Option<&crate::push::StoredChannel>,
    now: DateTime<Utc>,
) -> CalendarHealthView {
    let state = facts.state;
    let last_success = match (state.last_full_sync, state.last_incremental_sync) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let last_error = match (state.last_error, facts.past_failure) {
        (Some(e), _) => Some(HealthError {
            kind: e.kind,
            message: e.message,
            at: e.at.to_rfc3339(),
            current: true,
        }),
        (None, Some(f)) => Some(HealthError {
            kind: f.kind,
            message: f.message,
            at: f.at.to_rfc3339(),
            current: false,
        }),
        (None, None) => None,
    };
    let (push, push_expires) = match channel {
        None => (PushState::None, None),
        Some(ch) if ch.expires_at <= now => (PushState::Expired, Some(ch.expires_at.to_rfc3339())),
        Some(ch) => (PushState::Active, Some(ch.expires_at.to_rfc3339())),
    };
    CalendarHealthView {
        account_id: c.account_id,
        calendar_id: c.id,
        name: c.summary,
        background_color: c.background_color,
        last_success: last_success.map(|t| t.to_rfc3339()),
        last_error,
        events_stored: facts.events as u32,
        pending_changes: facts.pending as u32,
        incremental: c.incremental_sync,
        resyncs_after_gone: facts.resyncs as u32,
        push,
        push_expires,
        full_sync_in_progress: state.full_sync.is_some(),
    }
}
