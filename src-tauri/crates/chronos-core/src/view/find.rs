//! Search hits and quick-add previews as front ends show them.

use crate::quick_add::QuickDraft;
use crate::recurrence::OccurrenceTime;
use crate::search::{SearchHit, SearchResults};
use crate::store::CalendarRef;
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// One event found, at the occurrence a click opens (ids as the calendar views use them).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct SearchHitView {
    pub account_id: String,
    pub calendar_id: String,
    pub event_id: String,
    pub series_id: Option<String>,
    pub title: String,
    /// `YYYY-MM-DD` for all-day events, else an RFC 3339 instant; an all-day end is the day after.
    pub start: String,
    pub end: String,
    pub all_day: bool,
    pub color: Option<String>,
}

/// A search's hits in date order, and how many events matched in all.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct SearchResultsView {
    pub hits: Vec<SearchHitView>,
    pub total: u32,
}

fn when(t: &OccurrenceTime) -> String {
    match t {
        OccurrenceTime::Date { date } => date.format("%Y-%m-%d").to_string(),
        OccurrenceTime::Instant { utc, .. } => {
            utc.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        }
    }
}

impl From<SearchHit> for SearchHitView {
    fn from(h: SearchHit) -> Self {
        SearchHitView {
            account_id: h.account.to_string(),
            calendar_id: h.calendar.to_string(),
            event_id: h.event_id.to_string(),
            series_id: h.series_id.map(|s| s.to_string()),
            title: h.title,
            start: when(&h.start),
            end: when(&h.end),
            all_day: h.all_day,
            color: h.color,
        }
    }
}

impl From<SearchResults> for SearchResultsView {
    fn from(r: SearchResults) -> Self {
        SearchResultsView {
            hits: r.hits.into_iter().map(Into::into).collect(),
            total: u32::try_from(r.total).unwrap_or(u32::MAX),
        }
    }
}

/// Where a quick-add line would be saved.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct QuickAddTarget {
    pub account_id: String,
    pub calendar_id: String,
    pub name: String,
}

impl QuickAddTarget {
    pub fn new(target: &CalendarRef, name: String) -> Self {
        QuickAddTarget {
            account_id: target.account.to_string(),
            calendar_id: target.calendar.to_string(),
            name,
        }
    }
}

/// What a quick-add line would become, before anything is saved: the event read from it, the
/// calendar it would go to, and why it could not be saved (no calendar takes events, say).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct QuickAddPreview {
    pub draft: QuickDraft,
    pub target: Option<QuickAddTarget>,
    pub problem: Option<String>,
}
