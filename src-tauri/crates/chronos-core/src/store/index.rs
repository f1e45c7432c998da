//! The in-memory placement index: for every event of a loaded calendar, which row holds it, where
//! it sits in time and a digest of its content — never the content itself.
//!
//! A calendar is indexed on first use from its rows' sealed `meta` column (a few dozen bytes each,
//! no event decrypted), and then kept current by every write the store makes (the index is only
//! changed while the writer holds the connection, after the commit). A range query walks a
//! `BTreeMap` ordered by span start, from `from - LONG_SPAN`, so it touches only the rows near the
//! range; the few spans longer than `LONG_SPAN` and the recurring masters are kept in small side
//! maps that every query checks. The store then decrypts only the rows a query returns.

use crate::model::{AccountId, CalendarId, EventDateTime, EventId, EventResource};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use std::collections::{BTreeMap, HashMap};

/// Spans longer than this live in the `long` side set.
const LONG_SPAN: i64 = 4 * 86_400;
/// All-day dates and zone-less times are floating; widen them by the largest UTC offsets so a
/// query in any zone finds them (the caller trims to its own zone).
const FLOATING_SLACK: i64 = 14 * 3_600;

/// Where an event sits on the time line, in UTC seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Covers `[lo, hi)`. For an exception this also covers its original slot, so the series
    /// expander sees the exception wherever the instance it replaces would have been.
    Span { lo: i64, hi: i64 },
    /// A recurring master: may produce instances starting from `first` until `until` (`None`:
    /// no bound known without expanding, e.g. COUNT or RDATE), each lasting `length` seconds.
    Master {
        first: i64,
        until: Option<i64>,
        length: i64,
    },
    /// No usable times (malformed or missing): reachable by id, never by range.
    Unplaced,
}

fn instant(dt: &EventDateTime) -> Option<(i64, bool)> {
    if let Some(s) = dt.date_time.as_deref() {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
            return Some((t.timestamp(), false));
        }
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
        if let Some(tz) = dt
            .time_zone
            .as_deref()
            .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
        {
            if let Some(t) = tz.from_local_datetime(&naive).earliest() {
                return Some((t.timestamp(), false));
            }
        }
        return Some((naive.and_utc().timestamp(), true));
    }
    let d = NaiveDate::parse_from_str(dt.date.as_deref()?, "%Y-%m-%d").ok()?;
    Some((d.and_hms_opt(0, 0, 0)?.and_utc().timestamp(), true))
}

fn span(start: &EventDateTime, end: Option<&EventDateTime>) -> Option<(i64, i64)> {
    let (s, s_float) = instant(start)?;
    let (e, e_float) = match end.and_then(instant) {
        Some(e) => e,
        None if start.date.is_some() && start.date_time.is_none() => (s + 86_400, true),
        None => (s, s_float),
    };
    let lo = if s_float { s - FLOATING_SLACK } else { s };
    let hi = if e_float { e + FLOATING_SLACK } else { e };
    Some((lo, hi.max(lo + 1)))
}

/// The latest UNTIL over all RRULE lines, if every line has one and no RDATE adds dates.
fn series_until(recurrence: &[String]) -> Option<i64> {
    let mut until = None::<i64>;
    for line in recurrence {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("RDATE") {
            return None;
        }
        if !upper.starts_with("RRULE:") {
            continue;
        }
        let value = upper[6..]
            .split(';')
            .find_map(|p| p.strip_prefix("UNTIL="))?;
        let t = if value.len() == 8 {
            NaiveDate::parse_from_str(value, "%Y%m%d")
                .ok()?
                .and_hms_opt(23, 59, 59)?
                .and_utc()
                .timestamp()
                + FLOATING_SLACK
        } else {
            let v = value.trim_end_matches('Z');
            let t = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
                .ok()?
                .and_utc()
                .timestamp();
            if value.ends_with('Z') {
                t
            } else {
                t + FLOATING_SLACK
            }
        };
        until = Some(until.map_or(t, |u: i64| u.max(t)));
    }
    until
}

pub fn placement(ev: &EventResource) -> Placement {
    let is_master = ev.recurring_event_id.is_none()
        && ev
            .recurrence
            .as_ref()
            .is_some_and(|r| r.iter().any(|l| !l.trim().is_empty()));
    if is_master {
        return match ev.start.as_ref().and_then(|s| span(s, ev.end.as_ref())) {
            Some((lo, hi)) => Placement::Master {
                first: lo,
                until: series_until(ev.recurrence.as_deref().unwrap_or_default()),
                length: hi - lo,
            },
            None => Placement::Unplaced,
        };
    }
    let own = if ev.is_cancelled() {
        None
    } else {
        ev.start.as_ref().and_then(|s| span(s, ev.end.as_ref()))
    };
    let original = ev
        .original_start_time
        .as_ref()
        .and_then(|o| span(o, None))
        .map(|(lo, _)| {
            // The original slot only needs to be hit, not covered: mark its start.
            (
                lo,
                lo + 1
                    + if o_is_floating(ev) {
                        2 * FLOATING_SLACK
                    } else {
                        0
                    },
            )
        });
    match (own, original) {
        (Some((a, b)), Some((c, d))) => Placement::Span {
            lo: a.min(c),
            hi: b.max(d),
        },
        (Some((a, b)), None) | (None, Some((a, b))) => Placement::Span { lo: a, hi: b },
        (None, None) => Placement::Unplaced,
    }
}

fn o_is_floating(ev: &EventResource) -> bool {
    ev.original_start_time
        .as_ref()
        .and_then(instant)
        .is_some_and(|(_, f)| f)
}

impl Placement {
    pub fn overlaps(&self, from: i64, to: i64) -> bool {
        match *self {
            Placement::Span { lo, hi } => lo < to && hi > from,
            // The last start may be before `from` and its occurrence still run into the range.
            Placement::Master {
                first,
                until,
                length,
            } => first < to && until.is_none_or(|u| u.saturating_add(length) >= from),
            Placement::Unplaced => false,
        }
    }
}

/// What the index keeps of one row: where to find it, where it sits, and a digest of its
/// plaintext so a page that brings the same event again is recognised without decrypting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowMeta {
    pub rowid: i64,
    pub placement: Placement,
    pub digest: u64,
}

/// The plaintext of a row's sealed `meta` column: a version byte, the placement (a kind byte and
/// three numbers) and the digest, so a calendar is indexed without decrypting its events.
const META_VERSION: u8 = 1;
const META_LEN: usize = 2 + 3 * 8 + 8;

impl RowMeta {
    pub fn encode_sealed_part(placement: &Placement, digest: u64) -> [u8; META_LEN] {
        let (kind, a, b, c) = match *placement {
            Placement::Span { lo, hi } => (0u8, lo, hi, 0),
            Placement::Master {
                first,
                until,
                length,
            } => (1, first, until.unwrap_or(i64::MAX), length),
            Placement::Unplaced => (2, 0, 0, 0),
        };
        let mut out = [0u8; META_LEN];
        out[0] = META_VERSION;
        out[1] = kind;
        out[2..10].copy_from_slice(&a.to_le_bytes());
        out[10..18].copy_from_slice(&b.to_le_bytes());
        out[18..26].copy_from_slice(&c.to_le_bytes());
        out[26..34].copy_from_slice(&digest.to_le_bytes());
        out
    }

    /// `None` for bytes this version does not understand (the row is then indexed from its
    /// content and its meta written again).
    pub fn decode(rowid: i64, bytes: &[u8]) -> Option<RowMeta> {
        if bytes.len() != META_LEN || bytes[0] != META_VERSION {
            return None;
        }
        let num = |i: usize| i64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let (a, b, c) = (num(2), num(10), num(18));
        let placement = match bytes[1] {
            0 => Placement::Span { lo: a, hi: b },
            1 => Placement::Master {
                first: a,
                until: (b != i64::MAX).then_some(b),
                length: c,
            },
            2 => Placement::Unplaced,
            _ => return None,
        };
        Some(RowMeta {
            rowid,
            placement,
            digest: num(26) as u64,
        })
    }
}

/// The digest of an event's stored plaintext: equal bytes, equal digest (a stable keyed-free
/// SipHash; it only ever lives in memory and inside the sealed meta).
pub fn digest(plaintext: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h =
        siphasher::sip::SipHasher13::new_with_keys(0x6368_726f_6e6f_7321, 0x6576_656e_7473_2121);
    h.write(plaintext);
    h.finish()
}

/// What the index holds for one event id: its row, the start it is filed under, its digest.
#[derive(Clone, Copy, Debug)]
struct Entry {
    rowid: i64,
    /// The key it is filed under in `spans` (`i64::MIN` when it is not there).
    lo: i64,
    digest: u64,
}

/// A recurring master: its id (to find its exceptions) and its placement.
struct MasterEntry {
    id: EventId,
    first: i64,
    until: Option<i64>,
    length: i64,
}

/// One calendar's placement index. It holds no event content: a query collects row ids, and the
/// store decrypts just those rows.
#[derive(Default)]
pub struct CalendarIndex {
    entries: HashMap<EventId, Entry>,
    /// Spans up to `LONG_SPAN`: `(lo, rowid) → hi`.
    spans: BTreeMap<(i64, i64), i64>,
    /// Longer spans, which every query checks: `rowid → (lo, hi)`.
    long: HashMap<i64, (i64, i64)>,
    masters: HashMap<i64, MasterEntry>,
    /// Exceptions per master id (`rowid → their span`): an exception's original slot is only its
    /// start, so one whose occurrence began before a range and runs into it is found through its
    /// master's length.
    exceptions: HashMap<EventId, HashMap<i64, (i64, i64)>>,
    /// The master of each exception row, to unfile it.
    exception_of: HashMap<i64, EventId>,
}

/// A row found by a range query: its sort key (start) and row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub key: i64,
    pub rowid: i64,
}

impl CalendarIndex {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The row and digest filed for an id.
    pub fn get(&self, id: &EventId) -> Option<(i64, u64)> {
        self.entries.get(id).map(|e| (e.rowid, e.digest))
    }

    pub fn ids(&self) -> impl Iterator<Item = &EventId> {
        self.entries.keys()
    }

    /// Files an event (replacing what was filed for its id). `master` is its
    /// `recurringEventId`, when it has one.
    pub fn upsert(&mut self, id: EventId, master: Option<EventId>, meta: RowMeta) {
        self.remove(&id);
        let rowid = meta.rowid;
        let mut lo_key = i64::MIN;
        match meta.placement {
            Placement::Span { lo, hi } if hi - lo > LONG_SPAN => {
                self.long.insert(rowid, (lo, hi));
            }
            Placement::Span { lo, hi } => {
                self.spans.insert((lo, rowid), hi);
                lo_key = lo;
            }
            Placement::Master {
                first,
                until,
                length,
            } => {
                self.masters.insert(
                    rowid,
                    MasterEntry {
                        id: id.clone(),
                        first,
                        until,
                        length,
                    },
                );
            }
            Placement::Unplaced => {}
        }
        if let (Some(master), Placement::Span { lo, hi }) = (master, meta.placement) {
            self.exceptions
                .entry(master.clone())
                .or_default()
                .insert(rowid, (lo, hi));
            self.exception_of.insert(rowid, master);
        }
        self.entries.insert(
            id,
            Entry {
                rowid,
                lo: lo_key,
                digest: meta.digest,
            },
        );
    }

    /// Unfiles an id; its row id when it was filed.
    pub fn remove(&mut self, id: &EventId) -> Option<i64> {
        let old = self.entries.remove(id)?;
        let rowid = old.rowid;
        if let Some(master) = self.exception_of.remove(&rowid) {
            if let Some(set) = self.exceptions.get_mut(&master) {
                set.remove(&rowid);
                if set.is_empty() {
                    self.exceptions.remove(&master);
                }
            }
        }
        if old.lo != i64::MIN {
            self.spans.remove(&(old.lo, rowid));
        } else if self.long.remove(&rowid).is_none() {
            self.masters.remove(&rowid);
        }
        Some(rowid)
    }

    /// Rows whose placement overlaps `[from, to)`.
    pub fn range(&self, from: i64, to: i64, out: &mut Vec<Hit>) {
        let span_overlaps = |lo: i64, hi: i64, from: i64, to: i64| lo < to && hi > from;
        let lower = (from.saturating_sub(LONG_SPAN), i64::MIN);
        let upper = (to, i64::MIN);
        if lower < upper {
            for (&(lo, rowid), &hi) in self.spans.range(lower..upper) {
                if span_overlaps(lo, hi, from, to) {
                    out.push(Hit { key: lo, rowid });
                }
            }
        }
        for (&rowid, &(lo, hi)) in &self.long {
            if span_overlaps(lo, hi, from, to) {
                out.push(Hit { key: lo, rowid });
            }
        }
        for (&rowid, m) in &self.masters {
            let placement = Placement::Master {
                first: m.first,
                until: m.until,
                length: m.length,
            };
            if !placement.overlaps(from, to) {
                continue;
            }
            out.push(Hit {
                key: m.first,
                rowid,
            });
            // Exceptions whose original slot starts up to one occurrence length before `from`
            // (the ones inside the range were found above).
            if m.length <= 0 {
                continue;
            }
            let Some(exceptions) = self.exceptions.get(&m.id) else {
                continue;
            };
            let early = from.saturating_sub(m.length);
            for (&x, &(lo, hi)) in exceptions {
                if !span_overlaps(lo, hi, from, to) && span_overlaps(lo, hi, early, to) {
                    out.push(Hit { key: lo, rowid: x });
                }
            }
        }
    }
}

pub type CalKey = (AccountId, CalendarId);
pub type EventKey = (AccountId, CalendarId, EventId);

/// All loaded calendars plus which events have unsent local changes.
#[derive(Default)]
pub struct Index {
    pub calendars: HashMap<CalKey, CalendarIndex>,
    /// Outbox entries per event, by account and calendar (nested so lookups need no allocation;
    /// loaded whole on open: it holds ids only).
    pending: HashMap<AccountId, HashMap<CalendarId, HashMap<EventId, u32>>>,
}

impl Index {
    pub fn is_pending(&self, account: &AccountId, calendar: &CalendarId, id: &EventId) -> bool {
        self.pending
            .get(account)
            .and_then(|c| c.get(calendar))
            .is_some_and(|e| e.contains_key(id))
    }

    pub fn add_pending(&mut self, (account, calendar, id): EventKey) {
        *self
            .pending
            .entry(account)
            .or_default()
            .entry(calendar)
            .or_default()
            .entry(id)
            .or_insert(0) += 1;
    }

    pub fn remove_pending(&mut self, (account, calendar, id): &EventKey) {
        let Some(cals) = self.pending.get_mut(account) else {
            return;
        };
        let Some(events) = cals.get_mut(calendar) else {
            return;
        };
        if let Some(n) = events.get_mut(id) {
            *n -= 1;
            if *n == 0 {
                events.remove(id);
            }
        }
        if events.is_empty() {
            cals.remove(calendar);
        }
        if cals.is_empty() {
            self.pending.remove(account);
        }
    }

    pub fn clear_pending(&mut self) {
        self.pending.clear();
    }

    pub fn forget_account(&mut self, account: &AccountId) {
        self.calendars.retain(|(a, _), _| a != account);
        self.pending.remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            Placement::Span { lo: -5, hi: 7 },
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
                hi: ts("2026-12-01T09:00:00Z")
            }
        );

        let e = ev("b", date("2026-12-01"), date("2026-12-02"));
        let Placement::Span { lo, hi } = placement(&e) else {
            panic!()
        };
        assert_eq!(lo, ts("2026-12-01T00:00:00Z") - FLOATING_SLACK);
        assert_eq!(hi, ts("2026-12-02T00:00:00Z") + FLOATING_SLACK);

        let mut z = dt("2026-12-01T09:00:00");
        z.time_zone = Some("America/New_York".into());
        let e = ev("c", z.clone(), z);
        let Placement::Span { lo, .. } = placement(&e) else {
            panic!()
        };
        assert_eq!(lo, ts("2026-12-01T14:00:00Z"));

        let e = ev("d", dt("not a date"), dt("2026-12-01T10:00:00Z"));
        assert_eq!(placement(&e), Placement::Unplaced);
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
}
