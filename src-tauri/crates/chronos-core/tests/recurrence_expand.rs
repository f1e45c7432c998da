//! Expansion of recurring series for display: rules, exceptions, zones, all-day, limits.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use chronos_core::model::EventResource;
use chronos_core::recurrence::{
    expand, expand_with_limits, Expanded, ExpansionLimit, Limits, OccurrenceTime, TimeRange,
};
use serde_json::json;
use std::time::{Duration, Instant};

fn ev(v: serde_json::Value) -> EventResource {
    serde_json::from_value(v).unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn range(a: &str, b: &str) -> TimeRange {
    TimeRange::new(utc(a), utc(b))
}

/// From midnight UTC on `from` to midnight UTC on `to` (dates `YYYY-MM-DD`).
fn utc_days(from: &str, to: &str) -> TimeRange {
    range(&format!("{from}T00:00:00Z"), &format!("{to}T00:00:00Z"))
}

fn series(id: &str, start: &str, end: &str, tz: &str, rules: &[&str]) -> EventResource {
    ev(json!({
        "id": id, "status": "confirmed",
        "start": {"dateTime": start, "timeZone": tz},
        "end": {"dateTime": end, "timeZone": tz},
        "recurrence": rules,
    }))
}

/// `(utc start, local start in the display zone)` of every timed occurrence.
fn times(x: &Expanded) -> Vec<(String, String)> {
    x.occurrences
        .iter()
        .map(|o| match o.start {
            OccurrenceTime::Instant { utc, local } => (
                utc.format("%Y-%m-%dT%H:%MZ").to_string(),
                local.format("%Y-%m-%d %H:%M").to_string(),
            ),
            OccurrenceTime::Date { date } => (date.to_string(), date.to_string()),
        })
        .collect()
}

fn locals(x: &Expanded) -> Vec<String> {
    times(x).into_iter().map(|t| t.1).collect()
}

/// The local start times of one master's occurrences in `range`, seen from `display`.
fn local_starts(master: &EventResource, range: TimeRange, display: Tz) -> Vec<String> {
    locals(&expand(std::slice::from_ref(master), range, display))
}

fn ids(x: &Expanded) -> Vec<&str> {
    x.occurrences.iter().map(|o| o.event_id.as_str()).collect()
}

/// How many occurrences belong to the series `id`.
fn count_of(x: &Expanded, id: &str) -> usize {
    x.occurrences
        .iter()
        .filter(|o| o.event_id.as_str().starts_with(&format!("{id}_")))
        .count()
}

/// `(series id, error kind)` of every master that could not be expanded.
fn skipped_kinds(x: &Expanded) -> Vec<(&str, &str)> {
    x.skipped
        .iter()
        .map(|(id, e)| (id.as_str(), e.kind()))
        .collect()
}

/// The series a limit cut short, and which limit it was, in order.
fn cuts(x: &Expanded) -> (Vec<&str>, Vec<ExpansionLimit>) {
    x.truncated
        .iter()
        .map(|t| (t.series.as_str(), t.limit))
        .unzip()
}

/// Fails when the work since `started` took longer than `limit_secs`: hostile rules must be cut
/// by the limits, not run on.
fn assert_quick(started: Instant, limit_secs: u64) {
    let took = started.elapsed();
    assert!(took < Duration::from_secs(limit_secs), "took {took:?}");
}

/// A series `id` that starts on 1 January 2026 and repeats every second without end.
fn every_second(id: &str) -> EventResource {
    series(
        id,
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:01",
        "UTC",
        &["RRULE:FREQ=SECONDLY"],
    )
}

/// Tighter limits for each master; the query's own limits stay as shipped.
fn series_limits(max_steps: u64, max_occurrences: usize) -> Limits {
    Limits {
        max_steps,
        max_occurrences,
        ..Limits::default()
    }
}

const BERLIN: Tz = chrono_tz::Europe::Berlin;
const NEW_YORK: Tz = chrono_tz::America::New_York;
const AUCKLAND: Tz = chrono_tz::Pacific::Auckland;

#[test]
fn weekly_meeting_stays_at_nine_across_berlin_spring_change() {
    let m = series(
        "w",
        "2026-03-16T09:00:00",
        "2026-03-16T10:00:00",
        "Europe/Berlin",
        &["RRULE:FREQ=WEEKLY;BYDAY=MO"],
    );
    let x = expand(&[m], utc_days("2026-03-15", "2026-04-07"), BERLIN);
    assert_eq!(
        times(&x),
        vec![
            ("2026-03-16T08:00Z".into(), "2026-03-16 09:00".into()),
            ("2026-03-23T08:00Z".into(), "2026-03-23 09:00".into()),
            ("2026-03-30T07:00Z".into(), "2026-03-30 09:00".into()),
            ("2026-04-06T07:00Z".into(), "2026-04-06 09:00".into()),
        ]
    );
    assert_eq!(ids(&x)[2], "w_20260330T070000Z");
    assert!(x.skipped.is_empty() && x.truncated.is_empty());
}

#[test]
fn weekly_meeting_stays_at_nine_across_new_york_changes() {
    let m = series(
        "ny",
        "2026-10-20T09:00:00-04:00",
        "2026-10-20T09:30:00-04:00",
        "America/New_York",
        &["RRULE:FREQ=WEEKLY"],
    );
    let x = expand(
        std::slice::from_ref(&m),
        utc_days("2026-10-26", "2026-11-11"),
        NEW_YORK,
    );
    assert_eq!(
        locals(&x),
        vec!["2026-10-27 09:00", "2026-11-03 09:00", "2026-11-10 09:00"]
    );
    assert_eq!(times(&x)[0].0, "2026-10-27T13:00Z");
    assert_eq!(times(&x)[1].0, "2026-11-03T14:00Z");
    // Seen from Berlin, whose change came a week earlier, the local hour moves twice.
    assert_eq!(
        local_starts(&m, utc_days("2026-10-19", "2026-11-11"), BERLIN),
        vec![
            "2026-10-20 15:00",
            "2026-10-27 14:00",
            "2026-11-03 15:00",
            "2026-11-10 15:00"
        ]
    );
}

#[test]
fn kolkata_event_seen_from_auckland() {
    let m = series(
        "k",
        "2026-04-01T20:00:00",
        "2026-04-01T21:00:00",
        "Asia/Kolkata",
        &["RRULE:FREQ=DAILY;COUNT=6"],
    );
    // 20:00 IST is 14:30 UTC: 03:30 next day in NZDT (+13); NZ goes back to +12 at 14:00 UTC on
    // 4 April, so from the occurrence that is 5 April in Auckland on it is 02:30.
    assert_eq!(
        local_starts(&m, utc_days("2026-03-01", "2026-05-01"), AUCKLAND),
        vec![
            "2026-04-02 03:30",
            "2026-04-03 03:30",
            "2026-04-04 03:30",
            "2026-04-05 02:30",
            "2026-04-06 02:30",
            "2026-04-07 02:30"
        ]
    );
}

#[test]
fn rule_parts_each_produce_their_dates() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "2026-01-13T10:00:00",
            "FREQ=MONTHLY;BYDAY=2TU;COUNT=3",
            &["2026-01-13", "2026-02-10", "2026-03-10"],
        ),
        (
            "2026-01-30T10:00:00",
            "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3",
            &["2026-01-30", "2026-02-27", "2026-03-27"],
        ),
        (
            "2026-01-31T10:00:00",
            "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3",
            &["2026-01-31", "2026-02-28", "2026-03-31"],
        ),
        (
            "2026-01-31T10:00:00",
            "FREQ=MONTHLY;COUNT=3",
            &["2026-01-31", "2026-03-31", "2026-05-31"],
        ),
        (
            "2026-01-30T10:00:00",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3",
            &["2026-01-30", "2026-02-27", "2026-03-31"],
        ),
        (
            "2026-01-01T10:00:00",
            "FREQ=DAILY;INTERVAL=10;COUNT=3",
            &["2026-01-01", "2026-01-11", "2026-01-21"],
        ),
        (
            "2026-01-01T10:00:00",
            "FREQ=WEEKLY;UNTIL=20260115T090000Z",
            &["2026-01-01", "2026-01-08", "2026-01-15"],
        ),
        (
            "2026-01-01T10:00:00",
            "FREQ=WEEKLY;UNTIL=20260115T085959Z",
            &["2026-01-01", "2026-01-08"],
        ),
        (
            "2026-01-01T10:00:00",
            "FREQ=WEEKLY;UNTIL=20260115",
            &["2026-01-01", "2026-01-08", "2026-01-15"],
        ),
        (
            "2026-11-26T10:00:00",
            "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=3",
            &["2026-11-26", "2027-11-25", "2028-11-23"],
        ),
        (
            "2026-06-01T10:00:00",
            "FREQ=YEARLY;BYMONTH=6,7;BYMONTHDAY=1;COUNT=3",
            &["2026-06-01", "2026-07-01", "2027-06-01"],
        ),
        (
            "2026-01-04T10:00:00",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,WE;WKST=SU;COUNT=4",
            &["2026-01-04", "2026-01-07", "2026-01-18", "2026-01-21"],
        ),
    ];
    for (start, rule, want) in cases {
        let m = series(
            "r",
            start,
            start,
            "Europe/Berlin",
            &[&format!("RRULE:{rule}")],
        );
        let starts = local_starts(&m, utc_days("2025-12-01", "2029-01-01"), BERLIN);
        let got: Vec<String> = starts.iter().map(|l| l[..10].to_owned()).collect();
        assert_eq!(got, *want, "{rule}");
    }
}

#[test]
fn rdate_exdate_and_exrule() {
    let m = series(
        "s",
        "2026-03-02T09:00:00",
        "2026-03-02T10:00:00",
        "Europe/Berlin",
        &[
            "RRULE:FREQ=DAILY;COUNT=7",
            "EXRULE:FREQ=WEEKLY;BYDAY=SA,SU",
            "EXDATE;TZID=Europe/Berlin:20260303T090000",
            "EXDATE:20260304T080000Z",
            "EXDATE;VALUE=DATE:20260305",
            "RDATE;TZID=America/New_York:20260310T040000",
        ],
    );
    assert_eq!(
        local_starts(&m, utc_days("2026-03-01", "2026-04-01"), BERLIN),
        vec!["2026-03-02 09:00", "2026-03-06 09:00", "2026-03-10 09:00"]
    );
}

#[test]
fn exceptions_replace_or_remove_their_occurrence() {
    let m = series(
        "m",
        "2026-03-02T09:00:00",
        "2026-03-02T10:00:00",
        "Europe/Berlin",
        &["RRULE:FREQ=WEEKLY;COUNT=4"],
    );
    let moved = ev(json!({
        "id": "m_20260309T080000Z", "recurringEventId": "m", "status": "confirmed",
        "originalStartTime": {"dateTime": "2026-03-09T08:00:00Z"},
        "start": {"dateTime": "2026-03-12T15:00:00+01:00"}, "end": {"dateTime": "2026-03-12T16:00:00+01:00"},
    }));
    let cancelled = ev(json!({
        "id": "m_20260316T080000Z", "recurringEventId": "m", "status": "cancelled",
        "originalStartTime": {"dateTime": "2026-03-16T09:00:00+01:00", "timeZone": "Europe/Berlin"},
    }));
    let events = [m, moved, cancelled];
    let x = expand(&events, utc_days("2026-03-01", "2026-04-01"), BERLIN);
    assert_eq!(
        ids(&x),
        vec![
            "m_20260302T080000Z",
            "m_20260309T080000Z",
            "m_20260323T080000Z"
        ]
    );
    assert_eq!(locals(&x)[1], "2026-03-12 15:00");
    let moved = &x.occurrences[1];
    assert!(moved.is_exception);
    assert_eq!(moved.source, 1);
    assert_eq!(moved.master_id.as_ref().unwrap().as_str(), "m");
    assert!(
        matches!(moved.original_start, Some(OccurrenceTime::Instant { utc, .. }) if utc == utc_of("2026-03-09T08:00:00Z"))
    );
    let generated = &x.occurrences[0];
    assert!(!generated.is_exception && generated.source == 0);

    // A range holding only the moved instance's original slot shows nothing there.
    let x = expand(&events, utc_days("2026-03-09", "2026-03-10"), BERLIN);
    assert!(x.occurrences.is_empty());
}

fn utc_of(s: &str) -> DateTime<Utc> {
    utc(s)
}

#[test]
fn all_day_occurrences_are_floating_dates() {
    let m = ev(json!({
        "id": "ad", "start": {"date": "2026-01-31"}, "end": {"date": "2026-02-02"},
        "recurrence": ["RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3"],
    }));
    let one =
        ev(json!({"id": "dec1", "start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}}));
    // February in Honolulu: the January occurrence spills into 1 February only (end exclusive).
    let hnl = chrono_tz::Pacific::Honolulu;
    let feb = TimeRange::new(utc("2026-02-01T10:00:00Z"), utc("2026-03-01T10:00:00Z"));
    let x = expand(std::slice::from_ref(&m), feb, hnl);
    assert_eq!(ids(&x), vec!["ad_20260131", "ad_20260228"]);
    let o = &x.occurrences[1];
    assert!(o.all_day);
    assert_eq!(
        o.start,
        OccurrenceTime::Date {
            date: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        }
    );
    assert_eq!(
        o.end,
        OccurrenceTime::Date {
            date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        }
    );
    // 1 December is 1 December in Auckland and in Honolulu, and never touches 2 December.
    for tz in [AUCKLAND, hnl] {
        let day = |d: u32| {
            let start = NaiveDate::from_ymd_opt(2026, 12, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap();
            let s = start.and_local_timezone(tz).unwrap().with_timezone(&Utc);
            TimeRange::new(s, s + chrono::Duration::days(1))
        };
        assert_eq!(
            expand(std::slice::from_ref(&one), day(1), tz)
                .occurrences
                .len(),
            1
        );
        assert!(expand(std::slice::from_ref(&one), day(2), tz)
            .occurrences
            .is_empty());
    }
}

#[test]
fn multi_day_and_overnight_events_overlap_the_range() {
    let weekend = series(
        "wk",
        "2026-03-06T18:00:00",
        "2026-03-09T08:00:00",
        "Europe/Berlin",
        &["RRULE:FREQ=WEEKLY"],
    );
    // A range that is only the Sunday in the middle still shows the occurrence.
    let x = expand(
        &[weekend],
        range("2026-03-14T23:00:00Z", "2026-03-15T23:00:00Z"),
        BERLIN,
    );
    assert_eq!(ids(&x), vec!["wk_20260313T170000Z"]);
    let night = series(
        "n",
        "2026-03-01T23:00:00",
        "2026-03-02T01:00:00",
        "Europe/Berlin",
        &["RRULE:FREQ=DAILY"],
    );
    // 9 March 23:00 runs into 10 March; 10 March 23:00 starts inside it.
    let berlin_10_march = range("2026-03-09T23:00:00Z", "2026-03-10T23:00:00Z");
    assert_eq!(
        local_starts(&night, berlin_10_march, BERLIN),
        vec!["2026-03-09 23:00", "2026-03-10 23:00"]
    );
}

#[test]
fn week_numbered_series_keep_their_wall_clock_and_bad_weeks_are_skipped() {
    // ISO week 13: 23-29 March 2026 (Berlin changes to summer time on the 29th), 29 March -
    // 4 April 2027. DTSTART itself is the first instance.
    let at_nine = |id: &str, rule: &str| {
        series(
            id,
            "2026-03-02T09:00:00",
            "2026-03-02T10:00:00",
            "Europe/Berlin",
            &[rule],
        )
    };
    let wk = at_nine("wk", "RRULE:FREQ=YEARLY;BYWEEKNO=13;BYDAY=MO,SU");
    let bad = at_nine("bad", "RRULE:FREQ=YEARLY;BYWEEKNO=54");
    let x = expand(&[wk, bad], utc_days("2026-03-01", "2027-04-15"), BERLIN);
    assert_eq!(
        ids(&x),
        vec![
            "wk_20260302T080000Z",
            "wk_20260323T080000Z",
            "wk_20260329T070000Z",
            "wk_20270329T070000Z",
            "wk_20270404T070000Z"
        ]
    );
    assert!(
        locals(&x).iter().all(|l| l.ends_with("09:00")),
        "{:?}",
        locals(&x)
    );
    assert_eq!(skipped_kinds(&x), vec![("bad", "invalid_rule")]);

    // A week that never falls in the month asked for: bounded by the step budget.
    let never = series(
        "n",
        "2026-01-01T00:00:00",
        "2026-01-01T01:00:00",
        "UTC",
        &["RRULE:FREQ=YEARLY;BYWEEKNO=53;BYMONTH=7;COUNT=3"],
    );
    let t = Instant::now();
    let x = expand(
        &[never],
        utc_days("2026-01-01", "9999-01-01"),
        chrono_tz::UTC,
    );
    assert_eq!(ids(&x), vec!["n_20260101T000000Z"]);
    assert_eq!(x.truncated.len(), 1, "the budget of steps ends the scan");
    assert_quick(t, 5);
}

#[test]
fn unknown_zone_is_skipped_not_fatal() {
    let at_nine = |id: &str, zone: &str, rule: &str| {
        series(
            id,
            "2026-03-02T09:00:00",
            "2026-03-02T10:00:00",
            zone,
            &[rule],
        )
    };
    let bad = at_nine("bad", "Mars/Base", "RRULE:FREQ=DAILY");
    let bad_rule = at_nine("rule", "Europe/Berlin", "RRULE:FREQ=SOMETIMES");
    let good = at_nine("ok", "Europe/Berlin", "RRULE:FREQ=DAILY;COUNT=2");
    let x = expand(
        &[bad, bad_rule, good],
        utc_days("2026-03-01", "2026-04-01"),
        BERLIN,
    );
    assert_eq!(ids(&x), vec!["ok_20260302T080000Z", "ok_20260303T080000Z"]);
    assert_eq!(
        skipped_kinds(&x),
        vec![("bad", "unknown_time_zone"), ("rule", "invalid_rule")]
    );
}

#[test]
fn hostile_rules_stop_at_the_limits_quickly() {
    let secondly = every_second("s");
    let never = series(
        "n",
        "2026-01-01T00:00:00",
        "2026-01-01T01:00:00",
        "UTC",
        &["RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"],
    );
    let never_daily = series(
        "d",
        "2000-01-01T00:00:00",
        "2000-01-01T01:00:00",
        "UTC",
        &["RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30;COUNT=5"],
    );
    let year = utc_days("2026-01-01", "2027-01-01");
    let limits = Limits::default();
    let t = Instant::now();
    let x = expand(&[secondly], year, chrono_tz::UTC);
    assert_eq!(x.occurrences.len(), limits.max_occurrences);
    assert_eq!(x.truncated.len(), 1);
    let x = expand(
        std::slice::from_ref(&never),
        utc_days("2026-01-01", "9999-01-01"),
        chrono_tz::UTC,
    );
    // DTSTART itself is the only instance; the rule never matches, and the scan is bounded.
    assert_eq!(x.occurrences.len(), 1);
    let x = expand(&[never_daily], year, chrono_tz::UTC);
    assert!(x.occurrences.is_empty());
    assert_eq!(x.truncated.len(), 1, "the budget of steps ends the scan");
    assert_quick(t, 5);

    let tight = series_limits(1_000, 10);
    let daily = series(
        "dd",
        "2026-01-01T09:00:00",
        "2026-01-01T10:00:00",
        "UTC",
        &["RRULE:FREQ=DAILY"],
    );
    let x = expand_with_limits(&[daily], year, chrono_tz::UTC, tight);
    assert_eq!(x.occurrences.len(), 10);
    assert_eq!(x.truncated[0].series.as_str(), "dd");
    // Limits are per master: the other master of the same query is complete.
    let x = expand_with_limits(
        &[
            never,
            series(
                "ok",
                "2026-01-01T09:00:00",
                "2026-01-01T10:00:00",
                "UTC",
                &["RRULE:FREQ=MONTHLY;COUNT=3"],
            ),
        ],
        year,
        chrono_tz::UTC,
        tight,
    );
    assert_eq!(count_of(&x, "ok"), 3);
}

#[test]
fn the_query_as_a_whole_is_bounded_too() {
    let year = utc_days("2026-01-01", "2027-01-01");
    let daily = |id: &str| {
        series(
            id,
            "2026-01-01T09:00:00",
            "2026-01-01T10:00:00",
            "UTC",
            &["RRULE:FREQ=DAILY"],
        )
    };
    // Occurrences: 10 a master, 25 in all.
    let limits = Limits {
        max_steps: 1_000_000,
        max_occurrences: 10,
        max_query_steps: 10_000_000,
        max_query_occurrences: 25,
    };
    let x = expand_with_limits(
        &[daily("a"), daily("b"), daily("c"), daily("d")],
        year,
        chrono_tz::UTC,
        limits,
    );
    assert_eq!(
        [
            count_of(&x, "a"),
            count_of(&x, "b"),
            count_of(&x, "c"),
            count_of(&x, "d")
        ],
        [10, 10, 5, 0]
    );
    let (cut, why) = cuts(&x);
    assert_eq!(cut, ["a", "b", "c", "d"]);
    let (own, query) = (
        ExpansionLimit::SeriesOccurrences { max: 10 },
        ExpansionLimit::QueryOccurrences { max: 25 },
    );
    assert_eq!(
        why,
        [own, own, query, query],
        "each cut says which limit made it"
    );
    // Steps: a rule that never matches spends its whole budget (1,000 each); the query has
    // 2,500, so the third gets half and everything after it none, whatever it is.
    let never = |id: &str| {
        series(
            id,
            "2000-01-01T00:00:00",
            "2000-01-01T01:00:00",
            "UTC",
            &["RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30;COUNT=5"],
        )
    };
    let limits = Limits {
        max_steps: 1_000,
        max_occurrences: 100,
        max_query_steps: 2_500,
        max_query_occurrences: 1_000,
    };
    let monthly = |id: &str| {
        series(
            id,
            "2026-01-01T09:00:00",
            "2026-01-01T10:00:00",
            "UTC",
            &["RRULE:FREQ=MONTHLY;COUNT=3"],
        )
    };
    let x = expand_with_limits(
        &[
            monthly("early"),
            never("n1"),
            never("n2"),
            never("n3"),
            monthly("late"),
        ],
        year,
        chrono_tz::UTC,
        limits,
    );
    assert_eq!(
        count_of(&x, "early"),
        3,
        "the series before the hostile ones is complete"
    );
    assert_eq!(count_of(&x, "late"), 0);
    let (cut, why) = cuts(&x);
    assert_eq!(cut, ["n1", "n2", "n3", "late"]);
    let (own, query) = (
        ExpansionLimit::SeriesSteps { max: 1_000 },
        ExpansionLimit::QuerySteps { max: 2_500 },
    );
    assert_eq!(why, [own, own, query, query]);
    // With the shipped limits, forty hostile series in one range end in bounded time.
    let many: Vec<_> = (0..40).map(|i| never(&format!("h{i}"))).collect();
    let t = Instant::now();
    let x = expand(&many, year, chrono_tz::UTC);
    assert_eq!(x.truncated.len(), 40);
    assert!(x.occurrences.is_empty());
    assert_quick(t, 10);
}

#[test]
fn long_running_series_is_cheap_to_expand_for_a_late_month() {
    // Without COUNT, periods before the range are skipped arithmetically.
    let m = series(
        "old",
        "1990-01-01T09:00:00",
        "1990-01-01T09:15:00",
        "Europe/Berlin",
        &["RRULE:FREQ=DAILY"],
    );
    let tight = series_limits(500, 100);
    let x = expand_with_limits(&[m], utc_days("2026-03-01", "2026-04-01"), BERLIN, tight);
    assert_eq!(x.occurrences.len(), 31);
    assert!(x.truncated.is_empty());
}

#[test]
fn singles_with_offsets_and_cancelled_ones() {
    let a = ev(
        json!({"id": "a", "start": {"dateTime": "2026-03-10T09:00:00+05:30"}, "end": {"dateTime": "2026-03-10T10:00:00+05:30"}}),
    );
    let b = ev(
        json!({"id": "b", "status": "cancelled", "start": {"dateTime": "2026-03-10T09:00:00Z"}, "end": {"dateTime": "2026-03-10T10:00:00Z"}}),
    );
    let c = ev(json!({"id": "c", "status": "cancelled"}));
    let x = expand(&[a, b, c], utc_days("2026-03-01", "2026-04-01"), BERLIN);
    assert_eq!(
        times(&x),
        vec![("2026-03-10T03:30Z".into(), "2026-03-10 04:30".into())]
    );
    assert!(x.skipped.is_empty());
}

#[test]
fn weekly_bysetpos_counts_the_whole_week_as_rfc_5545_says() {
    // The set for BYSETPOS is the whole week (from WKST), so the first week's first candidate
    // (Monday 2 March) is before DTSTART and dropped. python-dateutil counts the first week from
    // DTSTART instead and would give Wednesday (dateutil issue #1398).
    let m = series(
        "sp",
        "2026-03-04T09:00:00",
        "2026-03-04T10:00:00",
        "UTC",
        &["RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=1;COUNT=3"],
    );
    assert_eq!(
        local_starts(&m, utc_days("2026-03-01", "2026-04-01"), chrono_tz::UTC),
        vec![
            "2026-03-04 09:00",
            "2026-03-09 09:00",
            "2026-03-16 09:00",
            "2026-03-23 09:00"
        ]
    );
}

#[test]
fn sub_daily_rules_in_a_dst_gap_keep_one_occurrence_per_instant() {
    let m = series(
        "h",
        "2026-03-29T00:30:00",
        "2026-03-29T00:45:00",
        "Europe/Berlin",
        &["RRULE:FREQ=HOURLY;COUNT=4"],
    );
    // Wall times 00:30, 01:30, 02:30 (skipped, read as 03:30) and 03:30: three instants.
    assert_eq!(
        local_starts(&m, utc_days("2026-03-28", "2026-03-30"), BERLIN),
        vec!["2026-03-29 00:30", "2026-03-29 01:30", "2026-03-29 03:30"]
    );
}

#[test]
fn count_series_from_long_ago_are_counted_without_walking_them() {
    // Expected ends computed with python-dateutil: the 5000th start of MO,WE,FR since
    // 3 January 1994 is 10 December 2025; DAILY at 09:00 and 18:00, COUNT=13000 since 1990 ends
    // on 18 October 2007 at 18:00.
    let tight = series_limits(2_000, 100);
    let weekly = series(
        "w",
        "1994-01-03T09:00:00",
        "1994-01-03T10:00:00",
        "UTC",
        &["RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=5000"],
    );
    let x = expand_with_limits(
        &[weekly],
        utc_days("2025-12-01", "2026-01-01"),
        chrono_tz::UTC,
        tight,
    );
    assert_eq!(
        locals(&x),
        vec![
            "2025-12-01 09:00",
            "2025-12-03 09:00",
            "2025-12-05 09:00",
            "2025-12-08 09:00",
            "2025-12-10 09:00"
        ]
    );
    assert!(x.truncated.is_empty());
    let daily = series(
        "d",
        "1990-01-01T09:00:00",
        "1990-01-01T09:30:00",
        "UTC",
        &["RRULE:FREQ=DAILY;COUNT=13000;BYHOUR=9,18"],
    );
    let x = expand_with_limits(
        &[daily],
        utc_days("2007-10-17", "2007-10-20"),
        chrono_tz::UTC,
        tight,
    );
    assert_eq!(
        locals(&x),
        vec![
            "2007-10-17 09:00",
            "2007-10-17 18:00",
            "2007-10-18 09:00",
            "2007-10-18 18:00"
        ]
    );
    assert!(x.truncated.is_empty());
}

#[test]
fn extreme_ranges_and_lengths_do_not_panic() {
    let long = ev(
        json!({"id": "long", "start": {"date": "0001-01-01"}, "end": {"date": "9999-12-31"},
                         "recurrence": ["RRULE:FREQ=YEARLY;COUNT=2"]}),
    );
    let wide = series(
        "w",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "UTC",
        &["RRULE:FREQ=DAILY"],
    );
    let everything = TimeRange::new(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    let x = expand(&[long, wide], everything, chrono_tz::Pacific::Kiritimati);
    assert!(x.skipped.is_empty(), "{:?}", x.skipped);
    assert_eq!(count_of(&x, "long"), 2);
    assert_eq!(cuts(&x).0, vec!["w"]);
}

#[test]
fn a_daily_series_over_thirty_years_comes_back_whole_and_a_runaway_rule_says_it_was_cut() {
    let daily = series(
        "d",
        "2000-01-01T09:00:00",
        "2000-01-01T10:00:00",
        "Europe/Berlin",
        &["RRULE:FREQ=DAILY"],
    );
    let x = expand(&[daily], utc_days("2000-01-01", "2030-01-01"), BERLIN);
    assert_eq!(x.occurrences.len(), 10_958);
    assert!(x.truncated.is_empty());
    let secondly = every_second("s");
    let x = expand(
        &[secondly],
        utc_days("2026-01-01", "2026-02-01"),
        chrono_tz::UTC,
    );
    let max = Limits::default().max_occurrences;
    assert_eq!(x.occurrences.len(), max);
    assert_eq!(x.truncated.len(), 1);
    assert_eq!(
        (x.truncated[0].series.as_str(), x.truncated[0].limit),
        ("s", ExpansionLimit::SeriesOccurrences { max })
    );
}
