//! Set-up of the Google client and auth integration tests: a world of two accounts (Alice with a
//! calendar whose id needs encoding, and Bob), Alice signed in on the emulator (over real HTTP
//! on 127.0.0.1, see `chronos_testkit`) and Chronos' real client on top.
#![allow(dead_code)]

use chronos_core::auth::TokenManager;
use chronos_core::clock::{Backoff, TestClock};
use chronos_core::google::GoogleClient;
use chronos_core::secrets::MemorySecretStore;
// The shared kit, under this family's own world (the names defined here shadow the kit's).
pub use chronos_testkit::*;
use gcal_emulator::{AccountSpec, CalendarSpec, EmulatorHandle, World};
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
    let secrets = memory_secrets();
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
    google_client(
        &endpoints(emu),
        tokens,
        test_client_options(Arc::new(clock), backoff),
    )
}
