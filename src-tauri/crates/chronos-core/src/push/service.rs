//! Everything push and prompt pickup need, assembled on a running [`Scheduler`]: what the shell
//! (or `Chronos`) starts once at launch.
//!
//! ```text
//! let push = PushService::start(PushSettings { public_address, ..Default::default() },
//!                               store.clone(), &scheduler, Arc::new(SystemClock)).await?;
//! push.add_account(&account, client);            // for each connected account
//! push.triggers().window_focused();              // window focus
//! push.triggers().network_changed(online);       // OS network events, if the shell has them
//! push.channels().maintain_account(&account);    // after a calendar (de)selection
//! push.channels().remove_account(&account);      // before disconnecting (token still valid)
//! push.set_public_address(Some(url)).await;      // settings change
//! ```

use super::channels::{ChannelConfig, ChannelManager};
use super::debounce::CalendarDebouncer;
use super::receiver::{PushReceiver, ReceiverConfig};
use super::registry::ChannelRegistry;
use super::triggers::{ActivityConfig, ActivityTriggers, ReachabilityProbe};
use super::MaintenanceReport;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::google::GoogleClient;
use crate::model::AccountId;
use crate::scheduler::{RunResult, Scheduler};
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;

/// Settings of push and the activity triggers.
#[derive(Clone, Debug)]
pub struct PushSettings {
    /// The public HTTPS address that forwards to the receiver (e.g. a tunnel to
    /// `http://127.0.0.1:<receiver.port><receiver.path>`). `None`: no channels, polling only.
    pub public_address: Option<String>,
    /// Where the local receiver listens (127.0.0.1 only). Started only with an address.
    pub receiver: ReceiverConfig,
    /// Per-calendar debounce of push-triggered syncs (5 s).
    pub debounce: Duration,
    pub channels: ChannelConfig,
    pub activity: ActivityConfig,
    /// A TCP reachability probe `(host, port, every)` for shells without OS network events;
    /// `None` when the shell calls `network_changed` itself.
    pub probe: Option<(String, u16, Duration)>,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            public_address: None,
            receiver: ReceiverConfig::default(),
            debounce: Duration::from_secs(5),
            channels: ChannelConfig::default(),
            activity: ActivityConfig::default(),
            probe: Some(("www.googleapis.com".into(), 443, Duration::from_secs(30))),
        }
    }
}

/// Google only POSTs to HTTPS addresses; plain `http://` is accepted for loopback hosts only (the
/// emulator's test mode), so a typo fails here rather than on every watch request.
pub fn validate_public_address(address: &str) -> Result<()> {
    let url = url::Url::parse(address)
        .map_err(|e| Error::InvalidInput(format!("the push address is not a URL: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(Error::InvalidInput(
            "the push address must be a public https:// URL".into(),
        )),
    }
}

pub struct PushService<R> {
    settings: PushSettings,
    registry: Arc<ChannelRegistry>,
    debouncer: CalendarDebouncer,
    receiver: tokio::sync::Mutex<Option<PushReceiver>>,
    manager: Arc<ChannelManager>,
    triggers: Arc<ActivityTriggers<R>>,
}

impl<R: RunResult> PushService<R> {
    /// Loads the stored channels, starts the receiver (when an address is set), channel
    /// maintenance, the tray check and the optional probe, all as scheduler tasks.
    pub async fn start(
        settings: PushSettings,
        store: Arc<Store>,
        scheduler: &Scheduler<R>,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Self>> {
        if let Some(a) = &settings.public_address {
            validate_public_address(a)?;
        }
        let registry = Arc::new(ChannelRegistry::new());
        let mut channels = settings.channels.clone();
        channels.address = settings.public_address.clone();
        let manager = ChannelManager::new(store, registry.clone(), clock, channels).await?;
        let debouncer = CalendarDebouncer::new(Arc::new(scheduler.clone()), settings.debounce);
        let receiver = match &settings.public_address {
            Some(_) => Some(
                PushReceiver::start(
                    settings.receiver.clone(),
                    registry.clone(),
                    debouncer.clone(),
                )
                .await?,
            ),
            None => None,
        };
        let covered = registry.clone();
        scheduler.set_push_covered(Some(Arc::new(move |a, c| covered.covers(a, c))));
        let triggers = ActivityTriggers::new(
            scheduler.clone(),
            settings.activity.clone(),
            manager.polling_source(),
        );
        triggers.start();
        manager.run_with(scheduler);
        if let Some((host, port, every)) = &settings.probe {
            ReachabilityProbe::tcp(host.clone(), *port, Duration::from_secs(5))
                .run(&triggers, *every);
        }
        Ok(Arc::new(Self {
            settings,
            registry,
            debouncer,
            receiver: tokio::sync::Mutex::new(receiver),
            manager,
            triggers,
        }))
    }

    pub fn channels(&self) -> &Arc<ChannelManager> {
        &self.manager
    }

    pub fn triggers(&self) -> &Arc<ActivityTriggers<R>> {
        &self.triggers
    }

    pub fn registry(&self) -> &Arc<ChannelRegistry> {
        &self.registry
    }

    /// The receiver's local URL, when it runs.
    pub async fn receiver_url(&self) -> Option<String> {
        self.receiver.lock().await.as_ref().map(|r| r.local_url())
    }

    /// A connected account: its channels are opened on the next maintenance pass (now).
    pub async fn add_account(
        &self,
        account: &AccountId,
        client: GoogleClient,
    ) -> MaintenanceReport {
        self.manager.add_account(account, client);
        self.manager.maintain_account(account).await
    }

    /// The user changed the public address (or turned push off): old channels are stopped, new
    /// ones opened, and the receiver started if it was not running.
    pub async fn set_public_address(&self, address: Option<String>) -> Result<MaintenanceReport> {
        if let Some(a) = &address {
            validate_public_address(a)?;
        }
        if address.is_some() {
            let mut rx = self.receiver.lock().await;
            if rx.is_none() {
                *rx = Some(
                    PushReceiver::start(
                        self.settings.receiver.clone(),
                        self.registry.clone(),
                        self.debouncer.clone(),
                    )
                    .await?,
                );
            }
        }
        Ok(self.manager.set_address(address).await)
    }

    /// Stops the receiver (scheduler tasks stop with the scheduler). Channels stay open and
    /// stored, so notifications resume after the next start.
    pub async fn shutdown(&self) {
        if let Some(r) = self.receiver.lock().await.take() {
            r.shutdown().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::validate_public_address as v;

    #[test]
    fn push_addresses_must_be_https_or_loopback_http() {
        assert!(v("https://calendar-push.example.org/google/push").is_ok());
        assert!(v("http://127.0.0.1:8737/google/push").is_ok());
        assert!(v("http://localhost:8737/google/push").is_ok());
        assert!(v("http://[::1]:8737/google/push").is_ok());
        assert_eq!(
            v("http://push.example.org/x").unwrap_err().kind().as_str(),
            "invalid_input"
        );
        assert!(v("ftp://push.example.org/x").is_err());
        assert!(v("not a url").is_err());
    }
}
