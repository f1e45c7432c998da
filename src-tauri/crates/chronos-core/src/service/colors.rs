//! The account's colour palette (`colors.get`), for what a calendar's or an event's `colorId` means.
//!
//! Google's palette rarely changes, so it is asked for at most once a day per account (or when
//! the caller forces it) and kept sealed in the store: the app colours events offline and at
//! start-up without a request. A failed fetch keeps the saved palette; only an account that never
//! had one gets the error.

use super::Chronos;
use crate::error::{Error, Result};
use crate::google::Colors;
use crate::model::AccountId;
use crate::store::{AccountMeta, AccountMetaKey};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long a fetched palette is trusted before Google is asked again.
pub const COLORS_FRESH_FOR: chrono::Duration = chrono::Duration::hours(24);

/// What is sealed in the store: the palette and when it was fetched by the engine's clock (the
/// store's own stamp is the wall clock, which tests cannot move).
#[derive(Serialize, Deserialize)]
struct Saved {
    colors: Colors,
    fetched: DateTime<Utc>,
}

impl Chronos {
    /// The account's palette: the saved one while it is fresh, else Google's (saved for next
    /// time). When Google cannot be reached (or the shell said the network is down) a saved
    /// palette of any age answers; with none saved, the fetch's error (kind `offline`, `server`…).
    pub async fn colors(&self, account: &AccountId) -> Result<Colors> {
        self.colors_with(account, false).await
    }

    /// As [`Chronos::colors`], but asks Google even when the saved palette is fresh (e.g. on
    /// "Sync now"); still falls back to the saved one when Google cannot be reached.
    pub async fn refresh_colors(&self, account: &AccountId) -> Result<Colors> {
        self.colors_with(account, true).await
    }

    /// The saved palette and when it was fetched, without asking Google (`None`: never fetched,
    /// or no longer readable after a data-key recovery).
    pub async fn saved_colors(&self, account: &AccountId) -> Result<Option<AccountMeta<Colors>>> {
        let a = account.clone();
        let saved = self
            .inner
            .store
            .call(move |s| s.account_meta::<Saved>(&a, AccountMetaKey::Colors))
            .await?;
        Ok(saved.map(|m| AccountMeta {
            value: m.value.colors,
            fetched: m.value.fetched,
        }))
    }

    async fn colors_with(&self, account: &AccountId, force: bool) -> Result<Colors> {
        let a = account.clone();
        let known = self.inner.store.call(move |s| s.get_account(&a)).await?;
        if known.is_none() {
            return Err(Error::NotFound(format!(
                "account {account} is not connected"
            )));
        }
        let saved = self.saved_colors(account).await?;
        let now = self.inner.clock.now();
        let offline = *self.inner.online.lock().unwrap() == Some(false);
        if let Some(s) = &saved {
            if offline || (!force && now - s.fetched < COLORS_FRESH_FOR) {
                return Ok(s.value.clone());
            }
        }
        if offline {
            return Err(Error::Network(
                "the network is down and no colour palette is saved for this account".into(),
            ));
        }
        match self.client(account).get_colors().await {
            Ok(fetched) => {
                if let Some(s) = &saved {
                    if s.value.updated != fetched.updated {
                        tracing::info!(%account, "Google's colour palette changed");
                    }
                }
                let (a, value) = (
                    account.clone(),
                    Saved {
                        colors: fetched.clone(),
                        fetched: now,
                    },
                );
                self.inner
                    .store
                    .call(move |s| s.put_account_meta(&a, AccountMetaKey::Colors, &value))
                    .await?;
                Ok(fetched)
            }
            Err(e) => match saved {
                Some(s) => {
                    tracing::info!(%account, kind = e.kind().as_str(), "colour palette not refreshed; using the saved one");
                    Ok(s.value)
                }
                None => {
                    tracing::warn!(%account, kind = e.kind().as_str(), "no colour palette: Google could not be asked and none is saved");
                    Err(e)
                }
            },
        }
    }
}
