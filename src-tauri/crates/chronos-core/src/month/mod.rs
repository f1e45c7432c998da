//! What a month grid shows: per day, the first few events the way the grid orders them, and how
//! many more there are. The choice is made from the placement index; only the events shown are
//! decrypted (with the recurring series of the range, which must be read to be expanded).

mod choose;

use crate::error::{Error, Result};
use crate::occurrences::{self, RangePlan, SlotSpan, TruncatedSeries};
use crate::recurrence::{self, EventTime, OccurrenceTime, Zone};
use crate::store::index::{Hit, Shape};
use crate::store::{Detail, Store, StoredEvent};
use choose::{choose, Place};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use std::cmp::Ordering;

/// The longest range a month view lays out.
pub const MAX_DAYS: u32 = 400;

/// The events a month grid shows and what it leaves out.
#[derive(Clone, Debug, Default)]
pub struct MonthPick {
    /// The kept events, each once (whole, though it may span days), ordered by start then id.
    pub events: Vec<StoredEvent>,
    /// Days with events not kept: the date (in the display zone) and how many.
    pub more: Vec<(NaiveDate, u32)>,
    /// Series a limit cut short (as in a range query).
    pub truncated: Vec<TruncatedSeries>,
}

/// The days of `[from, to)` in `zone`: the first date and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Grid {
    first: NaiveDate,
    days: u32,
    /// `from` and `to` as wall times of the zone (seconds, read as UTC), for all-day dates.
    from_wall: i64,
    to_wall: i64,
    from: i64,
    to: i64,
    zone: Tz,
}

impl Grid {
    pub(crate) fn new(from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> Result<Grid> {
        if to <= from {
            return Err(Error::InvalidInput(
                "the range ends before it starts".into(),
            ));
        }
        let wall = |t: DateTime<Utc>| t.with_timezone(&zone).naive_local();
        let first = wall(from).date();
        let last = wall(to - chrono::Duration::seconds(1)).date().max(first);
        let days = (last - first).num_days() + 1;
        if days > i64::from(MAX_DAYS) {
            return Err(Error::InvalidInput(format!(
                "a month view covers at most {MAX_DAYS} days"
            )));
        }
        Ok(Grid {
            first,
            days: days as u32,
            from_wall: wall(from).and_utc().timestamp(),
            to_wall: wall(to).and_utc().timestamp(),
            from: from.timestamp(),
            to: to.timestamp(),
            zone,
        })
    }

    fn date(&self, day: u32) -> NaiveDate {
        self.first + Days::new(u64::from(day))
    }

    /// The date of an instant in the zone, as days since the epoch.
    fn day_of(&self, t: i64) -> i64 {
        DateTime::from_timestamp(t, 0)
            .map_or(0, |t| epoch_day(t.with_timezone(&self.zone).date_naive()))
    }

    /// The zone's instant of a date's midnight.
    fn midnight(&self, day: i64) -> i64 {
        Zone::Iana(self.zone)
            .instant(from_epoch_day(day).and_time(NaiveTime::MIN))
            .timestamp()
    }

    /// Where a timed event `[start, end)` shows, if it overlaps the range (a zero-length event
    /// when it starts inside it, as the expander has it).
    fn timed(&self, start: i64, end: i64) -> Option<Place> {
        let end = end.max(start);
        let overlaps = start < self.to && (end > self.from || (end == start && start >= self.from));
        if !overlaps {
            return None;
        }
        let (first, last) = (self.day_of(start), self.day_of(end.max(start + 1) - 1));
        self.place(first, last, last > first, start, end - start)
    }

    /// Where an all-day event on the dates `[first, end)` (days since the epoch) shows.
    fn all_day(&self, first: i64, end: i64) -> Option<Place> {
        let end = end.max(first + 1);
        if !(first * 86_400 < self.to_wall && end * 86_400 > self.from_wall) {
            return None;
        }
        let start = self.midnight(first);
        self.place(first, end - 1, true, start, self.midnight(end) - start)
    }

    /// Where an event shows from the index alone; `None` when it shows nowhere in the range.
    fn place_indexed(&self, lo: i64, hi: i64, shape: Shape) -> Option<Place> {
        match shape {
            Shape::Instants => self.timed(lo, hi),
            Shape::Dates => {
                let (first, end) = Shape::dates(lo, hi);
                self.all_day(first, end)
            }
            Shape::Unverified => None,
        }
    }

    /// Where a planned event or occurrence shows.
    fn place_slot(&self, span: SlotSpan<'_>) -> Option<Place> {
        let (start, end) = match span {
            SlotSpan::Event(e) => return self.place_event(e),
            SlotSpan::Occurrence(start, end) => (start, end),
        };
        match (start, end) {
            (OccurrenceTime::Date { date: s }, OccurrenceTime::Date { date: e }) => {
                self.all_day(epoch_day(*s), epoch_day(*e))
            }
            (OccurrenceTime::Instant { utc: s, .. }, OccurrenceTime::Instant { utc: e, .. }) => {
                self.timed(s.timestamp(), e.timestamp())
            }
            _ => None,
        }
    }

    /// Where a read (or expanded) event shows.
    fn place_event(&self, e: &StoredEvent) -> Option<Place> {
        match recurrence::event_span(&e.event) {
            Ok((EventTime::AllDay(s), EventTime::AllDay(end))) => {
                self.all_day(epoch_day(s), epoch_day(end))
            }
            Ok((EventTime::Timed { utc: s, .. }, EventTime::Timed { utc: end, .. })) => {
                self.timed(s.timestamp(), end.timestamp())
            }
            _ => None,
        }
    }

    /// The days `[first, last]` cut to the grid; `None` when none of them is on it.
    fn place(&self, first: i64, last: i64, long: bool, start: i64, length: i64) -> Option<Place> {
        let base = epoch_day(self.first);
        let lo = (first - base).max(0);
        let hi = (last - base).min(i64::from(self.days) - 1);
        (lo <= hi).then_some(Place {
            first: lo as u32,
            last: hi as u32,
            long,
            start,
            length,
        })
    }
}

fn epoch_day(d: NaiveDate) -> i64 {
    d.and_time(NaiveTime::MIN)
        .and_utc()
        .timestamp()
        .div_euclid(86_400)
}

fn from_epoch_day(day: i64) -> NaiveDate {
    DateTime::from_timestamp(day * 86_400, 0).map_or(NaiveDate::MIN, |t| t.date_naive())
}

/// A candidate: a row placed from the index (not read), or an event read and expanded.
enum Who {
    Row { calendar: usize, hit: Hit },
    Read(usize),
}

/// A stable order for candidates the grid places alike: unread rows by calendar and row, then
/// read events by calendar and id.
fn tie(a: &Who, b: &Who, read: &RangePlan) -> Ordering {
    match (a, b) {
        (
            Who::Row {
                calendar: c,
                hit: h,
            },
            Who::Row {
                calendar: d,
                hit: k,
            },
        ) => (c, h.rowid).cmp(&(d, k.rowid)),
        (Who::Row { .. }, Who::Read(_)) => Ordering::Less,
        (Who::Read(_), Who::Row { .. }) => Ordering::Greater,
        (Who::Read(x), Who::Read(y)) => read.key(*x).cmp(&read.key(*y)),
    }
}

/// The selected calendars' events overlapping `[from, to)` as a month grid of `zone` shows
/// them, at most `per_day` a day (see [`MonthPick`]).
pub(crate) fn pick(
    store: &Store,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
    per_day: u32,
) -> Result<MonthPick> {
    let grid = Grid::new(from, to, zone)?;
    let reader = store.range_reader(None, None)?;
    let (mut places, mut who) = (Vec::new(), Vec::new());
    let mut unread = Vec::new();
    reader.walk(grid.from, grid.to, |seen, calendar| match seen.span {
        Some((hi, shape @ (Shape::Instants | Shape::Dates))) => {
            if let Some(p) = grid.place_indexed(seen.hit.key, hi, shape) {
                places.push(p);
                who.push(Who::Row {
                    calendar,
                    hit: seen.hit,
                });
            }
        }
        _ => unread.push((seen.hit, calendar)),
    });
    // Series are expanded into a plan: an occurrence is written out only if the grid keeps it.
    let plan = occurrences::plan_rows(reader.read(&unread, Detail::Full)?, from, to, zone);
    for i in 0..plan.len() {
        if let Some(p) = grid.place_slot(plan.span(i)) {
            places.push(p);
            who.push(Who::Read(i));
        }
    }
    let tie = |a: usize, b: usize| tie(&who[a], &who[b], &plan);
    let chosen = choose(&places, grid.days, per_day as usize, tie);

    let mut rows = Vec::new();
    let mut events = Vec::new();
    for i in chosen.kept {
        match &who[i] {
            Who::Row { calendar, hit } => rows.push((*hit, *calendar)),
            Who::Read(x) => events.push(plan.event_at(*x)),
        }
    }
    events.extend(reader.read(&rows, Detail::Full)?);
    drop(reader);
    // As a range query orders them: by start (an all-day date at the zone's midnight), then id.
    let mut events: Vec<(i64, StoredEvent)> = events
        .into_iter()
        .map(|e| (grid.place_event(&e).map_or(i64::MIN, |p| p.start), e))
        .collect();
    events.sort_by(|a, b| (a.0, &a.1.event.id).cmp(&(b.0, &b.1.event.id)));
    Ok(MonthPick {
        events: events.into_iter().map(|(_, e)| e).collect(),
        more: chosen
            .hidden
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(day, n)| (grid.date(day as u32), *n))
            .collect(),
        truncated: plan.truncated,
    })
}
