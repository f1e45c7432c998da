//! The trash through the façade: what it holds, restoring from it, and its expiry.

use super::*;
use crate::outbox::restore;
use crate::store::{TrashEntry, TrashId};

/// A trash entry's id as text (the page's and the CLI's form).
pub fn parse_trash_id(id: &str) -> Result<TrashId> {
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(TrashId)
        .ok_or_else(|| Error::InvalidInput(format!("\"{id}\" is not a trash entry id")))
}

/// How long the trash keeps an event unless the options say otherwise.
pub const DEFAULT_TRASH_RETENTION_DAYS: u32 = 30;

impl Chronos {
    /// The trash, newest first (optionally of one account).
    pub async fn list_trash(&self, account: Option<&AccountId>) -> Result<Vec<TrashEntry>> {
        let a = account.cloned();
        self.inner
            .store
            .call(move |s| s.list_trash(a.as_ref()))
            .await
    }

    /// Brings a trashed event back on Google, through the outbox (so offline it waits, and a
    /// failure is retried). Restoring an entry already restored, or being restored, queues
    /// nothing: the entry is returned as it stands.
    pub async fn restore_from_trash(
        &self,
        account: &AccountId,
        id: TrashId,
        opts: EditOptions,
    ) -> Result<TrashEntry> {
        let a = account.clone();
        let calendar = self
            .inner
            .store
            .call(move |s| {
                s.trash_entry(id)?
                    .filter(|e| e.account == a)
                    .map(|e| e.calendar)
                    .ok_or_else(|| {
                        Error::NotFound(format!("trash entry {} of {a} not found", id.0))
                    })
            })
            .await?;
        self.edit(account, vec![calendar], move |s, a| {
            restore::restore_from_trash(s, a, id, &opts)
        })
        .await
    }

    /// The trash as views show it, newest first.
    pub async fn trash_views(&self) -> Result<Vec<crate::view::TrashEntryView>> {
        let entries = self.list_trash(None).await?;
        let names: HashMap<(String, String), String> = self
            .calendar_views(None)
            .await?
            .into_iter()
            .map(|c| ((c.account_id, c.id), c.summary))
            .collect();
        Ok(entries
            .iter()
            .map(|e| {
                let key = (
                    e.account.as_str().to_owned(),
                    e.calendar.as_str().to_owned(),
                );
                let name = names
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| e.calendar.as_str().to_owned());
                crate::view::trash::view(e, name)
            })
            .collect())
    }

    /// Restores an entry named by its id as the page holds it (text).
    pub async fn restore_trash_entry(
        &self,
        id: &str,
        opts: EditOptions,
    ) -> Result<crate::view::TrashEntryView> {
        let id = parse_trash_id(id)?;
        let account = self
            .inner
            .store
            .call(move |s| s.trash_entry(id))
            .await?
            .map(|e| e.account)
            .ok_or_else(|| Error::NotFound(format!("trash entry {} not found", id.0)))?;
        let entry = self.restore_from_trash(&account, id, opts).await?;
        let name = match self.calendar_view(&entry.account, &entry.calendar).await {
            Ok(c) => c.summary,
            Err(_) => entry.calendar.as_str().to_owned(),
        };
        Ok(crate::view::trash::view(&entry, name))
    }

    /// How many days the trash keeps an event.
    pub fn trash_retention_days(&self) -> u32 {
        *self.inner.trash_retention_days.lock().unwrap()
    }

    /// Changes how many days the trash keeps an event (at least one).
    pub fn set_trash_retention_days(&self, days: u32) -> Result<()> {
        if days == 0 {
            return Err(Error::InvalidInput(
                "the trash keeps events for at least one day".into(),
            ));
        }
        *self.inner.trash_retention_days.lock().unwrap() = days;
        Ok(())
    }

    /// Drops what the trash has kept longer than its retention (by the engine's clock), except
    /// entries whose restore is still queued. Run after every sync run; returns how many went.
    pub async fn purge_trash(&self) -> Result<usize> {
        let days = i64::from(self.trash_retention_days());
        let cutoff = self.inner.clock.now() - chrono::Duration::days(days);
        self.inner
            .store
            .call(move |s| {
                s.purge_journal(cutoff)?;
                s.purge_trash(cutoff)
            })
            .await
    }
}
