//! The trash as views show it.

use crate::store::{TrashEntry, TrashReason, TrashState};
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// One event in the trash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct TrashEntryView {
    /// The entry's id (as text).
    pub id: String,
    pub account_id: String,
    pub calendar_id: String,
    pub calendar_name: String,
    pub title: String,
    /// The event's start as Google wrote it: a date (all day) or an RFC 3339 time.
    pub start: Option<String>,
    pub all_day: bool,
    /// `deleted_here`, `deleted_on_google`, `gone_in_full_sync`, `moved_to_unsynced_calendar`.
    pub reason: String,
    /// `trashed`, `restoring`, `restored`, `restored_as_copy`.
    pub state: String,
    /// RFC 3339.
    pub trashed_at: String,
    /// Who organised the event, when known (Google does not say who deleted it).
    pub organizer: Option<String>,
    /// What a restore as a copy could not bring back, in words.
    pub not_restored: Vec<String>,
}

pub fn reason_word(r: TrashReason) -> &'static str {
    match r {
        TrashReason::DeletedHere => "deleted_here",
        TrashReason::DeletedOnGoogle => "deleted_on_google",
        TrashReason::GoneInFullSync => "gone_in_full_sync",
        TrashReason::MovedToUnsyncedCalendar => "moved_to_unsynced_calendar",
    }
}

pub fn state_word(s: TrashState) -> &'static str {
    match s {
        TrashState::Trashed => "trashed",
        TrashState::Restoring => "restoring",
        TrashState::Restored => "restored",
        TrashState::RestoredAsCopy => "restored_as_copy",
    }
}

/// `calendar_name`: the calendar's name, or its id when it is no longer listed.
pub fn view(e: &TrashEntry, calendar_name: String) -> TrashEntryView {
    let ev = &e.event;
    let start = ev.start.as_ref();
    let organizer = ev.extra.get("organizer").and_then(|o| {
        o.get("displayName")
            .or_else(|| o.get("email"))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    });
    let not_restored = e
        .not_restored()
        .into_iter()
        .map(|n| match n {
            crate::store::NotRestored::GuestResponses { count } => {
                format!("{count} guests' answers (they are invited again)")
            }
            crate::store::NotRestored::Fields { names } => {
                format!("not copied: {}", names.join(", "))
            }
        })
        .collect();
    TrashEntryView {
        id: e.id.0.to_string(),
        account_id: e.account.as_str().to_owned(),
        calendar_id: e.calendar.as_str().to_owned(),
        calendar_name,
        title: ev
            .summary
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "(No title)".to_owned()),
        start: start.and_then(|s| s.date_time.clone().or_else(|| s.date.clone())),
        all_day: start.is_some_and(|s| s.date.is_some() && s.date_time.is_none()),
        reason: reason_word(e.reason).to_owned(),
        state: state_word(e.state).to_owned(),
        trashed_at: e.trashed.to_rfc3339(),
        organizer,
        not_restored,
    }
}
