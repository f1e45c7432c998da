//! Search over the encrypted store: an index in memory, nothing of it on disk.
//!
//! Built from the decrypted events of every selected calendar of every account (all history),
//! it holds per calendar a table of rows and a sorted vocabulary of their words with postings
//! (see `segment`): titles, descriptions as text (HTML stripped), locations, attendees' names
//! and emails, lowercased and accent-folded (see `fold`). Every query word is a prefix and all
//! of them must match. A recurring series is one document, shown at its next occurrence from
//! "now" (or its last, once it has ended); exceptions and cancelled events are not documents.
//!
//! The index follows the store without being told: each calendar's segment records the version
//! of the store's placement index it was brought up to, and a query (or the background build)
//! first brings every calendar whose version moved on up to date, reading only rows whose digest
//! differs (see `refresh`). So a sync or a local edit is found by the very next query.
//!
//! Cost: the index holds no titles or times of timed events beyond the numbers it sorts by; the
//! hits a query returns are decrypted again (at most `limit` rows). A query waits for the index
//! while it is being built or brought up to date (one lock).

mod fields;
pub mod fold;
mod html;
mod query;
mod refresh;
mod segment;
mod shown;

use crate::error::Result;
use crate::model::{AccountId, CalendarId, EventId};
use crate::recurrence::OccurrenceTime;
use crate::store::index::CalKey;
use crate::store::{Store, StoredEvent};
use chrono::{DateTime, Utc};
use segment::Segment;
use serde::Serialize;
use shown::Cached;
use std::collections::HashMap;
use std::sync::Mutex;

/// How many hits a query returns unless it says otherwise.
pub const DEFAULT_LIMIT: usize = 50;

/// A search: the words, an optional range the occurrence must overlap, how many hits at most,
/// and the zone dates are read in (all-day events, a series' next occurrence).
#[derive(Clone, Debug)]
pub struct SearchQuery {
    pub text: String,
    pub range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub limit: usize,
    pub zone: chrono_tz::Tz,
}

impl SearchQuery {
    pub fn new(text: impl Into<String>, zone: chrono_tz::Tz) -> Self {
        SearchQuery {
            text: text.into(),
            range: None,
            limit: DEFAULT_LIMIT,
            zone,
        }
    }
}

/// One event found, at the occurrence it is shown at.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub account: AccountId,
    pub calendar: CalendarId,
    /// The occurrence's id: the event's own, or for a series the instance id the calendar views
    /// use, so opening it works as from a view.
    pub event_id: EventId,
    /// The series it belongs to.
    pub series_id: Option<EventId>,
    pub title: String,
    pub start: OccurrenceTime,
    pub end: OccurrenceTime,
    pub all_day: bool,
    /// Its colour as the views show it (set by the engine façade).
    pub color: Option<String>,
}

/// A query's answer: the hits in date order (at most `limit`: those nearest to "now"), and how
/// many events matched in all.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total: usize,
}

/// A hit with the event it was read from (the façade derives its colour from it).
pub(crate) struct Found {
    pub hit: SearchHit,
    pub event: StoredEvent,
}

#[derive(Default)]
struct State {
    segments: HashMap<CalKey, Segment>,
    /// The shown occurrence of series, per calendar and master row (dropped with any change
    /// to the calendar).
    shown: HashMap<CalKey, HashMap<i64, Cached>>,
}

/// The search index of one store. Every method blocks (it may read and decrypt rows): call it
/// off the async threads.
#[derive(Default)]
pub struct SearchIndex {
    state: Mutex<State>,
}

impl SearchIndex {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds the index, or brings it up to date with the store.
    pub fn refresh(&self, store: &Store) -> Result<()> {
        self.lock().refresh(store)
    }

    /// Answers a query as of `now`, bringing the index up to date first.
    pub fn search(
        &self,
        store: &Store,
        query: &SearchQuery,
        now: DateTime<Utc>,
    ) -> Result<SearchResults> {
        let (found, total) = self.find(store, query, now)?;
        Ok(SearchResults {
            hits: found.into_iter().map(|f| f.hit).collect(),
            total,
        })
    }

    pub(crate) fn find(
        &self,
        store: &Store,
        query: &SearchQuery,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Found>, usize)> {
        let mut state = self.lock();
        state.refresh(store)?;
        state.run(store, query, now)
    }

    /// Works out the shown occurrence of every series as of `now` (no range), so the first
    /// queries do not expand them.
    pub fn warm(&self, store: &Store, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Result<()> {
        let mut state = self.lock();
        state.refresh(store)?;
        state.warm(store, now, zone)
    }

    /// Bytes the index holds on the heap (its tables, vocabularies, postings and caches).
    pub fn heap_bytes(&self) -> usize {
        let state = self.lock();
        let per_key = std::mem::size_of::<CalKey>() + std::mem::size_of::<Segment>();
        state
            .segments
            .iter()
            .map(|((a, c), s)| per_key + a.as_str().len() + c.as_str().len() + s.heap_bytes())
            .sum::<usize>()
            + state
                .shown
                .values()
                .map(|m| m.capacity() * (std::mem::size_of::<(i64, Cached)>() + 1) + 64)
                .sum::<usize>()
    }

    /// Documents indexed (rows of the selected calendars, exceptions and cancelled ones
    /// included).
    pub fn len(&self) -> usize {
        self.lock()
            .segments
            .values()
            .map(|s| s.live().count())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
