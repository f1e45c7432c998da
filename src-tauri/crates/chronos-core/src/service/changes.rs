//! Local changes on their way to Google and conflicts waiting for the user, as front ends read
//! and settle them.

use super::Chronos;
use crate::error::{Error, Result};
use crate::model::AccountId;
use crate::outbox::conflicts::{self, PendingChange, Resolution};
use crate::store::{ConflictId, OutboxId, StoredConflict};
use crate::view::{PendingChangeView, ResolutionInput};

/// An id the page sends: a number, else an `invalid_input` on its field.
fn parse_id(field: &'static str, s: &str) -> Result<i64> {
    s.parse()
        .map_err(|_| Error::invalid_field(field, "not a change id"))
}

/// A lookup's `not_found` in the words the page shows.
fn gone(e: Error, message: &str) -> Error {
    match e.kind() {
        crate::ErrorKind::NotFound => Error::NotFound(message.to_owned()),
        _ => e,
    }
}

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

    /// Every account's queued changes in the page's shape (conflicts are listed on their own).
    pub async fn pending_change_views(&self) -> Result<Vec<PendingChangeView>> {
        let mut out = Vec::new();
        for account in self.accounts().await? {
            let changes = self.list_pending_changes(&account.id).await?;
            let views = changes
                .into_iter()
                .filter_map(|c| crate::view::change::view(&account.id, c));
            out.extend(views);
        }
        Ok(out)
    }

    /// The account and id of a change the page names by its id alone.
    async fn change_by_id(&self, change_id: &str) -> Result<(AccountId, OutboxId)> {
        let id = OutboxId(parse_id("changeId", change_id)?);
        let account = self.change_account(id).await;
        let account = account.map_err(|e| gone(e, "this change is no longer pending"))?;
        self.user_activity();
        Ok((account, id))
    }

    /// `retry_change` for a change the page names by its id alone (the user's doing).
    pub async fn retry_change_by_id(&self, change_id: &str) -> Result<()> {
        let (account, id) = self.change_by_id(change_id).await?;
        self.retry_change(&account, id).await
    }

    /// `discard_change` for a change the page names by its id alone (the user's doing).
    pub async fn discard_change_by_id(&self, change_id: &str) -> Result<()> {
        let (account, id) = self.change_by_id(change_id).await?;
        self.discard_change(&account, id).await
    }

    /// `resolve_conflict` for a conflict the page names by its id alone (the user's doing).
    pub async fn resolve_conflict_by_id(
        &self,
        conflict_id: &str,
        how: ResolutionInput,
    ) -> Result<()> {
        let id = ConflictId(parse_id("conflictId", conflict_id)?);
        let account = self.conflict_account(id).await;
        let account = account.map_err(|e| gone(e, "this conflict is already resolved"))?;
        self.user_activity();
        self.resolve_conflict(&account, id, how.into()).await
    }
}
