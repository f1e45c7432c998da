//! `Chronos`: the one object the desktop shell and the CLI hold. It owns the store, the token
//! managers, one API client per account, the scheduler and the progress/status streams, and
//! exposes what a front end does: connect, list, select, query, sync, watch, disconnect.

use crate::auth::{self, SignInOptions, TokenEndpoint, TokenManagers};
use crate::clock::{Clock, SystemClock};
use crate::config::{GoogleEndpoints, OAuthClientConfig};
use crate::error::{Error, Result};
use crate::google::{default_http_client, ClientOptions, GoogleClient};
use crate::model::{AccountId, CalendarId};
use crate::scheduler::{RunRequest, RunScope, Scheduler, SchedulerConfig, SyncRunner, Ticket, Trigger};
use crate::secrets::SecretStore;
use crate::store::{AccountStatus as StoredAccountStatus, CalendarRef, RecoveryReport, Store, StoredCalendar, StoredEvent};
use crate::sync::progress::{spawn_throttled, ProgressSink, SyncOutcome, SyncProgress, SyncTotals};
use crate::sync::run::{run_account, RunConfig, RunDeps, RunReport};
use crate::sync::status::{AccountStatus, StatusBoard, StatusChanged};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::broadcast;

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
}

impl ChronosOptions {
    pub fn new(
        data_dir: impl Into<PathBuf>,
        secrets: Arc<dyn SecretStore>,
        endpoints: GoogleEndpoints,
        oauth: OAuthClientConfig,
    ) -> Self {
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
        }
    }
}

/// An account as the front ends list it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub id: AccountId,
    pub status: AccountStatus,
    pub calendars: usize,
    pub selected_calendars: usize,
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
    progress_tx: broadcast::Sender<SyncProgress>,
    sink: ProgressSink,
    status: Arc<StatusBoard>,
    forwarder: tokio::task::JoinHandle<()>,
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
                    let deps = Chronos { inner }.deps(&account);
                    run_account(&deps, &account, &request.scope).await
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

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::Internal(format!("store task: {e}")))?
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

    /// The one-step recovery after a lost data key: wipes the local copy (keeping accounts and
    /// calendar choices), reports the unsent changes that are lost, and opens; the next sync is a
    /// full one.
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
        let endpoint = TokenEndpoint::new(http.clone(), options.endpoints.clone(), options.oauth.clone());
        let tokens = TokenManagers::new(options.secrets.clone(), endpoint.clone(), clock.clone());
        let status = Arc::new(StatusBoard::new());
        let (progress_tx, _) = broadcast::channel(1024);
        let board = status.clone();
        let (sink, forwarder) = spawn_throttled(options.progress_per_second, progress_tx.clone(), move |ev| board.apply(ev));
        let runner = Arc::new(EngineRunner { inner: Mutex::new(Weak::new()) });
        let scheduler = Scheduler::new(options.scheduler.clone(), runner.clone(), Arc::new(SystemClock));
        let inner = Arc::new(Inner {
            store,
            tokens,
            endpoint,
            http,
            options,
            clock,
            clients: Mutex::new(HashMap::new()),
            scheduler,
            progress_tx,
            sink,
            status,
            forwarder,
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
                out.push((a, last));
            }
            Ok(out)
        })
        .await?;
        for (a, last) in accounts {
            let gate = self.inner.scheduler.add_account(&a.id);
            let needs_reauth = a.status == StoredAccountStatus::NeedsReauth;
            if needs_reauth {
                // Known to need the user: no automatic runs until reconnected.
                gate.halt();
            }
            self.inner.status.seed(&a.id, last, needs_reauth);
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

    pub fn store_path(&self) -> &Path {
        self.inner.store.path()
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
        let signed =
            auth::sign_in(&self.inner.endpoint, &*self.inner.clock, self.inner.options.sign_in.clone(), open_url).await?;
        let account = signed.account.clone();
        self.inner.tokens.get(&account).store_new(signed.tokens).await?;
        let (store, a) = (self.inner.store.clone(), account.clone());
        blocking(move || {
            store.upsert_account(&a)?;
            store.set_account_status(&a, StoredAccountStatus::Active)
        })
        .await?;
        self.inner.scheduler.add_account(&account).resume();
        if self.inner.status.get(&account) == AccountStatus::NeedsReauth {
            self.inner.status.set(&account, AccountStatus::Idle);
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
                out.push((a.id, cals.len(), selected));
            }
            Ok(out)
        })
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, calendars, selected_calendars)| AccountSummary {
                status: self.inner.status.get(&id),
                id,
                calendars,
                selected_calendars,
            })
            .collect())
    }

    /// Revokes the grant at Google, deletes the tokens and every local trace of the account.
    /// A revocation that cannot reach Google does not keep the tokens: they are deleted anyway.
    pub async fn disconnect(&self, account: &AccountId) -> Result<()> {
        let tokens = self.inner.tokens.get(account);
        if let Err(e) = tokens.revoke().await {
            tracing::warn!(kind = e.kind().as_str(), "could not revoke the grant at Google; deleting the tokens anyway");
            tokens.delete_tokens().await?;
        }
        self.inner.scheduler.remove_account(account);
        self.inner.clients.lock().unwrap().remove(account);
        let (store, a) = (self.inner.store.clone(), account.clone());
        let existed = blocking(move || store.delete_account(&a)).await?;
        self.inner.status.remove(account);
        if !existed {
            return Err(Error::NotFound(format!("account {account} is not connected")));
        }
        Ok(())
    }

    // ---- calendars and events ----

    pub async fn calendars(&self, account: Option<&AccountId>) -> Result<Vec<StoredCalendar>> {
        let (store, a) = (self.inner.store.clone(), account.cloned());
        blocking(move || store.list_calendars(a.as_ref(), false)).await
    }

    pub async fn set_calendar_selected(&self, account: &AccountId, calendar: &CalendarId, selected: bool) -> Result<()> {
        let (store, a, c) = (self.inner.store.clone(), account.clone(), calendar.clone());
        blocking(move || store.set_calendar_selected(&a, &c, selected)).await
    }

    /// Events overlapping `[from, to)` of the given calendars (default: every selected one).
    pub async fn events_in_range(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        account: Option<&AccountId>,
        calendars: Option<Vec<CalendarRef>>,
    ) -> Result<Vec<StoredEvent>> {
        let (store, a) = (self.inner.store.clone(), account.cloned());
        blocking(move || store.events_in_range(a.as_ref(), calendars.as_deref(), from, to)).await
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
            let blocked = self.inner.scheduler.gate(&a).and_then(|g| g.blocked_until());
            if blocked.is_some() {
                tracing::info!(account = %a, "quota wait: the requested sync runs when it ends");
                continue;
            }
            out.push(ticket.wait().await?);
        }
        Ok(out)
    }

    /// A light sync of some calendars (the ones on screen), through the gate.
    pub fn request_calendars_sync(&self, account: &AccountId, calendars: Vec<CalendarId>) -> Ticket<RunReport> {
        self.inner.scheduler.request(account, RunScope::calendars(calendars), Trigger::OnDemand)
    }

    pub fn status(&self) -> Vec<StatusChanged> {
        self.inner.status.all()
    }

    pub fn account_status(&self, account: &AccountId) -> AccountStatus {
        self.inner.status.get(account)
    }

    /// Throttled progress events (at most `progress_per_second` progress updates a second).
    pub fn subscribe_progress(&self) -> broadcast::Receiver<SyncProgress> {
        self.inner.progress_tx.subscribe()
    }

    pub fn subscribe_status(&self) -> broadcast::Receiver<StatusChanged> {
        self.inner.status.subscribe()
    }

    // ---- scheduling ----

    /// Starts the automatic triggers (start-up run, interval, wake, minute view check).
    pub fn start_scheduler(&self) {
        self.inner.scheduler.start();
    }

    /// The shell reports whether the window is visible and which calendars are on screen.
    pub fn set_view(&self, visible: bool, calendars: Vec<(AccountId, CalendarId)>) {
        self.inner.scheduler.set_view(visible, calendars);
    }

    /// Stops the timers and the progress forwarder. Runs in flight finish on their own.
    pub fn shutdown(&self) {
        self.inner.scheduler.shutdown();
        self.inner.forwarder.abort();
    }
}

fn prepare_dir(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::InvalidInput(format!("cannot create the data directory {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(dir.join(STORE_FILE))
}
