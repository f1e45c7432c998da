//! A master's `recurrence` lines (RRULE, EXRULE, RDATE, EXDATE) as one recurrence set, and the
//! wall-clock starts it produces in a window.

use super::engine::{starts_in, Budget, Series};
use super::error::RecurrenceError;
use super::rule::{parse_until, Rule, Until};
use super::time::Zone;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::BTreeSet;

/// One `RDATE`/`EXDATE` value, already in the series' wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateValue {
    At(NaiveDateTime),
    /// `VALUE=DATE`: a whole day of the series' zone.
    Day(NaiveDate),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecurrenceSet {
    pub rrules: Vec<Rule>,
    pub exrules: Vec<Rule>,
    pub rdates: Vec<DateValue>,
    pub exdates: Vec<DateValue>,
}

/// A line's parameters (`TZID`, `VALUE`), names upper-cased.
type Params = Vec<(String, String)>;

/// Splits `NAME;PARAM=..;PARAM=..:VALUE` into the name, its parameters and the value.
fn split_line(line: &str) -> Result<(String, Params, &str), RecurrenceError> {
    let (head, value) = line
        .split_once(':')
        .ok_or_else(|| RecurrenceError::InvalidRule(line.to_owned()))?;
    let mut parts = head.split(';');
    let name = parts.next().unwrap_or_default().trim().to_ascii_uppercase();
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_ascii_uppercase(),
                v.trim().trim_matches('"').to_owned(),
            )
        })
        .collect();
    Ok((name, params, value.trim()))
}

/// Reads one date value into the series' wall clock. `zone` is `None` for an all-day series,
/// whose values are dates whatever form they were written in.
fn date_values(
    params: &[(String, String)],
    value: &str,
    zone: Option<Zone>,
) -> Result<Vec<DateValue>, RecurrenceError> {
    let tzid = params
        .iter()
        .find(|(k, _)| k == "TZID")
        .map(|(_, v)| Zone::named(v))
        .transpose()?;
    value
        .split(',')
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            // A PERIOD value is `start/end` or `start/duration`; only its start matters here.
            let v = v.trim().split('/').next().unwrap_or_default();
            Ok(match (parse_until(v)?, zone) {
                (Until::Date(d), _) => DateValue::Day(d),
                (Until::Instant(t), None) => DateValue::Day(t.date_naive()),
                (Until::Floating(t), None) => DateValue::Day(t.date()),
                (Until::Instant(t), Some(z)) => DateValue::At(z.wall(t)),
                (Until::Floating(t), Some(z)) => match tzid {
                    Some(src) => DateValue::At(z.wall(src.instant(t))),
                    None => DateValue::At(t),
                },
            })
        })
        .collect()
}

impl RecurrenceSet {
    /// Parses a master's `recurrence` lines. Unknown property names are an error: silently
    /// ignoring one could show occurrences that do not exist.
    pub fn parse(lines: &[String], zone: Option<Zone>) -> Result<RecurrenceSet, RecurrenceError> {
        let mut set = RecurrenceSet::default();
        for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
            let (name, params, value) = split_line(line)?;
            match name.as_str() {
                "RRULE" => set.rrules.push(Rule::parse(value)?),
                "EXRULE" => set.exrules.push(Rule::parse(value)?),
                "RDATE" => set.rdates.extend(date_values(&params, value, zone)?),
                "EXDATE" => set.exdates.extend(date_values(&params, value, zone)?),
                _ => return Err(RecurrenceError::InvalidRule(line.to_owned())),
            }
        }
        Ok(set)
    }

    /// The wall-clock starts in `[from, to)`: DTSTART (always the first instance, RFC 5545
    /// §3.8.5.3), the RRULEs' and RDATEs' starts, minus EXDATEs and EXRULEs' starts.
    pub(crate) fn starts_in(
        &self,
        dtstart: NaiveDateTime,
        zone: Option<Zone>,
        from: NaiveDateTime,
        to: NaiveDateTime,
        max: usize,
        budget: &mut Budget,
    ) -> Vec<NaiveDateTime> {
        let in_window = |t: &NaiveDateTime| *t >= from && *t < to;
        let mut starts: BTreeSet<NaiveDateTime> = BTreeSet::new();
        if in_window(&dtstart) {
            starts.insert(dtstart);
        }
        for rule in &self.rrules {
            let series = Series {
                rule,
                dtstart,
                zone,
            };
            let found = starts_in(&series, from, to, max, budget);
            match zone {
                Some(_) => starts.extend(found),
                // An all-day series has days, whatever times BYHOUR and friends ask for.
                None => starts.extend(found.into_iter().map(|t| t.date().and_time(NaiveTime::MIN))),
            }
        }
        for rd in &self.rdates {
            let t = match *rd {
                DateValue::At(t) => t,
                DateValue::Day(d) => d.and_time(dtstart.time()),
            };
            if in_window(&t) {
                starts.insert(t);
            }
        }
        for ex in &self.exdates {
            match *ex {
                DateValue::At(t) => {
                    starts.remove(&t);
                }
                DateValue::Day(d) => starts.retain(|t| t.date() != d),
            }
        }
        for rule in &self.exrules {
            let series = Series {
                rule,
                dtstart,
                zone,
            };
            for t in starts_in(&series, from, to, usize::MAX, budget) {
                starts.remove(&t);
            }
        }
        if starts.len() > max {
            budget.exhausted = true;
        }
        starts.into_iter().take(max).collect()
    }
}
