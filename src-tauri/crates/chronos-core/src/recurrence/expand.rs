//! Turns stored events (singles, recurring masters, their exceptions) into the occurrences that
//! overlap a query range.

use super::engine::{Budget, Limits};
use super::error::RecurrenceError;
use super::set::RecurrenceSet;
use super::time::{parse_event_time, EventTime, Zone};
use crate::model::{EventId, EventResource};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};

/// A query range `[from, to)` of instants. All-day events are placed on it through the display
/// zone's dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl TimeRange {
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        TimeRange { from, to }
    }
}

/// When an occurrence starts or ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OccurrenceTime {
    /// All-day: a floating date (an end date is exclusive, as in Google's `end.date`).
    Date { date: NaiveDate },
    /// Timed: the instant, and its wall-clock time in the display zone.
    Instant {
        utc: DateTime<Utc>,
        local: NaiveDateTime,
    },
}

impl OccurrenceTime {
    fn timed(utc: DateTime<Utc>, display: Tz) -> Self {
        OccurrenceTime::Instant {
            utc,
            local: utc.with_timezone(&display).naive_local(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    /// Google's id for this occurrence: the event's own id for singles and exceptions, and
    /// `{masterId}_{YYYYMMDDTHHMMSSZ}` / `{masterId}_{YYYYMMDD}` for generated occurrences.
    pub event_id: EventId,
    /// The series this belongs to (`None` for a single event).
    pub master_id: Option<EventId>,
    pub start: OccurrenceTime,
    pub end: OccurrenceTime,
    /// The start this occurrence has in the series (for exceptions: `originalStartTime`).
    pub original_start: Option<OccurrenceTime>,
    pub all_day: bool,
    /// Index into the `events` slice of the resource holding the content (the master for
    /// generated occurrences).
    pub source: usize,
    /// An exception Google sent (a moved or changed instance), not generated locally.
    pub is_exception: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Expanded {
    /// Sorted by start (all-day dates at the display zone's midnight), then id.
    pub occurrences: Vec<Occurrence>,
    /// Events that could not be placed (unknown zone, bad rule, ...): not shown.
    pub skipped: Vec<(EventId, RecurrenceError)>,
    /// Masters whose expansion hit the limits: the occurrences found before the limit are
    /// returned, later ones in the range are missing.
    pub truncated: Vec<Truncation>,
}

/// Which bound cut a series' expansion short (see [`Limits`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExpansionLimit {
    /// The series alone reached `max` occurrences in the range.
    SeriesOccurrences { max: usize },
    /// The series' rules examined `max` candidate days and times (a rule that rarely or never
    /// matches).
    SeriesSteps { max: u64 },
    /// The series before it in the query used up the query's `max` occurrences.
    QueryOccurrences { max: usize },
    /// The series before it in the query used up the query's `max` steps.
    QuerySteps { max: u64 },
}

/// A series whose occurrences in the range are incomplete, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Truncation {
    pub series: EventId,
    pub limit: ExpansionLimit,
}

/// The id Google gives an occurrence of `master_id` that starts at `original_start`.
pub fn instance_id(master_id: &EventId, original_start: &OccurrenceTime) -> EventId {
    match original_start {
        OccurrenceTime::Date { date } => EventId(format!("{master_id}_{}", date.format("%Y%m%d"))),
        OccurrenceTime::Instant { utc, .. } => {
            EventId(format!("{master_id}_{}", utc.format("%Y%m%dT%H%M%SZ")))
        }
    }
}

/// Expands `events` (as stored: `singleEvents=false`) over `range` with the default limits.
pub fn expand<E: Borrow<EventResource>>(
    events: &[E],
    range: TimeRange,
    display_tz: Tz,
) -> Expanded {
    expand_with_limits(events, range, display_tz, Limits::default())
}

/// The part of a query's limits not yet spent by the masters expanded before.
struct QueryBudget {
    steps: u64,
    occurrences: usize,
}

impl QueryBudget {
    /// Runs one master's expansion within its own limits and what the query has left, and
    /// charges the query for it; `Ok(Some(limit))` when a limit cut the master short.
    fn expand(
        &mut self,
        limits: &Limits,
        out: &mut Vec<Occurrence>,
        run: impl FnOnce(&Limits, &mut Budget, &mut Vec<Occurrence>) -> Result<(), RecurrenceError>,
    ) -> Result<Option<ExpansionLimit>, RecurrenceError> {
        let own = Limits {
            max_steps: limits.max_steps.min(self.steps),
            max_occurrences: limits.max_occurrences.min(self.occurrences),
            ..*limits
        };
        let steps_limit = if own.max_steps < limits.max_steps {
            ExpansionLimit::QuerySteps {
                max: limits.max_query_steps,
            }
        } else {
            ExpansionLimit::SeriesSteps {
                max: limits.max_steps,
            }
        };
        let occurrences_limit = if own.max_occurrences < limits.max_occurrences {
            ExpansionLimit::QueryOccurrences {
                max: limits.max_query_occurrences,
            }
        } else {
            ExpansionLimit::SeriesOccurrences {
                max: limits.max_occurrences,
            }
        };
        if own.max_steps == 0 {
            return Ok(Some(steps_limit));
        }
        if own.max_occurrences == 0 {
            return Ok(Some(occurrences_limit));
        }
        let mut budget = Budget::new(&own);
        let before = out.len();
        let result = run(&own, &mut budget, out);
        self.steps -= own.max_steps - budget.steps_left;
        self.occurrences = self.occurrences.saturating_sub(out.len() - before);
        // The budget ends either way: out of steps, or at the occurrence cap.
        let hit = match (budget.exhausted, budget.steps_left == 0) {
            (false, _) => None,
            (true, true) => Some(steps_limit),
            (true, false) => Some(occurrences_limit),
        };
        result.map(|()| hit)
    }
}

/// How an exception names the occurrence it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OriginalKey {
    Instant(DateTime<Utc>),
    Date(NaiveDate),
}

pub fn expand_with_limits<E: Borrow<EventResource>>(
    events: &[E],
    range: TimeRange,
    display_tz: Tz,
    limits: Limits,
) -> Expanded {
    let mut out = Expanded::default();
    let view = View::new(clamp(range), display_tz);
    let replaced = place_exceptions(events, &view, &mut out);
    expand_events(events, &view, &replaced, limits, &mut out);
    out.occurrences.sort_by(|a, b| {
        (view.sort_key(&a.start), &a.event_id).cmp(&(view.sort_key(&b.start), &b.event_id))
    });
    out
}

/// Places the exceptions of every series that is not deleted, and returns which occurrences
/// each series has replaced (cancelled exceptions included).
fn place_exceptions<'a, E: Borrow<EventResource>>(
    events: &'a [E],
    view: &View,
    out: &mut Expanded,
) -> HashMap<&'a str, HashSet<OriginalKey>> {
    let masters: HashMap<&str, usize> = events
        .iter()
        .map(Borrow::borrow)
        .enumerate()
        .filter(|(_, e)| is_master(e))
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut replaced: HashMap<&str, HashSet<OriginalKey>> = HashMap::new();

    for (i, e) in events.iter().map(Borrow::borrow).enumerate() {
        let Some(master_id) = e.recurring_event_id.as_ref().filter(|_| !is_master(e)) else {
            continue;
        };
        let master = masters.get(master_id.as_str()).map(|&m| events[m].borrow());
        if master.is_some_and(|m| m.is_cancelled()) {
            continue; // the whole series was deleted
        }
        let key = match e.original_start_time.as_ref().map(parse_event_time) {
            Some(Ok(EventTime::AllDay(d))) => OriginalKey::Date(d),
            Some(Ok(EventTime::Timed { utc, .. })) => OriginalKey::Instant(utc),
            Some(Err(err)) => {
                out.skipped.push((e.id.clone(), err));
                continue;
            }
            None => {
                out.skipped
                    .push((e.id.clone(), RecurrenceError::MissingTime));
                continue;
            }
        };
        replaced.entry(master_id.as_str()).or_default().insert(key);
        if e.is_cancelled() {
            continue;
        }
        match span(e) {
            Ok((start, end)) => {
                if let Some(mut occ) = view.place(i, e.id.clone(), start, end) {
                    occ.master_id = Some(master_id.clone());
                    occ.is_exception = true;
                    occ.original_start = Some(match key {
                        OriginalKey::Date(date) => OccurrenceTime::Date { date },
                        OriginalKey::Instant(utc) => OccurrenceTime::timed(utc, view.display),
                    });
                    out.occurrences.push(occ);
                }
            }
            Err(err) => out.skipped.push((e.id.clone(), err)),
        }
    }
    replaced
}

/// Places the single events and expands the series (skipping the occurrences in `replaced`),
/// within `limits`.
fn expand_events<E: Borrow<EventResource>>(
    events: &[E],
    view: &View,
    replaced: &HashMap<&str, HashSet<OriginalKey>>,
    limits: Limits,
    out: &mut Expanded,
) {
    let no_exceptions = HashSet::new();
    // What is left of the query's own limits; each master gets its own limits or this, the
    // smaller, so a calendar full of hostile series is still bounded as a whole.
    let mut query = QueryBudget {
        steps: limits.max_query_steps,
        occurrences: limits.max_query_occurrences,
    };
    for (i, e) in events.iter().map(Borrow::borrow).enumerate() {
        if e.recurring_event_id.is_some() && !is_master(e) || e.is_cancelled() {
            continue;
        }
        let result = if is_master(e) {
            let exceptions = replaced.get(e.id.as_str()).unwrap_or(&no_exceptions);
            query.expand(
                &limits,
                &mut out.occurrences,
                |limits, budget, occurrences| {
                    view.expand_master(i, e, exceptions, limits, budget, occurrences)
                },
            )
        } else {
            span(e).map(|(start, end)| {
                if let Some(occ) = view.place(i, e.id.clone(), start, end) {
                    out.occurrences.push(occ);
                }
                None
            })
        };
        match result {
            Ok(Some(limit)) => out.truncated.push(Truncation {
                series: e.id.clone(),
                limit,
            }),
            Ok(None) => {}
            Err(err) => out.skipped.push((e.id.clone(), err)),
        }
    }
}

/// Google's times have four-digit years; a wider range (say `DateTime::MAX_UTC`) is cut to
/// where every zone's wall clock can still be computed.
fn clamp(range: TimeRange) -> TimeRange {
    let lo = NaiveDate::from_ymd_opt(-1, 1, 1).map(|d| d.and_time(NaiveTime::MIN).and_utc());
    let hi = NaiveDate::from_ymd_opt(10_000, 12, 31).map(|d| d.and_time(NaiveTime::MIN).and_utc());
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return range;
    };
    TimeRange {
        from: range.from.clamp(lo, hi),
        to: range.to.clamp(lo, hi),
    }
}

fn is_master(e: &EventResource) -> bool {
    e.recurrence
        .as_ref()
        .is_some_and(|r| r.iter().any(|l| !l.trim().is_empty()))
}

/// An event's parsed start and end. A missing end means a zero-length event (or one day).
pub(crate) fn span(e: &EventResource) -> Result<(EventTime, EventTime), RecurrenceError> {
    let start = parse_event_time(e.start.as_ref().ok_or(RecurrenceError::MissingTime)?)?;
    let end = match e.end.as_ref() {
        Some(v) => parse_event_time(v)?,
        None => match start {
            EventTime::AllDay(d) => EventTime::AllDay(d + Duration::days(1)),
            t => t,
        },
    };
    if start.is_all_day() != end.is_all_day() {
        return Err(RecurrenceError::InvalidDateTime(
            "start and end differ in kind".into(),
        ));
    }
    Ok((start, end))
}

/// The query as seen from the display zone.
struct View {
    range: TimeRange,
    display: Tz,
    from_local: NaiveDateTime,
    to_local: NaiveDateTime,
}

impl View {
    fn new(range: TimeRange, display: Tz) -> Self {
        View {
            range,
            display,
            from_local: range.from.with_timezone(&display).naive_local(),
            to_local: range.to.with_timezone(&display).naive_local(),
        }
    }

    fn sort_key(&self, t: &OccurrenceTime) -> DateTime<Utc> {
        match t {
            OccurrenceTime::Instant { utc, .. } => *utc,
            OccurrenceTime::Date { date } => {
                Zone::Iana(self.display).instant(date.and_time(NaiveTime::MIN))
            }
        }
    }

    /// An occurrence for `[start, end)` if it overlaps the range. An all-day event covers its
    /// dates in the display zone; a zero-length event counts when it starts inside the range.
    fn place(
        &self,
        source: usize,
        id: EventId,
        start: EventTime,
        end: EventTime,
    ) -> Option<Occurrence> {
        let (s, e, all_day) = match (start, end) {
            (EventTime::AllDay(s), EventTime::AllDay(e)) => {
                let e = if e <= s { s + Duration::days(1) } else { e };
                let (sl, el) = (s.and_time(NaiveTime::MIN), e.and_time(NaiveTime::MIN));
                if !(sl < self.to_local && el > self.from_local) {
                    return None;
                }
                (
                    OccurrenceTime::Date { date: s },
                    OccurrenceTime::Date { date: e },
                    true,
                )
            }
            (EventTime::Timed { utc: s, .. }, EventTime::Timed { utc: e, .. }) => {
                let e = e.max(s);
                let overlaps =
                    s < self.range.to && (e > self.range.from || (e == s && s >= self.range.from));
                if !overlaps {
                    return None;
                }
                (
                    OccurrenceTime::timed(s, self.display),
                    OccurrenceTime::timed(e, self.display),
                    false,
                )
            }
            _ => return None,
        };
        Some(Occurrence {
            event_id: id,
            master_id: None,
            start: s,
            end: e,
            original_start: None,
            all_day,
            source,
            is_exception: false,
        })
    }

    /// Adds the occurrences of one master, spending `budget` (`exhausted` when the limits cut
    /// it short).
    fn expand_master(
        &self,
        source: usize,
        master: &EventResource,
        exceptions: &HashSet<OriginalKey>,
        limits: &Limits,
        budget: &mut Budget,
        out: &mut Vec<Occurrence>,
    ) -> Result<(), RecurrenceError> {
        let (start, end) = span(master)?;
        let lines = master.recurrence.as_deref().unwrap_or_default();
        match (start, end) {
            (EventTime::AllDay(s), EventTime::AllDay(e)) => {
                let set = RecurrenceSet::parse(lines, None)?;
                let days = (e - s).num_days().max(1);
                for t in self.all_day_starts(&set, s, days, limits, budget) {
                    let d = t.date();
                    if exceptions.contains(&OriginalKey::Date(d)) {
                        continue;
                    }
                    let id = instance_id(&master.id, &OccurrenceTime::Date { date: d });
                    let span = (
                        EventTime::AllDay(d),
                        EventTime::AllDay(d + Duration::days(days)),
                    );
                    if let Some(occ) = self.place(source, id, span.0, span.1) {
                        out.push(self.generated(occ, master));
                    }
                }
            }
            (EventTime::Timed { utc: s, wall, zone }, EventTime::Timed { utc: e, .. }) => {
                let set = RecurrenceSet::parse(lines, Some(zone))?;
                let length = (e - s).max(Duration::zero());
                let (from, to) = self.timed_window(zone, length);
                let starts =
                    set.starts_in(wall, Some(zone), from, to, limits.max_occurrences, budget);
                // Two wall times can name one instant (a skipped hour read with the old offset
                // meets the hour after it); a series has one occurrence per instant.
                let mut seen = HashSet::new();
                for t in starts {
                    let utc = zone.instant(t);
                    if !seen.insert(utc) {
                        continue;
                    }
                    if exceptions.contains(&OriginalKey::Instant(utc))
                        || exceptions.contains(&OriginalKey::Date(t.date()))
                    {
                        continue;
                    }
                    let id = instance_id(&master.id, &OccurrenceTime::Instant { utc, local: t });
                    let span = (
                        EventTime::Timed { utc, wall: t, zone },
                        EventTime::Timed {
                            utc: utc + length,
                            wall: t,
                            zone,
                        },
                    );
                    if let Some(occ) = self.place(source, id, span.0, span.1) {
                        out.push(self.generated(occ, master));
                    }
                }
            }
            _ => {
                return Err(RecurrenceError::InvalidDateTime(
                    "start and end differ in kind".into(),
                ))
            }
        }
        Ok(())
    }

    /// The starts of an all-day series (first day `s`, `days`-long occurrences) over the
    /// range's dates in the display zone, widened for occurrences that begin before it.
    fn all_day_starts(
        &self,
        set: &RecurrenceSet,
        s: NaiveDate,
        days: i64,
        limits: &Limits,
        budget: &mut Budget,
    ) -> Vec<NaiveDateTime> {
        let from = self.from_local.date();
        let from = from
            .checked_sub_signed(Duration::days(days + 1))
            .unwrap_or(from);
        let to = self.to_local.date();
        let to = to.checked_add_signed(Duration::days(2)).unwrap_or(to);
        set.starts_in(
            s.and_time(NaiveTime::MIN),
            None,
            from.and_time(NaiveTime::MIN),
            to.and_time(NaiveTime::MIN),
            limits.max_occurrences,
            budget,
        )
    }

    /// The wall-clock bounds in `zone` a timed series of `length`-long occurrences is expanded
    /// over.
    fn timed_window(&self, zone: Zone, length: Duration) -> (NaiveDateTime, NaiveDateTime) {
        // Wall-clock bounds with a day of slack for offset changes; exact in `place`.
        let day = Duration::days(1);
        let from = self
            .range
            .from
            .checked_sub_signed(length)
            .unwrap_or(self.range.from);
        let from = zone.wall(from);
        let from = from.checked_sub_signed(day).unwrap_or(from);
        let to = zone.wall(self.range.to);
        let to = to.checked_add_signed(day).unwrap_or(to);
        (from, to)
    }

    fn generated(&self, mut occ: Occurrence, master: &EventResource) -> Occurrence {
        occ.master_id = Some(master.id.clone());
        occ.original_start = Some(occ.start);
        occ
    }
}
