//! Event writes and reads on the state: insert, get, patch, update, delete, move. Every write
//! stamps a new etag and `updated`, raises `sequence` when the time changes, and takes the next
//! change number of its calendar (which is what incremental sync reads).

use base64::Engine;
use serde_json::{json, Map, Value};

use super::calendar::{instance_body, time_changed};
use super::conference;
use super::event_types::{self, EventType, Origin};
use super::ids::{is_valid_client_event_id, new_event_id};
use super::time::{instant_of, is_all_day};
pub use super::write_opts::WriteOpts;
use super::State;
use crate::error::ApiError;

/// Fields the server owns: a client's value for them is ignored on patch and update.
const SERVER_FIELDS: &[&str] = &[
    "kind", "etag", "id", "htmlLink", "created", "updated", "iCalUID", "creator",
];

impl State {
    fn cal(&self, cal_id: &str) -> Result<&super::calendar::Calendar, ApiError> {
        self.calendars
            .get(cal_id)
            .filter(|c| !c.removed)
            .ok_or_else(ApiError::not_found)
    }

    fn html_link(&self, cal_id: &str, id: &str) -> String {
        let eid = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{id} {cal_id}"));
        format!("https://www.google.com/calendar/event?eid={eid}")
    }

    /// Fills in what the server adds to a new event.
    fn complete_new(&mut self, cal_id: &str, body: &mut Map<String, Value>, actor: &str) {
        let stamp = self.clock.tick();
        let id = body
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let summary = self
            .calendars
            .get(cal_id)
            .map(|c| c.summary.clone())
            .unwrap_or_default();
        body.insert("kind".into(), json!("calendar#event"));
        body.insert("etag".into(), json!(stamp.etag()));
        body.entry("status").or_insert(json!("confirmed"));
        body.insert("htmlLink".into(), json!(self.html_link(cal_id, &id)));
        body.entry("created").or_insert(json!(stamp.rfc3339()));
        body.insert("updated".into(), json!(stamp.rfc3339()));
        body.entry("creator").or_insert(json!({ "email": actor }));
        body.entry("organizer")
            .or_insert(json!({ "email": cal_id, "displayName": summary, "self": true }));
        if !body.contains_key("iCalUID") {
            let uid = match body.get("recurringEventId").and_then(Value::as_str) {
                Some(m) => format!("{m}@google.com"),
                None => format!("{id}@google.com"),
            };
            body.insert("iCalUID".into(), json!(uid));
        }
        body.entry("sequence").or_insert(json!(0));
        body.entry("reminders")
            .or_insert(json!({ "useDefault": true }));
        let ty = body
            .entry("eventType")
            .or_insert(json!("default"))
            .as_str()
            .and_then(EventType::parse);
        if let Some(ty) = ty {
            event_types::apply_defaults(body, ty);
        }
    }

    /// Puts a fixture event in place without the checks a client write gets.
    pub fn seed_event(&mut self, cal_id: &str, mut body: Map<String, Value>) {
        if body
            .get("id")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            let id = new_event_id(&mut self.rng);
            body.insert("id".into(), json!(id));
        }
        let owner = self
            .calendars
            .get(cal_id)
            .map(|c| c.owner.clone())
            .unwrap_or_default();
        let keep_etag = body.get("etag").cloned();
        let keep_updated = body.get("updated").cloned();
        self.complete_new(cal_id, &mut body, &owner);
        if let Some(e) = keep_etag {
            body.insert("etag".into(), e);
        }
        if let Some(u) = keep_updated {
            body.insert("updated".into(), u);
        }
        if let Some(cal) = self.calendars.get_mut(cal_id) {
            cal.put(body);
        }
    }

    /// events.insert by a client.
    pub fn insert_event(
        &mut self,
        cal_id: &str,
        body: Value,
        actor: &str,
        opts: &WriteOpts,
    ) -> Result<Map<String, Value>, ApiError> {
        self.insert_event_from(cal_id, body, actor, opts, Origin::Api)
    }

    /// A new event from a client or from Google itself (see `Origin`).
    pub fn insert_event_from(
        &mut self,
        cal_id: &str,
        body: Value,
        actor: &str,
        opts: &WriteOpts,
        origin: Origin,
    ) -> Result<Map<String, Value>, ApiError> {
        let Value::Object(mut body) = body else {
            return Err(ApiError::invalid("Invalid JSON payload received."));
        };
        self.cal(cal_id)?;
        match body.get("id") {
            Some(Value::String(id)) => {
                if !is_valid_client_event_id(id) {
                    return Err(ApiError::invalid("Invalid resource id value."));
                }
                if self.calendars[cal_id].events.contains_key(id) {
                    return Err(ApiError::duplicate());
                }
            }
            Some(_) => return Err(ApiError::invalid("Invalid resource id value.")),
            None => {
                let id = new_event_id(&mut self.rng);
                body.insert("id".into(), json!(id));
            }
        }
        for k in ["kind", "etag", "htmlLink", "created", "updated", "creator"] {
            body.remove(k);
        }
        validate_times(&body)?;
        opts.gate(None, &mut body);
        conference::prepare(opts, None, &mut body)?;
        self.check_event_label(cal_id, None, &body)?;
        event_types::check_new(&mut body, self.is_primary(cal_id), origin)?;
        self.complete_new(cal_id, &mut body, actor);
        let cal = self.calendars.get_mut(cal_id).expect("checked");
        let rec = cal.put(body);
        let (out, ty) = (rec.body(), rec.event_type);
        self.notify_changed(cal_id, ty);
        Ok(out)
    }

    /// The event as `events.get` shows it: stored (cancelled ones too) or an unmodified instance.
    pub fn get_event(&self, cal_id: &str, id: &str) -> Result<Map<String, Value>, ApiError> {
        let cal = self.cal(cal_id)?;
        if let Some(rec) = cal.events.get(id) {
            return Ok(rec.body());
        }
        if let Some((master, occ)) = cal.virtual_instance(id) {
            let series = cal
                .series_of(master)
                .expect("virtual instances come from a series");
            return Ok(instance_body(master, series, &occ));
        }
        Err(ApiError::not_found())
    }

    /// The stored body to change, materialising an instance into an exception if needed.
    fn current_for_write(
        &self,
        cal_id: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<Map<String, Value>, ApiError> {
        let current = self.get_event(cal_id, id)?;
        if let Some(want) = if_match {
            let have = current
                .get("etag")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if want != "*" && want != have {
                return Err(ApiError::condition_not_met());
            }
        }
        Ok(current)
    }

    pub(crate) fn store_write(
        &mut self,
        cal_id: &str,
        old: &Map<String, Value>,
        mut new: Map<String, Value>,
    ) -> Map<String, Value> {
        let stamp = self.clock.tick();
        for k in SERVER_FIELDS {
            match old.get(*k) {
                Some(v) => new.insert((*k).to_owned(), v.clone()),
                None => new.remove(*k),
            };
        }
        new.insert("etag".into(), json!(stamp.etag()));
        new.insert("updated".into(), json!(stamp.rfc3339()));
        let old_seq = old.get("sequence").and_then(Value::as_i64).unwrap_or(0);
        let client_seq = new
            .get("sequence")
            .and_then(Value::as_i64)
            .unwrap_or(old_seq);
        let seq = if time_changed(old, &new) {
            old_seq.max(client_seq) + 1
        } else {
            old_seq.max(client_seq)
        };
        new.insert("sequence".into(), json!(seq));
        let cal = self.calendars.get_mut(cal_id).expect("caller checked");
        let rec = cal.put(new);
        let (out, ty) = (rec.body(), rec.event_type);
        self.notify_changed(cal_id, ty);
        out
    }

    pub fn patch_event(
        &mut self,
        cal_id: &str,
        id: &str,
        patch: Value,
        opts: &WriteOpts,
    ) -> Result<Map<String, Value>, ApiError> {
        let Value::Object(patch) = patch else {
            return Err(ApiError::invalid("Invalid JSON payload received."));
        };
        let old = self.current_for_write(cal_id, id, opts.if_match.as_deref())?;
        let mut new = old.clone();
        merge(&mut new, patch);
        validate_times(&new)?;
        opts.gate(Some(&old), &mut new);
        conference::prepare(opts, Some(&old), &mut new)?;
        self.check_event_label(cal_id, Some(&old), &new)?;
        self.check_event_label(cal_id, Some(&old), &new)?;
        event_types::check_change(&old, &mut new)?;
        Ok(self.store_write(cal_id, &old, new))
    }

    pub fn update_event(
        &mut self,
        cal_id: &str,
        id: &str,
        body: Value,
        opts: &WriteOpts,
    ) -> Result<Map<String, Value>, ApiError> {
        let Value::Object(mut new) = body else {
            return Err(ApiError::invalid("Invalid JSON payload received."));
        };
        let old = self.current_for_write(cal_id, id, opts.if_match.as_deref())?;
        validate_times(&new)?;
        opts.gate(Some(&old), &mut new);
        // An instance keeps its identity as an instance through a full replacement.
        for k in ["recurringEventId", "originalStartTime", "organizer"] {
            if let (Some(v), false) = (old.get(k), new.contains_key(k)) {
                new.insert(k.to_owned(), v.clone());
            }
        }
        new.entry("status").or_insert(json!("confirmed"));
        event_types::check_change(&old, &mut new)?;
        Ok(self.store_write(cal_id, &old, new))
    }

    pub fn delete_event(
        &mut self,
        cal_id: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ApiError> {
        let old = self.current_for_write(cal_id, id, if_match)?;
        if old.get("status").and_then(Value::as_str) == Some("cancelled") {
            return Err(ApiError::deleted());
        }
        event_types::check_delete(&old)?;
        let mut new = old.clone();
        new.insert("status".into(), json!("cancelled"));
        self.store_write(cal_id, &old, new);
        // Deleting a series cancels the instances that had been changed on their own.
        let exception_ids: Vec<String> = {
            let cal = &self.calendars[cal_id];
            cal.exceptions_of(id)
                .filter(|r| !r.cancelled())
                .map(|r| r.id().to_owned())
                .collect()
        };
        for ex in exception_ids {
            let old = self.calendars[cal_id].events[&ex].body();
            let mut new = old.clone();
            new.insert("status".into(), json!("cancelled"));
            self.store_write(cal_id, &old, new);
        }
        Ok(())
    }

    /// `events.move`: the event leaves `src` (a cancelled tombstone stays for sync) and appears in
    /// `dst` under the same id with a new etag.
    pub fn move_event(
        &mut self,
        src: &str,
        id: &str,
        dst: &str,
    ) -> Result<Map<String, Value>, ApiError> {
        let old = self.get_event(src, id)?;
        if old.get("status").and_then(Value::as_str) == Some("cancelled") {
            return Err(ApiError::deleted());
        }
        if old.contains_key("recurringEventId") {
            return Err(ApiError::new(
                400,
                "calendar",
                "cannotChangeOrganizerOfInstance",
                "Cannot change the organizer of an instance.",
            ));
        }
        event_types::check_move(&old)?;
        let dst_cal = self.cal(dst)?;
        if dst_cal.events.get(id).is_some_and(|r| !r.cancelled()) {
            return Err(ApiError::duplicate());
        }
        let dst_summary = dst_cal.summary.clone();
        let mut tomb = old.clone();
        tomb.insert("status".into(), json!("cancelled"));
        self.store_write(src, &old, tomb);
        let mut moved = old.clone();
        moved.insert(
            "organizer".into(),
            json!({ "email": dst, "displayName": dst_summary, "self": true }),
        );
        let html = self.html_link(dst, id);
        moved.insert("htmlLink".into(), json!(html));
        let base = self.calendars[dst]
            .events
            .get(id)
            .map(|r| r.body())
            .unwrap_or_else(|| old.clone());
        let mut base = base;
        base.insert("htmlLink".into(), json!(html));
        Ok(self.store_write(dst, &base, moved))
    }
}

/// Patch semantics: objects merge field by field, arrays and scalars replace, null removes.
pub fn merge(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, v) in patch {
        match v {
            Value::Null => {
                target.remove(&k);
            }
            Value::Object(inner)
                if matches!(target.get(&k), Some(Value::Object(_)))
                    && k != "start"
                    && k != "end" =>
            {
                if let Some(Value::Object(t)) = target.get_mut(&k) {
                    merge(t, inner);
                }
            }
            other => {
                target.insert(k, other);
            }
        }
    }
}

/// The start/end checks Google makes on a written event.
pub fn validate_times(body: &Map<String, Value>) -> Result<(), ApiError> {
    let start = body.get("start").filter(|v| v.is_object());
    let end = body.get("end").filter(|v| v.is_object());
    let (Some(start), Some(end)) = (start, end) else {
        let which = if start.is_none() { "start" } else { "end" };
        return Err(ApiError::required(format!("Missing {which} time.")));
    };
    if is_all_day(start) != is_all_day(end) {
        return Err(ApiError::invalid(
            "Start and end times must either both be date or both be dateTime.",
        ));
    }
    let recurring = body
        .get("recurrence")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if recurring && !is_all_day(start) && start.get("timeZone").is_none() {
        return Err(ApiError::required(
            "Missing time zone definition for start time.",
        ));
    }
    let s = instant_of(start, chrono_tz::UTC);
    let e = instant_of(end, chrono_tz::UTC);
    match (s, e) {
        (Some(s), Some(e)) if e < s => Err(ApiError::new(
            400,
            "calendar",
            "timeRangeEmpty",
            "The specified time range is empty.",
        )),
        (Some(_), Some(_)) => Ok(()),
        (None, _) => Err(ApiError::required(
            "Missing time zone definition for start time.",
        )),
        (_, None) => Err(ApiError::required(
            "Missing time zone definition for end time.",
        )),
    }
}
