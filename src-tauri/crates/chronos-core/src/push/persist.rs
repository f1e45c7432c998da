//! The `push_channels` table (schema migration 2 → 3): one row per open channel. Ids, the
//! resource id, the address and the times are plaintext (needed to stop or renew a channel
//! without the key); the verification token is sealed with the store's data key, bound to
//! `[account, calendar, channel id]`.

use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId};
use crate::store::crypto::{Aad, RecordKind};
use crate::store::Store;
use chrono::{DateTime, Utc};
use rusqlite::params;
use std::fmt;
use zeroize::Zeroizing;

/// The secret Google echoes in `X-Goog-Channel-Token`. Never logged (its `Debug` is redacted).
#[derive(Clone, PartialEq, Eq)]
pub struct ChannelToken(Zeroizing<String>);

impl ChannelToken {
    pub fn new(s: impl Into<String>) -> Self {
        Self(Zeroizing::new(s.into()))
    }

    /// 32 random bytes, URL-safe base64 (43 characters).
    pub fn random() -> Self {
        use base64::Engine;
        use rand::RngCore;
        let mut raw = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut *raw);
        Self::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(*raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison with what a notification carried.
    pub fn matches(&self, presented: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        // `ct_eq` on slices of different lengths is false at once; the length of a token is not
        // a secret (all of ours have the same length).
        bool::from(self.0.as_bytes().ct_eq(presented))
    }
}

impl fmt::Debug for ChannelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChannelToken(<redacted>)")
    }
}

/// One open channel as Chronos remembers it.
#[derive(Clone, Debug)]
pub struct StoredChannel {
    pub channel_id: String,
    pub account: AccountId,
    pub calendar: CalendarId,
    pub resource_id: String,
    pub address: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// `None` when the sealed token could not be opened (the data key was replaced): the channel
    /// can still be stopped, but its notifications cannot be verified, so it is replaced.
    pub token: Option<ChannelToken>,
}

impl StoredChannel {
    /// Renewal rule: renew when less than an hour or a tenth of the lifetime remains,
    /// whichever is smaller.
    pub fn renewal_due(&self, now: DateTime<Utc>) -> bool {
        let lifetime = (self.expires_at - self.created_at).max(chrono::Duration::zero());
        let margin = chrono::Duration::hours(1).min(lifetime / 10);
        self.expires_at - now < margin
    }

    /// When [`StoredChannel::renewal_due`] becomes true.
    pub fn renew_at(&self) -> DateTime<Utc> {
        let lifetime = (self.expires_at - self.created_at).max(chrono::Duration::zero());
        self.expires_at - chrono::Duration::hours(1).min(lifetime / 10)
    }
}

fn aad_parts<'a>(account: &'a str, calendar: &'a str, channel: &'a str) -> [&'a str; 3] {
    [account, calendar, channel]
}

impl Store {
    /// Remembers an open channel (replacing a row with the same channel id).
    pub fn insert_push_channel(&self, ch: &StoredChannel) -> Result<()> {
        let token = ch
            .token
            .as_ref()
            .ok_or_else(|| Error::InvalidInput("a new push channel needs its token".into()))?;
        let db = self.db();
        let parts = aad_parts(ch.account.as_str(), ch.calendar.as_str(), &ch.channel_id);
        let blob = db.keys.seal(
            &Aad {
                kind: RecordKind::PushChannel,
                parts: &parts,
            },
            token.expose().as_bytes(),
        );
        db.conn.execute(
            "INSERT OR REPLACE INTO push_channels
               (channel_id, account, calendar_id, resource_id, address, created_ms, expiration_ms, token_blob)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                ch.channel_id,
                ch.account.as_str(),
                ch.calendar.as_str(),
                ch.resource_id,
                ch.address,
                ch.created_at.timestamp_millis(),
                ch.expires_at.timestamp_millis(),
                blob
            ],
        )?;
        Ok(())
    }

    /// Open channels, of one account or all, oldest first.
    pub fn push_channels(&self, account: Option<&AccountId>) -> Result<Vec<StoredChannel>> {
        let db = self.db();
        let mut stmt = db.conn.prepare(
            "SELECT channel_id, account, calendar_id, resource_id, address, created_ms, expiration_ms, token_blob
               FROM push_channels WHERE ?1 IS NULL OR account = ?1 ORDER BY created_ms, channel_id",
        )?;
        let rows = stmt.query_map(params![account.map(|a| a.as_str())], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, Vec<u8>>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (channel_id, account, calendar, resource_id, address, created, expires, blob) =
                row?;
            let parts = aad_parts(&account, &calendar, &channel_id);
            let token = match db.keys.open(
                &Aad {
                    kind: RecordKind::PushChannel,
                    parts: &parts,
                },
                &blob,
            ) {
                Ok(plain) => match std::str::from_utf8(&plain) {
                    Ok(s) => Some(ChannelToken::new(s)),
                    Err(_) => None,
                },
                Err(e) => {
                    tracing::warn!(channel = %channel_id, "a push channel's token cannot be opened: {e}");
                    None
                }
            };
            out.push(StoredChannel {
                channel_id,
                account: AccountId::new(account),
                calendar: CalendarId::new(calendar),
                resource_id,
                address,
                created_at: crate::store::from_ms(created),
                expires_at: crate::store::from_ms(expires),
                token,
            });
        }
        Ok(out)
    }

    /// Forgets a channel; true when a row was there.
    pub fn delete_push_channel(&self, channel_id: &str) -> Result<bool> {
        let db = self.db();
        Ok(db.conn.execute(
            "DELETE FROM push_channels WHERE channel_id = ?1",
            params![channel_id],
        )? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecretStore;
    use std::sync::Arc;

    fn channel(id: &str, token: &str) -> StoredChannel {
        let now = Utc::now();
        StoredChannel {
            channel_id: id.into(),
            account: AccountId::new("a@x"),
            calendar: CalendarId::new("cal"),
            resource_id: "res".into(),
            address: "https://push.example/google/push".into(),
            created_at: now,
            expires_at: now + chrono::Duration::days(7),
            token: Some(ChannelToken::new(token)),
        }
    }

    #[test]
    fn tokens_are_sealed_on_disk_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let store = Store::open(&path, Arc::new(MemorySecretStore::default())).unwrap();
        store.upsert_account(&AccountId::new("a@x")).unwrap();
        let secret = "secret-token-value-0123456789abcdef";
        store.insert_push_channel(&channel("ch1", secret)).unwrap();
        let back = store.push_channels(None).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].token.as_ref().unwrap().expose(), secret);
        assert_eq!(back[0].resource_id, "res");
        drop(store);
        // The token never reaches the file in plaintext (WAL included).
        for f in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(f.unwrap().path()).unwrap();
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
        }
    }

    #[test]
    fn a_token_copied_to_another_channel_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            dir.path().join("s.sqlite"),
            Arc::new(MemorySecretStore::default()),
        )
        .unwrap();
        store.upsert_account(&AccountId::new("a@x")).unwrap();
        store.insert_push_channel(&channel("ch1", "one")).unwrap();
        store.insert_push_channel(&channel("ch2", "two")).unwrap();
        {
            let db = store.db();
            db.conn
                .execute(
                    "UPDATE push_channels SET token_blob = (SELECT token_blob FROM push_channels WHERE channel_id = 'ch1')
                     WHERE channel_id = 'ch2'",
                    [],
                )
                .unwrap();
        }
        let back = store.push_channels(None).unwrap();
        let ch2 = back.iter().find(|c| c.channel_id == "ch2").unwrap();
        assert!(ch2.token.is_none());
        assert!(store.delete_push_channel("ch2").unwrap());
        assert!(!store.delete_push_channel("ch2").unwrap());
    }

    #[test]
    fn renewal_margin_is_an_hour_or_a_tenth_of_the_lifetime() {
        let t0 = Utc::now();
        let mut c = channel("c", "t");
        c.created_at = t0;
        // 7 days: a tenth is 16.8 h, so the hour wins.
        c.expires_at = t0 + chrono::Duration::days(7);
        assert_eq!(c.renew_at(), c.expires_at - chrono::Duration::hours(1));
        assert!(!c.renewal_due(c.expires_at - chrono::Duration::minutes(61)));
        assert!(c.renewal_due(c.expires_at - chrono::Duration::minutes(59)));
        // 100 s: a tenth (10 s) wins.
        c.expires_at = t0 + chrono::Duration::seconds(100);
        assert_eq!(c.renew_at(), t0 + chrono::Duration::seconds(90));
        assert!(!c.renewal_due(t0 + chrono::Duration::seconds(89)));
        assert!(c.renewal_due(t0 + chrono::Duration::seconds(91)));
        assert_eq!(
            format!("{:?}", c.token.unwrap()),
            "ChannelToken(<redacted>)"
        );
    }

    #[test]
    fn token_comparison() {
        let t = ChannelToken::random();
        assert_eq!(t.expose().len(), 43);
        assert!(t.matches(t.expose().as_bytes()));
        assert!(!t.matches(b"nope"));
        assert!(!t.matches(&t.expose().as_bytes()[..42]));
        assert_ne!(ChannelToken::random(), t);
    }
}
