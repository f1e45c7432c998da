//! The in-memory range index: decrypted events per calendar, ordered by where they sit in time.
//!
//! Each calendar is decrypted once, on first use, and then kept current by every write the store
//! makes (the index is only changed while the writer holds the connection, after the commit).
//! A range query walks a `BTreeSet` ordered by span start, from `from - LONG_SPAN`, so it touches
//! only the events near the range; the few events longer than `LONG_SPAN` and the recurring
//! masters are kept in small side sets that every query checks.

use crate::model::{AccountId, CalendarId, EventDateTime, EventId, EventResource};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

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

    fn sort_key(&self) -> i64 {
        match *self {
            Placement::Span { lo, .. } => lo,
            Placement::Master { first, .. } => first,
            Placement::Unplaced => i64::MIN,
        }
    }
}

pub struct Indexed {
    pub event: Arc<EventResource>,
    pub placement: Placement,
}

#[derive(Default)]
pub struct CalendarIndex {
    events: HashMap<EventId, Indexed>,
    by_start: BTreeSet<(i64, EventId)>,
    long: HashSet<EventId>,
    masters: HashSet<EventId>,
    /// Exceptions per master id: an exception's original slot is only its start, so one whose
    /// occurrence began before a range and runs into it is found through its master's length.
    exceptions: HashMap<EventId, HashSet<EventId>>,
}

impl CalendarIndex {
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn get(&self, id: &EventId) -> Option<&Indexed> {
        self.events.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &EventId> {
        self.events.keys()
    }

    pub fn upsert(&mut self, event: Arc<EventResource>) {
        let id = event.id.clone();
        self.remove(&id);
        let placement = placement(&event);
        match placement {
            Placement::Span { lo, hi } if hi - lo > LONG_SPAN => {
                self.long.insert(id.clone());
            }
            Placement::Span { lo, .. } => {
                self.by_start.insert((lo, id.clone()));
            }
            Placement::Master { .. } => {
                self.masters.insert(id.clone());
            }
            Placement::Unplaced => {}
        }
        if let (Some(master), false) = (
            &event.recurring_event_id,
            matches!(placement, Placement::Master { .. }),
        ) {
            self.exceptions
                .entry(master.clone())
                .or_default()
                .insert(id.clone());
        }
        self.events.insert(id, Indexed { event, placement });
    }

    pub fn remove(&mut self, id: &EventId) -> Option<Arc<EventResource>> {
        let old = self.events.remove(id)?;
        if let Some(master) = &old.event.recurring_event_id {
            if let Some(set) = self.exceptions.get_mut(master) {
                set.remove(id);
                if set.is_empty() {
                    self.exceptions.remove(master);
                }
            }
        }
        match old.placement {
            Placement::Span { lo, .. } => {
                if !self.long.remove(id) {
                    self.by_start.remove(&(lo, id.clone()));
                }
            }
            Placement::Master { .. } => {
                self.masters.remove(id);
            }
            Placement::Unplaced => {}
        }
        Some(old.event)
    }

    /// Events whose placement overlaps `[from, to)`, with their sort key.
    pub fn range(&self, from: i64, to: i64, out: &mut Vec<(i64, Arc<EventResource>)>) {
        let lower = (from.saturating_sub(LONG_SPAN), EventId::default());
        let upper = (to, EventId::default());
        if lower < upper {
            for (_, id) in self.by_start.range(lower..upper) {
                let e = &self.events[id];
                if e.placement.overlaps(from, to) {
                    out.push((e.placement.sort_key(), e.event.clone()));
                }
            }
        }
        for id in self.long.iter().chain(self.masters.iter()) {
            let e = &self.events[id];
            if e.placement.overlaps(from, to) {
                out.push((e.placement.sort_key(), e.event.clone()));
            }
        }
        // Exceptions of the masters in range whose original slot starts up to one occurrence
        // length before `from` (the ones inside the range were found above).
        for id in &self.masters {
            let Placement::Master { length, .. } = self.events[id].placement else {
                continue;
            };
            if length <= 0 || !self.events[id].placement.overlaps(from, to) {
                continue;
            }
            let Some(exceptions) = self.exceptions.get(id) else {
                continue;
            };
            let early = from.saturating_sub(length);
            for x in exceptions {
                let e = &self.events[x];
                if !e.placement.overlaps(from, to) && e.placement.overlaps(early, to) {
                    out.push((e.placement.sort_key(), e.event.clone()));
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
        let mut idx = CalendarIndex::default();
        idx.upsert(Arc::new(ev(
            "in",
            dt("2026-12-10T09:00:00Z"),
            dt("2026-12-10T10:00:00Z"),
        )));
        idx.upsert(Arc::new(ev(
            "before",
            dt("2026-11-10T09:00:00Z"),
            dt("2026-11-10T10:00:00Z"),
        )));
        idx.upsert(Arc::new(ev(
            "spans",
            dt("2026-11-30T22:00:00Z"),
            dt("2026-12-01T02:00:00Z"),
        )));
        idx.upsert(Arc::new(ev(
            "long",
            dt("2026-10-01T00:00:00Z"),
            dt("2027-01-01T00:00:00Z"),
        )));
        let mut m = ev(
            "master",
            dt("2026-01-01T09:00:00Z"),
            dt("2026-01-01T10:00:00Z"),
        );
        m.recurrence = Some(vec!["RRULE:FREQ=DAILY".into()]);
        idx.upsert(Arc::new(m));
        let mut out = vec![];
        idx.range(
            ts("2026-12-01T00:00:00Z"),
            ts("2027-01-01T00:00:00Z"),
            &mut out,
        );
        let mut ids: Vec<_> = out.iter().map(|(_, e)| e.id.as_str().to_owned()).collect();
        ids.sort();
        assert_eq!(ids, ["in", "long", "master", "spans"]);
        // Moving an event re-places it.
        idx.upsert(Arc::new(ev(
            "in",
            dt("2027-02-10T09:00:00Z"),
            dt("2027-02-10T10:00:00Z"),
        )));
        out.clear();
        idx.range(
            ts("2026-12-01T00:00:00Z"),
            ts("2027-01-01T00:00:00Z"),
            &mut out,
        );
        assert_eq!(out.len(), 3);
        assert!(idx.remove(&"long".into()).is_some());
        assert_eq!(idx.len(), 4);
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
        let mut idx = CalendarIndex::default();
        idx.upsert(Arc::new(m));
        idx.upsert(Arc::new(cancelled));
        let mut out = vec![];
        idx.range(
            ts("2026-12-16T00:00:00Z"),
            ts("2026-12-17T00:00:00Z"),
            &mut out,
        );
        let mut ids: Vec<_> = out.iter().map(|(_, e)| e.id.as_str().to_owned()).collect();
        ids.sort();
        assert_eq!(ids, ["m", "m_20261214T090000Z"]);
        // Past the last occurrence's end neither is found.
        out.clear();
        idx.range(
            ts("2026-12-18T00:00:00Z"),
            ts("2026-12-19T00:00:00Z"),
            &mut out,
        );
        assert!(out.is_empty());
        // Removing the exception forgets it.
        idx.remove(&"m_20261214T090000Z".into());
        out.clear();
        idx.range(
            ts("2026-12-16T00:00:00Z"),
            ts("2026-12-17T00:00:00Z"),
            &mut out,
        );
        assert_eq!(out.len(), 1);
    }
}
