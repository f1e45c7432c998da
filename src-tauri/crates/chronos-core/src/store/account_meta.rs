//! Account-level data Google keeps beside the calendars (the `colors.get` palette, the account's
//! `settings`), cached so the app shows them offline and asks Google rarely. Values are sealed
//! JSON bound to [account, key]; a value that no longer opens (a data-key recovery wiped its key)
//! reads as absent, so the caller fetches it again instead of failing.

use super::crypto::{Aad, RecordKind};
use super::{from_ms, now_ms, open_json, seal_json, Store};
use crate::error::Result;
use crate::model::AccountId;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The names under which account data is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountMetaKey {
    /// `colors.get`: what a calendar's or an event's `colorId` means.
    Colors,
    /// `settings.get("timezone")`: the account's own time zone.
    TimeZone,
}

impl AccountMetaKey {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountMetaKey::Colors => "colors",
            AccountMetaKey::TimeZone => "timezone",
        }
    }
}

/// A cached value and when it was fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountMeta<T> {
    pub value: T,
    pub fetched: DateTime<Utc>,
}

impl Store {
    /// Stores `value` under `key` for the account, replacing what was there.
    pub fn put_account_meta<T: Serialize>(
        &self,
        account: &AccountId,
        key: AccountMetaKey,
        value: &T,
    ) -> Result<()> {
        let db = self.db();
        let aad = Aad {
            kind: RecordKind::AccountMeta,
            parts: &[account.as_str(), key.as_str()],
        };
        let blob = seal_json(&db.keys, &aad, value)?;
        db.conn.execute(
            "INSERT INTO account_meta (account, key, fetched_ms, blob) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, key) DO UPDATE SET fetched_ms = excluded.fetched_ms, blob = excluded.blob",
            params![account.as_str(), key.as_str(), now_ms(), blob],
        )?;
        Ok(())
    }

    /// The cached value under `key`, if there is one that still opens.
    pub fn account_meta<T: DeserializeOwned>(
        &self,
        account: &AccountId,
        key: AccountMetaKey,
    ) -> Result<Option<AccountMeta<T>>> {
        let db = self.db();
        let row: Option<(i64, Vec<u8>)> = db
            .conn
            .query_row(
                "SELECT fetched_ms, blob FROM account_meta WHERE account = ?1 AND key = ?2",
                params![account.as_str(), key.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((fetched_ms, blob)) = row else {
            return Ok(None);
        };
        let aad = Aad {
            kind: RecordKind::AccountMeta,
            parts: &[account.as_str(), key.as_str()],
        };
        match open_json::<T>(&db.keys, &aad, &blob) {
            Ok(value) => Ok(Some(AccountMeta {
                value,
                fetched: from_ms(fetched_ms),
            })),
            Err(e) => {
                tracing::warn!(account = %account, key = key.as_str(), error = %e, "cached account data unreadable; it will be fetched again");
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecretStore;
    use std::sync::Arc;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            dir.path().join("s.db"),
            Arc::new(MemorySecretStore::default()),
        )
        .unwrap();
        (dir, store)
    }

    #[test]
    fn values_round_trip_per_account_and_key_and_are_not_plaintext() {
        let (dir, store) = store();
        let a = AccountId("a@example.com".into());
        let b = AccountId("b@example.com".into());
        store.upsert_account(&a).unwrap();
        store.upsert_account(&b).unwrap();
        assert!(store
            .account_meta::<String>(&a, AccountMetaKey::TimeZone)
            .unwrap()
            .is_none());
        store
            .put_account_meta(&a, AccountMetaKey::TimeZone, &"Asia/Kolkata-marker")
            .unwrap();
        store
            .put_account_meta(&a, AccountMetaKey::TimeZone, &"Europe/Berlin-marker")
            .unwrap();
        let got = store
            .account_meta::<String>(&a, AccountMetaKey::TimeZone)
            .unwrap()
            .unwrap();
        assert_eq!(got.value, "Europe/Berlin-marker");
        assert!(store
            .account_meta::<String>(&b, AccountMetaKey::TimeZone)
            .unwrap()
            .is_none());
        assert!(store
            .account_meta::<String>(&a, AccountMetaKey::Colors)
            .unwrap()
            .is_none());
        drop(store);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(
                !bytes.windows(13).any(|w| w == b"Berlin-marker"),
                "plaintext on disk"
            );
        }
    }

    #[test]
    fn a_disconnected_account_takes_its_data_along() {
        let (_dir, store) = store();
        let a = AccountId("a@example.com".into());
        store.upsert_account(&a).unwrap();
        store
            .put_account_meta(&a, AccountMetaKey::Colors, &vec![1, 2, 3])
            .unwrap();
        store.delete_account(&a).unwrap();
        store.upsert_account(&a).unwrap();
        assert!(store
            .account_meta::<Vec<i32>>(&a, AccountMetaKey::Colors)
            .unwrap()
            .is_none());
    }
}
