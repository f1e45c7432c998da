//! Expanding one month over 300 recurring masters (with exceptions), against a baseline of the
//! same month's occurrences stored as single events (what `singleEvents=true` would return),
//! both through `recurrence::expand`, measured in the same run.
//!
//! A second group prices BYWEEKNO: a yearly week-numbered rule over twenty years against a
//! yearly rule of the same shape without it (BYMONTH with an ordinal BYDAY), same run.
//!
//! A third prices the worst a range can cost: forty series whose rule never matches, each
//! scanning until the limits stop it (the query-wide step budget ends the scan after ten), against
//! the 300-master month of the first group, same run.
//!
//! Run: `cargo bench -p chronos-core --bench recurrence`

use chrono::{DateTime, Utc};
use chronos_core::model::EventResource;
use chronos_core::recurrence::{expand, OccurrenceTime, TimeRange};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::hint::black_box;

const MASTERS: usize = 300;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A mixed, deterministic population: weekly/daily/monthly/yearly rules in three zones, some
/// with COUNT from years back (scanned from the start), some all-day, every third with a moved
/// or cancelled instance.
fn masters() -> Vec<EventResource> {
    let zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata"];
    let rules = [
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        "RRULE:FREQ=DAILY;COUNT=2000",
        "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        "RRULE:FREQ=MONTHLY;BYDAY=2TU",
        "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "RRULE:FREQ=WEEKLY;UNTIL=20270101T000000Z",
    ];
    let mut out = Vec::new();
    for i in 0..MASTERS {
        let id = format!("m{i:03}");
        let year = 2020 + (i % 6);
        let hour = 7 + i % 10;
        if i % 10 == 9 {
            out.push(
                serde_json::from_value(json!({
                    "id": id, "start": {"date": format!("{year}-01-0{}", 1 + i % 7)},
                    "end": {"date": format!("{year}-01-0{}", 2 + i % 7)},
                    "recurrence": ["RRULE:FREQ=WEEKLY", "EXDATE;VALUE=DATE:20260310"],
                }))
                .unwrap(),
            );
            continue;
        }
        let tz = zones[i % zones.len()];
        let start = format!("{year}-01-05T{hour:02}:00:00");
        let end = format!("{year}-01-05T{hour:02}:45:00");
        out.push(serde_json::from_value(json!({
            "id": id, "summary": "meeting",
            "start": {"dateTime": start, "timeZone": tz}, "end": {"dateTime": end, "timeZone": tz},
            "recurrence": [rules[i % rules.len()]],
        })).unwrap());
        if i % 3 == 0 {
            // An exception on an occurrence that exists in March 2026 for most rules.
            let x = expand(&out[out.len() - 1..], month(), chrono_tz::UTC);
            if let Some(o) = x.occurrences.get(2) {
                let OccurrenceTime::Instant { utc, .. } = o.start else {
                    continue;
                };
                let original = utc.to_rfc3339();
                let moved = (utc + chrono::Duration::hours(3)).to_rfc3339();
                let moved_end = (utc + chrono::Duration::hours(4)).to_rfc3339();
                out.push(
                    serde_json::from_value(json!({
                        "id": o.event_id.as_str(), "recurringEventId": id,
                        "status": if i % 2 == 0 { "cancelled" } else { "confirmed" },
                        "originalStartTime": {"dateTime": original, "timeZone": tz},
                        "start": {"dateTime": moved}, "end": {"dateTime": moved_end},
                    }))
                    .unwrap(),
                );
            }
        }
    }
    out
}

fn month() -> TimeRange {
    TimeRange::new(utc("2026-03-01T00:00:00Z"), utc("2026-04-01T00:00:00Z"))
}

/// The same month's occurrences as single events with their own times.
fn singles(events: &[EventResource]) -> Vec<EventResource> {
    let x = expand(events, month(), chrono_tz::Europe::Berlin);
    x.occurrences
        .iter()
        .map(|o| {
            let t = |t: &OccurrenceTime| match t {
                OccurrenceTime::Date { date } => json!({"date": date.to_string()}),
                OccurrenceTime::Instant { utc, .. } => json!({"dateTime": utc.to_rfc3339(), "timeZone": "Europe/Berlin"}),
            };
            serde_json::from_value(json!({
                "id": o.event_id.as_str(), "summary": "meeting", "start": t(&o.start), "end": t(&o.end),
            }))
            .unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let events = masters();
    let flat = singles(&events);
    let n = expand(&events, month(), chrono_tz::Europe::Berlin)
        .occurrences
        .len();
    assert_eq!(n, flat.len());
    assert_eq!(
        expand(&flat, month(), chrono_tz::Europe::Berlin)
            .occurrences
            .len(),
        n
    );
    println!(
        "{} stored events ({} masters) give {} occurrences in March 2026",
        events.len(),
        MASTERS,
        n
    );
    let mut g = c.benchmark_group("month");
    g.sample_size(30);
    g.bench_function("expand_300_masters", |b| {
        b.iter(|| {
            black_box(expand(
                black_box(&events),
                month(),
                chrono_tz::Europe::Berlin,
            ))
        })
    });
    g.bench_function("baseline_presplit_singles", |b| {
        b.iter(|| black_box(expand(black_box(&flat), month(), chrono_tz::Europe::Berlin)))
    });
    g.finish();
}

fn yearly(rule: &str) -> EventResource {
    serde_json::from_value(json!({
        "id": "y", "summary": "review",
        "start": {"dateTime": "2026-05-11T09:00:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-05-11T10:00:00", "timeZone": "Europe/Berlin"},
        "recurrence": [rule],
    }))
    .unwrap()
}

fn bench_byweekno(c: &mut Criterion) {
    let years = TimeRange::new(utc("2026-01-01T00:00:00Z"), utc("2046-01-01T00:00:00Z"));
    let week = [yearly("RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO")];
    let month = [yearly("RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=2MO")];
    assert_eq!(
        expand(&week, years, chrono_tz::Europe::Berlin)
            .occurrences
            .len(),
        20
    );
    assert_eq!(
        expand(&month, years, chrono_tz::Europe::Berlin)
            .occurrences
            .len(),
        20
    );
    let mut g = c.benchmark_group("twenty_years");
    g.sample_size(30);
    g.bench_function("yearly_byweekno_byday", |b| {
        b.iter(|| black_box(expand(black_box(&week), years, chrono_tz::Europe::Berlin)))
    });
    g.bench_function("baseline_yearly_bymonth_byday", |b| {
        b.iter(|| black_box(expand(black_box(&month), years, chrono_tz::Europe::Berlin)))
    });
    g.finish();
}

fn bench_hostile(c: &mut Criterion) {
    let hostile: Vec<EventResource> = (0..40)
        .map(|i| {
            serde_json::from_value(json!({
                "id": format!("h{i:02}"), "summary": "never",
                "start": {"dateTime": "2000-01-01T00:00:00Z", "timeZone": "UTC"},
                "end": {"dateTime": "2000-01-01T01:00:00Z", "timeZone": "UTC"},
                "recurrence": ["RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30;COUNT=5"],
            }))
            .unwrap()
        })
        .collect();
    let x = expand(&hostile, month(), chrono_tz::UTC);
    assert!(x.occurrences.is_empty());
    assert_eq!(x.truncated.len(), 40);
    let events = masters();
    let mut g = c.benchmark_group("hostile");
    g.sample_size(10);
    g.bench_function("forty_never_matching_series", |b| {
        b.iter(|| black_box(expand(black_box(&hostile), month(), chrono_tz::UTC)))
    });
    g.bench_function("baseline_expand_300_masters", |b| {
        b.iter(|| {
            black_box(expand(
                black_box(&events),
                month(),
                chrono_tz::Europe::Berlin,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bench_byweekno, bench_hostile);
criterion_main!(benches);
