//! The account's own time zone (`settings` → `timezone`), for a display that follows it.
//!
//! Asked of Google at most once a day per account and kept (sealed) in the store, so the display
//! zone is known offline and at start-up without a request; a failed refresh keeps the old value.

use super::Chronos;
use crate::error::{Error, Result};
use crate::model::AccountId;
use crate::store::AccountMetaKey;

/// How long a fetched zone is trusted before Google is asked again.
const FRESH_FOR: chrono::Duration = chrono::Duration::hours(24);

impl Chronos {
    /// The account's time zone as set in Google Calendar (an IANA name), from the cache when it
    /// is fresh, else from Google. `Ok(None)` when Google has none that Chronos understands and
    /// nothing is cached. An unreachable Google with a cached value answers with the cached one;
    /// with nothing cached, the error.
    pub async fn account_time_zone(&self, account: &AccountId) -> Result<Option<chrono_tz::Tz>> {
        self.account_time_zone_with(account, false).await
    }

    /// As `account_time_zone`, but always asks Google first (after the user changed it there).
    pub async fn refresh_account_time_zone(
        &self,
        account: &AccountId,
    ) -> Result<Option<chrono_tz::Tz>> {
        self.account_time_zone_with(account, true).await
    }

    async fn account_time_zone_with(
        &self,
        account: &AccountId,
        force: bool,
    ) -> Result<Option<chrono_tz::Tz>> {
        let store = self.inner.store.clone();
        let a = account.clone();
        if store.get_account(&a)?.is_none() {
            return Err(Error::NotFound(format!(
                "account {account} is not connected"
            )));
        }
        let cached =
            super::blocking(move || store.account_meta::<String>(&a, AccountMetaKey::TimeZone))
                .await?;
        // The store stamps values with the wall clock, so freshness is judged by it too.
        let now = chrono::Utc::now();
        if let Some(c) = &cached {
            if !force && now - c.fetched < FRESH_FOR {
                return Ok(c.value.parse().ok());
            }
        }
        match self.client(account).get_setting("timezone").await {
            Ok(setting) => {
                let zone = setting.value.parse::<chrono_tz::Tz>().ok();
                if zone.is_none() {
                    tracing::warn!(account = %account, "the account's time zone is not an IANA name Chronos knows");
                }
                let store = self.inner.store.clone();
                let a = account.clone();
                let value = setting.value;
                super::blocking(move || {
                    store.put_account_meta(&a, AccountMetaKey::TimeZone, &value)
                })
                .await?;
                Ok(zone)
            }
            Err(e) => match cached {
                Some(c) => {
                    tracing::info!(account = %account, kind = e.kind().as_str(), "account time zone not refreshed; using the saved one");
                    Ok(c.value.parse().ok())
                }
                None => Err(e),
            },
        }
    }
}
