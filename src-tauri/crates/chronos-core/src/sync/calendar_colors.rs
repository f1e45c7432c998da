//! The user's calendar colours, sent to Google (`calendarList.patch`).
//!
//! A colour change is stored first and shown at once. Google then gets it right away if it can
//! be reached; otherwise (offline, rate limits, server trouble, sign-in needed) it waits,
//! marked pending, and every sync run sends it before pulling. The user asked for the colours
//! everywhere, so an unreachable Google does not undo them: it only delays them. A change
//! Google refuses (no such calendar, bad input, forbidden) is undone when the user is waiting
//! for the answer, and kept on this computer only when it was a later retry.

use crate::error::{ErrorKind, Result};
use crate::google::GoogleClient;
use crate::model::{AccountId, CalendarColors, CalendarId};
use crate::store::Store;
use serde::Serialize;
use std::sync::Arc;

/// Where a colour change stands once [`send`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ColorChange {
    /// Google has the colours.
    OnGoogle,
    /// Google could not be reached: the colours are shown here and sent by the next sync.
    Pending,
}

/// Google said no for good: sending again would get the same answer.
fn refused(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Forbidden | ErrorKind::NotFound | ErrorKind::InvalidInput | ErrorKind::Conflict
    )
}

/// Sends the colours stored for `calendar` (already marked pending). A refusal is the error;
/// anything that may pass later leaves the change pending.
pub(crate) async fn send(
    store: &Arc<Store>,
    client: &GoogleClient,
    account: &AccountId,
    calendar: &CalendarId,
    colors: &CalendarColors,
) -> Result<ColorChange> {
    match client.patch_calendar_colors(calendar, colors).await {
        Ok(entry) => {
            let (a, sent) = (account.clone(), colors.clone());
            store
                .call(move |s| s.calendar_colors_sent(&a, &entry, &sent))
                .await?;
            Ok(ColorChange::OnGoogle)
        }
        Err(e) if refused(e.kind()) => Err(e),
        Err(e) => {
            tracing::info!(%account, kind = e.kind().as_str(), "calendar colours not sent yet; the next sync sends them");
            Ok(ColorChange::Pending)
        }
    }
}

/// Sends every pending colour change of the account (each sync run, before its pull).
pub async fn send_pending(store: &Arc<Store>, client: &GoogleClient, account: &AccountId) {
    let a = account.clone();
    let pending = match store.call(move |s| s.pending_calendar_colors(&a)).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(
                kind = e.kind().as_str(),
                "pending calendar colours could not be read"
            );
            return;
        }
    };
    for (calendar, colors) in pending {
        match send(store, client, account, &calendar, &colors).await {
            Ok(ColorChange::OnGoogle) => {
                tracing::info!(%account, %calendar, "pending calendar colours sent")
            }
            Ok(ColorChange::Pending) => return,
            Err(e) => {
                tracing::warn!(%account, %calendar, kind = e.kind().as_str(), "Google refused the calendar colours; they stay on this computer only");
                let (a, c) = (account.clone(), calendar.clone());
                if let Err(e) = store
                    .call(move |s| s.keep_calendar_colors_local(&a, &c))
                    .await
                {
                    tracing::warn!(
                        kind = e.kind().as_str(),
                        "could not stop resending refused calendar colours"
                    );
                }
            }
        }
    }
}
