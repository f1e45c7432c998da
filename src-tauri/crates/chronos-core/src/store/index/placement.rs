//! Where an event sits on the time line, worked out from its times (and a series' rule).

use crate::model::{EventDateTime, EventResource};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};

/// All-day dates and zone-less times are floating; widen them by the largest UTC offsets so a
/// query in any zone finds them (the caller trims to its own zone).
pub(super) const FLOATING_SLACK: i64 = 14 * 3_600;

/// Where an event sits on the time line, in UTC seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Covers `[lo, hi)`. For an exception this also covers its original slot, so the series
    /// expander sees the exception wherever the instance it replaces would have been. `shape`
    /// says whether the numbers alone tell where a calendar shows the event.
    Span { lo: i64, hi: i64, shape: Shape },
    /// A recurring master: may produce instances starting from `first` until `until` (`None`:
    /// no bound known without expanding, e.g. COUNT or RDATE), each lasting `length` seconds.
    Master {
        first: i64,
        until: Option<i64>,
        length: i64,
    },
    /// No usable times (malformed or missing): reachable by id, never by range.
    Unplaced,
}

/// How a span's numbers relate to where a calendar shows the event, so a view can lay out many
/// events from the index and decrypt only those it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A timed event: `lo` and `hi` are its start and end instants (`hi` at least `lo + 1`).
    Instants,
    /// An all-day event: `lo` and `hi` are the UTC midnights of its first date and of the date
    /// after its last, widened by `FLOATING_SLACK`.
    Dates,
    /// Only the event itself tells: an exception (its span also covers its original slot), or
    /// times a calendar reads otherwise than the span (no zone, an unknown one, a date beside a
    /// time, an end before the start).
    Unverified,
}

impl Shape {
    /// The all-day dates `[first, end)` (days since the epoch) of a `Dates` span.
    pub fn dates(lo: i64, hi: i64) -> (i64, i64) {
        (
            (lo + FLOATING_SLACK) / 86_400,
            (hi - FLOATING_SLACK) / 86_400,
        )
    }

    /// The shape of a single event's span `[lo, hi)`: `Instants` or `Dates` only when the
    /// recurrence expander, which places the events a view shows, reads the same times.
    fn of(ev: &EventResource, lo: i64, hi: i64) -> Shape {
        use crate::recurrence::EventTime;
        if ev.recurring_event_id.is_some() || ev.original_start_time.is_some() {
            return Shape::Unverified;
        }
        let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
        match crate::recurrence::event_span(ev) {
            Ok((EventTime::AllDay(s), EventTime::AllDay(e)))
                if e > s
                    && lo == midnight(s) - FLOATING_SLACK
                    && hi == midnight(e) + FLOATING_SLACK =>
            {
                Shape::Dates
            }
            Ok((EventTime::Timed { utc: s, .. }, EventTime::Timed { utc: e, .. }))
                if s.timestamp_subsec_nanos() == 0
                    && e.timestamp_subsec_nanos() == 0
                    && lo == s.timestamp()
                    && hi == e.timestamp().max(lo + 1) =>
            {
                Shape::Instants
            }
            _ => Shape::Unverified,
        }
    }
}

fn instant(dt: &EventDateTime) -> Option<(i64, bool)> {
    if let Some(s) = dt.date_time.as_deref() {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
            return Some((t.timestamp(), false));
        }
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
        if let Some(tz) = dt
            .time_zone
            .as_deref()
            .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
        {
            if let Some(t) = tz.from_local_datetime(&naive).earliest() {
                return Some((t.timestamp(), false));
            }
        }
        return Some((naive.and_utc().timestamp(), true));
    }
    let d = NaiveDate::parse_from_str(dt.date.as_deref()?, "%Y-%m-%d").ok()?;
    Some((d.and_hms_opt(0, 0, 0)?.and_utc().timestamp(), true))
}

fn span(start: &EventDateTime, end: Option<&EventDateTime>) -> Option<(i64, i64)> {
    let (s, s_float) = instant(start)?;
    let (e, e_float) = match end.and_then(instant) {
        Some(e) => e,
        None if start.date.is_some() && start.date_time.is_none() => (s + 86_400, true),
        None => (s, s_float),
    };
    let lo = if s_float { s - FLOATING_SLACK } else { s };
    let hi = if e_float { e + FLOATING_SLACK } else { e };
    Some((lo, hi.max(lo + 1)))
}

/// The latest UNTIL over all RRULE lines, if every line has one and no RDATE adds dates.
fn series_until(recurrence: &[String]) -> Option<i64> {
    let mut until = None::<i64>;
    for line in recurrence {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("RDATE") {
            return None;
        }
        if !upper.starts_with("RRULE:") {
            continue;
        }
        let value = upper[6..]
            .split(';')
            .find_map(|p| p.strip_prefix("UNTIL="))?;
        let t = if value.len() == 8 {
            NaiveDate::parse_from_str(value, "%Y%m%d")
                .ok()?
                .and_hms_opt(23, 59, 59)?
                .and_utc()
                .timestamp()
                + FLOATING_SLACK
        } else {
            let v = value.trim_end_matches('Z');
            let t = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
                .ok()?
                .and_utc()
                .timestamp();
            if value.ends_with('Z') {
                t
            } else {
                t + FLOATING_SLACK
            }
        };
        until = Some(until.map_or(t, |u: i64| u.max(t)));
    }
    until
}

pub fn placement(ev: &EventResource) -> Placement {
    let is_master = ev.recurring_event_id.is_none()
        && ev
            .recurrence
            .as_ref()
            .is_some_and(|r| r.iter().any(|l| !l.trim().is_empty()));
    if is_master {
        return match ev.start.as_ref().and_then(|s| span(s, ev.end.as_ref())) {
            Some((lo, hi)) => Placement::Master {
                first: lo,
                until: series_until(ev.recurrence.as_deref().unwrap_or_default()),
                length: hi - lo,
            },
            None => Placement::Unplaced,
        };
    }
    let own = if ev.is_cancelled() {
        None
    } else {
        ev.start.as_ref().and_then(|s| span(s, ev.end.as_ref()))
    };
    let original = ev
        .original_start_time
        .as_ref()
        .and_then(|o| span(o, None))
        .map(|(lo, _)| {
            // The original slot only needs to be hit, not covered: mark its start.
            (
                lo,
                lo + 1
                    + if o_is_floating(ev) {
                        2 * FLOATING_SLACK
                    } else {
                        0
                    },
            )
        });
    let (lo, hi) = match (own, original) {
        (Some((a, b)), Some((c, d))) => (a.min(c), b.max(d)),
        (Some((a, b)), None) | (None, Some((a, b))) => (a, b),
        (None, None) => return Placement::Unplaced,
    };
    Placement::Span {
        lo,
        hi,
        shape: Shape::of(ev, lo, hi),
    }
}

fn o_is_floating(ev: &EventResource) -> bool {
    ev.original_start_time
        .as_ref()
        .and_then(instant)
        .is_some_and(|(_, f)| f)
}

impl Placement {
    pub fn overlaps(&self, from: i64, to: i64) -> bool {
        match *self {
            Placement::Span { lo, hi, .. } => lo < to && hi > from,
            // The last start may be before `from` and its occurrence still run into the range.
            Placement::Master {
                first,
                until,
                length,
            } => first < to && until.is_none_or(|u| u.saturating_add(length) >= from),
            Placement::Unplaced => false,
        }
    }
}
