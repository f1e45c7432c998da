//! Running a query over the segments: the matching documents, each placed at the occurrence it
//! shows (a series expanded, or its cached answer), the `limit` nearest to "now" kept, put in
//! date order, and only those decrypted for their titles.

use super::fields::Kind;
use super::fold::query_words;
use super::shown::{instant, shown, Ask};
use super::{Found, SearchHit, SearchQuery, State};
use crate::error::{Error, Result};
use crate::model::EventResource;
use crate::occurrences::instance_of;
use crate::recurrence::OccurrenceTime;
use crate::store::index::CalKey;
use crate::store::{Store, StoredEvent};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// A matching document placed in time.
struct Candidate {
    cal: usize,
    rowid: i64,
    /// Where it sorts: the start of its shown occurrence (UTC seconds).
    key: i64,
}

/// The all-day date a UTC midnight (as the index keeps all-day times) stands for.
fn date_of(midnight: i64) -> chrono::NaiveDate {
    DateTime::from_timestamp(midnight, 0)
        .unwrap_or_default()
        .date_naive()
}

/// A single event's start and end as occurrence times.
fn single_times(start: i64, end: i64, all_day: bool, zone: chrono_tz::Tz) -> [OccurrenceTime; 2] {
    [start, end].map(|t| {
        if all_day {
            OccurrenceTime::Date { date: date_of(t) }
        } else {
            let utc = DateTime::from_timestamp(t, 0).unwrap_or_default();
            OccurrenceTime::Instant {
                utc,
                local: utc.with_timezone(&zone).naive_local(),
            }
        }
    })
}

/// Where a single event sorts, if it overlaps the query's range.
fn single_key(start: i64, end: i64, all_day: bool, ask: &Ask) -> Option<i64> {
    let [s, e] = single_times(start, end, all_day, ask.zone).map(|t| instant(&t, ask.zone));
    let e = e.max(s + chrono::Duration::seconds(1));
    match ask.range {
        Some((from, to)) if !(s < to && e > from) => None,
        _ => Some(s.timestamp()),
    }
}

fn parse_event(plaintext: &[u8]) -> Result<EventResource> {
    serde_json::from_slice(plaintext)
        .map_err(|e| Error::Crypto(format!("a decrypted record is not valid JSON: {e}")))
}

impl State {
    pub(super) fn run(
        &mut self,
        store: &Store,
        query: &SearchQuery,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Found>, usize)> {
        if let Some((from, to)) = query.range {
            if from >= to {
                return Err(Error::invalid_field(
                    "range",
                    "the range must end after it starts",
                ));
            }
        }
        let terms = query_words(&query.text);
        if terms.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let ask = Ask {
            now,
            range: query.range,
            zone: query.zone,
        };
        let mut keys: Vec<CalKey> = self.segments.keys().cloned().collect();
        keys.sort();
        let mut candidates = Vec::new();
        for (cal, key) in keys.iter().enumerate() {
            let seg = &self.segments[key];
            let mut series = Vec::new();
            for d in seg.matching(&terms) {
                let doc = seg.doc(d);
                match doc.kind {
                    Kind::Single {
                        start,
                        end,
                        all_day,
                    } => {
                        if let Some(k) = single_key(start, end, all_day, &ask) {
                            candidates.push(Candidate {
                                cal,
                                rowid: doc.rowid,
                                key: k,
                            });
                        }
                    }
                    Kind::Series => series.push(doc.rowid),
                    Kind::Hidden => {}
                }
            }
            self.place_series(store, key, &series, &ask)?;
            let cache = self.shown.get(key);
            for rowid in series {
                let occ = cache
                    .and_then(|c| c.get(&rowid))
                    .and_then(|c| c.shown.as_ref());
                if let Some(occ) = occ {
                    candidates.push(Candidate {
                        cal,
                        rowid,
                        key: instant(&occ.start, ask.zone).timestamp(),
                    });
                }
            }
        }
        let total = candidates.len();
        let now_s = now.timestamp();
        if candidates.len() > query.limit {
            if query.limit > 0 {
                candidates.select_nth_unstable_by_key(query.limit - 1, |c| {
                    ((c.key - now_s).abs(), c.key, c.cal, c.rowid)
                });
            }
            candidates.truncate(query.limit);
        }
        candidates.sort_unstable_by_key(|c| (c.key, c.cal, c.rowid));
        let found = self.read_hits(store, &keys, &candidates, &ask)?;
        Ok((found, total))
    }

    /// Works out (or finds cached) the shown occurrence of the series `masters` of a calendar.
    fn place_series(
        &mut self,
        store: &Store,
        key: &CalKey,
        masters: &[i64],
        ask: &Ask,
    ) -> Result<()> {
        let cache = self.shown.entry(key.clone()).or_default();
        let stale: Vec<i64> = masters
            .iter()
            .copied()
            .filter(|r| !cache.get(r).is_some_and(|c| c.answers(ask)))
            .collect();
        if stale.is_empty() {
            return Ok(());
        }
        let mut series: Vec<(i64, Vec<EventResource>)> = Vec::with_capacity(stale.len());
        store.open_rows(key, &stale, |row| {
            if let Ok(ev) = parse_event(row.plaintext) {
                series.push((row.rowid, vec![ev]));
            }
        })?;
        let mut exception_rows = Vec::new();
        let mut of_master = HashMap::new();
        for (i, (_, events)) in series.iter().enumerate() {
            of_master.insert(events[0].id.clone(), i);
            exception_rows.extend(store.exception_rows(key, &events[0].id));
        }
        store.open_rows(key, &exception_rows, |row| {
            let Ok(ev) = parse_event(row.plaintext) else {
                return;
            };
            let i = ev
                .recurring_event_id
                .as_ref()
                .and_then(|m| of_master.get(m));
            if let Some(&i) = i {
                series[i].1.push(ev);
            }
        })?;
        for (rowid, events) in series {
            cache.insert(rowid, shown(&events, ask));
        }
        Ok(())
    }

    /// The hits of the chosen candidates, in their order, read from their rows.
    fn read_hits(
        &self,
        store: &Store,
        keys: &[CalKey],
        chosen: &[Candidate],
        ask: &Ask,
    ) -> Result<Vec<Found>> {
        let mut events: HashMap<(usize, i64), EventResource> = HashMap::new();
        for (cal, key) in keys.iter().enumerate() {
            let rows: Vec<i64> = chosen
                .iter()
                .filter(|c| c.cal == cal)
                .map(|c| c.rowid)
                .collect();
            if rows.is_empty() {
                continue;
            }
            store.open_rows(key, &rows, |row| {
                if let Ok(ev) = parse_event(row.plaintext) {
                    events.insert((cal, row.rowid), ev);
                }
            })?;
        }
        let mut out = Vec::with_capacity(chosen.len());
        for c in chosen {
            let key = &keys[c.cal];
            let Some(ev) = events.remove(&(c.cal, c.rowid)) else {
                continue;
            };
            let seg = &self.segments[key];
            let Some(doc) = seg.find(c.rowid).map(|d| seg.doc(d)) else {
                continue;
            };
            let title = ev.summary.clone().unwrap_or_default();
            let (hit_event, series_id, [start, end], all_day) = match doc.kind {
                Kind::Single {
                    start,
                    end,
                    all_day,
                } => (
                    ev,
                    None,
                    single_times(start, end, all_day, ask.zone),
                    all_day,
                ),
                _ => {
                    let cached = self.shown.get(key).and_then(|m| m.get(&c.rowid));
                    let Some(occ) = cached.and_then(|m| m.shown.as_ref()) else {
                        continue;
                    };
                    let series = Some(ev.id.clone());
                    let instance = instance_of(&ev, occ);
                    (instance, series, [occ.start, occ.end], occ.all_day)
                }
            };
            out.push(Found {
                hit: SearchHit {
                    account: key.0.clone(),
                    calendar: key.1.clone(),
                    event_id: hit_event.id.clone(),
                    series_id,
                    title,
                    start,
                    end,
                    all_day,
                    color: None,
                },
                event: StoredEvent {
                    account: key.0.clone(),
                    calendar: key.1.clone(),
                    event: Arc::new(hit_event),
                    pending: false,
                },
            });
        }
        Ok(out)
    }

    /// The shown occurrence of every series, worked out ahead of the first queries.
    pub(super) fn warm(
        &mut self,
        store: &Store,
        now: DateTime<Utc>,
        zone: chrono_tz::Tz,
    ) -> Result<()> {
        let ask = Ask {
            now,
            range: None,
            zone,
        };
        let work: Vec<(CalKey, Vec<i64>)> = self
            .segments
            .iter()
            .map(|(k, s)| {
                let series = s
                    .live()
                    .filter(|d| d.kind == Kind::Series)
                    .map(|d| d.rowid)
                    .collect();
                (k.clone(), series)
            })
            .collect();
        for (key, series) in work {
            self.place_series(store, &key, &series, &ask)?;
        }
        Ok(())
    }
}
