//! Arbitrary rules never panic or hang, and what comes back is well-formed: inside the range,
//! sorted, unique ids, wall-clock times that round-trip through the series' zone.

use chrono::{DateTime, Utc};
use chronos_core::model::EventResource;
use chronos_core::recurrence::{expand_with_limits, Limits, OccurrenceTime, TimeRange};
use proptest::prelude::*;
use serde_json::json;
use std::collections::HashSet;

fn part() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..5).prop_map(|n| format!("INTERVAL={n}")),
        (0u32..40).prop_map(|n| format!("COUNT={n}")),
        Just("UNTIL=20270101T000000Z".to_owned()),
        Just("UNTIL=20260615".to_owned()),
        prop::sample::subsequence(
            vec!["MO", "TU", "WE", "TH", "FR", "SA", "SU", "2TU", "-1FR", "1MO", "-2SU", "53MO"],
            1..4
        )
        .prop_map(|d| format!("BYDAY={}", d.join(","))),
        prop::sample::subsequence(vec![1, 15, 28, 29, 30, 31, -1, -7], 1..3).prop_map(|d| format!(
            "BYMONTHDAY={}",
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )),
        prop::sample::subsequence(vec![1, 2, 3, 6, 10, 12], 1..3).prop_map(|d| format!(
            "BYMONTH={}",
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )),
        prop::sample::subsequence(vec![1, 2, -1, -2, 5], 1..3).prop_map(|d| format!(
            "BYSETPOS={}",
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )),
        Just("BYHOUR=0,2,3,23".to_owned()),
        Just("BYMINUTE=0,30".to_owned()),
        Just("BYYEARDAY=1,100,-1".to_owned()),
        prop::sample::subsequence(vec![1, 10, 12, 20, 52, 53, -1, -40], 1..3).prop_map(
            |d| format!(
                "BYWEEKNO={}",
                d.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        ),
        Just("WKST=SU".to_owned()),
    ]
}

fn rule() -> impl Strategy<Value = String> {
    let freq = prop::sample::select(vec![
        "YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY",
    ]);
    (freq, prop::collection::vec(part(), 0..4)).prop_map(|(f, parts)| {
        let mut seen = HashSet::new();
        let mut out = vec![format!("FREQ={f}")];
        for p in parts {
            let key = p.split('=').next().unwrap().to_owned();
            let clash = (key == "COUNT" && seen.contains("UNTIL"))
                || (key == "UNTIL" && seen.contains("COUNT"));
            if seen.insert(key) && !clash {
                out.push(p);
            }
        }
        out.join(";")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_rule_gives_well_formed_occurrences(
        rule in rule(),
        zone in prop::sample::select(vec!["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"]),
        display in prop::sample::select(vec![chrono_tz::Europe::Berlin, chrono_tz::Pacific::Auckland, chrono_tz::America::Los_Angeles]),
        day in 1u32..28,
        hour in 0u32..24,
        all_day in any::<bool>(),
    ) {
        let master: EventResource = serde_json::from_value(if all_day {
            json!({"id": "m", "start": {"date": format!("2026-02-{day:02}")}, "end": {"date": format!("2026-02-{:02}", day + 1)},
                   "recurrence": [format!("RRULE:{rule}")]})
        } else {
            json!({"id": "m", "start": {"dateTime": format!("2026-02-{day:02}T{hour:02}:30:00"), "timeZone": zone},
                   "end": {"dateTime": format!("2026-02-{day:02}T{hour:02}:45:00"), "timeZone": zone},
                   "recurrence": [format!("RRULE:{rule}")]})
        }).unwrap();
        let from: DateTime<Utc> = "2026-03-01T00:00:00Z".parse().unwrap();
        let to: DateTime<Utc> = "2026-05-01T00:00:00Z".parse().unwrap();
        let limits = Limits { max_steps: 200_000, max_occurrences: 2_000, ..Limits::default() };
        let x = expand_with_limits(std::slice::from_ref(&master), TimeRange::new(from, to), display, limits);
        prop_assert!(x.skipped.is_empty(), "{:?}", x.skipped);
        prop_assert!(x.occurrences.len() <= limits.max_occurrences);
        let mut ids = HashSet::new();
        let mut last = None;
        for o in &x.occurrences {
            prop_assert!(ids.insert(o.event_id.clone()), "duplicate {}", o.event_id);
            match (o.start, o.end) {
                (OccurrenceTime::Instant { utc: s, local }, OccurrenceTime::Instant { utc: e, .. }) => {
                    prop_assert!(s < to && e > from);
                    prop_assert_eq!(local, s.with_timezone(&display).naive_local());
                    prop_assert_eq!(o.event_id.as_str(), format!("m_{}", s.format("%Y%m%dT%H%M%SZ")));
                    if let Some(prev) = last { prop_assert!(prev <= s); }
                    last = Some(s);
                }
                (OccurrenceTime::Date { date: s }, OccurrenceTime::Date { date: e }) => {
                    prop_assert!(e > s);
                    prop_assert_eq!(o.event_id.as_str(), format!("m_{}", s.format("%Y%m%d")));
                }
                _ => prop_assert!(false, "mixed kinds"),
            }
        }
    }
}
