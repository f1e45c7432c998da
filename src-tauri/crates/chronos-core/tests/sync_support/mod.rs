//! The sync tests' harness: an account signed in on an in-process emulator (over real HTTP on
//! 127.0.0.1, see `chronos_testkit`), a real encrypted SQLite store in a temporary directory,
//! and Chronos' real client, token manager and sync run on top, with every progress event kept.
//! Secrets live in memory here (the keyring has its own integration tests; the CLI tests use the
//! real Secret Service).
#![allow(dead_code)]

use chronos_core::auth::TokenManager;
use chronos_core::clock::{Backoff, TestClock};
use chronos_core::google::GoogleClient;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::scheduler::RunScope;
use chronos_core::store::{CalendarRef, Store};
use chronos_core::sync::progress::{ProgressSink, SyncProgress};
use chronos_core::sync::run::{run_account, RunConfig, RunDeps, RunReport};
pub use chronos_testkit::*;
use gcal_emulator::{EmulatorHandle, World};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
        let secrets = memory_secrets();
        let account = AccountId::new(USER);
        let store = open_store(dir.path(), secrets.clone(), &account);
        // Virtual time for backoff waits (recorded, shortened 100×), so Retry-After tests are quick.
        let clock = TestClock::new().with_real_scale(0.01);
        let tokens = signed_in(&emu, USER, Arc::new(clock.clone()), secrets).await;
        let client = google_client(
            &endpoints(&emu),
            tokens.clone(),
            chronos_core::google::ClientOptions {
                max_body_bytes: opts.max_body_bytes,
                ..test_client_options(
                    Arc::new(clock.clone()),
                    Backoff::with_base(Duration::from_millis(100)),
                )
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
        server_ids(spec)
    }

    pub fn requests(&self, operation: &str) -> Vec<gcal_emulator::RequestRecord> {
        requests(&self.emu, operation)
    }

    pub fn selected(&self) -> BTreeSet<CalendarId> {
        self.store
            .selected_calendars(Some(&self.account))
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }
}
