//! A calendar named on the command line by its id alone: which accounts have it.

use anyhow::Result;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::service::Chronos;

/// The accounts (of `account`, if given) with a calendar `cal`; each command says what none or
/// several mean for it.
pub async fn owners(
    chronos: &Chronos,
    account: Option<&AccountId>,
    cal: &CalendarId,
) -> Result<Vec<AccountId>> {
    Ok(chronos
        .calendars(account)
        .await?
        .into_iter()
        .filter(|c| &c.entry.id == cal)
        .map(|c| c.account)
        .collect())
}
