//! Sync health as views show it: one row a calendar, and the mass deletions still to review.

use crate::view::sync::UiEvent;
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// `health://mass-deletion`: a sync just removed many events of a calendar; the page shows its
/// banner (it lists the mass deletions again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct MassDeletionFound {
    pub account_id: String,
    pub calendar_id: String,
    pub count: u32,
}

impl UiEvent for MassDeletionFound {
    const NAME: &'static str = "health://mass-deletion";
}

/// A calendar's failure: the current one (its last sync failed) or the last one before a
/// later success.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct HealthError {
    /// An `ErrorKind` word (`network`, `server`, `needs_reauth`, …).
    pub kind: String,
    pub message: String,
    /// RFC 3339.
    pub at: String,
    /// The calendar's last sync failed with it (else a later sync succeeded).
    pub current: bool,
}

/// Push notifications for a calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum PushState {
    /// No channel: the calendar is polled.
    None,
    Active,
    /// The channel's expiry has passed and it was not renewed yet.
    Expired,
}

/// One calendar's sync health.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct CalendarHealthView {
    pub account_id: String,
    pub calendar_id: String,
    pub name: String,
    pub background_color: String,
    /// RFC 3339: the end of the last sync that completed (full or incremental).
    pub last_success: Option<String>,
    pub last_error: Option<HealthError>,
    pub events_stored: u32,
    pub pending_changes: u32,
    /// `false`: Google gives this calendar no sync token; every sync lists it in full.
    pub incremental: bool,
    /// Full re-syncs Google forced (410) in the last 30 days.
    pub resyncs_after_gone: u32,
    pub push: PushState,
    /// RFC 3339, with an active or expired channel.
    pub push_expires: Option<String>,
    /// A full sync is under way or was interrupted (the next sync continues it).
    pub full_sync_in_progress: bool,
}

/// A sync that removed many events of a calendar at once, still to review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct MassDeletionView {
    /// The journal entry's id (as text: ids cross to the page as strings).
    pub id: String,
    pub account_id: String,
    pub calendar_id: String,
    pub calendar_name: String,
    /// How many events the sync removed.
    pub count: u32,
    /// How many of them are still in the trash (not restored yet).
    pub restorable: u32,
    /// RFC 3339.
    pub at: String,
}

/// What *Restore all* queued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct RestoreAllReport {
    /// Restores queued (each goes to Google through the outbox).
    pub queued: u32,
    /// Entries that could not be queued, with why.
    pub failed: Vec<String>,
}

impl MassDeletionView {
    /// The banner's sentence: "87 events were deleted from Work on Google".
    pub fn sentence(&self) -> String {
        let events = if self.count == 1 {
            "event was"
        } else {
            "events were"
        };
        format!(
            "{} {events} deleted from {} on Google",
            self.count, self.calendar_name
        )
    }
}
