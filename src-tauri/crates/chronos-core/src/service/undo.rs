//! Undo and redo: every change made through the façade is kept in the store's undo history
//! (sealed, shared by the app and the CLI, kept across restarts). Undoing one is a new local
//! edit through the outbox like any other — a change still queued is folded into its entry, one
//! already on Google is sent as the inverse change on the version it produced, and if Google's
//! copy changed meanwhile the merge rules decide (a conflict record, never a silent overwrite).
//! A deletion is undone through the trash, so undoing it twice never makes two events.

use super::*;
use crate::model::EventResource;
use crate::outbox::restore;
use crate::store::{TrashId, UndoId, UndoState};
use serde::{Deserialize, Serialize};

/// One change as the history keeps it: enough to go back and forth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum UndoAction {
    /// A new event; `trash` holds it while it is undone.
    Created {
        calendar: CalendarId,
        id: EventId,
        trash: Option<TrashId>,
    },
    /// A deleted event (or whole series); `trash` holds it while it is deleted.
    Deleted {
        calendar: CalendarId,
        id: EventId,
        trash: Option<TrashId>,
    },
    /// Fields changed: an event, an occurrence ("this") or a series ("all").
    Updated {
        calendar: CalendarId,
        id: EventId,
        scope: Option<EditScope>,
        before: Box<EventResource>,
        after: Box<EventResource>,
    },
    Moved {
        from: CalendarId,
        to: CalendarId,
        id: EventId,
    },
    /// The user's own answer to an invitation.
    Responded {
        calendar: CalendarId,
        id: EventId,
        before: String,
        after: String,
    },
    /// A change Chronos cannot take back (a series split "this and following", an occurrence
    /// deleted): it stops undo from reaching past it silently.
    NotUndoable { calendar: CalendarId, id: EventId },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UndoRecord {
    /// "Deleted “Lunch”": what the toast and the menu say.
    pub label: String,
    pub action: UndoAction,
}

impl UndoAction {
    fn key(&self) -> (&CalendarId, &EventId) {
        match self {
            UndoAction::Created { calendar, id, .. }
            | UndoAction::Deleted { calendar, id, .. }
            | UndoAction::Updated { calendar, id, .. }
            | UndoAction::Responded { calendar, id, .. }
            | UndoAction::NotUndoable { calendar, id } => (calendar, id),
            UndoAction::Moved { to, id, .. } => (to, id),
        }
    }
}

/// What an undo or a redo did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UndoDone {
    pub label: String,
    pub account: AccountId,
    /// `true` for a redo.
    pub redone: bool,
    /// Fields changed elsewhere since, left as they are now (not taken back).
    pub kept: Vec<String>,
}

/// The changes `from` → `to` in the fields an edit sets (those equal are left alone).
pub fn changes_between(from: &EventResource, to: &EventResource) -> EventChanges {
    fn differ<T: PartialEq + Clone>(a: &T, b: &T) -> Option<T> {
        (a != b).then(|| b.clone())
    }
    EventChanges {
        summary: differ(&from.summary, &to.summary).map(Option::unwrap_or_default),
        description: differ(&from.description, &to.description),
        location: differ(&from.location, &to.location),
        start: differ(&from.start, &to.start).flatten(),
        end: differ(&from.end, &to.end).flatten(),
        attendees: differ(&from.attendees, &to.attendees).map(Option::unwrap_or_default),
        reminders: differ(&from.reminders, &to.reminders)
            .map(|r| r.unwrap_or(serde_json::Value::Null)),
        color_id: differ(&from.color_id, &to.color_id),
        // A conference is never asked for again by an undo: the event keeps the link it has.
        ..Default::default()
    }
}

/// Where `current` still holds what the change made (`made`), the value it replaced (`wanted`);
/// a field someone changed since keeps its new value and is named in the second list, so an
/// undo never silently overwrites a change it did not make.
pub fn take_back(
    current: &EventResource,
    made: &EventResource,
    wanted: &EventResource,
) -> (EventResource, Vec<&'static str>) {
    let mut target = current.clone();
    let mut kept = Vec::new();
    macro_rules! field {
        ($f:ident, $name:literal) => {
            if made.$f != wanted.$f {
                if current.$f == made.$f {
                    target.$f = wanted.$f.clone();
                } else {
                    kept.push($name);
                }
            }
        };
    }
    field!(summary, "title");
    field!(description, "description");
    field!(location, "location");
    field!(start, "start");
    field!(end, "end");
    field!(attendees, "guests");
    field!(reminders, "reminders");
    field!(color_id, "colour");
    (target, kept)
}

fn title(ev: &EventResource) -> String {
    ev.summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "(No title)".to_owned())
}

/// The user's own answer on `ev` (`needsAction` when it names none).
pub(crate) fn own_response(ev: &EventResource) -> String {
    ev.attendees
        .iter()
        .flatten()
        .find(|a| a.is_self == Some(true))
        .and_then(|a| a.response_status.clone())
        .unwrap_or_else(|| "needsAction".to_owned())
}

impl Chronos {
    /// Keeps a change in the history. A failure to keep it is logged: the change itself is
    /// made and stays.
    pub(super) async fn remember(&self, account: &AccountId, label: String, action: UndoAction) {
        let a = account.clone();
        let record = UndoRecord { label, action };
        let kept = self
            .inner
            .store
            .call(move |s| {
                let (c, e) = record.action.key();
                s.push_undo(&a, (c, e), &record)
            })
            .await;
        if let Err(e) = kept {
            tracing::warn!(
                kind = e.kind().as_str(),
                "could not keep a change in the undo history"
            );
        }
    }

    /// The stored row of an event, for the history's "before".
    pub(super) async fn stored_before(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
    ) -> Option<EventResource> {
        match self.get_event(account, calendar, id).await {
            Ok(found) => found.map(|s| (*s.event).clone()),
            Err(_) => None,
        }
    }

    pub(super) async fn remember_deleted(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        before: Option<EventResource>,
    ) {
        let (a, c, e) = (account.clone(), calendar.clone(), id.clone());
        let trash = self
            .inner
            .store
            .call(move |s| s.latest_trash_for(&a, &c, &e))
            .await
            .ok()
            .flatten();
        let label = format!(
            "Deleted “{}”",
            before.as_ref().map(title).unwrap_or_default()
        );
        let action = UndoAction::Deleted {
            calendar: calendar.clone(),
            id: id.clone(),
            trash,
        };
        self.remember(account, label, action).await;
    }

    pub(super) fn created_label(ev: &EventResource) -> String {
        format!("Created “{}”", title(ev))
    }

    pub(super) fn changed_label(ev: &EventResource) -> String {
        format!("Changed “{}”", title(ev))
    }

    /// What the next undo and redo would take back or make again (their labels).
    pub async fn undo_labels(&self) -> Result<(Option<String>, Option<String>)> {
        self.inner
            .store
            .call(|s| {
                let undo = s.next_undo::<UndoRecord>(UndoState::Done)?;
                let redo = s.next_undo::<UndoRecord>(UndoState::Undone)?;
                Ok((undo.map(|r| r.record.label), redo.map(|r| r.record.label)))
            })
            .await
    }

    /// Takes back the last change made through Chronos on this machine (`None`: nothing to
    /// undo). A change that cannot be undone is dropped from the history with an error naming
    /// it, so the next undo reaches the one before.
    pub async fn undo(&self) -> Result<Option<UndoDone>> {
        self.step(UndoState::Done).await
    }

    /// Makes the last undone change again (`None`: nothing to redo).
    pub async fn redo(&self) -> Result<Option<UndoDone>> {
        self.step(UndoState::Undone).await
    }

    async fn step(&self, from: UndoState) -> Result<Option<UndoDone>> {
        let next = self
            .inner
            .store
            .call(move |s| s.next_undo::<UndoRecord>(from))
            .await?;
        let Some(row) = next else {
            return Ok(None);
        };
        let (id, account, mut record) = (row.id, row.account, row.record);
        let redo = from == UndoState::Undone;
        match self.flip(&account, &mut record.action, redo).await {
            Ok(kept) => {
                let to = if redo {
                    UndoState::Done
                } else {
                    UndoState::Undone
                };
                let stored = record.clone();
                self.inner
                    .store
                    .call(move |s| s.set_undo(id, to, &stored))
                    .await?;
                tracing::info!(redo, "change undone or redone");
                Ok(Some(UndoDone {
                    label: record.label,
                    account,
                    redone: redo,
                    kept: kept.into_iter().map(str::to_owned).collect(),
                }))
            }
            Err(e) => {
                if matches!(record.action, UndoAction::NotUndoable { .. }) {
                    self.forget(id).await;
                }
                Err(e)
            }
        }
    }

    async fn forget(&self, id: UndoId) {
        if let Err(e) = self.inner.store.call(move |s| s.drop_undo(id)).await {
            tracing::warn!(kind = e.kind().as_str(), "could not drop an undo entry");
        }
    }

    /// Applies the inverse of `action` (or, with `redo`, the action again), updating what the
    /// next flip needs (a trash entry, a new id). Returns the fields left as someone else made
    /// them since.
    async fn flip(
        &self,
        account: &AccountId,
        action: &mut UndoAction,
        redo: bool,
    ) -> Result<Vec<&'static str>> {
        match action {
            UndoAction::Created {
                calendar,
                id,
                trash,
            } => self
                .flip_presence(account, calendar, id, trash, redo)
                .await
                .map(|()| Vec::new()),
            UndoAction::Deleted {
                calendar,
                id,
                trash,
            } => self
                .flip_presence(account, calendar, id, trash, !redo)
                .await
                .map(|()| Vec::new()),
            UndoAction::Updated {
                calendar,
                id,
                scope,
                before,
                after,
            } => {
                let (made, wanted) = if redo {
                    (&**before, &**after)
                } else {
                    (&**after, &**before)
                };
                let (made, wanted) = (made.clone(), wanted.clone());
                let (c, e, scope) = (calendar.clone(), id.clone(), *scope);
                let opts = EditOptions::default();
                self.edit(account, vec![calendar.clone()], move |s, a| {
                    // What the event holds now: a field changed since is not taken back.
                    let current = match scope {
                        None => s
                            .get_event(a, &c, &e)?
                            .map(|r| (*r.event).clone())
                            .ok_or_else(|| Error::NotFound(format!("event {e} is gone")))?,
                        Some(scope) => series::edit_base(s, a, &c, &e, scope)?,
                    };
                    let (target, kept) = take_back(&current, &made, &wanted);
                    let changes = changes_between(&current, &target);
                    if changes != EventChanges::default() {
                        match scope {
                            None => drop(edit::update_event(s, a, &c, &e, &changes, &opts)?),
                            Some(scope) => drop(series::update_occurrence(
                                s, a, &c, &e, &changes, scope, &opts,
                            )?),
                        }
                    }
                    Ok(kept)
                })
                .await
            }
            UndoAction::Moved { from, to, id } => {
                let (src, dst) = if redo { (&*from, &*to) } else { (&*to, &*from) };
                let (f, t, e) = (src.clone(), dst.clone(), id.clone());
                let opts = EditOptions::default();
                self.edit(account, vec![f.clone(), t.clone()], move |s, a| {
                    edit::move_event(s, a, &f, &e, &t, &opts).map(|_| Vec::new())
                })
                .await
            }
            UndoAction::Responded {
                calendar,
                id,
                before,
                after,
            } => {
                let answer = if redo { after.clone() } else { before.clone() };
                let (c, e) = (calendar.clone(), id.clone());
                let opts = EditOptions::default();
                self.edit(account, vec![calendar.clone()], move |s, a| {
                    edit::respond(s, a, &c, &e, &answer, &opts).map(|_| Vec::new())
                })
                .await
            }
            UndoAction::NotUndoable { .. } => Err(Error::InvalidInput(
                "this change cannot be undone from Chronos (a series split or a deleted occurrence); \
                 the change before it can be"
                    .into(),
            )),
        }
    }

    /// Brings an event back from the trash (`present`), or deletes it into the trash again.
    async fn flip_presence(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &mut EventId,
        trash: &mut Option<TrashId>,
        present: bool,
    ) -> Result<()> {
        if present {
            let entry = trash.ok_or_else(|| {
                Error::NotFound("the deleted event is no longer in the trash".into())
            })?;
            let opts = EditOptions::default();
            self.edit(account, vec![calendar.clone()], move |s, a| {
                restore::restore_from_trash(s, a, entry, &opts)
            })
            .await?;
            return Ok(());
        }
        // Restored as a copy (Google had no tombstone to bring back): the copy is the event now.
        if let Some(entry) = *trash {
            let kept = self.inner.store.call(move |s| s.trash_entry(entry)).await?;
            if let Some(copy) = kept
                .filter(|e| e.state == crate::store::TrashState::RestoredAsCopy)
                .and_then(|e| e.restored_as)
            {
                *id = copy;
            }
        }
        let (c, e) = (calendar.clone(), id.clone());
        let opts = EditOptions::default();
        self.edit(account, vec![calendar.clone()], move |s, a| {
            edit::delete_event(s, a, &c, &e, &opts)
        })
        .await?;
        let (a, c, e) = (account.clone(), calendar.clone(), id.clone());
        *trash = self
            .inner
            .store
            .call(move |s| s.latest_trash_for(&a, &c, &e))
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventDateTime;

    fn ev(summary: &str, start: &str, location: Option<&str>) -> EventResource {
        EventResource {
            summary: Some(summary.into()),
            location: location.map(str::to_owned),
            start: Some(EventDateTime {
                date_time: Some(start.into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn changes_between_sets_only_what_differs_and_clears_what_went() {
        let a = ev("Lunch", "2026-12-07T12:00:00Z", Some("Canteen"));
        let b = ev("Lunch", "2026-12-07T13:00:00Z", None);
        let c = changes_between(&a, &b);
        assert_eq!(c.summary, None);
        assert_eq!(
            c.start.and_then(|s| s.date_time).as_deref(),
            Some("2026-12-07T13:00:00Z")
        );
        assert_eq!(c.location, Some(None), "the place is cleared");
        let back = changes_between(&b, &a);
        assert_eq!(back.location, Some(Some("Canteen".into())));
        assert_eq!(changes_between(&a, &a), EventChanges::default());
    }

    #[test]
    fn taking_back_leaves_what_someone_else_changed_since() {
        let before = ev("Lunch", "2026-12-07T12:00:00Z", Some("Canteen"));
        let after = ev("Team lunch", "2026-12-07T13:00:00Z", Some("Canteen"));
        // Nobody else touched it: everything goes back.
        let (target, kept) = take_back(&after, &after, &before);
        assert_eq!(target, before);
        assert!(kept.is_empty());
        // Google's copy got another title since: the title stays, the time goes back.
        let now = ev("Offsite lunch", "2026-12-07T13:00:00Z", Some("Canteen"));
        let (target, kept) = take_back(&now, &after, &before);
        assert_eq!(target.summary.as_deref(), Some("Offsite lunch"));
        assert_eq!(target.start, before.start);
        assert_eq!(kept, ["title"]);
    }
}
