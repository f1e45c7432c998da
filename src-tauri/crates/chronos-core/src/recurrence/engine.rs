//! Generates the wall-clock start times of one rule, period by period (a year, month, week, day,
//! hour, minute or second, `INTERVAL` periods apart), the way RFC 5545 §3.3.10 describes: each
//! period's candidate days are filtered by the `BY*` parts, combined with the times of day, cut
//! by `BYSETPOS`, then limited by `COUNT`/`UNTIL`.
//!
//! Work is bounded: every day or candidate looked at spends one step of a budget, and the number
//! of starts returned is capped; hitting either stops this rule and marks the result truncated.

use super::rule::{Freq, Rule, Until};
use super::time::Zone;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// Bounds on the work done for one master, and for all masters together, in one query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Days and candidate times examined, over all rules of one master.
    pub max_steps: u64,
    /// Occurrences returned for one master.
    pub max_occurrences: usize,
    /// Steps over every master of the query: many hostile series together stay bounded too.
    pub max_query_steps: u64,
    /// Generated occurrences over every master of the query.
    pub max_query_occurrences: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // A daily series listed over a century is whole (36,525); an hourly one over a
            // year too (8,760 a year). Past this a rule is taken as runaway, and the cut is
            // reported with the result, never silent.
            max_steps: 500_000,
            max_occurrences: 50_000,
            max_query_steps: 5_000_000,
            max_query_occurrences: 100_000,
        }
    }
}

/// Shared by the rules of one master.
#[derive(Debug)]
pub(crate) struct Budget {
    pub steps_left: u64,
    pub exhausted: bool,
}

impl Budget {
    pub fn new(limits: &Limits) -> Self {
        Budget {
            steps_left: limits.max_steps,
            exhausted: false,
        }
    }
    fn spend(&mut self, n: u64) -> bool {
        if self.steps_left < n {
            self.steps_left = 0;
            self.exhausted = true;
            return false;
        }
        self.steps_left -= n;
        true
    }
}

/// What the series' `UNTIL` is compared against: the zone of a timed series (`None` for all-day).
pub(crate) struct Series<'a> {
    pub rule: &'a Rule,
    pub dtstart: NaiveDateTime,
    pub zone: Option<Zone>,
}

/// The starts of `series` in the wall-clock window `[from, to)`, sorted. `max` caps how many
/// are returned (hitting it sets `budget.exhausted`).
pub(crate) fn starts_in(
    series: &Series<'_>,
    from: NaiveDateTime,
    to: NaiveDateTime,
    max: usize,
    budget: &mut Budget,
) -> Vec<NaiveDateTime> {
    let rule = series.rule.with_defaults(series.dtstart);
    let dtstart = series.dtstart;
    let mut out = Vec::new();
    let mut emitted: u64 = 0;
    // Without COUNT, periods wholly before the window cannot matter: start near it.
    let mut k = if rule.count.is_none() {
        first_useful_period(&rule, dtstart, from)
    } else {
        0
    };
    if rule.count == Some(0) {
        return out;
    }
    // Buffers reused across periods; times of day are the same in every period down to DAILY.
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut candidates: Vec<NaiveDateTime> = Vec::new();
    let fixed_times = (rule.freq <= Freq::Daily).then(|| times_of(&rule, dtstart));
    loop {
        let Some(period) = period(&rule, dtstart, k) else {
            return out;
        };
        if period.first >= to || past_until(&rule, series.zone, period.first) {
            return out;
        }
        if !budget.spend(1 + u64::from(period.len)) {
            return out;
        }
        days.clear();
        days.extend(
            period
                .first_day
                .iter_days()
                .take(period.len as usize)
                .filter(|d| day_matches(&rule, *d)),
        );
        candidates.clear();
        if !days.is_empty() {
            let own_times;
            let times = match &fixed_times {
                Some(t) => t,
                None => {
                    own_times = times_of(&rule, period.first);
                    &own_times
                }
            };
            if !budget.spend((days.len() * times.len()) as u64) {
                return out;
            }
            for d in &days {
                for t in times {
                    candidates.push(d.and_time(*t));
                }
            }
        }
        if !rule.by_set_pos.is_empty() {
            let kept = set_positions(&rule.by_set_pos, &candidates);
            candidates = kept;
        }
        for &c in &candidates {
            if c < dtstart {
                continue;
            }
            if past_until(&rule, series.zone, c) {
                return out;
            }
            emitted += 1;
            if let Some(n) = rule.count {
                if emitted > n as u64 {
                    return out;
                }
            }
            if c >= to {
                return out;
            }
            if c >= from {
                if out.len() >= max {
                    budget.exhausted = true;
                    return out;
                }
                out.push(c);
            }
        }
        k += 1;
        // With COUNT every period must be counted, but when each whole period holds the same
        // number of starts they can be counted without walking them (all of them end before
        // the window, as in the fast-forward above).
        if k == 1 {
            if let (Some(count), Some(per)) = (rule.count, starts_per_period(&rule)) {
                let target = first_useful_period(&rule, dtstart, from);
                if target > 1 {
                    let skipped = (target - 1) as u64 * per;
                    if emitted + skipped >= u64::from(count) {
                        return out;
                    }
                    emitted += skipped;
                    k = target;
                }
            }
        }
    }
}

/// The number of starts in every whole period, when it is the same for all of them: DAILY
/// without day filters, WEEKLY with plain weekdays.
fn starts_per_period(rule: &Rule) -> Option<u64> {
    let plain = rule.by_set_pos.is_empty()
        && rule.by_month.is_empty()
        && rule.by_month_day.is_empty()
        && rule.by_year_day.is_empty()
        && rule.by_week_no.is_empty()
        && rule.by_day.iter().all(|d| d.nth.is_none());
    if !plain {
        return None;
    }
    let times = (rule.by_hour.len() * rule.by_minute.len() * rule.by_second.len()) as u64;
    match rule.freq {
        Freq::Daily if rule.by_day.is_empty() => Some(times),
        Freq::Weekly => {
            let days: std::collections::HashSet<_> =
                rule.by_day.iter().map(|d| d.weekday).collect();
            Some(days.len() as u64 * times)
        }
        _ => None,
    }
}

fn past_until(rule: &Rule, zone: Option<Zone>, t: NaiveDateTime) -> bool {
    match rule.until {
        None => false,
        Some(Until::Date(d)) => t.date() > d,
        Some(Until::Floating(u)) => t > u,
        Some(Until::Instant(u)) => match zone {
            Some(z) => z.instant(t) > u,
            // An all-day series compares the UTC day, which is how it was written.
            None => t.date() > u.date_naive(),
        },
    }
}

/// The candidates `BYSETPOS` keeps (1-based; negative counts from the end), sorted, unique.
fn set_positions(pos: &[i32], candidates: &[NaiveDateTime]) -> Vec<NaiveDateTime> {
    let n = candidates.len() as i32;
    let mut out: Vec<NaiveDateTime> = pos
        .iter()
        .filter_map(|&p| {
            let i = if p > 0 { p - 1 } else { n + p };
            (0..n).contains(&i).then(|| candidates[i as usize])
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

struct Period {
    /// The first wall-clock instant of the period.
    first: NaiveDateTime,
    /// The period's days: `len` days from `first_day`.
    first_day: NaiveDate,
    len: u32,
}

fn week_start(d: NaiveDate, wkst: chrono::Weekday) -> NaiveDate {
    let back = (d.weekday().num_days_from_monday() + 7 - wkst.num_days_from_monday()) % 7;
    d - Duration::days(back as i64)
}

fn truncate(t: NaiveDateTime, freq: Freq) -> NaiveDateTime {
    let (h, m, s) = match freq {
        Freq::Hourly => (t.hour(), 0, 0),
        Freq::Minutely => (t.hour(), t.minute(), 0),
        _ => (t.hour(), t.minute(), t.second()),
    };
    t.date().and_hms_opt(h, m, s).unwrap_or(t)
}

fn unit_seconds(freq: Freq) -> i64 {
    match freq {
        Freq::Hourly => 3600,
        Freq::Minutely => 60,
        _ => 1,
    }
}

/// The period `k` (0 = the period holding DTSTART), or `None` past the calendar's end.
fn period(rule: &Rule, dtstart: NaiveDateTime, k: i64) -> Option<Period> {
    let step = k.checked_mul(rule.interval as i64)?;
    let d0 = dtstart.date();
    let (first, len) = match rule.freq {
        Freq::Yearly => {
            let y = i64::from(d0.year()).checked_add(step)?;
            if y > 9999 {
                return None;
            }
            let first = NaiveDate::from_ymd_opt(y as i32, 1, 1)?;
            (first, days_in_year(first))
        }
        Freq::Monthly => {
            let m = (i64::from(d0.year()) * 12 + i64::from(d0.month0())).checked_add(step)?;
            if m / 12 > 9999 {
                return None;
            }
            let first = NaiveDate::from_ymd_opt((m / 12) as i32, (m % 12) as u32 + 1, 1)?;
            (first, days_in_month(first))
        }
        Freq::Weekly => {
            let first = week_start(d0, rule.wkst)
                .checked_add_signed(Duration::days(step.checked_mul(7)?))?;
            (first, 7)
        }
        Freq::Daily => (d0.checked_add_signed(Duration::days(step))?, 1),
        Freq::Hourly | Freq::Minutely | Freq::Secondly => {
            let secs = step.checked_mul(unit_seconds(rule.freq))?;
            let t = truncate(dtstart, rule.freq).checked_add_signed(Duration::seconds(secs))?;
            if t.year() > 9999 {
                return None;
            }
            return Some(Period {
                first: t,
                first_day: t.date(),
                len: 1,
            });
        }
    };
    if first.year() > 9999 {
        return None;
    }
    Some(Period {
        first: first.and_time(NaiveTime::MIN),
        first_day: first,
        len,
    })
}

/// A period index shortly before the one holding `target` (never negative).
fn first_useful_period(rule: &Rule, dtstart: NaiveDateTime, target: NaiveDateTime) -> i64 {
    if target <= dtstart {
        return 0;
    }
    let d0 = dtstart.date();
    let units = match rule.freq {
        Freq::Yearly => i64::from(target.year() - d0.year()),
        Freq::Monthly => {
            i64::from(target.year() - d0.year()) * 12 + i64::from(target.month0())
                - i64::from(d0.month0())
        }
        Freq::Weekly => (target.date() - week_start(d0, rule.wkst)).num_days() / 7,
        Freq::Daily => (target.date() - d0).num_days(),
        Freq::Hourly | Freq::Minutely | Freq::Secondly => {
            (target - truncate(dtstart, rule.freq)).num_seconds() / unit_seconds(rule.freq)
        }
    };
    (units / rule.interval as i64 - 1).max(0)
}

fn days_in_month(d: NaiveDate) -> u32 {
    let (y, m) = (d.year(), d.month());
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.map(|n| (n - Duration::days(1)).day()).unwrap_or(31)
}

fn days_in_year(d: NaiveDate) -> u32 {
    if d.leap_year() {
        366
    } else {
        365
    }
}

/// Whether a `n`/`-n` position (1-based from the start or the end) names `index0` of `len`.
fn position_matches(n: i32, index0: u32, len: u32) -> bool {
    if n > 0 {
        index0 as i32 == n - 1
    } else {
        index0 as i32 == len as i32 + n
    }
}

fn day_matches(rule: &Rule, d: NaiveDate) -> bool {
    if !rule.by_month.is_empty() && !rule.by_month.contains(&d.month()) {
        return false;
    }
    if !rule.by_month_day.is_empty() {
        let len = days_in_month(d);
        if !rule
            .by_month_day
            .iter()
            .any(|&n| position_matches(n, d.day0(), len))
        {
            return false;
        }
    }
    if !rule.by_year_day.is_empty() {
        let len = days_in_year(d);
        if !rule
            .by_year_day
            .iter()
            .any(|&n| position_matches(n, d.ordinal0(), len))
        {
            return false;
        }
    }
    if !rule.by_day.is_empty() {
        // Ordinals count within the month for MONTHLY (and YEARLY with BYMONTH), within the
        // year for plain YEARLY, and mean nothing for finer frequencies.
        let ordinal_scope = match rule.freq {
            Freq::Monthly => Some(true),
            Freq::Yearly => Some(!rule.by_month.is_empty()),
            _ => None,
        };
        let ok = rule.by_day.iter().any(|bd| {
            if bd.weekday != d.weekday() {
                return false;
            }
            match (bd.nth, ordinal_scope) {
                (Some(n), Some(true)) => {
                    let len = days_in_month(d);
                    let from_end = -(((len - 1 - d.day0()) / 7) as i32 + 1);
                    n == (d.day0() / 7) as i32 + 1 || n == from_end
                }
                (Some(n), Some(false)) => {
                    let len = days_in_year(d);
                    let from_end = -(((len - 1 - d.ordinal0()) / 7) as i32 + 1);
                    n == (d.ordinal0() / 7) as i32 + 1 || n == from_end
                }
                _ => true,
            }
        });
        if !ok {
            return false;
        }
    }
    if !rule.by_week_no.is_empty() && !week_no_matches(&rule.by_week_no, rule.wkst, d) {
        return false;
    }
    true
}

/// Whether day `d` lies in one of `weeks` (`BYWEEKNO`; negative counts back from the last week).
///
/// Weeks start on `wkst`; week 1 is the first week with at least four days in the year (RFC 5545
/// §3.3.10; ISO 8601 when `wkst` is Monday), that is the week holding 4 January. A week belongs
/// to the year holding most of its days, so the last days of December can be week 1 of the next
/// year and the first days of January the last week (52 or 53) of the one before. The day is
/// judged by its own week whichever period it is generated in; a YEARLY period only holds its
/// own calendar year's days, so such a straddling week is split between two years' periods (as
/// python-dateutil does too).
///
/// Plain integer arithmetic on the day of the year: this runs for every candidate day.
fn week_no_matches(weeks: &[i32], wkst: chrono::Weekday, d: NaiveDate) -> bool {
    let wkst = wkst.num_days_from_monday() as i32;
    let day = d.ordinal0() as i32;
    let year = d.year();
    let len = year_len(year);
    // Weekday of 4 January, and the day of the year (0-based, -3..=3) on which week 1 starts.
    let jan4 = (d.weekday().num_days_from_monday() as i32 - (day - 3)).rem_euclid(7);
    let week_one = |jan4: i32| 3 - (jan4 - wkst).rem_euclid(7);
    let first = week_one(jan4);
    let next_jan4 = (jan4 + len).rem_euclid(7);
    let next_first = len + week_one(next_jan4);
    let (n, weeks_in_year) = if day < first {
        // The last week of the year before.
        let prev_len = year_len(year - 1);
        let prev_first = week_one((jan4 - prev_len).rem_euclid(7)) - prev_len;
        let total = (first - prev_first) / 7;
        (total, total)
    } else if day >= next_first {
        // Week 1 of the next year.
        let next_len = year_len(year + 1);
        let after_first = len + next_len + week_one((next_jan4 + next_len).rem_euclid(7));
        (1, (after_first - next_first) / 7)
    } else {
        ((day - first) / 7 + 1, (next_first - first) / 7)
    };
    weeks.iter().any(|&w| w == n || w == n - weeks_in_year - 1)
}

fn year_len(year: i32) -> i32 {
    if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) {
        366
    } else {
        365
    }
}

/// The times of day a period contributes, sorted.
fn times_of(rule: &Rule, first: NaiveDateTime) -> Vec<NaiveTime> {
    let pick = |list: &[u32], own: u32, fixed: bool| -> Vec<u32> {
        if fixed {
            if list.is_empty() || list.contains(&own) {
                vec![own]
            } else {
                vec![]
            }
        } else {
            list.to_vec()
        }
    };
    let hours = pick(&rule.by_hour, first.hour(), rule.freq >= Freq::Hourly);
    let minutes = pick(&rule.by_minute, first.minute(), rule.freq >= Freq::Minutely);
    let seconds = pick(&rule.by_second, first.second(), rule.freq >= Freq::Secondly);
    let mut out = Vec::with_capacity(hours.len() * minutes.len() * seconds.len());
    for h in &hours {
        for m in &minutes {
            for s in &seconds {
                if let Some(t) = NaiveTime::from_hms_opt(*h, *m, *s) {
                    out.push(t);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The days (wall-clock dates) a rule produces from `dtstart` up to `to`, with default limits.
    fn days_of(rule: &str, dtstart: &str, to: &str) -> Vec<String> {
        let rule = Rule::parse(rule).unwrap();
        let dtstart = day(dtstart).and_hms_opt(9, 0, 0).unwrap();
        let series = Series {
            rule: &rule,
            dtstart,
            zone: None,
        };
        let mut budget = Budget::new(&Limits::default());
        let to = day(to).and_time(NaiveTime::MIN);
        let out = starts_in(&series, dtstart, to, 10_000, &mut budget);
        assert!(!budget.exhausted);
        out.iter().map(|t| t.date().to_string()).collect()
    }

    /// Week 1 found by counting: the first week starting on `wkst` with four days in the year.
    fn week_one_by_counting(year: i32, wkst: Weekday) -> NaiveDate {
        let mut s = NaiveDate::from_ymd_opt(year - 1, 12, 20).unwrap();
        loop {
            let in_year = s.iter_days().take(7).filter(|d| d.year() == year).count();
            if s.weekday() == wkst && in_year >= 4 {
                return s;
            }
            s = s.succ_opt().unwrap();
        }
    }

    #[test]
    fn monday_weeks_are_iso_8601_weeks() {
        // chrono's ISO calendar is the reference for WKST=MO, both counting directions.
        let mut d = day("1899-12-25");
        while d < day("2101-01-08") {
            let iso = d.iso_week();
            let weeks = if NaiveDate::from_isoywd_opt(iso.year(), 53, Weekday::Mon).is_some() {
                53
            } else {
                52
            };
            let n = iso.week() as i32;
            assert!(week_no_matches(&[n], Weekday::Mon, d), "{d} is week {n}");
            assert!(
                week_no_matches(&[n - weeks - 1], Weekday::Mon, d),
                "{d} is week {}",
                n - weeks - 1
            );
            let others: Vec<i32> = (1..=53).filter(|&w| w != n).collect();
            assert!(
                !week_no_matches(&others, Weekday::Mon, d),
                "{d} is only week {n}"
            );
            d = d.succ_opt().unwrap();
        }
    }

    #[test]
    fn every_week_start_numbers_weeks_from_the_first_four_day_week() {
        for wkst in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ] {
            for year in 1895..2106 {
                let first = week_one_by_counting(year, wkst);
                let next = week_one_by_counting(year + 1, wkst);
                let weeks = ((next - first).num_days() / 7) as i32;
                assert!(weeks == 52 || weeks == 53);
                for (i, d) in first.iter_days().take_while(|d| *d < next).enumerate() {
                    let n = (i / 7) as i32 + 1;
                    assert!(week_no_matches(&[n], wkst, d), "{d} WKST={wkst:?} week {n}");
                    assert!(
                        week_no_matches(&[n - weeks - 1], wkst, d),
                        "{d} WKST={wkst:?} week -{}",
                        weeks + 1 - n
                    );
                    assert!(!week_no_matches(&[if n == 1 { 2 } else { 1 }], wkst, d));
                }
            }
        }
    }

    #[test]
    fn rfc_5545_example_monday_of_week_20() {
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
                "1997-05-12",
                "2000-01-01"
            ),
            ["1997-05-12", "1998-05-11", "1999-05-17"]
        );
    }

    #[test]
    fn without_byday_the_whole_week_matches() {
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=20;COUNT=8",
                "2026-05-11",
                "2030-01-01"
            ),
            [
                "2026-05-11",
                "2026-05-12",
                "2026-05-13",
                "2026-05-14",
                "2026-05-15",
                "2026-05-16",
                "2026-05-17",
                "2027-05-17"
            ]
        );
        // WKST moves the week: with Sunday weeks 2026's week 1 is 4-10 January (28 Dec - 3 Jan
        // has only three days in 2026), so week 20 runs 17-23 May.
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=20;WKST=SU;COUNT=7",
                "2026-05-10",
                "2027-01-01"
            ),
            [
                "2026-05-17",
                "2026-05-18",
                "2026-05-19",
                "2026-05-20",
                "2026-05-21",
                "2026-05-22",
                "2026-05-23"
            ]
        );
    }

    #[test]
    fn weeks_straddling_new_year_belong_to_the_year_with_four_of_their_days() {
        // ISO week 1 of 2026 is 29 Dec 2025 - 4 Jan 2026; 2025's own week 1 began 30 Dec 2024.
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO,WE,SU",
                "2025-01-01",
                "2026-01-31"
            ),
            [
                "2025-01-01",
                "2025-01-05",
                "2025-12-29",
                "2025-12-31",
                "2026-01-04"
            ]
        );
        // 2026 has 53 ISO weeks: week 53 is 28 Dec 2026 - 3 Jan 2027, and 1-3 Jan 2027 are in it.
        // (python-dateutil 2.9 also returns 1 Jan 2022 here, which is ISO week 52 of 2021: its
        // count of the previous year's weeks is off in some years, dateutil PR #1537.)
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH,SA",
                "2020-01-01",
                "2033-06-01"
            ),
            [
                "2020-12-31",
                "2021-01-02",
                "2026-12-31",
                "2027-01-02",
                "2032-12-30",
                "2033-01-01"
            ]
        );
        // -1 is the last week, 52 or 53; 2027's last week (52) ends on 2 Jan 2028.
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU",
                "2026-01-01",
                "2028-06-01"
            ),
            ["2027-01-03", "2028-01-02"]
        );
        // -53 is week 1 in a 53-week year only: 29 Dec 2025 - 4 Jan 2026 is week 1 of 2026.
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=-53;BYDAY=FR",
                "2025-06-01",
                "2027-06-01"
            ),
            ["2026-01-02"]
        );
    }

    #[test]
    fn byweekno_combines_with_the_other_parts() {
        // BYMONTH limits: week 1 of 2026 with BYMONTH=12 keeps its December days only.
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=1;BYMONTH=12",
                "2025-01-01",
                "2027-01-01"
            ),
            ["2025-12-29", "2025-12-30", "2025-12-31"]
        );
        // BYSETPOS picks within the year's matching days: the last weekday of week 10.
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3",
                "2026-01-01",
                "2030-01-01"
            ),
            ["2026-03-06", "2027-03-12", "2028-03-10"]
        );
        // BYMONTHDAY and BYYEARDAY intersect.
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=1,2,3;BYMONTHDAY=13;COUNT=2",
                "2026-01-01",
                "2030-01-01"
            ),
            ["2026-01-13", "2027-01-13"]
        );
        assert_eq!(
            days_of(
                "FREQ=YEARLY;BYWEEKNO=1;BYYEARDAY=-1",
                "2024-01-01",
                "2031-01-01"
            ),
            ["2024-12-31", "2025-12-31", "2029-12-31", "2030-12-31"]
        );
        // UNTIL and INTERVAL.
        assert_eq!(
            days_of(
                "FREQ=YEARLY;INTERVAL=2;BYWEEKNO=20;BYDAY=MO;UNTIL=20310101",
                "2026-05-11",
                "2040-01-01"
            ),
            ["2026-05-11", "2028-05-15", "2030-05-13"]
        );
        // Other frequencies filter their own days by week number (dateutil's reading).
        assert_eq!(
            days_of(
                "FREQ=WEEKLY;BYWEEKNO=2;BYDAY=MO",
                "2026-01-01",
                "2027-12-31"
            ),
            ["2026-01-05", "2027-01-11"]
        );
        assert_eq!(
            days_of(
                "FREQ=DAILY;BYWEEKNO=-1;BYMONTH=1",
                "2026-12-01",
                "2027-01-31"
            ),
            ["2027-01-01", "2027-01-02", "2027-01-03"]
        );
    }

    #[test]
    fn a_week_that_never_comes_stops_at_the_budget() {
        // Week 53 never falls in June: the scan ends at the step budget, not at year 9999.
        let rule = Rule::parse("FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6;COUNT=2").unwrap();
        let dtstart = day("2026-01-01").and_time(NaiveTime::MIN);
        let series = Series {
            rule: &rule,
            dtstart,
            zone: None,
        };
        let limits = Limits {
            max_steps: 50_000,
            max_occurrences: 10,
            ..Limits::default()
        };
        let mut budget = Budget::new(&limits);
        let out = starts_in(
            &series,
            dtstart,
            NaiveDate::MAX.and_time(NaiveTime::MIN),
            10,
            &mut budget,
        );
        assert!(out.is_empty());
        assert!(budget.exhausted);
    }
}
