//! events.list and calendarList.list: full listings paged by id, incremental listings paged by
//! change number, and expanded (singleEvents) listings paged by start time.
//!
//! Tokens are opaque to clients but carry what paging needs: the calendar's epoch (bumped to
//! invalidate), the change number the listing was taken at, and a cursor.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

use super::calendar::{instance_body, instance_prefix, write_instance, Calendar, EventRec};
use super::recurrence::{Occurrence, HORIZON_DAYS};
use super::State;
use crate::error::ApiError;

/// How far back `updatedMin` may reach before Google answers 410 `updatedMinTooLongAgo`
/// (Google does not publish its limit; this one is the emulator's choice).
pub const UPDATED_MIN_HORIZON_DAYS: i64 = 28;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

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
}

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

/// What the page holds, ready to be written out.
pub struct Page {
    pub items_json: String,
    pub count: usize,
    pub next_page_token: Option<String>,
    pub next_sync_token: Option<String>,
}

fn cal_hash(id: &str) -> u32 {
    id.bytes().fold(0x811c9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x01000193)
    })
}

pub fn sync_token(kind: char, hash: u32, epoch: u32, seq: u64, single: bool) -> String {
    B64.encode(format!("{kind}1|{hash:08x}|{epoch}|{seq}|{}", single as u8))
}

/// (epoch, seq, single) of a sync token of `kind` for `hash`; `None` when it is not ours.
fn read_sync_token(tok: &str, kind: char, hash: u32) -> Option<(u32, u64, bool)> {
    let text = String::from_utf8(B64.decode(tok).ok()?).ok()?;
    let mut parts = text.split('|');
    if parts.next()? != format!("{kind}1") {
        return None;
    }
    if u32::from_str_radix(parts.next()?, 16).ok()? != hash {
        return None;
    }
    let epoch = parts.next()?.parse().ok()?;
    let seq = parts.next()?.parse().ok()?;
    let single = parts.next()? == "1";
    Some((epoch, seq, single))
}

/// A page token: the listing mode, the epoch, the change number of the snapshot, the sync
/// token's change number (incremental) and the cursor after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
struct PageCursor {
    mode: char,
    epoch: u32,
    snap: u64,
    from: u64,
    cursor: String,
}

impl PageCursor {
    fn encode(&self) -> String {
        B64.encode(format!(
            "p1|{}|{}|{}|{}|{}",
            self.mode, self.epoch, self.snap, self.from, self.cursor
        ))
    }
    fn decode(tok: &str) -> Option<PageCursor> {
        let text = String::from_utf8(B64.decode(tok).ok()?).ok()?;
        let mut parts = text.splitn(6, '|');
        if parts.next()? != "p1" {
            return None;
        }
        let mode = parts.next()?.chars().next()?;
        let epoch = parts.next()?.parse().ok()?;
        let snap = parts.next()?.parse().ok()?;
        let from = parts.next()?.parse().ok()?;
        let cursor = parts.next()?.to_owned();
        Some(PageCursor {
            mode,
            epoch,
            snap,
            from,
            cursor,
        })
    }
}

fn invalid_page_token() -> ApiError {
    ApiError::invalid_param("pageToken", "Invalid page token value.")
}

/// An owned reference to a listing item, so that a sorted listing can be kept between pages.
#[derive(Debug, Clone)]
pub enum ItemRef {
    Stored(Box<str>),
    Instance { master: Box<str>, occ: Occurrence },
}

/// The last sorted listing of a calendar, valid while the calendar's change number is `seq`.
#[derive(Debug)]
pub struct SortedCache {
    fingerprint: String,
    seq: u64,
    epoch: u32,
    keyed: std::sync::Arc<Vec<(String, ItemRef)>>,
}

/// One item of an expanded listing: a stored event or an instance computed from its master.
enum Src<'a> {
    Stored(&'a EventRec),
    Instance {
        master: &'a EventRec,
        occ: Occurrence,
    },
    CancelledInstance {
        master: &'a EventRec,
        occ: Occurrence,
    },
}

struct Out {
    buf: String,
    count: usize,
    /// Serialised masters (see `instance_prefix`) of the instances written so far.
    prefixes: std::collections::HashMap<Box<str>, String>,
}

impl Out {
    fn new() -> Out {
        Out {
            buf: String::with_capacity(64 * 1024),
            count: 0,
            prefixes: Default::default(),
        }
    }
    fn raw(&mut self, s: &str) {
        if self.count > 0 {
            self.buf.push(',');
        }
        self.buf.push_str(s);
        self.count += 1;
    }
    fn value(&mut self, v: &Map<String, Value>) {
        let s = serde_json::to_string(v).expect("json serialises");
        self.raw(&s);
    }
    fn src(&mut self, cal: &Calendar, s: &Src<'_>) {
        match s {
            Src::Stored(r) => self.raw(&r.raw),
            Src::Instance { master, occ } => {
                let series = cal.series_of(master).expect("instances come from a series");
                let prefix = self
                    .prefixes
                    .entry(master.id.clone())
                    .or_insert_with(|| instance_prefix(master));
                if self.count > 0 {
                    self.buf.push(',');
                }
                write_instance(&mut self.buf, prefix, master.id(), series, occ);
                self.count += 1;
            }
            Src::CancelledInstance { master, occ } => {
                let series = cal.series_of(master).expect("instances come from a series");
                let full = instance_body(master, series, occ);
                let mut m = Map::new();
                for k in [
                    "kind",
                    "etag",
                    "id",
                    "recurringEventId",
                    "originalStartTime",
                ] {
                    if let Some(v) = full.get(k) {
                        m.insert(k.into(), v.clone());
                    }
                }
                m.insert("status".into(), json!("cancelled"));
                self.value(&m);
            }
        }
    }
}

impl EventQuery {
    fn check_with_sync_token(&self) -> Result<(), ApiError> {
        let forbidden = self.ical_uid.is_some()
            || self.order_by.is_some()
            || !self.private_props.is_empty()
            || !self.shared_props.is_empty()
            || self.q.is_some()
            || self.time_min.is_some()
            || self.time_max.is_some()
            || self.updated_min.is_some();
        if forbidden {
            return Err(ApiError::new(
                400,
                "calendar",
                "syncTokenWithRequestRestrictions",
                "Sync token cannot be used with other request restrictions.",
            )
            .at("parameter", "syncToken"));
        }
        Ok(())
    }

    fn window(&self) -> (Option<DateTime<Utc>>, DateTime<Utc>) {
        let upper = self
            .time_max
            .unwrap_or_else(|| Utc::now() + Duration::days(HORIZON_DAYS));
        (self.time_min, upper)
    }

    fn in_range(&self, start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> bool {
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

    /// The non-time filters (q, iCalUID, updatedMin, extended properties).
    fn passes(&self, rec: &EventRec) -> bool {
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
                .and_then(super::time::parse_rfc3339);
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

impl State {
    /// One page of events.list for a calendar the caller may read.
    pub fn list_events(&self, cal_id: &str, q: &EventQuery) -> Result<Page, ApiError> {
        let mut page = self.list_events_page(cal_id, q)?;
        if self.page_quirks.omit_sync_token {
            page.next_sync_token = None;
        }
        Ok(page)
    }

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
        let empty = |mode: char, snap: u64, from: u64, cursor: String| Page {
            items_json: String::new(),
            count: 0,
            next_page_token: Some(
                PageCursor {
                    mode,
                    epoch: cal.epoch,
                    snap,
                    from,
                    cursor,
                }
                .encode(),
            ),
            next_sync_token: None,
        };
        if let (Some(a), Some(b)) = (q.time_min, q.time_max) {
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
        if q.order_by == Some(OrderBy::StartTime) && !q.single_events {
            return Err(ApiError::invalid(
                "The requested ordering is not available for the particular query.",
            ));
        }
        let hash = cal_hash(&cal.id);
        let page = match q.page_token.as_deref().map(PageCursor::decode) {
            Some(None) => return Err(invalid_page_token()),
            Some(Some(pc)) => {
                if pc.epoch != cal.epoch {
                    return Err(ApiError::full_sync_required());
                }
                Some(pc)
            }
            None => None,
        };
        if let Some(tok) = &q.sync_token {
            q.check_with_sync_token()?;
            let (epoch, seq, _single) =
                read_sync_token(tok, 'e', hash).ok_or_else(ApiError::full_sync_required)?;
            if epoch != cal.epoch || seq > cal.seq {
                return Err(ApiError::full_sync_required());
            }
            let (from, snap) = match &page {
                Some(pc) if pc.mode == 'i' => (
                    pc.cursor.parse::<u64>().map_err(|_| invalid_page_token())?,
                    pc.snap,
                ),
                Some(_) => return Err(invalid_page_token()),
                None => (seq, cal.seq),
            };
            if lead {
                return Ok(empty('i', snap, seq, from.to_string()));
            }
            return Ok(self.incremental(cal, q, hash, seq, from, snap));
        }
        if q.updated_min
            .is_some_and(|u| u < Utc::now() - Duration::days(UPDATED_MIN_HORIZON_DAYS))
        {
            let m = "The requested minimum modification time lies too far in the past.";
            return Err(ApiError::new(410, "calendar", "updatedMinTooLongAgo", m)
                .at("parameter", "updatedMin"));
        }
        let snap = page.as_ref().map_or(cal.seq, |p| p.snap);
        if q.single_events || q.order_by.is_some() {
            let cursor = match &page {
                Some(pc) if pc.mode == 's' => Some(pc.cursor.clone()),
                Some(_) => return Err(invalid_page_token()),
                None => None,
            };
            if lead {
                return Ok(empty('s', snap, 0, String::new()));
            }
            return Ok(self.sorted(cal, q, hash, snap, cursor));
        }
        let cursor = match &page {
            Some(pc) if pc.mode == 'f' => Some(pc.cursor.clone()),
            Some(_) => return Err(invalid_page_token()),
            None => None,
        };
        if lead {
            return Ok(empty('f', snap, 0, String::new()));
        }
        Ok(self.full_by_id(cal, q, hash, snap, cursor))
    }

    fn master_cancelled(cal: &Calendar, rec: &EventRec) -> bool {
        rec.recurring_event_id()
            .and_then(|m| cal.events.get(m))
            .is_some_and(|m| m.cancelled())
    }

    /// Whether a stored event shows in a non-expanded full listing.
    fn shows_unexpanded(&self, cal: &Calendar, rec: &EventRec, q: &EventQuery) -> bool {
        if rec.cancelled() && !q.show_deleted {
            // Google keeps cancelled instances of live series in the default listing.
            if rec.recurring_event_id().is_none() || Self::master_cancelled(cal, rec) {
                return false;
            }
        }
        if !q.passes(rec) {
            return false;
        }
        if q.time_min.is_none() && q.time_max.is_none() {
            return true;
        }
        if rec.is_master() {
            if let Some(series) = cal.series_of(rec) {
                let (lo, hi) = q.window();
                let lo = lo.map(|t| t - series.duration);
                return series.occurrences(lo, hi).iter().any(|o| {
                    let (s, e) = cal.occurrence_bounds(series, o);
                    q.in_range(Some(s), Some(e))
                });
            }
        }
        q.in_range(rec.start, rec.end)
    }

    fn full_by_id(
        &self,
        cal: &Calendar,
        q: &EventQuery,
        hash: u32,
        snap: u64,
        cursor: Option<String>,
    ) -> Page {
        use std::ops::Bound;
        let lower = match &cursor {
            Some(c) => Bound::Excluded(c.clone()),
            None => Bound::Unbounded,
        };
        let mut out = Out::new();
        let mut last: Option<&str> = None;
        let mut more = false;
        for (id, rec) in cal.events.range((lower, Bound::Unbounded)) {
            if !self.shows_unexpanded(cal, rec, q) {
                continue;
            }
            if out.count == q.max_results {
                more = true;
                break;
            }
            out.raw(&rec.raw);
            last = Some(id);
        }
        let mut page = Page {
            items_json: out.buf,
            count: out.count,
            next_page_token: None,
            next_sync_token: None,
        };
        if more {
            let pc = PageCursor {
                mode: 'f',
                epoch: cal.epoch,
                snap,
                from: 0,
                cursor: last.unwrap_or_default().to_owned(),
            };
            page.next_page_token = Some(pc.encode());
        } else {
            page.next_sync_token = Some(sync_token('e', hash, cal.epoch, snap, q.single_events));
        }
        page
    }

    /// Expanded and/or ordered listings: all matching items are keyed, sorted, and the page is
    /// taken after the cursor key. The sorted listing is kept per calendar until the calendar
    /// changes, so paging through it costs one expansion, not one per page.
    fn sorted(
        &self,
        cal: &Calendar,
        q: &EventQuery,
        hash: u32,
        snap: u64,
        cursor: Option<String>,
    ) -> Page {
        let fingerprint = format!(
            "{:?}",
            (
                q.single_events,
                q.order_by,
                q.show_deleted,
                q.time_min,
                q.time_max,
                &q.q,
                &q.ical_uid,
                q.updated_min,
                &q.private_props,
                &q.shared_props
            )
        );
        let keyed = {
            let mut cache = cal.sorted_cache.lock();
            match cache.as_ref() {
                Some(c)
                    if c.fingerprint == fingerprint && c.seq == cal.seq && c.epoch == cal.epoch =>
                {
                    c.keyed.clone()
                }
                _ => {
                    let keyed = std::sync::Arc::new(self.sorted_keys(cal, q));
                    *cache = Some(SortedCache {
                        fingerprint,
                        seq: cal.seq,
                        epoch: cal.epoch,
                        keyed: keyed.clone(),
                    });
                    keyed
                }
            }
        };
        let begin = match &cursor {
            Some(c) => keyed.partition_point(|(k, _)| k.as_str() <= c.as_str()),
            None => 0,
        };
        let end = (begin + q.max_results).min(keyed.len());
        let mut out = Out::new();
        for (_, item) in &keyed[begin..end] {
            let src = match item {
                ItemRef::Stored(id) => match cal.events.get(&**id) {
                    Some(r) => Src::Stored(r),
                    None => continue,
                },
                ItemRef::Instance { master, occ } => match cal.events.get(&**master) {
                    Some(m) => Src::Instance {
                        master: m,
                        occ: *occ,
                    },
                    None => continue,
                },
            };
            out.src(cal, &src);
        }
        let mut page = Page {
            items_json: out.buf,
            count: out.count,
            next_page_token: None,
            next_sync_token: None,
        };
        if end < keyed.len() {
            let pc = PageCursor {
                mode: 's',
                epoch: cal.epoch,
                snap,
                from: 0,
                cursor: keyed[end - 1].0.clone(),
            };
            page.next_page_token = Some(pc.encode());
        } else {
            page.next_sync_token = Some(sync_token('e', hash, cal.epoch, snap, q.single_events));
        }
        page
    }

    fn sorted_keys(&self, cal: &Calendar, q: &EventQuery) -> Vec<(String, ItemRef)> {
        let mut keyed: Vec<(String, ItemRef)> = Vec::new();
        let key = |start: Option<DateTime<Utc>>, body_updated: &str, id: &str| -> String {
            match q.order_by {
                Some(OrderBy::Updated) => format!("{body_updated}|{id}"),
                _ => format!(
                    "{:020}|{id}",
                    start.map_or(0, |t| t.timestamp_micros() + 100_000_000_000_000_000)
                ),
            }
        };
        let stored = |rec: &EventRec| ItemRef::Stored(rec.id.clone());
        for rec in cal.events.values() {
            let upd = &*rec.updated;
            if !q.single_events {
                if self.shows_unexpanded(cal, rec, q) {
                    keyed.push((key(rec.start, upd, rec.id()), stored(rec)));
                }
                continue;
            }
            if rec.is_master() {
                if rec.cancelled() {
                    continue;
                }
                let Some(series) = cal.series_of(rec) else {
                    continue;
                };
                if !q.passes(rec) {
                    continue;
                }
                let (lo, hi) = q.window();
                let lo = lo.map(|t| t - series.duration);
                for occ in series.occurrences(lo, hi) {
                    let inst_id = format!("{}_{}", rec.id(), occ.id_suffix());
                    if cal.events.contains_key(&inst_id) {
                        continue; // the stored exception is listed on its own
                    }
                    let (s, e) = cal.occurrence_bounds(series, &occ);
                    if q.in_range(Some(s), Some(e)) {
                        keyed.push((
                            key(Some(s), upd, &inst_id),
                            ItemRef::Instance {
                                master: rec.id.clone(),
                                occ,
                            },
                        ));
                    }
                }
                continue;
            }
            if rec.cancelled() && !q.show_deleted {
                continue;
            }
            if rec.recurring_event_id().is_some()
                && Self::master_cancelled(cal, rec)
                && !q.show_deleted
            {
                continue;
            }
            if q.passes(rec) && q.in_range(rec.start, rec.end) {
                keyed.push((key(rec.start, upd, rec.id()), stored(rec)));
            }
        }
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        keyed
    }

    /// Everything changed after change number `from` up to the snapshot `snap`.
    fn incremental(
        &self,
        cal: &Calendar,
        q: &EventQuery,
        hash: u32,
        token_seq: u64,
        from: u64,
        snap: u64,
    ) -> Page {
        let mut out = Out::new();
        let mut last_seq = from;
        let mut more = false;
        for (seq, id) in cal.changes.range(from + 1..snap.max(from) + 1) {
            if out.count >= q.max_results {
                more = true;
                break;
            }
            let rec = &cal.events[id];
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
            last_seq = *seq;
        }
        let _ = token_seq;
        let mut page = Page {
            items_json: out.buf,
            count: out.count,
            next_page_token: None,
            next_sync_token: None,
        };
        if more {
            let pc = PageCursor {
                mode: 'i',
                epoch: cal.epoch,
                snap,
                from: token_seq,
                cursor: last_seq.to_string(),
            };
            page.next_page_token = Some(pc.encode());
        } else {
            page.next_sync_token = Some(sync_token('e', hash, cal.epoch, snap, q.single_events));
        }
        page
    }

    /// The instances of one recurring event (events.instances), ordered by start.
    pub fn list_instances(
        &self,
        cal_id: &str,
        event_id: &str,
        q: &EventQuery,
    ) -> Result<Page, ApiError> {
        let cal = self
            .calendars
            .get(cal_id)
            .filter(|c| !c.removed)
            .ok_or_else(ApiError::not_found)?;
        let master = cal.events.get(event_id).ok_or_else(ApiError::not_found)?;
        if master.cancelled() {
            return Err(ApiError::deleted());
        }
        let cursor = match q.page_token.as_deref().map(PageCursor::decode) {
            Some(None) => return Err(invalid_page_token()),
            Some(Some(pc)) => Some(pc.cursor),
            None => None,
        };
        let mut keyed: Vec<(String, Src<'_>)> = Vec::new();
        let k = |t: DateTime<Utc>, id: &str| {
            format!(
                "{:020}|{id}",
                t.timestamp_micros() + 100_000_000_000_000_000
            )
        };
        match cal.series_of(master) {
            None => keyed.push((
                k(master.start.unwrap_or_default(), master.id()),
                Src::Stored(master),
            )),
            Some(series) => {
                let (lo, hi) = q.window();
                let lo = lo.map(|t| t - series.duration);
                for occ in series.occurrences(lo, hi) {
                    let inst_id = format!("{}_{}", master.id(), occ.id_suffix());
                    if cal.events.contains_key(&inst_id) {
                        continue;
                    }
                    let (s, e) = cal.occurrence_bounds(series, &occ);
                    if q.in_range(Some(s), Some(e)) {
                        keyed.push((k(s, &inst_id), Src::Instance { master, occ }));
                    }
                }
                for ex in cal.exceptions_of(event_id) {
                    if (ex.cancelled() && !q.show_deleted) || !q.in_range(ex.start, ex.end) {
                        continue;
                    }
                    keyed.push((k(ex.start.unwrap_or_default(), ex.id()), Src::Stored(ex)));
                }
            }
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let begin = cursor.map_or(0, |c| {
            keyed.partition_point(|(key, _)| key.as_str() <= c.as_str())
        });
        let end = (begin + q.max_results).min(keyed.len());
        let mut out = Out::new();
        for (_, s) in &keyed[begin..end] {
            out.src(cal, s);
        }
        let mut page = Page {
            items_json: out.buf,
            count: out.count,
            next_page_token: None,
            next_sync_token: None,
        };
        if end < keyed.len() {
            let pc = PageCursor {
                mode: 'n',
                epoch: cal.epoch,
                snap: cal.seq,
                from: 0,
                cursor: keyed[end - 1].0.clone(),
            };
            page.next_page_token = Some(pc.encode());
        }
        Ok(page)
    }

    /// calendarList.list for an account.
    pub fn list_calendars(
        &self,
        account: &str,
        q: &CalendarListQuery<'_>,
    ) -> Result<Value, ApiError> {
        let CalendarListQuery {
            max_results,
            page_token,
            sync_token: sync_token_in,
            show_deleted,
            show_hidden,
            min_access_role,
        } = *q;
        let acc = self.accounts.get(account).ok_or_else(ApiError::auth)?;
        let hash = cal_hash(&acc.email);
        let page = match page_token.map(PageCursor::decode) {
            Some(None) => return Err(invalid_page_token()),
            Some(Some(pc)) => {
                if pc.epoch != acc.list_epoch {
                    return Err(ApiError::full_sync_required());
                }
                Some(pc)
            }
            None => None,
        };
        let rank = |r: &str| match r {
            "freeBusyReader" => 0,
            "reader" => 1,
            "writer" => 2,
            "owner" => 3,
            _ => 0,
        };
        let since = match sync_token_in {
            Some(tok) => {
                if min_access_role.is_some() {
                    return Err(ApiError::new(
                        400,
                        "calendar",
                        "syncTokenWithRequestRestrictions",
                        "Sync token cannot be used with other request restrictions.",
                    )
                    .at("parameter", "syncToken"));
                }
                let (epoch, seq, _) =
                    read_sync_token(tok, 'l', hash).ok_or_else(ApiError::full_sync_required)?;
                if epoch != acc.list_epoch || seq > acc.list_seq {
                    return Err(ApiError::full_sync_required());
                }
                Some(seq)
            }
            None => None,
        };
        let snap = page.as_ref().map_or(acc.list_seq, |p| p.snap);
        let start: usize = match &page {
            Some(pc) => pc.cursor.parse().map_err(|_| invalid_page_token())?,
            None => 0,
        };
        let mut items = Vec::new();
        let mut next = None;
        for (i, e) in acc.entries.iter().enumerate().skip(start) {
            let show = match since {
                Some(s) => e.change_seq > s,
                None => {
                    (!e.deleted || show_deleted)
                        && (e.prefs.get("hidden") != Some(&Value::Bool(true)) || show_hidden)
                        && min_access_role.is_none_or(|m| rank(&e.access_role) >= rank(m))
                }
            };
            if !show {
                continue;
            }
            if items.len() == max_results {
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

/// Writes the `calendar#events` envelope around a page.
pub fn events_envelope(
    cal: &Calendar,
    access_role: &str,
    default_reminders: &Value,
    page: &Page,
) -> String {
    let mut s = String::with_capacity(page.items_json.len() + 512);
    let head = json!({
        "kind": "calendar#events",
        "etag": cal.etag,
        "summary": cal.summary,
        "description": cal.description.clone().unwrap_or_default(),
        "updated": cal.updated,
        "timeZone": cal.time_zone,
        "accessRole": access_role,
        "defaultReminders": default_reminders,
    });
    let head = serde_json::to_string(&head).expect("json serialises");
    s.push_str(&head[..head.len() - 1]);
    if let Some(t) = &page.next_page_token {
        let _ = write!(s, ",\"nextPageToken\":\"{t}\"");
    }
    if let Some(t) = &page.next_sync_token {
        let _ = write!(s, ",\"nextSyncToken\":\"{t}\"");
    }
    s.push_str(",\"items\":[");
    s.push_str(&page.items_json);
    s.push_str("]}");
    s
}
