//! Series edits: "this and following" splits, and which exceptions survive a series edit.

use chrono::{DateTime, Utc};
use chronos_core::model::{EventId, EventResource};
use chronos_core::recurrence::{
    expand, instance_id, split_series, surviving_exceptions, OccurrenceTime, TimeRange,
};
use serde_json::json;

fn ev(v: serde_json::Value) -> EventResource {
    serde_json::from_value(v).unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn wide() -> TimeRange {
    TimeRange::new(utc("2025-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z"))
}

fn starts(events: &[EventResource]) -> Vec<OccurrenceTime> {
    expand(events, wide(), chrono_tz::Europe::Berlin)
        .occurrences
        .into_iter()
        .map(|o| o.start)
        .collect()
}

fn at(s: &str) -> OccurrenceTime {
    OccurrenceTime::Instant {
        utc: utc(s),
        local: utc(s).naive_utc(),
    }
}

fn master(rules: &[&str]) -> EventResource {
    ev(json!({
        "id": "m", "etag": "\"1\"", "iCalUID": "m@google.com", "summary": "standup",
        "start": {"dateTime": "2026-03-02T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-03-02T09:30:00+01:00", "timeZone": "Europe/Berlin"},
        "recurrence": rules,
    }))
}

#[test]
fn instance_ids_have_googles_shape() {
    let id = EventId::from("abc");
    assert_eq!(
        instance_id(&id, &at("2026-03-30T07:00:00Z")).as_str(),
        "abc_20260330T070000Z"
    );
    let d = OccurrenceTime::Date {
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    };
    assert_eq!(instance_id(&id, &d).as_str(), "abc_20261201");
}

#[test]
fn split_ends_the_old_series_and_starts_the_new_one_across_dst() {
    let m = master(&["RRULE:FREQ=WEEKLY;BYDAY=MO"]);
    let (old, new) = split_series(&m, &at("2026-03-23T08:00:00Z"), EventId::from("n")).unwrap();
    assert_eq!(
        old.recurrence.as_ref().unwrap(),
        &vec!["RRULE:FREQ=WEEKLY;UNTIL=20260323T075959Z;BYDAY=MO".to_owned()]
    );
    assert_eq!(new.id.as_str(), "n");
    assert_eq!(new.etag, None);
    assert!(!new.extra.contains_key("iCalUID"));
    assert_eq!(new.summary.as_deref(), Some("standup"));
    let s = new.start.as_ref().unwrap();
    assert_eq!(s.time_zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(s.date_time.as_deref(), Some("2026-03-23T09:00:00+01:00"));
    assert_eq!(
        new.end.as_ref().unwrap().date_time.as_deref(),
        Some("2026-03-23T09:30:00+01:00")
    );
    let old_starts = starts(&[old]);
    assert_eq!(old_starts.len(), 3);
    let new_x = expand(
        &[new],
        TimeRange::new(utc("2026-03-01T00:00:00Z"), utc("2026-04-10T00:00:00Z")),
        chrono_tz::Europe::Berlin,
    );
    let locals: Vec<String> = new_x
        .occurrences
        .iter()
        .map(|o| match o.start {
            OccurrenceTime::Instant { local, .. } => local.format("%m-%d %H:%M").to_string(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(locals, vec!["03-23 09:00", "03-30 09:00", "04-06 09:00"]);
}

#[test]
fn split_halves_together_are_the_original_series() {
    let rules: &[&[&str]] = &[
        &["RRULE:FREQ=WEEKLY;COUNT=8;BYDAY=MO,TH"],
        &[
            "RRULE:FREQ=DAILY;UNTIL=20260320T235959Z",
            "EXDATE;TZID=Europe/Berlin:20260305T090000,20260315T090000",
        ],
        &[
            "RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=5",
            "RDATE;TZID=Europe/Berlin:20260310T090000,20260601T090000",
        ],
        &[
            "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=6",
            "EXRULE:FREQ=MONTHLY;BYMONTHDAY=16",
        ],
        // Cutting at an RDATE on another weekday and hour must keep Mondays at 09:00.
        &[
            "RRULE:FREQ=WEEKLY;COUNT=6",
            "RDATE;TZID=Europe/Berlin:20260318T170000",
        ],
        &[
            "RRULE:FREQ=MONTHLY;UNTIL=20261231",
            "RDATE;TZID=Europe/Berlin:20260418T070000",
        ],
        // BYWEEKNO: with BYDAY, alone (the whole week), and cut at an RDATE on another day.
        &["RRULE:FREQ=YEARLY;BYWEEKNO=10,-1;BYDAY=MO,WE;COUNT=8"],
        &["RRULE:FREQ=YEARLY;BYWEEKNO=10;UNTIL=20271231"],
        &[
            "RRULE:FREQ=YEARLY;BYWEEKNO=10,11,12;BYDAY=MO;COUNT=6",
            "RDATE;TZID=Europe/Berlin:20260318T170000",
        ],
    ];
    for lines in rules {
        let m = master(lines);
        let all = starts(std::slice::from_ref(&m));
        assert!(all.len() >= 5, "{lines:?}");
        for (i, cut) in all.iter().enumerate().skip(1) {
            let (old, new) = split_series(&m, cut, EventId::from("n")).unwrap();
            let (a, b) = (starts(&[old]), starts(&[new]));
            assert_eq!(a, all[..i].to_vec(), "old half, {lines:?} cut {i}");
            assert_eq!(b, all[i..].to_vec(), "new half, {lines:?} cut {i}");
        }
    }
}

#[test]
fn split_of_all_day_series_and_bad_cut_points() {
    let m = ev(json!({
        "id": "d", "start": {"date": "2026-03-02"}, "end": {"date": "2026-03-03"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=5"],
    }));
    let cut = OccurrenceTime::Date {
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
    };
    let (old, new) = split_series(&m, &cut, EventId::from("e")).unwrap();
    assert_eq!(
        old.recurrence.unwrap(),
        vec!["RRULE:FREQ=WEEKLY;UNTIL=20260315".to_owned()]
    );
    assert_eq!(
        new.recurrence.unwrap(),
        vec!["RRULE:FREQ=WEEKLY;COUNT=3".to_owned()]
    );
    assert_eq!(new.start.unwrap().date.as_deref(), Some("2026-03-16"));
    assert_eq!(new.end.unwrap().date.as_deref(), Some("2026-03-17"));

    let first = OccurrenceTime::Date {
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    };
    let off = OccurrenceTime::Date {
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 17).unwrap(),
    };
    assert_eq!(
        split_series(&m, &first, EventId::from("e"))
            .unwrap_err()
            .kind(),
        "not_an_occurrence"
    );
    assert_eq!(
        split_series(&m, &off, EventId::from("e"))
            .unwrap_err()
            .kind(),
        "not_an_occurrence"
    );
    assert!(split_series(&m, &at("2026-03-16T08:00:00Z"), EventId::from("e")).is_err());
}

fn exception(id: &str, master: &str, original: &str, cancelled: bool) -> EventResource {
    ev(json!({
        "id": id, "recurringEventId": master, "status": if cancelled { "cancelled" } else { "confirmed" },
        "originalStartTime": {"dateTime": original, "timeZone": "Europe/Berlin"},
        "start": {"dateTime": "2026-03-20T12:00:00+01:00"}, "end": {"dateTime": "2026-03-20T13:00:00+01:00"},
    }))
}

#[test]
fn exceptions_whose_occurrence_is_gone_are_dropped_and_counted() {
    let m = master(&["RRULE:FREQ=WEEKLY;BYDAY=MO"]);
    let exceptions = vec![
        exception(
            "m_20260309T080000Z",
            "m",
            "2026-03-09T09:00:00+01:00",
            false,
        ),
        exception("m_20260316T080000Z", "m", "2026-03-16T09:00:00+01:00", true),
        exception(
            "m_20260330T070000Z",
            "m",
            "2026-03-30T09:00:00+02:00",
            false,
        ),
        exception(
            "other_20260309T080000Z",
            "other",
            "2026-03-09T09:00:00+01:00",
            false,
        ),
    ];
    // Moving the series to Tuesdays: none of the Monday exceptions has its occurrence any more.
    let tuesdays = master(&["RRULE:FREQ=WEEKLY;BYDAY=TU"]);
    let t = surviving_exceptions(&m, &tuesdays, &exceptions).unwrap();
    assert_eq!(t.kept, Vec::<usize>::new());
    assert_eq!(t.dropped, vec![0, 1, 2]);
    assert_eq!(t.dropped_visible, 2);

    // Ending the series before 16 March keeps only the 9 March exception.
    let (old, _) = split_series(&m, &at("2026-03-16T08:00:00Z"), EventId::from("n")).unwrap();
    let t = surviving_exceptions(&m, &old, &exceptions).unwrap();
    assert_eq!(
        (t.kept, t.dropped, t.dropped_visible),
        (vec![0], vec![1, 2], 1)
    );

    // An unchanged rule keeps them all, also across the DST change (matched as instants).
    let t = surviving_exceptions(&m, &m, &exceptions).unwrap();
    assert_eq!((t.kept, t.dropped_visible), (vec![0, 1, 2], 0));
}
