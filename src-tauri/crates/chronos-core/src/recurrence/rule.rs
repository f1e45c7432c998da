//! One `RRULE`/`EXRULE` value (RFC 5545 §3.3.10), parsed into typed parts.

use super::error::RecurrenceError;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc, Weekday};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Freq {
    Yearly,
    Monthly,
    Weekly,
    Daily,
    Hourly,
    Minutely,
    Secondly,
}

/// `UNTIL` in the three forms Google and other clients write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// `UNTIL=20261231`: the last day on which an occurrence may start (series-local date).
    Date(NaiveDate),
    /// `UNTIL=20261231T225959Z`: the last instant at which an occurrence may start.
    Instant(DateTime<Utc>),
    /// `UNTIL=20261231T235959` without `Z`: a wall-clock time in the series' zone.
    Floating(NaiveDateTime),
}

/// A `BYDAY` entry: a weekday, optionally with an ordinal (`2TU`, `-1FR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByDay {
    pub nth: Option<i32>,
    pub weekday: Weekday,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub freq: Freq,
    pub interval: u32,
    pub count: Option<u32>,
    pub until: Option<Until>,
    pub by_month: Vec<u32>,
    pub by_month_day: Vec<i32>,
    pub by_year_day: Vec<i32>,
    /// `BYWEEKNO`: weeks of the year (±1..±53), numbered from `wkst` (see `engine`).
    pub by_week_no: Vec<i32>,
    pub by_day: Vec<ByDay>,
    pub by_hour: Vec<u32>,
    pub by_minute: Vec<u32>,
    pub by_second: Vec<u32>,
    pub by_set_pos: Vec<i32>,
    pub wkst: Weekday,
}

fn bad(v: &str) -> RecurrenceError {
    RecurrenceError::InvalidRule(v.to_owned())
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

pub(crate) fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// Parses a list of integers each within `lo..=hi`, zero excluded when `nonzero`.
fn ints(
    v: &str,
    whole: &str,
    lo: i32,
    hi: i32,
    nonzero: bool,
) -> Result<Vec<i32>, RecurrenceError> {
    v.split(',')
        .map(|p| {
            let n: i32 = p
                .trim()
                .trim_start_matches('+')
                .parse()
                .map_err(|_| bad(whole))?;
            if n < lo || n > hi || (nonzero && n == 0) {
                return Err(bad(whole));
            }
            Ok(n)
        })
        .collect()
}

fn uints(v: &str, whole: &str, lo: i32, hi: i32) -> Result<Vec<u32>, RecurrenceError> {
    let mut out: Vec<u32> = ints(v, whole, lo, hi, false)?
        .into_iter()
        .map(|n| n as u32)
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Parses `UNTIL` values, and `DATE`/`DATE-TIME` values of `RDATE`/`EXDATE` lines.
pub(crate) fn parse_until(v: &str) -> Result<Until, RecurrenceError> {
    let err = || RecurrenceError::InvalidDateTime(v.to_owned());
    if v.len() == 8 {
        return NaiveDate::parse_from_str(v, "%Y%m%d")
            .map(Until::Date)
            .map_err(|_| err());
    }
    if let Some(body) = v.strip_suffix('Z') {
        let t = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S").map_err(|_| err())?;
        return Ok(Until::Instant(t.and_utc()));
    }
    NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
        .map(Until::Floating)
        .map_err(|_| err())
}

fn parse_freq(v: &str, whole: &str) -> Result<Freq, RecurrenceError> {
    Ok(match v.to_ascii_uppercase().as_str() {
        "YEARLY" => Freq::Yearly,
        "MONTHLY" => Freq::Monthly,
        "WEEKLY" => Freq::Weekly,
        "DAILY" => Freq::Daily,
        "HOURLY" => Freq::Hourly,
        "MINUTELY" => Freq::Minutely,
        "SECONDLY" => Freq::Secondly,
        _ => return Err(bad(whole)),
    })
}

/// One `BYDAY` item: a weekday code with an optional ordinal (`MO`, `-1FR`, `+2TU`).
fn parse_by_day(item: &str, whole: &str) -> Result<ByDay, RecurrenceError> {
    let item = item.trim().to_ascii_uppercase();
    if item.len() < 2 {
        return Err(bad(whole));
    }
    let (n, code) = item.split_at(item.len() - 2);
    let weekday = weekday(code).ok_or_else(|| bad(whole))?;
    let nth = if n.is_empty() {
        None
    } else {
        let n: i32 = n.trim_start_matches('+').parse().map_err(|_| bad(whole))?;
        if n == 0 || !(-53..=53).contains(&n) {
            return Err(bad(whole));
        }
        Some(n)
    };
    Ok(ByDay { nth, weekday })
}

impl Rule {
    /// Parses the value of an `RRULE:`/`EXRULE:` line (the part after the colon).
    pub fn parse(value: &str) -> Result<Rule, RecurrenceError> {
        let mut rule = Rule {
            freq: Freq::Daily,
            interval: 1,
            count: None,
            until: None,
            by_month: vec![],
            by_month_day: vec![],
            by_year_day: vec![],
            by_week_no: vec![],
            by_day: vec![],
            by_hour: vec![],
            by_minute: vec![],
            by_second: vec![],
            by_set_pos: vec![],
            wkst: Weekday::Mon,
        };
        let mut freq = None;
        for part in value.split(';').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| bad(value))?;
            let v = v.trim();
            match k.trim().to_ascii_uppercase().as_str() {
                "FREQ" => freq = Some(parse_freq(v, value)?),
                "INTERVAL" => {
                    rule.interval = v.parse().map_err(|_| bad(value))?;
                    if rule.interval == 0 {
                        return Err(bad(value));
                    }
                }
                "COUNT" => rule.count = Some(v.parse().map_err(|_| bad(value))?),
                "UNTIL" => rule.until = Some(parse_until(v)?),
                "BYMONTH" => rule.by_month = uints(v, value, 1, 12)?,
                "BYMONTHDAY" => rule.by_month_day = ints(v, value, -31, 31, true)?,
                "BYYEARDAY" => rule.by_year_day = ints(v, value, -366, 366, true)?,
                "BYHOUR" => rule.by_hour = uints(v, value, 0, 23)?,
                "BYMINUTE" => rule.by_minute = uints(v, value, 0, 59)?,
                // 60 is a leap second; chrono cannot place it, so it never matches.
                "BYSECOND" => rule.by_second = uints(v, value, 0, 59)?,
                "BYSETPOS" => rule.by_set_pos = ints(v, value, -366, 366, true)?,
                "WKST" => rule.wkst = weekday(&v.to_ascii_uppercase()).ok_or_else(|| bad(value))?,
                "BYDAY" => {
                    for item in v.split(',') {
                        rule.by_day.push(parse_by_day(item, value)?);
                    }
                }
                // RFC 5545 allows it with FREQ=YEARLY only; like the other parts it "MUST NOT"
                // be used with (BYYEARDAY on MONTHLY, say), other frequencies take it as a
                // filter on their days, as python-dateutil does.
                "BYWEEKNO" => rule.by_week_no = ints(v, value, -53, 53, true)?,
                k if k.starts_with("X-") => {}
                _ => return Err(bad(value)),
            }
        }
        rule.freq = freq.ok_or_else(|| bad(value))?;
        if rule.count.is_some() && rule.until.is_some() {
            return Err(bad(value));
        }
        Ok(rule)
    }

    /// Fills the parts RFC 5545 takes from `DTSTART` when the rule leaves them out.
    pub(crate) fn with_defaults(&self, dtstart: NaiveDateTime) -> Rule {
        let mut r = self.clone();
        // With BYWEEKNO and no weekday the whole week matches: nothing comes from DTSTART.
        let no_day_filter = r.by_year_day.is_empty()
            && r.by_month_day.is_empty()
            && r.by_day.is_empty()
            && r.by_week_no.is_empty();
        if no_day_filter {
            match r.freq {
                Freq::Yearly => {
                    if r.by_month.is_empty() {
                        r.by_month = vec![dtstart.month()];
                    }
                    r.by_month_day = vec![dtstart.day() as i32];
                }
                Freq::Monthly => r.by_month_day = vec![dtstart.day() as i32],
                Freq::Weekly => {
                    r.by_day = vec![ByDay {
                        nth: None,
                        weekday: dtstart.weekday(),
                    }]
                }
                _ => {}
            }
        }
        if r.by_hour.is_empty() && r.freq <= Freq::Daily {
            r.by_hour = vec![dtstart.hour()];
        }
        if r.by_minute.is_empty() && r.freq <= Freq::Hourly {
            r.by_minute = vec![dtstart.minute()];
        }
        if r.by_second.is_empty() && r.freq <= Freq::Minutely {
            r.by_second = vec![dtstart.second()];
        }
        r
    }

    /// Writes the rule back as an `RRULE` value (used when a series is split).
    pub fn to_value(&self) -> String {
        fn list<T: ToString>(v: &[T]) -> String {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
        let freq = match self.freq {
            Freq::Yearly => "YEARLY",
            Freq::Monthly => "MONTHLY",
            Freq::Weekly => "WEEKLY",
            Freq::Daily => "DAILY",
            Freq::Hourly => "HOURLY",
            Freq::Minutely => "MINUTELY",
            Freq::Secondly => "SECONDLY",
        };
        let mut parts = vec![format!("FREQ={freq}")];
        if self.wkst != Weekday::Mon {
            parts.push(format!("WKST={}", weekday_code(self.wkst)));
        }
        match self.until {
            Some(Until::Date(d)) => parts.push(format!("UNTIL={}", d.format("%Y%m%d"))),
            Some(Until::Instant(t)) => parts.push(format!("UNTIL={}", t.format("%Y%m%dT%H%M%SZ"))),
            Some(Until::Floating(t)) => parts.push(format!("UNTIL={}", t.format("%Y%m%dT%H%M%S"))),
            None => {}
        }
        if let Some(c) = self.count {
            parts.push(format!("COUNT={c}"));
        }
        if self.interval != 1 {
            parts.push(format!("INTERVAL={}", self.interval));
        }
        let pairs: [(&str, String); 9] = [
            ("BYMONTH", list(&self.by_month)),
            ("BYWEEKNO", list(&self.by_week_no)),
            ("BYMONTHDAY", list(&self.by_month_day)),
            ("BYYEARDAY", list(&self.by_year_day)),
            ("BYHOUR", list(&self.by_hour)),
            ("BYMINUTE", list(&self.by_minute)),
            ("BYSECOND", list(&self.by_second)),
            ("BYSETPOS", list(&self.by_set_pos)),
            (
                "BYDAY",
                self.by_day
                    .iter()
                    .map(|d| match d.nth {
                        Some(n) => format!("{n}{}", weekday_code(d.weekday)),
                        None => weekday_code(d.weekday).to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ];
        for (k, v) in pairs {
            if !v.is_empty() {
                parts.push(format!("{k}={v}"));
            }
        }
        parts.join(";")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_supported_part() {
        let r = Rule::parse(
            "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=2TU,-1FR,MO;BYMONTHDAY=-1,15;BYMONTH=1,6;\
             BYSETPOS=-1;BYHOUR=9;BYMINUTE=30;WKST=SU",
        )
        .unwrap();
        assert_eq!(r.freq, Freq::Monthly);
        assert_eq!(r.interval, 2);
        assert_eq!(r.count, Some(10));
        assert_eq!(
            r.by_day[0],
            ByDay {
                nth: Some(2),
                weekday: Weekday::Tue
            }
        );
        assert_eq!(
            r.by_day[1],
            ByDay {
                nth: Some(-1),
                weekday: Weekday::Fri
            }
        );
        assert_eq!(
            r.by_day[2],
            ByDay {
                nth: None,
                weekday: Weekday::Mon
            }
        );
        assert_eq!(r.by_month_day, vec![-1, 15]);
        assert_eq!(r.by_set_pos, vec![-1]);
        assert_eq!(r.wkst, Weekday::Sun);
        let again = Rule::parse(&r.to_value()).unwrap();
        assert_eq!(again, r);
    }

    #[test]
    fn until_forms() {
        let r = Rule::parse("FREQ=DAILY;UNTIL=20261231").unwrap();
        assert!(matches!(r.until, Some(Until::Date(_))));
        let r = Rule::parse("FREQ=DAILY;UNTIL=20261231T225959Z").unwrap();
        assert!(matches!(r.until, Some(Until::Instant(_))));
        let r = Rule::parse("FREQ=DAILY;UNTIL=20261231T225959").unwrap();
        assert!(matches!(r.until, Some(Until::Floating(_))));
    }

    #[test]
    fn rejects_bad_rules() {
        for v in [
            "",
            "INTERVAL=2",
            "FREQ=FORTNIGHTLY",
            "FREQ=DAILY;INTERVAL=0",
            "FREQ=DAILY;BYMONTH=13",
            "FREQ=DAILY;BYMONTHDAY=0",
            "FREQ=MONTHLY;BYDAY=0MO",
            "FREQ=MONTHLY;BYDAY=XX",
            "FREQ=DAILY;COUNT=2;UNTIL=20260101",
            "FREQ=DAILY;UNTIL=2026",
            "FREQ=DAILY;NONSENSE=1",
        ] {
            assert!(Rule::parse(v).is_err(), "{v} must be rejected");
        }
    }

    #[test]
    fn byweekno_is_parsed_range_checked_and_written_back() {
        let r = Rule::parse("FREQ=YEARLY;BYWEEKNO=1,+20,-1,53,-53;BYDAY=MO;WKST=SU").unwrap();
        assert_eq!(r.by_week_no, vec![1, 20, -1, 53, -53]);
        assert_eq!(r.wkst, Weekday::Sun);
        let again = Rule::parse(&r.to_value()).unwrap();
        assert_eq!(again, r);
        assert!(
            r.to_value().contains("BYWEEKNO=1,20,-1,53,-53"),
            "{}",
            r.to_value()
        );
        for v in [
            "FREQ=YEARLY;BYWEEKNO=0",
            "FREQ=YEARLY;BYWEEKNO=54",
            "FREQ=YEARLY;BYWEEKNO=-54",
            "FREQ=YEARLY;BYWEEKNO=",
            "FREQ=YEARLY;BYWEEKNO=1,,2",
            "FREQ=YEARLY;BYWEEKNO=W1",
        ] {
            assert_eq!(Rule::parse(v).unwrap_err().kind(), "invalid_rule", "{v}");
        }
        // Outside YEARLY the RFC forbids it; it is read as a filter on the days (as dateutil).
        assert_eq!(
            Rule::parse("FREQ=WEEKLY;BYWEEKNO=20").unwrap().by_week_no,
            vec![20]
        );
    }

    #[test]
    fn byweekno_suppresses_the_dtstart_defaults() {
        let start = NaiveDate::from_ymd_opt(2026, 5, 13)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        for f in ["YEARLY", "MONTHLY", "WEEKLY"] {
            let r = Rule::parse(&format!("FREQ={f};BYWEEKNO=20"))
                .unwrap()
                .with_defaults(start);
            assert!(
                r.by_day.is_empty() && r.by_month_day.is_empty() && r.by_month.is_empty(),
                "{f}"
            );
            assert_eq!(r.by_hour, vec![9]);
        }
    }
}
