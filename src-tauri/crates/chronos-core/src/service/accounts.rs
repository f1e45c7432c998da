//! Accounts through the façade: connecting, reconnecting, listing and disconnecting.

use super::*;
use crate::launch::{AutoConnect, Mode};

/// An account as the front ends list it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub id: AccountId,
    pub status: AccountStatus,
    pub calendars: usize,
    pub selected_calendars: usize,
    /// Local changes not yet on Google.
    pub pending_changes: usize,
}

impl Chronos {
    /// Signs an account in through the browser (`open_url` opens the authorization URL: the
    /// system browser, or [`auth::open_without_browser`] against an auto-approving emulator),
    /// stores its tokens, and schedules its first sync. Reconnecting an account clears *needs
    /// re-auth*.
    pub async fn connect_account<F, Fut>(&self, open_url: F) -> Result<AccountId>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let signed = auth::sign_in(
            &self.inner.endpoint,
            &*self.inner.clock,
            self.inner.options.sign_in.clone(),
            open_url,
        )
        .await?;
        self.finish_connect(signed).await
    }

    /// A start of demo mode (see [`AutoConnect::at_start`]): with no account connected yet and
    /// auto-connect on, signs the demo account in through the auto-approving emulator, so the
    /// first sync fills the calendar without a click. Called once, at start-up. The first sync is
    /// the scheduler's start-up run when it has yet to start, else a run asked for now.
    pub async fn connect_demo_at_start(
        &self,
        auto: AutoConnect,
        mode: &Mode,
    ) -> Result<Option<AccountId>> {
        let store = self.inner.store.clone();
        let connected = blocking(move || Ok(store.list_accounts()?.len())).await?;
        if !auto.at_start(mode, connected) {
            return Ok(None);
        }
        let account = self.connect_account(auth::open_without_browser).await?;
        let scheduler = &self.inner.scheduler;
        if scheduler.is_started() || !scheduler.config().sync_on_startup {
            self.request_sync(Some(&account));
        }
        tracing::info!("demo account connected at start");
        Ok(Some(account))
    }

    /// Signs in again for `expected` (after *needs re-auth*), with the account chooser pre-set
    /// to it. A sign-in as any other account changes nothing: its new grant is revoked (unless
    /// that account is connected here too, whose grant Google would revoke along with it) and
    /// the error says who signed in.
    pub async fn reconnect_account<F, Fut>(
        &self,
        expected: &AccountId,
        open_url: F,
    ) -> Result<AccountId>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let mut options = self.inner.options.sign_in.clone();
        options.login_hint = Some(expected.as_str().to_owned());
        let signed =
            auth::sign_in(&self.inner.endpoint, &*self.inner.clock, options, open_url).await?;
        if &signed.account != expected {
            let (store, other) = (self.inner.store.clone(), signed.account.clone());
            let other_connected =
                blocking(move || Ok(store.get_account(&other)?.is_some())).await?;
            if !other_connected {
                if let Err(e) = self.inner.endpoint.revoke(&signed.tokens).await {
                    tracing::warn!(
                        kind = e.kind().as_str(),
                        "could not revoke the grant of a sign-in as the wrong account"
                    );
                }
            }
            return Err(Error::InvalidInput(format!(
                "signed in as {}, not {expected}; sign in as {expected} to reconnect it (nothing was changed)",
                signed.account
            )));
        }
        self.finish_connect(signed).await
    }

    pub(super) async fn finish_connect(&self, signed: auth::SignedIn) -> Result<AccountId> {
        let account = signed.account.clone();
        self.inner
            .tokens
            .get(&account)
            .store_new(signed.tokens)
            .await?;
        let (store, a) = (self.inner.store.clone(), account.clone());
        blocking(move || {
            store.upsert_account(&a)?;
            store.set_account_status(&a, StoredAccountStatus::Active)
        })
        .await?;
        self.inner.scheduler.add_account(&account).resume();
        self.inner.feed.connected(&account);
        if let Some(push) = self.push_service() {
            // Opening channels makes requests: not on the sign-in path.
            let client = self.client(&account);
            let a = account.clone();
            tokio::spawn(async move {
                push.add_account(&a, client).await;
            });
        }
        tracing::info!("account connected");
        Ok(account)
    }

    /// One account as the account list shows it now.
    pub fn account_item(&self, account: &AccountId) -> crate::view::AccountListItem {
        crate::view::AccountListItem::of(account, &self.account_status(account))
    }

    /// The account list as the window shows it: each account with its state from the feed (no
    /// calendar or outbox counts, which the window does not show there).
    pub async fn account_list(&self) -> Result<Vec<crate::view::AccountListItem>> {
        let store = self.inner.store.clone();
        let accounts = blocking(move || store.list_accounts()).await?;
        Ok(accounts
            .iter()
            .map(|a| crate::view::AccountListItem::of(&a.id, &self.account_status(&a.id)))
            .collect())
    }

    pub async fn accounts(&self) -> Result<Vec<AccountSummary>> {
        let store = self.inner.store.clone();
        let rows = blocking(move || {
            let mut out = Vec::new();
            for a in store.list_accounts()? {
                let cals = store.list_calendars(Some(&a.id), false)?;
                let selected = cals.iter().filter(|c| c.selected).count();
                let pending = store.pending_count(Some(&a.id))?;
                out.push((a.id, cals.len(), selected, pending));
            }
            Ok(out)
        })
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, calendars, selected_calendars, pending_changes)| AccountSummary {
                    status: self.inner.feed.status(&id),
                    id,
                    calendars,
                    selected_calendars,
                    pending_changes,
                },
            )
            .collect())
    }

    /// Revokes the grant at Google, deletes the tokens and every local trace of the account.
    /// A revocation that cannot reach Google does not keep the tokens: they are deleted anyway.
    pub async fn disconnect(&self, account: &AccountId) -> Result<()> {
        if let Some(push) = self.push_service() {
            // Stopping a channel needs the token: before the revocation.
            let r = push.channels().remove_account(account).await;
            tracing::info!(
                stopped = r.stopped.len(),
                "push channels of the account stopped"
            );
        }
        let tokens = self.inner.tokens.get(account);
        if let Err(e) = tokens.revoke().await {
            tracing::warn!(
                kind = e.kind().as_str(),
                "could not revoke the grant at Google; deleting the tokens anyway"
            );
            tokens.delete_tokens().await?;
        }
        self.inner.scheduler.remove_account(account);
        self.inner.clients.lock().unwrap().remove(account);
        let (store, a) = (self.inner.store.clone(), account.clone());
        let existed = blocking(move || store.delete_account(&a)).await?;
        self.inner.feed.remove(account);
        if !existed {
            return Err(Error::NotFound(format!(
                "account {account} is not connected"
            )));
        }
        Ok(())
    }
}
