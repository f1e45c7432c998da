//! `chronos-cli trash` and `chronos-cli restore`: the events kept after a deletion, and
//! bringing one back on Google.

use crate::output::clean;
use anyhow::{anyhow, Result};
use chronos_core::outbox::EditOptions;
use chronos_core::service::Chronos;
use chronos_core::store::{TrashEntry, TrashId, TrashReason, TrashState};
use serde_json::json;
use std::collections::HashMap;

pub const TRASH_JSON_HELP: &str = "\
--json prints one JSON object per line:
  id          the trash entry's id (for `chronos-cli restore ID`)
  account     the Google account
  calendar    the calendar's id; calendarName its name, or null
  eventId     the event's id
  title       the event's title, or null
  trashed     when it was trashed (RFC 3339, UTC)
  reason      deleted_here, deleted_on_google, gone_in_full_sync, moved_to_unsynced_calendar
  state       trashed, restoring, restored, restored_as_copy";

fn reason_text(r: TrashReason) -> &'static str {
    match r {
        TrashReason::DeletedHere => "deleted here",
        TrashReason::DeletedOnGoogle => "deleted on Google",
        TrashReason::GoneInFullSync => "gone from Google (full re-sync)",
        TrashReason::MovedToUnsyncedCalendar => "moved to a calendar not synced",
    }
}

fn state_text(s: TrashState) -> &'static str {
    match s {
        TrashState::Trashed => "",
        TrashState::Restoring => " [restoring]",
        TrashState::Restored => " [restored]",
        TrashState::RestoredAsCopy => " [restored as a new event]",
    }
}

/// Calendar names by (account, calendar id), for the listing.
async fn calendar_names(chronos: &Chronos) -> Result<HashMap<(String, String), String>> {
    Ok(chronos
        .calendars(None)
        .await?
        .into_iter()
        .filter_map(|c| {
            let name = c
                .entry
                .summary_override
                .clone()
                .or(c.entry.summary.clone())?;
            Some(((c.account.0.clone(), c.entry.id.0.clone()), name))
        })
        .collect())
}

fn entry_json(e: &TrashEntry, calendar_name: Option<&String>) -> serde_json::Value {
    json!({
        "id": e.id.0,
        "account": e.account,
        "calendar": e.calendar,
        "calendarName": calendar_name,
        "eventId": e.event_id,
        "title": e.event.summary,
        "trashed": e.trashed.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "reason": e.reason,
        "state": e.state,
    })
}

/// Lists the trash, newest first; the exit status (0).
pub async fn list(chronos: &Chronos, as_json: bool) -> Result<i32> {
    let entries = chronos.list_trash(None).await?;
    let names = calendar_names(chronos).await?;
    for e in &entries {
        let name = names.get(&(e.account.0.clone(), e.calendar.0.clone()));
        if as_json {
            println!("{}", entry_json(e, name));
        } else {
            println!(
                "{:>5}  {}  {}  ({}; {}){}",
                e.id.0,
                e.trashed.format("%Y-%m-%d %H:%M UTC"),
                clean(e.event.summary.as_deref().unwrap_or("(no title)")),
                clean(name.map(String::as_str).unwrap_or(e.calendar.as_str())),
                reason_text(e.reason),
                state_text(e.state),
            );
        }
    }
    if entries.is_empty() && !as_json {
        println!("The trash is empty.");
    }
    Ok(0)
}

/// Restores entry `id` and sends it to Google now (queued if Google cannot be reached); the
/// exit status (0).
pub async fn restore(chronos: &Chronos, id: i64, as_json: bool) -> Result<i32> {
    let id = TrashId(id);
    let entry = chronos
        .store()
        .trash_entry(id)?
        .ok_or_else(|| anyhow!("no trash entry {}; `chronos-cli trash` lists them", id.0))?;
    let account = entry.account.clone();
    chronos
        .restore_from_trash(&account, id, EditOptions::default())
        .await?;
    let report = chronos.push_pending_changes(&account).await?;
    let after = chronos
        .store()
        .trash_entry(id)?
        .ok_or_else(|| anyhow!("trash entry {} vanished", id.0))?;
    let lost = after.not_restored();
    if as_json {
        let mut v = entry_json(&after, None);
        v["restoredAs"] = json!(after.restored_as);
        v["notRestored"] = json!(lost);
        v["queued"] = json!(report.remaining > 0);
        println!("{v}");
        return Ok(0);
    }
    let title = clean(after.event.summary.as_deref().unwrap_or("(no title)"));
    match after.state {
        TrashState::Restored => println!("Restored \"{title}\" on Google."),
        TrashState::RestoredAsCopy => {
            println!(
                "Google no longer had \"{title}\": restored it as a new event ({}).",
                after
                    .restored_as
                    .as_ref()
                    .map(|i| i.as_str())
                    .unwrap_or("?")
            );
            for l in &lost {
                println!("  not restored: {}", serde_json::to_string(l)?);
            }
        }
        _ => println!("Restore of \"{title}\" is queued; it goes to Google with the next sync."),
    }
    Ok(0)
}
