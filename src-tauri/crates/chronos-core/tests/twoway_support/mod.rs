//! Shared set-up of the two-way sync tests: the emulator over real HTTP on 127.0.0.1, a real
//! encrypted SQLite store in a temporary directory (reopened to simulate restarts), Chronos'
//! real client, token manager, sync run and outbox. Backoff waits run on a test clock with a
//! 1 ms base so retries cost no real time. What every suite shares comes from `chronos_testkit`.
#![allow(dead_code)]

use chronos_core::auth::TokenManager;
use chronos_core::clock::{Backoff, TestClock};
use chronos_core::google::{ClientOptions, GoogleClient};
use chronos_core::model::{AccountId, CalendarId, EventDateTime, EventId, EventResource};
use chronos_core::outbox::{EventChanges, Outbox};
use chronos_core::scheduler::RunScope;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::store::Store;
use chronos_core::sync::progress::ProgressSink;
use chronos_core::sync::run::{run_account, RunConfig, RunDeps, RunReport};
// The shared kit, under this family's own world (the names defined here shadow the kit's).
pub use chronos_testkit::*;
use gcal_emulator::{AccountSpec, CalendarSpec, EmulatorHandle, World};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

pub const USER: &str = "twoway@chronos.example";
pub const TEAM: &str = "team@group.calendar.google.com";
pub const HOLIDAYS: &str = "holidays@group.v.calendar.google.com";
pub const BUSY: &str = "busy@group.calendar.google.com";

pub fn primary() -> CalendarId {
    CalendarId::new(USER)
}
pub fn team() -> CalendarId {
    CalendarId::new(TEAM)
}

pub fn server_event(id: &str, day: u32, hour: u32) -> Value {
    json!({
        "id": id,
        "summary": format!("Meeting {id}"),
        "description": "agenda",
        "location": "Room 1",
        "start": {"dateTime": format!("2026-12-{day:02}T{hour:02}:00:00Z")},
        "end": {"dateTime": format!("2026-12-{day:02}T{hour:02}:45:00Z")},
        "attendees": [
            {"email": USER, "responseStatus": "accepted", "organizer": true, "self": true},
            {"email": "guest1@example.org", "responseStatus": "needsAction"},
            {"email": "guest2@example.org", "responseStatus": "needsAction"}
        ],
        "extendedProperties": {"private": {"keep": "me"}},
    })
}

/// One account: primary (owner) with `n` events `evt00000…`, a team calendar (writer), a
/// holidays calendar (reader) and a free/busy calendar (freeBusyReader).
pub fn world(n: usize) -> World {
    let events = (0..n)
        .map(|i| {
            server_event(
                &format!("evt{i:05}"),
                1 + (i % 28) as u32,
                8 + (i % 10) as u32,
            )
        })
        .collect();
    let cal = |id: &str, role: &str, events: Vec<Value>| CalendarSpec {
        id: id.into(),
        summary: format!("Calendar {id}"),
        access_role: role.into(),
        events,
        ..Default::default()
    };
    let mut p = cal(USER, "owner", events);
    p.primary = true;
    World {
        clients: Vec::new(),
        accounts: vec![AccountSpec {
            email: USER.into(),
            calendars: vec![
                p,
                cal(TEAM, "writer", vec![]),
                cal(HOLIDAYS, "reader", vec![server_event("hol00001", 25, 9)]),
                cal(BUSY, "freeBusyReader", vec![]),
            ],
            ..Default::default()
        }],
    }
}

pub struct Env {
    pub emu: EmulatorHandle,
    pub dir: tempfile::TempDir,
    pub secrets: Arc<MemorySecretStore>,
    pub store: Arc<Store>,
    pub clock: TestClock,
    pub tokens: Arc<TokenManager>,
    pub client: GoogleClient,
    /// A client whose API base is a closed port: every call fails as "offline".
    pub offline: GoogleClient,
    pub account: AccountId,
}

fn client_for(
    api_base: String,
    emu: &EmulatorHandle,
    tokens: Arc<TokenManager>,
    clock: &TestClock,
    retries: u32,
) -> GoogleClient {
    let mut ep = endpoints(emu);
    ep.api_base = api_base;
    let mut backoff = Backoff::with_base(Duration::from_millis(1));
    backoff.max_retries = retries;
    google_client(
        &ep,
        tokens,
        ClientOptions {
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(10),
            ..test_client_options(Arc::new(clock.clone()), backoff)
        },
    )
}

impl Env {
    pub async fn new(world: World) -> Env {
        Self::with_retries(world, 3).await
    }

    /// `retries`: how many times the client retries a transient failure itself.
    pub async fn with_retries(world: World, retries: u32) -> Env {
        let emu = emulator(world).await;
        let dir = tempfile::tempdir().unwrap();
        let secrets = memory_secrets();
        let account = AccountId::new(USER);
        let store = open_store(dir.path(), secrets.clone(), &account);
        let clock = TestClock::new();
        let tokens = signed_in(&emu, USER, Arc::new(clock.clone()), secrets.clone()).await;
        let client = client_for(emu.api_base(), &emu, tokens.clone(), &clock, retries);
        let offline = client_for(closed_api_base(), &emu, tokens.clone(), &clock, 1);
        Env {
            emu,
            dir,
            secrets,
            store,
            clock,
            tokens,
            client,
            offline,
            account,
        }
    }

    pub fn outbox(&self) -> Outbox {
        let mut o = Outbox::new(
            self.store.clone(),
            self.client.clone(),
            self.account.clone(),
        );
        o.push_on_edit = false;
        o
    }

    pub fn offline_outbox(&self) -> Outbox {
        let mut o = Outbox::new(
            self.store.clone(),
            self.offline.clone(),
            self.account.clone(),
        );
        o.push_on_edit = false;
        o
    }

    /// A restart: the store is closed and opened again over the same file.
    pub fn restart(&mut self) {
        let path = self.store.path().to_path_buf();
        assert_eq!(
            Arc::strong_count(&self.store),
            1,
            "someone still holds the old store"
        );
        // The old store is dropped right after the new one opens; nothing writes in between.
        self.store = Arc::new(Store::open(path, self.secrets.clone()).unwrap());
    }

    pub fn deps(&self) -> RunDeps {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move { while rx.recv().await.is_some() {} });
        RunDeps {
            store: self.store.clone(),
            client: self.client.clone(),
            tokens: self.tokens.clone(),
            progress: ProgressSink::new(tx),
            clock: Arc::new(self.clock.clone()),
            config: RunConfig::default(),
        }
    }

    /// A pull (the sync helper's run: calendar list + every selected calendar).
    pub async fn pull(&self) -> RunReport {
        run_account(&self.deps(), &self.account, &RunScope::Full).await
    }

    /// What the sync service does: push the outbox, then pull.
    pub async fn sync(&self) -> RunReport {
        let _ = self.outbox().drain().await;
        self.pull().await
    }

    pub fn server(&self, cal: &str, id: &str) -> Option<Value> {
        self.emu
            .control()
            .get_event(cal, id)
            .ok()
            .map(Value::Object)
            .filter(|e| e["status"] != "cancelled")
    }

    pub fn local(&self, cal: &CalendarId, id: &EventId) -> Option<EventResource> {
        self.store
            .get_event(&self.account, cal, id)
            .unwrap()
            .map(|e| (*e.event).clone())
    }

    pub fn ops(&self, operation: &str) -> Vec<gcal_emulator::RequestRecord> {
        requests(&self.emu, operation)
    }
}

pub fn timed(day: u32, h1: u32, h2: u32) -> (EventDateTime, EventDateTime) {
    let p = |h: u32| EventDateTime {
        date_time: Some(format!("2026-12-{day:02}T{h:02}:00:00Z")),
        ..Default::default()
    };
    (p(h1), p(h2))
}

pub fn new_event(title: &str, day: u32) -> EventChanges {
    let (s, e) = timed(day, 10, 11);
    EventChanges {
        summary: Some(title.into()),
        start: Some(s),
        end: Some(e),
        ..Default::default()
    }
}

pub fn title(t: &str) -> EventChanges {
    EventChanges {
        summary: Some(t.into()),
        ..Default::default()
    }
}
