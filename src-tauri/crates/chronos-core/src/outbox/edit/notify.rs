//! Whom Google notifies about an edit, and the entry detail that records the choice.

use super::EditOptions;
use crate::google::SendUpdates;
use crate::model::{AccountId, EventResource};
use crate::store::OutboxEntry;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Whom Google notifies about an edit of an event with attendees (`sendUpdates`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Notify {
    All,
    ExternalOnly,
    None,
}

impl Notify {
    pub const ALL: [Notify; 3] = [Notify::All, Notify::ExternalOnly, Notify::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Notify::All => "all",
            Notify::ExternalOnly => "externalOnly",
            Notify::None => "none",
        }
    }
    pub fn parse(s: &str) -> Option<Notify> {
        match s {
            "all" => Some(Notify::All),
            "externalOnly" => Some(Notify::ExternalOnly),
            "none" => Some(Notify::None),
            _ => None,
        }
    }
    pub fn send_updates(self) -> SendUpdates {
        match self {
            Notify::All => SendUpdates::All,
            Notify::ExternalOnly => SendUpdates::ExternalOnly,
            Notify::None => SendUpdates::None,
        }
    }
}

fn is_organizer(ev: &EventResource, account: &AccountId) -> bool {
    match ev.extra.get("organizer") {
        None => true,
        Some(o) => {
            o.get("self").and_then(Value::as_bool) == Some(true)
                || o.get("email")
                    .and_then(Value::as_str)
                    .is_some_and(|e| e.eq_ignore_ascii_case(account.as_str()))
        }
    }
}

/// The notification choice recorded with an edit.
pub(crate) fn notify_for(ev: &EventResource, account: &AccountId, opts: &EditOptions) -> Notify {
    opts.notify.unwrap_or_else(|| {
        let has_guests = ev.attendees.as_ref().is_some_and(|a| !a.is_empty());
        if has_guests && is_organizer(ev, account) {
            Notify::All
        } else {
            Notify::None
        }
    })
}

pub(crate) fn detail(notify: Notify, extra: Option<(&str, Value)>) -> Value {
    let mut d = json!({ "sendUpdates": notify.as_str() });
    if let Some((k, v)) = extra {
        d[k] = v;
    }
    d
}

pub(crate) fn entry_notify(e: &OutboxEntry) -> Notify {
    e.payload
        .detail
        .get("sendUpdates")
        .and_then(Value::as_str)
        .and_then(Notify::parse)
        .unwrap_or(Notify::None)
}
