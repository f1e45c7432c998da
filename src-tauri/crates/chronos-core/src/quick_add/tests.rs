use super::*;
use chrono::{TimeZone, Utc};

fn ctx() -> ParseContext {
    // Friday 6 March 2026, 10:00 in New York.
    ParseContext::new(
        Utc.with_ymd_and_hms(2026, 3, 6, 15, 0, 0).unwrap(),
        chrono_tz::America::New_York,
        DateOrder::MonthFirst,
    )
}

#[test]
fn the_issue_examples() {
    let d = parse("Lunch with Ana tomorrow 1pm at Café Nero", &ctx());
    assert_eq!(d.title, "Lunch with Ana");
    assert_eq!(d.location.as_deref(), Some("Café Nero"));
    let QuickWhen::Timed { start, end } = d.when else {
        panic!("{d:?}")
    };
    assert_eq!(start.to_rfc3339(), "2026-03-07T13:00:00-05:00");
    assert_eq!(end.to_rfc3339(), "2026-03-07T14:00:00-05:00");
    assert!(d.ambiguities.is_empty(), "{:?}", d.ambiguities);
}

#[test]
fn a_line_that_is_only_a_date_is_a_place_to_go() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    // Friday 6 March 2026.
    assert_eq!(read_date("next friday", &ctx()), day(2026, 3, 13));
    assert_eq!(read_date("tomorrow", &ctx()), day(2026, 3, 7));
    assert_eq!(read_date("2027-03-01", &ctx()), day(2027, 3, 1));
    assert_eq!(read_date("Dec 24", &ctx()), day(2026, 12, 24));
    // Another "now": the same words name other days.
    let later = ParseContext::new(
        Utc.with_ymd_and_hms(2026, 12, 28, 9, 0, 0).unwrap(),
        chrono_tz::Europe::Berlin,
        DateOrder::DayFirst,
    );
    assert_eq!(read_date("tomorrow", &later), day(2026, 12, 29));
    assert_eq!(read_date("03/04/2027", &later), day(2027, 4, 3));
    for not_a_date in ["week view", "Room 101", "settings", "every monday", ""] {
        assert_eq!(read_date(not_a_date, &ctx()), None, "{not_a_date}");
    }
}
