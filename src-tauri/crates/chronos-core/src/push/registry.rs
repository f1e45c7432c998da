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
    /// After this the channel no longer covers its calendar (`None` while being opened).
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
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
        let Some(token) = ch.token.clone() else {
            return;
        };
        let known = KnownChannel {
            account: ch.account.clone(),
            calendar: ch.calendar.clone(),
            resource_id: Some(ch.resource_id.clone()).filter(|r| !r.is_empty()),
            token,
            expires_at: Some(ch.expires_at),
        };
        self.channels
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(ch.channel_id.clone(), known);
    }

    /// Accepts notifications for a channel whose watch request is being sent.
    pub fn insert_pending(
        &self,
        channel_id: &str,
        account: &AccountId,
        calendar: &CalendarId,
        token: &ChannelToken,
    ) {
        let known = KnownChannel {
            account: account.clone(),
            calendar: calendar.clone(),
            resource_id: None,
            token: token.clone(),
            expires_at: None,
        };
        self.channels
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(channel_id.to_owned(), known);
    }

    /// Whether an open, unexpired channel covers this calendar (an expired one that maintenance
    /// has not replaced yet does not: the calendar is polled again meanwhile).
    pub fn covers(&self, account: &AccountId, calendar: &CalendarId) -> bool {
        let now = chrono::Utc::now();
        let map = self.channels.read().unwrap_or_else(|e| e.into_inner());
        map.values().any(|k| {
            &k.account == account
                && &k.calendar == calendar
                && k.resource_id.is_some()
                && k.expires_at.is_some_and(|e| e > now)
        })
    }

    pub fn remove(&self, channel_id: &str) {
        self.channels
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(channel_id);
    }

    pub fn len(&self) -> usize {
        self.channels
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, channel_id: &str) -> bool {
        self.channels
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(channel_id)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(expires_in: chrono::Duration) -> StoredChannel {
        let now = chrono::Utc::now();
        StoredChannel {
            channel_id: "ch".into(),
            account: AccountId::new("a@x"),
            calendar: CalendarId::new("c"),
            resource_id: "r".into(),
            address: "https://x.example/p".into(),
            created_at: now - chrono::Duration::days(1),
            expires_at: now + expires_in,
            token: Some(ChannelToken::new("tok")),
        }
    }

    #[test]
    fn verification_and_coverage() {
        let r = ChannelRegistry::new();
        let (a, c) = (AccountId::new("a@x"), CalendarId::new("c"));
        r.insert(&stored(chrono::Duration::hours(5)));
        assert!(r.covers(&a, &c));
        assert_eq!(
            r.verify("ch", Some(b"tok"), Some("r")),
            Ok((a.clone(), c.clone()))
        );
        assert_eq!(
            r.verify("ch", Some(b"tok"), None),
            Ok((a.clone(), c.clone()))
        );
        assert_eq!(
            r.verify("ch", Some(b"tok!"), Some("r")),
            Err(Refusal::BadToken)
        );
        assert_eq!(r.verify("ch", None, Some("r")), Err(Refusal::BadToken));
        assert_eq!(
            r.verify("ch", Some(b"tok"), Some("q")),
            Err(Refusal::WrongResource)
        );
        assert_eq!(
            r.verify("other", Some(b"tok"), Some("r")),
            Err(Refusal::UnknownChannel)
        );
        // Expired: still verifiable (harmless), but no longer a reason to skip polling.
        r.insert(&stored(chrono::Duration::seconds(-1)));
        assert!(!r.covers(&a, &c));
        // Being opened: notifications accepted, coverage not yet claimed.
        r.insert_pending("new", &a, &c, &ChannelToken::new("t2"));
        assert!(r.verify("new", Some(b"t2"), Some("anything")).is_ok());
        assert!(!r.covers(&a, &c));
        // A channel whose token could not be read is not accepted at all.
        let mut unreadable = stored(chrono::Duration::hours(1));
        unreadable.channel_id = "blind".into();
        unreadable.token = None;
        r.insert(&unreadable);
        assert!(!r.contains("blind"));
    }
}
