//! Single reads front ends need besides the range and list queries.

use super::Chronos;
use crate::error::Result;
use crate::model::{AccountId, CalendarId, EventId};
use crate::store::{CalendarRef, StoredEvent};
use chrono::{DateTime, Utc};

impl Chronos {
    /// One stored event (a single event, a series' master or a stored exception).
    pub async fn get_event(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
    ) -> Result<Option<StoredEvent>> {
        let (a, c, e) = (account.clone(), calendar.clone(), id.clone());
        self.inner
            .store
            .call(move |s| s.get_event(&a, &c, &e))
            .await
    }

    /// Whether `id` names an occurrence of a series (an expanded instance, which has no row of
    /// its own, or a stored exception) rather than a single event: such ids take the series
    /// edits, which ask "this, following or all".
    pub async fn is_occurrence(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
    ) -> Result<bool> {
        let row = self.get_event(account, calendar, id).await?;
        Ok(row.is_none_or(|e| e.event.recurring_event_id.is_some()))
    }

    /// Whether the account is connected on this machine.
    pub async fn has_account(&self, account: &AccountId) -> Result<bool> {
        let a = account.clone();
        let row = self.inner.store.call(move |s| s.get_account(&a)).await?;
        Ok(row.is_some())
    }

    /// The stored rows that touch `from..to` as they are kept — a series as its master and
    /// exceptions, not expanded (for the CLI's `--raw`).
    pub async fn stored_events_in_range(
        &self,
        account: Option<&AccountId>,
        calendars: Option<Vec<CalendarRef>>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredEvent>> {
        let a = account.cloned();
        self.inner
            .store
            .call(move |s| s.events_in_range(a.as_ref(), calendars.as_deref(), from, to))
            .await
    }
}
