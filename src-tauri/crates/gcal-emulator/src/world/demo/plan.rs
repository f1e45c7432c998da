//! One person's weeks around the anchor: which days are working days, what is booked when, and
//! free slots for more — so meetings neither overlap nor leave working hours.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

use super::events::{instant, recurring, timed, At};

/// Days of single events either side of the anchor; series begin that far back and run on.
pub const SPAN_DAYS: i64 = 56;

pub struct Plan {
    anchor: NaiveDate,
    /// Where this person lives: every time of day is a wall-clock time here.
    zone: Tz,
    days_off: BTreeSet<NaiveDate>,
    /// Booked minutes of the day, as [start, end) on the wall clock.
    busy: HashMap<NaiveDate, Vec<(u32, u32)>>,
}

impl Plan {
    pub fn new(anchor: NaiveDate, zone: Tz, days_off: BTreeSet<NaiveDate>) -> Plan {
        Plan {
            anchor,
            zone,
            days_off,
            busy: HashMap::new(),
        }
    }

    pub fn anchor(&self) -> NaiveDate {
        self.anchor
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The anchor day's midnight in the person's zone.
    pub fn anchor_instant(&self) -> DateTime<Utc> {
        instant(self.anchor, At(0, 0), self.zone)
    }

    fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let first = self.anchor - Duration::days(SPAN_DAYS);
        (0..=2 * SPAN_DAYS).map(move |d| first + Duration::days(d))
    }

    /// Monday to Friday, public holidays off.
    pub fn working_days(&self) -> Vec<NaiveDate> {
        self.days()
            .filter(|d| !is_weekend(*d) && !self.days_off.contains(d))
            .collect()
    }

    pub fn weekend_days(&self) -> Vec<NaiveDate> {
        self.days().filter(|d| is_weekend(*d)).collect()
    }

    /// The first `weekday` on or after `from`.
    pub fn next(&self, from: NaiveDate, weekday: Weekday) -> NaiveDate {
        let ahead =
            (7 + weekday.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
        from + Duration::days(i64::from(ahead))
    }

    pub fn book(&mut self, day: NaiveDate, at: At, minutes: u32) {
        let start = at.minutes();
        self.busy
            .entry(day)
            .or_default()
            .push((start, start + minutes));
    }

    fn is_free(&self, day: NaiveDate, start: u32, end: u32) -> bool {
        self.busy
            .get(&day)
            .is_none_or(|b| b.iter().all(|(s, e)| end <= *s || *e <= start))
    }

    /// A free slot of `minutes` on `day` starting on the half hour, from `earliest` and ending
    /// by `latest_end`, picked at random and booked.
    pub fn find_slot(
        &mut self,
        rng: &mut StdRng,
        day: NaiveDate,
        earliest: At,
        latest_end: At,
        minutes: u32,
    ) -> Option<At> {
        let last = latest_end.minutes().checked_sub(minutes)?;
        let mut starts: Vec<u32> = (earliest.minutes()..=last).step_by(30).collect();
        starts.shuffle(rng);
        let start = starts
            .into_iter()
            .find(|s| self.is_free(day, *s, s + minutes))?;
        let at = At::from_minutes(start);
        self.book(day, at, minutes);
        Some(at)
    }

    /// A weekly series (every `interval` weeks) on `weekdays` at `at`, begun before the span so
    /// it covers it; its slots are booked on every such day.
    pub fn series(
        &mut self,
        rng: &mut StdRng,
        summary: &str,
        weekdays: &[Weekday],
        at: At,
        minutes: u32,
        interval: u32,
    ) -> Value {
        let monday =
            self.anchor - Duration::days(i64::from(self.anchor.weekday().num_days_from_monday()));
        let first = self.next(monday - Duration::days(SPAN_DAYS), weekdays[0]);
        let days: Vec<NaiveDate> = self
            .days()
            .filter(|d| weekdays.contains(&d.weekday()))
            .collect();
        for d in days {
            self.book(d, at, minutes);
        }
        let byday: Vec<&str> = weekdays.iter().map(|w| ical_day(*w)).collect();
        let mut rule = format!("RRULE:FREQ=WEEKLY;BYDAY={}", byday.join(","));
        if interval > 1 {
            rule.push_str(&format!(";INTERVAL={interval}"));
        }
        recurring(timed(rng, self.zone, summary, first, at, minutes), &rule)
    }
}

pub fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

fn ical_day(w: Weekday) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][w.num_days_from_monday() as usize]
}
