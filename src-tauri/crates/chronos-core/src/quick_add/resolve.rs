//! From the parts a line was found to say to a draft: the date a time falls on, the end, the
//! zone's clock, the rule with its end.

use super::dates::{on_or_after, DatePiece};
use super::draft::{Ambiguity, AmbiguityKind, ParseContext, QuickCalendar, QuickDraft, QuickWhen};
use super::durations::Length;
use super::repeat::Repeat;
use super::times::TimePiece;
use super::Piece;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Each part at most once: a second date or time stays in the title.
#[derive(Default)]
pub(super) struct Parts {
    date: Option<(DatePiece, String)>,
    time: Option<(TimePiece, String)>,
    after: Option<Duration>,
    length: Option<(Length, String)>,
    repeat: Option<Repeat>,
    until: Option<NaiveDate>,
    zone: Option<Tz>,
    calendar: Option<QuickCalendar>,
    location: Option<String>,
}

impl Parts {
    /// Takes `piece` (said as `text`) unless that part is already known.
    pub(super) fn place(&mut self, piece: Piece, text: &str) -> bool {
        fn put<T>(slot: &mut Option<T>, v: T) -> bool {
            let free = slot.is_none();
            if free {
                *slot = Some(v);
            }
            free
        }
        let text = text.to_owned();
        match piece {
            // "in 2 hours" is a date and a time at once.
            Piece::Date(_) | Piece::Time(_) if self.after.is_some() => false,
            Piece::After(_) if self.date.is_some() || self.time.is_some() => false,
            Piece::Date(d) => put(&mut self.date, (d, text)),
            Piece::Time(t) => put(&mut self.time, (t, text)),
            Piece::After(d) => put(&mut self.after, d),
            Piece::Length(l) => put(&mut self.length, (l, text)),
            Piece::Repeat(r) => put(&mut self.repeat, r),
            Piece::Until(d) => put(&mut self.until, d),
            Piece::Zone(z) => put(&mut self.zone, z),
            Piece::Calendar(c) => put(&mut self.calendar, c),
            Piece::Location(l) => put(&mut self.location, l),
        }
    }
}

pub(super) fn draft(
    mut parts: Parts,
    title: String,
    ctx: &ParseContext,
    today: NaiveDate,
    mut notes: Vec<Ambiguity>,
) -> QuickDraft {
    let zone = parts.zone.unwrap_or(ctx.zone);
    // A series over a range of days: the range's end is the series' end.
    if let (Some(_), Some((d, _))) = (&parts.repeat, &mut parts.date) {
        if d.last > d.first {
            parts.until.get_or_insert(d.last);
            d.last = d.first;
        }
    }
    let when = when(&parts, ctx, today, zone, &mut notes);
    let rrule = parts.repeat.as_ref().map(|r| {
        let mut rule = r.rule();
        if let Some(until) = parts.until {
            rule.push_str(&format!(";UNTIL={}", until_value(until, &when, zone)));
        }
        rule
    });
    QuickDraft {
        title,
        when,
        zone,
        rrule,
        calendar: parts.calendar,
        location: parts.location,
        ambiguities: notes,
    }
}

fn when(
    parts: &Parts,
    ctx: &ParseContext,
    today: NaiveDate,
    zone: Tz,
    notes: &mut Vec<Ambiguity>,
) -> QuickWhen {
    let length = parts.length.as_ref().map(|(l, _)| *l);
    if let Some(after) = parts.after {
        let start = (ctx.now + after)
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(ctx.now + after);
        let start = start.with_timezone(&zone);
        return QuickWhen::Timed {
            start,
            end: start + timed_length(length),
        };
    }
    let evening = parts.date.as_ref().is_some_and(|(d, _)| d.evening);
    // A series without a date starts on its first day from today (today when it has no days).
    let first_day = parts.date.as_ref().map(|(d, _)| d.first).or_else(|| {
        parts
            .repeat
            .as_ref()
            .map(|r| first_of_series(r, today).unwrap_or(today))
    });
    if let Some((time, text)) = &parts.time {
        let (start_t, end_t, time_notes) = time.resolve(evening, text);
        notes.extend(time_notes);
        let mut day = first_day.unwrap_or(today);
        let mut start = local(zone, day.and_time(start_t), text, notes);
        if first_day.is_none() && start.with_timezone(&Utc) <= ctx.now {
            day = day.succ_opt().unwrap_or(day);
            notes.push(Ambiguity::new(
                AmbiguityKind::TimePassed,
                text.clone(),
                format!("{text} has passed today: read as tomorrow"),
            ));
            start = local(zone, day.and_time(start_t), text, notes);
        }
        let end = match end_t {
            Some(e) => {
                let last = parts.date.as_ref().map_or(day, |(d, _)| d.last.max(day));
                let mut end = last.and_time(e);
                if end <= day.and_time(start_t) {
                    end += Duration::days(1);
                }
                local(zone, end, text, notes)
            }
            None => match length {
                // Days on the clock: "9am for 2 days" ends at 9am, across a clock change too.
                Some(Length::Days(n)) => {
                    local(zone, day.and_time(start_t) + Duration::days(n), text, notes)
                }
                _ => start + timed_length(length),
            },
        };
        return QuickWhen::Timed { start, end };
    }
    if evening {
        return tonight(parts, today, zone, length, notes);
    }
    all_day(parts, first_day, today, length, notes)
}

/// "tonight" without a time: a default evening hour, reported.
fn tonight(
    parts: &Parts,
    today: NaiveDate,
    zone: Tz,
    length: Option<Length>,
    notes: &mut Vec<Ambiguity>,
) -> QuickWhen {
    let text = parts
        .date
        .as_ref()
        .map(|(_, t)| t.as_str())
        .unwrap_or_default();
    notes.push(Ambiguity::new(
        AmbiguityKind::DefaultTime,
        text,
        format!("\"{text}\" without a time: 19:00 for an hour"),
    ));
    let start = local(
        zone,
        today.and_time(NaiveTime::from_hms_opt(19, 0, 0).expect("19:00")),
        text,
        notes,
    );
    QuickWhen::Timed {
        start,
        end: start + timed_length(length),
    }
}

/// Whole days: the date (or range) said, today when none was, stretched by "for N days".
fn all_day(
    parts: &Parts,
    first_day: Option<NaiveDate>,
    today: NaiveDate,
    length: Option<Length>,
    notes: &mut Vec<Ambiguity>,
) -> QuickWhen {
    let first = first_day.unwrap_or_else(|| {
        if length.is_none() {
            notes.push(Ambiguity::new(
                AmbiguityKind::NoDate,
                "",
                "no date or time found: all day today".to_owned(),
            ));
        }
        today
    });
    let mut last = parts.date.as_ref().map_or(first, |(d, _)| d.last);
    match (length, &parts.length) {
        (Some(Length::Days(n)), _) => last = first + Duration::days(n - 1),
        (Some(Length::Minutes(_)), Some((_, text))) => notes.push(Ambiguity::new(
            AmbiguityKind::DurationWithoutTime,
            text.clone(),
            format!("\"{text}\" without a start time: the event is all-day"),
        )),
        _ => {}
    }
    QuickWhen::AllDay {
        start: first,
        end: last.succ_opt().unwrap_or(last),
    }
}

fn timed_length(length: Option<Length>) -> Duration {
    match length {
        Some(Length::Minutes(m)) => Duration::minutes(m),
        Some(Length::Days(d)) => Duration::days(d),
        None => Duration::hours(1),
    }
}

/// The first day of a weekly series on given days, from today.
fn first_of_series(r: &Repeat, today: NaiveDate) -> Option<NaiveDate> {
    r.days.iter().map(|d| on_or_after(today, *d)).min()
}

/// A wall time on `zone`'s clock; a time the clock skips moves past the gap, a repeated one is
/// the first of the two, and either is reported.
fn local(zone: Tz, t: NaiveDateTime, text: &str, notes: &mut Vec<Ambiguity>) -> DateTime<Tz> {
    match zone.from_local_datetime(&t) {
        chrono::LocalResult::Single(v) => v,
        chrono::LocalResult::Ambiguous(first, _) => {
            notes.push(Ambiguity::new(
                AmbiguityKind::ClockChange,
                text,
                format!(
                    "{} happens twice in {zone} that night: the first is used",
                    t.format("%H:%M")
                ),
            ));
            first
        }
        chrono::LocalResult::None => {
            let moved = (1..=180)
                .find_map(|m| {
                    zone.from_local_datetime(&(t + Duration::minutes(m)))
                        .earliest()
                })
                .unwrap_or_else(|| zone.from_utc_datetime(&t));
            notes.push(Ambiguity::new(
                AmbiguityKind::ClockChange,
                text,
                format!(
                    "{} does not exist in {zone} that night (the clocks go forward): {} is used",
                    t.format("%H:%M"),
                    moved.format("%H:%M")
                ),
            ));
            moved
        }
    }
}

/// RFC 5545 `UNTIL`: a date for an all-day series, else the last second of that day on the
/// event's clock, in UTC.
fn until_value(until: NaiveDate, when: &QuickWhen, zone: Tz) -> String {
    match when {
        QuickWhen::AllDay { .. } => until.format("%Y%m%d").to_string(),
        QuickWhen::Timed { .. } => {
            let last = until.and_hms_opt(23, 59, 59).expect("a valid time");
            let utc = zone
                .from_local_datetime(&last)
                .latest()
                .map_or_else(|| Utc.from_utc_datetime(&last), |t| t.with_timezone(&Utc));
            utc.format("%Y%m%dT%H%M%SZ").to_string()
        }
    }
}
