//! Connected accounts: their status, and the calendar list's sync token.

use super::{from_ms, now_ms, Store};
use crate::error::{Error, Result};
use crate::model::{AccountId, SyncToken};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    NeedsReauth,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::NeedsReauth => "needs_reauth",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "needs_reauth" => AccountStatus::NeedsReauth,
            _ => AccountStatus::Active,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredAccount {
    pub id: AccountId,
    pub status: AccountStatus,
    pub created: DateTime<Utc>,
}

impl Store {
    /// Adds the account if it is new (status active). Returns whether it was added.
    pub fn upsert_account(&self, id: &AccountId) -> Result<bool> {
        let db = self.db();
        let n = db.conn.execute(
            "INSERT OR IGNORE INTO accounts (id, status, created_ms) VALUES (?1, 'active', ?2)",
            params![id.as_str(), now_ms()],
        )?;
        Ok(n == 1)
    }

    pub fn set_account_status(&self, id: &AccountId, status: AccountStatus) -> Result<()> {
        let db = self.db();
        let n = db.conn.execute(
            "UPDATE accounts SET status = ?2 WHERE id = ?1",
            params![id.as_str(), status.as_str()],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("account {id} is not connected")));
        }
        Ok(())
    }

    pub fn list_accounts(&self) -> Result<Vec<StoredAccount>> {
        let db = self.db();
        let mut stmt = db
            .conn
            .prepare("SELECT id, status, created_ms FROM accounts ORDER BY created_ms, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredAccount {
                id: AccountId(r.get(0)?),
                status: AccountStatus::parse(&r.get::<_, String>(1)?),
                created: from_ms(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_account(&self, id: &AccountId) -> Result<Option<StoredAccount>> {
        Ok(self.list_accounts()?.into_iter().find(|a| &a.id == id))
    }

    /// Deletes everything stored for the account: calendars, events, sync state, outbox and
    /// conflicts (the keyring tokens are the auth module's to delete).
    pub fn delete_account(&self, id: &AccountId) -> Result<bool> {
        let db = self.db();
        let n = db
            .conn
            .execute("DELETE FROM accounts WHERE id = ?1", [id.as_str()])?;
        self.index_write().forget_account(id);
        self.selected_write().retain(|(a, _)| a != id);
        Ok(n == 1)
    }

    pub fn calendar_list_sync_token(&self, account: &AccountId) -> Result<Option<SyncToken>> {
        let db = self.db();
        let t: Option<Option<String>> = db
            .conn
            .query_row(
                "SELECT calendar_list_sync_token FROM accounts WHERE id = ?1",
                [account.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(t.flatten().map(SyncToken))
    }

    /// After a 410 on the calendar list.
    pub fn clear_calendar_list_sync_token(&self, account: &AccountId) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE accounts SET calendar_list_sync_token = NULL WHERE id = ?1",
            [account.as_str()],
        )?;
        Ok(())
    }
}
