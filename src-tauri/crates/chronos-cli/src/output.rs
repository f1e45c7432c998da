//! What the CLI prints: status lines, the live sync display, event lists.
//!
//! Text from the server (names, titles) goes to a terminal: control characters are removed so
//! a hostile title cannot move the cursor or rewrite the screen.

use anyhow::Result;
use chronos_core::model::{AccountId, EventDateTime};
use chronos_core::recurrence::ExpansionLimit;
use chronos_core::service::Chronos;
use chronos_core::service::TruncatedSeries;
use chronos_core::store::StoredEvent;
use chronos_core::sync::progress::SyncProgress;
use chronos_core::sync::run::RunReport;
use chronos_core::sync::status::AccountStatus;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::time::Duration;

pub fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

pub fn status_line(s: &AccountStatus) -> String {
    let when = |t: &Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| format!(", last sync {}", t.format("%Y-%m-%d %H:%M:%S UTC")))
            .unwrap_or_default()
    };
    match s {
        AccountStatus::Idle => "idle".into(),
        AccountStatus::Syncing { progress, .. } => format!(
            "syncing ({}/{} calendars, {} events)",
            progress.calendars_done + progress.calendars_failed,
            progress.calendars_total,
            progress.events_fetched
        ),
        AccountStatus::UpToDate { last_sync } => {
            format!(
                "up to date (last sync {})",
                last_sync.format("%Y-%m-%d %H:%M:%S UTC")
            )
        }
        AccountStatus::Error {
            kind,
            message,
            retryable,
            last_sync,
        } => format!(
            "error [{}]{}: {}{}",
            kind.as_str(),
            if *retryable { ", will retry" } else { "" },
            clean(message),
            when(last_sync)
        ),
        AccountStatus::NeedsReauth => "needs re-auth: run `chronos-cli connect` again".into(),
        AccountStatus::Quota {
            resume_after,
            last_sync,
        } => format!(
            "Google quota exceeded; syncing again after {}{}",
            resume_after.format("%Y-%m-%d %H:%M UTC"),
            when(last_sync)
        ),
    }
}

/// Runs a sync and shows one line per calendar while it goes (a live bar on a terminal, plain
/// lines otherwise).
pub async fn sync_with_progress(
    chronos: &Chronos,
    account: Option<&AccountId>,
) -> Result<Vec<RunReport>> {
    let mut rx = chronos.subscribe_progress();
    let live = std::io::stderr().is_terminal();
    let multi = MultiProgress::with_draw_target(if live {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template("{spinner} {prefix:.bold} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let display = tokio::spawn(async move {
        let mut bars: HashMap<String, ProgressBar> = HashMap::new();
        let mut names: HashMap<String, String> = HashMap::new();
        loop {
            let ev = match rx.recv().await {
                Ok(ev) => ev,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => break,
            };
            match ev {
                SyncProgress::RunBegun { .. } => {}
                SyncProgress::SyncStarted { account, calendars } => {
                    println!("Syncing {account}: {} calendars", calendars.len());
                    for c in calendars {
                        let name = clean(&c.summary);
                        let bar = multi.add(ProgressBar::new_spinner());
                        bar.set_style(style.clone());
                        bar.set_prefix(name.clone());
                        bar.set_message("waiting");
                        bar.enable_steady_tick(Duration::from_millis(120));
                        names.insert(c.id.to_string(), name);
                        bars.insert(c.id.to_string(), bar);
                    }
                }
                SyncProgress::CalendarProgress {
                    calendar,
                    events_fetched,
                    pages,
                    ..
                } => {
                    if let Some(b) = bars.get(calendar.as_str()) {
                        b.set_message(format!("{events_fetched} events, {pages} pages"));
                    }
                }
                SyncProgress::CalendarDone {
                    calendar,
                    added,
                    updated,
                    deleted,
                    skipped,
                    ..
                } => {
                    let line = format!(
                        "+{added} ~{updated} -{deleted}{}",
                        if skipped > 0 {
                            format!(" ({skipped} skipped)")
                        } else {
                            String::new()
                        }
                    );
                    let name = names
                        .get(calendar.as_str())
                        .cloned()
                        .unwrap_or_else(|| calendar.to_string());
                    if let Some(b) = bars.remove(calendar.as_str()) {
                        b.finish_and_clear();
                    }
                    let _ = multi.println(format!("  done    {name}: {line}"));
                    if !live {
                        println!("  done    {name}: {line}");
                    }
                }
                SyncProgress::CalendarFailed {
                    calendar,
                    kind,
                    message,
                    ..
                } => {
                    let name = names
                        .get(calendar.as_str())
                        .cloned()
                        .unwrap_or_else(|| calendar.to_string());
                    if let Some(b) = bars.remove(calendar.as_str()) {
                        b.finish_and_clear();
                    }
                    let line = format!("  failed  {name}: [{}] {}", kind.as_str(), clean(&message));
                    let _ = multi.println(&line);
                    if !live {
                        println!("{line}");
                    }
                }
                SyncProgress::SyncFinished {
                    account,
                    totals,
                    duration_ms,
                    outcome,
                    error,
                    ..
                } => {
                    for (_, b) in bars.drain() {
                        b.finish_and_clear();
                    }
                    println!(
                        "{account}: {} in {:.1} s — {} events fetched, +{} ~{} -{}, {} skipped, {} of {} calendars failed",
                        outcome.as_str(),
                        duration_ms as f64 / 1000.0,
                        totals.events_fetched,
                        totals.added,
                        totals.updated,
                        totals.deleted,
                        totals.skipped,
                        totals.calendars_failed,
                        totals.calendars
                    );
                    if let Some(e) = error {
                        println!("  [{}] {}", e.kind.as_str(), clean(&e.message));
                    }
                }
            }
        }
    });
    let reports = chronos.sync_now(account).await;
    // Let the throttled stream deliver the last events before the display stops.
    tokio::time::sleep(Duration::from_millis(150)).await;
    display.abort();
    Ok(reports?)
}

fn when(t: &Option<EventDateTime>) -> String {
    match t {
        Some(t) => t.date_time.clone().or(t.date.clone()).unwrap_or_default(),
        None => String::new(),
    }
}

/// What `events --json` prints, for `--help`.
pub const JSON_FIELDS_HELP: &str = "\
--json prints one JSON object per line. An event (\"type\": \"event\"):
  account, calendar    the Google account and calendar id
  id                   the event id; an occurrence of a series has Google's instance id
                       ({seriesId}_{YYYYMMDDTHHMMSSZ}, or {seriesId}_{YYYYMMDD} all-day)
  status               confirmed, tentative or cancelled (cancelled rows only with --raw)
  start, end           RFC 3339 with offset, or YYYY-MM-DD for all-day (end exclusive)
  allDay               true for all-day events
  summary              the title (null when none)
  recurring            true when the event belongs to a series (an occurrence, a moved
                       occurrence, or with --raw the series' own row)
  recurringEventId     the series' id (null for single events and series rows)
  originalStartTime    where an occurrence sits in its series (as start; null otherwise)
A series cut at a limit (\"type\": \"truncated\"): account, calendar, series (its id), and
limit {kind, max}; kind is series_occurrences, series_steps, query_occurrences or query_steps.
Then the occurrences of that series past the cut are missing, and the exit status is 4.";

pub fn print_events(events: &[StoredEvent], json: bool) {
    // One write per buffer, not per line: a month can be tens of thousands of lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for e in events {
        let ev = &e.event;
        let recurring = ev.recurrence.is_some() || ev.recurring_event_id.is_some();
        let written = if json {
            let line = serde_json::json!({
                "type": "event",
                "account": e.account,
                "calendar": e.calendar,
                "id": ev.id,
                "status": ev.status,
                "start": when(&ev.start),
                "end": when(&ev.end),
                "allDay": ev.start.as_ref().is_some_and(|s| s.date.is_some()),
                "summary": ev.summary,
                "recurring": recurring,
                "recurringEventId": ev.recurring_event_id,
                "originalStartTime": ev.original_start_time.as_ref().map(|t| when(&Some(t.clone()))),
            });
            writeln!(out, "{line}")
        } else {
            if ev.is_cancelled() {
                continue;
            }
            writeln!(
                out,
                "{:<25} {:<25} {}{}  [{}]",
                when(&ev.start),
                when(&ev.end),
                clean(ev.summary.as_deref().unwrap_or("(no title)")),
                if recurring { " (repeats)" } else { "" },
                e.calendar
            )
        };
        // A reader that went away (`| head`) ends the listing, as it does for other tools.
        if written.is_err() {
            return;
        }
    }
    let _ = out.flush();
}

/// Says which series a limit cut, so a shortened list never passes for a whole one.
pub fn print_truncated(cuts: &[TruncatedSeries], json: bool) {
    for cut in cuts {
        if json {
            let mut line = serde_json::to_value(cut).unwrap_or_default();
            line["type"] = "truncated".into();
            println!("{line}");
        } else {
            let why = match cut.limit {
                ExpansionLimit::SeriesOccurrences { max } => {
                    format!("it has more than {max} occurrences in the range")
                }
                ExpansionLimit::SeriesSteps { max } => {
                    format!("its rule needed more than {max} steps")
                }
                ExpansionLimit::QueryOccurrences { max } => {
                    format!("the range holds more than {max} occurrences in all")
                }
                ExpansionLimit::QuerySteps { max } => {
                    format!("the rules of the range needed more than {max} steps in all")
                }
            };
            println!(
                "INCOMPLETE: recurring event {} in {} was cut because {why}; later occurrences are missing. Ask for a shorter range.",
                cut.series, cut.calendar
            );
        }
    }
}
