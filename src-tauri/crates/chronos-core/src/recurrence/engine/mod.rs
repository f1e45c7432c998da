//! Generates the wall-clock start times of one rule, period by period (a year, month, week, day,
//! hour, minute or second, `INTERVAL` periods apart), the way RFC 5545 §3.3.10 describes: each
//! period's candidate days are filtered by the `BY*` parts, combined with the times of day, cut
//! by `BYSETPOS`, then limited by `COUNT`/`UNTIL`.
//!
//! Work is bounded: every day or candidate looked at spends one step of a budget, and the number
//! of starts returned is capped; hitting either stops this rule and marks the result truncated.

mod days;
mod period;
#[cfg(test)]
mod tests;

use super::rule::{Freq, Rule, Until};
use super::time::Zone;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use days::day_matches;
use period::{first_useful_period, period, Period};

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
        if !period_candidates(
            &rule,
            &period,
            fixed_times.as_deref(),
            budget,
            &mut days,
            &mut candidates,
        ) {
            return out;
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

/// Fills `candidates` with the starts period `period` generates (its matching days at its times
/// of day, cut by `BYSETPOS`), `days` being scratch space. False when the budget ran out.
fn period_candidates(
    rule: &Rule,
    period: &Period,
    fixed_times: Option<&[NaiveTime]>,
    budget: &mut Budget,
    days: &mut Vec<NaiveDate>,
    candidates: &mut Vec<NaiveDateTime>,
) -> bool {
    if !budget.spend(1 + u64::from(period.len)) {
        return false;
    }
    days.clear();
    days.extend(
        period
            .first_day
            .iter_days()
            .take(period.len as usize)
            .filter(|d| day_matches(rule, *d)),
    );
    candidates.clear();
    if !days.is_empty() {
        let own_times;
        let times = match fixed_times {
            Some(t) => t,
            None => {
                own_times = times_of(rule, period.first);
                &own_times
            }
        };
        if !budget.spend((days.len() * times.len()) as u64) {
            return false;
        }
        for d in days.iter() {
            for t in times {
                candidates.push(d.and_time(*t));
            }
        }
    }
    if !rule.by_set_pos.is_empty() {
        let kept = set_positions(&rule.by_set_pos, candidates);
        *candidates = kept;
    }
    true
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
