//! Keeping the segments equal to the store: a calendar whose placement index moved on since its
//! segment was brought up to date is compared row by row (row id and digest, nothing
//! decrypted), and only the rows that differ are read. Many changes at once (the first build
//! included) rebuild the segment; a few go to its delta.

use super::fields::{parse, Kind};
use super::segment::{Builder, Doc};
use super::State;
use crate::error::Result;
use crate::store::index::{digest, CalKey};
use crate::store::{OpenedRow, Store};
use std::collections::HashSet;

/// Up to this many changed rows (plus the delta already held) go to the delta; beyond it the
/// segment is rebuilt.
const DELTA_MAX: usize = 1_024;

/// The document of a decrypted row (a row that is not an event is kept, hidden, so it is not
/// read again at every query).
fn read(row: &OpenedRow<'_>) -> (Doc, Option<super::fields::Parsed>) {
    let parsed = parse(row.plaintext, row.cancelled);
    let doc = Doc {
        rowid: row.rowid,
        digest: digest(row.plaintext),
        kind: parsed.as_ref().map_or(Kind::Hidden, |p| p.kind),
        dead: false,
    };
    (doc, parsed)
}

impl State {
    /// Brings every selected calendar's segment up to the store, and drops the others.
    pub(super) fn refresh(&mut self, store: &Store) -> Result<()> {
        let selected: HashSet<CalKey> = store.selected_calendars(None).into_iter().collect();
        self.segments.retain(|k, _| selected.contains(k));
        self.shown.retain(|k, _| selected.contains(k));
        for key in selected {
            let current = self
                .segments
                .get(&key)
                .is_some_and(|s| store.calendar_version(&key) == Some(s.version));
            if !current {
                self.update(store, key)?;
            }
        }
        Ok(())
    }

    fn update(&mut self, store: &Store, key: CalKey) -> Result<()> {
        let started = std::time::Instant::now();
        let rows = store.calendar_rows(&key)?;
        let mut seg = self.segments.remove(&key).unwrap_or_default();
        let changed: Vec<i64> = rows
            .rows
            .iter()
            .filter(|&&(rowid, d)| seg.find(rowid).is_none_or(|i| seg.doc(i).digest != d))
            .map(|&(rowid, _)| rowid)
            .collect();
        let mut in_store: Vec<i64> = rows.rows.iter().map(|&(r, _)| r).collect();
        in_store.sort_unstable();
        let gone: Vec<i64> = seg
            .live()
            .map(|d| d.rowid)
            .filter(|r| in_store.binary_search(r).is_err())
            .collect();
        let n = changed.len() + gone.len();
        if n > 0 {
            self.shown.remove(&key);
            for &r in changed.iter().chain(&gone) {
                seg.remove(r);
            }
        }
        let rebuilt = n > 0 && n + seg.delta_len() > DELTA_MAX;
        if rebuilt {
            let mut b = Builder::default();
            seg.feed(&mut b);
            let read_rows = store.open_rows_map(&key, &changed, |row| read(&row))?;
            for (doc, parsed) in read_rows {
                let d = b.push(doc);
                if let Some(p) = parsed {
                    b.add_words(d, p.words());
                }
            }
            seg = b.finish(rows.version);
        } else {
            store.open_rows(&key, &changed, |row| {
                let (doc, parsed) = read(&row);
                seg.add(
                    doc,
                    parsed.map(|p| p.into_text()).unwrap_or_default().into(),
                );
            })?;
            seg.version = rows.version;
        }
        if n > 0 {
            tracing::debug!(
                changed = changed.len(),
                gone = gone.len(),
                rebuilt,
                ms = started.elapsed().as_millis() as u64,
                "search index brought up to date"
            );
        }
        self.segments.insert(key, seg);
        Ok(())
    }
}
