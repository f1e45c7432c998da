//! View-shaped queries: what a front end shows, in one call.

use super::Chronos;
use crate::error::{Error, Result};
use crate::model::AccountId;
use crate::store::blocking;
use crate::store::{StoredCalendar, StoredEvent};
use crate::view::event::view;
use crate::view::{ConflictView, DayMore, EventView, EventsInRange, MonthView, OpenConflicts};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

impl Chronos {
    /// Events with an open conflict record, of one account or of all with `None`.
    pub async fn open_conflicts(&self, account: Option<&AccountId>) -> Result<OpenConflicts> {
        let list = self.list_conflicts(account).await?;
        Ok(list
            .into_iter()
            .map(|c| (c.account, c.calendar, c.event_id))
            .collect())
    }

    /// Every open conflict, as views show it.
    pub async fn conflict_views(&self) -> Result<Vec<ConflictView>> {
        let list = self.list_conflicts(None).await?;
        Ok(list.iter().map(crate::view::conflict::view).collect())
    }

    /// The selected calendars' events overlapping `[from, to)` as views show them: all-day
    /// events on the dates of `zone`, colours resolved, conflicts marked.
    pub async fn event_views_in_range(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: chrono_tz::Tz,
    ) -> Result<EventsInRange> {
        let result = self.events_in_range(from, to, zone, None, None).await?;
        let events = self.views_of(&result.events).await?;
        crate::memory::return_freed_later();
        Ok(EventsInRange {
            events,
            truncated: result.truncated.iter().map(Into::into).collect(),
        })
    }

    /// A month grid of `[from, to)` in `zone`: per day the first `per_day` events of the
    /// selected calendars in the grid's order (bars — all-day and multi-day events — first, then
    /// by start, then the longer first; equal ones in a stable order), and per day how many are
    /// left out. Only the events shown are decrypted (and the recurring series of the range,
    /// which are expanded as `events_in_range` does); the views are `event_views_in_range`'s.
    pub async fn month_view(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: chrono_tz::Tz,
        per_day: u32,
    ) -> Result<MonthView> {
        let store = self.inner.store.clone();
        let started = std::time::Instant::now();
        let pick = blocking(move || crate::month::pick(&store, from, to, zone, per_day)).await?;
        let picked_ms = started.elapsed().as_millis() as u64;
        let events = self.views_of(&pick.events).await?;
        tracing::debug!(
            events = events.len(),
            picked_ms,
            ms = started.elapsed().as_millis() as u64,
            "month view"
        );
        crate::memory::return_freed_later();
        Ok(MonthView {
            events,
            more: pick
                .more
                .into_iter()
                .map(|(date, hidden)| DayMore { date, hidden })
                .collect(),
            truncated: pick.truncated.iter().map(Into::into).collect(),
        })
    }

    /// Events as views show them: their calendar's colours, their account's palette, conflicts
    /// marked (events without a usable start or end are left out).
    async fn views_of(&self, events: &[StoredEvent]) -> Result<Vec<EventView>> {
        let calendars: HashMap<_, StoredCalendar> = self
            .calendars(None)
            .await?
            .into_iter()
            .map(|c| ((c.account.clone(), c.entry.id.clone()), c))
            .collect();
        let palettes = self
            .palettes_for(events.iter().map(|e| e.account.clone()).collect())
            .await;
        let conflicts = self.open_conflicts(None).await?;
        let stand_in = super::Palette::stand_in();
        Ok(events
            .iter()
            .filter_map(|e| {
                let calendar = calendars.get(&(e.account.clone(), e.calendar.clone()));
                let palette = palettes.get(&e.account).unwrap_or(&stand_in);
                view(e, calendar, palette, &conflicts)
            })
            .collect())
    }

    /// One stored event as views show it (the answer to an edit).
    pub async fn event_view(&self, e: &StoredEvent) -> Result<EventView> {
        let calendars = self.calendars(Some(&e.account)).await?;
        let calendar = calendars.iter().find(|c| c.entry.id == e.calendar);
        let palette = self.palette(&e.account).await;
        let conflicts = self.open_conflicts(Some(&e.account)).await?;
        view(e, calendar, &palette, &conflicts)
            .ok_or_else(|| Error::Internal("the saved event has no start or end".into()))
    }
}
