//! Full (non-expanded, unordered) listings of events.list, paged by event id.

use super::out::{Listing, Out, Page};
use super::query::EventQuery;
use crate::store::calendar::{Calendar, EventRec};
use crate::store::State;

impl State {
    pub(super) fn master_cancelled(cal: &Calendar, rec: &EventRec) -> bool {
        rec.recurring_event_id()
            .and_then(|m| cal.events.get(m))
            .is_some_and(|m| m.cancelled())
    }

    /// Whether a stored event shows in a non-expanded full listing.
    pub(super) fn shows_unexpanded(&self, cal: &Calendar, rec: &EventRec, q: &EventQuery) -> bool {
        if rec.cancelled() && !q.show_deleted {
            // Google keeps cancelled instances of live series in the default listing.
            if rec.recurring_event_id().is_none() || Self::master_cancelled(cal, rec) {
                return false;
            }
        }
        if !q.passes(rec) {
            return false;
        }
        if q.time_min.is_none() && q.time_max.is_none() {
            return true;
        }
        if rec.is_master() {
            if let Some(series) = cal.series_of(rec) {
                let (lo, hi) = q.window();
                let lo = lo.map(|t| t - series.duration);
                return series.occurrences(lo, hi).iter().any(|o| {
                    let (s, e) = cal.occurrence_bounds(series, o);
                    q.in_range(Some(s), Some(e))
                });
            }
        }
        q.in_range(rec.start, rec.end)
    }

    pub(super) fn full_by_id(&self, l: &Listing<'_>, cursor: Option<String>) -> Page {
        use std::ops::Bound;
        let (cal, q) = (l.cal, l.q);
        let lower = match &cursor {
            Some(c) => Bound::Excluded(c.clone()),
            None => Bound::Unbounded,
        };
        let mut out = Out::new();
        let mut last: Option<&str> = None;
        let mut more = false;
        for (id, rec) in cal.events.range((lower, Bound::Unbounded)) {
            if !self.shows_unexpanded(cal, rec, q) {
                continue;
            }
            if out.count == q.max_results {
                more = true;
                break;
            }
            out.raw(&rec.raw);
            last = Some(id);
        }
        let next = more.then(|| l.resume('f', 0, last.unwrap_or_default().to_owned()));
        l.page(out, next)
    }
}
