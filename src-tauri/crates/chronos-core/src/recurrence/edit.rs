//! Series edits in Google's model: "this and following" ends the series with `UNTIL` and starts
//! a new one; after any series edit, exceptions whose original occurrence is gone are dropped.

use super::engine::{starts_in, Budget, Limits, Series};
use super::error::RecurrenceError;
use super::expand::{span, OccurrenceTime};
use super::rule::{Freq, Rule, Until};
use super::set::{DateValue, RecurrenceSet};
use super::time::{parse_event_time, EventTime, Zone};
use crate::model::{EventDateTime, EventId, EventResource};
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, NaiveTime, Utc};

/// Where a series is cut: the wall clock of the series' zone (all-day: midnight of the date).
fn cut_point(start: &EventTime, at: &OccurrenceTime) -> Result<NaiveDateTime, RecurrenceError> {
    match (start, at) {
        (EventTime::AllDay(_), OccurrenceTime::Date { date }) => Ok(date.and_time(NaiveTime::MIN)),
        (EventTime::Timed { zone, .. }, OccurrenceTime::Instant { utc, .. }) => Ok(zone.wall(*utc)),
        _ => Err(RecurrenceError::NotAnOccurrence),
    }
}

fn series_zone(start: &EventTime) -> Option<Zone> {
    match start {
        EventTime::AllDay(_) => None,
        EventTime::Timed { zone, .. } => Some(*zone),
    }
}

fn dtstart(start: &EventTime) -> NaiveDateTime {
    match start {
        EventTime::AllDay(d) => d.and_time(NaiveTime::MIN),
        EventTime::Timed { wall, .. } => *wall,
    }
}

/// Whether the series of `master` has an occurrence starting exactly at `original`.
fn occurs_at(master: &EventResource, original: &EventTime) -> Result<bool, RecurrenceError> {
    let (start, _) = span(master)?;
    let zone = series_zone(&start);
    let set = RecurrenceSet::parse(master.recurrence.as_deref().unwrap_or_default(), zone)?;
    let mut budget = Budget::new(&Limits::default());
    let (wall, check): (NaiveDateTime, Box<dyn Fn(NaiveDateTime) -> bool>) = match (original, zone)
    {
        (EventTime::AllDay(d), None) => (d.and_time(NaiveTime::MIN), Box::new(|_| true)),
        (EventTime::Timed { utc, .. }, Some(z)) => {
            let utc = *utc;
            (z.wall(utc), Box::new(move |t| z.instant(t) == utc))
        }
        _ => return Ok(false),
    };
    let found = set.starts_in(
        dtstart(&start),
        zone,
        wall,
        wall + Duration::seconds(1),
        1,
        &mut budget,
    );
    Ok(found.into_iter().any(check))
}

/// Writes an occurrence time back in the shape of `like` (same zone name, or same kind).
fn event_date_time(like: &EventDateTime, t: &EventTime) -> EventDateTime {
    let mut v = like.clone();
    match t {
        EventTime::AllDay(d) => {
            v.date = Some(d.format("%Y-%m-%d").to_string());
            v.date_time = None;
        }
        EventTime::Timed { utc, zone, .. } => {
            v.date = None;
            v.date_time = Some(match zone {
                Zone::Iana(tz) => utc.with_timezone(tz).to_rfc3339(),
                Zone::Fixed(off) => utc.with_timezone(off).to_rfc3339(),
            });
        }
    }
    v
}

/// Splits a `DATE`-list line's values into those before and at-or-after `cut`.
fn split_dates(
    line: &str,
    zone: Option<Zone>,
    cut: NaiveDateTime,
) -> Result<(Option<String>, Option<String>), RecurrenceError> {
    let (head, values) = line
        .split_once(':')
        .ok_or_else(|| RecurrenceError::InvalidRule(line.into()))?;
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for v in values.split(',').filter(|v| !v.trim().is_empty()) {
        let one = RecurrenceSet::parse(&[format!("{head}:{v}")], zone)?;
        let at = match one.rdates.first().or(one.exdates.first()) {
            Some(DateValue::At(t)) => *t,
            Some(DateValue::Day(d)) => d.and_time(NaiveTime::MIN),
            None => continue,
        };
        if at < cut {
            before.push(v)
        } else {
            after.push(v)
        }
    }
    let join = |v: Vec<&str>| (!v.is_empty()).then(|| format!("{head}:{}", v.join(",")));
    Ok((join(before), join(after)))
}

/// "This and following": the master ended just before `at` (its RRULEs get `UNTIL`, a `COUNT`
/// becomes the `UNTIL`), and a new master `new_id` starting at `at` that keeps the rest of the
/// series (a `COUNT` is reduced by the occurrences already past). RDATE/EXDATE values go to the
/// side they fall on. The new master has no etag, iCalUID, created/updated or htmlLink.
///
/// Splitting at the first occurrence is not a split: edit the whole series instead.
pub fn split_series(
    master: &EventResource,
    at: &OccurrenceTime,
    new_id: EventId,
) -> Result<(EventResource, EventResource), RecurrenceError> {
    let (start, end) = span(master)?;
    let zone = series_zone(&start);
    let cut = cut_point(&start, at)?;
    let at_time = occurrence_start(at, zone)?;
    if !occurs_at(master, &at_time)? || cut <= dtstart(&start) {
        return Err(RecurrenceError::NotAnOccurrence);
    }
    let until = match at_time {
        EventTime::AllDay(d) => Until::Date(d - Duration::days(1)),
        EventTime::Timed { utc, .. } => Until::Instant(utc - Duration::seconds(1)),
    };

    let mut old_lines = Vec::new();
    let mut new_lines = Vec::new();
    for line in master.recurrence.as_deref().unwrap_or_default() {
        let name = line
            .split([':', ';'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        match name.as_str() {
            "RRULE" => {
                let (old, new) = split_rule(line, &start, zone, cut, until)?;
                old_lines.push(old);
                new_lines.push(new);
            }
            "RDATE" | "EXDATE" => {
                let (b, a) = split_dates(line, zone, cut)?;
                old_lines.extend(b);
                new_lines.extend(a);
            }
            _ => {
                old_lines.push(line.clone());
                new_lines.push(line.clone());
            }
        }
    }

    let mut old = master.clone();
    old.recurrence = Some(old_lines);

    let mut new = following_master(master, new_id, new_lines);
    let end_time = shifted_end(at_time, start, end)?;
    if let Some(s) = master.start.as_ref() {
        new.start = Some(event_date_time(s, &at_time));
    }
    if let Some(e) = master.end.as_ref() {
        new.end = Some(event_date_time(e, &end_time));
    }
    Ok((old, new))
}

/// The occurrence `at` as an event time of the series (a timed one in the series' zone).
fn occurrence_start(at: &OccurrenceTime, zone: Option<Zone>) -> Result<EventTime, RecurrenceError> {
    Ok(match at {
        OccurrenceTime::Date { date } => EventTime::AllDay(*date),
        OccurrenceTime::Instant { utc, .. } => {
            let z = zone.ok_or(RecurrenceError::NotAnOccurrence)?;
            EventTime::Timed {
                utc: *utc,
                wall: z.wall(*utc),
                zone: z,
            }
        }
    })
}

/// One `RRULE` line split at `cut`: the old series' rule ending at `until`, and the new series'
/// rule (with what is left of a `COUNT`).
fn split_rule(
    line: &str,
    start: &EventTime,
    zone: Option<Zone>,
    cut: NaiveDateTime,
    until: Until,
) -> Result<(String, String), RecurrenceError> {
    let value = line.split_once(':').map(|x| x.1).unwrap_or_default();
    let rule = Rule::parse(value)?;
    let mut old = rule.clone();
    let mut new = pin_defaults(&rule, dtstart(start), cut);
    if let Some(count) = rule.count {
        let mut budget = Budget::new(&Limits::default());
        let series = Series {
            rule: &rule,
            dtstart: dtstart(start),
            zone,
        };
        let done = starts_in(&series, dtstart(start), cut, usize::MAX, &mut budget).len() as u32;
        old.count = None;
        new.count = Some(count.saturating_sub(done));
    }
    old.until = Some(match old.until {
        Some(u) if until_before(u, until, zone) => u,
        _ => until,
    });
    Ok((
        format!("RRULE:{}", old.to_value()),
        format!("RRULE:{}", new.to_value()),
    ))
}

/// The new series' master: `master`'s content under `new_id` with `recurrence`, without what
/// the server assigns to an event of its own.
fn following_master(
    master: &EventResource,
    new_id: EventId,
    recurrence: Vec<String>,
) -> EventResource {
    let mut new = master.clone();
    new.id = new_id;
    new.etag = None;
    new.updated = None;
    new.sequence = None;
    new.recurring_event_id = None;
    new.original_start_time = None;
    for k in ["iCalUID", "htmlLink", "created"] {
        new.extra.remove(k);
    }
    new.recurrence = Some(recurrence);
    new
}

/// The end of the occurrence starting at `at`: the series' duration after it.
fn shifted_end(
    at: EventTime,
    start: EventTime,
    end: EventTime,
) -> Result<EventTime, RecurrenceError> {
    match (at, start, end) {
        (EventTime::AllDay(d), EventTime::AllDay(s), EventTime::AllDay(e)) => {
            Ok(EventTime::AllDay(d + (e - s)))
        }
        (
            EventTime::Timed { utc, .. },
            EventTime::Timed { utc: s, .. },
            EventTime::Timed { utc: e, zone, .. },
        ) => {
            let utc = utc + (e - s);
            Ok(EventTime::Timed {
                utc,
                wall: zone.wall(utc),
                zone,
            })
        }
        _ => Err(RecurrenceError::InvalidDateTime(
            "start and end differ in kind".into(),
        )),
    }
}

/// The rule for a series that now starts at `cut`. Parts the rule took from the old DTSTART are
/// written out when `cut` (an RDATE, say) differs in them, so the series keeps its days and times.
fn pin_defaults(rule: &Rule, old_start: NaiveDateTime, cut: NaiveDateTime) -> Rule {
    let full = rule.with_defaults(old_start);
    let mut r = rule.clone();
    let implicit_days = rule.by_day.is_empty()
        && rule.by_month_day.is_empty()
        && rule.by_year_day.is_empty()
        && rule.by_week_no.is_empty();
    if implicit_days {
        match rule.freq {
            Freq::Weekly if cut.weekday() != old_start.weekday() => r.by_day = full.by_day,
            Freq::Monthly if cut.day() != old_start.day() => r.by_month_day = full.by_month_day,
            Freq::Yearly if (cut.month(), cut.day()) != (old_start.month(), old_start.day()) => {
                r.by_month = full.by_month;
                r.by_month_day = full.by_month_day;
            }
            _ => {}
        }
    }
    if cut.time() != old_start.time() {
        if r.by_hour.is_empty() {
            r.by_hour = full.by_hour;
        }
        if r.by_minute.is_empty() {
            r.by_minute = full.by_minute;
        }
        if r.by_second.is_empty() {
            r.by_second = full.by_second;
        }
    }
    r
}

/// Whether `a` ends a series no later than `b`.
fn until_before(a: Until, b: Until, zone: Option<Zone>) -> bool {
    let as_instant = |u: Until| -> DateTime<Utc> {
        match (u, zone) {
            (Until::Instant(t), _) => t,
            (Until::Date(d), Some(z)) => z.instant(d.and_hms_opt(23, 59, 59).unwrap_or_default()),
            (Until::Date(d), None) => d.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc(),
            (Until::Floating(t), Some(z)) => z.instant(t),
            (Until::Floating(t), None) => t.and_utc(),
        }
    };
    as_instant(a) <= as_instant(b)
}

/// Exceptions of a series after a series edit, by index into the `exceptions` slice given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExceptionTriage {
    /// Their original occurrence still exists in the edited series.
    pub kept: Vec<usize>,
    /// Their original occurrence is gone: delete them (cancelled ones included).
    pub dropped: Vec<usize>,
    /// How many of the dropped ones the user can see (not cancelled): the number to announce.
    pub dropped_visible: usize,
}

/// Sorts the exceptions of `old_master` (those with `recurringEventId` = its id; others are
/// ignored) by whether their `originalStartTime` is still an occurrence of `new_master`.
/// An exception whose `originalStartTime` cannot be read is dropped.
pub fn surviving_exceptions(
    old_master: &EventResource,
    new_master: &EventResource,
    exceptions: &[EventResource],
) -> Result<ExceptionTriage, RecurrenceError> {
    let mut triage = ExceptionTriage::default();
    for (i, e) in exceptions.iter().enumerate() {
        if e.recurring_event_id.as_ref() != Some(&old_master.id) {
            continue;
        }
        let alive = match e.original_start_time.as_ref().map(parse_event_time) {
            Some(Ok(original)) => occurs_at(new_master, &original)?,
            _ => false,
        };
        if alive {
            triage.kept.push(i);
        } else {
            triage.dropped.push(i);
            if !e.is_cancelled() {
                triage.dropped_visible += 1;
            }
        }
    }
    Ok(triage)
}
