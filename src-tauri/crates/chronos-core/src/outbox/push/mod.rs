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

mod send;
mod settle;

use super::edit::entries_of;
use super::restore;
use super::{lock_edit, locks_for, AccountLocks};
use crate::error::{Error, ErrorKind, Result};
use crate::google::GoogleClient;
use crate::model::{AccountId, EventId, EventResource};
use crate::store::blocking;
use crate::store::{OutboxEntry, OutboxError, OutboxId, OutboxOp, OutboxState, Store};
use send::{send, Answer};
use serde::Serialize;
use settle::{rename_entry, server_rekey, settle};
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
        let (s, a, l, sk) = (store.clone(), account.clone(), locks.clone(), skip.clone());
        let claimed = blocking(move || claim_next(&s, &a, &l, &sk)).await?;
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
        let counts = blocking(move || settle_answer(&s, &a, &l, entry, answer)).await?;
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

/// Picks and claims (marks `pushing`) the next entry to send: the oldest of an event whose
/// entries are not held by a failed or conflicted one, nor skipped in this drain. Under the
/// edit lock, so no edit folds into it meanwhile. Also returns how many entries are queued.
fn claim_next(
    store: &Store,
    account: &AccountId,
    locks: &AccountLocks,
    skip: &HashSet<OutboxId>,
) -> Result<Option<(OutboxEntry, usize)>> {
    let _g = lock_edit(locks);
    let entries = store.list_outbox(Some(account))?;
    let mut blocked: HashSet<EventId> = HashSet::new();
    let mut pick = None;
    for e in &entries {
        if blocked.contains(&e.event_id) {
            continue;
        }
        if matches!(e.state, OutboxState::Failed | OutboxState::Conflict) || skip.contains(&e.id) {
            blocked.insert(e.event_id.clone());
            continue;
        }
        pick = Some(e.clone());
        break;
    }
    let Some(e) = pick else { return Ok(None) };
    store.set_outbox_state(e.id, OutboxState::Pushing, e.last_error.as_ref(), true)?;
    Ok(Some((e, entries.len())))
}

/// Settles Google's answer to `entry` in one local write (renaming the event first when the
/// server chose its id). Returns the counters (pushed, merged, conflicts recorded).
fn settle_answer(
    store: &Store,
    account: &AccountId,
    locks: &AccountLocks,
    entry: OutboxEntry,
    answer: Answer,
) -> Result<(usize, usize, usize)> {
    let _g = lock_edit(locks);
    let mut followers: Vec<OutboxEntry> = entries_of(store, account, &entry.event_id)?
        .into_iter()
        .filter(|f| f.id > entry.id)
        .collect();
    let rekey = server_rekey(&entry, &answer);
    let original = entry.clone();
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
    let restored = match (&answer, entry.op) {
        (Answer::Done(Some(r)), OutboxOp::Restore) => restore::restored(&original, r),
        _ => None,
    };
    let (mut w, counts) = settle(&entry, &followers, answer);
    w.rekey = rekey;
    w.trash_updates.extend(restored);
    store.write_local(account, &w)?;
    Ok((counts.0, counts.1, w.add_conflicts.len()))
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
        } else if matches!(
            first.op,
            OutboxOp::Insert | OutboxOp::Move | OutboxOp::Restore
        ) {
            // Let the pusher confirm inserts, moves and restores; a pull alone does not settle
            // them.
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
