//! Lengths and offsets: "for 45 min", "for 1.5 hours", "for 2h", "for 3 days", "in 2 hours",
//! "in 3 days", "in a week".

use super::dates::DatePiece;
use super::tokens::count;
use super::{Found, Piece, Words};
use chrono::{Duration, Months};

/// How long an event lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Length {
    Minutes(i64),
    Days(i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

fn unit(word: &str) -> Option<Unit> {
    Some(match word {
        "m" | "min" | "mins" | "minute" | "minutes" => Unit::Minute,
        "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Hour,
        "d" | "day" | "days" => Unit::Day,
        "w" | "wk" | "wks" | "week" | "weeks" => Unit::Week,
        "month" | "months" => Unit::Month,
        _ => return None,
    })
}

/// An amount: "45", "1.5", "an", "two"; `None` for anything else.
fn amount(word: &str) -> Option<f64> {
    if let Some(n) = count(word) {
        return Some(f64::from(n));
    }
    let (a, b) = word.split_once('.')?;
    let ok = |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|c| c.is_ascii_digit());
    (ok(a) && ok(b)).then(|| word.parse().ok()).flatten()
}

/// An amount with its unit from word `i`: "45 min", "2h", "1h30", "1.5 hours", "half an hour".
fn span(w: &Words, i: usize) -> Option<(usize, f64, Unit)> {
    let word = w.word(i)?;
    if word == "half" && matches!(w.word(i + 1), Some("an" | "a")) {
        let u = unit(w.word(i + 2)?)?;
        return Some((3, 0.5, u));
    }
    if let Some(n) = amount(word) {
        let u = unit(w.word(i + 1)?)?;
        return Some((2, n, u));
    }
    // Written together: "2h", "45min", "1.5h", "1h30", "1h30m".
    let split = word.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, rest) = word.split_at(split);
    let n = amount(num).filter(|_| !num.is_empty())?;
    if let Some(u) = unit(rest) {
        return Some((1, n, u));
    }
    let m = rest.strip_prefix('h')?;
    let m = m.strip_suffix('m').unwrap_or(m);
    let minutes: f64 = m
        .parse()
        .ok()
        .filter(|v: &f64| *v < 60.0 && n.fract() == 0.0)?;
    Some((1, n * 60.0 + minutes, Unit::Minute))
}

/// "for 45 min": how long the event lasts.
pub(super) fn length(w: &Words, i: usize) -> Option<Found> {
    if w.word(i) != Some("for") {
        return None;
    }
    let (len, n, u) = span(w, i + 1)?;
    let length = match u {
        Unit::Minute => Length::Minutes(n.round() as i64),
        Unit::Hour => Length::Minutes((n * 60.0).round() as i64),
        Unit::Day if n.fract() == 0.0 => Length::Days(n as i64),
        Unit::Week if n.fract() == 0.0 => Length::Days(n as i64 * 7),
        _ => return None,
    };
    let positive = match length {
        Length::Minutes(m) => m > 0,
        Length::Days(d) => d > 0,
    };
    positive.then(|| Found::new(len + 1, Piece::Length(length)))
}

/// "in 2 hours" (from now) or "in 3 days" (a date).
pub(super) fn after(w: &Words, i: usize) -> Option<Found> {
    if w.word(i) != Some("in") {
        return None;
    }
    let (len, n, u) = span(w, i + 1)?;
    let whole = (n.fract() == 0.0).then_some(n as i64);
    let piece = match u {
        Unit::Minute => Piece::After(Duration::minutes(n.round() as i64)),
        Unit::Hour => Piece::After(Duration::minutes((n * 60.0).round() as i64)),
        Unit::Day => Piece::Date(day(w.today + Duration::days(whole?))),
        Unit::Week => Piece::Date(day(w.today + Duration::days(whole? * 7))),
        Unit::Month => Piece::Date(day(w
            .today
            .checked_add_months(Months::new(u32::try_from(whole?).ok()?))?)),
    };
    Some(Found::new(len + 1, piece))
}

fn day(d: chrono::NaiveDate) -> DatePiece {
    DatePiece {
        first: d,
        last: d,
        evening: false,
    }
}
