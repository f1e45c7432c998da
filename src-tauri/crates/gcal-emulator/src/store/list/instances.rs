//! events.instances: the occurrences of one recurring event, ordered by start.

use chrono::{DateTime, Utc};

use super::out::{Out, Page, Src};
use super::query::EventQuery;
use super::token::{invalid_page_token, PageCursor};
use crate::error::ApiError;
use crate::store::calendar::{Calendar, EventRec};
use crate::store::State;

impl State {
    /// The instances of one recurring event (events.instances), ordered by start.
    pub fn list_instances(
        &self,
        cal_id: &str,
        event_id: &str,
        q: &EventQuery,
    ) -> Result<Page, ApiError> {
        let cal = self
            .calendars
            .get(cal_id)
            .filter(|c| !c.removed)
            .ok_or_else(ApiError::not_found)?;
        let master = cal.events.get(event_id).ok_or_else(ApiError::not_found)?;
        if master.cancelled() {
            return Err(ApiError::deleted());
        }
        let cursor = match q.page_token.as_deref().map(PageCursor::decode) {
            Some(None) => return Err(invalid_page_token()),
            Some(Some(pc)) => Some(pc.cursor),
            None => None,
        };
        let keyed = instance_keys(cal, master, q);
        let begin = cursor.map_or(0, |c| {
            keyed.partition_point(|(key, _)| key.as_str() <= c.as_str())
        });
        let end = (begin + q.max_results).min(keyed.len());
        let mut out = Out::new();
        for (_, s) in &keyed[begin..end] {
            out.src(cal, s);
        }
        let mut page = out.into_page();
        if end < keyed.len() {
            let pc = PageCursor {
                mode: 'n',
                epoch: cal.epoch,
                snap: cal.seq,
                from: 0,
                cursor: keyed[end - 1].0.clone(),
            };
            page.next_page_token = Some(pc.encode());
        }
        Ok(page)
    }
}

/// The instances of `master` in the query's window (computed ones and stored exceptions, or
/// the event itself when it does not recur), keyed by start and sorted.
fn instance_keys<'a>(
    cal: &'a Calendar,
    master: &'a EventRec,
    q: &EventQuery,
) -> Vec<(String, Src<'a>)> {
    let mut keyed: Vec<(String, Src<'_>)> = Vec::new();
    let k = |t: DateTime<Utc>, id: &str| {
        format!(
            "{:020}|{id}",
            t.timestamp_micros() + 100_000_000_000_000_000
        )
    };
    match cal.series_of(master) {
        None => keyed.push((
            k(master.start.unwrap_or_default(), master.id()),
            Src::Stored(master),
        )),
        Some(series) => {
            let (lo, hi) = q.window();
            let lo = lo.map(|t| t - series.duration);
            for occ in series.occurrences(lo, hi) {
                let inst_id = format!("{}_{}", master.id(), occ.id_suffix());
                if cal.events.contains_key(&inst_id) {
                    continue;
                }
                let (s, e) = cal.occurrence_bounds(series, &occ);
                if q.in_range(Some(s), Some(e)) {
                    keyed.push((k(s, &inst_id), Src::Instance { master, occ }));
                }
            }
            for ex in cal.exceptions_of(master.id()) {
                if (ex.cancelled() && !q.show_deleted) || !q.in_range(ex.start, ex.end) {
                    continue;
                }
                keyed.push((k(ex.start.unwrap_or_default(), ex.id()), Src::Stored(ex)));
            }
        }
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed
}
