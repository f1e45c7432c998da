//! The periods a rule steps through: a year, month, week, day, hour, minute or second,
//! `INTERVAL` of them apart, counted from the one holding DTSTART.

use crate::recurrence::rule::{Freq, Rule};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

pub(super) struct Period {
    /// The first wall-clock instant of the period.
    pub(super) first: NaiveDateTime,
    /// The period's days: `len` days from `first_day`.
    pub(super) first_day: NaiveDate,
    pub(super) len: u32,
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
pub(super) fn period(rule: &Rule, dtstart: NaiveDateTime, k: i64) -> Option<Period> {
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
pub(super) fn first_useful_period(
    rule: &Rule,
    dtstart: NaiveDateTime,
    target: NaiveDateTime,
) -> i64 {
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

pub(super) fn days_in_month(d: NaiveDate) -> u32 {
    let (y, m) = (d.year(), d.month());
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.map(|n| (n - Duration::days(1)).day()).unwrap_or(31)
}

pub(super) fn days_in_year(d: NaiveDate) -> u32 {
    if d.leap_year() {
        366
    } else {
        365
    }
}
