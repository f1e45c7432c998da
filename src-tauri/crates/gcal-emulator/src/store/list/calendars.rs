//! calendarList.list: an account's calendar list, in full or what changed since a sync token,
//! paged by position in the list.

use serde_json::{json, Value};

use super::token::{cal_hash, invalid_page_token, read_sync_token, sync_token, PageCursor};
use crate::error::ApiError;
use crate::store::{Account, ListEntry, State};

/// The parameters of one calendarList.list call.
#[derive(Debug, Clone, Copy)]
pub struct CalendarListQuery<'a> {
    pub max_results: usize,
    pub page_token: Option<&'a str>,
    pub sync_token: Option<&'a str>,
    pub show_deleted: bool,
    pub show_hidden: bool,
    pub min_access_role: Option<&'a str>,
}

impl CalendarListQuery<'_> {
    /// The change number of the request's sync token, if it has one that is still good.
    fn since(&self, acc: &Account, hash: u32) -> Result<Option<u64>, ApiError> {
        let Some(tok) = self.sync_token else {
            return Ok(None);
        };
        if self.min_access_role.is_some() {
            return Err(ApiError::sync_token_with_restrictions());
        }
        let (epoch, seq, _) =
            read_sync_token(tok, 'l', hash).ok_or_else(ApiError::full_sync_required)?;
        if epoch != acc.list_epoch || seq > acc.list_seq {
            return Err(ApiError::full_sync_required());
        }
        Ok(Some(seq))
    }

    /// Whether an entry is listed: every change after `since`, else by the request's filters.
    fn shows(&self, e: &ListEntry, since: Option<u64>) -> bool {
        match since {
            Some(s) => e.change_seq > s,
            None => {
                (!e.deleted || self.show_deleted)
                    && (e.prefs.get("hidden") != Some(&Value::Bool(true)) || self.show_hidden)
                    && self
                        .min_access_role
                        .is_none_or(|m| access_rank(&e.access_role) >= access_rank(m))
            }
        }
    }
}

fn access_rank(role: &str) -> u8 {
    match role {
        "freeBusyReader" => 0,
        "reader" => 1,
        "writer" => 2,
        "owner" => 3,
        _ => 0,
    }
}

impl State {
    /// calendarList.list for an account.
    pub fn list_calendars(
        &self,
        account: &str,
        q: &CalendarListQuery<'_>,
    ) -> Result<Value, ApiError> {
        let acc = self.accounts.get(account).ok_or_else(ApiError::auth)?;
        let hash = cal_hash(&acc.email);
        let page = PageCursor::read(q.page_token, acc.list_epoch)?;
        let since = q.since(acc, hash)?;
        let snap = page.as_ref().map_or(acc.list_seq, |p| p.snap);
        let start: usize = match &page {
            Some(pc) => pc.cursor.parse().map_err(|_| invalid_page_token())?,
            None => 0,
        };
        let mut items = Vec::new();
        let mut next = None;
        for (i, e) in acc.entries.iter().enumerate().skip(start) {
            if !q.shows(e, since) {
                continue;
            }
            if items.len() == q.max_results {
                next = Some(
                    PageCursor {
                        mode: 'c',
                        epoch: acc.list_epoch,
                        snap,
                        from: 0,
                        cursor: i.to_string(),
                    }
                    .encode(),
                );
                break;
            }
            items.push(self.list_entry_json(e));
        }
        let mut body = json!({
            "kind": "calendar#calendarList",
            "etag": format!("\"{}\"", acc.list_seq),
            "items": items,
        });
        match next {
            Some(n) => body["nextPageToken"] = json!(n),
            None => {
                body["nextSyncToken"] = json!(sync_token('l', hash, acc.list_epoch, snap, false))
            }
        }
        Ok(body)
    }
}
