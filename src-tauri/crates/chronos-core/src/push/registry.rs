//! The channels the receiver accepts notifications for, in memory (the store is the durable
//! copy; [`crate::push::ChannelManager`] keeps both in step).

use super::persist::{ChannelToken, StoredChannel};
use crate::model::{AccountId, CalendarId};
use std::collections::HashMap;
use std::sync::RwLock;

/// What a notification is checked against.
#[derive(Clone, Debug)]
pub struct KnownChannel {
    pub account: AccountId,
    pub calendar: CalendarId,
    /// `None` while the watch request is under way (Google sends `sync` before it answers).
    pub resource_id: Option<String>,
    pub token: ChannelToken,
}

/// Why a notification was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    UnknownChannel,
    BadToken,
    WrongResource,
}

#[derive(Default)]
pub struct ChannelRegistry {
    channels: RwLock<HashMap<String, KnownChannel>>,
}

impl ChannelRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts notifications for this channel. A channel whose token could not be read is not
    /// accepted (its notifications cannot be verified).
    pub fn insert(&self, ch: &StoredChannel) {
        let Some(token) = ch.token.clone() else { return };
        let known = KnownChannel {
            account: ch.account.clone(),
            calendar: ch.calendar.clone(),
            resource_id: Some(ch.resource_id.clone()).filter(|r| !r.is_empty()),
            token,
        };
        self.channels.write().unwrap_or_else(|e| e.into_inner()).insert(ch.channel_id.clone(), known);
    }

    /// Accepts notifications for a channel whose watch request is being sent.
    pub fn insert_pending(&self, channel_id: &str, account: &AccountId, calendar: &CalendarId, token: &ChannelToken) {
        let known = KnownChannel {
            account: account.clone(),
            calendar: calendar.clone(),
            resource_id: None,
            token: token.clone(),
        };
        self.channels.write().unwrap_or_else(|e| e.into_inner()).insert(channel_id.to_owned(), known);
    }

    /// Whether a channel with a confirmed resource id covers this calendar.
    pub fn covers(&self, account: &AccountId, calendar: &CalendarId) -> bool {
        let map = self.channels.read().unwrap_or_else(|e| e.into_inner());
        map.values().any(|k| &k.account == account && &k.calendar == calendar && k.resource_id.is_some())
    }

    pub fn remove(&self, channel_id: &str) {
        self.channels.write().unwrap_or_else(|e| e.into_inner()).remove(channel_id);
    }

    pub fn len(&self) -> usize {
        self.channels.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, channel_id: &str) -> bool {
        self.channels.read().unwrap_or_else(|e| e.into_inner()).contains_key(channel_id)
    }

    /// Checks a notification's channel id, token and (when sent) resource id.
    pub fn verify(
        &self,
        channel_id: &str,
        token: Option<&[u8]>,
        resource_id: Option<&str>,
    ) -> Result<(AccountId, CalendarId), Refusal> {
        let map = self.channels.read().unwrap_or_else(|e| e.into_inner());
        let known = map.get(channel_id).ok_or(Refusal::UnknownChannel)?;
        // Every channel we open has a token, so a missing one is a forgery too.
        if !known.token.matches(token.unwrap_or_default()) {
            return Err(Refusal::BadToken);
        }
        if let (Some(sent), Some(ours)) = (resource_id, known.resource_id.as_deref()) {
            if sent != ours {
                return Err(Refusal::WrongResource);
            }
        }
        Ok((known.account.clone(), known.calendar.clone()))
    }
}
