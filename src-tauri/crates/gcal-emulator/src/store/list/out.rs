//! Writing a listing out: the items of a page as JSON text, and the `calendar#events`
//! envelope around them.

use serde_json::{json, Map, Value};
use std::fmt::Write as _;

use super::query::EventQuery;
use super::token::{sync_token, PageCursor};
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

/// One events.list listing being paged through: the calendar, the request, the calendar's hash
/// (which its tokens carry) and the change number of the snapshot the pages are taken from.
pub(super) struct Listing<'a> {
    pub cal: &'a Calendar,
    pub q: &'a EventQuery,
    pub hash: u32,
    pub snap: u64,
}

impl Listing<'_> {
    /// Where the next page of this listing starts: after `cursor` in listing `mode`; `from` is
    /// the sync token's change number of an incremental listing, else 0.
    pub(super) fn resume(&self, mode: char, from: u64, cursor: String) -> PageCursor {
        PageCursor {
            mode,
            epoch: self.cal.epoch,
            snap: self.snap,
            from,
            cursor,
        }
    }

    /// The page `out` wrote, with a page token to `next` while items remain, else with the
    /// sync token of the snapshot.
    pub(super) fn page(&self, out: Out, next: Option<PageCursor>) -> Page {
        let mut page = out.into_page();
        match next {
            Some(pc) => page.next_page_token = Some(pc.encode()),
            None => {
                let (epoch, single) = (self.cal.epoch, self.q.single_events);
                page.next_sync_token = Some(sync_token('e', self.hash, epoch, self.snap, single));
            }
        }
        page
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
