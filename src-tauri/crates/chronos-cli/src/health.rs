//! `chronos-cli health`: each synced calendar's sync health, and the mass deletions to review.

use crate::output::clean;
use anyhow::Result;
use chronos_core::service::Chronos;
use chronos_core::view::{CalendarHealthView, PushState};
use serde_json::json;

pub const HEALTH_JSON_HELP: &str = "\
--json prints one JSON object per line, a calendar each:
  accountId, calendarId, name, backgroundColor
  lastSuccess         the end of the last completed sync (RFC 3339), or null
  lastError           {kind, message, at, current} or null; current: the last sync failed
  eventsStored        events kept locally
  pendingChanges      local changes not on Google yet
  incremental         false: Google gives no sync token, every sync lists it in full
  resyncsAfterGone    full re-syncs Google forced (410) in the last 30 days
  push                none, active or expired; pushExpires its expiry (RFC 3339) or null
  fullSyncInProgress  a full sync is under way or interrupted
then one line {\"massDeletion\": {...}} for each mass deletion not yet reviewed.";

fn push_text(r: &CalendarHealthView) -> String {
    match (r.push, &r.push_expires) {
        (PushState::None, _) => "polled".to_owned(),
        (PushState::Active, Some(t)) => format!("push until {t}"),
        (PushState::Expired, Some(t)) => format!("push expired {t}"),
        _ => "push".to_owned(),
    }
}

/// Prints the health rows; the exit status: 0, or 3 when a calendar's last sync failed.
pub async fn run(chronos: &Chronos, as_json: bool) -> Result<i32> {
    let rows = chronos.calendar_health(None).await?;
    let deletions = chronos.mass_deletion_views().await?;
    let failing = rows
        .iter()
        .any(|r| r.last_error.as_ref().is_some_and(|e| e.current));
    if as_json {
        for r in &rows {
            println!("{}", serde_json::to_value(r)?);
        }
        for d in &deletions {
            println!("{}", json!({ "massDeletion": d }));
        }
        return Ok(if failing { 3 } else { 0 });
    }
    if rows.is_empty() {
        println!("No calendar is synced.");
    }
    for r in &rows {
        println!("{} ({})", clean(&r.name), r.account_id);
        let success = r.last_success.as_deref().unwrap_or("never");
        println!("  last sync      {success}");
        if let Some(e) = &r.last_error {
            let when = if e.current {
                "now failing"
            } else {
                "last error"
            };
            println!("  {when:<14} {} at {}: {}", e.kind, e.at, clean(&e.message));
        }
        println!(
            "  stored         {} events, {} pending changes",
            r.events_stored, r.pending_changes
        );
        let mode = if r.incremental {
            "incremental"
        } else {
            "full listing every time"
        };
        println!(
            "  sync           {mode}; {} re-syncs forced by Google in 30 days; {}",
            r.resyncs_after_gone,
            push_text(r)
        );
    }
    for d in &deletions {
        println!(
            "Mass deletion: {} ({}; {} still in the trash: `chronos-cli trash`)",
            clean(&d.sentence()),
            d.at,
            d.restorable
        );
    }
    Ok(if failing { 3 } else { 0 })
}
