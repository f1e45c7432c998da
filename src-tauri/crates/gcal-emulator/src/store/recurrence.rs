//! Expanding a recurring master (`recurrence` lines) into the original start times of its
//! instances. RRULE/EXRULE go through the `rrule` crate; EXDATE/RDATE are read here, because Google
//! writes them in forms (`VALUE=DATE`, per-line `TZID`) that must be matched against instances.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::time::{instant_of, is_all_day, parse_tz};

/// How far ahead an open-ended series is expanded, and how many instances at most.
pub const HORIZON_DAYS: i64 = 730;
pub const MAX_INSTANCES: usize = 2000;

/// The recurring shape of a master event.
#[derive(Debug, Clone)]
pub struct Series {
    pub all_day: bool,
    pub tz: Tz,
    pub start: DateTime<Utc>,
    pub duration: Duration,
    rrule_lines: Vec<String>,
    exdates: Vec<Moment>,
    rdates: Vec<Moment>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Moment {
    At(DateTime<Utc>),
    Day(NaiveDate),
}

/// One instance's original start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub start: DateTime<Utc>,
    /// Set for all-day series: the instance's date.
    pub date: Option<NaiveDate>,
}

impl Occurrence {
    /// The id suffix Google gives an instance: `YYYYMMDDTHHMMSSZ` or `YYYYMMDD`.
    pub fn id_suffix(&self) -> String {
        match self.date {
            Some(d) => d.format("%Y%m%d").to_string(),
            None => self.start.format("%Y%m%dT%H%M%SZ").to_string(),
        }
    }
}

impl Series {
    /// `None` when the event is not recurring or its start cannot be read.
    pub fn of(event: &serde_json::Map<String, Value>, cal_tz: Tz) -> Option<Series> {
        let lines: Vec<String> = event
            .get("recurrence")?
            .as_array()?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if lines.is_empty() {
            return None;
        }
        let start_obj = event.get("start")?;
        let end_obj = event.get("end");
        let all_day = is_all_day(start_obj);
        let tz = start_obj
            .get("timeZone")
            .and_then(Value::as_str)
            .and_then(parse_tz)
            .unwrap_or(cal_tz);
        let (start, end) = if all_day {
            // All-day series run on floating dates: expand them on UTC midnights.
            let s = instant_of(start_obj, chrono_tz::UTC)?;
            let e = end_obj
                .and_then(|e| instant_of(e, chrono_tz::UTC))
                .unwrap_or(s + Duration::days(1));
            (s, e)
        } else {
            let s = instant_of(start_obj, tz)?;
            let e = end_obj
                .and_then(|e| instant_of(e, tz))
                .unwrap_or(s + Duration::hours(1));
            (s, e)
        };
        let mut rrule_lines = Vec::new();
        let mut exdates = Vec::new();
        let mut rdates = Vec::new();
        for line in &lines {
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("RRULE:") || upper.starts_with("EXRULE:") {
                rrule_lines.push(normalise_until(line, all_day));
            } else if upper.starts_with("EXDATE") {
                exdates.extend(parse_dates(line, tz));
            } else if upper.starts_with("RDATE") {
                rdates.extend(parse_dates(line, tz));
            }
        }
        Some(Series {
            all_day,
            tz,
            start,
            duration: end - start,
            rrule_lines,
            exdates,
            rdates,
        })
    }

    fn occurrence_at(&self, t: DateTime<Utc>) -> Occurrence {
        Occurrence {
            start: t,
            date: self.all_day.then(|| t.date_naive()),
        }
    }

    /// Original starts in `[lower, upper]` (by start), at most `MAX_INSTANCES`.
    pub fn occurrences(
        &self,
        lower: Option<DateTime<Utc>>,
        upper: DateTime<Utc>,
    ) -> Vec<Occurrence> {
        let mut starts: Vec<DateTime<Utc>> = Vec::new();
        let rrule_tz: rrule::Tz = if self.all_day {
            rrule::Tz::UTC
        } else {
            self.tz.into()
        };
        let dtstart = self.start.with_timezone(&rrule_tz);
        if self.rrule_lines.is_empty() {
            starts.push(self.start);
        } else {
            let text = self.rrule_lines.join("\n");
            match rrule::RRuleSet::new(dtstart).set_from_string(&text) {
                Ok(set) => {
                    let mut set = set.before(upper.with_timezone(&rrule_tz));
                    if let Some(lo) = lower {
                        if lo > self.start {
                            set = set.after(lo.with_timezone(&rrule_tz));
                        }
                    }
                    let res = set.all(MAX_INSTANCES as u16);
                    starts.extend(res.dates.iter().map(|d| d.with_timezone(&Utc)));
                }
                Err(e) => {
                    tracing::debug!(error = %e, "unreadable recurrence; treating as a single event");
                    starts.push(self.start);
                }
            }
        }
        for r in &self.rdates {
            if let Some(t) = self.moment_start(*r) {
                if t <= upper && lower.is_none_or(|lo| t >= lo) && !starts.contains(&t) {
                    starts.push(t);
                }
            }
        }
        starts.retain(|t| !self.exdates.iter().any(|x| self.moment_matches(*x, *t)));
        starts.sort();
        starts.truncate(MAX_INSTANCES);
        starts.into_iter().map(|t| self.occurrence_at(t)).collect()
    }

    /// Whether `suffix` (from an instance id) names an original start of this series.
    pub fn occurrence_for_suffix(&self, suffix: &str) -> Option<Occurrence> {
        let t = if self.all_day {
            let d = NaiveDate::parse_from_str(suffix, "%Y%m%d").ok()?;
            Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?)
        } else {
            let n = NaiveDateTime::parse_from_str(suffix, "%Y%m%dT%H%M%SZ").ok()?;
            Utc.from_utc_datetime(&n)
        };
        let found = self.occurrences(Some(t - Duration::seconds(1)), t + Duration::seconds(1));
        found.into_iter().find(|o| o.start == t)
    }

    fn moment_start(&self, m: Moment) -> Option<DateTime<Utc>> {
        match m {
            Moment::At(t) => Some(t),
            Moment::Day(d) => {
                if self.all_day {
                    Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?))
                } else {
                    // A date RDATE on a timed series keeps the series' time of day.
                    let local_time = self.start.with_timezone(&self.tz).time();
                    self.tz
                        .from_local_datetime(&d.and_time(local_time))
                        .earliest()
                        .map(|t| t.with_timezone(&Utc))
                }
            }
        }
    }

    fn moment_matches(&self, m: Moment, t: DateTime<Utc>) -> bool {
        match m {
            Moment::At(x) => x == t,
            Moment::Day(d) => {
                if self.all_day {
                    t.date_naive() == d
                } else {
                    t.with_timezone(&self.tz).date_naive() == d
                }
            }
        }
    }
}

/// `rrule` insists that UNTIL matches DTSTART's kind; Google accepts a bare date or a floating
/// time. Rewrite UNTIL to a UTC date-time that keeps the day inclusive.
fn normalise_until(line: &str, _all_day: bool) -> String {
    let Some((head, rule)) = line.split_once(':') else {
        return line.to_owned();
    };
    let parts: Vec<String> = rule
        .split(';')
        .map(|p| {
            if let Some(v) = p.strip_prefix("UNTIL=") {
                if v.len() == 8 {
                    return format!("UNTIL={v}T235959Z");
                }
                if !v.ends_with('Z') {
                    return format!("UNTIL={v}Z");
                }
            }
            p.to_owned()
        })
        .collect();
    format!("{head}:{}", parts.join(";"))
}

fn parse_dates(line: &str, series_tz: Tz) -> Vec<Moment> {
    let Some((params, values)) = line.split_once(':') else {
        return Vec::new();
    };
    let mut tz = series_tz;
    let mut date_only = false;
    for p in params.split(';').skip(1) {
        if let Some(name) = p.strip_prefix("TZID=") {
            tz = parse_tz(name).unwrap_or(series_tz);
        } else if p.eq_ignore_ascii_case("VALUE=DATE") {
            date_only = true;
        }
    }
    values
        .split(',')
        .filter_map(|v| {
            let v = v.trim();
            if date_only || v.len() == 8 {
                return NaiveDate::parse_from_str(v, "%Y%m%d").ok().map(Moment::Day);
            }
            if let Some(z) = v.strip_suffix('Z') {
                let n = NaiveDateTime::parse_from_str(z, "%Y%m%dT%H%M%S").ok()?;
                return Some(Moment::At(Utc.from_utc_datetime(&n)));
            }
            let n = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").ok()?;
            tz.from_local_datetime(&n)
                .earliest()
                .map(|t| Moment::At(t.with_timezone(&Utc)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn series(v: Value) -> Series {
        Series::of(v.as_object().unwrap(), chrono_tz::UTC).unwrap()
    }

    #[test]
    fn weekly_with_exdate_in_zone() {
        let s = series(json!({
            "start": {"dateTime": "2026-11-02T09:00:00+01:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2026-11-02T10:00:00+01:00", "timeZone": "Europe/Berlin"},
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=Europe/Berlin:20261109T090000"]
        }));
        let occ = s.occurrences(None, Utc::now() + Duration::days(3650));
        let ids: Vec<String> = occ.iter().map(|o| o.id_suffix()).collect();
        assert_eq!(
            ids,
            vec!["20261102T080000Z", "20261116T080000Z", "20261123T080000Z"]
        );
    }

    #[test]
    fn all_day_with_date_until_and_exdate() {
        let s = series(json!({
            "start": {"date": "2026-11-01"}, "end": {"date": "2026-11-02"},
            "recurrence": ["RRULE:FREQ=DAILY;UNTIL=20261105", "EXDATE;VALUE=DATE:20261103"]
        }));
        let occ = s.occurrences(None, Utc::now() + Duration::days(3650));
        let ids: Vec<String> = occ.iter().map(|o| o.id_suffix()).collect();
        assert_eq!(ids, vec!["20261101", "20261102", "20261104", "20261105"]);
        assert!(s.occurrence_for_suffix("20261104").is_some());
        assert!(s.occurrence_for_suffix("20261103").is_none());
    }

    #[test]
    fn open_ended_series_is_bounded() {
        let s = series(json!({
            "start": {"dateTime": "2020-01-01T09:00:00Z"}, "end": {"dateTime": "2020-01-01T09:30:00Z"},
            "recurrence": ["RRULE:FREQ=DAILY"]
        }));
        let lo = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let occ = s.occurrences(Some(lo), lo + Duration::days(10));
        assert_eq!(occ.len(), 10);
        assert_eq!(occ[0].id_suffix(), "20260101T090000Z");
    }
}
