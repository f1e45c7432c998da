//! The parameters of an events.list call and the filters they stand for.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::error::ApiError;
use crate::store::calendar::EventRec;
use crate::store::event_types::EventType;
use crate::store::recurrence::HORIZON_DAYS;

/// How far back `updatedMin` may reach before Google answers 410 `updatedMinTooLongAgo`
/// (Google does not publish its limit; this one is the emulator's choice).
pub const UPDATED_MIN_HORIZON_DAYS: i64 = 28;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    StartTime,
    Updated,
}

/// The parameters of one events.list call.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub max_results: usize,
    pub page_token: Option<String>,
    pub sync_token: Option<String>,
    pub show_deleted: bool,
    pub single_events: bool,
    pub time_min: Option<DateTime<Utc>>,
    pub time_max: Option<DateTime<Utc>>,
    pub order_by: Option<OrderBy>,
    pub q: Option<String>,
    pub ical_uid: Option<String>,
    pub updated_min: Option<DateTime<Utc>>,
    pub private_props: Vec<(String, String)>,
    pub shared_props: Vec<(String, String)>,
    /// `eventTypes`: empty lists every type.
    pub event_types: Vec<EventType>,
}

impl EventQuery {
    /// The checks of a request's time range and ordering, in the order Google makes them.
    pub(super) fn check_range_and_order(&self) -> Result<(), ApiError> {
        if let (Some(a), Some(b)) = (self.time_min, self.time_max) {
            if a > b {
                return Err(ApiError::new(
                    400,
                    "calendar",
                    "timeRangeEmpty",
                    "The specified time range is empty.",
                )
                .at("parameter", "timeMax"));
            }
        }
        if self.order_by == Some(OrderBy::StartTime) && !self.single_events {
            return Err(ApiError::invalid(
                "The requested ordering is not available for the particular query.",
            ));
        }
        Ok(())
    }

    /// `updatedMin` may not reach further back than the emulator keeps deletions.
    pub(super) fn check_updated_min(&self) -> Result<(), ApiError> {
        if self
            .updated_min
            .is_some_and(|u| u < Utc::now() - Duration::days(UPDATED_MIN_HORIZON_DAYS))
        {
            let m = "The requested minimum modification time lies too far in the past.";
            return Err(ApiError::new(410, "calendar", "updatedMinTooLongAgo", m)
                .at("parameter", "updatedMin"));
        }
        Ok(())
    }

    pub(super) fn check_with_sync_token(&self) -> Result<(), ApiError> {
        let forbidden = self.ical_uid.is_some()
            || self.order_by.is_some()
            || !self.private_props.is_empty()
            || !self.shared_props.is_empty()
            || self.q.is_some()
            || self.time_min.is_some()
            || self.time_max.is_some()
            || self.updated_min.is_some();
        if forbidden {
            return Err(ApiError::sync_token_with_restrictions());
        }
        Ok(())
    }

    pub(super) fn window(&self) -> (Option<DateTime<Utc>>, DateTime<Utc>) {
        let upper = self
            .time_max
            .unwrap_or_else(|| Utc::now() + Duration::days(HORIZON_DAYS));
        (self.time_min, upper)
    }

    pub(super) fn in_range(
        &self,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> bool {
        if let (Some(min), Some(e)) = (self.time_min, end.or(start)) {
            if e <= min {
                return false;
            }
        }
        if let (Some(max), Some(s)) = (self.time_max, start) {
            if s >= max {
                return false;
            }
        }
        true
    }

    fn has_filters(&self) -> bool {
        self.ical_uid.is_some()
            || self.updated_min.is_some()
            || self.q.is_some()
            || !self.private_props.is_empty()
            || !self.shared_props.is_empty()
    }

    /// Whether the event is of a type the request lists (any, when it names none).
    pub(super) fn type_listed(&self, rec: &EventRec) -> bool {
        self.event_types.is_empty()
            || rec
                .event_type
                .is_some_and(|t| self.event_types.contains(&t))
    }

    /// The non-time filters (eventTypes, q, iCalUID, updatedMin, extended properties).
    pub(super) fn passes(&self, rec: &EventRec) -> bool {
        if !self.type_listed(rec) {
            return false;
        }
        if !self.has_filters() {
            return true;
        }
        let body = &rec.body();
        if let Some(uid) = &self.ical_uid {
            if body.get("iCalUID").and_then(Value::as_str) != Some(uid) {
                return false;
            }
        }
        if let Some(min) = self.updated_min {
            let upd = body
                .get("updated")
                .and_then(Value::as_str)
                .and_then(crate::store::time::parse_rfc3339);
            if upd.is_some_and(|u| u < min) {
                return false;
            }
        }
        if let Some(q) = &self.q {
            let q = q.to_lowercase();
            let hit = ["summary", "description", "location"].iter().any(|k| {
                body.get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.to_lowercase().contains(&q))
            }) || body
                .get("attendees")
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter().any(|x| {
                        x.get("email")
                            .and_then(Value::as_str)
                            .is_some_and(|e| e.to_lowercase().contains(&q))
                    })
                });
            if !hit {
                return false;
            }
        }
        for (scope, props) in [
            ("private", &self.private_props),
            ("shared", &self.shared_props),
        ] {
            for (k, v) in props {
                let have = body
                    .get("extendedProperties")
                    .and_then(|e| e.get(scope))
                    .and_then(|m| m.get(k))
                    .and_then(Value::as_str);
                if have != Some(v.as_str()) {
                    return false;
                }
            }
        }
        true
    }
}
