//! Calendar labels: a calendar's `labelProperties.eventLabels` and an event's `eventLabelId`.
//! As Google's discovery document has it, calendars and events always show them and calendars
//! take them on every write; an event's `eventLabelId` is written only by event writes with
//! `eventLabelVersion=1`, which then ignore `colorId` (the label supersedes it).

use serde_json::{json, Map, Value};
use std::collections::HashSet;

use super::State;
use crate::error::ApiError;

/// How many labels a calendar may define.
pub const MAX_LABELS: usize = 200;
/// How long a label's name may be.
pub const MAX_NAME_CHARS: usize = 50;

/// Checks a calendar's `labelProperties` as written and gives new labels their ids (UUIDs).
pub fn normalise_label_properties(v: &mut Value, rng: &mut impl rand::Rng) -> Result<(), ApiError> {
    let labels = match v.get_mut("eventLabels") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(bad("labelProperties.eventLabels must be a list.")),
    };
    if labels.len() > MAX_LABELS {
        return Err(bad(format!(
            "A calendar can have at most {MAX_LABELS} event labels."
        )));
    }
    let mut ids = HashSet::new();
    for l in labels.iter_mut() {
        let Some(l) = l.as_object_mut() else {
            return Err(bad("An event label must be an object."));
        };
        let id = match l.get("id").and_then(Value::as_str) {
            Some(id) => {
                if uuid::Uuid::parse_str(id).is_err() {
                    return Err(bad(format!("Event label id '{id}' is not a UUID.")));
                }
                id.to_owned()
            }
            None => {
                let id = uuid::Uuid::from_bytes(rng.gen()).to_string();
                l.insert("id".into(), json!(id));
                id
            }
        };
        if !ids.insert(id.clone()) {
            return Err(bad(format!("Event label id '{id}' is used twice.")));
        }
        let name = l.get("name").and_then(Value::as_str).unwrap_or_default();
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(bad(format!(
                "Event label names have at most {MAX_NAME_CHARS} characters."
            )));
        }
        let colour = l.get("backgroundColor").and_then(Value::as_str);
        if !colour.is_some_and(is_hex_colour) {
            return Err(bad(format!(
                "Event label '{id}' needs a backgroundColor like #039be5."
            )));
        }
    }
    Ok(())
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::invalid(message).at("field", "labelProperties")
}

impl State {
    /// The label an event is given must be one its calendar defines.
    pub fn check_event_label(
        &self,
        cal_id: &str,
        old: Option<&Map<String, Value>>,
        new: &Map<String, Value>,
    ) -> Result<(), ApiError> {
        let Some(id) = new.get("eventLabelId") else {
            return Ok(());
        };
        if old.and_then(|o| o.get("eventLabelId")) == Some(id) {
            return Ok(());
        }
        let known = self
            .calendars
            .get(cal_id)
            .and_then(|c| c.label_properties.as_ref())
            .and_then(|p| p.get("eventLabels"))
            .and_then(Value::as_array)
            .is_some_and(|ls| ls.iter().any(|l| l.get("id") == Some(id)));
        if known {
            Ok(())
        } else {
            Err(
                ApiError::invalid(format!("Event label {id} is not defined on this calendar."))
                    .at("field", "eventLabelId"),
            )
        }
    }

    /// calendars.patch (`replace`: calendars.update): summary, description and the calendar's
    /// labels (absent: unchanged, as Google documents). The time zone stays: stored all-day
    /// events are placed in it.
    pub fn write_calendar(
        &mut self,
        cal_id: &str,
        body: &Map<String, Value>,
        replace: bool,
    ) -> Result<(), ApiError> {
        let mut label_props = body.get("labelProperties").cloned();
        if let Some(p) = label_props.as_mut().filter(|p| !p.is_null()) {
            normalise_label_properties(p, &mut self.rng)?;
        }
        if replace && body.get("summary").and_then(Value::as_str).is_none() {
            return Err(ApiError::required("Missing summary.").at("field", "summary"));
        }
        let now = super::time::fmt_utc(chrono::Utc::now());
        let cal = self
            .calendars
            .get_mut(cal_id)
            .filter(|c| !c.removed)
            .ok_or_else(ApiError::not_found)?;
        if let Some(s) = body.get("summary").and_then(Value::as_str) {
            cal.summary = s.to_owned();
        }
        match body.get("description") {
            Some(Value::String(d)) => cal.description = Some(d.clone()),
            Some(Value::Null) => cal.description = None,
            None if replace => cal.description = None,
            _ => {}
        }
        match label_props {
            Some(Value::Null) => cal.label_properties = None,
            Some(p) => cal.label_properties = Some(p),
            None => {}
        }
        cal.updated = now;
        Ok(())
    }
}

/// The calendars resource as calendars.get answers it.
pub fn calendar_json(cal: &super::calendar::Calendar) -> Value {
    let mut body = json!({
        "kind": "calendar#calendar",
        "etag": cal.etag,
        "id": cal.id,
        "summary": cal.summary,
        "timeZone": cal.time_zone,
        "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
    });
    if let Some(d) = &cal.description {
        body["description"] = json!(d);
    }
    if let Some(p) = &cal.label_properties {
        body["labelProperties"] = p.clone();
    }
    body
}
