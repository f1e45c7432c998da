//! Search as front ends call it: the engine's index over every selected calendar, built in the
//! background after start-up and kept current as the engine reports changed events.

use super::Chronos;
use crate::error::Result;
use crate::feed::EngineEvent;
use crate::search::{Found, SearchQuery, SearchResults};
use crate::store::{blocking, StoredCalendar};
use crate::view::event::view;
use crate::view::OpenConflicts;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

/// How long after start-up the background build of the search index begins.
const FIRST_BUILD_AFTER: Duration = Duration::from_secs(5);

/// Changes come in bursts (a sync's pages): the index catches up once the burst settles.
const SETTLE: Duration = Duration::from_millis(500);

impl Chronos {
    /// Searches every selected calendar of every account, all history: the hits in date order,
    /// at most `query.limit` of them (those nearest to the engine's "now"), with the number that
    /// matched. A recurring series is one hit, at its next occurrence from now (or its last, if
    /// it has ended), within `query.range` when given.
    ///
    /// A query made while the index is being built, or brought up to date after a change,
    /// waits for it; the first query of an engine whose index was never built builds it.
    /// The answer always reflects the store as it is when the query runs.
    pub async fn search(&self, query: SearchQuery) -> Result<SearchResults> {
        let store = self.inner.store.clone();
        let index = self.inner.search.clone();
        let now = self.inner.clock.now();
        let started = std::time::Instant::now();
        let (found, total) = blocking(move || index.find(&store, &query, now)).await?;
        let hits = self.coloured(found).await?;
        tracing::debug!(
            hits = hits.len(),
            total,
            ms = started.elapsed().as_millis() as u64,
            "search"
        );
        Ok(SearchResults { hits, total })
    }

    /// Bytes the search index holds in memory.
    pub fn search_index_bytes(&self) -> usize {
        self.inner.search.heap_bytes()
    }

    /// Builds the search index in the background, then brings it up to date whenever the engine
    /// reports changed events (after a short settling time). Stops with the engine. Called by
    /// [`Chronos::start_scheduler`]; calling it again starts a second, redundant watcher.
    pub fn start_search_index(&self) {
        let weak = self.downgrade();
        let mut changes = self.feed().subscribe().events;
        tokio::spawn(async move {
            // Start-up first: the build reads every event on every core, and the first month
            // and the start-up sync come before it. A search meanwhile builds what it needs.
            tokio::time::sleep(FIRST_BUILD_AFTER).await;
            loop {
                let Some(me) = weak.upgrade() else {
                    return;
                };
                let (store, index, clock) = (
                    me.inner.store.clone(),
                    me.inner.search.clone(),
                    me.inner.clock.clone(),
                );
                drop(me);
                let started = std::time::Instant::now();
                let built = blocking(move || {
                    index.refresh(&store)?;
                    index.warm(&store, clock.now(), crate::zone::system_zone())?;
                    Ok(index.len())
                })
                .await;
                match built {
                    Ok(documents) => tracing::debug!(
                        documents,
                        ms = started.elapsed().as_millis() as u64,
                        "search index ready"
                    ),
                    Err(e) => tracing::warn!(
                        kind = e.kind().as_str(),
                        "search index not brought up to date; the next query tries again"
                    ),
                }
                loop {
                    match changes.recv().await {
                        Ok(EngineEvent::EventsChanged { .. })
                        | Ok(EngineEvent::AccountRemoved { .. })
                        | Err(RecvError::Lagged(_)) => break,
                        Ok(_) => continue,
                        Err(RecvError::Closed) => return,
                    }
                }
                tokio::time::sleep(SETTLE).await;
                // What arrived while settling is covered by the refresh about to run.
                while let Ok(_) | Err(TryRecvError::Lagged(_)) = changes.try_recv() {}
            }
        });
    }

    /// The hits with their colours as the views show them (the event's own colour in its
    /// account's palette, else its calendar's).
    async fn coloured(&self, found: Vec<Found>) -> Result<Vec<crate::search::SearchHit>> {
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let calendars: HashMap<_, StoredCalendar> = self
            .calendars(None)
            .await?
            .into_iter()
            .map(|c| ((c.account.clone(), c.entry.id.clone()), c))
            .collect();
        let palettes = self
            .palettes_for(found.iter().map(|f| f.hit.account.clone()).collect())
            .await;
        let stand_in = super::Palette::stand_in();
        let none = OpenConflicts::default();
        Ok(found
            .into_iter()
            .map(|f| {
                let e = &f.event;
                let calendar = calendars.get(&(e.account.clone(), e.calendar.clone()));
                let palette = palettes.get(&e.account).unwrap_or(&stand_in);
                let color = view(e, calendar, palette, &none).and_then(|v| v.color);
                crate::search::SearchHit { color, ..f.hit }
            })
            .collect())
    }
}
