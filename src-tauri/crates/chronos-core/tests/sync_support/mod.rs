//! Shared set-up of the sync integration tests: an in-process emulator over real HTTP on
//! 127.0.0.1, a real encrypted SQLite store in a temporary directory, and Chronos' real client,
//! token manager and sync run on top. Secrets live in memory here (the keyring has its own
//! integration tests; the CLI tests use the real Secret Service).
#![allow(dead_code)]

use chronos_core::auth::{TokenEndpoint, TokenManager, TokenSet};
use chronos_core::clock::{Backoff, Clock, TestClock};
use chronos_core::config::{GoogleEndpoints, OAuthClientConfig};
use chronos_core::google::{ClientOptions, GoogleClient, RequestLimits};
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::scheduler::RunScope;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::store::{CalendarRef, Store};
use chronos_core::sync::progress::{ProgressSink, SyncProgress};
use chronos_core::sync::run::{run_account, RunConfig, RunDeps, RunReport};
use gcal_emulator::{AccountSpec, CalendarSpec, EmulatorConfig, EmulatorHandle, World};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const USER: &str = "sync@chronos.example";

/// A timed event on day `i` of a 2-year span starting 2026-01-01.
pub fn event(id: &str, i: usize) -> Value {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
        + chrono::Duration::days((i % 700) as i64);
    let hour = 6 + (i % 12);
    json!({
        "id": id,
        "summary": format!("Meeting {id}"),
        "description": "agenda",
        "start": {"dateTime": format!("{day}T{hour:02}:00:00Z")},
        "end": {"dateTime": format!("{day}T{hour:02}:45:00Z")},
    })
}

pub fn calendar(id: &str, n: usize) -> CalendarSpec {
    let prefix: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    CalendarSpec {
        id: id.into(),
        summary: format!("Calendar {id}"),
        events: (0..n)
            .map(|i| event(&format!("{prefix}e{i:06}"), i))
            .collect(),
        ..Default::default()
    }
}

/// One account whose calendars hold `sizes[i]` events each; the first is primary.
pub fn world(sizes: &[usize]) -> World {
    let mut calendars: Vec<CalendarSpec> = sizes
        .iter()
        .enumerate()
        .map(|(i, n)| calendar(&format!("cal{i:02}@group.calendar.google.com"), *n))
        .collect();
    if let Some(first) = calendars.first_mut() {
        first.id = USER.into();
        first.primary = true;
    }
    World {
        clients: Vec::new(),
        accounts: vec![AccountSpec {
            email: USER.into(),
            calendars,
            ..Default::default()
        }],
    }
}

pub fn cal_id(i: usize) -> CalendarId {
    if i == 0 {
        CalendarId::new(USER)
    } else {
        CalendarId::new(format!("cal{i:02}@group.calendar.google.com"))
    }
}

pub async fn emulator(world: World) -> EmulatorHandle {
    gcal_emulator::start(EmulatorConfig {
        port: 0,
        world,
        auto_approve: true,
        allow_http_push: true,
        access_token_ttl: Duration::from_secs(3599),
    })
    .await
    .expect("emulator starts")
}

pub fn endpoints(emu: &EmulatorHandle) -> GoogleEndpoints {
    GoogleEndpoints {
        api_base: emu.api_base(),
        auth_url: emu.auth_url(),
        token_url: emu.token_url(),
        revoke_url: emu.revoke_url(),
        userinfo_url: emu.userinfo_url(),
    }
}

/// Options for a whole `Chronos` against the emulator: the demo OAuth client, retries after
/// 5 ms instead of seconds (`max_retries` of them), and no push probe. Tests adjust the rest.
pub fn chronos_options(
    emu: &EmulatorHandle,
    dir: &std::path::Path,
    secrets: Arc<dyn chronos_core::secrets::SecretStore>,
    max_retries: u32,
) -> chronos_core::service::ChronosOptions {
    let mut o = chronos_core::service::ChronosOptions::new(
        dir,
        secrets,
        endpoints(emu),
        OAuthClientConfig::new(
            gcal_emulator::DEMO_CLIENT_ID,
            gcal_emulator::DEMO_CLIENT_SECRET,
        ),
    );
    o.client.backoff = Backoff {
        max_retries,
        ..Backoff::with_base(Duration::from_millis(5))
    };
    o.push.probe = None;
    o
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub struct Harness {
    pub emu: EmulatorHandle,
    pub dir: tempfile::TempDir,
    pub store: Arc<Store>,
    pub clock: TestClock,
    pub tokens: Arc<TokenManager>,
    pub client: GoogleClient,
    pub account: AccountId,
    pub config: RunConfig,
    /// Every progress event of every run, unthrottled, in order.
    pub events: Arc<Mutex<Vec<SyncProgress>>>,
    sink: ProgressSink,
}

pub struct Options {
    pub max_body_bytes: usize,
    pub config: RunConfig,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024 * 1024,
            config: RunConfig::default(),
        }
    }
}

impl Harness {
    pub async fn new(world: World) -> Harness {
        Self::with(world, Options::default()).await
    }

    pub async fn with(world: World, opts: Options) -> Harness {
        let emu = emulator(world).await;
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemorySecretStore::default());
        let store =
            Arc::new(Store::open(dir.path().join("chronos.sqlite"), secrets.clone()).unwrap());
        let account = AccountId::new(USER);
        store.upsert_account(&account).unwrap();
        // Virtual time for backoff waits (recorded, shortened 100×), so Retry-After tests are quick.
        let clock = TestClock::new().with_real_scale(0.01);
        let endpoint = TokenEndpoint::new(
            http(),
            endpoints(&emu),
            OAuthClientConfig::new(
                gcal_emulator::DEMO_CLIENT_ID,
                gcal_emulator::DEMO_CLIENT_SECRET,
            ),
        );
        let minted = emu.control().mint_tokens(USER).expect("mint");
        let tokens = Arc::new(TokenManager::new(
            account.clone(),
            secrets.clone(),
            endpoint,
            Arc::new(clock.clone()),
        ));
        tokens
            .store_new(TokenSet {
                access_token: minted.access_token.clone(),
                expires_at: clock.now() + chrono::Duration::seconds(minted.expires_in as i64),
                refresh_token: minted.refresh_token.clone(),
                scope: minted.scope.clone(),
            })
            .await
            .unwrap();
        let client = GoogleClient::new(
            http(),
            &endpoints(&emu),
            tokens.clone(),
            ClientOptions {
                backoff: Backoff::with_base(Duration::from_millis(100)),
                clock: Arc::new(clock.clone()),
                limits: RequestLimits::unlimited(),
                max_body_bytes: opts.max_body_bytes,
                request_timeout: Duration::from_secs(20),
            },
        );
        let events = Arc::new(Mutex::new(Vec::new()));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let ev2 = events.clone();
        tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                ev2.lock().unwrap().push(e);
            }
        });
        Harness {
            emu,
            dir,
            store,
            clock,
            tokens,
            client,
            account,
            config: opts.config,
            events,
            sink: ProgressSink::new(tx),
        }
    }

    pub fn deps_with(&self, sink: ProgressSink) -> RunDeps {
        RunDeps {
            store: self.store.clone(),
            client: self.client.clone(),
            tokens: self.tokens.clone(),
            progress: sink,
            clock: Arc::new(self.clock.clone()),
            config: self.config.clone(),
        }
    }

    pub fn deps(&self) -> RunDeps {
        self.deps_with(self.sink.clone())
    }

    pub async fn sync(&self) -> RunReport {
        run_account(&self.deps(), &self.account, &RunScope::Full).await
    }

    pub async fn sync_scope(&self, scope: RunScope) -> RunReport {
        run_account(&self.deps(), &self.account, &scope).await
    }

    /// Waits until the progress collector has seen everything sent so far.
    pub async fn progress(&self) -> Vec<SyncProgress> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.events.lock().unwrap().clone()
    }

    pub fn clear_progress(&self) {
        self.events.lock().unwrap().clear();
    }

    /// Event ids the store holds for a calendar (every row: the range spans everything).
    pub fn stored_ids(&self, cal: &CalendarId) -> Vec<String> {
        let from = chrono::DateTime::from_timestamp(0, 0).unwrap();
        let to = chrono::DateTime::from_timestamp(4_102_444_800, 0).unwrap();
        let refs = [CalendarRef {
            account: self.account.clone(),
            calendar: cal.clone(),
        }];
        let mut ids: Vec<String> = self
            .store
            .events_in_range(Some(&self.account), Some(&refs), from, to)
            .unwrap()
            .into_iter()
            .map(|e| e.event.id.to_string())
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "an event appears twice in the store");
        assert_eq!(
            self.store.event_count(&self.account, cal).unwrap(),
            n,
            "rows outside the index"
        );
        ids
    }

    /// What the store should hold for a calendar according to the emulator: every event but
    /// cancelled ones, except cancelled instances of a series (kept to hide the instance).
    pub fn expected_ids(&self, cal: &CalendarId) -> Vec<String> {
        let world = self.emu.control().export_world();
        let spec = world
            .accounts
            .iter()
            .flat_map(|a| a.calendars.iter())
            .find(|c| c.id == cal.as_str())
            .expect("calendar in world");
        let mut ids: Vec<String> = spec
            .events
            .iter()
            .filter(|e| e["status"] != "cancelled" || e.get("recurringEventId").is_some())
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    }

    pub fn requests(&self, operation: &str) -> Vec<gcal_emulator::RequestRecord> {
        self.emu
            .control()
            .requests()
            .into_iter()
            .filter(|r| r.operation == operation)
            .collect()
    }

    pub fn selected(&self) -> BTreeSet<CalendarId> {
        self.store
            .selected_calendars(Some(&self.account))
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }
}
