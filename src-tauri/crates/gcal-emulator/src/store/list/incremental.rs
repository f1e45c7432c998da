//! Incremental listings of events.list: what changed since a sync token, paged by change number.

use super::out::{Listing, Out, Page, Src};
use super::query::EventQuery;
use super::token::{invalid_page_token, read_sync_token, PageCursor};
use crate::error::ApiError;
use crate::store::calendar::Calendar;
use crate::store::State;

impl State {
    /// events.list with a sync token: the token must be this calendar's and not from an older
    /// epoch; a page token continues the same incremental listing.
    pub(super) fn changes_since(
        &self,
        cal: &Calendar,
        q: &EventQuery,
        hash: u32,
        token: &str,
        page: Option<&PageCursor>,
        leading_empty: bool,
    ) -> Result<Page, ApiError> {
        q.check_with_sync_token()?;
        let (epoch, seq, _single) =
            read_sync_token(token, 'e', hash).ok_or_else(ApiError::full_sync_required)?;
        if epoch != cal.epoch || seq > cal.seq {
            return Err(ApiError::full_sync_required());
        }
        let (from, snap) = match page {
            Some(pc) if pc.mode == 'i' => (
                pc.cursor.parse::<u64>().map_err(|_| invalid_page_token())?,
                pc.snap,
            ),
            Some(_) => return Err(invalid_page_token()),
            None => (seq, cal.seq),
        };
        let listing = Listing { cal, q, hash, snap };
        if leading_empty {
            return Ok(Page::empty(&listing.resume('i', seq, from.to_string())));
        }
        Ok(self.incremental(&listing, seq, from))
    }

    /// Everything changed after change number `from` up to the snapshot `snap`.
    fn incremental(&self, l: &Listing<'_>, token_seq: u64, from: u64) -> Page {
        let (cal, q, snap) = (l.cal, l.q, l.snap);
        let mut out = Out::new();
        let mut last_seq = from;
        let mut more = false;
        for (seq, id) in cal.changes.range(from + 1..snap.max(from) + 1) {
            if out.count >= q.max_results {
                more = true;
                break;
            }
            let rec = &cal.events[id];
            last_seq = *seq;
            if !q.type_listed(rec) {
                continue;
            }
            if q.single_events && rec.is_master() {
                if let Some(series) = cal.series_of(rec) {
                    let (_, hi) = q.window();
                    for occ in series.occurrences(None, hi) {
                        let inst_id = format!("{}_{}", rec.id(), occ.id_suffix());
                        if cal.events.contains_key(&inst_id) {
                            continue;
                        }
                        let src = if rec.cancelled() {
                            Src::CancelledInstance { master: rec, occ }
                        } else {
                            Src::Instance { master: rec, occ }
                        };
                        out.src(cal, &src);
                    }
                    if rec.cancelled() {
                        out.raw(&rec.raw);
                    }
                }
            } else {
                out.raw(&rec.raw);
            }
        }
        let next = more.then(|| l.resume('i', token_seq, last_seq.to_string()));
        l.page(out, next)
    }
}
