//! Draining the outbox: each entry goes to Google in order (per event), and its answer is
//! settled in one store transaction.
//!
//! - insert: the client-chosen id makes a retry safe; 409 `duplicate` means an earlier attempt
//!   landed, so the event is fetched and the entry is done.
//! - update: `events.patch` with only the changed content fields and `If-Match: <base etag>`.
//!   412 → fetch the server version → three-way merge (`merge.rs`). 404 / 410 → deleted on the
//!   server: the edit becomes a `deleted_on_server` conflict record.
//! - delete: `If-Match: <base etag>`; 410 `deleted` / 404 count as done; 412 → rule 6 of
//!   `merge.rs` (the delete goes through over an RSVP-only change, otherwise the event is kept).
//! - move: `events.move`; 404 / 410 → `deleted_on_server`.
//!
//! Errors the client could not get past after its own retries (offline, 5xx, rate limits,
//! re-auth) leave the entry pending with its error and stop the drain: the next drain (before the
//! next pull, on the next scheduler tick, after the next edit) tries again. Other errors (400,
//! 403 forbidden, …) mark the entry failed with its error; later entries of that event wait
//! until the user retries or discards it, other events go on.

use super::edit::{entries_of, entry_notify, move_source};
use super::merge::{content_changed_besides_rsvp, merge3, patch_body, same_content};
use super::{lock_edit, locks_for};
use crate::error::{Error, ErrorKind, Result};
use crate::google::errors::{is_deleted, is_duplicate, is_not_found, is_precondition_failed};
use crate::google::GoogleClient;
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use crate::store::blocking;
use crate::store::{
    ConflictKind, ConflictValue, EventRekey, LocalWrite, NewConflict, OutboxEntry, OutboxError,
    OutboxId, OutboxOp, OutboxState, RowChange, Store,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;

/// What one drain did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrainReport {
    /// Entries that reached Google (or were found there already).
    pub pushed: usize,
    /// Entries settled by a merge or turned into a conflict record.
    pub merged: usize,
    pub conflicts_recorded: usize,
    /// Entries newly marked failed (need the user: retry or discard).
    pub failed: usize,
    /// Entries still queued when the drain ended.
    pub remaining: usize,
    /// Why the drain stopped early (offline, rate limited, needs re-auth …), as an error kind.
    pub stopped: Option<String>,
    pub requests: usize,
}

/// What Google said about one entry.
enum Answer {
    /// The change is on the server; its version now (`None` after a delete).
    Done(Option<EventResource>),
    /// The server holds something else than the entry's base: this version (`None`: gone).
    Server(Option<EventResource>),
}

fn gone(e: &Error) -> bool {
    is_deleted(e) || is_not_found(e)
}

/// The entry's event as the server has it, after a 412.
async fn fetch(
    client: &GoogleClient,
    calendar: &CalendarId,
    id: &EventId,
    requests: &mut usize,
) -> Result<Answer> {
    *requests += 1;
    match client.get_event(calendar, id).await {
        Ok(ev) if ev.is_cancelled() => Ok(Answer::Server(None)),
        Ok(ev) => Ok(Answer::Server(Some(ev))),
        Err(e) if gone(&e) => Ok(Answer::Server(None)),
        Err(e) => Err(e),
    }
}

async fn send(client: &GoogleClient, e: &OutboxEntry, requests: &mut usize) -> Result<Answer> {
    let su = entry_notify(e).send_updates();
    let cal = &e.calendar;
    let base = e.payload.base.as_ref();
    let if_match = base.and_then(|b| b.etag.as_ref());
    *requests += 1;
    match e.op {
        OutboxOp::Insert => {
            let Some(local) = &e.payload.local else {
                return Err(Error::Internal("an insert without its event".into()));
            };
            if e.attempts > 0 {
                // Sent before without a known answer (lost, or the process ended): a server that
                // assigns its own ids would not refuse a second copy, so look for the first.
                *requests += 1;
                if let Some(found) = client.find_inserted(cal, &e.event_id).await? {
                    return Ok(Answer::Done(Some(found)));
                }
            }
            match client.insert_event(cal, local, su).await {
                Ok(r) => Ok(Answer::Done(Some(r))),
                // Our ids are 128 random bits: a duplicate is our own earlier attempt.
                Err(err) if is_duplicate(&err) => {
                    match fetch(client, cal, &e.event_id, requests).await? {
                        Answer::Server(Some(r)) => Ok(Answer::Done(Some(r))),
                        other => Ok(other),
                    }
                }
                Err(err) => Err(err),
            }
        }
        OutboxOp::Update => {
            let Some(local) = &e.payload.local else {
                return Err(Error::Internal("an update without its event".into()));
            };
            let body = match base {
                Some(b) => patch_body(b, local),
                None => patch_body(&EventResource::default(), local),
            };
            if body.is_empty() {
                *requests -= 1;
                return Ok(Answer::Done(base.cloned()));
            }
            match client
                .patch_event(cal, &e.event_id, &body, if_match, su)
                .await
            {
                Ok(r) if r.is_cancelled() => Ok(Answer::Server(None)),
                Ok(r) => Ok(Answer::Done(Some(r))),
                Err(err) if is_precondition_failed(&err) => {
                    fetch(client, cal, &e.event_id, requests).await
                }
                Err(err) if gone(&err) => Ok(Answer::Server(None)),
                Err(err) => Err(err),
            }
        }
        OutboxOp::Delete => match client.delete_event(cal, &e.event_id, if_match, su).await {
            Ok(()) => Ok(Answer::Done(None)),
            Err(err) if gone(&err) => Ok(Answer::Done(None)),
            Err(err) if is_precondition_failed(&err) => {
                match fetch(client, cal, &e.event_id, requests).await? {
                    Answer::Server(None) => Ok(Answer::Done(None)),
                    other => Ok(other),
                }
            }
            Err(err) => Err(err),
        },
        OutboxOp::Move => {
            let Some(src) = move_source(e) else {
                return Err(Error::Internal("a move without its source".into()));
            };
            match client.move_event(&src, &e.event_id, cal, su).await {
                Ok(r) => Ok(Answer::Done(Some(r))),
                Err(err) if gone(&err) => {
                    // Already moved by an earlier attempt whose answer was lost?
                    match fetch(client, cal, &e.event_id, requests).await? {
                        Answer::Server(Some(r)) => Ok(Answer::Done(Some(r))),
                        _ => Ok(Answer::Server(None)),
                    }
                }
                Err(err) => Err(err),
            }
        }
    }
}

/// The answer's id is the truth: an insert answered with another id than the one chosen here
/// renames the event locally.
fn server_rekey(e: &OutboxEntry, answer: &Answer) -> Option<EventRekey> {
    match answer {
        Answer::Done(Some(r)) | Answer::Server(Some(r))
            if e.op == OutboxOp::Insert && !r.id.as_str().is_empty() && r.id != e.event_id =>
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
fn rename_entry(e: &mut OutboxEntry, rekey: &EventRekey) {
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
fn settle(
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
            _ => {
                // Deleted on the server while edited here: keep the newest local words.
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
        },
        Answer::Server(Some(s)) => match e.op {
            OutboxOp::Insert | OutboxOp::Move => {
                // The server has the event (an earlier attempt landed): done, followers rebase.
                settle(e, followers, Answer::Done(Some(s)))
            }
            OutboxOp::Delete => {
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
                    let fields = super::merge::changed_fields(&base, &s)
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
            OutboxOp::Update => {
                let base = e.payload.base.clone().unwrap_or_default();
                let l = local.clone().unwrap_or_default();
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
        },
    }
}

/// Errors after which the rest of the queue would fail the same way: stop and try later.
fn stops_drain(e: &Error) -> bool {
    e.retryable()
        || matches!(
            e.kind(),
            ErrorKind::NeedsReauth | ErrorKind::QuotaExceeded | ErrorKind::Cancelled
        )
}

/// Sends the account's queued changes to Google, in order per event, until the queue is empty,
/// every remaining entry waits for the user, or Google is unreachable. Safe to call at any time
/// and from several places (calls for one account run one after the other).
///
/// The sync run calls this before it pulls; the app also calls it after each edit.
pub async fn drain_outbox(
    store: &Arc<Store>,
    client: &GoogleClient,
    account: &AccountId,
) -> Result<DrainReport> {
    let locks = locks_for(store, account);
    let _one_drain = locks.drain.lock().await;
    let mut report = DrainReport::default();
    // Each settled answer removes or rewrites an entry; a merge may re-queue one, and another
    // client may keep changing the event, so bound the work of one drain.
    let mut budget = 200usize;
    let mut skip: HashSet<OutboxId> = HashSet::new();
    loop {
        // Pick and claim the next entry, under the edit lock so no edit folds into it meanwhile.
        let (s, a, l, sk) = (store.clone(), account.clone(), locks.clone(), skip.clone());
        let claimed: Option<(OutboxEntry, usize)> = blocking(move || {
            let _g = lock_edit(&l);
            let entries = s.list_outbox(Some(&a))?;
            let mut blocked: HashSet<EventId> = HashSet::new();
            let mut pick = None;
            for e in &entries {
                if blocked.contains(&e.event_id) {
                    continue;
                }
                if matches!(e.state, OutboxState::Failed | OutboxState::Conflict)
                    || sk.contains(&e.id)
                {
                    blocked.insert(e.event_id.clone());
                    continue;
                }
                pick = Some(e.clone());
                break;
            }
            let Some(e) = pick else { return Ok(None) };
            s.set_outbox_state(e.id, OutboxState::Pushing, e.last_error.as_ref(), true)?;
            Ok(Some((e, entries.len())))
        })
        .await?;
        let Some((entry, _queued)) = claimed else {
            break;
        };
        if budget == 0 {
            let s = store.clone();
            let id = entry.id;
            blocking(move || s.set_outbox_state(id, OutboxState::Pending, None, false)).await?;
            report.stopped = Some("busy".into());
            break;
        }
        budget -= 1;

        let answer = match send(client, &entry, &mut report.requests).await {
            Ok(a) => a,
            Err(err) => {
                let stop = stops_drain(&err);
                let state = if stop {
                    OutboxState::Pending
                } else {
                    OutboxState::Failed
                };
                let error = OutboxError {
                    kind: err.kind(),
                    message: err.to_string(),
                };
                tracing::warn!(
                    kind = err.kind().as_str(),
                    op = entry.op.as_str(),
                    stop,
                    "outbox entry not sent"
                );
                let (s, id) = (store.clone(), entry.id);
                blocking(move || s.set_outbox_state(id, state, Some(&error), false)).await?;
                if stop {
                    report.stopped = Some(err.kind().as_str().into());
                    break;
                }
                report.failed += 1;
                skip.insert(entry.id);
                continue;
            }
        };
        let (s, a, l) = (store.clone(), account.clone(), locks.clone());
        let counts = blocking(move || {
            let _g = lock_edit(&l);
            let mut followers: Vec<OutboxEntry> = entries_of(&s, &a, &entry.event_id)?
                .into_iter()
                .filter(|f| f.id > entry.id)
                .collect();
            let rekey = server_rekey(&entry, &answer);
            let mut entry = entry;
            if let Some(r) = &rekey {
                tracing::info!(
                    op = entry.op.as_str(),
                    "the server gave the event an id of its own; renaming it here"
                );
                for e in std::iter::once(&mut entry).chain(followers.iter_mut()) {
                    rename_entry(e, r);
                }
            }
            let (mut w, counts) = settle(&entry, &followers, answer);
            w.rekey = rekey;
            s.write_local(&a, &w)?;
            Ok((counts.0, counts.1, w.add_conflicts.len()))
        })
        .await?;
        report.pushed += counts.0;
        report.merged += counts.1;
        report.conflicts_recorded += counts.2;
    }
    let (s, a) = (store.clone(), account.clone());
    report.remaining = blocking(move || s.pending_count(Some(&a))).await?;
    tracing::debug!(
        pushed = report.pushed,
        merged = report.merged,
        remaining = report.remaining,
        "outbox drained"
    );
    Ok(report)
}

/// Settles server versions a pull brought for events with queued local changes (the store
/// leaves those rows alone and hands the versions back as `PageOutcome::held`). Each is merged
/// with its event's first queued entry by the same rules as a 412 answer. Entries being sent
/// right now are left to the pusher, which will meet the change as a 412. Returns how many
/// conflict records were written.
pub fn merge_held(store: &Store, account: &AccountId, held: &[EventResource]) -> Result<usize> {
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let mut conflicts = 0;
    for s in held {
        let entries = entries_of(store, account, &s.id)?;
        let Some(first) = entries.first() else {
            continue;
        };
        if first.state == OutboxState::Pushing {
            continue;
        }
        let base_etag = first.payload.base.as_ref().and_then(|b| b.etag.as_ref());
        if base_etag.is_some() && base_etag == s.etag.as_ref() {
            continue;
        }
        if first.op == OutboxOp::Insert && s.is_cancelled() {
            // Our insert landed and was deleted since: rule 5 applies as for an edit.
        } else if first.op == OutboxOp::Insert || first.op == OutboxOp::Move {
            // Let the pusher confirm inserts and moves; a pull alone does not settle them.
            continue;
        }
        let answer = if s.is_cancelled() {
            Answer::Server(None)
        } else {
            Answer::Server(Some(s.clone()))
        };
        let (w, _) = settle(first, &entries[1..], answer);
        store.write_local(account, &w)?;
        conflicts += w.add_conflicts.len();
    }
    Ok(conflicts)
}

/// Marks entries a crashed process left in `pushing` as pending again (they are sent once more;
/// the insert id, `If-Match` and the 409/410/412 rules make that safe).
pub fn reset_interrupted(store: &Store, account: &AccountId) -> Result<usize> {
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let mut n = 0;
    for e in store.list_outbox(Some(account))? {
        if e.state == OutboxState::Pushing {
            store.set_outbox_state(e.id, OutboxState::Pending, e.last_error.as_ref(), false)?;
            n += 1;
        }
    }
    Ok(n)
}

/// The sync run's hook before it pulls: sends what is queued; a failure is logged (the pull
/// then goes ahead and the entries stay queued for the next time).
pub async fn drain_before_pull(store: &Arc<Store>, client: &GoogleClient, account: &AccountId) {
    match drain_outbox(store, client, account).await {
        Ok(r) if r.stopped.is_some() => {
            tracing::info!(
                stopped = r.stopped.as_deref(),
                remaining = r.remaining,
                "outbox not fully sent before the pull"
            )
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(
            kind = e.kind().as_str(),
            "outbox drain before the pull failed"
        ),
    }
}

/// The sync engine's hook after each stored page: merges the server versions the page held
/// back (see [`merge_held`]) and passes the outcome on. A failure here is logged, not fatal:
/// the page is committed, and the next push meets the same change as a 412.
pub fn settle_held(
    store: &Store,
    account: &AccountId,
    outcome: crate::store::PageOutcome,
) -> crate::store::PageOutcome {
    if !outcome.held.is_empty() {
        if let Err(e) = merge_held(store, account, &outcome.held) {
            tracing::warn!(
                kind = e.kind().as_str(),
                "merging server changes into queued edits failed"
            );
        }
    }
    outcome
}
