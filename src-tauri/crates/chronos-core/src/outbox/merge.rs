//! The three-way, per-field merge of a local edit with a server change.
//!
//! # Rules
//! The merge compares three versions of one event: the **base** (the server version the local
//! edit was made on, stored with the outbox entry), the **local** version (base + the user's
//! edits) and the **server** version (what Google holds now, from a 412 answer or a pull).
//! Only *content fields* take part: `summary`, `description`, `location`, `colorId`, the time
//! (`start` and `end` together, as one field, so a merge can never pair one side's start with
//! the other side's end), `attendees`, `reminders`, `recurrence`, `transparency`, `visibility`.
//! Every other field (etag, sequence, organizer, fields Chronos does not model) comes from the
//! server.
//!
//! 1. A field changed on one side only takes that side's value.
//! 2. A field changed on both sides to the same value takes it.
//! 3. A field changed on both sides to different values takes the **server's** value; the local
//!    value is kept in a conflict record (`both_changed`) listing the field, which the user sees
//!    and can re-apply (one field, or all with "keep mine").
//! 4. `attendees` merge per attendee, keyed by lower-cased email, and per attendee key
//!    (`responseStatus`, `optional`, …) with rules 1–3. So a guest's RSVP on the server never
//!    undoes a local attendee edit, and a local added guest survives a server-side RSVP. An
//!    attendee removed on one side and changed on the other is a both-sides change (rule 3:
//!    the server's attendee stays, the local removal goes into the conflict record).
//! 5. Deleted on the server while edited locally: the local edit is removed from the outbox
//!    and kept whole in a conflict record (`deleted_on_server`); "keep mine" restores it as a new
//!    event (a new id) in the same calendar.
//! 6. Edited on the server while deleted locally: the delete goes through (with `If-Match` on the
//!    new etag) only when the server change touched no content field — an RSVP, i.e. a change of
//!    `responseStatus` only, does not count. Otherwise the server version is kept (it comes back
//!    into the local copy) and a conflict record (`server_edited_deleted_locally`) lets the user
//!    delete it anyway with "keep mine". Why: deleting would silently throw away words someone
//!    else just wrote, which nothing may do; keeping the event costs the user one click.
//! 7. A conflict never blocks the queue: the merged version is pushed at once (with `If-Match`
//!    on the server's etag), so local and server agree again after the next push.

use crate::model::{Etag, EventResource};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The content fields, as the names conflict records and "re-apply a field" use. `time` stands
/// for `start` + `end`.
pub const CONTENT_FIELDS: &[&str] = &[
    "summary",
    "description",
    "location",
    "colorId",
    "time",
    "attendees",
    "reminders",
    "recurrence",
    "transparency",
    "visibility",
];

/// Fields outside the content that a local edit can still set (a Meet request): sent when they
/// changed, and kept through a merge unless the server changed them too (then the server's
/// value wins without a conflict record: there is nothing for the user to re-apply).
const CARRIED_FIELDS: &[&str] = &["conferenceData"];

/// One field that changed on both sides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// A name from [`CONTENT_FIELDS`].
    pub field: String,
    /// For `attendees`: the lower-cased emails whose entries conflicted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<String>,
}

/// What a merge produced.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeOutcome {
    /// The server version with the local-only changes applied (carries the server's etag).
    pub merged: EventResource,
    pub conflicts: Vec<FieldConflict>,
}

pub(crate) fn to_map(ev: &EventResource) -> Map<String, Value> {
    match serde_json::to_value(ev) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

pub(crate) fn from_map(m: Map<String, Value>) -> EventResource {
    // Every map here came from an EventResource, so it converts back.
    serde_json::from_value(Value::Object(m)).unwrap_or_default()
}

/// The JSON value of a content field (`time` is `{start, end}`), `None` when absent.
pub fn field_value(m: &Map<String, Value>, field: &str) -> Option<Value> {
    if field == "time" {
        let (s, e) = (m.get("start"), m.get("end"));
        if s.is_none() && e.is_none() {
            return None;
        }
        let mut t = Map::new();
        t.insert("start".into(), s.cloned().unwrap_or(Value::Null));
        t.insert("end".into(), e.cloned().unwrap_or(Value::Null));
        return Some(Value::Object(t));
    }
    m.get(field).filter(|v| !v.is_null()).cloned()
}

pub fn set_field(m: &mut Map<String, Value>, field: &str, v: Option<Value>) {
    if field == "time" {
        let (s, e) = match v {
            Some(Value::Object(mut t)) => (t.remove("start"), t.remove("end")),
            _ => (None, None),
        };
        for (k, x) in [("start", s), ("end", e)] {
            match x.filter(|x| !x.is_null()) {
                Some(x) => m.insert(k.into(), x),
                None => m.remove(k),
            };
        }
        return;
    }
    match v {
        Some(x) => m.insert(field.into(), x),
        None => m.remove(field),
    };
}

/// Content fields whose values differ between `a` and `b`.
pub fn changed_fields(a: &EventResource, b: &EventResource) -> Vec<&'static str> {
    let (a, b) = (to_map(a), to_map(b));
    CONTENT_FIELDS
        .iter()
        .copied()
        .filter(|f| field_value(&a, f) != field_value(&b, f))
        .collect()
}

/// Whether the two versions hold the same content (etags and server bookkeeping aside).
pub fn same_content(a: &EventResource, b: &EventResource) -> bool {
    changed_fields(a, b).is_empty()
}

/// Whether `server` changed content relative to `base`, an attendee's `responseStatus` aside
/// (rule 6).
pub fn content_changed_besides_rsvp(base: &EventResource, server: &EventResource) -> bool {
    let strip = |ev: &EventResource| {
        let mut m = to_map(ev);
        if let Some(Value::Array(list)) = m.get_mut("attendees") {
            for a in list.iter_mut() {
                if let Value::Object(o) = a {
                    o.remove("responseStatus");
                }
            }
        }
        m
    };
    let (b, s) = (strip(base), strip(server));
    CONTENT_FIELDS
        .iter()
        .any(|f| field_value(&b, f) != field_value(&s, f))
}

/// Three-way merge; see the module documentation for the rules.
pub fn merge3(base: &EventResource, local: &EventResource, server: &EventResource) -> MergeOutcome {
    let (b, l) = (to_map(base), to_map(local));
    let mut out = to_map(server);
    let mut conflicts = Vec::new();
    for f in CONTENT_FIELDS {
        let (bv, lv, sv) = (field_value(&b, f), field_value(&l, f), field_value(&out, f));
        if lv == bv || lv == sv {
            continue; // unchanged locally, or both made the same change: the server's value stays
        }
        if sv == bv {
            set_field(&mut out, f, lv);
            continue;
        }
        if *f == "attendees" {
            let (merged, emails) = merge_attendees(bv.as_ref(), lv.as_ref(), sv.as_ref());
            set_field(&mut out, f, merged);
            if !emails.is_empty() {
                conflicts.push(FieldConflict {
                    field: (*f).into(),
                    attendees: emails,
                });
            }
            continue;
        }
        conflicts.push(FieldConflict {
            field: (*f).into(),
            attendees: Vec::new(),
        });
    }
    for f in CARRIED_FIELDS {
        let (bv, lv, sv) = (b.get(*f), l.get(*f), out.get(*f));
        if lv != bv && sv == bv {
            set_field(&mut out, f, lv.cloned());
        }
    }
    MergeOutcome {
        merged: from_map(out),
        conflicts,
    }
}

/// The key of an attendee entry: its lower-cased email (entries without one are keyed by
/// position, which is the best a list without identities allows).
fn attendee_key(a: &Value, i: usize) -> String {
    match a.get("email").and_then(Value::as_str) {
        Some(e) => e.trim().to_lowercase(),
        None => format!("#{i}"),
    }
}

fn attendee_list(v: Option<&Value>) -> Vec<(String, Value)> {
    match v {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, a)| (attendee_key(a, i), a.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

fn lookup<'a>(list: &'a [(String, Value)], k: &str) -> Option<&'a Value> {
    list.iter().find(|(x, _)| x == k).map(|(_, v)| v)
}

/// Per-attendee merge. Returns the merged list (`None` when empty) and the emails whose entries
/// changed on both sides.
fn merge_attendees(
    b: Option<&Value>,
    l: Option<&Value>,
    s: Option<&Value>,
) -> (Option<Value>, Vec<String>) {
    let (bl, ll, sl) = (attendee_list(b), attendee_list(l), attendee_list(s));
    let mut order: Vec<String> = sl.iter().map(|(k, _)| k.clone()).collect();
    for (k, _) in &ll {
        if !order.contains(k) {
            order.push(k.clone());
        }
    }
    for (k, _) in &bl {
        if !order.contains(k) {
            order.push(k.clone());
        }
    }
    let mut out = Vec::new();
    let mut conflicted = Vec::new();
    for k in order {
        let (bv, lv, sv) = (lookup(&bl, &k), lookup(&ll, &k), lookup(&sl, &k));
        let chosen = if lv == bv || lv == sv {
            sv.cloned()
        } else if sv == bv {
            lv.cloned()
        } else {
            match (bv, lv, sv) {
                (Some(Value::Object(bo)), Some(Value::Object(lo)), Some(Value::Object(so))) => {
                    let mut m = so.clone();
                    let mut keys: Vec<&String> =
                        so.keys().chain(lo.keys()).chain(bo.keys()).collect();
                    keys.sort();
                    keys.dedup();
                    let mut clash = false;
                    for key in keys {
                        let (x, y, z) = (bo.get(key), lo.get(key), so.get(key));
                        if y == x || y == z {
                            continue;
                        }
                        if z == x {
                            match y {
                                Some(v) => m.insert(key.clone(), v.clone()),
                                None => m.remove(key),
                            };
                        } else {
                            clash = true;
                        }
                    }
                    if clash {
                        conflicted.push(k.clone());
                    }
                    Some(Value::Object(m))
                }
                _ => {
                    // Added on both sides differently, or removed on one side and changed on
                    // the other: the server's entry stands.
                    conflicted.push(k.clone());
                    sv.cloned()
                }
            }
        };
        if let Some(v) = chosen {
            out.push(v);
        }
    }
    let merged = if out.is_empty() {
        None
    } else {
        Some(Value::Array(out))
    };
    (merged, conflicted)
}

/// Applies the local value of `field` (for `attendees`: the local entries of `emails`, or the
/// whole list when `emails` is empty) from `local` onto `current`. Used by "re-apply a field".
pub fn reapply_field(
    current: &EventResource,
    local: &EventResource,
    field: &str,
    emails: &[String],
) -> EventResource {
    let mut cur = to_map(current);
    let loc = to_map(local);
    if field == "attendees" && !emails.is_empty() {
        let mut list = attendee_list(field_value(&cur, "attendees").as_ref());
        let ll = attendee_list(field_value(&loc, "attendees").as_ref());
        for e in emails {
            let lv = lookup(&ll, e).cloned();
            match (list.iter().position(|(k, _)| k == e), lv) {
                (Some(i), Some(v)) => list[i].1 = v,
                (Some(i), None) => {
                    list.remove(i);
                }
                (None, Some(v)) => list.push((e.clone(), v)),
                (None, None) => {}
            }
        }
        let v: Vec<Value> = list.into_iter().map(|(_, v)| v).collect();
        set_field(
            &mut cur,
            "attendees",
            if v.is_empty() {
                None
            } else {
                Some(Value::Array(v))
            },
        );
    } else {
        set_field(&mut cur, field, field_value(&loc, field));
    }
    from_map(cur)
}

/// The `events.patch` body that turns `base` into `local`: the changed content fields, with
/// `null` for a field the user cleared.
pub fn patch_body(base: &EventResource, local: &EventResource) -> Map<String, Value> {
    let (b, l) = (to_map(base), to_map(local));
    let mut body = Map::new();
    for f in CONTENT_FIELDS {
        if field_value(&b, f) == field_value(&l, f) {
            continue;
        }
        if *f == "time" {
            for k in ["start", "end"] {
                body.insert(k.into(), l.get(k).cloned().unwrap_or(Value::Null));
            }
        } else {
            body.insert((*f).into(), field_value(&l, f).unwrap_or(Value::Null));
        }
    }
    for f in CARRIED_FIELDS {
        if b.get(*f) != l.get(*f) {
            body.insert((*f).into(), l.get(*f).cloned().unwrap_or(Value::Null));
        }
    }
    body
}

/// The etag to send as `If-Match` for an edit made on `base`.
pub fn base_etag(base: Option<&EventResource>) -> Option<&Etag> {
    base.and_then(|b| b.etag.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(v: Value) -> EventResource {
        serde_json::from_value(v).unwrap()
    }

    fn base() -> EventResource {
        ev(
            json!({"id": "e1", "etag": "\"1\"", "summary": "Plan", "description": "d",
            "start": {"dateTime": "2026-12-01T09:00:00Z"}, "end": {"dateTime": "2026-12-01T10:00:00Z"},
            "attendees": [{"email": "a@x.org", "responseStatus": "needsAction"}, {"email": "b@x.org", "responseStatus": "needsAction"}]}),
        )
    }

    #[test]
    fn one_sided_changes_merge_cleanly() {
        let b = base();
        let mut l = b.clone();
        l.summary = Some("Plan v2".into());
        let mut s = b.clone();
        s.etag = Some(Etag::from("\"2\""));
        s.location = Some("Room 4".into());
        let m = merge3(&b, &l, &s);
        assert!(m.conflicts.is_empty());
        assert_eq!(m.merged.summary.as_deref(), Some("Plan v2"));
        assert_eq!(m.merged.location.as_deref(), Some("Room 4"));
        assert_eq!(m.merged.etag, s.etag);
    }

    #[test]
    fn both_sides_changed_server_wins_and_is_reported() {
        let b = base();
        let mut l = b.clone();
        l.summary = Some("Mine".into());
        let mut s = b.clone();
        s.summary = Some("Theirs".into());
        let m = merge3(&b, &l, &s);
        assert_eq!(m.merged.summary.as_deref(), Some("Theirs"));
        assert_eq!(
            m.conflicts,
            vec![FieldConflict {
                field: "summary".into(),
                attendees: vec![]
            }]
        );
        let again = reapply_field(&m.merged, &l, "summary", &[]);
        assert_eq!(again.summary.as_deref(), Some("Mine"));
    }

    #[test]
    fn server_rsvp_does_not_undo_local_attendee_edit() {
        let b = base();
        let mut l = b.clone();
        let mut list = l.attendees.clone().unwrap();
        list.push(crate::model::Attendee {
            email: Some("c@x.org".into()),
            ..Default::default()
        });
        l.attendees = Some(list);
        let mut s = b.clone();
        s.attendees.as_mut().unwrap()[1].response_status = Some("accepted".into());
        let m = merge3(&b, &l, &s);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let got = m.merged.attendees.unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].response_status.as_deref(), Some("accepted"));
        assert_eq!(got[2].email.as_deref(), Some("c@x.org"));
    }

    #[test]
    fn same_attendee_key_changed_both_sides_is_a_conflict() {
        let b = base();
        let mut l = b.clone();
        l.attendees.as_mut().unwrap()[0].response_status = Some("declined".into());
        l.attendees.as_mut().unwrap()[0].optional = Some(true);
        let mut s = b.clone();
        s.attendees.as_mut().unwrap()[0].response_status = Some("accepted".into());
        let m = merge3(&b, &l, &s);
        let a0 = &m.merged.attendees.as_ref().unwrap()[0];
        assert_eq!(a0.response_status.as_deref(), Some("accepted"));
        assert_eq!(a0.optional, Some(true), "the one-sided key still merges");
        assert_eq!(m.conflicts[0].attendees, vec!["a@x.org".to_string()]);
    }

    #[test]
    fn time_is_one_field() {
        let b = base();
        let mut l = b.clone();
        l.start = Some(crate::model::EventDateTime {
            date_time: Some("2026-12-01T08:00:00Z".into()),
            ..Default::default()
        });
        let mut s = b.clone();
        s.end = Some(crate::model::EventDateTime {
            date_time: Some("2026-12-01T11:00:00Z".into()),
            ..Default::default()
        });
        let m = merge3(&b, &l, &s);
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].field, "time");
        assert_eq!(m.merged.start, s.start);
    }

    #[test]
    fn patch_body_lists_only_changes_and_nulls_cleared_fields() {
        let b = base();
        let mut l = b.clone();
        l.description = None;
        l.color_id = Some("5".into());
        let body = patch_body(&b, &l);
        assert_eq!(
            Value::Object(body),
            json!({"description": null, "colorId": "5"})
        );
    }

    #[test]
    fn rsvp_only_is_not_a_content_change() {
        let b = base();
        let mut s = b.clone();
        s.attendees.as_mut().unwrap()[0].response_status = Some("accepted".into());
        assert!(!content_changed_besides_rsvp(&b, &s));
        s.summary = Some("x".into());
        assert!(content_changed_besides_rsvp(&b, &s));
    }

    #[test]
    fn a_meet_request_is_sent_and_kept_through_a_merge() {
        let b = base();
        let local = crate::conference::with_meet_request(b.clone());
        let body = patch_body(&b, &local);
        assert!(body["conferenceData"]["createRequest"]["requestId"].is_string());
        assert!(!patch_body(&b, &b).contains_key("conferenceData"));
        let mut server = b.clone();
        server.summary = Some("Renamed".into());
        let m = merge3(&b, &local, &server);
        assert!(m.conflicts.is_empty());
        assert_eq!(m.merged.summary.as_deref(), Some("Renamed"));
        assert_eq!(
            m.merged.extra.get("conferenceData"),
            local.extra.get("conferenceData")
        );
    }
}
