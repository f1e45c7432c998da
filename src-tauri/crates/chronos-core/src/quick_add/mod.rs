//! Quick add: one line of text ("Lunch with Ana tomorrow 1pm at Café Nero") becomes a draft
//! event, parsed on this machine, for a preview and then the ordinary create path.
//!
//! The parser is our own. The Rust crates for English dates were weighed: `chrono-english` is
//! unmaintained; `interim` (its maintained successor) and `date_time_parser` read a string that
//! is *only* a date expression, one point in time, so they neither find a date inside a title
//! nor handle ranges ("3-4pm", "Dec 24-26"), durations, repetition or zones; `two_timer` reads
//! ranges but again whole-string, without repetition, and would add a grammar engine to the
//! tree. None reports ambiguity: they guess, where quick add must show its guesses. So the line
//! is split into words ([`tokens`]) and, left to right, small matchers ([`dates`], [`times`],
//! [`durations`], [`repeat`], [`places`]) claim runs of words; what no matcher claims stays in
//! the title in its original spelling, and [`resolve`] turns the claimed parts into the draft.
//!
//! The rules a reader should know:
//! - a bare number is a time only after "at"/"from" or in a range with an am/pm or h:mm side,
//!   so "Room 101", "Buy 2 apples", "Call 555-1234" keep their numbers;
//! - an hour from 1 to 11 without am/pm is read in working hours (7–11 morning, 1–6 afternoon)
//!   and reported; "09:30", "17:00" and am/pm times are taken as written;
//! - numeric dates follow [`DateOrder`]; ISO dates (2027-03-01) always work;
//! - a bare weekday is the next one on or after today; "next tue" is the Tuesday of next week;
//! - a timed event lasts one hour unless an end or a duration is given; only a date makes it
//!   all-day; nothing at all makes it all day today, reported.

mod calendar;
mod dates;
mod draft;
mod durations;
mod event;
mod locale;
mod places;
mod repeat;
mod resolve;
#[cfg(test)]
mod tests;
mod times;
mod tokens;

pub use draft::{Ambiguity, AmbiguityKind, ParseContext, QuickCalendar, QuickDraft, QuickWhen};
pub use locale::{date_order_for_locale, system_date_order, time_locale, DateOrder};

use chrono::NaiveDate;
use chrono_tz::Tz;
use std::ops::Range;
use tokens::Token;

/// The draft event `text` describes, read in `ctx`. Never fails: what it cannot place stays in
/// the title, and what it had to guess is listed in `ambiguities`.
pub fn parse(text: &str, ctx: &ParseContext) -> QuickDraft {
    let toks = tokens::tokenize(text);
    let words = Words {
        toks: &toks,
        text,
        ctx,
        today: ctx.now.with_timezone(&ctx.zone).date_naive(),
    };
    let mut parts = resolve::Parts::default();
    let mut kept = vec![true; toks.len()];
    let mut notes = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match find(&words, i, true) {
            Some(found) => {
                notes.extend(found.notes);
                let placed = found
                    .piece
                    .is_some_and(|p| parts.place(p, words.text_of(i..i + found.len)));
                if placed {
                    kept[i..i + found.len].iter_mut().for_each(|k| *k = false);
                    i += found.len;
                } else {
                    i += 1;
                }
            }
            None => i += 1,
        }
    }
    let title = title(text, &toks, &kept);
    resolve::draft(parts, title, ctx, words.today, notes)
}

/// The words of a line and what they are read against.
pub(super) struct Words<'a> {
    toks: &'a [Token],
    text: &'a str,
    ctx: &'a ParseContext,
    today: NaiveDate,
}

impl Words<'_> {
    /// Word `i` for keyword matching, if there is one.
    fn word(&self, i: usize) -> Option<&str> {
        self.toks.get(i).map(Token::word)
    }

    /// Word `i` as written, lower-case, with its punctuation.
    fn raw(&self, i: usize) -> Option<&str> {
        self.toks.get(i).map(|t| t.low.as_str())
    }

    /// Word `i` in its original case.
    fn original(&self, i: usize) -> Option<&str> {
        self.toks.get(i).map(|t| &self.text[t.span.clone()])
    }

    /// The original text of words `r`.
    fn text_of(&self, r: Range<usize>) -> &str {
        match (
            self.toks.get(r.start),
            r.end.checked_sub(1).and_then(|e| self.toks.get(e)),
        ) {
            (Some(a), Some(b)) if r.start < r.end => &self.text[a.span.start..b.span.end],
            _ => "",
        }
    }
}

/// One part of an event a run of words describes.
#[derive(Clone, Debug)]
pub(super) enum Piece {
    Date(dates::DatePiece),
    Time(times::TimePiece),
    /// "in 2 hours": that long from now.
    After(chrono::Duration),
    Length(durations::Length),
    Repeat(repeat::Repeat),
    /// "until Dec 31": the last day of a series (or of a range).
    Until(NaiveDate),
    Zone(Tz),
    Calendar(QuickCalendar),
    Location(String),
}

/// What a matcher claims: `len` words from where it started. Without a piece the words stay in
/// the title (an unknown `/name`), but the notes are kept.
pub(super) struct Found {
    len: usize,
    piece: Option<Piece>,
    notes: Vec<Ambiguity>,
}

impl Found {
    fn new(len: usize, piece: Piece) -> Self {
        Self {
            len,
            piece: Some(piece),
            notes: Vec::new(),
        }
    }

    fn noting(mut self, notes: impl IntoIterator<Item = Ambiguity>) -> Self {
        self.notes.extend(notes);
        self
    }
}

/// The first matcher that claims words from `i`. `places` also tries a location, which stops
/// where any other part starts.
fn find(w: &Words, i: usize, places: bool) -> Option<Found> {
    calendar::slash_name(w, i)
        .or_else(|| places::zone(w, i))
        .or_else(|| repeat::repeat(w, i))
        .or_else(|| dates::until(w, i))
        .or_else(|| durations::length(w, i))
        .or_else(|| durations::after(w, i))
        .or_else(|| dates::date(w, i))
        .or_else(|| times::time(w, i))
        .or_else(|| places.then(|| places::location(w, i)).flatten())
}

/// The kept words: runs of neighbours as written, runs joined by one space, without the
/// punctuation a removed part leaves at either end.
fn title(text: &str, toks: &[Token], kept: &[bool]) -> String {
    let mut runs: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !kept[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i + 1 < toks.len() && kept[i + 1] {
            i += 1;
        }
        let run = text[toks[start].span.start..toks[i].span.end]
            .trim_matches(|c: char| c.is_whitespace() || ",;-–—".contains(c));
        if !run.is_empty() {
            runs.push(run);
        }
        i += 1;
    }
    runs.join(" ")
}

/// The day `text` names when it is nothing but a date ("next friday", "dec 24", "2027-03-01",
/// "tomorrow"): what the palette's "go to" reads. `None` when words are left over or no date
/// was found.
pub fn read_date(text: &str, ctx: &ParseContext) -> Option<NaiveDate> {
    let draft = parse(text, ctx);
    if !draft.title.trim().is_empty() || draft.has(AmbiguityKind::NoDate) || draft.rrule.is_some() {
        return None;
    }
    Some(match draft.when {
        QuickWhen::AllDay { start, .. } => start,
        QuickWhen::Timed { start, .. } => start.date_naive(),
    })
}
