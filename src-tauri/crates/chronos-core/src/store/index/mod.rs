//! The in-memory placement index: for every event of a loaded calendar, which row holds it, where
//! it sits in time and a digest of its content — never the content itself.
//!
//! A calendar is indexed on first use from its rows' sealed `meta` column (a few dozen bytes each,
//! no event decrypted), and then kept current by every write the store makes (the index is only
//! changed while the writer holds the connection, after the commit). A range query walks a
//! `BTreeMap` ordered by span start, from `from - LONG_SPAN`, so it touches only the rows near the
//! range; the few spans longer than `LONG_SPAN` and the recurring masters are kept in small side
//! maps that every query checks. The store then decrypts only the rows a query returns.

mod placement;
mod row_meta;
#[cfg(test)]
mod tests;

pub use placement::{placement, Placement, Shape};
pub use row_meta::{digest, RowMeta};

use crate::model::{AccountId, CalendarId, EventId};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

/// Hands out the versions of calendar indexes: unique across calendars and across a calendar
/// being dropped and indexed again, so an equal version always means equal rows.
static NEXT_VERSION: AtomicU64 = AtomicU64::new(1);

fn next_version() -> u64 {
    NEXT_VERSION.fetch_add(1, Ordering::Relaxed)
}

/// Spans longer than this live in the `long` side set.
const LONG_SPAN: i64 = 4 * 86_400;

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
    /// Spans up to `LONG_SPAN`: `(lo, rowid) → (hi, shape)`.
    spans: BTreeMap<(i64, i64), (i64, Shape)>,
    /// Longer spans, which every query checks: `rowid → (lo, hi, shape)`.
    long: HashMap<i64, (i64, i64, Shape)>,
    masters: HashMap<i64, MasterEntry>,
    /// Exceptions per master id (`rowid → their span`): an exception's original slot is only its
    /// start, so one whose occurrence began before a range and runs into it is found through its
    /// master's length.
    exceptions: HashMap<EventId, HashMap<i64, (i64, i64)>>,
    /// The master of each exception row, to unfile it.
    exception_of: HashMap<i64, EventId>,
    /// Changes with every upsert and removal (see `next_version`): lets a reader that keeps
    /// something derived from the rows (the search index) tell cheaply whether it is current.
    version: u64,
}

/// A row found by a range query: its sort key (start) and row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub key: i64,
    pub rowid: i64,
}

/// A row found by a range walk and what the index knows of where it shows: a span's end and
/// shape (`hit.key` is its start), or `None` for a series' master and the exceptions found
/// through it, which are only placed by expanding the series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    pub hit: Hit,
    pub span: Option<(i64, Shape)>,
}

impl CalendarIndex {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Changes whenever a row is filed or unfiled (0: nothing was ever filed).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Every filed row and its digest.
    pub fn rows(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        self.entries.values().map(|e| (e.rowid, e.digest))
    }

    /// The exception rows filed for a series' master id.
    pub fn exception_rows(&self, master: &EventId) -> Vec<i64> {
        self.exceptions
            .get(master)
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default()
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
        self.version = next_version();
        let rowid = meta.rowid;
        let mut lo_key = i64::MIN;
        match meta.placement {
            Placement::Span { lo, hi, shape } if hi - lo > LONG_SPAN => {
                self.long.insert(rowid, (lo, hi, shape));
            }
            Placement::Span { lo, hi, shape } => {
                self.spans.insert((lo, rowid), (hi, shape));
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
        if let (Some(master), Placement::Span { lo, hi, .. }) = (master, meta.placement) {
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
        self.version = next_version();
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
        self.walk(from, to, |seen| out.push(seen.hit));
    }

    /// Calls `f` for each row whose placement overlaps `[from, to)`.
    pub fn walk(&self, from: i64, to: i64, mut f: impl FnMut(Seen)) {
        let span_overlaps = |lo: i64, hi: i64, from: i64, to: i64| lo < to && hi > from;
        let lower = (from.saturating_sub(LONG_SPAN), i64::MIN);
        let upper = (to, i64::MIN);
        if lower < upper {
            for (&(lo, rowid), &(hi, shape)) in self.spans.range(lower..upper) {
                if span_overlaps(lo, hi, from, to) {
                    f(Seen {
                        hit: Hit { key: lo, rowid },
                        span: Some((hi, shape)),
                    });
                }
            }
        }
        for (&rowid, &(lo, hi, shape)) in &self.long {
            if span_overlaps(lo, hi, from, to) {
                f(Seen {
                    hit: Hit { key: lo, rowid },
                    span: Some((hi, shape)),
                });
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
            f(Seen {
                hit: Hit {
                    key: m.first,
                    rowid,
                },
                span: None,
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
                    f(Seen {
                        hit: Hit { key: lo, rowid: x },
                        span: None,
                    });
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
