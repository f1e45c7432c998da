//! `calendarList.list`, paged, with its own sync token.

use super::client::{encode_segment, Call, GoogleClient};
use super::page::{parse_page_body, CalendarListPage, SkippedItem};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{CalendarColors, CalendarId, CalendarListEntry, PageToken, SyncToken};
use reqwest::Method;

/// Google's maximum page size for the calendar list.
pub const CALENDAR_LIST_PAGE_SIZE: u32 = 250;

/// Pages followed before giving up on a server that keeps handing out page tokens.
const MAX_PAGES: usize = 1000;

/// The whole calendar list (or its changes since `sync_token`).
#[derive(Clone, Debug, Default)]
pub struct CalendarListSync {
    /// With a sync token: only changed entries, deleted ones with `deleted: true`.
    pub entries: Vec<CalendarListEntry>,
    pub skipped: Vec<SkippedItem>,
    pub next_sync_token: Option<SyncToken>,
}

impl GoogleClient {
    /// One page. Deleted and hidden entries are always asked for, so a full list and an
    /// incremental one look the same.
    pub async fn list_calendar_list_page(
        &self,
        sync_token: Option<&SyncToken>,
        page_token: Option<&PageToken>,
    ) -> Result<CalendarListPage> {
        let call = Call::new(Method::GET, "users/me/calendarList".into())
            .query("maxResults", CALENDAR_LIST_PAGE_SIZE.to_string())
            .query("showDeleted", "true")
            .query("showHidden", "true")
            .query_opt("syncToken", sync_token.map(|t| t.0.clone()))
            .query_opt("pageToken", page_token.map(|t| t.0.clone()));
        self.execute_with(&call, parse_page_body).await.result?
    }

    /// `calendarList.patch` of the user's colours for a calendar. Google takes RGB colours only
    /// with `colorRgbFormat=true` (and then picks the nearest `colorId` itself). Answers the
    /// updated entry.
    pub async fn patch_calendar_colors(
        &self,
        calendar: &CalendarId,
        colors: &CalendarColors,
    ) -> Result<CalendarListEntry> {
        let call = Call::new(
            Method::PATCH,
            format!(
                "users/me/calendarList/{}",
                encode_segment(calendar.as_str())
            ),
        )
        .query("colorRgbFormat", "true")
        .body(serde_json::json!({
            "backgroundColor": colors.background.as_str(),
            "foregroundColor": colors.foreground.as_str(),
        }));
        self.call(call).await
    }

    /// All pages. A refused `sync_token` fails with kind `full_sync_required`: call again
    /// with `None`.
    pub async fn list_calendar_list(
        &self,
        sync_token: Option<&SyncToken>,
    ) -> Result<CalendarListSync> {
        let mut out = CalendarListSync::default();
        let mut page_token: Option<PageToken> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .list_calendar_list_page(sync_token, page_token.as_ref())
                .await?;
            out.entries.extend(page.items);
            out.skipped.extend(page.skipped);
            match page.next_page_token {
                Some(next) => page_token = Some(next),
                None => {
                    out.next_sync_token = page.next_sync_token;
                    return Ok(out);
                }
            }
        }
        Err(Error::Google {
            kind: ErrorKind::Server,
            status: 200,
            reason: Some("tooManyPages".into()),
            message: format!("the calendar list did not end after {MAX_PAGES} pages"),
            retry_after: None,
        })
    }
}
