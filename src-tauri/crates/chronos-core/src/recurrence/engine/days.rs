//! Which days of a period the `BY*` day parts keep (`BYMONTH`, `BYMONTHDAY`, `BYYEARDAY`,
//! `BYDAY`, `BYWEEKNO`).

use super::period::{days_in_month, days_in_year};
use crate::recurrence::rule::{Freq, Rule};
use chrono::{Datelike, NaiveDate};

/// Whether a `n`/`-n` position (1-based from the start or the end) names `index0` of `len`.
fn position_matches(n: i32, index0: u32, len: u32) -> bool {
    if n > 0 {
        index0 as i32 == n - 1
    } else {
        index0 as i32 == len as i32 + n
    }
}

pub(super) fn day_matches(rule: &Rule, d: NaiveDate) -> bool {
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
pub(super) fn week_no_matches(weeks: &[i32], wkst: chrono::Weekday, d: NaiveDate) -> bool {
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
