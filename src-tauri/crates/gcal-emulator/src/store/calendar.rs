//! One calendar's events: an ordered map by id (full-sync paging order) plus an index by change
//! number (incremental-sync order). Every write takes the next change number, so a sync token is
//! simply "the change number I have seen", and an incremental list is a range scan.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::event_types::EventType;
use super::recurrence::{Occurrence, Series};
use super::time::{fmt_in_zone, instant_of, is_all_day};

/// A stored event. Only its serialised form is kept (a page is served by copying bytes, and
/// memory stays near the size of the JSON), plus the few fields listings filter on.
#[derive(Debug, Clone)]
pub struct EventRec {
    pub id: Box<str>,
    pub raw: Box<str>,
    pub change_seq: u64,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub cancelled: bool,
    pub recurring_event_id: Option<Box<str>>,
    pub updated: Box<str>,
    /// `None` for a type this emulator does not know.
    pub event_type: Option<EventType>,
    /// Set for recurring masters.
    pub series: Option<Box<Series>>,
    /// For cancelled events, `raw` is the short form listings show (like Google: id, status and,
    /// for instances, recurringEventId and originalStartTime); this is the whole resource, which
    /// events.get still returns.
    pub full: Option<Box<str>>,
}

/// The fields a cancelled event keeps in listings.
const TOMBSTONE_FIELDS: &[&str] = &[
    "kind",
    "etag",
    "id",
    "status",
    "updated",
    "recurringEventId",
    "originalStartTime",
];

impl EventRec {
    pub fn new(body: Map<String, Value>, change_seq: u64, tz: Tz) -> EventRec {
        let s = |k: &str| body.get(k).and_then(Value::as_str);
        let start = body.get("start").and_then(|v| instant_of(v, tz));
        let end = body.get("end").and_then(|v| instant_of(v, tz));
        let series = Series::of(&body, tz).map(Box::new);
        let text = |m: &Map<String, Value>| {
            serde_json::to_string(m)
                .expect("json map serialises")
                .into_boxed_str()
        };
        let cancelled = s("status") == Some("cancelled");
        let (raw, full) = if cancelled {
            let short: Map<String, Value> = TOMBSTONE_FIELDS
                .iter()
                .filter_map(|k| body.get(*k).map(|v| ((*k).to_owned(), v.clone())))
                .collect();
            (text(&short), Some(text(&body)))
        } else {
            (text(&body), None)
        };
        EventRec {
            id: s("id").unwrap_or_default().into(),
            cancelled,
            full,
            recurring_event_id: s("recurringEventId").map(Into::into),
            event_type: EventType::of_stored(&body),
            updated: s("updated").unwrap_or_default().into(),
            raw,
            change_seq,
            start,
            end,
            series,
        }
    }
    /// The whole resource as a JSON object (parsed from the stored form).
    pub fn body(&self) -> Map<String, Value> {
        let text = self.full.as_deref().unwrap_or(&self.raw);
        serde_json::from_str(text).expect("stored events are valid JSON objects")
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn cancelled(&self) -> bool {
        self.cancelled
    }
    pub fn recurring_event_id(&self) -> Option<&str> {
        self.recurring_event_id.as_deref()
    }
    pub fn is_master(&self) -> bool {
        self.series.is_some()
    }
}

#[derive(Debug)]
pub struct Calendar {
    pub id: String,
    pub owner: String,
    pub summary: String,
    pub description: Option<String>,
    /// `labelProperties` (see `labels`).
    pub label_properties: Option<Value>,
    pub time_zone: String,
    pub tz: Tz,
    pub etag: String,
    pub updated: String,
    pub events: BTreeMap<String, EventRec>,
    /// change number → event id; each event appears once, at its latest change.
    pub changes: BTreeMap<u64, String>,
    pub seq: u64,
    /// Bumped to invalidate every sync token and page token of this calendar.
    pub epoch: u32,
    pub removed: bool,
    /// See `sorted_cache::SortedCache`.
    pub sorted_cache: parking_lot::Mutex<Option<super::sorted_cache::SortedCache>>,
}

impl Calendar {
    pub fn new(id: String, owner: String, summary: String, time_zone: String, tz: Tz) -> Calendar {
        Calendar {
            id,
            owner,
            summary,
            description: None,
            label_properties: None,
            time_zone,
            tz,
            etag: "\"0\"".into(),
            updated: super::time::fmt_utc(Utc::now()),
            events: BTreeMap::new(),
            changes: BTreeMap::new(),
            seq: 0,
            epoch: 1,
            removed: false,
            sorted_cache: parking_lot::Mutex::new(None),
        }
    }

    /// Stores `body` (already stamped) under the next change number.
    pub fn put(&mut self, body: Map<String, Value>) -> &EventRec {
        self.seq += 1;
        let id = body
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if let Some(old) = self.events.get(&id) {
            self.changes.remove(&old.change_seq);
        }
        if let Some(u) = body.get("updated").and_then(Value::as_str) {
            self.updated = u.to_owned();
        }
        self.etag = format!("\"{}\"", self.seq);
        self.changes.insert(self.seq, id.clone());
        let rec = EventRec::new(body, self.seq, self.tz);
        self.events.insert(id.clone(), rec);
        &self.events[&id]
    }

    /// Stored exceptions of a recurring master (`{masterId}_…` with `recurringEventId` = master).
    pub fn exceptions_of<'a>(
        &'a self,
        master_id: &'a str,
    ) -> impl Iterator<Item = &'a EventRec> + 'a {
        let lo = format!("{master_id}_");
        let hi = format!("{master_id}`");
        self.events
            .range(lo..hi)
            .map(|(_, r)| r)
            .filter(move |r| r.recurring_event_id() == Some(master_id))
    }

    pub fn series_of<'a>(&self, rec: &'a EventRec) -> Option<&'a Series> {
        rec.series.as_deref()
    }

    /// An instance id that no stored exception has yet: a valid occurrence of a stored master.
    pub fn virtual_instance(&self, id: &str) -> Option<(&EventRec, Occurrence)> {
        let (master_id, suffix) = id.rsplit_once('_')?;
        let master = self.events.get(master_id)?;
        if master.cancelled() || !master.is_master() {
            return None;
        }
        let series = self.series_of(master)?;
        let occ = series.occurrence_for_suffix(suffix)?;
        Some((master, occ))
    }

    /// The start/end instants (for filtering) of an occurrence of `series`.
    pub fn occurrence_bounds(
        &self,
        series: &Series,
        occ: &Occurrence,
    ) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = match occ.date {
            Some(d) => instant_of(
                &serde_json::json!({"date": d.format("%Y-%m-%d").to_string()}),
                self.tz,
            )
            .unwrap_or(occ.start),
            None => occ.start,
        };
        (start, start + series.duration)
    }
}

/// The fields in which an instance differs from its master.
fn instance_fields(master_id: &str, series: &Series, occ: &Occurrence) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "id".into(),
        Value::String(format!("{master_id}_{}", occ.id_suffix())),
    );
    m.insert(
        "recurringEventId".into(),
        Value::String(master_id.to_owned()),
    );
    let (orig, start, end) = match occ.date {
        Some(d) => {
            let days = series.duration.num_days().max(1);
            let date = |d: chrono::NaiveDate| serde_json::json!({ "date": d.format("%Y-%m-%d").to_string() });
            (date(d), date(d), date(d + Duration::days(days)))
        }
        None => {
            let tz_name = Value::String(series.tz.name().to_owned());
            let dt = |t: DateTime<Utc>| serde_json::json!({ "dateTime": fmt_in_zone(t, series.tz), "timeZone": tz_name });
            (
                dt(occ.start),
                dt(occ.start),
                dt(occ.start + series.duration),
            )
        }
    };
    m.insert("originalStartTime".into(), orig);
    m.insert("start".into(), start);
    m.insert("end".into(), end);
    m
}

const PER_INSTANCE: &[&str] = &[
    "recurrence",
    "id",
    "recurringEventId",
    "originalStartTime",
    "start",
    "end",
];

/// The resource of one instance of `master`, as events.list(singleEvents) and instances show it.
pub fn instance_body(master: &EventRec, series: &Series, occ: &Occurrence) -> Map<String, Value> {
    let mut body = master.body();
    for k in PER_INSTANCE {
        body.remove(*k);
    }
    body.extend(instance_fields(master.id(), series, occ));
    body
}

/// The master serialised without its per-instance fields and without the closing brace, so that
/// many instances can be written without parsing the master again.
pub fn instance_prefix(master: &EventRec) -> String {
    let mut body = master.body();
    for k in PER_INSTANCE {
        body.remove(*k);
    }
    let mut s = serde_json::to_string(&body).expect("json serialises");
    s.pop();
    s
}

/// Appends one instance, written as `prefix` + its own fields.
pub fn write_instance(
    out: &mut String,
    prefix: &str,
    master_id: &str,
    series: &Series,
    occ: &Occurrence,
) {
    let fields =
        serde_json::to_string(&instance_fields(master_id, series, occ)).expect("json serialises");
    out.push_str(prefix);
    if prefix.len() > 1 {
        out.push(',');
    }
    out.push_str(&fields[1..]);
}

/// True when the two bodies differ in anything that moves the event in time.
pub fn time_changed(old: &Map<String, Value>, new: &Map<String, Value>) -> bool {
    ["start", "end", "recurrence"]
        .iter()
        .any(|k| old.get(*k) != new.get(*k))
}

pub fn all_day_body(body: &Map<String, Value>) -> bool {
    body.get("start").is_some_and(is_all_day)
}
