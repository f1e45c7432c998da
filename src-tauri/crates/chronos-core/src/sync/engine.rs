//! One calendar's sync: full, incremental, resumed, and the fall-backs between them.
//!
//! - No sync token: a full sync (a new mark-and-sweep generation), paged; each page is one store
//!   transaction and the last one carries `nextSyncToken` and sweeps what the server no longer has.
//! - An interrupted full sync resumes from its stored `pageToken`; if the server refuses that
//!   token the calendar starts a fresh full sync (once).
//! - A last page without a sync token (a server that offers no incremental sync) ends the full
//!   sync like any last page; the store remembers it and the next sync is a full one again.
//! - With a sync token: an incremental sync. A 410 (at any page) drops the token and runs ONE full
//!   sync; the old rows stay visible until its last page sweeps them. If that full sync fails the
//!   calendar fails: there is no loop.
//!
//! Fetching overlaps storing: while page N is validated, encrypted and committed on a blocking
//! thread, the request for page N+1 is already on the wire.

use crate::clock::Clock;
use crate::error::{Error, ErrorKind, Result};
use crate::google::{EventsListRequest, GoogleClient, Page};
use crate::model::{AccountId, CalendarId, PageToken, SyncToken};
use crate::store::blocking;
use crate::store::{Generation, IncomingEvent, MassDeletionId, PageApply, PageEnd, Store, TrashId};
use crate::sync::guard::MassDeletionGuard;
use crate::sync::progress::{ProgressSink, SyncProgress};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// A server that never stops handing out page tokens is broken, not a big calendar
/// (10,000 pages × 2,500 events = 25 million events).
const MAX_PAGES: u32 = 10_000;

/// How a calendar was synced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncMode {
    #[default]
    Full,
    /// A full sync continued from its stored page token.
    ResumedFull,
    Incremental,
}

/// What one calendar's sync did (kept up to date while it runs, so a timeout still reports what
/// was committed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarStats {
    pub mode: SyncMode,
    pub pages: u32,
    pub events_fetched: u64,
    pub added: u64,
    pub updated: u64,
    pub deleted: u64,
    pub skipped: u64,
    /// `events.list` calls made (retries inside the client not counted).
    pub requests: u64,
    /// The sync token was refused (410) and a full sync replaced the incremental one.
    pub full_sync_after_410: bool,
    /// A stored page token was refused and the full sync started over.
    pub restarted_full_sync: bool,
    /// Server versions of events with unsent local edits, left for the merge.
    pub held: u64,
    /// Events the sync's removals put in the trash.
    pub trashed: u64,
    /// The first and last of those trash entries.
    #[serde(skip)]
    pub trash_range: Option<(TrashId, TrashId)>,
    /// The removals were a mass deletion (see [`MassDeletionGuard`]), recorded as this.
    #[serde(skip)]
    pub mass_deletion: Option<MassDeletionId>,
}

/// What a calendar sync needs from its run.
#[derive(Clone)]
pub struct SyncContext {
    pub account: AccountId,
    pub store: Arc<Store>,
    pub client: GoogleClient,
    pub progress: ProgressSink,
    pub cancel: CancellationToken,
    /// Calendars fetching at once. A calendar holds a slot from its first request until its
    /// last page has arrived, not until that page is stored, so the next calendar's requests
    /// wait out their latency while the previous one commits.
    pub fetch_slots: Arc<tokio::sync::Semaphore>,
    pub guard: MassDeletionGuard,
    /// Stamps the journal's entries.
    pub clock: Arc<dyn Clock>,
}

enum Plan {
    Full {
        generation: Generation,
        page: Option<PageToken>,
    },
    Incremental {
        token: SyncToken,
        page: Option<PageToken>,
    },
}

impl Plan {
    fn resumes_page_token(&self) -> bool {
        match self {
            Plan::Full { page, .. } | Plan::Incremental { page, .. } => page.is_some(),
        }
    }
}

/// An error from a page loop, and whether it came from the very first request of a resumed
/// page token (which may mean the token itself was refused).
struct PagesError {
    error: Error,
    on_resumed_token: bool,
}

/// Aborts a spawned fetch when the sync stops early (error, cancellation, run timeout).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> AbortOnDrop<T> {
    async fn join(&mut self) -> Result<T> {
        (&mut self.0)
            .await
            .map_err(|e| Error::Internal(format!("page fetch task: {e}")))
    }
}

/// Syncs one calendar. `stats` is updated as pages commit.
pub async fn sync_calendar(
    ctx: &SyncContext,
    calendar: &CalendarId,
    stats: &Arc<Mutex<CalendarStats>>,
) -> Result<()> {
    let before = stored_count(ctx, calendar).await?;
    let result = sync_pages(ctx, calendar, stats).await;
    // Pages commit one by one: what a failed sync removed is guarded as well.
    guard_removals(ctx, calendar, before, stats).await;
    result
}

async fn stored_count(ctx: &SyncContext, calendar: &CalendarId) -> Result<usize> {
    let (store, account, cal) = (ctx.store.clone(), ctx.account.clone(), calendar.clone());
    blocking(move || store.event_count(&account, &cal)).await
}

/// Records a mass deletion when the sync removed more than the guard lets pass.
async fn guard_removals(
    ctx: &SyncContext,
    calendar: &CalendarId,
    before: usize,
    stats: &Arc<Mutex<CalendarStats>>,
) {
    let (trashed, range) = {
        let s = stats.lock().unwrap();
        (s.trashed as usize, s.trash_range)
    };
    if !ctx.guard.is_mass_deletion(before, trashed) {
        return;
    }
    tracing::warn!(
        account = %ctx.account, %calendar, removed = trashed, before,
        "a sync removed many events; they are in the trash"
    );
    let (store, account, cal) = (ctx.store.clone(), ctx.account.clone(), calendar.clone());
    let at = ctx.clock.now();
    match blocking(move || store.journal_mass_deletion(&account, &cal, trashed, range, at)).await {
        Ok(m) => stats.lock().unwrap().mass_deletion = Some(m.id),
        Err(e) => tracing::warn!(kind = e.kind().as_str(), "could not record a mass deletion"),
    }
}

async fn sync_pages(
    ctx: &SyncContext,
    calendar: &CalendarId,
    stats: &Arc<Mutex<CalendarStats>>,
) -> Result<()> {
    let mut plan = first_plan(ctx, calendar, stats).await?;
    let mut fell_back = false;
    loop {
        let resumed = plan.resumes_page_token();
        let incremental = matches!(plan, Plan::Incremental { .. });
        match run_pages(ctx, calendar, plan, stats).await {
            Ok(()) => return Ok(()),
            Err(PagesError {
                error,
                on_resumed_token,
            }) => {
                let refused_token = error.kind() == ErrorKind::FullSyncRequired;
                let refused_page = resumed
                    && on_resumed_token
                    && matches!(
                        error.kind(),
                        ErrorKind::InvalidInput | ErrorKind::FullSyncRequired | ErrorKind::NotFound
                    );
                if !fell_back && ((incremental && refused_token) || refused_page) {
                    fell_back = true;
                    {
                        let mut s = stats.lock().unwrap();
                        if incremental && refused_token {
                            s.full_sync_after_410 = true;
                        } else {
                            s.restarted_full_sync = true;
                        }
                        s.mode = SyncMode::Full;
                    }
                    tracing::info!(
                        account = %ctx.account, %calendar, kind = error.kind().as_str(),
                        "the server refused the stored token; starting one full sync"
                    );
                    if incremental && refused_token {
                        journal_resync(ctx, calendar).await;
                    }
                    plan = Plan::Full {
                        generation: begin_full(ctx, calendar).await?,
                        page: None,
                    };
                    continue;
                }
                if error.kind() != ErrorKind::Cancelled {
                    record_error(ctx, calendar, &error).await;
                }
                return Err(error);
            }
        }
    }
}

/// What the calendar's stored sync state asks for: a full sync under way (perhaps resumed at a
/// page), an incremental one, or a new full sync. Sets the mode in `stats`.
async fn first_plan(
    ctx: &SyncContext,
    calendar: &CalendarId,
    stats: &Arc<Mutex<CalendarStats>>,
) -> Result<Plan> {
    let (store, account, cal) = (ctx.store.clone(), ctx.account.clone(), calendar.clone());
    let state = blocking(move || store.sync_state(&account, &cal)).await?;
    Ok(match (state.full_sync, state.sync_token) {
        (Some(generation), _) => {
            stats.lock().unwrap().mode = if state.page_token.is_some() {
                SyncMode::ResumedFull
            } else {
                SyncMode::Full
            };
            Plan::Full {
                generation,
                page: state.page_token,
            }
        }
        (None, Some(token)) => {
            stats.lock().unwrap().mode = SyncMode::Incremental;
            Plan::Incremental {
                token,
                page: state.page_token,
            }
        }
        (None, None) => {
            stats.lock().unwrap().mode = SyncMode::Full;
            Plan::Full {
                generation: begin_full(ctx, calendar).await?,
                page: None,
            }
        }
    })
}

/// Notes in the journal that a 410 forced a full sync (sync health counts them).
async fn journal_resync(ctx: &SyncContext, calendar: &CalendarId) {
    let (store, account, cal) = (ctx.store.clone(), ctx.account.clone(), calendar.clone());
    let at = ctx.clock.now();
    if let Err(e) = blocking(move || store.journal_resync_after_gone(&account, &cal, at)).await {
        tracing::warn!(kind = e.kind().as_str(), "could not journal a re-sync");
    }
}

/// Keeps a calendar's failure in the store (its kind and message) for the status views, and in
/// the journal for sync health (which shows it after a later success too).
async fn record_error(ctx: &SyncContext, calendar: &CalendarId, error: &Error) {
    let (store, account, cal) = (ctx.store.clone(), ctx.account.clone(), calendar.clone());
    let kind = error.kind().as_str();
    let message = error.to_string();
    let at = ctx.clock.now();
    if let Err(e) = blocking(move || {
        store.record_sync_error(&account, &cal, kind, &message)?;
        store.journal_failure(&account, &cal, kind, &message, at)
    })
    .await
    {
        tracing::warn!(
            kind = e.kind().as_str(),
            "could not record a calendar's sync error"
        );
    }
}

async fn begin_full(ctx: &SyncContext, calendar: &CalendarId) -> Result<Generation> {
    let (store, account, cal) = (ctx.store.clone(), ctx.account.clone(), calendar.clone());
    blocking(move || store.begin_full_sync(&account, &cal)).await
}

fn spawn_fetch(
    client: &GoogleClient,
    calendar: &CalendarId,
    request: EventsListRequest,
) -> AbortOnDrop<Result<Page<IncomingEvent>>> {
    let client = client.clone();
    let calendar = calendar.clone();
    AbortOnDrop(tokio::spawn(async move {
        client.list_events_page_as(&calendar, &request).await
    }))
}

async fn run_pages(
    ctx: &SyncContext,
    calendar: &CalendarId,
    plan: Plan,
    stats: &Arc<Mutex<CalendarStats>>,
) -> std::result::Result<(), PagesError> {
    let fail = |error: Error| PagesError {
        error,
        on_resumed_token: false,
    };
    let (generation, sync_token, first_page) = match plan {
        Plan::Full { generation, page } => (Some(generation), None, page),
        Plan::Incremental { token, page } => (None, Some(token), page),
    };
    let resumed = first_page.is_some();
    let request = |page: Option<PageToken>| match &sync_token {
        Some(t) => EventsListRequest::incremental(t.clone(), page),
        None => EventsListRequest::full(page),
    };
    let mut slot = Some(tokio::select! {
        p = ctx.fetch_slots.clone().acquire_owned() => p.map_err(|_| fail(Error::Cancelled))?,
        _ = ctx.cancel.cancelled() => return Err(fail(Error::Cancelled)),
    });
    let mut inflight = spawn_fetch(&ctx.client, calendar, request(first_page));
    let mut first = true;
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(fail(Error::Cancelled));
        }
        // Stop waiting for the network at once when the run is called off; a page already
        // being committed (below) is let finish, so what the run reports is what is stored.
        let fetched = tokio::select! {
            r = inflight.join() => r.map_err(fail)?,
            _ = ctx.cancel.cancelled() => return Err(fail(Error::Cancelled)),
        };
        stats.lock().unwrap().requests += 1;
        let page = match fetched {
            Ok(p) => p,
            Err(error) => {
                return Err(PagesError {
                    error,
                    on_resumed_token: first && resumed,
                })
            }
        };
        first = false;

        let end = page_end(ctx, calendar, &page);
        let pages_so_far = stats.lock().unwrap().pages + 1;
        if let PageEnd::Next(next) = &end {
            if pages_so_far >= MAX_PAGES {
                return Err(fail(too_many_pages()));
            }
            // The next request goes out now, while this page is checked and committed.
            inflight = spawn_fetch(&ctx.client, calendar, request(Some(next.clone())));
        } else {
            // Nothing more to fetch: another calendar may start its requests during the commit.
            slot.take();
        }

        commit(ctx, calendar, page, generation, &end, stats)
            .await
            .map_err(fail)?;
        if end.is_last() {
            return Ok(());
        }
    }
}

/// How a fetched page ends the listing, or that more pages follow.
fn page_end(ctx: &SyncContext, calendar: &CalendarId, page: &Page<IncomingEvent>) -> PageEnd {
    match (page.next_page_token.clone(), page.next_sync_token.clone()) {
        (Some(next), _) => PageEnd::Next(next),
        (None, Some(token)) => PageEnd::Last(token),
        // A server without incremental sync: the page is good and ends the listing.
        (None, None) => {
            tracing::info!(
                account = %ctx.account, %calendar,
                "the listing ended without a sync token; the calendar is listed in full each time"
            );
            PageEnd::LastWithoutToken
        }
    }
}

fn too_many_pages() -> Error {
    Error::Google {
        kind: ErrorKind::Server,
        status: 200,
        reason: Some("tooManyPages".into()),
        message: format!("the calendar's event list did not end after {MAX_PAGES} pages"),
        retry_after: None,
    }
}

/// Stores one page (settling events held for unsent local changes), adds it to `stats` and
/// reports the calendar's progress.
async fn commit(
    ctx: &SyncContext,
    calendar: &CalendarId,
    page: Page<IncomingEvent>,
    generation: Option<Generation>,
    end: &PageEnd,
    stats: &Arc<Mutex<CalendarStats>>,
) -> Result<()> {
    let fetched_items = (page.items.len() + page.skipped.len()) as u64;
    let mut skipped = page.skipped.len() as u64;
    let items = page.items;
    let (store, account, cal) = (ctx.store.clone(), ctx.account.clone(), calendar.clone());
    let apply = PageApply {
        full_sync: generation,
        end: end.clone(),
    };
    for s in &page.skipped {
        tracing::warn!(account = %ctx.account, %calendar, reason = %s.reason, "event skipped");
    }
    let outcome = blocking(move || {
        let applied = store.apply_incoming(&account, &cal, items, &apply)?;
        Ok(crate::outbox::push::settle_held(&store, &account, applied))
    })
    .await?;
    skipped += outcome.skipped as u64;

    let (events_fetched, pages) = {
        let mut s = stats.lock().unwrap();
        s.pages += 1;
        s.events_fetched += fetched_items;
        s.added += outcome.added as u64;
        s.updated += outcome.updated as u64;
        s.deleted += (outcome.deleted + outcome.swept) as u64;
        s.skipped += skipped;
        s.held += outcome.held.len() as u64;
        s.trashed += outcome.trashed.len() as u64;
        if let (Some(first), Some(last)) = (outcome.trashed.first(), outcome.trashed.last()) {
            let start = s.trash_range.map_or(*first, |r| r.0);
            s.trash_range = Some((start, *last));
        }
        (s.events_fetched, s.pages)
    };
    ctx.progress.emit(SyncProgress::CalendarProgress {
        account: ctx.account.clone(),
        calendar: calendar.clone(),
        events_fetched,
        pages,
    });
    Ok(())
}

/// Syncs the account's calendar list (with its own sync token; a refused token means one full
/// listing). New calendars follow Google's `selected` flag; the store keeps the user's choices.
pub async fn sync_calendar_list(ctx: &SyncContext) -> Result<crate::store::CalendarListOutcome> {
    let (store, account) = (ctx.store.clone(), ctx.account.clone());
    let token = blocking(move || store.calendar_list_sync_token(&account)).await?;
    let (listed, complete) = match ctx.client.list_calendar_list(token.as_ref()).await {
        Err(e) if e.kind() == ErrorKind::FullSyncRequired && token.is_some() => {
            tracing::info!(account = %ctx.account, "calendar list sync token refused; listing in full");
            let (store, account) = (ctx.store.clone(), ctx.account.clone());
            blocking(move || store.clear_calendar_list_sync_token(&account)).await?;
            (ctx.client.list_calendar_list(None).await?, true)
        }
        other => (other?, token.is_none()),
    };
    if !listed.skipped.is_empty() {
        tracing::warn!(account = %ctx.account, skipped = listed.skipped.len(), "calendar list entries skipped");
    }
    let (store, account) = (ctx.store.clone(), ctx.account.clone());
    blocking(move || {
        store.apply_calendar_list(
            &account,
            &listed.entries,
            complete,
            listed.next_sync_token.as_ref(),
        )
    })
    .await
}
