//! Two-way sync through the façade: local edits (row and outbox entry in one transaction),
//! the background push that follows each, and the counts and notices after a push or a run.

use super::undo::{own_response, UndoAction};
use super::*;

impl Chronos {
    /// Creates an event (`changes` needs `summary`, `start`, `end`); it shows at once, marked
    /// pending, and goes to Google in the background.
    pub async fn create_event(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        changes: EventChanges,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        let c = calendar.clone();
        let made = self
            .edit(account, vec![calendar.clone()], move |s, a| {
                edit::create_event(s, a, &c, &changes, &opts)
            })
            .await?;
        let action = UndoAction::Created {
            calendar: calendar.clone(),
            id: made.event.id.clone(),
            trash: None,
        };
        self.remember(account, Self::created_label(&made.event), action)
            .await;
        Ok(made)
    }

    /// Changes the fields `changes` sets (only those are patched at Google).
    pub async fn update_event(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        changes: EventChanges,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        let before = self.stored_before(account, calendar, id).await;
        let (c, e) = (calendar.clone(), id.clone());
        let after = self
            .edit(account, vec![calendar.clone()], move |s, a| {
                edit::update_event(s, a, &c, &e, &changes, &opts)
            })
            .await?;
        if let Some(before) = before {
            let action = UndoAction::Updated {
                calendar: calendar.clone(),
                id: id.clone(),
                scope: None,
                before: Box::new(before),
                after: Box::new((*after.event).clone()),
            };
            self.remember(account, Self::changed_label(&after.event), action)
                .await;
        }
        Ok(after)
    }

    /// The user's own answer to an invitation: `accepted`, `declined`, `tentative`, `needsAction`.
    pub async fn respond(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        response: &str,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        let before = self.stored_before(account, calendar, id).await;
        let (c, e, r) = (calendar.clone(), id.clone(), response.to_owned());
        let after = self
            .edit(account, vec![calendar.clone()], move |s, a| {
                edit::respond(s, a, &c, &e, &r, &opts)
            })
            .await?;
        if let Some(before) = before {
            let action = UndoAction::Responded {
                calendar: calendar.clone(),
                id: id.clone(),
                before: own_response(&before),
                after: response.to_owned(),
            };
            let label = format!(
                "Answered “{}”",
                after.event.summary.clone().unwrap_or_default()
            );
            self.remember(account, label, action).await;
        }
        Ok(after)
    }

    pub async fn delete_event(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        opts: EditOptions,
    ) -> Result<()> {
        let before = self.stored_before(account, calendar, id).await;
        let (c, e) = (calendar.clone(), id.clone());
        self.edit(account, vec![calendar.clone()], move |s, a| {
            edit::delete_event(s, a, &c, &e, &opts)
        })
        .await?;
        self.remember_deleted(account, calendar, id, before).await;
        Ok(())
    }

    /// Changes one occurrence of a recurring series, or the series from it: `id` is the
    /// occurrence's id as [`Chronos::events_in_range`] returns it (an instance id, whether or not
    /// Google has an exception for it yet; a master id means the whole series). "This event"
    /// patches the instance; "all events" patches the master (time changes move every
    /// occurrence by the same shift); "this and following" ends the series before it and starts
    /// a new one holding `changes`. Exceptions whose occurrence leaves the series are deleted;
    /// their visible count is returned (ask [`Chronos::preview_series_edit`] before saving).
    pub async fn update_occurrence(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        changes: EventChanges,
        scope: EditScope,
        opts: EditOptions,
    ) -> Result<OccurrenceEdit> {
        let before = self.series_base(account, calendar, id, scope).await;
        let (c, e) = (calendar.clone(), id.clone());
        let out = self
            .edit(account, vec![calendar.clone()], move |s, a| {
                series::update_occurrence(s, a, &c, &e, &changes, scope, &opts)
            })
            .await?;
        let after = out.event.as_ref().map(|s| (*s.event).clone());
        let action = match (scope, before, &after) {
            (EditScope::This | EditScope::All, Some(before), Some(after)) => UndoAction::Updated {
                calendar: calendar.clone(),
                id: after.id.clone(),
                scope: Some(scope),
                before: Box::new(before),
                after: Box::new(after.clone()),
            },
            _ => UndoAction::NotUndoable {
                calendar: calendar.clone(),
                id: id.clone(),
            },
        };
        let label = after.as_ref().map(Self::changed_label).unwrap_or_default();
        self.remember(account, label, action).await;
        Ok(out)
    }

    /// The series edit's base for the undo history (see `series::edit_base`).
    async fn series_base(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        scope: EditScope,
    ) -> Option<crate::model::EventResource> {
        let (a, c, e) = (account.clone(), calendar.clone(), id.clone());
        self.inner
            .store
            .call(move |s| series::edit_base(s, &a, &c, &e, scope))
            .await
            .ok()
    }

    /// Deletes one occurrence, it and the following ones, or the whole series.
    pub async fn delete_occurrence(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        scope: EditScope,
        opts: EditOptions,
    ) -> Result<OccurrenceEdit> {
        let base = self.series_base(account, calendar, id, scope).await;
        let (c, e) = (calendar.clone(), id.clone());
        let out = self
            .edit(account, vec![calendar.clone()], move |s, a| {
                series::delete_occurrence(s, a, &c, &e, scope, &opts)
            })
            .await?;
        match (scope, base) {
            // The whole series went into the trash as its master.
            (EditScope::All, Some(master)) => {
                let master_id = master.id.clone();
                self.remember_deleted(account, calendar, &master_id, Some(master))
                    .await;
            }
            (_, base) => {
                let label = format!(
                    "Deleted an occurrence of “{}”",
                    base.and_then(|b| b.summary).unwrap_or_default()
                );
                let action = UndoAction::NotUndoable {
                    calendar: calendar.clone(),
                    id: id.clone(),
                };
                self.remember(account, label, action).await;
            }
        }
        Ok(out)
    }

    /// An edit as the window asks for it: with a scope, or on an occurrence of a series (which
    /// then means that occurrence alone), it goes through the series
    /// ([`Chronos::update_occurrence`]); else it changes the event itself. The event to show.
    pub async fn update_in_scope(
        &self,
        (account, calendar, id): (&AccountId, &CalendarId, &EventId),
        changes: EventChanges,
        scope: Option<EditScope>,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        match self.series_scope(account, calendar, id, scope).await? {
            Some(scope) => self
                .update_occurrence(account, calendar, id, changes, scope, opts)
                .await?
                .event
                .ok_or_else(|| Error::Internal("the edited series has no event to show".into())),
            None => {
                self.update_event(account, calendar, id, changes, opts)
                    .await
            }
        }
    }

    /// A deletion as the window asks for it, chosen like [`Chronos::update_in_scope`].
    pub async fn delete_in_scope(
        &self,
        (account, calendar, id): (&AccountId, &CalendarId, &EventId),
        scope: Option<EditScope>,
        opts: EditOptions,
    ) -> Result<()> {
        match self.series_scope(account, calendar, id, scope).await? {
            Some(scope) => self
                .delete_occurrence(account, calendar, id, scope, opts)
                .await
                .map(drop),
            None => self.delete_event(account, calendar, id, opts).await,
        }
    }

    /// The scope an edit of `id` goes through its series with, if any.
    async fn series_scope(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        scope: Option<EditScope>,
    ) -> Result<Option<EditScope>> {
        if scope.is_some() {
            return Ok(scope);
        }
        let occurrence = self.is_occurrence(account, calendar, id).await?;
        Ok(occurrence.then_some(EditScope::This))
    }

    /// How many visible exceptions [`Chronos::update_occurrence`] (`changes`) or
    /// [`Chronos::delete_occurrence`] (`None`) with `scope` would delete, for the warning shown
    /// before saving. Writes nothing.
    pub async fn preview_series_edit(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        changes: Option<EventChanges>,
        scope: EditScope,
    ) -> Result<usize> {
        let (a, c, e) = (account.clone(), calendar.clone(), id.clone());
        self.inner
            .store
            .call(move |s| series::preview(s, &a, &c, &e, changes.as_ref(), scope))
            .await
    }

    /// How many occurrences deleting `id` with `scope` would remove (`None`: the series never
    /// ends), so a bulk delete can be confirmed with its size. Writes nothing.
    pub async fn removed_occurrences(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        scope: EditScope,
    ) -> Result<Option<usize>> {
        let (a, c, e) = (account.clone(), calendar.clone(), id.clone());
        self.inner
            .store
            .call(move |s| series::removed_occurrences(s, &a, &c, &e, scope))
            .await
    }

    /// Moves an event to another calendar of the same account (`events.move`).
    pub async fn move_event(
        &self,
        account: &AccountId,
        from: &CalendarId,
        id: &EventId,
        to: &CalendarId,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        let (f, e, t) = (from.clone(), id.clone(), to.clone());
        let moved = self
            .edit(account, vec![from.clone(), to.clone()], move |s, a| {
                edit::move_event(s, a, &f, &e, &t, &opts)
            })
            .await?;
        let action = UndoAction::Moved {
            from: from.clone(),
            to: to.clone(),
            id: id.clone(),
        };
        let label = format!(
            "Moved “{}”",
            moved.event.summary.clone().unwrap_or_default()
        );
        self.remember(account, label, action).await;
        Ok(moved)
    }

    /// Sends the account's queue now and waits for the drain (the background push after an
    /// edit does the same without waiting). Entries that cannot go out stay queued.
    pub async fn push_pending_changes(&self, account: &AccountId) -> Result<DrainReport> {
        if self.inner.scheduler.gate(account).is_none() {
            return Err(Error::NotFound(format!(
                "account {account} is not connected"
            )));
        }
        self.drain(account).await
    }

    /// One local write (row + outbox entry in one transaction, by the outbox module), then the
    /// notices and a background push.
    pub(super) async fn edit<T: Send + 'static>(
        &self,
        account: &AccountId,
        calendars: Vec<CalendarId>,
        f: impl FnOnce(&Store, &AccountId) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let a = account.clone();
        let out = self.inner.store.call(move |s| f(s, &a)).await?;
        self.refresh_counts(account).await;
        self.inner.feed.events_changed(account, calendars);
        self.inner.feed.outbox_changed(account);
        self.kick(account);
        Ok(out)
    }

    /// Re-reads the account's pending changes and conflicts into the feed; returns the pending.
    pub(super) async fn refresh_counts(&self, account: &AccountId) -> usize {
        let a = account.clone();
        let counts = self
            .inner
            .store
            .call(move |s| Ok((s.pending_count(Some(&a))?, s.conflict_count(&a)?)))
            .await;
        match counts {
            Ok((pending, conflicts)) => {
                self.inner.feed.set_counts(account, pending, conflicts);
                pending
            }
            Err(e) => {
                tracing::warn!(kind = e.kind().as_str(), "cannot count pending changes");
                self.inner.feed.pending(account)
            }
        }
    }

    /// Whether a push attempt now has a chance: the account is known, needs no re-auth, is not
    /// in a quota wait, and the shell has not said the network is down.
    pub(super) fn reachable(&self, account: &AccountId) -> bool {
        if *self.inner.online.lock().unwrap() == Some(false) {
            return false;
        }
        match self.inner.scheduler.gate(account) {
            Some(g) => !g.is_halted() && g.blocked_until().is_none(),
            None => false,
        }
    }

    /// Starts a background drain of the account's outbox (unless one is already waiting to).
    pub(super) fn kick(&self, account: &AccountId) {
        if !self.reachable(account) {
            tracing::debug!(%account, "Google not reachable now: the change waits for the next run");
            return;
        }
        if !self.inner.kicks.lock().unwrap().insert(account.clone()) {
            return;
        }
        let (me, a) = (self.clone(), account.clone());
        tokio::spawn(async move {
            // From here an edit's changes are read by this drain, or it spawns another.
            me.inner.kicks.lock().unwrap().remove(&a);
            if let Err(e) = me.drain(&a).await {
                tracing::warn!(kind = e.kind().as_str(), "background push failed");
            }
        });
    }

    pub(super) async fn drain(&self, account: &AccountId) -> Result<DrainReport> {
        let client = self.client(account);
        let result = drain_outbox(&self.inner.store, &client, account).await;
        self.refresh_counts(account).await;
        if let Ok(r) = &result {
            if r.pushed + r.merged + r.conflicts_recorded + r.failed > 0 {
                self.inner.feed.outbox_changed(account);
            }
            if r.pushed + r.merged + r.conflicts_recorded > 0 {
                // Settled rows lost their pending mark, merges changed content.
                self.inner.feed.events_changed(account, Vec::new());
            }
            if let Some(why) = &r.stopped {
                tracing::info!(
                    stopped = why.as_str(),
                    remaining = r.remaining,
                    "push stopped; the rest waits for the next run"
                );
            }
        }
        result
    }

    /// After a sync run (which drains before it pulls): the pending count and the notices.
    pub(super) async fn after_run(
        &self,
        account: &AccountId,
        pending_before: usize,
        report: &RunReport,
    ) {
        if self.inner.scheduler.gate(account).is_none() {
            return; // disconnected meanwhile
        }
        let pending = self.refresh_counts(account).await;
        if let Err(e) = self.purge_trash().await {
            tracing::warn!(kind = e.kind().as_str(), "could not purge the trash");
        }
        for c in &report.calendars {
            if let Some(id) = c.stats.mass_deletion {
                let name = match self.calendar_view(account, &c.calendar).await {
                    Ok(v) => v.summary,
                    Err(_) => c.calendar.as_str().to_owned(),
                };
                tracing::debug!(deletion = id.0, "mass deletion announced");
                let count = c.stats.trashed as usize;
                self.inner
                    .feed
                    .mass_deletion(account, &c.calendar, name, count);
            }
        }
        // The run pushed the outbox before it pulled, and a merge may have recorded a conflict.
        self.inner.feed.outbox_changed(account);
        let calendars: Vec<CalendarId> = report
            .calendars
            .iter()
            .filter(|c| c.stats.added + c.stats.updated + c.stats.deleted > 0)
            .map(|c| c.calendar.clone())
            .collect();
        if pending != pending_before {
            self.inner.feed.events_changed(account, Vec::new());
        } else if !calendars.is_empty() {
            self.inner.feed.events_changed(account, calendars);
        }
    }
}
