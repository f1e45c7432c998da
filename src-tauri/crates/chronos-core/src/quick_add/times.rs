//! Times of day and ranges of them: 1pm, 13:30, 9:30, noon, "at 5", 3-4pm, "from 2pm to 4pm".

use super::draft::{Ambiguity, AmbiguityKind};
use super::tokens::is_dash;
use super::{Found, Piece, Words};
use chrono::NaiveTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Meridiem {
    Am,
    Pm,
}

/// A time as written, before am/pm is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Clock {
    hour: u32,
    minute: u32,
    meridiem: Option<Meridiem>,
    /// "noon", "midnight", "09:30", "17:00": nothing to decide.
    exact: bool,
    /// Written with am/pm, minutes or as a name: a time even without "at".
    strong: bool,
}

/// A start time, and an end when a range gives one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TimePiece {
    pub start: Clock,
    pub end: Option<Clock>,
}

const RANGE_WORDS: [&str; 5] = ["to", "until", "till", "til", "through"];

/// A time or a time range at word `i`, after an optional "at", "@" or "from".
pub(super) fn time(w: &Words, i: usize) -> Option<Found> {
    let connected = matches!(w.word(i), Some("at" | "@" | "from" | "around"));
    let j = i + usize::from(connected);
    let (len1, start) = clock(w, j)?;
    let k = j + len1;
    let sep = w
        .word(k)
        .is_some_and(|s| is_dash(s) || RANGE_WORDS.contains(&s));
    if sep {
        if let Some((len2, end)) = clock(w, k + 1) {
            if connected || start.strong || end.strong {
                let piece = TimePiece {
                    start,
                    end: Some(end),
                };
                return Some(Found::new(k + 1 + len2 - i, Piece::Time(piece)));
            }
        }
    }
    (connected || start.strong)
        .then(|| Found::new(k - i, Piece::Time(TimePiece { start, end: None })))
}

/// One written time at word `i` ("5", "5pm", "5 pm", "5:30", "17:30", "noon").
fn clock(w: &Words, i: usize) -> Option<(usize, Clock)> {
    let word = w.word(i)?;
    let named = |hour| Clock {
        hour,
        minute: 0,
        meridiem: None,
        exact: true,
        strong: true,
    };
    match word {
        "noon" | "midday" => return Some((1, named(12))),
        "midnight" => return Some((1, named(0))),
        _ => {}
    }
    let (body, attached) = split_meridiem(word);
    let (meridiem, len) = match attached {
        Some(m) => (Some(m), 1),
        None => match w.word(i + 1).and_then(meridiem_word) {
            Some(m) => (Some(m), 2),
            None => (None, 1),
        },
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h, Some(m)),
        None => (body, None),
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 2) || m.is_some_and(|m| m.len() != 2 || !digits(m, 2)) {
        return None;
    }
    let hour: u32 = h.parse().ok()?;
    let minute: u32 = m.map_or(Some(0), |m| m.parse().ok())?;
    if minute > 59 || hour > 23 || (meridiem.is_some() && !(1..=12).contains(&hour)) {
        return None;
    }
    let exact =
        meridiem.is_none() && (hour == 0 || hour >= 12 || h.len() == 2 && h.starts_with('0'));
    Some((
        len,
        Clock {
            hour,
            minute,
            meridiem,
            exact,
            strong: meridiem.is_some() || m.is_some(),
        },
    ))
}

fn split_meridiem(word: &str) -> (&str, Option<Meridiem>) {
    for (suffix, m) in [
        ("a.m", Meridiem::Am),
        ("p.m", Meridiem::Pm),
        ("am", Meridiem::Am),
        ("pm", Meridiem::Pm),
        ("a", Meridiem::Am),
        ("p", Meridiem::Pm),
    ] {
        if let Some(body) = word.strip_suffix(suffix) {
            if body.ends_with(|c: char| c.is_ascii_digit()) {
                return (body, Some(m));
            }
        }
    }
    (word, None)
}

fn meridiem_word(word: &str) -> Option<Meridiem> {
    match word {
        "am" | "a.m" => Some(Meridiem::Am),
        "pm" | "p.m" => Some(Meridiem::Pm),
        _ => None,
    }
}

impl Clock {
    fn at(self, m: Meridiem) -> NaiveTime {
        let h = self.hour % 12 + if m == Meridiem::Pm { 12 } else { 0 };
        NaiveTime::from_hms_opt(h, self.minute, 0).expect("a checked time")
    }

    fn literal(self) -> NaiveTime {
        NaiveTime::from_hms_opt(self.hour, self.minute, 0).expect("a checked time")
    }

    /// Read alone: am/pm as written, exact times as written, else the working-hours guess.
    /// The guess comes back as `true`.
    fn alone(self, evening: bool) -> (NaiveTime, bool) {
        match self.meridiem {
            Some(m) => (self.at(m), false),
            None if self.exact => (self.literal(), false),
            None if evening => (self.at(Meridiem::Pm), false),
            None if self.hour >= 7 => (self.at(Meridiem::Am), true),
            None => (self.at(Meridiem::Pm), true),
        }
    }

    /// The reading of this clock that comes first after `from` (an end without am/pm).
    fn after(self, from: NaiveTime) -> NaiveTime {
        if self.meridiem.is_some() || self.exact {
            return self.alone(false).0;
        }
        let am = self.at(Meridiem::Am);
        let pm = self.at(Meridiem::Pm);
        if am > from {
            am
        } else if pm > from {
            pm
        } else {
            am
        }
    }
}

impl TimePiece {
    /// Start and end (when given) as times of day, with a note when am/pm had to be guessed.
    pub(super) fn resolve(
        &self,
        evening: bool,
        text: &str,
    ) -> (NaiveTime, Option<NaiveTime>, Vec<Ambiguity>) {
        let (start, guessed) = match (self.start.meridiem, self.end.and_then(|e| e.meridiem)) {
            // "3-4pm": the start takes the end's half of the day if it fits before it.
            (None, Some(m)) if !self.start.exact => {
                let end = self.end.expect("an end").at(m);
                let same = self.start.at(m);
                let start = if same <= end {
                    same
                } else {
                    self.start.at(flip(m))
                };
                (start, false)
            }
            _ => self.start.alone(evening),
        };
        let end = self.end.map(|e| e.after(start));
        let mut notes = vec![];
        if guessed {
            let other = start.overflowing_add_signed(chrono::Duration::hours(12)).0;
            notes.push(Ambiguity::new(
                AmbiguityKind::TimeWithoutMeridiem,
                text,
                format!(
                    "{text} read as {}, not {}; add am or pm to be sure",
                    start.format("%H:%M"),
                    other.format("%H:%M")
                ),
            ));
        }
        (start, end, notes)
    }
}

fn flip(m: Meridiem) -> Meridiem {
    match m {
        Meridiem::Am => Meridiem::Pm,
        Meridiem::Pm => Meridiem::Am,
    }
}
