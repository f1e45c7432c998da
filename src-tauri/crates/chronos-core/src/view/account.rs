//! An account as the window's account list shows it: who, in which of four states, synced when.

use crate::model::AccountId;
use crate::sync::status::AccountStatus;
use chrono::{DateTime, Utc};
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    Connected,
    NeedsReauth,
    Syncing,
    Error,
}

impl From<&AccountStatus> for AccountState {
    fn from(status: &AccountStatus) -> Self {
        match status {
            AccountStatus::NeedsReauth => AccountState::NeedsReauth,
            AccountStatus::Syncing { .. } => AccountState::Syncing,
            AccountStatus::Error { .. } | AccountStatus::Quota { .. } => AccountState::Error,
            AccountStatus::Idle | AccountStatus::UpToDate { .. } => AccountState::Connected,
        }
    }
}

/// One row of the account list (`AccountView` to the page).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(rename = "AccountView"))]
#[serde(rename_all = "camelCase")]
pub struct AccountListItem {
    /// The account's email address; it is the account id.
    pub id: String,
    pub status: AccountState,
    pub last_sync_at: Option<DateTime<Utc>>,
}

impl AccountListItem {
    pub fn of(id: &AccountId, status: &AccountStatus) -> Self {
        AccountListItem {
            id: id.as_str().to_owned(),
            status: AccountState::from(status),
            last_sync_at: status.last_sync(),
        }
    }
}
