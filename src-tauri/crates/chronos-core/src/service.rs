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
mod calendars;
mod changes;
mod colors;
mod lookups;
mod palette;
mod views;
use crate::occurrences;
pub use crate::occurrences::{RangeResult, TruncatedSeries};
pub use palette::{offline_stand_in, Palette};

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
    AccountStatus as StoredAccountStatus, CalendarRef, RecoveryReport, Store, StoredEvent,
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

/// An account as the front ends list it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub id: AccountId,
    pub status: AccountStatus,
    pub calendars: usize,
    pub selected_calendars: usize,
    /// Local changes not yet on Google.
    pub pending_changes: usize,
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
            config: self.inner.options.run.clone(),
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

    // ---- accounts ----

    /// Signs an account in through the browser (`open_url` opens the authorization URL: the
    /// system browser, or [`auth::open_without_browser`] against an auto-approving emulator),
    /// stores its tokens, and schedules its first sync. Reconnecting an account clears *needs
    /// re-auth*.
    pub async fn connect_account<F, Fut>(&self, open_url: F) -> Result<AccountId>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let signed = auth::sign_in(
            &self.inner.endpoint,
            &*self.inner.clock,
            self.inner.options.sign_in.clone(),
            open_url,
        )
        .await?;
        self.finish_connect(signed).await
    }

    /// Signs in again for `expected` (after *needs re-auth*), with the account chooser pre-set
    /// to it. A sign-in as any other account changes nothing: its new grant is revoked (unless
    /// that account is connected here too, whose grant Google would revoke along with it) and
    /// the error says who signed in.
    pub async fn reconnect_account<F, Fut>(
        &self,
        expected: &AccountId,
        open_url: F,
    ) -> Result<AccountId>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let mut options = self.inner.options.sign_in.clone();
        options.login_hint = Some(expected.as_str().to_owned());
        let signed =
            auth::sign_in(&self.inner.endpoint, &*self.inner.clock, options, open_url).await?;
        if &signed.account != expected {
            let (store, other) = (self.inner.store.clone(), signed.account.clone());
            let other_connected =
                blocking(move || Ok(store.get_account(&other)?.is_some())).await?;
            if !other_connected {
                if let Err(e) = self.inner.endpoint.revoke(&signed.tokens).await {
                    tracing::warn!(
                        kind = e.kind().as_str(),
                        "could not revoke the grant of a sign-in as the wrong account"
                    );
                }
            }
            return Err(Error::InvalidInput(format!(
                "signed in as {}, not {expected}; sign in as {expected} to reconnect it (nothing was changed)",
                signed.account
            )));
        }
        self.finish_connect(signed).await
    }

    async fn finish_connect(&self, signed: auth::SignedIn) -> Result<AccountId> {
        let account = signed.account.clone();
        self.inner
            .tokens
            .get(&account)
            .store_new(signed.tokens)
            .await?;
        let (store, a) = (self.inner.store.clone(), account.clone());
        blocking(move || {
            store.upsert_account(&a)?;
            store.set_account_status(&a, StoredAccountStatus::Active)
        })
        .await?;
        self.inner.scheduler.add_account(&account).resume();
        self.inner.feed.connected(&account);
        if let Some(push) = self.push_service() {
            // Opening channels makes requests: not on the sign-in path.
            let client = self.client(&account);
            let a = account.clone();
            tokio::spawn(async move {
                push.add_account(&a, client).await;
            });
        }
        tracing::info!("account connected");
        Ok(account)
    }

    pub async fn accounts(&self) -> Result<Vec<AccountSummary>> {
        let store = self.inner.store.clone();
        let rows = blocking(move || {
            let mut out = Vec::new();
            for a in store.list_accounts()? {
                let cals = store.list_calendars(Some(&a.id), false)?;
                let selected = cals.iter().filter(|c| c.selected).count();
                let pending = store.pending_count(Some(&a.id))?;
                out.push((a.id, cals.len(), selected, pending));
            }
            Ok(out)
        })
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, calendars, selected_calendars, pending_changes)| AccountSummary {
                    status: self.inner.feed.status(&id),
                    id,
                    calendars,
                    selected_calendars,
                    pending_changes,
                },
            )
            .collect())
    }

    /// Revokes the grant at Google, deletes the tokens and every local trace of the account.
    /// A revocation that cannot reach Google does not keep the tokens: they are deleted anyway.
    pub async fn disconnect(&self, account: &AccountId) -> Result<()> {
        if let Some(push) = self.push_service() {
            // Stopping a channel needs the token: before the revocation.
            let r = push.channels().remove_account(account).await;
            tracing::info!(
                stopped = r.stopped.len(),
                "push channels of the account stopped"
            );
        }
        let tokens = self.inner.tokens.get(account);
        if let Err(e) = tokens.revoke().await {
            tracing::warn!(
                kind = e.kind().as_str(),
                "could not revoke the grant at Google; deleting the tokens anyway"
            );
            tokens.delete_tokens().await?;
        }
        self.inner.scheduler.remove_account(account);
        self.inner.clients.lock().unwrap().remove(account);
        let (store, a) = (self.inner.store.clone(), account.clone());
        let existed = blocking(move || store.delete_account(&a)).await?;
        self.inner.feed.remove(account);
        if !existed {
            return Err(Error::NotFound(format!(
                "account {account} is not connected"
            )));
        }
        Ok(())
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
        let (store, a) = (self.inner.store.clone(), account.cloned());
        blocking(move || {
            let rows = store.events_in_range(a.as_ref(), calendars.as_deref(), from, to)?;
            Ok(occurrences::expand_rows(rows, from, to, zone))
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
    /// the background, the push service (see [`Chronos::start_push`]). Call once, inside a tokio
    /// runtime.
    pub fn start_scheduler(&self) {
        self.inner.scheduler.start();
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

// ---- two-way sync: edits, the outbox, conflicts ----

impl Chronos {
    /// Creates an event (`changes` needs `summary`, `start`, `end`); it shows at once, marked
    /// pending, and goes to Google in the background.
    pub async fn create_event(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        changes: EventChanges,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        let c = calendar.clone();
        self.edit(account, vec![calendar.clone()], move |s, a| {
            edit::create_event(s, a, &c, &changes, &opts)
        })
        .await
    }

    /// Changes the fields `changes` sets (only those are patched at Google).
    pub async fn update_event(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        changes: EventChanges,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        let (c, e) = (calendar.clone(), id.clone());
        self.edit(account, vec![calendar.clone()], move |s, a| {
            edit::update_event(s, a, &c, &e, &changes, &opts)
        })
        .await
    }

    /// The user's own answer to an invitation: `accepted`, `declined`, `tentative`, `needsAction`.
    pub async fn respond(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        response: &str,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        let (c, e, r) = (calendar.clone(), id.clone(), response.to_owned());
        self.edit(account, vec![calendar.clone()], move |s, a| {
            edit::respond(s, a, &c, &e, &r, &opts)
        })
        .await
    }

    pub async fn delete_event(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        opts: EditOptions,
    ) -> Result<()> {
        let (c, e) = (calendar.clone(), id.clone());
        self.edit(account, vec![calendar.clone()], move |s, a| {
            edit::delete_event(s, a, &c, &e, &opts)
        })
        .await
    }

    /// Changes one occurrence of a recurring series, or the series from it: `id` is the
    /// occurrence's id as [`Chronos::events_in_range`] returns it (an instance id, whether or not
    /// Google has an exception for it yet; a master id means the whole series). "This event"
    /// patches the instance; "all events" patches the master (time changes move every
    /// occurrence by the same shift); "this and following" ends the series before it and starts
    /// a new one holding `changes`. Exceptions whose occurrence leaves the series are deleted;
    /// their visible count is returned (ask [`Chronos::preview_series_edit`] before saving).
    pub async fn update_occurrence(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        changes: EventChanges,
        scope: EditScope,
        opts: EditOptions,
    ) -> Result<OccurrenceEdit> {
        let (c, e) = (calendar.clone(), id.clone());
        self.edit(account, vec![calendar.clone()], move |s, a| {
            series::update_occurrence(s, a, &c, &e, &changes, scope, &opts)
        })
        .await
    }

    /// Deletes one occurrence, it and the following ones, or the whole series.
    pub async fn delete_occurrence(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        scope: EditScope,
        opts: EditOptions,
    ) -> Result<OccurrenceEdit> {
        let (c, e) = (calendar.clone(), id.clone());
        self.edit(account, vec![calendar.clone()], move |s, a| {
            series::delete_occurrence(s, a, &c, &e, scope, &opts)
        })
        .await
    }

    /// How many visible exceptions [`Chronos::update_occurrence`] (`changes`) or
    /// [`Chronos::delete_occurrence`] (`None`) with `scope` would delete, for the warning shown
    /// before saving. Writes nothing.
    pub async fn preview_series_edit(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        id: &EventId,
        changes: Option<EventChanges>,
        scope: EditScope,
    ) -> Result<usize> {
        let (a, c, e) = (account.clone(), calendar.clone(), id.clone());
        self.inner
            .store
            .call(move |s| series::preview(s, &a, &c, &e, changes.as_ref(), scope))
            .await
    }

    /// Moves an event to another calendar of the same account (`events.move`).
    pub async fn move_event(
        &self,
        account: &AccountId,
        from: &CalendarId,
        id: &EventId,
        to: &CalendarId,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        let (f, e, t) = (from.clone(), id.clone(), to.clone());
        self.edit(account, vec![from.clone(), to.clone()], move |s, a| {
            edit::move_event(s, a, &f, &e, &t, &opts)
        })
        .await
    }

    /// Sends the account's queue now and waits for the drain (the background push after an
    /// edit does the same without waiting). Entries that cannot go out stay queued.
    pub async fn push_pending_changes(&self, account: &AccountId) -> Result<DrainReport> {
        if self.inner.scheduler.gate(account).is_none() {
            return Err(Error::NotFound(format!(
                "account {account} is not connected"
            )));
        }
        self.drain(account).await
    }

    /// One local write (row + outbox entry in one transaction, by the outbox module), then the
    /// notices and a background push.
    async fn edit<T: Send + 'static>(
        &self,
        account: &AccountId,
        calendars: Vec<CalendarId>,
        f: impl FnOnce(&Store, &AccountId) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let a = account.clone();
        let out = self.inner.store.call(move |s| f(s, &a)).await?;
        self.refresh_counts(account).await;
        self.inner.feed.events_changed(account, calendars);
        self.inner.feed.outbox_changed(account);
        self.kick(account);
        Ok(out)
    }

    /// Re-reads the account's pending changes and conflicts into the feed; returns the pending.
    async fn refresh_counts(&self, account: &AccountId) -> usize {
        let a = account.clone();
        let counts = self
            .inner
            .store
            .call(move |s| Ok((s.pending_count(Some(&a))?, s.conflict_count(&a)?)))
            .await;
        match counts {
            Ok((pending, conflicts)) => {
                self.inner
                    .feed
                    .set_counts(account, pending, Some(conflicts));
                pending
            }
            Err(e) => {
                tracing::warn!(kind = e.kind().as_str(), "cannot count pending changes");
                self.inner.feed.pending(account)
            }
        }
    }

    /// Whether a push attempt now has a chance: the account is known, needs no re-auth, is not
    /// in a quota wait, and the shell has not said the network is down.
    fn reachable(&self, account: &AccountId) -> bool {
        if *self.inner.online.lock().unwrap() == Some(false) {
            return false;
        }
        match self.inner.scheduler.gate(account) {
            Some(g) => !g.is_halted() && g.blocked_until().is_none(),
            None => false,
        }
    }

    /// Starts a background drain of the account's outbox (unless one is already waiting to).
    fn kick(&self, account: &AccountId) {
        if !self.reachable(account) {
            tracing::debug!(%account, "Google not reachable now: the change waits for the next run");
            return;
        }
        if !self.inner.kicks.lock().unwrap().insert(account.clone()) {
            return;
        }
        let (me, a) = (self.clone(), account.clone());
        tokio::spawn(async move {
            // From here an edit's changes are read by this drain, or it spawns another.
            me.inner.kicks.lock().unwrap().remove(&a);
            if let Err(e) = me.drain(&a).await {
                tracing::warn!(kind = e.kind().as_str(), "background push failed");
            }
        });
    }

    async fn drain(&self, account: &AccountId) -> Result<DrainReport> {
        let client = self.client(account);
        let result = drain_outbox(&self.inner.store, &client, account).await;
        self.refresh_counts(account).await;
        if let Ok(r) = &result {
            if r.pushed + r.merged + r.conflicts_recorded + r.failed > 0 {
                self.inner.feed.outbox_changed(account);
            }
            if r.pushed + r.merged + r.conflicts_recorded > 0 {
                // Settled rows lost their pending mark, merges changed content.
                self.inner.feed.events_changed(account, Vec::new());
            }
            if let Some(why) = &r.stopped {
                tracing::info!(
                    stopped = why.as_str(),
                    remaining = r.remaining,
                    "push stopped; the rest waits for the next run"
                );
            }
        }
        result
    }

    /// After a sync run (which drains before it pulls): the pending count and the notices.
    async fn after_run(&self, account: &AccountId, pending_before: usize, report: &RunReport) {
        if self.inner.scheduler.gate(account).is_none() {
            return; // disconnected meanwhile
        }
        let pending = self.refresh_counts(account).await;
        // The run pushed the outbox before it pulled, and a merge may have recorded a conflict.
        self.inner.feed.outbox_changed(account);
        let calendars: Vec<CalendarId> = report
            .calendars
            .iter()
            .filter(|c| c.stats.added + c.stats.updated + c.stats.deleted > 0)
            .map(|c| c.calendar.clone())
            .collect();
        if pending != pending_before {
            self.inner.feed.events_changed(account, Vec::new());
        } else if !calendars.is_empty() {
            self.inner.feed.events_changed(account, calendars);
        }
    }
}

// ---- push channels and activity triggers ----

impl Chronos {
    /// Starts the push service on the running scheduler (idempotent; `start_scheduler` calls it
    /// in the background): the receiver and channels when a public address is set, and in any
    /// case the tray check, the reachability probe and the focus/network triggers. Connected
    /// accounts are added (their channels opened) before it returns. When the receiver cannot
    /// start (port taken), the service runs without push and the error is returned.
    pub async fn start_push(&self) -> Result<()> {
        let _one = self.inner.push_start.lock().await;
        if self.push_service().is_some() {
            return Ok(());
        }
        let mut settings = self.inner.options.push.clone();
        settings.public_address = self.inner.push_address.lock().unwrap().clone();
        let store = self.inner.store.clone();
        let started = PushService::start(
            settings.clone(),
            store.clone(),
            &self.inner.scheduler,
            self.inner.clock.clone(),
        )
        .await;
        let (service, failure) = match started {
            Ok(s) => (s, None),
            Err(e) if settings.public_address.is_some() => {
                tracing::warn!(
                    kind = e.kind().as_str(),
                    "push receiver did not start; polling only"
                );
                settings.public_address = None;
                let s = PushService::start(
                    settings,
                    store,
                    &self.inner.scheduler,
                    self.inner.clock.clone(),
                )
                .await?;
                (s, Some(e))
            }
            Err(e) => return Err(e),
        };
        if let Some(online) = *self.inner.online.lock().unwrap() {
            service.triggers().network_changed(online);
        }
        *self.inner.push.lock().unwrap() = Some(service.clone());
        for account in self.inner.scheduler.accounts() {
            if self
                .inner
                .scheduler
                .gate(&account)
                .is_some_and(|g| g.is_halted())
            {
                continue; // needs re-auth: added when it reconnects
            }
            let r = service.add_account(&account, self.client(&account)).await;
            if !r.failed.is_empty() {
                tracing::warn!(
                    failed = r.failed.len(),
                    "some push channels could not be opened"
                );
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The running push service (channels, registry, receiver URL), once started.
    pub fn push_service(&self) -> Option<Arc<PushService<RunReport>>> {
        self.inner.push.lock().unwrap().clone()
    }

    /// The public push address now in use (`None`: polling only).
    pub fn push_address(&self) -> Option<String> {
        self.inner.push_address.lock().unwrap().clone()
    }

    /// Changes the public push address at run time (`None` turns push off): channels to the old
    /// address are stopped and new ones opened. An `http://` address is refused unless loopback.
    pub async fn set_push_address(&self, address: Option<String>) -> Result<MaintenanceReport> {
        let address = address
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        if let Some(a) = &address {
            validate_public_address(a)?;
        }
        *self.inner.push_address.lock().unwrap() = address.clone();
        match self.push_service() {
            Some(push) => push.set_public_address(address).await,
            // Not started yet: `start_push` uses it.
            None => Ok(MaintenanceReport::default()),
        }
    }

    fn triggers(&self) -> Arc<ActivityTriggers<RunReport>> {
        match self.push_service() {
            Some(p) => p.triggers().clone(),
            None => self.inner.early_triggers.clone(),
        }
    }

    /// The window gained focus: accounts whose last run began over a minute ago sync. Returns
    /// the accounts asked.
    pub fn window_focused(&self) -> Vec<AccountId> {
        self.triggers().window_focused()
    }

    /// The user did something: the tray check's idle back-off starts over.
    pub fn user_activity(&self) {
        self.triggers().user_activity();
    }

    /// The OS reports connectivity. Offline → online syncs every account (each run sends the
    /// queued changes first); while offline, edits are not pushed at once. Returns whether a
    /// sync was asked.
    pub fn network_changed(&self, online: bool) -> bool {
        *self.inner.online.lock().unwrap() = Some(online);
        self.triggers().network_changed(online)
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
