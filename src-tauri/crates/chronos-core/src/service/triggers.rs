//! Push channels and the activity triggers (focus, user activity, network back) that start
//! syncs besides the scheduler's own timers.

use super::*;

impl Chronos {
    /// Starts the push service on the running scheduler (idempotent; `start_scheduler` calls it
    /// in the background): the receiver and channels when a public address is set, and in any
    /// case the tray check, the reachability probe and the focus/network triggers. Connected
    /// accounts are added (their channels opened) before it returns. When the receiver cannot
    /// start (port taken), the service runs without push and the error is returned.
    pub async fn start_push(&self) -> Result<()> {
        let _one = self.inner.push_start.lock().await;
        if self.push_service().is_some() {
            return Ok(());
        }
        let mut settings = self.inner.options.push.clone();
        settings.public_address = self.inner.push_address.lock().unwrap().clone();
        let store = self.inner.store.clone();
        let started = PushService::start(
            settings.clone(),
            store.clone(),
            &self.inner.scheduler,
            self.inner.clock.clone(),
        )
        .await;
        let (service, failure) = match started {
            Ok(s) => (s, None),
            Err(e) if settings.public_address.is_some() => {
                tracing::warn!(
                    kind = e.kind().as_str(),
                    "push receiver did not start; polling only"
                );
                settings.public_address = None;
                let s = PushService::start(
                    settings,
                    store,
                    &self.inner.scheduler,
                    self.inner.clock.clone(),
                )
                .await?;
                (s, Some(e))
            }
            Err(e) => return Err(e),
        };
        if let Some(online) = *self.inner.online.lock().unwrap() {
            service.triggers().network_changed(online);
        }
        *self.inner.push.lock().unwrap() = Some(service.clone());
        for account in self.inner.scheduler.accounts() {
            if self
                .inner
                .scheduler
                .gate(&account)
                .is_some_and(|g| g.is_halted())
            {
                continue; // needs re-auth: added when it reconnects
            }
            let r = service.add_account(&account, self.client(&account)).await;
            if !r.failed.is_empty() {
                tracing::warn!(
                    failed = r.failed.len(),
                    "some push channels could not be opened"
                );
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The running push service (channels, registry, receiver URL), once started.
    pub fn push_service(&self) -> Option<Arc<PushService<RunReport>>> {
        self.inner.push.lock().unwrap().clone()
    }

    /// The public push address now in use (`None`: polling only).
    pub fn push_address(&self) -> Option<String> {
        self.inner.push_address.lock().unwrap().clone()
    }

    /// Changes the public push address at run time (`None` turns push off): channels to the old
    /// address are stopped and new ones opened. An `http://` address is refused unless loopback.
    pub async fn set_push_address(&self, address: Option<String>) -> Result<MaintenanceReport> {
        let address = address
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        if let Some(a) = &address {
            validate_public_address(a)?;
        }
        *self.inner.push_address.lock().unwrap() = address.clone();
        match self.push_service() {
            Some(push) => push.set_public_address(address).await,
            // Not started yet: `start_push` uses it.
            None => Ok(MaintenanceReport::default()),
        }
    }

    pub(super) fn triggers(&self) -> Arc<ActivityTriggers<RunReport>> {
        match self.push_service() {
            Some(p) => p.triggers().clone(),
            None => self.inner.early_triggers.clone(),
        }
    }

    /// The window gained focus: accounts whose last run began over a minute ago sync. Returns
    /// the accounts asked.
    pub fn window_focused(&self) -> Vec<AccountId> {
        self.triggers().window_focused()
    }

    /// The user did something: the tray check's idle back-off starts over.
    pub fn user_activity(&self) {
        self.triggers().user_activity();
    }

    /// The OS reports connectivity. Offline → online syncs every account (each run sends the
    /// queued changes first); while offline, edits are not pushed at once. Returns whether a
    /// sync was asked.
    pub fn network_changed(&self, online: bool) -> bool {
        *self.inner.online.lock().unwrap() = Some(online);
        self.triggers().network_changed(online)
    }
}
