//! events.list and calendarList.list: full listings paged by id (`full`), incremental listings
//! paged by change number (`incremental`), and expanded (singleEvents) or ordered listings paged
//! by sort key (`sorted`); events.instances (`instances`) and calendarList.list (`calendars`).
//! What a request asks for is in `query`, the tokens paging relies on in `token`, and the JSON
//! a page is written as in `out`.

mod calendars;
mod full;
mod incremental;
mod instances;
mod out;
mod query;
mod sorted;
mod token;

pub use super::sorted_cache::{ItemRef, SortedCache};
pub use calendars::CalendarListQuery;
pub use out::{events_envelope, Page};
pub use query::{EventQuery, OrderBy, UPDATED_MIN_HORIZON_DAYS};
pub use token::sync_token;

use super::State;
use crate::error::ApiError;
use out::Listing;
use token::{cal_hash, invalid_page_token, PageCursor};

/// Test knobs for paging behaviour Google allows and clients must cope with.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageQuirks {
    /// events.list pages hold at most this many items, whatever `maxResults` asks.
    #[serde(default)]
    pub max_items: Option<usize>,
    /// The first page of every events.list is empty but carries a `nextPageToken`.
    #[serde(default)]
    pub leading_empty_page: bool,
    /// The last page of events.list carries no `nextSyncToken`, as on servers that offer no
    /// incremental sync: a client can only list the calendar in full again.
    #[serde(default)]
    pub omit_sync_token: bool,
}

impl State {
    /// One page of events.list for a calendar the caller may read.
    pub fn list_events(&self, cal_id: &str, q: &EventQuery) -> Result<Page, ApiError> {
        let mut page = self.list_events_page(cal_id, q)?;
        if self.page_quirks.omit_sync_token {
            page.next_sync_token = None;
        }
        Ok(page)
    }

    /// Checks the request, then picks the listing: incremental with a sync token, sorted when
    /// expanded or ordered, else full by id.
    fn list_events_page(&self, cal_id: &str, q: &EventQuery) -> Result<Page, ApiError> {
        let cal = self
            .calendars
            .get(cal_id)
            .filter(|c| !c.removed)
            .ok_or_else(ApiError::not_found)?;
        let mut q = q.clone();
        if let Some(cap) = self.page_quirks.max_items {
            q.max_results = q.max_results.min(cap.max(1));
        }
        let q = &q;
        // Google may answer a page with no items and a nextPageToken; clients must keep paging.
        let lead = self.page_quirks.leading_empty_page && q.page_token.is_none();
        q.check_range_and_order()?;
        let hash = cal_hash(&cal.id);
        let page = PageCursor::read(q.page_token.as_deref(), cal.epoch)?;
        if let Some(tok) = &q.sync_token {
            return self.changes_since(cal, q, hash, tok, page.as_ref(), lead);
        }
        q.check_updated_min()?;
        let snap = page.as_ref().map_or(cal.seq, |p| p.snap);
        let ordered = q.single_events || q.order_by.is_some();
        let mode = if ordered { 's' } else { 'f' };
        let cursor = match page {
            Some(pc) if pc.mode == mode => Some(pc.cursor),
            Some(_) => return Err(invalid_page_token()),
            None => None,
        };
        let listing = Listing { cal, q, hash, snap };
        if lead {
            return Ok(Page::empty(&listing.resume(mode, 0, String::new())));
        }
        Ok(if ordered {
            self.sorted(&listing, cursor)
        } else {
            self.full_by_id(&listing, cursor)
        })
    }
}
