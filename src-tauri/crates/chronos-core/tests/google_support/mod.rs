//! Shared set-up of the Google client and auth integration tests: an in-process emulator over
//! real HTTP on 127.0.0.1, and Chronos' real client, token manager and sign-in on top of it.
#![allow(dead_code)]

use chronos_core::auth::{TokenEndpoint, TokenManager, TokenSet};
use chronos_core::clock::{Backoff, Clock, TestClock};
use chronos_core::config::{GoogleEndpoints, OAuthClientConfig};
use chronos_core::google::{ClientOptions, GoogleClient, RequestLimits};
use chronos_core::model::AccountId;
use chronos_core::secrets::{MemorySecretStore, SecretStore};
use gcal_emulator::{AccountSpec, CalendarSpec, EmulatorConfig, EmulatorHandle, World};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

pub const ALICE: &str = "alice@example.com";
pub const BOB: &str = "bob@example.com";
/// A calendar id that needs URL-encoding (`#`, `@`).
pub const HOLIDAYS: &str = "en.usa#holiday@group.v.calendar.google.com";

pub fn event(id: &str, day: u32, hour: u32) -> serde_json::Value {
    json!({
        "id": id,
        "summary": format!("Event {id}"),
        "start": {"dateTime": format!("2026-12-{day:02}T{hour:02}:00:00Z")},
        "end": {"dateTime": format!("2026-12-{day:02}T{:02}:30:00Z", hour)},
    })
}

/// Alice (primary calendar with `n_events` events, plus a holidays calendar) and Bob.
pub fn world(n_events: usize) -> World {
    let events = (0..n_events)
        .map(|i| event(&format!("ev{i:05}"), 1 + (i % 28) as u32, (i % 20) as u32))
        .collect();
    World {
        clients: Vec::new(),
        accounts: vec![
            AccountSpec {
                email: ALICE.into(),
                calendars: vec![
                    CalendarSpec {
                        id: ALICE.into(),
                        summary: ALICE.into(),
                        primary: true,
                        events,
                        ..Default::default()
                    },
                    CalendarSpec {
                        id: HOLIDAYS.into(),
                        summary: "Holidays".into(),
                        access_role: "reader".into(),
                        events: vec![event("xmas2026", 25, 0)],
                        ..Default::default()
                    },
                ],
                ..Default::default()
            },
            AccountSpec {
                email: BOB.into(),
                calendars: vec![CalendarSpec {
                    id: BOB.into(),
                    summary: BOB.into(),
                    primary: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        ],
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

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn token_endpoint(emu: &EmulatorHandle) -> TokenEndpoint {
    TokenEndpoint::new(
        http(),
        endpoints(emu),
        OAuthClientConfig::new(
            gcal_emulator::DEMO_CLIENT_ID,
            gcal_emulator::DEMO_CLIENT_SECRET,
        ),
    )
}

/// A token manager holding tokens minted by the emulator for `account` (as after a sign-in).
pub async fn signed_in(
    emu: &EmulatorHandle,
    account: &str,
    clock: Arc<dyn Clock>,
    secrets: Arc<dyn SecretStore>,
) -> Arc<TokenManager> {
    let minted = emu.control().mint_tokens(account).expect("mint");
    let tokens = TokenSet {
        access_token: minted.access_token.clone(),
        expires_at: clock.now() + chrono::Duration::seconds(minted.expires_in as i64),
        refresh_token: minted.refresh_token.clone(),
        scope: minted.scope.clone(),
    };
    let m = Arc::new(TokenManager::new(
        AccountId::new(account),
        secrets,
        token_endpoint(emu),
        clock,
    ));
    m.store_new(tokens).await.unwrap();
    m
}

pub struct Setup {
    pub emu: EmulatorHandle,
    pub clock: TestClock,
    pub secrets: Arc<MemorySecretStore>,
    pub tokens: Arc<TokenManager>,
    pub client: GoogleClient,
}

/// Emulator + Alice signed in + a client whose backoff waits run on a test clock (virtual time,
/// recorded, no real waiting) with a millisecond base.
pub async fn setup(world: World) -> Setup {
    let emu = emulator(world).await;
    let clock = TestClock::new();
    let secrets = Arc::new(MemorySecretStore::default());
    let tokens = signed_in(&emu, ALICE, Arc::new(clock.clone()), secrets.clone()).await;
    let client = client_for(
        &emu,
        tokens.clone(),
        clock.clone(),
        Backoff::with_base(Duration::from_millis(10)),
    );
    Setup {
        emu,
        clock,
        secrets,
        tokens,
        client,
    }
}

pub fn client_for(
    emu: &EmulatorHandle,
    tokens: Arc<TokenManager>,
    clock: TestClock,
    backoff: Backoff,
) -> GoogleClient {
    GoogleClient::new(
        http(),
        &endpoints(emu),
        tokens,
        ClientOptions {
            backoff,
            clock: Arc::new(clock),
            limits: RequestLimits::unlimited(),
            max_body_bytes: 64 * 1024 * 1024,
            request_timeout: Duration::from_secs(20),
        },
    )
}

/// The logged requests of one API operation, in order.
pub fn requests(emu: &EmulatorHandle, operation: &str) -> Vec<gcal_emulator::RequestRecord> {
    emu.control()
        .requests()
        .into_iter()
        .filter(|r| r.operation == operation)
        .collect()
}
