//! Local changes on their way to Google and conflicts waiting for the user, as front ends read
//! and settle them.

use super::Chronos;
use crate::error::{Error, Result};
use crate::model::AccountId;
use crate::outbox::conflicts::{self, PendingChange, Resolution};
use crate::store::{ConflictId, OutboxId, StoredConflict};

impl Chronos {
    /// Queued changes with their states, and open conflict records.
    pub async fn list_pending_changes(&self, account: &AccountId) -> Result<Vec<PendingChange>> {
        let a = account.clone();
        self.inner
            .store
            .call(move |s| conflicts::list_pending_changes(s, &a))
            .await
    }

    /// Puts a failed change back in the queue and pushes at once.
    pub async fn retry_change(&self, account: &AccountId, id: OutboxId) -> Result<()> {
        self.edit(account, Vec::new(), move |s, a| {
            conflicts::retry_change(s, a, id)
        })
        .await
    }

    /// Drops a queued change; the local event returns to what Google has.
    pub async fn discard_change(&self, account: &AccountId, id: OutboxId) -> Result<()> {
        self.edit(account, Vec::new(), move |s, a| {
            conflicts::discard_change(s, a, id)
        })
        .await
    }

    /// Keep mine, keep theirs, or re-apply one field; what it queues is pushed at once.
    pub async fn resolve_conflict(
        &self,
        account: &AccountId,
        id: ConflictId,
        how: Resolution,
    ) -> Result<()> {
        self.edit(account, Vec::new(), move |s, a| {
            conflicts::resolve_conflict(s, a, id, &how)
        })
        .await
    }

    /// The account a conflict record belongs to, for callers that know only its id.
    pub async fn conflict_account(&self, id: ConflictId) -> Result<AccountId> {
        self.inner
            .store
            .call(move |s| s.find_conflict(id))
            .await?
            .map(|c| c.account)
            .ok_or_else(|| Error::NotFound(format!("conflict {} is already resolved", id.0)))
    }

    /// Local changes of the account not yet on Google (read from the store).
    pub async fn pending_count(&self, account: &AccountId) -> Result<usize> {
        let a = account.clone();
        self.inner
            .store
            .call(move |s| s.pending_count(Some(&a)))
            .await
    }

    /// Open conflict records of one account, or of all with `None`.
    pub async fn list_conflicts(&self, account: Option<&AccountId>) -> Result<Vec<StoredConflict>> {
        let a = account.cloned();
        self.inner
            .store
            .call(move |s| s.list_conflicts(a.as_ref()))
            .await
    }

    /// The account a queued change belongs to, for callers that know only its id.
    pub async fn change_account(&self, id: OutboxId) -> Result<AccountId> {
        self.inner
            .store
            .call(move |s| s.get_outbox(id))
            .await?
            .map(|e| e.account)
            .ok_or_else(|| Error::NotFound(format!("change {} is no longer pending", id.0)))
    }
}
