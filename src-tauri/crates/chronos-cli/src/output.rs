//! What the CLI prints: status lines, the live sync display, event lists.
//!
//! Text from the server (names, titles) goes to a terminal: control characters are removed so
//! a hostile title cannot move the cursor or rewrite the screen.

use anyhow::Result;
use chronos_core::feed::{CalendarRun, CalendarRunState, EngineEvent, RunFinished, RunSnapshot};
use chronos_core::model::{AccountId, CalendarId, EventDateTime};
use chronos_core::recurrence::ExpansionLimit;
use chronos_core::service::Chronos;
use chronos_core::service::TruncatedSeries;
use chronos_core::store::StoredEvent;
use chronos_core::sync::run::RunReport;
use chronos_core::sync::status::AccountStatus;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
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
/// lines otherwise), from the engine's feed.
pub async fn sync_with_progress(
    chronos: &Chronos,
    account: Option<&AccountId>,
) -> Result<Vec<RunReport>> {
    let mut rx = chronos.feed().subscribe().events;
    let live = std::io::stderr().is_terminal();
    let mut display = RunDisplay::new(live);
    let watcher = tokio::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(EngineEvent::Account(view)) => {
                    if let Some(run) = &view.run {
                        display.show(&view.account, run);
                    }
                }
                Ok(EngineEvent::RunFinished(end)) => display.finish(&end),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            }
        }
    });
    let reports = chronos.sync_now(account).await;
    // Let the throttled stream deliver the last events before the display stops.
    tokio::time::sleep(Duration::from_millis(150)).await;
    watcher.abort();
    Ok(reports?)
}

/// The live lines of the runs under way: a bar per calendar, a line when one ends.
struct RunDisplay {
    live: bool,
    multi: MultiProgress,
    style: ProgressStyle,
    /// The bars of calendars still running, and the accounts and calendars already reported.
    bars: HashMap<(AccountId, CalendarId), ProgressBar>,
    announced: HashSet<AccountId>,
    reported: HashSet<(AccountId, CalendarId)>,
}

impl RunDisplay {
    fn new(live: bool) -> Self {
        RunDisplay {
            live,
            multi: MultiProgress::with_draw_target(if live {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            }),
            style: ProgressStyle::with_template("{spinner} {prefix:.bold} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            bars: HashMap::new(),
            announced: HashSet::new(),
            reported: HashSet::new(),
        }
    }

    fn show(&mut self, account: &AccountId, run: &RunSnapshot) {
        if run.calendars.is_empty() {
            return;
        }
        if self.announced.insert(account.clone()) {
            println!("Syncing {account}: {} calendars", run.calendars.len());
        }
        for c in &run.calendars {
            let key = (account.clone(), c.calendar.clone());
            if self.reported.contains(&key) {
                continue;
            }
            match c.state {
                CalendarRunState::Waiting | CalendarRunState::Running => {
                    let bar = self.bar(key, c);
                    if c.state == CalendarRunState::Running {
                        bar.set_message(format!("{} events, {} pages", c.events_fetched, c.pages));
                    }
                }
                CalendarRunState::Done | CalendarRunState::Failed => {
                    self.report(&key, c);
                    self.reported.insert(key);
                }
            }
        }
    }

    fn bar(&mut self, key: (AccountId, CalendarId), c: &CalendarRun) -> &ProgressBar {
        self.bars.entry(key).or_insert_with(|| {
            let bar = self.multi.add(ProgressBar::new_spinner());
            bar.set_style(self.style.clone());
            bar.set_prefix(clean(&c.summary));
            bar.set_message("waiting");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        })
    }

    /// One line for a calendar that ended.
    fn report(&mut self, key: &(AccountId, CalendarId), c: &CalendarRun) {
        if let Some(b) = self.bars.remove(key) {
            b.finish_and_clear();
        }
        let name = clean(&c.summary);
        let line = match (&c.error, c.changes) {
            (Some(e), _) => format!(
                "  failed  {name}: [{}] {}",
                e.kind.as_str(),
                clean(&e.message)
            ),
            (None, ch) => {
                let ch = ch.unwrap_or_default();
                let skipped = if ch.skipped > 0 {
                    format!(" ({} skipped)", ch.skipped)
                } else {
                    String::new()
                };
                format!(
                    "  done    {name}: +{} ~{} -{}{skipped}",
                    ch.added, ch.updated, ch.deleted
                )
            }
        };
        let _ = self.multi.println(&line);
        if !self.live {
            println!("{line}");
        }
    }

    fn finish(&mut self, end: &RunFinished) {
        // Calendars that ended between the last view and the end are reported from its snapshot.
        self.show(&end.account, &end.run);
        self.bars.retain(|(a, _), b| {
            let others = a != &end.account;
            if !others {
                b.finish_and_clear();
            }
            others
        });
        self.announced.remove(&end.account);
        self.reported.retain(|(a, _)| a != &end.account);
        let totals = end.totals;
        println!(
            "{}: {} in {:.1} s — {} events fetched, +{} ~{} -{}, {} skipped, {} of {} calendars failed",
            end.account,
            end.outcome.as_str(),
            end.duration_ms as f64 / 1000.0,
            totals.events_fetched,
            totals.added,
            totals.updated,
            totals.deleted,
            totals.skipped,
            totals.calendars_failed,
            totals.calendars
        );
        if let Some(e) = &end.error {
            println!("  [{}] {}", e.kind.as_str(), clean(&e.message));
        }
    }
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
    let mut printer = EventPrinter::new(json);
    for e in events {
        if printer.print(e).is_break() {
            break;
        }
    }
}

/// Writes events one line each as they come, so a listing need not hold them all.
pub struct EventPrinter {
    // One write per buffer, not per line: a month can be tens of thousands of lines.
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    json: bool,
}

impl EventPrinter {
    pub fn new(json: bool) -> Self {
        Self {
            out: std::io::BufWriter::new(std::io::stdout().lock()),
            json,
        }
    }

    /// Breaks when the reader went away (`| head`): the listing ends, as it does for other tools.
    pub fn print(&mut self, e: &StoredEvent) -> ControlFlow<()> {
        let ev = &e.event;
        let recurring = ev.recurrence.is_some() || ev.recurring_event_id.is_some();
        let written = if self.json {
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
            writeln!(self.out, "{line}")
        } else {
            if ev.is_cancelled() {
                return ControlFlow::Continue(());
            }
            writeln!(
                self.out,
                "{:<25} {:<25} {}{}  [{}]",
                when(&ev.start),
                when(&ev.end),
                clean(ev.summary.as_deref().unwrap_or("(no title)")),
                if recurring { " (repeats)" } else { "" },
                e.calendar
            )
        };
        if written.is_err() {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

impl Drop for EventPrinter {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
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
