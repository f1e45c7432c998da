//! Two-way sync: local edits, the durable outbox that carries them to Google, the three-way
//! merge when Google changed the same event, and the conflict records the user resolves.
//!
//! - `edit`: validated edits (create, update, RSVP, delete, move) → one `Store::write_local`
//!   transaction holding the new local row (marked pending) and its outbox entry.
//! - `push`: [`drain_outbox`] sends the entries in order (per event), with client-chosen ids,
//!   `If-Match` and patches of only the changed fields, and settles each answer.
//! - `merge`: the per-field three-way merge and its rules (read them there).
//! - `conflicts`: the list of pending changes with their states, retry, discard, and resolving
//!   conflict records.
//!
//! Edits and the pusher may run at the same time. A per-account lock (held only around store
//! transactions, never across a request) decides which entry an edit may fold into: an entry
//! being sent is never changed; an edit made meanwhile becomes a follower entry that is rebased
//! onto the server's answer when the sent entry settles.

pub mod conflicts;
pub mod edit;
pub mod merge;
pub mod push;
pub mod restore;
pub mod series;

pub use conflicts::{ChangeState, PendingChange, Resolution};
pub use edit::{EditOptions, EventChanges, Notify};
pub use merge::{FieldConflict, MergeOutcome, CONTENT_FIELDS};
pub use push::{drain_outbox, merge_held, DrainReport};
pub use series::{EditScope, OccurrenceEdit};

use crate::error::Result;
use crate::google::GoogleClient;
use crate::model::{AccountId, CalendarId, EventId};
use crate::store::{ConflictId, OutboxId, Store, StoredEvent};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// The locks of one account of one store file.
pub(crate) struct AccountLocks {
    /// Held (briefly, on a blocking thread) around every read-decide-write of outbox entries.
    pub edit: Mutex<()>,
    /// One drain at a time per account.
    pub drain: tokio::sync::Mutex<()>,
}

/// The locks of every (store file, account) this process has touched.
type LockMap = HashMap<(PathBuf, AccountId), Arc<AccountLocks>>;

pub(crate) fn locks_for(store: &Store, account: &AccountId) -> Arc<AccountLocks> {
    static LOCKS: OnceLock<Mutex<LockMap>> = OnceLock::new();
    let map = LOCKS.get_or_init(Default::default);
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    map.entry((store.path().to_path_buf(), account.clone()))
        .or_insert_with(|| {
            Arc::new(AccountLocks {
                edit: Mutex::new(()),
                drain: tokio::sync::Mutex::new(()),
            })
        })
        .clone()
}

pub(crate) fn lock_edit(locks: &AccountLocks) -> std::sync::MutexGuard<'_, ()> {
    locks.edit.lock().unwrap_or_else(|e| e.into_inner())
}

/// The app's handle on two-way sync for one account: edits (which start a push at once when
/// `push_on_edit` is set), the pending-change list, retry, discard and conflict resolution.
#[derive(Clone)]
pub struct Outbox {
    pub store: Arc<Store>,
    pub client: GoogleClient,
    pub account: AccountId,
    /// Start a drain in the background after each edit (the app: yes; tests that need to
    /// control timing: no).
    pub push_on_edit: bool,
}

impl Outbox {
    pub fn new(store: Arc<Store>, client: GoogleClient, account: AccountId) -> Self {
        Self {
            store,
            client,
            account,
            push_on_edit: true,
        }
    }

    fn kick(&self) {
        if !self.push_on_edit {
            return;
        }
        let (store, client, account) = (
            self.store.clone(),
            self.client.clone(),
            self.account.clone(),
        );
        tokio::spawn(async move {
            if let Err(e) = drain_outbox(&store, &client, &account).await {
                tracing::warn!(kind = e.kind().as_str(), "background push failed");
            }
        });
    }

    async fn local<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store, &AccountId) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let account = self.account.clone();
        let out = self.store.call(move |s| f(s, &account)).await?;
        self.kick();
        Ok(out)
    }

    pub async fn create_event(
        &self,
        calendar: CalendarId,
        changes: EventChanges,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        self.local(move |s, a| edit::create_event(s, a, &calendar, &changes, &opts))
            .await
    }

    pub async fn update_event(
        &self,
        calendar: CalendarId,
        id: EventId,
        changes: EventChanges,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        self.local(move |s, a| edit::update_event(s, a, &calendar, &id, &changes, &opts))
            .await
    }

    /// The user's own answer to an invitation (`accepted`, `declined`, `tentative`,
    /// `needsAction`): a patch of their attendee entry's `responseStatus`.
    pub async fn respond(
        &self,
        calendar: CalendarId,
        id: EventId,
        response: String,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        self.local(move |s, a| edit::respond(s, a, &calendar, &id, &response, &opts))
            .await
    }

    pub async fn delete_event(
        &self,
        calendar: CalendarId,
        id: EventId,
        opts: EditOptions,
    ) -> Result<()> {
        self.local(move |s, a| edit::delete_event(s, a, &calendar, &id, &opts))
            .await
    }

    pub async fn move_event(
        &self,
        from: CalendarId,
        id: EventId,
        to: CalendarId,
        opts: EditOptions,
    ) -> Result<StoredEvent> {
        self.local(move |s, a| edit::move_event(s, a, &from, &id, &to, &opts))
            .await
    }

    /// Sends what is queued now (also called by the sync run before it pulls).
    pub async fn drain(&self) -> Result<DrainReport> {
        drain_outbox(&self.store, &self.client, &self.account).await
    }

    pub async fn list_pending_changes(&self) -> Result<Vec<PendingChange>> {
        let account = self.account.clone();
        self.store
            .call(move |s| conflicts::list_pending_changes(s, &account))
            .await
    }

    pub async fn pending_count(&self) -> Result<usize> {
        let account = self.account.clone();
        self.store
            .call(move |s| s.pending_count(Some(&account)))
            .await
    }

    pub async fn retry(&self, id: OutboxId) -> Result<()> {
        self.local(move |s, a| conflicts::retry_change(s, a, id))
            .await
    }

    pub async fn discard(&self, id: OutboxId) -> Result<()> {
        self.local(move |s, a| conflicts::discard_change(s, a, id))
            .await
    }

    pub async fn resolve_conflict(&self, id: ConflictId, how: Resolution) -> Result<()> {
        self.local(move |s, a| conflicts::resolve_conflict(s, a, id, &how))
            .await
    }
}
