//! The request log and counters tests read ("this sync made one events.list per calendar").

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    /// The account whose access token was sent, if it was a live one.
    pub account: Option<String>,
    /// The API method, e.g. `events.list`, `calendarList.list`, `oauth.token`.
    pub operation: String,
    /// Set when a fault rule answered (`status`, `drop`, `truncate`, `delay`).
    pub fault: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub total: u64,
    pub by_operation: BTreeMap<String, u64>,
    pub by_status: BTreeMap<u16, u64>,
    pub by_account: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    next: u64,
    pub records: Vec<RequestRecord>,
    pub counters: Counters,
}

/// Requests kept in the log; counters keep counting past it.
const MAX_RECORDS: usize = 100_000;

impl RequestLog {
    pub fn push(&mut self, mut r: RequestRecord) {
        self.next += 1;
        r.seq = self.next;
        let c = &mut self.counters;
        c.total += 1;
        *c.by_operation.entry(r.operation.clone()).or_default() += 1;
        *c.by_status.entry(r.status).or_default() += 1;
        if let Some(a) = &r.account {
            *c.by_account.entry(a.clone()).or_default() += 1;
        }
        if self.records.len() >= MAX_RECORDS {
            self.records.drain(..MAX_RECORDS / 10);
        }
        self.records.push(r);
    }

    pub fn reset(&mut self) {
        self.records.clear();
        self.counters = Counters::default();
    }
}

/// Names the API method a request calls, from its method and path.
pub fn operation(method: &str, path: &str) -> String {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let op = match (method, segs.as_slice()) {
        (_, ["calendar", "v3", rest @ ..]) => match (method, rest) {
            ("GET", ["users", "me", "calendarList"]) => "calendarList.list",
            ("GET", ["users", "me", "calendarList", _]) => "calendarList.get",
            ("PATCH", ["users", "me", "calendarList", _]) => "calendarList.patch",
            ("GET", ["users", "me", "settings"]) => "settings.list",
            ("GET", ["users", "me", "settings", _]) => "settings.get",
            ("GET", ["colors"]) => "colors.get",
            ("POST", ["channels", "stop"]) => "channels.stop",
            ("GET", ["calendars", _]) => "calendars.get",
            ("GET", ["calendars", _, "events"]) => "events.list",
            ("POST", ["calendars", _, "events"]) => "events.insert",
            ("POST", ["calendars", _, "events", "watch"]) => "events.watch",
            ("GET", ["calendars", _, "events", _]) => "events.get",
            ("PATCH", ["calendars", _, "events", _]) => "events.patch",
            ("PUT", ["calendars", _, "events", _]) => "events.update",
            ("DELETE", ["calendars", _, "events", _]) => "events.delete",
            ("GET", ["calendars", _, "events", _, "instances"]) => "events.instances",
            ("POST", ["calendars", _, "events", _, "move"]) => "events.move",
            _ => "api.unknown",
        },
        (_, ["o", "oauth2", "v2", "auth", ..]) => "oauth.authorize",
        (_, ["token"]) | (_, ["oauth2", "v4", "token"]) => "oauth.token",
        (_, ["revoke"]) => "oauth.revoke",
        (_, ["oauth2", _, "userinfo"]) => "oauth.userinfo",
        (_, ["__emulator", ..]) => "control",
        _ => "unknown",
    };
    op.to_owned()
}
