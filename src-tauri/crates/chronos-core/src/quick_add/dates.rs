//! Dates: relative ones (today, tomorrow, fri, next tue), written ones (Dec 24, 24 December,
//! 2027-03-01, 03/04) and ranges of them (Dec 24-26, Dec 30 - Jan 2).

use super::draft::{Ambiguity, AmbiguityKind};
use super::locale::DateOrder;
use super::tokens::{is_dash, is_iso_date};
use super::{Found, Piece, Words};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A day or a run of days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DatePiece {
    pub first: NaiveDate,
    /// The last day, inclusive (the first for a single day).
    pub last: NaiveDate,
    /// "tonight": an hour without am/pm is an evening hour.
    pub evening: bool,
}

impl DatePiece {
    fn day(d: NaiveDate) -> Self {
        Self {
            first: d,
            last: d,
            evening: false,
        }
    }
}

/// A date, or a range of dates, starting at word `i` (after an optional "on").
pub(super) fn date(w: &Words, i: usize) -> Option<Found> {
    let j = i + usize::from(w.word(i) == Some("on"));
    if let Some(found) = relative(w, j).or_else(|| written_range(w, j)) {
        return Some(Found {
            len: found.len + (j - i),
            ..found
        });
    }
    None
}

/// "until Dec 31": the end of a series or of a range.
pub(super) fn until(w: &Words, i: usize) -> Option<Found> {
    if !matches!(w.word(i), Some("until" | "till" | "through" | "thru")) {
        return None;
    }
    let found = date(w, i + 1)?;
    let Some(Piece::Date(d)) = found.piece else {
        return None;
    };
    Some(Found::new(found.len + 1, Piece::Until(d.last)).noting(found.notes))
}

pub(super) fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" | "weds" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// The first `day` on or after `from`.
pub(super) fn on_or_after(from: NaiveDate, day: Weekday) -> NaiveDate {
    let ahead = (7 + day.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    from + Duration::days(i64::from(ahead))
}

fn relative(w: &Words, i: usize) -> Option<Found> {
    let today = w.today;
    let word = w.word(i)?;
    let day = |d: NaiveDate| Some(Found::new(1, Piece::Date(DatePiece::day(d))));
    match word {
        "today" => return day(today),
        "tonight" => {
            return Some(Found::new(
                1,
                Piece::Date(DatePiece {
                    evening: true,
                    ..DatePiece::day(today)
                }),
            ))
        }
        "tomorrow" | "tmrw" | "tmr" => return day(today.succ_opt()?),
        "yesterday" => return day(today.pred_opt()?),
        _ => {}
    }
    let (skip, which) = match word {
        "next" => (1, Which::Next),
        "this" => (1, Which::This),
        _ => (0, Which::Bare),
    };
    let wd = weekday(w.word(i + skip)?)?;
    // "fri, Dec 24": the written date says more than the weekday.
    if which == Which::Bare {
        let comma = usize::from(w.raw(i + 1) == Some(","));
        if written_range(w, i + 1 + comma).is_some() {
            return None;
        }
    }
    let text = w.text_of(i..i + skip + 1);
    let (d, notes) = which.resolve(today, wd, text);
    Some(Found::new(skip + 1, Piece::Date(DatePiece::day(d))).noting(notes))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Bare,
    This,
    Next,
}

impl Which {
    fn resolve(self, today: NaiveDate, wd: Weekday, text: &str) -> (NaiveDate, Vec<Ambiguity>) {
        let coming = on_or_after(today, wd);
        match self {
            Which::This => (coming, vec![]),
            Which::Bare if coming == today => (
                today,
                vec![Ambiguity::new(
                    AmbiguityKind::WeekdayIsToday,
                    text,
                    format!(
                        "\"{text}\" is today ({}); write \"next {text}\" for a week later",
                        today.format("%a %-d %b")
                    ),
                )],
            ),
            Which::Bare => (coming, vec![]),
            Which::Next => {
                let after = on_or_after(today + Duration::days(1), wd);
                let this_week = after.iso_week() == today.iso_week();
                if this_week {
                    let next = after + Duration::days(7);
                    let note = Ambiguity::new(
                        AmbiguityKind::NextWeekday,
                        text,
                        format!(
                            "\"{text}\" read as next week's ({}), not this week's ({})",
                            next.format("%a %-d %b"),
                            after.format("%a %-d %b")
                        ),
                    );
                    (next, vec![note])
                } else {
                    (after, vec![])
                }
            }
        }
    }
}

/// A written date, optionally the start of a range: "Dec 24-26", "Dec 30 - Jan 2",
/// "24 Dec to 2 Jan", "Dec 24, 2027".
fn written_range(w: &Words, i: usize) -> Option<Found> {
    // A weekday in front of a written date ("Fri Dec 24", "Friday, 24 December") is dropped.
    let lead = match w.word(i).and_then(weekday) {
        Some(_) => 1 + usize::from(w.raw(i + 1) == Some(",")),
        None => 0,
    };
    let first = written(w, i + lead)?;
    let mut len = lead + first.len;
    let mut notes = first.notes.clone();
    let mut last = None;
    if matches!(w.word(i + len), Some(s) if is_dash(s) || matches!(s, "to" | "until" | "till" | "through" | "thru"))
    {
        let k = i + len + 1;
        if let Some(second) = written(w, k) {
            notes.extend(second.notes.clone());
            last = Some((second.date, second.year_given));
            len += 1 + second.len;
        } else if let Some(day) = w.word(k).and_then(day_number) {
            if first.month_named {
                last = Some((first.date.with_day(day)?, first.year_given));
                len += 2;
            }
        }
    }
    // "Dec 24-26, 2027": a year after the range.
    let mut first_date = first.date;
    let mut year_given = first.year_given;
    if !year_given && first.month_named {
        let comma = usize::from(w.raw(i + len) == Some(","));
        if let Some(y) = w.word(i + len + comma).and_then(year) {
            first_date = first_date.with_year(y)?;
            if let Some((l, g)) = last.as_mut() {
                *l = l.with_year(y)?;
                *g = true;
            }
            year_given = true;
            len += comma + 1;
        }
    }
    if !year_given && first_date < w.today {
        first_date = first_date.with_year(first_date.year() + 1)?;
    }
    let mut last_date = match last {
        Some((l, given)) => {
            let mut l = if given {
                l
            } else {
                l.with_year(first_date.year())?
            };
            if l < first_date && !given {
                l = l.with_year(l.year() + 1)?;
            }
            if l < first_date {
                return None;
            }
            l
        }
        None => first_date,
    };
    if last_date < first_date {
        last_date = first_date;
    }
    Some(
        Found::new(
            len,
            Piece::Date(DatePiece {
                first: first_date,
                last: last_date,
                evening: false,
            }),
        )
        .noting(notes),
    )
}

/// One written date.
struct Written {
    date: NaiveDate,
    len: usize,
    year_given: bool,
    month_named: bool,
    notes: Vec<Ambiguity>,
}

fn written(w: &Words, i: usize) -> Option<Written> {
    let word = w.word(i)?;
    if is_iso_date(word) {
        let date = NaiveDate::parse_from_str(word, "%Y-%m-%d").ok()?;
        return Some(Written {
            date,
            len: 1,
            year_given: true,
            month_named: false,
            notes: vec![],
        });
    }
    if let Some(found) = numeric(w, i) {
        return Some(found);
    }
    named(w, i)
}

/// "Dec 24", "December 24th, 2027", "24 Dec", "24th of December 2027".
fn named(w: &Words, i: usize) -> Option<Written> {
    let this_year = w.today.year();
    let at = |month: u32, day: u32, len: usize| {
        let (y, ylen) = match w.word(i + len).and_then(year) {
            Some(y) => (Some(y), 1),
            None => (None, 0),
        };
        Some(Written {
            date: NaiveDate::from_ymd_opt(y.unwrap_or(this_year), month, day)?,
            len: len + ylen,
            year_given: y.is_some(),
            month_named: true,
            notes: vec![],
        })
    };
    if let Some(m) = w.word(i).and_then(month) {
        let day = w.word(i + 1).and_then(day_number)?;
        return at(m, day, 2);
    }
    let day = w.word(i).and_then(day_number)?;
    let of = usize::from(w.word(i + 1) == Some("of"));
    let m = w.word(i + 1 + of).and_then(month)?;
    at(m, day, 2 + of)
}

/// 03/04, 3/4/2027, 24.12., 24.12.2026, 2027/03/04, read in the locale's order.
fn numeric(w: &Words, i: usize) -> Option<Written> {
    let word = w.raw(i)?;
    let sep = if word.contains('/') { '/' } else { '.' };
    let mut parts: Vec<&str> = word.split(sep).collect();
    if sep == '.' {
        // "24.12." or "24.12.2026": a bare "1.5" is a number, not a date.
        match parts.as_slice() {
            [_, _, ""] => {
                parts.pop();
            }
            [_, _, _] => {}
            _ => return None,
        }
    }
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let year_given = parts.len() == 3;
    if parts[0].len() == 4 {
        let [y, m, d] = n[..] else { return None };
        let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
        return Some(Written {
            date,
            len: 1,
            year_given: true,
            month_named: false,
            notes: vec![],
        });
    }
    let y = match parts.get(2) {
        Some(p) if p.len() == 4 => n[2] as i32,
        Some(p) if p.len() == 2 => 2000 + n[2] as i32,
        Some(_) => return None,
        None => w.today.year(),
    };
    let (m, d) = match w.ctx.date_order {
        DateOrder::DayFirst => (n[1], n[0]),
        DateOrder::MonthFirst | DateOrder::YearFirst => (n[0], n[1]),
    };
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    let mut notes = vec![];
    if n[0] != n[1] && n[0] <= 12 && n[1] <= 12 {
        let text = w.original(i).unwrap_or_default();
        let other = NaiveDate::from_ymd_opt(y, d, m)?;
        notes.push(Ambiguity::new(
            AmbiguityKind::NumericDate,
            text,
            format!(
                "{text} read as {} by the locale's date order, not {}; write {} to be sure",
                date.format("%-d %B"),
                other.format("%-d %B"),
                date.format("%Y-%m-%d")
            ),
        ));
    }
    Some(Written {
        date,
        len: 1,
        year_given,
        month_named: false,
        notes,
    })
}

pub(super) fn month(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    NAMES
        .iter()
        .position(|n| {
            *n == word
                || (word.len() == 3 && n.starts_with(word))
                || (word == "sept" && *n == "september")
        })
        .map(|p| p as u32 + 1)
}

/// 1 to 31, also "1st", "22nd", "3rd", "24th".
fn day_number(word: &str) -> Option<u32> {
    let digits = word
        .strip_suffix("st")
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))
        .unwrap_or(word);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// A four-digit year.
fn year(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}
