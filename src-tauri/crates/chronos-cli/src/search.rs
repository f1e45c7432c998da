//! `chronos-cli search`: the engine's search, one line per event found.

use anyhow::{bail, Context, Result};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use chronos_core::recurrence::OccurrenceTime;
use chronos_core::search::{SearchHit, SearchQuery, DEFAULT_LIMIT};
use chronos_core::service::Chronos;
use clap::Args;
use std::io::Write;

pub const JSON_FIELDS_HELP: &str = "\
--json prints one JSON object per line. A hit (\"type\": \"hit\"):
  account, calendar    the Google account and calendar id
  id                   the event id; for a series its shown occurrence's instance id
  seriesId             the series' id, or null
  title                the event's title
  start, end           YYYY-MM-DD for all-day events (end exclusive), else RFC 3339 in the zone
  allDay               true or false
  color                the colour the calendar views give it (#rrggbb), or null
Then one line {\"type\": \"total\", \"shown\": N, \"total\": M}: M events matched in all.";

/// Search every selected calendar of every account, all history.
#[derive(Args, Debug)]
#[command(after_long_help = JSON_FIELDS_HELP)]
pub struct SearchArgs {
    /// The words to look for: each is a prefix ("stand" finds "Stand-up"), all must match;
    /// case and accents do not matter. Title, description, location and attendees are searched.
    pub query: String,
    /// Only occurrences ending after this: YYYY-MM-DD (midnight in the zone) or RFC 3339.
    #[arg(long)]
    pub from: Option<String>,
    /// Only occurrences starting before this (exclusive): YYYY-MM-DD or RFC 3339.
    #[arg(long)]
    pub to: Option<String>,
    /// The IANA zone dates are read and printed in (default: $TZ, else the system's zone).
    #[arg(long)]
    pub zone: Option<String>,
    /// At most this many hits: those nearest to now, printed in date order.
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    pub limit: usize,
    /// One JSON object per line (fields: see --help).
    #[arg(long)]
    pub json: bool,
}

/// Runs the search and prints it; the exit status (0).
pub async fn run(chronos: &Chronos, args: &SearchArgs) -> Result<i32> {
    let zone = match &args.zone {
        Some(z) => chronos_core::zone::parse_zone(z)?,
        None => chronos_core::zone::system_zone(),
    };
    let when = |s: &Option<String>, what: &str| -> Result<Option<DateTime<Utc>>> {
        s.as_deref()
            .map(|s| crate::when::parse_when(s, zone).context(what.to_owned()))
            .transpose()
    };
    let (from, to) = (when(&args.from, "--from")?, when(&args.to, "--to")?);
    let range = match (from, to) {
        (None, None) => None,
        (f, t) => {
            let f = f.unwrap_or_else(|| Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap());
            let t = t.unwrap_or_else(|| Utc.with_ymd_and_hms(2200, 1, 1, 0, 0, 0).unwrap());
            if f >= t {
                bail!("--to must be after --from");
            }
            Some((f, t))
        }
    };
    let mut query = SearchQuery::new(args.query.clone(), zone);
    query.range = range;
    query.limit = args.limit;
    let results = chronos.search(query).await?;
    let mut out = std::io::stdout().lock();
    for hit in &results.hits {
        if args.json {
            writeln!(out, "{}", json_line(hit, zone))?;
        } else {
            writeln!(out, "{}", text_line(hit, zone))?;
        }
    }
    if args.json {
        let total = serde_json::json!({"type": "total", "shown": results.hits.len(), "total": results.total});
        writeln!(out, "{total}")?;
    } else if results.total > results.hits.len() {
        eprintln!(
            "{} of {} matches shown (the nearest to now); --limit shows more.",
            results.hits.len(),
            results.total
        );
    } else if results.total == 0 {
        eprintln!("Nothing found.");
    }
    Ok(0)
}

fn when(t: &OccurrenceTime, zone: Tz) -> String {
    match t {
        OccurrenceTime::Date { date } => date.format("%Y-%m-%d").to_string(),
        OccurrenceTime::Instant { utc, .. } => utc
            .with_timezone(&zone)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    }
}

fn json_line(hit: &SearchHit, zone: Tz) -> serde_json::Value {
    serde_json::json!({
        "type": "hit",
        "account": hit.account,
        "calendar": hit.calendar,
        "id": hit.event_id,
        "seriesId": hit.series_id,
        "title": hit.title,
        "start": when(&hit.start, zone),
        "end": when(&hit.end, zone),
        "allDay": hit.all_day,
        "color": hit.color,
    })
}

fn text_line(hit: &SearchHit, zone: Tz) -> String {
    let span = match (&hit.start, &hit.end) {
        (OccurrenceTime::Date { date }, OccurrenceTime::Date { date: end }) => {
            let last = end.pred_opt().unwrap_or(*end);
            if last > *date {
                format!("{date} – {last}      ")
            } else {
                format!("{date} all day       ")
            }
        }
        (s, e) => {
            let (s, e) = (instant(s, zone), instant(e, zone));
            format!(
                "{} {}–{}",
                s.format("%Y-%m-%d"),
                s.format("%H:%M"),
                e.format("%H:%M")
            )
        }
    };
    let series = if hit.series_id.is_some() {
        "  (repeats)"
    } else {
        ""
    };
    format!(
        "{span}  {}{series}  [{}]",
        crate::output::clean(&hit.title),
        hit.calendar
    )
}

fn instant(t: &OccurrenceTime, zone: Tz) -> DateTime<Tz> {
    match t {
        OccurrenceTime::Instant { utc, .. } => utc.with_timezone(&zone),
        OccurrenceTime::Date { date } => chronos_core::recurrence::Zone::Iana(zone)
            .instant(date.and_time(chrono::NaiveTime::MIN))
            .with_timezone(&zone),
    }
}
