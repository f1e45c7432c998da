//! Which occurrence of a recurring series a search result shows: the next one from "now" (an
//! occurrence under way counts), else the last one before it — within the query's range when it
//! has one. Worked out with the recurrence expander, so exceptions and cancelled instances count
//! as they do in the calendar, and cached per series while it stays right.

use crate::model::EventResource;
use crate::recurrence::{expand, Occurrence, OccurrenceTime, TimeRange, Zone};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Expansions look this far at a time first: a yearly series needs a year, most need days.
const STEP: Duration = Duration::days(400);

/// The bounds of "all history" for a query without a range.
fn far_past() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap()
}

fn far_future() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2200, 1, 1, 0, 0, 0).unwrap()
}

/// Where an occurrence time falls on the time line for `zone` (an all-day date at its
/// midnight there).
pub fn instant(t: &OccurrenceTime, zone: Tz) -> DateTime<Utc> {
    match t {
        OccurrenceTime::Instant { utc, .. } => *utc,
        OccurrenceTime::Date { date } => Zone::Iana(zone).instant(date.and_time(NaiveTime::MIN)),
    }
}

/// What a query asks of a series: its "now", range and display zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ask {
    pub now: DateTime<Utc>,
    pub range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub zone: Tz,
}

/// A series' shown occurrence (`None`: none in the range) and the "now"s it holds for.
#[derive(Clone, Debug)]
pub struct Cached {
    range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    zone: Tz,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    pub shown: Option<Occurrence>,
}

impl Cached {
    pub fn answers(&self, ask: &Ask) -> bool {
        self.range == ask.range
            && self.zone == ask.zone
            && self.from <= ask.now
            && ask.now < self.until
    }
}

/// The occurrence to show of the series `events[0]` (its exceptions follow).
pub fn shown(events: &[EventResource], ask: &Ask) -> Cached {
    let (lo, hi) = ask.range.unwrap_or((far_past(), far_future()));
    let first = |from: DateTime<Utc>, to: DateTime<Utc>| {
        (from < to)
            .then(|| expand(events, TimeRange::new(from, to), ask.zone).occurrences)
            .and_then(|o| o.into_iter().next())
    };
    let last = |from: DateTime<Utc>, to: DateTime<Utc>| {
        (from < to)
            .then(|| expand(events, TimeRange::new(from, to), ask.zone).occurrences)
            .and_then(|o| o.into_iter().last())
    };
    let cached = |shown: Option<Occurrence>, until: DateTime<Utc>| Cached {
        range: ask.range,
        zone: ask.zone,
        from: ask.now,
        until,
        shown,
    };
    let a = ask.now.max(lo);
    let next = first(a, hi.min(a + STEP)).or_else(|| first(a + STEP, hi));
    if let Some(occ) = next {
        // It stays the first one under way or to come until it ends.
        let until = instant(&occ.end, ask.zone).max(ask.now + Duration::seconds(1));
        return cached(Some(occ), until);
    }
    let b = ask.now.min(hi);
    let before = last(lo.max(b - STEP), b).or_else(|| last(lo, b - STEP));
    // Nothing comes after "now" any more: this stays the answer.
    cached(before, far_future())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventDateTime, EventId};

    fn weekly(until: Option<&str>) -> EventResource {
        let rule = match until {
            Some(u) => format!("RRULE:FREQ=WEEKLY;UNTIL={u}"),
            None => "RRULE:FREQ=WEEKLY".into(),
        };
        EventResource {
            id: EventId::from("standup"),
            summary: Some("Stand-up".into()),
            recurrence: Some(vec![rule]),
            start: Some(EventDateTime {
                date_time: Some("2026-01-05T09:00:00Z".into()),
                ..Default::default()
            }),
            end: Some(EventDateTime {
                date_time: Some("2026-01-05T09:15:00Z".into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ask(now: &str) -> Ask {
        Ask {
            now: at(now),
            range: None,
            zone: chrono_tz::UTC,
        }
    }

    fn start(c: &Cached) -> DateTime<Utc> {
        instant(&c.shown.as_ref().unwrap().start, chrono_tz::UTC)
    }

    #[test]
    fn the_next_occurrence_is_shown_and_holds_until_it_ends() {
        let c = shown(&[weekly(None)], &ask("2026-03-04T12:00:00Z"));
        assert_eq!(start(&c), at("2026-03-09T09:00:00Z"));
        assert_eq!(
            c.shown.as_ref().unwrap().event_id.as_str(),
            "standup_20260309T090000Z"
        );
        assert!(c.answers(&ask("2026-03-09T09:10:00Z")));
        assert!(!c.answers(&ask("2026-03-09T09:15:00Z")));
        assert!(!c.answers(&ask("2026-03-04T11:00:00Z")));
    }

    #[test]
    fn an_ended_series_shows_its_last_occurrence() {
        let c = shown(
            &[weekly(Some("20260201T000000Z"))],
            &ask("2027-06-01T00:00:00Z"),
        );
        assert_eq!(start(&c), at("2026-01-26T09:00:00Z"));
        assert!(c.answers(&ask("2030-01-01T00:00:00Z")));
    }

    #[test]
    fn a_range_bounds_the_search_for_the_occurrence() {
        let mut a = ask("2026-03-04T12:00:00Z");
        a.range = Some((at("2026-02-01T00:00:00Z"), at("2026-02-10T00:00:00Z")));
        assert_eq!(
            start(&shown(&[weekly(None)], &a)),
            at("2026-02-09T09:00:00Z")
        );
        a.range = Some((at("2025-02-01T00:00:00Z"), at("2025-02-10T00:00:00Z")));
        assert!(shown(&[weekly(None)], &a).shown.is_none());
    }
}
