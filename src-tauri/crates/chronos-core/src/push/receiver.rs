//! The local webhook receiver: Google's notifications arrive here through the user's public
//! HTTPS forwarder. It binds 127.0.0.1 only and answers one path, POST only.
//!
//! Each notification is checked before anything happens: `X-Goog-Channel-ID` must name a channel
//! we opened, `X-Goog-Channel-Token` must equal its token (constant-time compare) and
//! `X-Goog-Resource-ID`, when sent, must match. `sync` (sent once when a channel opens) is
//! acknowledged and ignored; `exists` / `not_exists` ask the [`CalendarDebouncer`] for an
//! incremental sync of that calendar. Refusals are 4xx and trigger nothing: 404 for an unknown
//! channel or path, 403 for a bad token or resource, 400 for missing headers, 405 for another
//! method, 413 for a body over the limit (Google's bodies are empty).

use super::debounce::CalendarDebouncer;
use super::registry::{ChannelRegistry, Refusal};
use crate::error::{Error, Result};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Where and how the receiver listens.
#[derive(Clone, Debug)]
pub struct ReceiverConfig {
    /// Port on 127.0.0.1; 0 picks a free one (tests). The user's forwarder points at it.
    pub port: u16,
    /// The one path notifications are accepted on.
    pub path: String,
    /// Larger bodies are refused (413).
    pub max_body_bytes: usize,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        Self {
            port: 8737,
            path: "/google/push".into(),
            max_body_bytes: 4 * 1024,
        }
    }
}

/// Counters, for status display and tests.
#[derive(Debug, Default)]
pub struct ReceiverStats {
    /// Verified notifications (any state).
    pub accepted: AtomicU64,
    /// Verified `exists` / `not_exists` notifications handed to the debouncer.
    pub changes: AtomicU64,
    /// Notifications refused with a 4xx by the handler (unknown channel, token, resource, headers).
    pub refused: AtomicU64,
    last_change: Mutex<Option<std::time::Instant>>,
    last_refusal_warning: Mutex<Option<std::time::Instant>>,
}

impl ReceiverStats {
    /// When the last verified change notification arrived.
    pub fn last_change(&self) -> Option<std::time::Instant> {
        *self.last_change.lock().unwrap()
    }
}

struct Shared {
    registry: Arc<ChannelRegistry>,
    debouncer: CalendarDebouncer,
    stats: Arc<ReceiverStats>,
}

/// A running receiver; dropping it does not stop it, [`PushReceiver::shutdown`] does.
pub struct PushReceiver {
    addr: SocketAddr,
    path: String,
    stats: Arc<ReceiverStats>,
    cancel: CancellationToken,
    task: JoinHandle<()>,
}

impl PushReceiver {
    /// Binds 127.0.0.1:`port` and serves until [`PushReceiver::shutdown`].
    pub async fn start(
        config: ReceiverConfig,
        registry: Arc<ChannelRegistry>,
        debouncer: CalendarDebouncer,
    ) -> Result<PushReceiver> {
        if !config.path.starts_with('/') {
            return Err(Error::InvalidInput(
                "the push path must start with '/'".into(),
            ));
        }
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|e| {
                Error::Internal(format!("cannot listen on 127.0.0.1:{}: {e}", config.port))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Internal(e.to_string()))?;
        let stats = Arc::new(ReceiverStats::default());
        let shared = Arc::new(Shared {
            registry,
            debouncer,
            stats: stats.clone(),
        });
        let app = Router::new()
            .route(&config.path, post(notification))
            .fallback(|| async { StatusCode::NOT_FOUND })
            .layer(DefaultBodyLimit::max(config.max_body_bytes))
            .with_state(shared);
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::error!("push receiver stopped: {e}");
            }
        });
        tracing::info!(%addr, path = %config.path, "push receiver listening");
        Ok(PushReceiver {
            addr,
            path: config.path,
            stats,
            cancel,
            task,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/path`: what a forwarder (or the emulator in tests) POSTs to.
    pub fn local_url(&self) -> String {
        format!("http://{}{}", self.addr, self.path)
    }

    pub fn stats(&self) -> &Arc<ReceiverStats> {
        &self.stats
    }

    pub async fn shutdown(self) {
        self.cancel.cancel();
        let _ = self.task.await;
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

async fn notification(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    _body: axum::body::Bytes,
) -> StatusCode {
    let refuse = |status: StatusCode, why: &str| {
        let n = sh.stats.refused.fetch_add(1, Ordering::Relaxed) + 1;
        // The address is public (through the forwarder): a flood of forgeries must not flood the
        // log, so a warning at most once a minute, the rest at debug. The token is never logged.
        let loud = {
            let mut last = sh.stats.last_refusal_warning.lock().unwrap();
            let due = last.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(60));
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        };
        if loud {
            tracing::warn!(
                status = status.as_u16(),
                refused_so_far = n,
                "push notification refused: {why}"
            );
        } else {
            tracing::debug!(status = status.as_u16(), "push notification refused: {why}");
        }
        status
    };
    let (Some(channel_id), Some(state)) = (
        header(&headers, "x-goog-channel-id"),
        header(&headers, "x-goog-resource-state"),
    ) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "channel id or resource state missing",
        );
    };
    let token = headers.get("x-goog-channel-token").map(|v| v.as_bytes());
    let resource = header(&headers, "x-goog-resource-id");
    let (account, calendar) = match sh.registry.verify(channel_id, token, resource) {
        Ok(target) => target,
        Err(Refusal::UnknownChannel) => return refuse(StatusCode::NOT_FOUND, "unknown channel"),
        Err(Refusal::BadToken) => return refuse(StatusCode::FORBIDDEN, "bad channel token"),
        Err(Refusal::WrongResource) => {
            return refuse(
                StatusCode::FORBIDDEN,
                "resource id does not match the channel",
            )
        }
    };
    sh.stats.accepted.fetch_add(1, Ordering::Relaxed);
    match state {
        "sync" => tracing::debug!(channel = %channel_id, "push channel confirmed"),
        "exists" | "not_exists" => {
            *sh.stats.last_change.lock().unwrap() = Some(std::time::Instant::now());
            sh.stats.changes.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(%account, %calendar, "push: calendar changed");
            sh.debouncer.notify(&account, &calendar);
        }
        other => tracing::debug!(channel = %channel_id, state = other, "push state ignored"),
    }
    StatusCode::OK
}
