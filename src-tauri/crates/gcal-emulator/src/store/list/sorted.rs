//! Expanded (singleEvents) and ordered listings of events.list, paged by sort key.

use chrono::{DateTime, Utc};

use super::out::{Listing, Out, Page, Src};
use super::query::{EventQuery, OrderBy};
use crate::store::calendar::{Calendar, EventRec};
use crate::store::sorted_cache::{ItemRef, SortedCache};
use crate::store::State;

impl State {
    /// Expanded and/or ordered listings: all matching items are keyed, sorted, and the page is
    /// taken after the cursor key. The sorted listing is kept per calendar until the calendar
    /// changes, so paging through it costs one expansion, not one per page.
    pub(super) fn sorted(&self, l: &Listing<'_>, cursor: Option<String>) -> Page {
        let (cal, q) = (l.cal, l.q);
        let fingerprint = format!(
            "{:?}",
            (
                q.single_events,
                q.order_by,
                q.show_deleted,
                q.time_min,
                q.time_max,
                &q.q,
                &q.ical_uid,
                q.updated_min,
                &q.private_props,
                &q.shared_props,
                &q.event_types
            )
        );
        let keyed =
            SortedCache::get_or_build(&cal.sorted_cache, fingerprint, cal.seq, cal.epoch, || {
                self.sorted_keys(cal, q)
            });
        let begin = match &cursor {
            Some(c) => keyed.partition_point(|(k, _)| k.as_str() <= c.as_str()),
            None => 0,
        };
        let end = (begin + q.max_results).min(keyed.len());
        let mut out = Out::new();
        for (_, item) in &keyed[begin..end] {
            let src = match item {
                ItemRef::Stored(id) => match cal.events.get(&**id) {
                    Some(r) => Src::Stored(r),
                    None => continue,
                },
                ItemRef::Instance { master, occ } => match cal.events.get(&**master) {
                    Some(m) => Src::Instance {
                        master: m,
                        occ: *occ,
                    },
                    None => continue,
                },
            };
            out.src(cal, &src);
        }
        let next = (end < keyed.len()).then(|| l.resume('s', 0, keyed[end - 1].0.clone()));
        l.page(out, next)
    }

    fn sorted_keys(&self, cal: &Calendar, q: &EventQuery) -> Vec<(String, ItemRef)> {
        let mut keyed: Vec<(String, ItemRef)> = Vec::new();
        let key = |start: Option<DateTime<Utc>>, body_updated: &str, id: &str| -> String {
            match q.order_by {
                Some(OrderBy::Updated) => format!("{body_updated}|{id}"),
                _ => format!(
                    "{:020}|{id}",
                    start.map_or(0, |t| t.timestamp_micros() + 100_000_000_000_000_000)
                ),
            }
        };
        let stored = |rec: &EventRec| ItemRef::Stored(rec.id.clone());
        for rec in cal.events.values() {
            let upd = &*rec.updated;
            if !q.single_events {
                if self.shows_unexpanded(cal, rec, q) {
                    keyed.push((key(rec.start, upd, rec.id()), stored(rec)));
                }
                continue;
            }
            if rec.is_master() {
                if rec.cancelled() {
                    continue;
                }
                let Some(series) = cal.series_of(rec) else {
                    continue;
                };
                if !q.passes(rec) {
                    continue;
                }
                let (lo, hi) = q.window();
                let lo = lo.map(|t| t - series.duration);
                for occ in series.occurrences(lo, hi) {
                    let inst_id = format!("{}_{}", rec.id(), occ.id_suffix());
                    if cal.events.contains_key(&inst_id) {
                        continue; // the stored exception is listed on its own
                    }
                    let (s, e) = cal.occurrence_bounds(series, &occ);
                    if q.in_range(Some(s), Some(e)) {
                        keyed.push((
                            key(Some(s), upd, &inst_id),
                            ItemRef::Instance {
                                master: rec.id.clone(),
                                occ,
                            },
                        ));
                    }
                }
                continue;
            }
            if rec.cancelled() && !q.show_deleted {
                continue;
            }
            if rec.recurring_event_id().is_some()
                && Self::master_cancelled(cal, rec)
                && !q.show_deleted
            {
                continue;
            }
            if q.passes(rec) && q.in_range(rec.start, rec.end) {
                keyed.push((key(rec.start, upd, rec.id()), stored(rec)));
            }
        }
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        keyed
    }
}
