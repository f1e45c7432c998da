//! Range queries as a front end makes them: all-day events are floating dates, found on the
//! dates they name in the zone the caller displays, from UTC−11 to UTC+14, single and recurring
//! alike; a long legitimate range comes back whole, and a cut one says so. A real store file; no
//! server is needed (nothing is synced).

mod offline_store_support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use chronos_core::model::*;
use chronos_core::service::Chronos;
use offline_store_support::*;

/// Chronos over a store whose one selected calendar holds `events`.
async fn chronos_with(events: &[EventResource]) -> (tempfile::TempDir, Chronos) {
    chronos_with_calendars(&[(listed(ACCOUNT, true), events)]).await
}

/// `[from, to)` given as wall-clock times of `zone`.
fn window(zone: Tz, day: u32, from_hour: u32, to_hour: u32) -> (DateTime<Utc>, DateTime<Utc>) {
    let at =
        |d: u32, h: u32| wall_clock(zone, NaiveDate::from_ymd_opt(2027, 1, d).unwrap(), h.into());
    (at(day, from_hour), at(day, to_hour))
}

const ZONES: [Tz; 8] = [
    chrono_tz::Pacific::Pago_Pago, // −11
    chrono_tz::Pacific::Honolulu,  // −10
    chrono_tz::America::New_York,  // −5
    chrono_tz::UTC,
    chrono_tz::Europe::Berlin,      // +1
    chrono_tz::Asia::Tokyo,         // +9
    chrono_tz::Pacific::Auckland,   // +13 in January
    chrono_tz::Pacific::Kiritimati, // +14
];

#[tokio::test]
async fn an_all_day_event_is_found_on_its_own_day_in_every_zone_and_not_the_day_around_it() {
    let (_dir, chronos) = chronos_with(&[
        all_day("holiday", "2027-01-05", "2027-01-06"),
        repeating(
            all_day("yearly", "2020-01-05", "2020-01-06"),
            "RRULE:FREQ=YEARLY",
        ),
    ])
    .await;
    for zone in ZONES {
        let ids = |(from, to): (DateTime<Utc>, DateTime<Utc>)| {
            let chronos = &chronos;
            async move {
                let r = chronos
                    .events_in_range(from, to, zone, None, None)
                    .await
                    .unwrap();
                assert!(r.truncated.is_empty());
                r.events
                    .iter()
                    .map(|e| e.event.id.as_str().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        let both = ["holiday", "yearly_20270105"];
        for (from_hour, to_hour) in [(0, 1), (12, 13), (23, 24)] {
            assert_eq!(
                ids(window(zone, 5, from_hour, to_hour)).await,
                both,
                "{zone}: 5 Jan {from_hour}:00–{to_hour}:00"
            );
        }
        for day in [4, 6] {
            for (from_hour, to_hour) in [(0, 1), (12, 13), (23, 24)] {
                assert!(
                    ids(window(zone, day, from_hour, to_hour)).await.is_empty(),
                    "{zone}: {day} Jan {from_hour}:00"
                );
            }
        }
    }
    chronos.shutdown();
}

#[tokio::test]
async fn thirty_years_of_a_daily_series_come_back_whole_and_a_runaway_rule_is_reported_cut() {
    let timed = |id: &str, rule: &str| EventResource {
        id: EventId::from(id),
        status: Some("confirmed".into()),
        start: Some(EventDateTime {
            date_time: Some("2000-01-01T09:00:00+01:00".into()),
            time_zone: Some("Europe/Berlin".into()),
            ..Default::default()
        }),
        end: Some(EventDateTime {
            date_time: Some("2000-01-01T09:30:00+01:00".into()),
            time_zone: Some("Europe/Berlin".into()),
            ..Default::default()
        }),
        recurrence: Some(vec![rule.to_owned()]),
        ..Default::default()
    };
    let (_dir, chronos) = chronos_with(&[
        timed("daily", "RRULE:FREQ=DAILY"),
        timed("minutely", "RRULE:FREQ=MINUTELY;UNTIL=20000301T000000Z"),
    ])
    .await;
    let berlin = chrono_tz::Europe::Berlin;
    let (from, to) = (
        Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
    );
    let r = chronos
        .events_in_range(from, to, berlin, None, None)
        .await
        .unwrap();
    let daily = r
        .events
        .iter()
        .filter(|e| {
            e.event
                .recurring_event_id
                .as_ref()
                .is_some_and(|m| m.as_str() == "daily")
        })
        .count();
    assert_eq!(daily, 10_958, "every day of 2000–2029");
    // The minutely rule runs away (86,400 a day for two months): it is cut, and says so.
    assert_eq!(r.truncated.len(), 1, "{:?}", r.truncated);
    let cut = &r.truncated[0];
    assert_eq!(cut.series.as_str(), "minutely");
    assert_eq!(
        cut.limit,
        chronos_core::recurrence::ExpansionLimit::SeriesOccurrences { max: 50_000 }
    );
    chronos.shutdown();
}
