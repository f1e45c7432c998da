//! Settings taking effect in the engine: the display zone they choose, and a change applied.

use super::{Settings, SettingsStore};
use crate::error::{Error, Result};
use crate::service::Chronos;
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// The zone the Google account uses (`settings` → `timezone`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct AccountTimeZone {
    pub account_id: String,
    /// IANA name, e.g. "Asia/Kolkata".
    pub time_zone: String,
}

impl Chronos {
    /// The first connected account's own time zone: from the local copy, from Google when that
    /// is older than a day or `refresh` is set. `None` with no account, or when Google's zone is
    /// one Chronos does not know. An unreachable Google with nothing saved is an error.
    pub async fn first_account_time_zone(&self, refresh: bool) -> Result<Option<AccountTimeZone>> {
        let Some(first) = self.accounts().await?.into_iter().next() else {
            return Ok(None);
        };
        let zone = if refresh {
            self.refresh_account_time_zone(&first.id).await?
        } else {
            self.account_time_zone(&first.id).await?
        };
        Ok(zone.map(|z| AccountTimeZone {
            account_id: first.id.as_str().to_owned(),
            time_zone: z.name().to_owned(),
        }))
    }

    /// The zone a window shows times in: the account's own zone when the user follows it and it
    /// is known, else the chosen display zone, else the system's (`None`).
    pub async fn display_zone(&self, settings: &Settings) -> Option<chrono_tz::Tz> {
        if settings.follow_account_time_zone {
            if let Ok(Some(zone)) = self.first_account_time_zone(false).await {
                if let Ok(tz) = zone.time_zone.parse() {
                    return Some(tz);
                }
            }
        }
        settings.display_zone()
    }

    /// Saves `new` and applies what the engine owns: the sync interval at once, and a changed
    /// push address (the engine reopens its channels) before anything is saved, so a refused
    /// address leaves the old settings in place.
    pub async fn apply_settings(&self, store: &SettingsStore, new: Settings) -> Result<Settings> {
        let new = new.validated()?;
        if new.push_address != store.get().push_address {
            self.set_push_address(new.push_address.clone())
                .await
                .map_err(|e| match e.kind() {
                    crate::ErrorKind::InvalidInput => {
                        Error::invalid_field("pushAddress", e.to_string())
                    }
                    _ => e,
                })?;
        }
        let saved = store.set(new)?;
        self.set_sync_interval(saved.sync_interval());
        self.apply_safety_settings(&saved);
        Ok(saved)
    }

    /// The trash's retention and the mass-deletion guard's limits (both already validated).
    pub fn apply_safety_settings(&self, settings: &Settings) {
        for result in [
            self.set_trash_retention_days(settings.trash_retention_days),
            self.set_mass_deletion_guard(settings.mass_deletion),
        ] {
            if let Err(e) = result {
                tracing::warn!(kind = e.kind().as_str(), "a safety setting was refused");
            }
        }
    }

    /// The background work a front end starts once the engine is open: the scheduler, and the
    /// saved push address (a refused one is logged; syncing falls back to polling).
    pub async fn start_background(&self, settings: &Settings) {
        self.apply_safety_settings(settings);
        self.start_scheduler();
        let Some(address) = settings.push_address.clone() else {
            return;
        };
        if let Err(e) = self.set_push_address(Some(address)).await {
            tracing::warn!(
                kind = e.kind().as_str(),
                "the saved push address was refused"
            );
        }
    }
}
