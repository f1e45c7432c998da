//! One event row: making it ready (digest, placement, seal), writing it, deleting it, the index
//! change each write implies, and reading rows back (a range's rows, an old row's meta).

use super::crypto::{Aad, KeySet, RecordKind, Sealer};
use super::incoming::IncomingEvent;
use super::index::{digest, placement, CalKey, CalendarIndex, Hit, Placement, RowMeta};
use super::outline::Detail;
use super::{Db, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, EventId, EventResource};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) enum IndexOp {
    Upsert {
        id: EventId,
        master: Option<EventId>,
        meta: RowMeta,
    },
    Remove(EventId),
}

pub(crate) fn event_aad<'a>(parts: &'a [&'a str; 3]) -> Aad<'a> {
    Aad {
        kind: RecordKind::Event,
        parts,
    }
}

pub(super) fn meta_aad<'a>(parts: &'a [&'a str; 3]) -> Aad<'a> {
    Aad {
        kind: RecordKind::EventMeta,
        parts,
    }
}

/// An event made ready for its row: the digest and placement of its plaintext, and (unless it
/// was found unchanged) its sealed blob and sealed meta.
pub(crate) struct Prepared {
    pub(super) digest: u64,
    pub(super) placement: Placement,
    pub(super) sealed: Option<(Vec<u8>, Vec<u8>)>,
}

impl Prepared {
    #[cfg(test)]
    pub(crate) fn sealed_blob(&self) -> Option<&[u8]> {
        self.sealed.as_ref().map(|(blob, _)| blob.as_slice())
    }
}

/// Digests an incoming event's bytes and, unless `unchanged` says that digest is stored
/// already, seals them with its index entry.
pub(super) fn prepare(
    sealer: &Sealer,
    account: &AccountId,
    calendar: &CalendarId,
    ev: &IncomingEvent,
    unchanged: impl FnOnce(u64) -> bool,
) -> Prepared {
    let digest = digest(ev.bytes());
    let sealed = (!unchanged(digest)).then(|| {
        let parts = [account.as_str(), calendar.as_str(), ev.id.as_str()];
        let blob = sealer.seal(&event_aad(&parts), ev.bytes());
        let meta = sealer.seal(
            &meta_aad(&parts),
            &RowMeta::encode_sealed_part(&ev.placement, digest),
        );
        (blob, meta)
    });
    Prepared {
        digest,
        placement: ev.placement,
        sealed,
    }
}

/// Writes one event row (sealed, with its sealed index entry) with the given sweep mark; the
/// index change to apply after the commit.
pub(crate) fn upsert_row(
    tx: &Transaction<'_>,
    keys: &KeySet,
    account: &AccountId,
    calendar: &CalendarId,
    ev: &EventResource,
    generation: i64,
) -> Result<IndexOp> {
    let incoming = IncomingEvent::from_event(ev)?;
    let prepared = prepare(&keys.sealer(), account, calendar, &incoming, |_| false);
    write_row(
        tx,
        (account, calendar, None),
        &incoming,
        generation,
        prepared,
    )
}

/// Writes one event row from its prepared (sealed) form: an update of the row the index names,
/// else an insert (an upsert if the row turns out to exist after all).
pub(super) fn write_row(
    tx: &Transaction<'_>,
    (account, calendar, row): (&AccountId, &CalendarId, Option<i64>),
    ev: &IncomingEvent,
    generation: i64,
    prepared: Prepared,
) -> Result<IndexOp> {
    let Some((blob, meta)) = prepared.sealed else {
        return Err(Error::Internal("an event row written unsealed".into()));
    };
    let (etag, recurring) = (
        ev.etag.as_ref().map(|e| e.as_str()),
        ev.recurring_event_id.as_ref().map(|e| e.as_str()),
    );
    // By row id: no lookup in the unique index, no conflict clause to evaluate.
    let update = |rowid: i64| -> Result<i64> {
        tx.prepare_cached(
            "UPDATE events SET etag = ?2, updated = ?3, cancelled = ?4, recurring_event_id = ?5,
               generation = ?6, blob = ?7, meta = ?8 WHERE rowid = ?1",
        )?
        .execute(params![
            rowid,
            etag,
            ev.updated,
            ev.cancelled,
            recurring,
            generation,
            blob,
            meta
        ])?;
        Ok(rowid)
    };
    let rowid = match row {
        Some(rowid) => update(rowid)?,
        None => {
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO events (account, calendar_id, event_id, etag, updated, cancelled, recurring_event_id, generation, blob, meta)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    account.as_str(),
                    calendar.as_str(),
                    ev.id.as_str(),
                    etag,
                    ev.updated,
                    ev.cancelled,
                    recurring,
                    generation,
                    blob,
                    meta
                ]);
            match inserted {
                Ok(_) => tx.last_insert_rowid(),
                // The row exists after all (a caller without the index): update it in place.
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                {
                    update(tx.query_row(
                        "SELECT rowid FROM events WHERE account = ?1 AND calendar_id = ?2 AND event_id = ?3",
                        params![account.as_str(), calendar.as_str(), ev.id.as_str()],
                        |r| r.get(0),
                    )?)?
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    Ok(IndexOp::Upsert {
        id: ev.id.clone(),
        master: ev.recurring_event_id.clone(),
        meta: RowMeta {
            rowid,
            placement: prepared.placement,
            digest: prepared.digest,
        },
    })
}

/// Prepares, before the writer lock is taken, the events of a page that will probably be
/// written: one slot per event, `None` where the event will not be written (no id, a deletion,
/// a held row). An event whose digest equals the stored one is not sealed. Under the lock the
/// page is decided again; a slot is only a head start (everything is sealed again there when
/// the current key changed in between).
pub(crate) fn preseal(
    store: &Store,
    sealer: &Sealer,
    account: &AccountId,
    calendar: &CalendarId,
    events: &[IncomingEvent],
) -> Vec<Option<Prepared>> {
    let key: CalKey = (account.clone(), calendar.clone());
    let index = store.index_read();
    let cal = index.calendars.get(&key);
    let mut out = Vec::with_capacity(events.len());
    for ev in events {
        // Mirrors the decisions of `commit_page`: no id, a deletion, or a held row.
        let deleted = ev.cancelled && !ev.exception;
        let write_likely =
            !ev.id.as_str().is_empty() && !deleted && !index.is_pending(account, calendar, &ev.id);
        out.push(write_likely.then(|| {
            let stored = cal.and_then(|c| c.get(&ev.id)).map(|(_, d)| d);
            prepare(sealer, account, calendar, ev, |d| stored == Some(d))
        }));
    }
    out
}

pub(crate) fn delete_row(
    tx: &Transaction<'_>,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "DELETE FROM events WHERE account = ?1 AND calendar_id = ?2 AND event_id = ?3",
        )?
        .execute(params![account.as_str(), calendar.as_str(), id.as_str()])?
        == 1)
}

/// A row as it was when a sync removed it: its sealed event, whether it was a cancelled
/// occurrence, and the series it belonged to.
pub(crate) struct GoneRow {
    pub blob: Vec<u8>,
    pub cancelled: bool,
    pub master: Option<EventId>,
}

/// Deletes a row and hands back what it held (the same one statement as `delete_row`, so a sync
/// pays nothing more for a deletion it would make anyway).
pub(crate) fn take_row(
    tx: &Transaction<'_>,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
) -> Result<Option<GoneRow>> {
    Ok(tx
        .prepare_cached(
            "DELETE FROM events WHERE account = ?1 AND calendar_id = ?2 AND event_id = ?3
             RETURNING blob, cancelled, recurring_event_id",
        )?
        .query_row(
            params![account.as_str(), calendar.as_str(), id.as_str()],
            |r| {
                Ok(GoneRow {
                    blob: r.get(0)?,
                    cancelled: r.get(1)?,
                    master: r.get::<_, Option<String>>(2)?.map(EventId),
                })
            },
        )
        .optional()?)
}

pub(crate) fn current_generation(
    conn: &Connection,
    account: &AccountId,
    calendar: &CalendarId,
) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT generation FROM sync_state WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str()],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

pub(super) fn mark_seen(tx: &Transaction<'_>, rowid: i64, stamp: i64) -> Result<()> {
    tx.prepare_cached("UPDATE events SET generation = ?2 WHERE rowid = ?1 AND generation <> ?2")?
        .execute(params![rowid, stamp])?;
    Ok(())
}

/// Indexes rows that have no (readable) meta from their content, and writes their meta.
pub(super) fn backfill_meta(
    db: &Db,
    account: &AccountId,
    calendar: &CalendarId,
    stale: Vec<(i64, EventId, Option<EventId>)>,
    ci: &mut CalendarIndex,
) -> Result<()> {
    let tx = db.conn.unchecked_transaction()?;
    for (rowid, id, master) in stale {
        let blob: Vec<u8> = tx
            .prepare_cached("SELECT blob FROM events WHERE rowid = ?1")?
            .query_row([rowid], |r| r.get(0))?;
        let parts = [account.as_str(), calendar.as_str(), id.as_str()];
        let plain = db.keys.open(&event_aad(&parts), &blob)?;
        let ev: EventResource = serde_json::from_slice(&plain)
            .map_err(|e| Error::Crypto(format!("a decrypted record is not valid JSON: {e}")))?;
        if ev.id != id {
            return Err(Error::Crypto(format!(
                "event row {id} holds a record for another id"
            )));
        }
        let meta = RowMeta {
            rowid,
            placement: placement(&ev),
            digest: digest(&plain),
        };
        let sealed = db.keys.seal(
            &meta_aad(&parts),
            &RowMeta::encode_sealed_part(&meta.placement, meta.digest),
        );
        tx.prepare_cached("UPDATE events SET meta = ?2 WHERE rowid = ?1")?
            .execute(params![rowid, sealed])?;
        ci.upsert(id, master, meta);
    }
    tx.commit()?;
    Ok(())
}

/// A row to open: its sort key, its calendar's position, its id and its sealed bytes.
type SealedRow = (i64, usize, String, Vec<u8>);
/// An opened row: its sort key, its calendar's position, the event.
type OpenedRow = (i64, usize, Arc<EventResource>);

/// Decrypts the rows a range query found (`(hit, index into cals)`), spreading a large range
/// over the cores: each is the cost of a row read, a decryption and a parse.
pub(super) fn read_rows(
    db: &Db,
    cals: &[CalKey],
    hits: &[(Hit, usize)],
    detail: Detail,
) -> Result<Vec<OpenedRow>> {
    let mut rows: Vec<SealedRow> = Vec::with_capacity(hits.len());
    {
        let by_row: HashMap<i64, (i64, usize)> =
            hits.iter().map(|(h, i)| (h.rowid, (h.key, *i))).collect();
        let ids: Vec<rusqlite::types::Value> = hits
            .iter()
            .map(|(h, _)| rusqlite::types::Value::Integer(h.rowid))
            .collect();
        let mut stmt = db.conn.prepare_cached(
            "SELECT rowid, event_id, blob FROM events WHERE rowid IN rarray(?1) ORDER BY rowid",
        )?;
        let mut found = stmt.query([std::rc::Rc::new(ids)])?;
        while let Some(r) = found.next()? {
            let rowid: i64 = r.get(0)?;
            let (key, i) = by_row[&rowid];
            rows.push((key, i, r.get(1)?, r.get(2)?));
        }
    }
    if rows.len() != hits.len() {
        return Err(Error::Internal(format!(
            "the index named {} rows, the table has {}",
            hits.len(),
            rows.len()
        )));
    }
    let keys = &db.keys;
    // A big range never holds every blob and every event at once.
    let open_rows = |chunk: Vec<SealedRow>| -> Result<Vec<OpenedRow>> {
        chunk
            .into_iter()
            .map(|(k, i, id, blob)| {
                let (account, calendar) = &cals[i];
                let plain = keys.open(
                    &event_aad(&[account.as_str(), calendar.as_str(), &id]),
                    &blob,
                )?;
                drop(blob);
                let ev = super::outline::parse(detail, &plain).map_err(|e| {
                    Error::Crypto(format!("a decrypted record is not valid JSON: {e}"))
                })?;
                if ev.id.as_str() != id {
                    return Err(Error::Crypto(format!(
                        "event row {id} holds a record for another id"
                    )));
                }
                Ok((k, i, Arc::new(ev)))
            })
            .collect()
    };
    open_spread(rows, open_rows)
}

/// Opens `rows` with `open`, spread over the cores (see `spread`).
fn open_spread(
    rows: Vec<SealedRow>,
    open: impl Fn(Vec<SealedRow>) -> Result<Vec<OpenedRow>> + Sync,
) -> Result<Vec<OpenedRow>> {
    spread(rows, 2_000, open)
}

/// Maps `items` with `f`, spread over the cores when there are at least `min` of them (fewer
/// are not worth a thread each), keeping their order. Each chunk is handed over by value, so
/// what it holds goes as it is mapped.
pub(super) fn spread<T: Send, U: Send>(
    mut items: Vec<T>,
    min: usize,
    f: impl Fn(Vec<T>) -> Result<Vec<U>> + Sync,
) -> Result<Vec<U>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || items.len() < min {
        return f(items);
    }
    let chunk = items.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    while items.len() > chunk {
        let rest = items.split_off(chunk);
        chunks.push(std::mem::replace(&mut items, rest));
    }
    chunks.push(items);
    let total = chunks.iter().map(Vec::len).sum();
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| scope.spawn(move || f(c)))
            .collect();
        let mut out = Vec::with_capacity(total);
        for h in handles {
            out.extend(
                h.join()
                    .map_err(|_| Error::Internal("row reader thread panicked".into()))??,
            );
        }
        Ok(out)
    })
}
