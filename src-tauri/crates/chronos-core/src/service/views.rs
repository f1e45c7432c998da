//! View-shaped queries: what a front end shows, in one call.

use super::Chronos;
use crate::error::{Error, Result};
use crate::model::AccountId;
use crate::store::{StoredCalendar, StoredEvent};
use crate::view::event::view;
use crate::view::{ConflictView, EventView, EventsInRange, OpenConflicts};
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
        let calendars: HashMap<_, StoredCalendar> = self
            .calendars(None)
            .await?
            .into_iter()
            .map(|c| ((c.account.clone(), c.entry.id.clone()), c))
            .collect();
        let result = self.events_in_range(from, to, zone, None, None).await?;
        let palettes = self
            .palettes_for(result.events.iter().map(|e| e.account.clone()).collect())
            .await;
        let conflicts = self.open_conflicts(None).await?;
        let stand_in = super::Palette::stand_in();
        let events = result
            .events
            .iter()
            .filter_map(|e| {
                let calendar = calendars.get(&(e.account.clone(), e.calendar.clone()));
                let palette = palettes.get(&e.account).unwrap_or(&stand_in);
                view(e, calendar, palette, &conflicts)
            })
            .collect();
        Ok(EventsInRange {
            events,
            truncated: result.truncated.iter().map(Into::into).collect(),
        })
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
