use super::placement::FLOATING_SLACK;
use super::*;
use crate::model::{EventDateTime, EventResource};

fn dt(s: &str) -> EventDateTime {
    EventDateTime {
        date_time: Some(s.into()),
        ..Default::default()
    }
}
fn date(s: &str) -> EventDateTime {
    EventDateTime {
        date: Some(s.into()),
        ..Default::default()
    }
}
fn ts(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}
fn ev(id: &str, start: EventDateTime, end: EventDateTime) -> EventResource {
    EventResource {
        id: id.into(),
        start: Some(start),
        end: Some(end),
        ..Default::default()
    }
}

/// A calendar index with a name per row, so tests read ids back.
#[derive(Default)]
struct Filed {
    idx: CalendarIndex,
    names: HashMap<i64, String>,
    next: i64,
}

impl Filed {
    fn upsert(&mut self, ev: EventResource) {
        let rowid = self.idx.get(&ev.id).map_or_else(
            || {
                self.next += 1;
                self.next
            },
            |(r, _)| r,
        );
        self.names.insert(rowid, ev.id.as_str().to_owned());
        let meta = RowMeta {
            rowid,
            placement: placement(&ev),
            digest: 0,
        };
        self.idx
            .upsert(ev.id.clone(), ev.recurring_event_id.clone(), meta);
    }
    fn range(&self, from: &str, to: &str) -> Vec<String> {
        let mut out = vec![];
        self.idx.range(ts(from), ts(to), &mut out);
        let mut ids: Vec<_> = out.iter().map(|h| self.names[&h.rowid].clone()).collect();
        ids.sort();
        ids
    }
}

#[test]
fn meta_round_trips_and_rejects_unknown_bytes() {
    for p in [
        Placement::Span {
            lo: -5,
            hi: 7,
            shape: Shape::Dates,
        },
        Placement::Span {
            lo: -5,
            hi: 7,
            shape: Shape::Instants,
        },
        Placement::Span {
            lo: -5,
            hi: 7,
            shape: Shape::Unverified,
        },
        Placement::Master {
            first: 1,
            until: None,
            length: 3_600,
        },
        Placement::Master {
            first: 1,
            until: Some(99),
            length: 0,
        },
        Placement::Unplaced,
    ] {
        let bytes = RowMeta::encode_sealed_part(&p, 0xdead_beef);
        assert_eq!(
            RowMeta::decode(42, &bytes),
            Some(RowMeta {
                rowid: 42,
                placement: p,
                digest: 0xdead_beef
            })
        );
    }
    let mut bytes = RowMeta::encode_sealed_part(&Placement::Unplaced, 1);
    bytes[0] = 9;
    assert_eq!(RowMeta::decode(1, &bytes), None);
    // Version 1 had no shape: its rows are indexed again from their content.
    bytes[0] = 1;
    assert_eq!(RowMeta::decode(1, &bytes), None);
    assert_eq!(RowMeta::decode(1, &bytes[..10]), None);
    assert_ne!(digest(b"a"), digest(b"b"));
    assert_eq!(digest(b"same"), digest(b"same"));
}

#[test]
fn placements() {
    let e = ev(
        "a",
        dt("2026-12-01T09:00:00+01:00"),
        dt("2026-12-01T10:00:00+01:00"),
    );
    assert_eq!(
        placement(&e),
        Placement::Span {
            lo: ts("2026-12-01T08:00:00Z"),
            hi: ts("2026-12-01T09:00:00Z"),
            shape: Shape::Instants,
        }
    );

    let e = ev("b", date("2026-12-01"), date("2026-12-03"));
    let Placement::Span { lo, hi, shape } = placement(&e) else {
        panic!()
    };
    assert_eq!(lo, ts("2026-12-01T00:00:00Z") - FLOATING_SLACK);
    assert_eq!(hi, ts("2026-12-03T00:00:00Z") + FLOATING_SLACK);
    assert_eq!(shape, Shape::Dates);
    let first = ts("2026-12-01T00:00:00Z") / 86_400;
    assert_eq!(Shape::dates(lo, hi), (first, first + 2));

    let mut z = dt("2026-12-01T09:00:00");
    z.time_zone = Some("America/New_York".into());
    let e = ev("c", z.clone(), z);
    let Placement::Span { lo, hi, shape } = placement(&e) else {
        panic!()
    };
    assert_eq!(lo, ts("2026-12-01T14:00:00Z"));
    assert_eq!((hi, shape), (lo + 1, Shape::Instants));

    let e = ev("d", dt("not a date"), dt("2026-12-01T10:00:00Z"));
    assert_eq!(placement(&e), Placement::Unplaced);
}

#[test]
fn only_times_the_expander_reads_the_same_way_get_a_verified_shape() {
    let shape = |e: &EventResource| match placement(e) {
        Placement::Span { shape, .. } => shape,
        other => panic!("{other:?}"),
    };
    // A wall time without a zone: the index guesses, the expander leaves it out.
    let floating = ev("f", dt("2026-12-01T09:00:00"), dt("2026-12-01T10:00:00"));
    assert_eq!(shape(&floating), Shape::Unverified);
    // An unknown zone name beside an offset.
    let mut odd = dt("2026-12-01T09:00:00Z");
    odd.time_zone = Some("Mars/Olympus".into());
    assert_eq!(shape(&ev("z", odd.clone(), odd)), Shape::Unverified);
    // A date beside a time.
    assert_eq!(
        shape(&ev("m", date("2026-12-01"), dt("2026-12-02T10:00:00Z"))),
        Shape::Unverified
    );
    // An exception's span also covers its original slot.
    let mut x = ev(
        "s_20261201T090000Z",
        dt("2026-12-01T11:00:00Z"),
        dt("2026-12-01T12:00:00Z"),
    );
    x.recurring_event_id = Some("s".into());
    x.original_start_time = Some(dt("2026-12-01T09:00:00Z"));
    assert_eq!(shape(&x), Shape::Unverified);
    // An all-day event without an end is one day.
    let mut one = ev("d", date("2026-12-01"), date("2026-12-02"));
    one.end = None;
    assert_eq!(shape(&one), Shape::Dates);
}

#[test]
fn masters_and_until() {
    let mut m = ev("m", dt("2026-01-05T09:00:00Z"), dt("2026-01-05T10:00:00Z"));
    m.recurrence = Some(vec!["RRULE:FREQ=WEEKLY;UNTIL=20260301T000000Z".into()]);
    let p = placement(&m);
    assert!(p.overlaps(ts("2026-02-01T00:00:00Z"), ts("2026-03-01T00:00:00Z")));
    assert!(!p.overlaps(ts("2026-04-01T00:00:00Z"), ts("2026-05-01T00:00:00Z")));
    assert!(!p.overlaps(ts("2025-12-01T00:00:00Z"), ts("2026-01-01T00:00:00Z")));
    m.recurrence = Some(vec!["RRULE:FREQ=WEEKLY;COUNT=3".into()]);
    assert!(placement(&m).overlaps(ts("2030-04-01T00:00:00Z"), ts("2030-05-01T00:00:00Z")));
}

#[test]
fn cancelled_exception_sits_on_its_original_slot() {
    let e = EventResource {
        id: "m_20261201T090000Z".into(),
        status: Some("cancelled".into()),
        recurring_event_id: Some("m".into()),
        original_start_time: Some(dt("2026-12-01T09:00:00Z")),
        ..Default::default()
    };
    let p = placement(&e);
    assert!(p.overlaps(ts("2026-12-01T00:00:00Z"), ts("2026-12-02T00:00:00Z")));
    assert!(!p.overlaps(ts("2026-12-02T00:00:00Z"), ts("2026-12-03T00:00:00Z")));
}

#[test]
fn range_finds_short_long_and_masters() {
    let mut f = Filed::default();
    f.upsert(ev(
        "in",
        dt("2026-12-10T09:00:00Z"),
        dt("2026-12-10T10:00:00Z"),
    ));
    f.upsert(ev(
        "before",
        dt("2026-11-10T09:00:00Z"),
        dt("2026-11-10T10:00:00Z"),
    ));
    f.upsert(ev(
        "spans",
        dt("2026-11-30T22:00:00Z"),
        dt("2026-12-01T02:00:00Z"),
    ));
    f.upsert(ev(
        "long",
        dt("2026-10-01T00:00:00Z"),
        dt("2027-01-01T00:00:00Z"),
    ));
    let mut m = ev(
        "master",
        dt("2026-01-01T09:00:00Z"),
        dt("2026-01-01T10:00:00Z"),
    );
    m.recurrence = Some(vec!["RRULE:FREQ=DAILY".into()]);
    f.upsert(m);
    let december = ("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z");
    assert_eq!(
        f.range(december.0, december.1),
        ["in", "long", "master", "spans"]
    );
    // Moving an event re-files it under the same row.
    f.upsert(ev(
        "in",
        dt("2027-02-10T09:00:00Z"),
        dt("2027-02-10T10:00:00Z"),
    ));
    assert_eq!(f.range(december.0, december.1), ["long", "master", "spans"]);
    assert_eq!(
        f.range("2027-02-10T00:00:00Z", "2027-02-11T00:00:00Z"),
        ["in", "master"]
    );
    assert!(f.idx.remove(&"long".into()).is_some());
    assert!(f.idx.remove(&"long".into()).is_none());
    assert_eq!(f.idx.len(), 4);
    assert_eq!(f.range(december.0, december.1), ["master", "spans"]);
    assert!(f.idx.remove(&"master".into()).is_some());
    assert_eq!(f.range(december.0, december.1), ["spans"]);
}

#[test]
fn long_occurrences_reach_into_the_range_with_their_exceptions() {
    // A weekly three-day event, started on Mondays; the range starts on a Wednesday.
    let mut m = ev("m", dt("2026-12-07T09:00:00Z"), dt("2026-12-10T09:00:00Z"));
    m.recurrence = Some(vec!["RRULE:FREQ=WEEKLY;UNTIL=20261214T090000Z".into()]);
    let cancelled = EventResource {
        id: "m_20261214T090000Z".into(),
        status: Some("cancelled".into()),
        recurring_event_id: Some("m".into()),
        original_start_time: Some(dt("2026-12-14T09:00:00Z")),
        ..Default::default()
    };
    let mut f = Filed::default();
    f.upsert(m);
    f.upsert(cancelled);
    assert_eq!(
        f.range("2026-12-16T00:00:00Z", "2026-12-17T00:00:00Z"),
        ["m", "m_20261214T090000Z"]
    );
    // Past the last occurrence's end neither is found.
    assert!(f
        .range("2026-12-18T00:00:00Z", "2026-12-19T00:00:00Z")
        .is_empty());
    // Removing the exception forgets it.
    f.idx.remove(&"m_20261214T090000Z".into());
    assert_eq!(
        f.range("2026-12-16T00:00:00Z", "2026-12-17T00:00:00Z"),
        ["m"]
    );
    assert!(f.idx.exception_of.is_empty() && f.idx.exceptions.is_empty());
}
