use super::days::week_no_matches;
use super::*;
use chrono::{Datelike, Weekday};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The days (wall-clock dates) a rule produces from `dtstart` up to `to`, with default limits.
fn days_of(rule: &str, dtstart: &str, to: &str) -> Vec<String> {
    let rule = Rule::parse(rule).unwrap();
    let dtstart = day(dtstart).and_hms_opt(9, 0, 0).unwrap();
    let series = Series {
        rule: &rule,
        dtstart,
        zone: None,
    };
    let mut budget = Budget::new(&Limits::default());
    let to = day(to).and_time(NaiveTime::MIN);
    let out = starts_in(&series, dtstart, to, 10_000, &mut budget);
    assert!(!budget.exhausted);
    out.iter().map(|t| t.date().to_string()).collect()
}

/// Week 1 found by counting: the first week starting on `wkst` with four days in the year.
fn week_one_by_counting(year: i32, wkst: Weekday) -> NaiveDate {
    let mut s = NaiveDate::from_ymd_opt(year - 1, 12, 20).unwrap();
    loop {
        let in_year = s.iter_days().take(7).filter(|d| d.year() == year).count();
        if s.weekday() == wkst && in_year >= 4 {
            return s;
        }
        s = s.succ_opt().unwrap();
    }
}

#[test]
fn monday_weeks_are_iso_8601_weeks() {
    // chrono's ISO calendar is the reference for WKST=MO, both counting directions.
    let mut d = day("1899-12-25");
    while d < day("2101-01-08") {
        let iso = d.iso_week();
        let weeks = if NaiveDate::from_isoywd_opt(iso.year(), 53, Weekday::Mon).is_some() {
            53
        } else {
            52
        };
        let n = iso.week() as i32;
        assert!(week_no_matches(&[n], Weekday::Mon, d), "{d} is week {n}");
        assert!(
            week_no_matches(&[n - weeks - 1], Weekday::Mon, d),
            "{d} is week {}",
            n - weeks - 1
        );
        let others: Vec<i32> = (1..=53).filter(|&w| w != n).collect();
        assert!(
            !week_no_matches(&others, Weekday::Mon, d),
            "{d} is only week {n}"
        );
        d = d.succ_opt().unwrap();
    }
}

#[test]
fn every_week_start_numbers_weeks_from_the_first_four_day_week() {
    for wkst in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        for year in 1895..2106 {
            let first = week_one_by_counting(year, wkst);
            let next = week_one_by_counting(year + 1, wkst);
            let weeks = ((next - first).num_days() / 7) as i32;
            assert!(weeks == 52 || weeks == 53);
            for (i, d) in first.iter_days().take_while(|d| *d < next).enumerate() {
                let n = (i / 7) as i32 + 1;
                assert!(week_no_matches(&[n], wkst, d), "{d} WKST={wkst:?} week {n}");
                assert!(
                    week_no_matches(&[n - weeks - 1], wkst, d),
                    "{d} WKST={wkst:?} week -{}",
                    weeks + 1 - n
                );
                assert!(!week_no_matches(&[if n == 1 { 2 } else { 1 }], wkst, d));
            }
        }
    }
}

#[test]
fn rfc_5545_example_monday_of_week_20() {
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
            "1997-05-12",
            "2000-01-01"
        ),
        ["1997-05-12", "1998-05-11", "1999-05-17"]
    );
}

#[test]
fn without_byday_the_whole_week_matches() {
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=20;COUNT=8",
            "2026-05-11",
            "2030-01-01"
        ),
        [
            "2026-05-11",
            "2026-05-12",
            "2026-05-13",
            "2026-05-14",
            "2026-05-15",
            "2026-05-16",
            "2026-05-17",
            "2027-05-17"
        ]
    );
    // WKST moves the week: with Sunday weeks 2026's week 1 is 4-10 January (28 Dec - 3 Jan
    // has only three days in 2026), so week 20 runs 17-23 May.
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=20;WKST=SU;COUNT=7",
            "2026-05-10",
            "2027-01-01"
        ),
        [
            "2026-05-17",
            "2026-05-18",
            "2026-05-19",
            "2026-05-20",
            "2026-05-21",
            "2026-05-22",
            "2026-05-23"
        ]
    );
}

#[test]
fn weeks_straddling_new_year_belong_to_the_year_with_four_of_their_days() {
    // ISO week 1 of 2026 is 29 Dec 2025 - 4 Jan 2026; 2025's own week 1 began 30 Dec 2024.
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO,WE,SU",
            "2025-01-01",
            "2026-01-31"
        ),
        [
            "2025-01-01",
            "2025-01-05",
            "2025-12-29",
            "2025-12-31",
            "2026-01-04"
        ]
    );
    // 2026 has 53 ISO weeks: week 53 is 28 Dec 2026 - 3 Jan 2027, and 1-3 Jan 2027 are in it.
    // (python-dateutil 2.9 also returns 1 Jan 2022 here, which is ISO week 52 of 2021: its
    // count of the previous year's weeks is off in some years, dateutil PR #1537.)
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH,SA",
            "2020-01-01",
            "2033-06-01"
        ),
        [
            "2020-12-31",
            "2021-01-02",
            "2026-12-31",
            "2027-01-02",
            "2032-12-30",
            "2033-01-01"
        ]
    );
    // -1 is the last week, 52 or 53; 2027's last week (52) ends on 2 Jan 2028.
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU",
            "2026-01-01",
            "2028-06-01"
        ),
        ["2027-01-03", "2028-01-02"]
    );
    // -53 is week 1 in a 53-week year only: 29 Dec 2025 - 4 Jan 2026 is week 1 of 2026.
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=-53;BYDAY=FR",
            "2025-06-01",
            "2027-06-01"
        ),
        ["2026-01-02"]
    );
}

#[test]
fn byweekno_combines_with_the_other_parts() {
    // BYMONTH limits: week 1 of 2026 with BYMONTH=12 keeps its December days only.
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=1;BYMONTH=12",
            "2025-01-01",
            "2027-01-01"
        ),
        ["2025-12-29", "2025-12-30", "2025-12-31"]
    );
    // BYSETPOS picks within the year's matching days: the last weekday of week 10.
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3",
            "2026-01-01",
            "2030-01-01"
        ),
        ["2026-03-06", "2027-03-12", "2028-03-10"]
    );
    // BYMONTHDAY and BYYEARDAY intersect.
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=1,2,3;BYMONTHDAY=13;COUNT=2",
            "2026-01-01",
            "2030-01-01"
        ),
        ["2026-01-13", "2027-01-13"]
    );
    assert_eq!(
        days_of(
            "FREQ=YEARLY;BYWEEKNO=1;BYYEARDAY=-1",
            "2024-01-01",
            "2031-01-01"
        ),
        ["2024-12-31", "2025-12-31", "2029-12-31", "2030-12-31"]
    );
    // UNTIL and INTERVAL.
    assert_eq!(
        days_of(
            "FREQ=YEARLY;INTERVAL=2;BYWEEKNO=20;BYDAY=MO;UNTIL=20310101",
            "2026-05-11",
            "2040-01-01"
        ),
        ["2026-05-11", "2028-05-15", "2030-05-13"]
    );
    // Other frequencies filter their own days by week number (dateutil's reading).
    assert_eq!(
        days_of(
            "FREQ=WEEKLY;BYWEEKNO=2;BYDAY=MO",
            "2026-01-01",
            "2027-12-31"
        ),
        ["2026-01-05", "2027-01-11"]
    );
    assert_eq!(
        days_of(
            "FREQ=DAILY;BYWEEKNO=-1;BYMONTH=1",
            "2026-12-01",
            "2027-01-31"
        ),
        ["2027-01-01", "2027-01-02", "2027-01-03"]
    );
}

#[test]
fn a_week_that_never_comes_stops_at_the_budget() {
    // Week 53 never falls in June: the scan ends at the step budget, not at year 9999.
    let rule = Rule::parse("FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6;COUNT=2").unwrap();
    let dtstart = day("2026-01-01").and_time(NaiveTime::MIN);
    let series = Series {
        rule: &rule,
        dtstart,
        zone: None,
    };
    let limits = Limits {
        max_steps: 50_000,
        max_occurrences: 10,
        ..Limits::default()
    };
    let mut budget = Budget::new(&limits);
    let out = starts_in(
        &series,
        dtstart,
        NaiveDate::MAX.and_time(NaiveTime::MIN),
        10,
        &mut budget,
    );
    assert!(out.is_empty());
    assert!(budget.exhausted);
}
