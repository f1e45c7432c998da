//! A range query in two steps: walk the index (no event decrypted), then decrypt the rows the
//! caller picked. The writer lock is held from the first step to the last, so the rows the index
//! named are still the ones in the table when they are read.

use super::calendars::calendar_exists;
use super::events::{stored, CalendarRef, StoredEvent};
use super::index::{CalKey, Hit, Seen};
use super::outline::Detail;
use super::rows::read_rows;
use super::{Db, Store};
use crate::error::Result;
use crate::model::AccountId;
use std::sync::MutexGuard;

/// The calendars of one range query, indexed, with the writer lock held.
pub(crate) struct RangeReader<'a> {
    store: &'a Store,
    db: MutexGuard<'a, Db>,
    cals: Vec<CalKey>,
}

impl Store {
    /// A reader over the given calendars (default: every selected calendar, optionally of one
    /// account), each indexed if it was not yet.
    pub(crate) fn range_reader(
        &self,
        account: Option<&AccountId>,
        calendars: Option<&[CalendarRef]>,
    ) -> Result<RangeReader<'_>> {
        let cals: Vec<CalKey> = match calendars {
            Some(c) => c
                .iter()
                .filter(|r| account.is_none_or(|a| *a == r.account))
                .map(|r| (r.account.clone(), r.calendar.clone()))
                .collect(),
            None => self.selected_calendars(account),
        };
        let db = self.db();
        for key @ (a, c) in &cals {
            if !self.index_read().calendars.contains_key(key) {
                calendar_exists(&db.conn, a, c)?;
                self.ensure_loaded(&db, a, c)?;
            }
        }
        Ok(RangeReader {
            store: self,
            db,
            cals,
        })
    }
}

impl RangeReader<'_> {
    /// Calls `f` with each row whose placement overlaps `[from, to)` (UTC seconds) and the
    /// index of its calendar.
    pub fn walk(&self, from: i64, to: i64, mut f: impl FnMut(Seen, usize)) {
        let index = self.store.index_read();
        for (i, key) in self.cals.iter().enumerate() {
            if let Some(cal) = index.calendars.get(key) {
                cal.walk(from, to, |seen| f(seen, i));
            }
        }
    }

    /// Decrypts the rows `(hit, calendar index)`, ordered by their keys (then calendar, id),
    /// with their pending marks.
    pub fn read(&self, hits: &[(Hit, usize)], detail: Detail) -> Result<Vec<StoredEvent>> {
        let mut events = read_rows(&self.db, &self.cals, hits, detail)?;
        events.sort_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| a.2.id.cmp(&b.2.id))
        });
        let index = self.store.index_read();
        Ok(events
            .into_iter()
            .map(|(_, i, event)| stored(&index, &self.cals[i], event))
            .collect())
    }
}
