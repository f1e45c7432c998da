//! gcal-emulator: a local stand-in for the Google Calendar API v3 and Google's OAuth endpoints,
//! served over real HTTP on 127.0.0.1, for tests, benchmarks and Chronos' demo mode.
//!
//! ```no_run
//! # async fn demo() -> Result<(), gcal_emulator::EmulatorError> {
//! let emu = gcal_emulator::start(gcal_emulator::EmulatorConfig::default()).await?;
//! println!("API at {}", emu.api_base());
//! emu.shutdown().await;
//! # Ok(()) }
//! ```

// ApiError is an HTTP answer built once per failed request; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

mod api;
mod colors;
pub mod control;
mod error;
pub mod faults;
mod oauth;
pub mod push;
pub mod ratelimit;
pub mod reqlog;
mod server;
mod shared;
mod spec;
pub mod store;
pub mod world;

use parking_lot::Mutex;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub use colors::{ColorDef, Palette, PaletteChange};
pub use control::{AccountInfo, Control};
pub use error::{ApiError, EmulatorError};
pub use faults::{FaultAction, FaultRule};
pub use ratelimit::RateLimit;
pub use reqlog::{Counters, RequestRecord};
pub use store::conference::Outcome as ConferenceOutcome;
pub use store::list::PageQuirks;
pub use store::oauth::TokenResponse;
pub use store::WriteQuirks;
pub use world::{
    AccountSpec, CalendarSpec, ClientSpec, GenSpec, World, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
};

pub struct EmulatorConfig {
    /// 0 picks a free port. The server always binds 127.0.0.1.
    pub port: u16,
    pub world: World,
    /// The authorization endpoint redirects at once with a code (no consent page).
    pub auto_approve: bool,
    /// Test mode: watch channels may use `http://127.0.0.1:…` addresses.
    pub allow_http_push: bool,
    pub access_token_ttl: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            port: 0,
            world: World::demo(),
            auto_approve: true,
            allow_http_push: false,
            access_token_ttl: Duration::from_secs(3599),
        }
    }
}

/// A running emulator.
pub struct EmulatorHandle {
    addr: SocketAddr,
    control: Control,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

/// Starts an emulator on 127.0.0.1 and returns once it accepts connections.
pub async fn start(config: EmulatorConfig) -> Result<EmulatorHandle, EmulatorError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
        .await
        .map_err(|source| EmulatorError::Bind {
            port: config.port,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| EmulatorError::Bind {
            port: config.port,
            source,
        })?;
    let base_url = format!("http://{addr}");
    let mut state = store::State::from_world(config.world, base_url, 0x5eed)?;
    state.allow_http_push = config.allow_http_push;
    state.oauth.access_ttl = config.access_token_ttl;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    state.push_tx = Some(tx);
    let shared = Arc::new(shared::Inner {
        state: Mutex::new(state),
        faults: Mutex::new(faults::FaultSet::default()),
        log: Mutex::new(reqlog::RequestLog::default()),
        latency_ms: AtomicU64::new(0),
        rate_limit: Mutex::new(None),
        auto_approve: AtomicBool::new(config.auto_approve),
        pushes: Arc::new(Mutex::new(Vec::new())),
        palette: Mutex::new(colors::Palette::default()),
    });
    tokio::spawn(push::run(Arc::downgrade(&shared.pushes), rx));
    let app = axum::Router::new()
        .merge(api::router())
        .merge(oauth::router())
        .merge(control::http::router())
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            server::gate,
        ))
        .with_state(shared.clone());
    let cancel = CancellationToken::new();
    let task = tokio::spawn(server::serve(listener, app, cancel.clone()));
    tracing::info!(%addr, "gcal-emulator listening");
    Ok(EmulatorHandle {
        addr,
        control: Control { shared },
        cancel,
        task,
    })
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
    /// `http://127.0.0.1:PORT/calendar/v3/`
    pub fn api_base(&self) -> String {
        format!("{}/calendar/v3/", self.base_url())
    }
    pub fn auth_url(&self) -> String {
        format!("{}/o/oauth2/v2/auth", self.base_url())
    }
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url())
    }
    pub fn revoke_url(&self) -> String {
        format!("{}/revoke", self.base_url())
    }
    /// Answers `{"sub","email","email_verified"}` for a bearer token.
    pub fn userinfo_url(&self) -> String {
        format!("{}/oauth2/v3/userinfo", self.base_url())
    }
    pub fn control_url(&self) -> String {
        format!("{}/__emulator", self.base_url())
    }
    pub fn control(&self) -> Control {
        self.control.clone()
    }
    /// Stops accepting, closes open connections and stops push delivery.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        let _ = self.task.await;
        self.control.shared.state.lock().push_tx = None;
    }
}
