//! Opening, renewing and stopping push channels (`events.watch` / `channels.stop`).
//!
//! The wanted state is simple: with a public address configured, every selected calendar of a
//! connected account has one live channel to that address; without one, none. Maintenance
//! ([`ChannelManager::maintain_all`], run by the scheduler every `maintenance_every`, and at
//! once on a selection, account or address change) moves the stored state towards it:
//! - channels for deselected calendars, to an old address, or whose token cannot be read are
//!   stopped and forgotten;
//! - a calendar without a channel gets one (random 40-character id, random 256-bit token);
//! - a channel near its end is replaced: when less than an hour or a tenth of its lifetime
//!   remains, whichever is smaller, a new channel is opened and then the old one stopped (for a
//!   moment both deliver; the debouncer merges their notifications);
//! - `pushNotSupportedForRequestedResource` puts the calendar on polling for this session;
//!   other failures are retried after `retry_after_failure`, so a broken forwarder does not cost
//!   a watch request every minute.

use super::persist::{ChannelToken, StoredChannel};
use super::registry::ChannelRegistry;
use crate::clock::Clock;
use crate::error::{Error, ErrorKind, Result};
use crate::google::{GoogleClient, WatchRequest};
use crate::model::{AccountId, CalendarId};
use crate::scheduler::{RunResult, Scheduler};
use crate::store::blocking;
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Key = (AccountId, CalendarId);

/// Push channel settings.
#[derive(Clone, Debug)]
pub struct ChannelConfig {
    /// The public HTTPS address Google POSTs to (the user's forwarder to the receiver). `None`:
    /// no push, polling only.
    pub address: Option<String>,
    /// Requested channel lifetime; `None` leaves Google's default (7 days).
    pub ttl: Option<Duration>,
    /// A calendar whose watch failed is tried again after this long.
    pub retry_after_failure: Duration,
    /// How often the scheduler runs maintenance (renewals are due at least an hour ahead with
    /// Google's lifetimes, so minutes are plenty).
    pub maintenance_every: Duration,
}

impl Default for ChannelConfig {
    fn default() -> Self {
        Self {
            address: None,
            ttl: None,
            retry_after_failure: Duration::from_secs(600),
            maintenance_every: Duration::from_secs(300),
        }
    }
}

/// What one maintenance pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    pub opened: Vec<Key>,
    pub renewed: Vec<Key>,
    /// Channel ids stopped (or forgotten when already expired).
    pub stopped: Vec<String>,
    /// Calendars whose watch failed, with the error kind.
    pub failed: Vec<(Key, String)>,
    /// Calendars that do not support push: polled instead.
    pub unsupported: Vec<Key>,
}

impl MaintenanceReport {
    fn absorb(&mut self, o: MaintenanceReport) {
        self.opened.extend(o.opened);
        self.renewed.extend(o.renewed);
        self.stopped.extend(o.stopped);
        self.failed.extend(o.failed);
        self.unsupported.extend(o.unsupported);
    }
}

pub struct ChannelManager {
    store: Arc<Store>,
    registry: Arc<ChannelRegistry>,
    clock: Arc<dyn Clock>,
    config: Mutex<ChannelConfig>,
    clients: Mutex<HashMap<AccountId, GoogleClient>>,
    polling_only: Mutex<HashSet<Key>>,
    retry_at: Mutex<HashMap<Key, DateTime<Utc>>>,
    /// One maintenance pass at a time (they would race on the same rows).
    op: tokio::sync::Mutex<()>,
}

fn is_push_unsupported(e: &Error) -> bool {
    matches!(e, Error::Google { reason: Some(r), .. } if r == "pushNotSupportedForRequestedResource")
}

/// The stored channels to keep (at most one usable channel per wanted calendar: the one that
/// lives longest) and those to stop.
fn sort_channels(
    stored: Vec<StoredChannel>,
    wanted: &BTreeSet<CalendarId>,
    config: &ChannelConfig,
    now: DateTime<Utc>,
) -> (HashMap<CalendarId, StoredChannel>, Vec<StoredChannel>) {
    let mut keep: HashMap<CalendarId, StoredChannel> = HashMap::new();
    let mut drop_list: Vec<StoredChannel> = Vec::new();
    for ch in stored {
        let usable = wanted.contains(&ch.calendar)
            && config.address.as_deref() == Some(ch.address.as_str())
            && ch.token.is_some()
            && ch.expires_at > now;
        if !usable {
            drop_list.push(ch);
            continue;
        }
        match keep.get(&ch.calendar) {
            Some(k) if k.expires_at >= ch.expires_at => drop_list.push(ch),
            _ => {
                if let Some(old) = keep.insert(ch.calendar.clone(), ch) {
                    drop_list.push(old);
                }
            }
        }
    }
    (keep, drop_list)
}

impl ChannelManager {
    /// Creates the manager and makes the receiver accept the channels already in the store.
    pub async fn new(
        store: Arc<Store>,
        registry: Arc<ChannelRegistry>,
        clock: Arc<dyn Clock>,
        config: ChannelConfig,
    ) -> Result<Arc<Self>> {
        let s = store.clone();
        let stored = blocking(move || s.push_channels(None)).await?;
        for ch in &stored {
            registry.insert(ch);
        }
        Ok(Arc::new(Self {
            store,
            registry,
            clock,
            config: Mutex::new(config),
            clients: Mutex::new(HashMap::new()),
            polling_only: Mutex::new(HashSet::new()),
            retry_at: Mutex::new(HashMap::new()),
            op: tokio::sync::Mutex::new(()),
        }))
    }

    pub fn config(&self) -> ChannelConfig {
        self.config.lock().unwrap().clone()
    }

    /// A connected account's client (channels are opened and stopped with it).
    pub fn add_account(&self, account: &AccountId, client: GoogleClient) {
        self.clients.lock().unwrap().insert(account.clone(), client);
    }

    /// Whether a live channel covers the calendar, so polling it is not needed.
    pub fn is_push_covered(&self, account: &AccountId, calendar: &CalendarId) -> bool {
        self.registry.covers(account, calendar)
    }

    /// The calendars of an account that polling must still cover: selected ones without a live
    /// channel (for [`super::ActivityTriggers`]' tray check).
    pub fn polling_source(self: &Arc<Self>) -> super::triggers::CalendarSource {
        let me = self.clone();
        Arc::new(move |account: &AccountId| {
            me.store
                .selected_calendars(Some(account))
                .into_iter()
                .map(|(_, c)| c)
                .filter(|c| !me.registry.covers(account, c))
                .collect()
        })
    }

    /// Calendars that refused push this session (polled instead).
    pub fn polling_only(&self) -> Vec<Key> {
        let mut v: Vec<_> = self.polling_only.lock().unwrap().iter().cloned().collect();
        v.sort();
        v
    }

    pub async fn channels(&self, account: Option<&AccountId>) -> Result<Vec<StoredChannel>> {
        let (s, a) = (self.store.clone(), account.cloned());
        blocking(move || s.push_channels(a.as_ref())).await
    }

    /// The address changed (or push was turned on or off): channels to the old address are
    /// stopped and new ones opened.
    pub async fn set_address(&self, address: Option<String>) -> MaintenanceReport {
        let changed = {
            let mut c = self.config.lock().unwrap();
            let changed = c.address != address;
            c.address = address;
            changed
        };
        if changed {
            // A new address may work where the old one failed.
            self.retry_at.lock().unwrap().clear();
        }
        self.maintain_all().await
    }

    /// Before an account is disconnected (while its token still works): stops all its channels.
    pub async fn remove_account(&self, account: &AccountId) -> MaintenanceReport {
        let _op = self.op.lock().await;
        let mut report = MaintenanceReport::default();
        let client = self.clients.lock().unwrap().get(account).cloned();
        match self.channels(Some(account)).await {
            Ok(chs) => {
                for ch in chs {
                    self.stop(client.as_ref(), &ch, true, &mut report).await;
                }
            }
            Err(e) => {
                tracing::warn!(%account, kind = e.kind().as_str(), "cannot read push channels")
            }
        }
        self.clients.lock().unwrap().remove(account);
        self.polling_only
            .lock()
            .unwrap()
            .retain(|(a, _)| a != account);
        self.retry_at
            .lock()
            .unwrap()
            .retain(|(a, _), _| a != account);
        report
    }

    /// One pass over every connected account.
    pub async fn maintain_all(&self) -> MaintenanceReport {
        let accounts: Vec<AccountId> = {
            let mut v: Vec<_> = self.clients.lock().unwrap().keys().cloned().collect();
            v.sort();
            v
        };
        let mut report = MaintenanceReport::default();
        for a in accounts {
            report.absorb(self.maintain_account(&a).await);
        }
        report
    }

    /// One pass over one account (call after its calendar selection changed).
    pub async fn maintain_account(&self, account: &AccountId) -> MaintenanceReport {
        let _op = self.op.lock().await;
        let mut report = MaintenanceReport::default();
        let Some(client) = self.clients.lock().unwrap().get(account).cloned() else {
            return report;
        };
        let config = self.config();
        let now = self.clock.now();
        let (s, a) = (self.store.clone(), account.clone());
        let loaded =
            blocking(move || Ok((s.push_channels(Some(&a))?, s.selected_calendars(Some(&a)))))
                .await;
        let (stored, selected) = match loaded {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(%account, kind = e.kind().as_str(), "push maintenance cannot read the store");
                return report;
            }
        };
        let wanted = self.wanted(account, &config, selected);
        let (mut keep, drop_list) = sort_channels(stored, &wanted, &config, now);
        for ch in &drop_list {
            self.stop(Some(&client), ch, false, &mut report).await;
        }

        let address = match &config.address {
            Some(a) => a.clone(),
            None => return report,
        };
        for cal in wanted {
            let key = (account.clone(), cal.clone());
            let current = keep.remove(&cal);
            let renewing = current.as_ref().is_some_and(|c| c.renewal_due(now));
            if current.is_some() && !renewing {
                continue;
            }
            if self
                .retry_at
                .lock()
                .unwrap()
                .get(&key)
                .is_some_and(|t| *t > now)
            {
                continue;
            }
            match self
                .open(&client, account, &cal, &address, config.ttl)
                .await
            {
                Ok(()) => {
                    self.retry_at.lock().unwrap().remove(&key);
                    if let Some(old) = current {
                        // The new channel is live: the old one can go.
                        self.stop(Some(&client), &old, false, &mut report).await;
                        report.renewed.push(key);
                    } else {
                        report.opened.push(key);
                    }
                }
                Err(e) => self.open_failed(key, &e, now, &config, &mut report),
            }
        }
        report
    }

    /// The calendars of `account` that should have a channel: none without an address, else
    /// the selected ones not on polling.
    fn wanted(
        &self,
        account: &AccountId,
        config: &ChannelConfig,
        selected: Vec<(AccountId, CalendarId)>,
    ) -> BTreeSet<CalendarId> {
        match &config.address {
            None => BTreeSet::new(),
            Some(_) => {
                let polling = self.polling_only.lock().unwrap();
                selected
                    .into_iter()
                    .map(|(_, c)| c)
                    .filter(|c| !polling.contains(&(account.clone(), c.clone())))
                    .collect()
            }
        }
    }

    /// A channel could not be opened: an unsupported calendar goes on polling, anything else
    /// is tried again after `retry_after_failure`.
    fn open_failed(
        &self,
        key: Key,
        e: &Error,
        now: DateTime<Utc>,
        config: &ChannelConfig,
        report: &mut MaintenanceReport,
    ) {
        let (account, cal) = (&key.0, &key.1);
        if is_push_unsupported(e) {
            tracing::info!(%account, calendar = %cal, "push is not supported for this calendar: polling it");
            self.polling_only.lock().unwrap().insert(key.clone());
            report.unsupported.push(key);
        } else {
            tracing::warn!(%account, calendar = %cal, kind = e.kind().as_str(), "opening a push channel failed: {e}");
            let retry = now
                + chrono::Duration::from_std(config.retry_after_failure)
                    .unwrap_or(chrono::Duration::MAX);
            self.retry_at.lock().unwrap().insert(key.clone(), retry);
            report.failed.push((key, e.kind().as_str().to_owned()));
        }
    }

    async fn open(
        &self,
        client: &GoogleClient,
        account: &AccountId,
        calendar: &CalendarId,
        address: &str,
        ttl: Option<Duration>,
    ) -> Result<()> {
        let id = format!("chronos-{}", uuid::Uuid::new_v4().simple());
        let token = ChannelToken::random();
        // Accept the `sync` Google sends before its answer arrives.
        self.registry.insert_pending(&id, account, calendar, &token);
        let req = WatchRequest {
            id: id.clone(),
            address: address.to_owned(),
            token: Some(token.expose().to_owned()),
            ttl,
        };
        let now = self.clock.now();
        let channel = match client.watch_events(calendar, &req).await {
            Ok(c) => c,
            Err(e) => {
                self.registry.remove(&id);
                return Err(e);
            }
        };
        let fallback_life = ttl.unwrap_or(Duration::from_secs(604_800));
        let expires_at = channel.expires_at().unwrap_or_else(|| {
            now + chrono::Duration::from_std(fallback_life).unwrap_or(chrono::Duration::days(7))
        });
        let stored = StoredChannel {
            channel_id: id.clone(),
            account: account.clone(),
            calendar: calendar.clone(),
            resource_id: channel.resource_id.clone(),
            address: address.to_owned(),
            created_at: now,
            expires_at,
            token: Some(token),
        };
        let (s, row) = (self.store.clone(), stored.clone());
        if let Err(e) = blocking(move || s.insert_push_channel(&row)).await {
            // Not remembered means never renewed or stopped: stop it now rather than leak it.
            self.registry.remove(&id);
            let _ = client.stop_channel(&id, &channel.resource_id).await;
            return Err(e);
        }
        self.registry.insert(&stored);
        tracing::info!(%account, %calendar, channel = %id, expires = %expires_at, "push channel opened");
        Ok(())
    }

    /// Stops a channel and forgets it. Expired channels are only forgotten (Google dropped them
    /// already). When `channels.stop` fails for a reason other than "not found" the row stays, so
    /// the next pass tries again, unless `forget_anyway` (the account is going away).
    async fn stop(
        &self,
        client: Option<&GoogleClient>,
        ch: &StoredChannel,
        forget_anyway: bool,
        report: &mut MaintenanceReport,
    ) {
        self.registry.remove(&ch.channel_id);
        let expired = ch.expires_at <= self.clock.now();
        let stopped = match (expired, client) {
            (true, _) => true,
            (false, None) => forget_anyway,
            (false, Some(c)) => match c.stop_channel(&ch.channel_id, &ch.resource_id).await {
                Ok(()) => true,
                Err(e) if e.kind() == ErrorKind::NotFound => true,
                Err(e) => {
                    tracing::warn!(channel = %ch.channel_id, kind = e.kind().as_str(), "stopping a push channel failed: {e}");
                    forget_anyway
                }
            },
        };
        if stopped {
            let (s, id) = (self.store.clone(), ch.channel_id.clone());
            if let Err(e) = blocking(move || s.delete_push_channel(&id)).await {
                tracing::warn!(channel = %ch.channel_id, kind = e.kind().as_str(), "cannot forget a push channel");
            }
            tracing::info!(account = %ch.account, calendar = %ch.calendar, channel = %ch.channel_id, "push channel stopped");
            report.stopped.push(ch.channel_id.clone());
        }
    }

    /// Runs maintenance now and then every `maintenance_every`, as a task of the scheduler (so
    /// its shutdown stops it).
    pub fn run_with<R: RunResult>(self: &Arc<Self>, scheduler: &Scheduler<R>) {
        let me = self.clone();
        let every = self.config().maintenance_every;
        scheduler.spawn_task(async move {
            loop {
                let r = me.maintain_all().await;
                if r != MaintenanceReport::default() {
                    tracing::debug!(?r, "push channel maintenance");
                }
                tokio::time::sleep(every).await;
            }
        });
    }
}
