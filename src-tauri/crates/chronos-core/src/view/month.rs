//! A month grid as the views show it: the events each day has room for, and per day how many
//! more there are.

use super::event::{EventView, TruncatedSeriesView};
use chrono::NaiveDate;
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// What `month_view` answers.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct MonthView {
    /// The events kept on some day, each once and whole (a bar over several days included).
    pub events: Vec<EventView>,
    /// The days with events left out, and how many (days with none are not listed).
    pub more: Vec<DayMore>,
    /// Series a limit cut short (as in `events_in_range`).
    pub truncated: Vec<TruncatedSeriesView>,
}

/// A day with events left out of a month grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct DayMore {
    /// The date in the zone the grid is shown in (`YYYY-MM-DD`).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: NaiveDate,
    /// Events covering that day that the grid does not show.
    pub hidden: u32,
}
