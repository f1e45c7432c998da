//! Demo mode: the Google stand-in (`gcal-emulator`) runs inside the app with its demo world and
//! an auto-approving sign-in, and the engine talks to it instead of Google.
//!
//! The emulator keeps its world in memory, so each demo launch starts fresh: the demo store is
//! removed at start and the demo's secrets live in memory only (the system keyring is never
//! touched by demo data).

use crate::error::AppError;
use chronos_core::config::{GoogleEndpoints, OAuthClientConfig};
use chronos_core::launch::{AutoConnect, Mode};
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::{Chronos, ChronosOptions};
use gcal_emulator::{EmulatorConfig, EmulatorHandle};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The in-process sign-in takes milliseconds; one that hangs must not hold the window back.
const CONNECT_WITHIN: Duration = Duration::from_secs(10);

/// A fixed emulator port (tests use it to reach the emulator's control API); 0 = any free port.
pub const ENV_EMULATOR_PORT: &str = "CHRONOS_DEMO_EMULATOR_PORT";

pub struct Demo {
    emulator: EmulatorHandle,
}

impl Demo {
    /// Starts the emulator with the demo world spread around `today` (the app clock's date) for
    /// a person living in `zone` (the computer's), so its working hours show as working hours.
    pub async fn start(
        data_dir: &Path,
        today: chrono::NaiveDate,
        zone: chrono_tz::Tz,
    ) -> Result<Demo, AppError> {
        chronos_core::launch::reset_demo_store(data_dir)?;
        let port = match std::env::var(ENV_EMULATOR_PORT) {
            Ok(p) => p.parse::<u16>().map_err(|_| {
                AppError::invalid(
                    ENV_EMULATOR_PORT,
                    format!("{ENV_EMULATOR_PORT} must be a port number"),
                )
            })?,
            Err(_) => 0,
        };
        let config = EmulatorConfig {
            port,
            auto_approve: true,
            world: gcal_emulator::World::demo_in(today, zone),
            ..EmulatorConfig::default()
        };
        let emulator = gcal_emulator::start(config)
            .await
            .map_err(|e| AppError::internal(format!("the demo server could not start: {e}")))?;
        tracing::info!(port = emulator.port(), "demo mode: Google stand-in running");
        Ok(Demo { emulator })
    }

    pub fn port(&self) -> u16 {
        self.emulator.port()
    }

    /// The emulator's in-process control API (tests look at what reached "Google" through it).
    pub fn control(&self) -> gcal_emulator::Control {
        self.emulator.control()
    }

    /// Engine options pointing at the emulator, with the demo OAuth client.
    pub fn options(&self, data_dir: &Path) -> ChronosOptions {
        let e = &self.emulator;
        let endpoints = GoogleEndpoints {
            api_base: e.api_base(),
            auth_url: e.auth_url(),
            token_url: e.token_url(),
            revoke_url: e.revoke_url(),
            userinfo_url: e.userinfo_url(),
        };
        let oauth = OAuthClientConfig::new(
            gcal_emulator::DEMO_CLIENT_ID,
            gcal_emulator::DEMO_CLIENT_SECRET,
        );
        ChronosOptions::new(
            data_dir,
            Arc::new(MemorySecretStore::default()),
            endpoints,
            oauth,
        )
    }
}

/// A demo start with no account connects the demo account by itself (unless turned off), so a
/// newcomer's window opens on a calendar that fills in. Runs before the background work starts,
/// whose start-up run is then the first sync. A failure leaves the Connect button to the user.
pub fn connect_at_start(chronos: &Chronos, mode: &Mode, auto: AutoConnect) {
    let connecting = chronos.connect_demo_at_start(auto, mode);
    // The timer is made inside the runtime, which owns the clock it runs on.
    let bounded = async move { tokio::time::timeout(CONNECT_WITHIN, connecting).await };
    match tauri::async_runtime::block_on(bounded) {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::warn!(
            kind = e.kind().as_str(),
            "the demo account could not connect at start"
        ),
        Err(_) => tracing::warn!("the demo account did not connect at start in time"),
    }
}
