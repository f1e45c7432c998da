//! The trash through the façade: what it holds, restoring from it, and its expiry.

use super::*;
use crate::outbox::restore;
use crate::store::{TrashEntry, TrashId};

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
        self.inner.store.call(move |s| s.purge_trash(cutoff)).await
    }
}
