//! Reading a calendar's rows for something kept in memory beside the store (the search index):
//! which rows exist and their digests, then the plaintext of chosen rows, a chunk at a time so
//! the writer lock is never held for a whole calendar.

use super::calendars::calendar_exists;
use super::index::CalKey;
use super::rows::{event_aad, spread};
use super::{Db, Store};
use crate::error::Result;
use crate::model::EventId;

/// Rows read under the writer lock at a time; their decryption happens after it is released.
const CHUNK: usize = 2_048;

/// The rows of one calendar as the index files them, at one version of it.
pub(crate) struct CalendarRows {
    pub version: u64,
    /// `(rowid, digest)`, in no particular order.
    pub rows: Vec<(i64, u64)>,
}

/// One decrypted row, lent to the caller (the plaintext is wiped after).
pub(crate) struct OpenedRow<'a> {
    pub rowid: i64,
    /// The row is a cancelled instance of a series.
    pub cancelled: bool,
    pub plaintext: &'a [u8],
}

impl Store {
    /// The version of a calendar's placement index, `None` while it is not indexed.
    pub(crate) fn calendar_version(&self, key: &CalKey) -> Option<u64> {
        self.index_read().calendars.get(key).map(|c| c.version())
    }

    /// Every row of a calendar with its digest (indexing the calendar if it was not yet).
    pub(crate) fn calendar_rows(&self, key: &CalKey) -> Result<CalendarRows> {
        if self.calendar_version(key).is_none() {
            let db = self.db();
            calendar_exists(&db.conn, &key.0, &key.1)?;
            self.ensure_loaded(&db, &key.0, &key.1)?;
        }
        let index = self.index_read();
        Ok(index
            .calendars
            .get(key)
            .map(|c| CalendarRows {
                version: c.version(),
                rows: c.rows().collect(),
            })
            .unwrap_or(CalendarRows {
                version: 0,
                rows: Vec::new(),
            }))
    }

    /// The exception rows of a series.
    pub(crate) fn exception_rows(&self, key: &CalKey, master: &EventId) -> Vec<i64> {
        self.index_read()
            .calendars
            .get(key)
            .map(|c| c.exception_rows(master))
            .unwrap_or_default()
    }

    /// Decrypts the given rows of one calendar and maps each with `map`, spread over the cores
    /// (what the search index reads from a row is most of the work); rows deleted in the
    /// meantime are left out. Order follows `rowids` within each chunk.
    pub(crate) fn open_rows_map<U: Send>(
        &self,
        key: &CalKey,
        rowids: &[i64],
        map: impl Fn(OpenedRow<'_>) -> U + Sync,
    ) -> Result<Vec<U>> {
        let (account, calendar) = key;
        let mut out = Vec::with_capacity(rowids.len());
        for chunk in rowids.chunks(CHUNK) {
            let db = self.db();
            let sealed = sealed_rows(&db, key, chunk)?;
            let keys = &db.keys;
            let map = &map;
            out.extend(spread(sealed, 256, |rows| {
                rows.into_iter()
                    .map(|(rowid, id, cancelled, blob)| {
                        let plaintext = keys.open(
                            &event_aad(&[account.as_str(), calendar.as_str(), &id]),
                            &blob,
                        )?;
                        Ok(map(OpenedRow {
                            rowid,
                            cancelled,
                            plaintext: &plaintext,
                        }))
                    })
                    .collect()
            })?);
        }
        Ok(out)
    }

    /// Decrypts the given rows of one calendar and hands each to `f`; rows deleted in the
    /// meantime are left out. The writer lock is held for one chunk of rows at a time (their
    /// decryption included: it is a few milliseconds).
    pub(crate) fn open_rows(
        &self,
        key: &CalKey,
        rowids: &[i64],
        mut f: impl FnMut(OpenedRow<'_>),
    ) -> Result<()> {
        let (account, calendar) = key;
        for chunk in rowids.chunks(CHUNK) {
            let db = self.db();
            let sealed = sealed_rows(&db, key, chunk)?;
            for (rowid, id, cancelled, blob) in sealed {
                let plaintext = db.keys.open(
                    &event_aad(&[account.as_str(), calendar.as_str(), &id]),
                    &blob,
                )?;
                f(OpenedRow {
                    rowid,
                    cancelled,
                    plaintext: &plaintext,
                });
            }
        }
        Ok(())
    }
}

/// A sealed row as read for the index: row id, event id, cancelled, blob.
type SealedRow = (i64, String, bool, Vec<u8>);

/// The sealed rows of `chunk` that still belong to the calendar `key`.
fn sealed_rows(db: &Db, key: &CalKey, chunk: &[i64]) -> Result<Vec<SealedRow>> {
    let (account, calendar) = key;
    let ids: Vec<rusqlite::types::Value> = chunk
        .iter()
        .map(|&r| rusqlite::types::Value::Integer(r))
        .collect();
    // By row id alone: naming the calendar too lets SQLite walk the calendar's whole index
    // instead of looking the rows up.
    let mut stmt = db.conn.prepare_cached(
        "SELECT rowid, event_id, cancelled, blob, account, calendar_id FROM events
         WHERE rowid IN rarray(?1)",
    )?;
    let mut rows = stmt.query([std::rc::Rc::new(ids)])?;
    let mut out = Vec::with_capacity(chunk.len());
    while let Some(r) = rows.next()? {
        let (a, c): (String, String) = (r.get(4)?, r.get(5)?);
        if a == account.as_str() && c == calendar.as_str() {
            out.push((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
        }
    }
    Ok(out)
}
