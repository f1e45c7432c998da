//! Settling an answer: the local write that makes the store agree with what Google now holds,
//! rebasing the entries queued behind it.

use super::send::Answer;
use crate::model::{CalendarId, EventResource};
use crate::outbox::merge::{content_changed_besides_rsvp, merge3, same_content};
use crate::store::{
    ConflictKind, ConflictValue, EventRekey, LocalWrite, NewConflict, OutboxEntry, OutboxOp,
    RowChange,
};
use serde_json::json;

/// The answer's id is the truth: an insert answered with another id than the one chosen here
/// renames the event locally.
pub(super) fn server_rekey(e: &OutboxEntry, answer: &Answer) -> Option<EventRekey> {
    match answer {
        Answer::Done(Some(r)) | Answer::Server(Some(r))
            if matches!(e.op, OutboxOp::Insert | OutboxOp::Restore)
                && !r.id.as_str().is_empty()
                && r.id != e.event_id =>
        {
            Some(EventRekey {
                from: e.event_id.clone(),
                to: r.id.clone(),
            })
        }
        _ => None,
    }
}

/// An entry as the store holds it after `rekey` (see `Store::write_local`).
pub(super) fn rename_entry(e: &mut OutboxEntry, rekey: &EventRekey) {
    e.event_id = rekey.to.clone();
    for ev in [&mut e.payload.local, &mut e.payload.base]
        .into_iter()
        .flatten()
    {
        if ev.id == rekey.from {
            ev.id = rekey.to.clone();
        }
    }
}

/// Rebases the entries queued behind a settled one: their changes were made on `old`, the
/// event is now `new` (the server's answer, or the merged version still to be sent). A field a
/// follower changed that `new` changed too keeps `new`'s value and the follower's goes into a
/// conflict record, as in any merge. Returns the newest local version.
fn rebase_followers(
    w: &mut LocalWrite,
    followers: &[OutboxEntry],
    old: &EventResource,
    new: &EventResource,
) -> Option<EventResource> {
    let mut last_local = None;
    for f in followers {
        let mut p = f.payload.clone();
        if let Some(l) = &p.local {
            let m = merge3(old, l, new);
            if !m.conflicts.is_empty() {
                w.add_conflicts.push(conflict(
                    f,
                    ConflictKind::BothChanged,
                    ConflictValue {
                        local: Some(l.clone()),
                        server: Some(new.clone()),
                        base: Some(old.clone()),
                        fields: m.conflicts.iter().map(|c| c.field.clone()).collect(),
                        detail: json!({ "conflicts": m.conflicts }),
                    },
                ));
            }
            last_local = Some(m.merged.clone());
            p.local = Some(m.merged);
        }
        p.base = Some(match &p.base {
            Some(b) => merge3(old, b, new).merged,
            None => new.clone(),
        });
        w.update_outbox.push((f.id, p));
    }
    last_local
}

/// The local view after the entry and its followers: the row for the last calendar.
fn row_for(
    e: &OutboxEntry,
    followers: &[OutboxEntry],
    ev: Option<EventResource>,
) -> Option<RowChange> {
    let cal = followers
        .last()
        .map(|f| f.calendar.clone())
        .unwrap_or_else(|| e.calendar.clone());
    let last_op = followers.last().map(|f| f.op).unwrap_or(e.op);
    if last_op == OutboxOp::Delete {
        return None;
    }
    ev.map(|event| RowChange::Upsert {
        calendar: cal,
        event,
    })
}

fn conflict(e: &OutboxEntry, kind: ConflictKind, value: ConflictValue) -> NewConflict {
    NewConflict {
        calendar: e.calendar.clone(),
        event_id: e.event_id.clone(),
        kind,
        value,
    }
}

/// The settlement of one answer, as one local write. Returns the write and counters
/// (pushed, merged, conflicts).
pub(super) fn settle(
    e: &OutboxEntry,
    followers: &[OutboxEntry],
    answer: Answer,
) -> (LocalWrite, (usize, usize, usize)) {
    let mut w = LocalWrite::default();
    let local = e.payload.local.clone();
    match answer {
        Answer::Done(server) => {
            w.remove_outbox.push(e.id);
            if let Some(r) = &server {
                let rebased = match &local {
                    Some(l) if !followers.is_empty() => rebase_followers(&mut w, followers, l, r),
                    _ => None,
                };
                if followers.is_empty() {
                    w.rows.extend(row_for(e, followers, Some(r.clone())));
                } else if let Some(last) = rebased {
                    w.rows.extend(row_for(e, followers, Some(last)));
                }
            }
            (w, (1, 0, 0))
        }
        Answer::Server(None) => match e.op {
            OutboxOp::Delete => {
                w.remove_outbox.push(e.id);
                (w, (1, 0, 0))
            }
            _ => deleted_on_server(e, followers, local),
        },
        Answer::Server(Some(s)) => match e.op {
            OutboxOp::Insert | OutboxOp::Move | OutboxOp::Restore => {
                // The server has the event (an earlier attempt landed): done, followers rebase.
                settle(e, followers, Answer::Done(Some(s)))
            }
            OutboxOp::Delete => delete_over_server_change(e, s),
            OutboxOp::Update => merge_update(e, followers, local, s),
        },
    }
}

/// Google no longer has the event an update or move was for: the local rows go, and the
/// newest local words are kept in a `deleted_on_server` conflict record.
fn deleted_on_server(
    e: &OutboxEntry,
    followers: &[OutboxEntry],
    local: Option<EventResource>,
) -> (LocalWrite, (usize, usize, usize)) {
    let mut w = LocalWrite::default();
    let newest = followers
        .iter()
        .rev()
        .find_map(|f| f.payload.local.clone())
        .or(local);
    w.remove_outbox.push(e.id);
    w.remove_outbox.extend(followers.iter().map(|f| f.id));
    let mut cals: Vec<CalendarId> = vec![e.calendar.clone()];
    cals.extend(followers.iter().map(|f| f.calendar.clone()));
    cals.dedup();
    for c in cals {
        w.rows.push(RowChange::Delete {
            calendar: c,
            event_id: e.event_id.clone(),
        });
    }
    let mut n = 0;
    if newest.is_some() {
        w.add_conflicts.push(conflict(
            e,
            ConflictKind::DeletedOnServer,
            ConflictValue {
                local: newest,
                server: None,
                base: e.payload.base.clone(),
                fields: vec![],
                detail: json!({}),
            },
        ));
        n = 1;
    }
    (w, (0, 1, n))
}

/// A delete met a server version other than its base: it goes through over an RSVP-only
/// change, otherwise the event is kept and the server's change recorded.
fn delete_over_server_change(
    e: &OutboxEntry,
    s: EventResource,
) -> (LocalWrite, (usize, usize, usize)) {
    let mut w = LocalWrite::default();
    let base = e.payload.base.clone().unwrap_or_default();
    if e.payload.base.is_some() && !content_changed_besides_rsvp(&base, &s) {
        // Only bookkeeping or an RSVP changed: delete again, on the new etag.
        let mut p = e.payload.clone();
        p.base = Some(s);
        w.update_outbox.push((e.id, p));
        (w, (0, 1, 0))
    } else {
        w.remove_outbox.push(e.id);
        w.rows.push(RowChange::Upsert {
            calendar: e.calendar.clone(),
            event: s.clone(),
        });
        let fields = crate::outbox::merge::changed_fields(&base, &s)
            .into_iter()
            .map(String::from)
            .collect();
        w.add_conflicts.push(conflict(
            e,
            ConflictKind::ServerEditedDeletedLocally,
            ConflictValue {
                local: None,
                server: Some(s),
                base: e.payload.base.clone(),
                fields,
                detail: json!({}),
            },
        ));
        (w, (0, 1, 1))
    }
}

/// An update met a server version other than its base: the three-way merge decides what is
/// still to send, and the followers rebase on the result.
fn merge_update(
    e: &OutboxEntry,
    followers: &[OutboxEntry],
    local: Option<EventResource>,
    s: EventResource,
) -> (LocalWrite, (usize, usize, usize)) {
    let mut w = LocalWrite::default();
    let base = e.payload.base.clone().unwrap_or_default();
    let l = local.unwrap_or_default();
    let m = merge3(&base, &l, &s);
    let mut n = 0;
    if !m.conflicts.is_empty() {
        w.add_conflicts.push(conflict(
            e,
            ConflictKind::BothChanged,
            ConflictValue {
                local: Some(l.clone()),
                server: Some(s.clone()),
                base: e.payload.base.clone(),
                fields: m.conflicts.iter().map(|c| c.field.clone()).collect(),
                detail: json!({ "conflicts": m.conflicts }),
            },
        ));
        n = 1;
    }
    if same_content(&m.merged, &s) {
        w.remove_outbox.push(e.id);
        let last = if followers.is_empty() {
            Some(s.clone())
        } else {
            rebase_followers(&mut w, followers, &l, &s)
        };
        w.rows.extend(row_for(e, followers, last));
    } else {
        let mut p = e.payload.clone();
        p.base = Some(s);
        p.local = Some(m.merged.clone());
        w.update_outbox.push((e.id, p));
        let last = if followers.is_empty() {
            Some(m.merged.clone())
        } else {
            rebase_followers(&mut w, followers, &l, &m.merged)
        };
        w.rows.extend(row_for(e, followers, last));
    }
    (w, (0, 1, n))
}
