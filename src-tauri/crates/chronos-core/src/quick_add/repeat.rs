//! Repetition: "every day", "every weekday", "every other week", "every mon and wed",
//! "every 2 months", "daily", "weekly", … as an RFC 5545 rule.

use super::dates::weekday;
use super::tokens::count;
use super::{Found, Piece, Words};
use crate::recurrence::weekday_code;
use chrono::Weekday;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A repetition as said; the start and an end are added when the rule is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Repeat {
    pub freq: Freq,
    pub interval: u32,
    /// For a weekly rule: the days it falls on (empty: the start's weekday).
    pub days: Vec<Weekday>,
}

impl Repeat {
    fn new(freq: Freq, interval: u32) -> Self {
        Self {
            freq,
            interval,
            days: Vec::new(),
        }
    }

    /// The rule without its end, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE`.
    pub(super) fn rule(&self) -> String {
        let freq = match self.freq {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
            Freq::Yearly => "YEARLY",
        };
        let mut rule = format!("FREQ={freq}");
        if self.interval > 1 {
            rule.push_str(&format!(";INTERVAL={}", self.interval));
        }
        if !self.days.is_empty() {
            let days: Vec<&str> = self.days.iter().map(|d| weekday_code(*d)).collect();
            rule.push_str(&format!(";BYDAY={}", days.join(",")));
        }
        rule
    }
}

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// A repetition starting at word `i`.
pub(super) fn repeat(w: &Words, i: usize) -> Option<Found> {
    let word = w.word(i)?;
    let single = |r: Repeat| Some(Found::new(1, Piece::Repeat(r)));
    match word {
        "daily" => return single(Repeat::new(Freq::Daily, 1)),
        "weekly" => return single(Repeat::new(Freq::Weekly, 1)),
        "fortnightly" | "biweekly" => return single(Repeat::new(Freq::Weekly, 2)),
        "monthly" => return single(Repeat::new(Freq::Monthly, 1)),
        "yearly" | "annually" => return single(Repeat::new(Freq::Yearly, 1)),
        "every" | "each" => {}
        _ => return None,
    }
    let mut j = i + 1;
    let interval = match w.word(j) {
        Some("other") => {
            j += 1;
            2
        }
        Some(n) => {
            match count(n).filter(|n| *n >= 2 && w.word(j + 1).is_some_and(|u| u.ends_with('s'))) {
                Some(n) => {
                    j += 1;
                    n
                }
                None => 1,
            }
        }
        None => return None,
    };
    let unit = w.word(j)?;
    let unit = unit
        .strip_suffix('s')
        .filter(|_| interval > 1)
        .unwrap_or(unit);
    let r = match unit {
        "day" => Repeat::new(Freq::Daily, interval),
        "week" => Repeat::new(Freq::Weekly, interval),
        "month" => Repeat::new(Freq::Monthly, interval),
        "year" => Repeat::new(Freq::Yearly, interval),
        "weekday" => Repeat {
            days: WEEKDAYS.to_vec(),
            ..Repeat::new(Freq::Weekly, interval)
        },
        "weekend" => Repeat {
            days: vec![Weekday::Sat, Weekday::Sun],
            ..Repeat::new(Freq::Weekly, interval)
        },
        _ => {
            return day_list(w, j, interval).map(|f| Found {
                len: f.len + (j - i),
                ..f
            })
        }
    };
    Some(Found::new(j + 1 - i, Piece::Repeat(r)))
}

/// "mon and wed", "monday, wednesday & friday", "tuesdays".
fn day_list(w: &Words, i: usize, interval: u32) -> Option<Found> {
    let day = |k: usize| {
        let word = w.word(k)?;
        weekday(word).or_else(|| weekday(word.strip_suffix('s')?))
    };
    let mut days = vec![day(i)?];
    let mut j = i + 1;
    loop {
        let sep = match w.word(j) {
            Some("and" | "&" | "+") => 1,
            Some(",") if w.word(j + 1) == Some("and") => 2,
            Some(",") => 1,
            _ => break,
        };
        match day(j + sep) {
            Some(d) => {
                if !days.contains(&d) {
                    days.push(d);
                }
                j += sep + 1;
            }
            None => break,
        }
    }
    days.sort_by_key(|d| d.num_days_from_monday());
    let r = Repeat {
        days,
        ..Repeat::new(Freq::Weekly, interval)
    };
    Some(Found::new(j - i, Piece::Repeat(r)))
}
