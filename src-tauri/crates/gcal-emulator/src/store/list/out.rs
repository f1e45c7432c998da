//! Writing a listing out: the items of a page as JSON text, and the `calendar#events`
//! envelope around them.

use serde_json::{json, Map, Value};
use std::fmt::Write as _;

use super::token::PageCursor;
use crate::store::calendar::{instance_body, instance_prefix, write_instance, Calendar, EventRec};
use crate::store::recurrence::Occurrence;

/// What the page holds, ready to be written out.
pub struct Page {
    pub items_json: String,
    pub count: usize,
    pub next_page_token: Option<String>,
    pub next_sync_token: Option<String>,
}

impl Page {
    /// A page with no items that only points at the next one.
    pub(super) fn empty(next: &PageCursor) -> Page {
        Page {
            items_json: String::new(),
            count: 0,
            next_page_token: Some(next.encode()),
            next_sync_token: None,
        }
    }
}

/// One item of an expanded listing: a stored event or an instance computed from its master.
pub(super) enum Src<'a> {
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

pub(super) struct Out {
    pub buf: String,
    pub count: usize,
    /// Serialised masters (see `instance_prefix`) of the instances written so far.
    prefixes: std::collections::HashMap<Box<str>, String>,
}

impl Out {
    pub(super) fn new() -> Out {
        Out {
            buf: String::with_capacity(64 * 1024),
            count: 0,
            prefixes: Default::default(),
        }
    }
    pub(super) fn raw(&mut self, s: &str) {
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
    pub(super) fn src(&mut self, cal: &Calendar, s: &Src<'_>) {
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

    /// The page of what was written, with no tokens yet.
    pub(super) fn into_page(self) -> Page {
        Page {
            items_json: self.buf,
            count: self.count,
            next_page_token: None,
            next_sync_token: None,
        }
    }
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
