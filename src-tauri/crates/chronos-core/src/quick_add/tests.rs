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
