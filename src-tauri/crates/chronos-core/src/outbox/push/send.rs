//! One entry sent to Google, and what Google answered.

use crate::error::{Error, ErrorKind, Result};
use crate::google::errors::{is_deleted, is_duplicate, is_not_found, is_precondition_failed};
use crate::google::{GoogleClient, SendUpdates};
use crate::model::{CalendarId, Etag, EventId, EventResource};
use crate::outbox::edit::{entry_notify, move_source};
use crate::outbox::merge::patch_body;
use crate::outbox::restore::{copy_id, restored_copy};
use crate::store::{OutboxEntry, OutboxOp};

/// What Google said about one entry.
pub(super) enum Answer {
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

pub(super) async fn send(
    client: &GoogleClient,
    e: &OutboxEntry,
    requests: &mut usize,
) -> Result<Answer> {
    let su = entry_notify(e).send_updates();
    let cal = &e.calendar;
    let base = e.payload.base.as_ref();
    let if_match = base.and_then(|b| b.etag.as_ref());
    *requests += 1;
    match e.op {
        OutboxOp::Insert => insert(client, e, su, requests).await,
        OutboxOp::Update => update(client, e, su, if_match, requests).await,
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
        OutboxOp::Restore => restore(client, e, su, requests).await,
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

/// Sends an insert; a retry first looks for the copy an earlier attempt may have left.
async fn insert(
    client: &GoogleClient,
    e: &OutboxEntry,
    su: SendUpdates,
    requests: &mut usize,
) -> Result<Answer> {
    let cal = &e.calendar;
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
        Err(err) if is_duplicate(&err) => match fetch(client, cal, &e.event_id, requests).await? {
            Answer::Server(Some(r)) => Ok(Answer::Done(Some(r))),
            other => Ok(other),
        },
        Err(err) => Err(err),
    }
}

/// Sends an update as a patch of the fields changed since its base, on the base's etag.
async fn update(
    client: &GoogleClient,
    e: &OutboxEntry,
    su: SendUpdates,
    if_match: Option<&Etag>,
    requests: &mut usize,
) -> Result<Answer> {
    let cal = &e.calendar;
    let base = e.payload.base.as_ref();
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
        Err(err) if is_precondition_failed(&err) => fetch(client, cal, &e.event_id, requests).await,
        Err(err) if gone(&err) => Ok(Answer::Server(None)),
        Err(err) => Err(err),
    }
}

/// Sends a restore: the event's tombstone set back to `confirmed` on its current etag; where it
/// is gone or not ours to change, a copy with the saved content under the entry's copy id (a
/// retry meets its own copy as a 409).
async fn restore(
    client: &GoogleClient,
    e: &OutboxEntry,
    su: SendUpdates,
    requests: &mut usize,
) -> Result<Answer> {
    let cal = &e.calendar;
    let Some(saved) = &e.payload.local else {
        return Err(Error::Internal("a restore without its event".into()));
    };
    let confirmed: serde_json::Map<String, serde_json::Value> =
        [("status".to_owned(), serde_json::json!("confirmed"))]
            .into_iter()
            .collect();
    let refused = |err: &Error| gone(err) || err.kind() == ErrorKind::Forbidden;
    // A 412 means someone changed the tombstone between our read and our write: read again.
    for _ in 0..3 {
        let tomb = match client.get_event(cal, &e.event_id).await {
            Ok(ev) if !ev.is_cancelled() => return Ok(Answer::Done(Some(ev))),
            Ok(ev) => ev,
            Err(err) if refused(&err) => break,
            Err(err) => return Err(err),
        };
        *requests += 1;
        match client
            .patch_event(cal, &e.event_id, &confirmed, tomb.etag.as_ref(), su)
            .await
        {
            Ok(r) if !r.is_cancelled() => return Ok(Answer::Done(Some(r))),
            Ok(_) => break,
            Err(err) if is_precondition_failed(&err) => *requests += 1,
            Err(err) if refused(&err) => break,
            Err(err) => return Err(err),
        }
    }
    let Some(id) = copy_id(e) else {
        return Err(Error::Internal("a restore without its copy id".into()));
    };
    *requests += 1;
    match client
        .insert_event(cal, &restored_copy(saved, id.clone()), su)
        .await
    {
        Ok(r) => Ok(Answer::Done(Some(r))),
        Err(err) if is_duplicate(&err) => {
            *requests += 1;
            Ok(Answer::Done(Some(client.get_event(cal, &id).await?)))
        }
        Err(err) => Err(err),
    }
}
