//! `Chronos`: the one object the desktop shell and the CLI hold. It owns the store, the token
//! managers, one API client per account, the scheduler and the progress/status streams, and
//! exposes what a front end does: connect, list, select, query, sync, watch, disconnect, edit
//! (two-way sync through the outbox), and the push / activity triggers.
//!
//! Edits are written locally first (the row and its outbox entry in one transaction) and then a
//! drain of that account's outbox starts in the background when Google is thought reachable (the
//! account is not halted or in a quota wait, and the shell has not reported the network down).
//! A drain that cannot get through leaves its entries queued; the sync run drains before each
//! pull, so the next run (interval, wake, network back, "sync now") sends them.

mod account_zone;
mod accounts;
mod calendars;
mod capture;
mod changes;
mod colors;
mod edits;
mod health;
mod lookups;
mod palette;
mod quick_add;
mod search;
mod trash;
mod triggers;
mod undo;
mod views;
use crate::occurrences;
pub use crate::occurrences::{RangePlan, RangeResult, TruncatedSeries};
pub use health::parse_mass_deletion_id;
pub use palette::{offline_stand_in, Palette};
pub use trash::{parse_trash_id, DEFAULT_TRASH_RETENTION_DAYS};
pub use undo::{changes_between, UndoAction, UndoDone, UndoRecord};

use crate::auth::{self, SignInOptions, TokenEndpoint, TokenManagers};
use crate::clock::{Clock, SystemClock};
use crate::config::{GoogleEndpoints, OAuthClientConfig};
use crate::error::{Error, Result};
use crate::feed::Feed;
use crate::google::{default_http_client, ClientOptions, GoogleClient};
use crate::model::{AccountId, CalendarId, EventId};
use crate::outbox::push::{drain_outbox, reset_interrupted};
use crate::outbox::{
    edit, series, DrainReport, EditOptions, EditScope, EventChanges, OccurrenceEdit,
};
use crate::push::service::validate_public_address;
use crate::push::{ActivityTriggers, MaintenanceReport, PushService, PushSettings};
use crate::scheduler::{
    RunRequest, RunScope, Scheduler, SchedulerConfig, SyncRunner, Ticket, Trigger,
};
use crate::secrets::SecretStore;
use crate::store::blocking;
use crate::store::{
    AccountStatus as StoredAccountStatus, CalendarRef, Detail, RecoveryReport, Store, StoredEvent,
};
use crate::sync::progress::{spawn_throttled, ProgressSink, SyncOutcome, SyncTotals};
use crate::sync::run::{run_account, RunConfig, RunDeps, RunReport};
use crate::sync::status::AccountStatus;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// The file name of the store inside the data directory.
pub const STORE_FILE: &str = "chronos.sqlite";

/// Everything `Chronos::open` needs.
#[derive(Clone)]
pub struct ChronosOptions {
    pub data_dir: PathBuf,
    pub secrets: Arc<dyn SecretStore>,
    pub endpoints: GoogleEndpoints,
    pub oauth: OAuthClientConfig,
    /// Backoff, request limits, body limit, timeouts, and the clock the client uses.
    pub client: ClientOptions,
    pub run: RunConfig,
    pub scheduler: SchedulerConfig,
    /// Progress events per second leaving the core (the UI's budget).
    pub progress_per_second: u32,
    pub sign_in: SignInOptions,
    /// Push channels and the activity triggers. `push.public_address` set: channels are opened
    /// to it and the receiver listens on 127.0.0.1:`push.receiver.port`. The reachability probe
    /// defaults to the API host of `endpoints`.
    pub push: PushSettings,
    /// How many days the trash keeps a deleted event.
    pub trash_retention_days: u32,
}

impl ChronosOptions {
    pub fn new(
        data_dir: impl Into<PathBuf>,
        secrets: Arc<dyn SecretStore>,
        endpoints: GoogleEndpoints,
        oauth: OAuthClientConfig,
    ) -> Self {
        let push = PushSettings {
            probe: probe_for(&endpoints.api_base),
            ..PushSettings::default()
        };
        Self {
            data_dir: data_dir.into(),
            secrets,
            endpoints,
            oauth,
            client: ClientOptions::default(),
            run: RunConfig::default(),
            scheduler: SchedulerConfig::default(),
            progress_per_second: 20,
            sign_in: SignInOptions::default(),
            push,
            trash_retention_days: trash::DEFAULT_TRASH_RETENTION_DAYS,
        }
    }
}

/// A TCP probe of the API host (no request, no quota): the host the engine actually talks to.
fn probe_for(api_base: &str) -> Option<(String, u16, std::time::Duration)> {
    let url = url::Url::parse(api_base).ok()?;
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = url.port_or_known_default()?;
    Some((host, port, std::time::Duration::from_secs(30)))
}

struct Inner {
    store: Arc<Store>,
    tokens: TokenManagers,
    endpoint: TokenEndpoint,
    http: reqwest::Client,
    options: ChronosOptions,
    clock: Arc<dyn Clock>,
    clients: Mutex<HashMap<AccountId, GoogleClient>>,
    scheduler: Scheduler<RunReport>,
    sink: ProgressSink,
    feed: Feed,
    forwarder: tokio::task::JoinHandle<()>,
    /// Accounts with a background drain spawned and not yet begun (further edits need no other).
    kicks: Mutex<HashSet<AccountId>>,
    /// The shell's last word on connectivity (`None`: never said).
    online: Mutex<Option<bool>>,
    /// The public push address now wanted (settings, then `set_push_address`).
    push_address: Mutex<Option<String>>,
    push: Mutex<Option<Arc<PushService<RunReport>>>>,
    /// Serialises starting the push service.
    push_start: tokio::sync::Mutex<()>,
    palettes: palette::Palettes,
    /// Focus / activity / network triggers used until the push service runs.
    early_triggers: Arc<ActivityTriggers<RunReport>>,
    search: Arc<crate::search::SearchIndex>,
    trash_retention_days: Mutex<u32>,
    /// The settings' mass-deletion limits, taken by each run.
    guard: Mutex<crate::sync::guard::MassDeletionGuard>,
}

/// A [`Chronos`] that does not keep it alive.
pub(crate) struct WeakChronos(Weak<Inner>);

impl WeakChronos {
    pub(crate) fn upgrade(&self) -> Option<Chronos> {
        self.0.upgrade().map(|inner| Chronos { inner })
    }
}

/// The Chronos engine façade. Cheap to clone.
#[derive(Clone)]
pub struct Chronos {
    inner: Arc<Inner>,
}

/// Runs syncs for the scheduler; holds the engine weakly so the two can be dropped.
struct EngineRunner {
    inner: Mutex<Weak<Inner>>,
}

impl SyncRunner<RunReport> for EngineRunner {
    fn run(&self, account: AccountId, request: RunRequest) -> BoxFuture<'static, RunReport> {
        let inner = self.inner.lock().unwrap().upgrade();
        Box::pin(async move {
            match inner {
                Some(inner) => {
                    let me = Chronos { inner };
                    let before = me.inner.feed.pending(&account);
                    let deps = me.deps(&account);
                    let report = run_account(&deps, &account, &request.scope).await;
                    me.after_run(&account, before, &report).await;
                    report
                }
                None => RunReport {
                    account,
                    outcome: SyncOutcome::Cancelled,
                    totals: SyncTotals::default(),
                    calendars: Vec::new(),
                    error: None,
                    started_at: Utc::now(),
                    duration_ms: 0,
                    resume_after: None,
                    wait: None,
                },
            }
        })
    }
}

/// The scheduler's question "is this calendar listed in full on every sync?", answered by the
/// store (what the calendar's last listing ended with).
pub fn full_listing_only(store: &Arc<Store>) -> crate::scheduler::CalendarFilter {
    let store = Arc::downgrade(store);
    Arc::new(move |a: &AccountId, c: &CalendarId| {
        store
            .upgrade()
            .is_some_and(|s| s.lacks_incremental_sync(a, c))
    })
}

impl Chronos {
    /// Opens the store in `options.data_dir` (creating it) and gets ready to sync. Fails with
    /// `Error::DataKeyMissing` when the keyring lost the data key: see [`Chronos::open_recovering`].
    pub async fn open(options: ChronosOptions) -> Result<Chronos> {
        let path = prepare_dir(&options.data_dir)?;
        let secrets = options.secrets.clone();
        let store = blocking(move || Store::open(path, secrets)).await?;
        Self::with_store(options, store).await
    }

    /// What [`Chronos::open_recovering`] would lose (unsent changes, conflicts, stored events),
    /// counted without the data key and without changing anything.
    pub async fn local_reset_preview(options: &ChronosOptions) -> Result<RecoveryReport> {
        let path = prepare_dir(&options.data_dir)?;
        blocking(move || Store::reset_preview(path)).await
    }

    /// The explicit reset after a lost data key, only on the user's word (never as a fallback
    /// of opening): wipes the local copy (keeping accounts and calendar choices), reports the
    /// unsent changes that are lost, and opens; the next sync is a full one.
    pub async fn open_recovering(options: ChronosOptions) -> Result<(Chronos, RecoveryReport)> {
        let path = prepare_dir(&options.data_dir)?;
        let secrets = options.secrets.clone();
        let (store, report) = blocking(move || Store::recover_missing_key(path, secrets)).await?;
        Ok((Self::with_store(options, store).await?, report))
    }

    async fn with_store(options: ChronosOptions, store: Store) -> Result<Chronos> {
        let store = Arc::new(store);
        let clock: Arc<dyn Clock> = options.client.clock.clone();
        store.set_clock(clock.clone());
        let trash_retention_days = Mutex::new(options.trash_retention_days.max(1));
        let guard = Mutex::new(options.run.guard);
        let http = default_http_client();
        let endpoint = TokenEndpoint::new(
            http.clone(),
            options.endpoints.clone(),
            options.oauth.clone(),
        );
        let tokens = TokenManagers::new(options.secrets.clone(), endpoint.clone(), clock.clone());
        let feed = Feed::new();
        let into_feed = feed.clone();
        let (sink, forwarder) = spawn_throttled(options.progress_per_second, move |ev| {
            into_feed.progress(ev)
        });
        let runner = Arc::new(EngineRunner {
            inner: Mutex::new(Weak::new()),
        });
        let scheduler = Scheduler::new(
            options.scheduler.clone(),
            runner.clone(),
            Arc::new(SystemClock),
        );
        scheduler.set_full_listing_only(Some(full_listing_only(&store)));
        let source_store = store.clone();
        let early_triggers = ActivityTriggers::new(
            scheduler.clone(),
            options.push.activity.clone(),
            Arc::new(move |a: &AccountId| -> BTreeSet<CalendarId> {
                source_store
                    .selected_calendars(Some(a))
                    .into_iter()
                    .map(|(_, c)| c)
                    .collect()
            }),
        );
        let push_address = Mutex::new(options.push.public_address.clone());
        let inner = Arc::new(Inner {
            store,
            tokens,
            endpoint,
            http,
            options,
            clock,
            clients: Mutex::new(HashMap::new()),
            scheduler,
            sink,
            feed,
            forwarder,
            kicks: Mutex::new(HashSet::new()),
            online: Mutex::new(None),
            push_address,
            push: Mutex::new(None),
            push_start: tokio::sync::Mutex::new(()),
            early_triggers,
            palettes: palette::Palettes::default(),
            search: Arc::default(),
            trash_retention_days,
            guard,
        });
        *runner.inner.lock().unwrap() = Arc::downgrade(&inner);
        let me = Chronos { inner };
        me.register_known_accounts().await?;
        Ok(me)
    }

    async fn register_known_accounts(&self) -> Result<()> {
        let store = self.inner.store.clone();
        let accounts = blocking(move || {
            let mut out = Vec::new();
            for a in store.list_accounts()? {
                let mut last: Option<DateTime<Utc>> = None;
                for (_, cal) in store.selected_calendars(Some(&a.id)) {
                    let st = store.sync_state(&a.id, &cal)?;
                    last = last.max(st.last_incremental_sync).max(st.last_full_sync);
                }
                // A process that died mid-push left entries marked as being sent: queue them
                // again (the insert id, If-Match and the 409/410/412 rules make a resend safe).
                let interrupted = reset_interrupted(&store, &a.id)?;
                if interrupted > 0 {
                    tracing::info!(
                        interrupted,
                        "outbox entries interrupted by the last exit are queued again"
                    );
                }
                let pending = store.pending_count(Some(&a.id))?;
                let conflicts = store.conflict_count(&a.id)?;
                out.push((a, last, pending, conflicts));
            }
            Ok(out)
        })
        .await?;
        for (a, last, pending, conflicts) in accounts {
            let gate = self.inner.scheduler.add_account(&a.id);
            let needs_reauth = a.status == StoredAccountStatus::NeedsReauth;
            if needs_reauth {
                // Known to need the user: no automatic runs until reconnected.
                gate.halt();
            }
            self.inner
                .feed
                .seed(&a.id, last, needs_reauth, (pending, conflicts));
        }
        Ok(())
    }

    fn client(&self, account: &AccountId) -> GoogleClient {
        let mut clients = self.inner.clients.lock().unwrap();
        clients
            .entry(account.clone())
            .or_insert_with(|| {
                GoogleClient::new(
                    self.inner.http.clone(),
                    &self.inner.options.endpoints,
                    self.inner.tokens.get(account),
                    self.inner.options.client.clone(),
                )
            })
            .clone()
    }

    fn deps(&self, account: &AccountId) -> RunDeps {
        RunDeps {
            store: self.inner.store.clone(),
            client: self.client(account),
            tokens: self.inner.tokens.get(account),
            progress: self.inner.sink.clone(),
            clock: self.inner.clock.clone(),
            config: RunConfig {
                guard: *self.inner.guard.lock().unwrap(),
                ..self.inner.options.run.clone()
            },
        }
    }

    /// The store, for the parts of the shell this façade does not cover yet (outbox, conflicts).
    pub fn store(&self) -> &Arc<Store> {
        &self.inner.store
    }

    /// The engine's "now" (a pinned test clock, or the system's): front ends ask it instead of
    /// the system so the whole app agrees on the time.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.inner.clock.clone()
    }

    pub fn store_path(&self) -> &Path {
        self.inner.store.path()
    }

    /// Where this engine keeps its files.
    pub fn data_dir(&self) -> &Path {
        &self.inner.options.data_dir
    }

    /// A handle that does not keep the engine alive (for background loops).
    pub(crate) fn downgrade(&self) -> WeakChronos {
        WeakChronos(Arc::downgrade(&self.inner))
    }

    // ---- calendars and events ----

    /// What the calendar shows in `[from, to)` of the given calendars (default: every selected
    /// one), as seen from `zone` (all-day events are the dates they name in that zone): single
    /// events, and one row per occurrence of each recurring series — generated
    /// occurrences carry their instance id (`{master}_{YYYYMMDDTHHMMSSZ}` / `{master}_{YYYYMMDD}`),
    /// `recurringEventId` and `originalStartTime` and no `recurrence`; moved instances appear at
    /// their new time, cancelled ones not at all. Events whose rule or zone cannot be read are
    /// logged and left out. A series cut at an expansion limit is named in
    /// [`RangeResult::truncated`].
    pub async fn events_in_range(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: chrono_tz::Tz,
        account: Option<&AccountId>,
        calendars: Option<Vec<CalendarRef>>,
    ) -> Result<RangeResult> {
        Ok(self
            .range_plan(from, to, zone, account, calendars, Detail::Full)
            .await?
            .into_result())
    }

    /// The same answer as [`Chronos::events_in_range`], each event opened at `detail`, and each
    /// generated occurrence written out only when it is visited: a listing of a big range holds
    /// one copy of each series, not one per occurrence.
    pub async fn range_plan(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: chrono_tz::Tz,
        account: Option<&AccountId>,
        calendars: Option<Vec<CalendarRef>>,
        detail: Detail,
    ) -> Result<RangePlan> {
        let (store, a) = (self.inner.store.clone(), account.cloned());
        blocking(move || {
            let rows =
                store.events_in_range_at(a.as_ref(), calendars.as_deref(), from, to, detail)?;
            Ok(occurrences::plan_rows(rows, from, to, zone))
        })
        .await
    }

    // ---- sync ----

    /// Asks for a full run of one account (or all) through the scheduler's gate and returns the
    /// tickets at once; each resolves with the run that covers the request.
    pub fn request_sync(&self, account: Option<&AccountId>) -> Vec<(AccountId, Ticket<RunReport>)> {
        self.inner.scheduler.sync_now(account)
    }

    /// Syncs now and waits for the covering runs. An account held back by a quota wait gets its
    /// run queued for when the wait ends, but is not waited for here (its status says when).
    pub async fn sync_now(&self, account: Option<&AccountId>) -> Result<Vec<RunReport>> {
        if let Some(a) = account {
            if self.inner.scheduler.gate(a).is_none() {
                return Err(Error::NotFound(format!("account {a} is not connected")));
            }
        }
        let mut out = Vec::new();
        for (a, ticket) in self.request_sync(account) {
            let blocked = self
                .inner
                .scheduler
                .gate(&a)
                .and_then(|g| g.blocked_until());
            if blocked.is_some() {
                tracing::info!(account = %a, "quota wait: the requested sync runs when it ends");
                continue;
            }
            out.push(ticket.wait().await?);
        }
        Ok(out)
    }

    /// A light sync of some calendars (the ones on screen), through the gate.
    pub fn request_calendars_sync(
        &self,
        account: &AccountId,
        calendars: Vec<CalendarId>,
    ) -> Ticket<RunReport> {
        self.inner
            .scheduler
            .request(account, RunScope::calendars(calendars), Trigger::OnDemand)
    }

    /// The engine's read model of its accounts: their views and one ordered stream of what
    /// changed (progress at most `progress_per_second` updates a second).
    pub fn feed(&self) -> &Feed {
        &self.inner.feed
    }

    pub fn account_status(&self, account: &AccountId) -> AccountStatus {
        self.inner.feed.status(account)
    }

    // ---- scheduling ----

    /// Starts the automatic triggers (start-up run, interval, wake, minute view check) and, in
    /// the background, the search index (see [`Chronos::start_search_index`]) and the push
    /// service (see [`Chronos::start_push`]). Call once, inside a tokio
    /// runtime.
    pub fn start_scheduler(&self) {
        self.inner.scheduler.start();
        self.start_search_index();
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.start_push().await {
                tracing::warn!(
                    kind = e.kind().as_str(),
                    "push could not start; polling only"
                );
            }
        });
    }

    /// Changes how often full syncs run, effective at once (see [`Scheduler::set_interval`]).
    pub fn set_sync_interval(&self, interval: std::time::Duration) {
        self.inner.scheduler.set_interval(interval);
    }

    /// The interval between full syncs now in force.
    pub fn sync_interval(&self) -> std::time::Duration {
        self.inner.scheduler.interval()
    }

    /// The shell reports whether the window is visible and which calendars are on screen.
    pub fn set_view(&self, visible: bool, calendars: Vec<(AccountId, CalendarId)>) {
        self.inner.scheduler.set_view(visible, calendars);
        if !visible {
            // The window is going: what its page and web view freed goes back once it is gone.
            crate::memory::return_freed_later();
        }
    }

    /// Stops the timers and the progress forwarder. Runs in flight finish on their own.
    pub fn shutdown(&self) {
        self.inner.scheduler.shutdown();
        self.inner.forwarder.abort();
        if let Some(push) = self.inner.push.lock().unwrap().take() {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move { push.shutdown().await });
            }
        }
    }
}

fn prepare_dir(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::InvalidInput(format!(
            "cannot create the data directory {}: {e}",
            dir.display()
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(dir.join(STORE_FILE))
}
