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

/// Bounds on the work done for one master in one query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Days and candidate times examined, over all rules of one master.
    pub max_steps: u64,
    /// Occurrences returned for one master.
    pub max_occurrences: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_steps: 500_000, max_occurrences: 10_000 }
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
        Budget { steps_left: limits.max_steps, exhausted: false }
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
    let mut k = if rule.count.is_none() { first_useful_period(&rule, dtstart, from) } else { 0 };
    if rule.count == Some(0) {
        return out;
    }
    // Buffers reused across periods; times of day are the same in every period down to DAILY.
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut candidates: Vec<NaiveDateTime> = Vec::new();
    let fixed_times = (rule.freq <= Freq::Daily).then(|| times_of(&rule, dtstart));
    loop {
        let Some(period) = period(&rule, dtstart, k) else { return out };
        if period.first >= to || past_until(&rule, series.zone, period.first) {
            return out;
        }
        if !budget.spend(1 + u64::from(period.len)) {
            return out;
        }
        days.clear();
        days.extend(
            period.first_day.iter_days().take(period.len as usize).filter(|d| day_matches(&rule, *d)),
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
        && rule.by_day.iter().all(|d| d.nth.is_none());
    if !plain {
        return None;
    }
    let times = (rule.by_hour.len() * rule.by_minute.len() * rule.by_second.len()) as u64;
    match rule.freq {
        Freq::Daily if rule.by_day.is_empty() => Some(times),
        Freq::Weekly => {
            let days: std::collections::HashSet<_> = rule.by_day.iter().map(|d| d.weekday).collect();
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
            return Some(Period { first: t, first_day: t.date(), len: 1 });
        }
    };
    if first.year() > 9999 {
        return None;
    }
    Some(Period { first: first.and_time(NaiveTime::MIN), first_day: first, len })
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
        if !rule.by_month_day.iter().any(|&n| position_matches(n, d.day0(), len)) {
            return false;
        }
    }
    if !rule.by_year_day.is_empty() {
        let len = days_in_year(d);
        if !rule.by_year_day.iter().any(|&n| position_matches(n, d.ordinal0(), len)) {
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
    true
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
