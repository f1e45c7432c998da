//! Driving the world from tests and tools: the in-process `Control` and, in `http`, the same
//! operations under `/__emulator/`.

pub mod http;

use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::colors::{Palette, PaletteChange};
use crate::error::ApiError;
use crate::faults::{FaultRule, InstalledFault};
use crate::push::PushDelivery;
use crate::ratelimit::{RateLimit, RateLimiter};
use crate::reqlog::{Counters, RequestRecord};
use crate::shared::Shared;
pub use crate::store::conference::Outcome;
use crate::store::event_types::Origin;
use crate::store::events::WriteOpts;
use crate::store::oauth::TokenResponse;
use crate::store::Channel;
use crate::world::{CalendarSpec, World};

/// An account of the world as the control API lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    pub email: String,
    pub sub: String,
    pub primary_calendar: String,
    pub calendars: Vec<String>,
}

/// A cheap handle on a running emulator's world and knobs.
#[derive(Clone)]
pub struct Control {
    pub(crate) shared: Shared,
}

/// The identity writes made through the control API carry (`creator.email`).
pub const OTHER_CLIENT: &str = "other-client@chronos.example";

impl Control {
    pub fn accounts(&self) -> Vec<AccountInfo> {
        let st = self.shared.state.lock();
        st.ordered_accounts()
            .map(|a| AccountInfo {
                email: a.email.clone(),
                sub: a.sub.clone(),
                primary_calendar: a.primary_id(),
                calendars: a
                    .entries
                    .iter()
                    .filter(|e| !e.deleted)
                    .map(|e| e.cal_id.clone())
                    .collect(),
            })
            .collect()
    }

    /// Tokens for `account` as if it had signed in (scope: calendar + openid email).
    pub fn mint_tokens(&self, account: &str) -> Result<TokenResponse, ApiError> {
        self.mint_tokens_with_scope(
            account,
            "https://www.googleapis.com/auth/calendar openid email",
        )
    }

    pub fn mint_tokens_with_scope(
        &self,
        account: &str,
        scope: &str,
    ) -> Result<TokenResponse, ApiError> {
        let mut st = self.shared.state.lock();
        if !st.accounts.contains_key(account) {
            return Err(ApiError::not_found());
        }
        let grant = st.oauth.next_grant;
        st.oauth.next_grant += 1;
        let client = st.oauth.clients[0].client_id.clone();
        Ok(crate::oauth::mint(
            &mut st, account, scope, &client, grant, true,
        ))
    }

    fn resolve(&self, cal_id: &str) -> Result<String, ApiError> {
        let st = self.shared.state.lock();
        if cal_id == "primary" {
            return st
                .ordered_accounts()
                .next()
                .map(|a| a.primary_id())
                .ok_or_else(ApiError::not_found);
        }
        Ok(cal_id.to_owned())
    }

    /// Inserts an event as another client would: a new change every sync sees.
    pub fn insert_event(&self, cal_id: &str, event: Value) -> Result<Map<String, Value>, ApiError> {
        let id = self.resolve(cal_id)?;
        self.shared.state.lock().insert_event_from(
            &id,
            event,
            OTHER_CLIENT,
            &WriteOpts::all(),
            Origin::Google,
        )
    }

    pub fn patch_event(
        &self,
        cal_id: &str,
        event_id: &str,
        patch: Value,
    ) -> Result<Map<String, Value>, ApiError> {
        let id = self.resolve(cal_id)?;
        self.shared
            .state
            .lock()
            .patch_event(&id, event_id, patch, &WriteOpts::all())
    }

    pub fn update_event(
        &self,
        cal_id: &str,
        event_id: &str,
        event: Value,
    ) -> Result<Map<String, Value>, ApiError> {
        let id = self.resolve(cal_id)?;
        self.shared
            .state
            .lock()
            .update_event(&id, event_id, event, &WriteOpts::all())
    }

    /// Ends the pending Meet request of an event (see `store::conference`): what Google does a
    /// moment after a client asked for a link.
    pub fn complete_conference(
        &self,
        cal_id: &str,
        event_id: &str,
        outcome: Outcome,
    ) -> Result<Map<String, Value>, ApiError> {
        let id = self.resolve(cal_id)?;
        self.shared
            .state
            .lock()
            .complete_conference(&id, event_id, outcome)
    }

    pub fn delete_event(&self, cal_id: &str, event_id: &str) -> Result<(), ApiError> {
        let id = self.resolve(cal_id)?;
        self.shared.state.lock().delete_event(&id, event_id, None)
    }

    pub fn get_event(&self, cal_id: &str, event_id: &str) -> Result<Map<String, Value>, ApiError> {
        let id = self.resolve(cal_id)?;
        self.shared.state.lock().get_event(&id, event_id)
    }

    /// Ids of the stored events of a calendar (cancelled ones included), in id order.
    pub fn event_ids(&self, cal_id: &str) -> Result<Vec<String>, ApiError> {
        let id = self.resolve(cal_id)?;
        let st = self.shared.state.lock();
        let cal = st.calendars.get(&id).ok_or_else(ApiError::not_found)?;
        Ok(cal.events.keys().cloned().collect())
    }

    /// The body events.list would answer for `query` (e.g. `maxResults=2500&pageToken=…`), as the
    /// calendar's owner sees it; for measuring the server side without HTTP.
    pub fn list_events_json(&self, cal_id: &str, query: &str) -> Result<String, ApiError> {
        let id = self.resolve(cal_id)?;
        let q = crate::api::event_query(&crate::api::Params::from_query(Some(query)))?;
        let st = self.shared.state.lock();
        let cal = st
            .calendars
            .get(&id)
            .filter(|c| !c.removed)
            .ok_or_else(ApiError::not_found)?;
        let entry = st.entry(&cal.owner, &id).ok_or_else(ApiError::not_found)?;
        let reminders = entry
            .prefs
            .get("defaultReminders")
            .cloned()
            .unwrap_or(Value::Array(Vec::new()));
        let page = st.list_events(&id, &q)?;
        Ok(crate::store::list::events_envelope(
            cal,
            &entry.access_role,
            &reminders,
            &page,
        ))
    }

    /// `account`'s calendarList entry for `cal_id` as calendarList.get answers it (deleted
    /// entries too), or `None`.
    pub fn calendar_list_entry(&self, account: &str, cal_id: &str) -> Option<Value> {
        let st = self.shared.state.lock();
        st.entry(account, cal_id).map(|e| st.list_entry_json(e))
    }

    /// Adds a calendar (with its events) to `account`'s list.
    pub fn add_calendar(&self, account: &str, spec: CalendarSpec) -> Result<Value, ApiError> {
        self.shared.state.lock().add_calendar(account, &spec)
    }

    /// Sets one of the account's `users/me/settings` values (e.g. `timezone`), as the user
    /// changing it in Google Calendar's own settings would.
    pub fn set_setting(&self, account: &str, id: &str, value: &str) -> Result<(), ApiError> {
        let mut st = self.shared.state.lock();
        let acc = st
            .accounts
            .get_mut(account)
            .ok_or_else(ApiError::not_found)?;
        acc.settings.insert(id.to_owned(), value.to_owned());
        Ok(())
    }

    pub fn remove_calendar(&self, cal_id: &str) -> Result<(), ApiError> {
        self.shared.state.lock().remove_calendar(cal_id)
    }

    /// After this, the given calendar's (or every calendar's and calendar list's) sync and page
    /// tokens get 410 `fullSyncRequired`.
    pub fn invalidate_sync_tokens(&self, cal_id: Option<&str>) -> Result<(), ApiError> {
        let mut st = self.shared.state.lock();
        match cal_id {
            Some(c) => {
                let cal = st.calendars.get_mut(c).ok_or_else(ApiError::not_found)?;
                cal.epoch += 1;
            }
            None => {
                for cal in st.calendars.values_mut() {
                    cal.epoch += 1;
                }
                for a in st.accounts.values_mut() {
                    a.list_epoch += 1;
                }
            }
        }
        Ok(())
    }

    /// Ends the access tokens of one account (or all); returns how many.
    pub fn expire_access_tokens(&self, account: Option<&str>) -> usize {
        self.shared.state.lock().oauth.expire_access(account)
    }

    /// Revokes the refresh tokens (and their access tokens) of one account (or all).
    pub fn revoke_refresh_tokens(&self, account: Option<&str>) -> usize {
        self.shared.state.lock().oauth.revoke_refresh(account)
    }

    pub fn set_access_token_ttl(&self, ttl: Duration) {
        self.shared.state.lock().oauth.access_ttl = ttl;
    }

    pub fn add_fault(&self, rule: FaultRule) -> Result<u64, ApiError> {
        self.shared
            .faults
            .lock()
            .add(rule)
            .map_err(|e| ApiError::invalid_param("pathRegex", e))
    }

    pub fn faults(&self) -> Vec<InstalledFault> {
        self.shared.faults.lock().rules.clone()
    }

    pub fn remove_fault(&self, id: u64) -> bool {
        self.shared.faults.lock().remove(id)
    }

    pub fn clear_faults(&self) {
        self.shared.faults.lock().clear();
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.log.lock().records.clone()
    }

    pub fn counters(&self) -> Counters {
        self.shared.log.lock().counters.clone()
    }

    /// How many logged requests called `operation` (e.g. `events.list`).
    pub fn count(&self, operation: &str) -> u64 {
        self.shared
            .log
            .lock()
            .counters
            .by_operation
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    pub fn reset_requests(&self) {
        self.shared.log.lock().reset();
    }

    /// Queues an `exists` notification to the channels of `cal_id` (all channels when `None`).
    pub fn push_notify(&self, cal_id: Option<&str>) -> usize {
        self.shared.state.lock().push_to(cal_id, "exists")
    }

    /// Whether writes notify watching channels by themselves (default true).
    pub fn set_auto_push(&self, on: bool) {
        self.shared.state.lock().auto_push = on;
    }

    pub fn channels(&self) -> Vec<Channel> {
        let st = self.shared.state.lock();
        let mut v: Vec<Channel> = st.channels.values().cloned().collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    pub fn push_deliveries(&self) -> Vec<PushDelivery> {
        self.shared.pushes.lock().clone()
    }

    /// Turns on (or, with `None`, off) a per-user rate limit.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        *self.shared.rate_limit.lock() = limit.map(RateLimiter::new);
    }

    /// Latency added to every Calendar API request (benchmarks).
    pub fn set_latency(&self, latency: Duration) {
        self.shared
            .latency_ms
            .store(latency.as_millis() as u64, Ordering::Relaxed);
    }

    /// Simulates granular consent: auto-approved sign-ins grant only those requested scopes that
    /// are in `scopes` (`None`: everything requested).
    pub fn set_granted_scopes(&self, scopes: Option<Vec<String>>) {
        self.shared.state.lock().oauth.granted_scopes = scopes;
    }

    /// Short or empty pages, as Google may send them (see `PageQuirks`).
    pub fn set_page_quirks(&self, quirks: crate::store::list::PageQuirks) {
        self.shared.state.lock().page_quirks = quirks;
    }

    /// Write behaviour of other servers (see `WriteQuirks`).
    pub fn set_write_quirks(&self, quirks: crate::store::WriteQuirks) {
        self.shared.state.lock().write_quirks = quirks;
    }

    pub fn set_auto_approve(&self, on: bool) {
        self.shared.auto_approve.store(on, Ordering::Relaxed);
    }

    /// Changes colors.get's palette (the named ids; `updated` moves to now), as if Google had
    /// changed what a `colorId` means.
    pub fn set_colors(&self, change: PaletteChange) {
        self.shared.palette.lock().apply(change, chrono::Utc::now());
    }

    /// Back to Google's palette.
    pub fn reset_colors(&self) {
        *self.shared.palette.lock() = Palette::default();
    }

    /// The palette colors.get serves now.
    pub fn colors(&self) -> Palette {
        self.shared.palette.lock().clone()
    }

    pub fn export_world(&self) -> World {
        self.shared.state.lock().export_world()
    }
}
