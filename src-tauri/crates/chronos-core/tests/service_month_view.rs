//! The month view: per day the first few events in the grid's order and exact counts of the
//! rest, days read in the display zone, recurring series expanded, deselected calendars left
//! out, and the same event views a range query gives. A real store file; nothing is synced.

mod offline_store_support;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use chronos_core::model::*;
use chronos_core::service::Chronos;
use chronos_core::view::{DayMore, MonthView};
use offline_store_support::*;

/// A store with a selected calendar holding `shown` and a deselected one holding `hidden`.
async fn chronos_with(
    shown: &[EventResource],
    hidden: &[EventResource],
) -> (tempfile::TempDir, Chronos) {
    let coloured = |id: &str, selected: bool| CalendarListEntry {
        background_color: Some("#112233".into()),
        ..listed(id, selected)
    };
    chronos_with_calendars(&[
        (coloured("work", true), shown),
        (coloured("other", false), hidden),
    ])
    .await
}

/// Midnight of a date in `zone`.
fn midnight(zone: Tz, y: i32, m: u32, d: u32) -> DateTime<Utc> {
    wall_clock(zone, NaiveDate::from_ymd_opt(y, m, d).unwrap(), 0)
}

fn ids(view: &MonthView) -> Vec<&str> {
    let mut v: Vec<&str> = view.events.iter().map(|e| e.id.as_str()).collect();
    v.sort();
    v
}

fn more(list: &[(&str, u32)]) -> Vec<DayMore> {
    list.iter()
        .map(|(d, n)| DayMore {
            date: d.parse().unwrap(),
            hidden: *n,
        })
        .collect()
}

/// Six meetings, a holiday and a trip over three days on 3 March; a daily series at 18:00 with
/// its 6 March occurrence cancelled; a deselected calendar as busy as the rest.
fn busy_week() -> (Vec<EventResource>, Vec<EventResource>) {
    let mut shown: Vec<EventResource> = (1..=6)
        .map(|h| {
            timed(
                &format!("meeting{h}"),
                &format!("2027-03-03T{:02}:00:00Z", 8 + h),
                &format!("2027-03-03T{:02}:00:00Z", 9 + h),
            )
        })
        .collect();
    shown.push(all_day("holiday", "2027-03-03", "2027-03-04"));
    shown.push(timed(
        "trip",
        "2027-03-02T20:00:00Z",
        "2027-03-04T08:00:00Z",
    ));
    let daily = timed("daily", "2027-02-20T18:00:00Z", "2027-02-20T18:30:00Z");
    shown.push(repeating(daily, "RRULE:FREQ=DAILY"));
    let mut gone = timed(
        "daily_20270306T180000Z",
        "2027-03-06T18:00:00Z",
        "2027-03-06T18:30:00Z",
    );
    gone.status = Some("cancelled".into());
    gone.recurring_event_id = Some(EventId::from("daily"));
    gone.original_start_time = gone.start.clone();
    shown.push(gone);
    let hidden = (1..=5)
        .map(|h| {
            timed(
                &format!("elsewhere{h}"),
                &format!("2027-03-03T0{h}:00:00Z"),
                &format!("2027-03-03T0{h}:30:00Z"),
            )
        })
        .collect();
    (shown, hidden)
}

#[tokio::test]
async fn a_busy_day_keeps_bars_then_the_earliest_and_counts_exactly_what_it_leaves_out() {
    let (shown, hidden) = busy_week();
    let (_dir, chronos) = chronos_with(&shown, &hidden).await;
    let utc = chrono_tz::UTC;
    let (from, to) = (midnight(utc, 2027, 3, 1), midnight(utc, 2027, 3, 8));
    let view = chronos.month_view(from, to, utc, 4).await.unwrap();
    // 3 March: trip and holiday (bars), then meeting1 (09:00) and meeting2 (10:00); left out
    // are meetings 3 to 6 and the series' 18:00 occurrence.
    assert_eq!(
        ids(&view),
        vec![
            "daily_20270301T180000Z",
            "daily_20270302T180000Z",
            "daily_20270304T180000Z",
            "daily_20270305T180000Z",
            "daily_20270307T180000Z",
            "holiday",
            "meeting1",
            "meeting2",
            "trip",
        ]
    );
    assert_eq!(view.more, more(&[("2027-03-03", 5)]));
    assert!(view.truncated.is_empty());
    // Ordered as a range query orders them: by start.
    let order: Vec<&str> = view.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        &order[..4],
        &[
            "daily_20270301T180000Z",
            "daily_20270302T180000Z",
            "trip",
            "holiday"
        ]
    );

    // Room for two: the bars alone on the 3rd; the trip's other days keep it and the series.
    let view = chronos.month_view(from, to, utc, 2).await.unwrap();
    assert!(ids(&view).contains(&"holiday") && ids(&view).contains(&"trip"));
    assert!(!ids(&view).iter().any(|id| id.starts_with("meeting")));
    assert_eq!(view.more, more(&[("2027-03-03", 7)]));

    // Room for none: every day is counted.
    let view = chronos.month_view(from, to, utc, 0).await.unwrap();
    assert!(view.events.is_empty());
    assert_eq!(
        view.more,
        more(&[
            ("2027-03-01", 1),
            ("2027-03-02", 2),
            ("2027-03-03", 9),
            ("2027-03-04", 2),
            ("2027-03-05", 1),
            ("2027-03-07", 1),
        ])
    );
}

#[tokio::test]
async fn with_room_for_every_event_the_month_view_is_the_range_view() {
    let (shown, hidden) = busy_week();
    let (_dir, chronos) = chronos_with(&shown, &hidden).await;
    for zone in [chrono_tz::UTC, chrono_tz::Pacific::Auckland] {
        let (from, to) = (midnight(zone, 2027, 3, 1), midnight(zone, 2027, 3, 8));
        let month = chronos.month_view(from, to, zone, 50).await.unwrap();
        let range = chronos.event_views_in_range(from, to, zone).await.unwrap();
        assert!(month.more.is_empty());
        assert_eq!(
            serde_json::to_value(&month.events).unwrap(),
            serde_json::to_value(&range.events).unwrap(),
            "{zone}"
        );
        // Colours come with the views, as they do for the range view.
        assert!(month
            .events
            .iter()
            .all(|e| e.color.as_deref() == Some("#112233")));
    }
}

#[tokio::test]
async fn days_are_the_display_zones_days() {
    // 10:00Z, 12:00Z, 20:00Z on 10 January and 02:00Z on the 11th: all on 10 January in Los
    // Angeles (UTC−8); the first on the 10th and the rest on the 11th in Auckland (UTC+13). An
    // all-day event is its date in both.
    let events = vec![
        timed("a", "2027-01-10T10:00:00Z", "2027-01-10T10:30:00Z"),
        timed("b", "2027-01-10T12:00:00Z", "2027-01-10T12:30:00Z"),
        timed("c", "2027-01-10T20:00:00Z", "2027-01-10T20:30:00Z"),
        timed("d", "2027-01-11T02:00:00Z", "2027-01-11T02:30:00Z"),
        all_day("off", "2027-01-12", "2027-01-13"),
    ];
    let (_dir, chronos) = chronos_with(&events, &[]).await;

    let la = chrono_tz::America::Los_Angeles;
    let view = chronos
        .month_view(midnight(la, 2027, 1, 9), midnight(la, 2027, 1, 14), la, 1)
        .await
        .unwrap();
    assert_eq!(ids(&view), vec!["a", "off"]);
    assert_eq!(view.more, more(&[("2027-01-10", 3)]));

    let auckland = chrono_tz::Pacific::Auckland;
    let view = chronos
        .month_view(
            midnight(auckland, 2027, 1, 9),
            midnight(auckland, 2027, 1, 14),
            auckland,
            1,
        )
        .await
        .unwrap();
    assert_eq!(ids(&view), vec!["a", "b", "off"]);
    assert_eq!(view.more, more(&[("2027-01-11", 2)]));
}

#[tokio::test]
async fn a_backwards_or_overlong_range_is_refused() {
    let (_dir, chronos) = chronos_with(&[], &[]).await;
    let utc = chrono_tz::UTC;
    let err = chronos
        .month_view(midnight(utc, 2027, 3, 8), midnight(utc, 2027, 3, 1), utc, 4)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), chronos_core::error::ErrorKind::InvalidInput);
    let err = chronos
        .month_view(midnight(utc, 2027, 1, 1), midnight(utc, 2029, 1, 1), utc, 4)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), chronos_core::error::ErrorKind::InvalidInput);
    let empty = chronos
        .month_view(midnight(utc, 2027, 3, 1), midnight(utc, 2027, 3, 8), utc, 4)
        .await
        .unwrap();
    assert!(empty.events.is_empty() && empty.more.is_empty());
}
