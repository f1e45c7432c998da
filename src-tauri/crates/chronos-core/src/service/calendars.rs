//! Calendars: the list, showing or hiding one, its colours — and each as views show it.

use super::Chronos;
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarColors, CalendarId};
use crate::store::{blocking, StoredCalendar};
use crate::sync::calendar_colors::{self, ColorChange};
use crate::view::calendar::{view, CalendarView};

impl Chronos {
    pub async fn calendars(&self, account: Option<&AccountId>) -> Result<Vec<StoredCalendar>> {
        let (store, a) = (self.inner.store.clone(), account.cloned());
        blocking(move || store.list_calendars(a.as_ref(), false)).await
    }

    pub async fn set_calendar_selected(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        selected: bool,
    ) -> Result<()> {
        let (store, a, c) = (self.inner.store.clone(), account.clone(), calendar.clone());
        blocking(move || store.set_calendar_selected(&a, &c, selected)).await?;
        if let Some(push) = self.push_service() {
            // Open or stop the calendar's channel without holding up the selection.
            let a = account.clone();
            tokio::spawn(async move {
                push.channels().maintain_account(&a).await;
            });
        }
        self.inner
            .feed
            .events_changed(account, vec![calendar.clone()]);
        Ok(())
    }

    /// The user's colours for a calendar: stored and shown at once, and sent to Google
    /// (`calendarList.patch`, so other devices show them too). `Pending`: Google could not be
    /// reached now (or the shell said the network is down); the colours stay and the next sync
    /// sends them. A change Google refuses (kind `not_found`, `forbidden`, `invalid_input`) is
    /// undone and returned as the error.
    pub async fn set_calendar_colors(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        colors: CalendarColors,
    ) -> Result<ColorChange> {
        let (a, c, chosen) = (account.clone(), calendar.clone(), colors.clone());
        let before = self
            .inner
            .store
            .call(move |s| s.set_calendar_colors(&a, &c, &chosen))
            .await?;
        // Shown at once, whatever Google says next.
        self.inner
            .feed
            .events_changed(account, vec![calendar.clone()]);
        if *self.inner.online.lock().unwrap() == Some(false) {
            return Ok(ColorChange::Pending);
        }
        let sent = calendar_colors::send(
            &self.inner.store,
            &self.client(account),
            account,
            calendar,
            &colors,
        )
        .await;
        if let Err(e) = &sent {
            tracing::info!(%account, %calendar, kind = e.kind().as_str(), "Google refused the calendar colours; undone");
            let (a, c) = (account.clone(), calendar.clone());
            self.inner
                .store
                .call(move |s| s.restore_calendar_colors(&a, &c, &before))
                .await?;
            self.inner
                .feed
                .events_changed(account, vec![calendar.clone()]);
        }
        sent
    }

    /// The calendars of one account (all with `None`) as views show them, deleted ones left out.
    pub async fn calendar_views(&self, account: Option<&AccountId>) -> Result<Vec<CalendarView>> {
        let calendars: Vec<StoredCalendar> = self
            .calendars(account)
            .await?
            .into_iter()
            .filter(|c| !c.deleted)
            .collect();
        // Every listed account's palette is looked up even if all its calendars have colours
        // of their own: front ends list calendars right after connecting, so the account's
        // palette is fetched in the background before its events are first shown.
        let palettes = self
            .palettes_for(calendars.iter().map(|c| c.account.clone()).collect())
            .await;
        let stand_in = super::Palette::stand_in();
        Ok(calendars
            .iter()
            .map(|c| view(c, palettes.get(&c.account).unwrap_or(&stand_in)))
            .collect())
    }

    /// One calendar as views show it.
    pub async fn calendar_view(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
    ) -> Result<CalendarView> {
        let stored = self
            .calendars(Some(account))
            .await?
            .into_iter()
            .find(|c| &c.entry.id == calendar)
            .ok_or_else(|| Error::NotFound(format!("no calendar {calendar}")))?;
        Ok(view(&stored, &self.palette(account).await))
    }
}
