//! Reading Google's `start`/`end`/`originalStartTime` values, and turning wall-clock times of a
//! series' zone into instants.

use super::error::RecurrenceError;
use crate::model::EventDateTime;
use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;

/// The zone whose wall clock a series follows: an IANA zone, or just the offset written in the
/// `dateTime` when Google sent no `timeZone`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    Iana(Tz),
    Fixed(FixedOffset),
}

impl Zone {
    /// Looks an IANA name up; an unknown name is an error value, never a panic.
    pub fn named(name: &str) -> Result<Zone, RecurrenceError> {
        name.parse::<Tz>()
            .map(Zone::Iana)
            .map_err(|_| RecurrenceError::UnknownTimeZone(name.to_owned()))
    }

    /// The wall-clock time of an instant in this zone.
    pub fn wall(&self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Iana(tz) => t.with_timezone(tz).naive_local(),
            Zone::Fixed(off) => t.with_timezone(off).naive_local(),
        }
    }

    /// The instant of a wall-clock time. A time that occurs twice (clocks go back) is the first
    /// one; a time skipped by clocks going forward is read with the offset in force before the
    /// jump (RFC 5545 §3.3.5), so 02:30 on a spring-forward night becomes 03:30 new time.
    pub fn instant(&self, wall: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Fixed(off) => (wall - Duration::seconds(off.local_minus_utc() as i64)).and_utc(),
            Zone::Iana(tz) => match tz.from_local_datetime(&wall) {
                LocalResult::Single(t) => t.with_timezone(&Utc),
                LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
                LocalResult::None => {
                    // Gaps are at most a few hours long; half a day earlier is safely before it.
                    let before = wall - Duration::hours(12);
                    let off = match tz.from_local_datetime(&before) {
                        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                            t.offset().fix().local_minus_utc()
                        }
                        LocalResult::None => 0,
                    };
                    (wall - Duration::seconds(off as i64)).and_utc()
                }
            },
        }
    }
}

/// One parsed `EventDateTime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventTime {
    /// An all-day value: a floating date, the same day in every zone.
    AllDay(NaiveDate),
    /// A timed value: its instant, its wall-clock time in `zone`, and that zone.
    Timed {
        utc: DateTime<Utc>,
        wall: NaiveDateTime,
        zone: Zone,
    },
}

impl EventTime {
    pub fn is_all_day(&self) -> bool {
        matches!(self, EventTime::AllDay(_))
    }
}

/// Parses `{date}` (all-day), `{dateTime with offset}`, `{dateTime, timeZone}` (the wall clock of
/// the zone is what counts) or `{dateTime without offset, timeZone}`.
pub fn parse_event_time(v: &EventDateTime) -> Result<EventTime, RecurrenceError> {
    if let Some(d) = v.date.as_deref() {
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| RecurrenceError::InvalidDateTime(d.to_owned()))?;
        return Ok(EventTime::AllDay(date));
    }
    let s = v.date_time.as_deref().ok_or(RecurrenceError::MissingTime)?;
    let zone = match v.time_zone.as_deref().filter(|z| !z.is_empty()) {
        Some(name) => Some(Zone::named(name)?),
        None => None,
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let utc = t.with_timezone(&Utc);
        let zone = zone.unwrap_or(Zone::Fixed(*t.offset()));
        return Ok(EventTime::Timed {
            utc,
            wall: zone.wall(utc),
            zone,
        });
    }
    let wall = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .map_err(|_| RecurrenceError::InvalidDateTime(s.to_owned()))?;
    let zone = zone.ok_or_else(|| RecurrenceError::MissingTimeZone(s.to_owned()))?;
    Ok(EventTime::Timed {
        utc: zone.instant(wall),
        wall,
        zone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edt(date: Option<&str>, dt: Option<&str>, tz: Option<&str>) -> EventDateTime {
        EventDateTime {
            date: date.map(Into::into),
            date_time: dt.map(Into::into),
            time_zone: tz.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn all_day_is_a_floating_date() {
        let t = parse_event_time(&edt(Some("2026-12-01"), None, None)).unwrap();
        assert_eq!(
            t,
            EventTime::AllDay(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        );
    }

    #[test]
    fn offset_with_zone_uses_the_zone_wall_clock() {
        let t = parse_event_time(&edt(
            None,
            Some("2026-03-01T08:00:00Z"),
            Some("Europe/Berlin"),
        ));
        let EventTime::Timed { utc, wall, zone } = t.unwrap() else {
            panic!("timed")
        };
        assert_eq!(utc.to_rfc3339(), "2026-03-01T08:00:00+00:00");
        assert_eq!(wall.to_string(), "2026-03-01 09:00:00");
        assert_eq!(zone, Zone::Iana(chrono_tz::Europe::Berlin));
    }

    #[test]
    fn offset_without_zone_keeps_the_offset() {
        let t = parse_event_time(&edt(None, Some("2026-03-01T09:00:00+05:30"), None)).unwrap();
        let EventTime::Timed { utc, wall, zone } = t else {
            panic!("timed")
        };
        assert_eq!(utc.to_rfc3339(), "2026-03-01T03:30:00+00:00");
        assert_eq!(wall.to_string(), "2026-03-01 09:00:00");
        assert_eq!(zone, Zone::Fixed(FixedOffset::east_opt(19800).unwrap()));
    }

    #[test]
    fn zone_without_offset_is_wall_clock() {
        let t = parse_event_time(&edt(
            None,
            Some("2026-07-01T09:00:00"),
            Some("America/New_York"),
        ));
        let EventTime::Timed { utc, .. } = t.unwrap() else {
            panic!("timed")
        };
        assert_eq!(utc.to_rfc3339(), "2026-07-01T13:00:00+00:00");
    }

    #[test]
    fn unknown_zone_and_garbage_are_errors() {
        let e = parse_event_time(&edt(
            None,
            Some("2026-07-01T09:00:00Z"),
            Some("Mars/Olympus"),
        ));
        assert_eq!(e.unwrap_err().kind(), "unknown_time_zone");
        let e = parse_event_time(&edt(None, Some("2026-07-01T09:00:00"), None));
        assert_eq!(e.unwrap_err().kind(), "missing_time_zone");
        let e = parse_event_time(&edt(Some("2026-02-30"), None, None));
        assert_eq!(e.unwrap_err().kind(), "invalid_date_time");
        assert_eq!(
            parse_event_time(&edt(None, None, None)).unwrap_err().kind(),
            "missing_time"
        );
    }

    #[test]
    fn gaps_and_overlaps_follow_rfc_5545() {
        let z = Zone::named("Europe/Berlin").unwrap();
        let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(z.instant(gap).to_rfc3339(), "2026-03-29T01:30:00+00:00");
        let twice = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(z.instant(twice).to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }
}
