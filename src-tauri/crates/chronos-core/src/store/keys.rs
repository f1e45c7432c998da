//! Where the data keys live and how the store finds them.
//!
//! The key bytes are only in the `SecretStore` (the OS keyring), one secret per key:
//! `data-key:<id>`, plus `data-key:current` naming the key new writes use. The database lists the
//! ids its blobs may use (`data_keys`), each with a check blob, so that on open a missing key — or
//! a different key under the same name after a keyring reset — is reported as
//! `Error::DataKeyMissing` (with the cause) instead of surfacing later as row-by-row decryption failures.

use super::crypto::{blob_key_id, Aad, DataKey, KeyId, KeySet, RecordKind};
use crate::error::{DataKeyProblem, Error, Result};
use crate::secrets::SecretStore;
use rusqlite::{params, Connection, OptionalExtension};

pub const CURRENT_KEY_NAME: &str = "data-key:current";
const CHECK_PLAINTEXT: &[u8] = b"chronos data key check v1";

pub fn key_name(id: KeyId) -> String {
    format!("data-key:{id}")
}

fn check_aad_parts(id: KeyId) -> String {
    id.to_string()
}

/// Tables with sealed data, and their sealed column.
pub(crate) const BLOB_TABLES: &[(&str, &str)] = &[
    ("events", "blob"),
    ("events", "meta"),
    ("calendars", "blob"),
    ("outbox", "blob"),
    ("conflicts", "blob"),
    ("push_channels", "token_blob"),
];

pub(crate) fn has_encrypted_rows(conn: &Connection) -> Result<bool> {
    for (table, col) in BLOB_TABLES {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {col} IS NOT NULL)");
        if conn.query_row(&sql, [], |r| r.get::<_, bool>(0))? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The keyring's key `id`, or why it cannot be used.
fn read_secret_key(
    secrets: &dyn SecretStore,
    id: KeyId,
) -> Result<Result<DataKey, DataKeyProblem>> {
    match secrets.get(&key_name(id))? {
        None => Ok(Err(DataKeyProblem::Absent(id))),
        Some(raw) => match DataKey::from_bytes(id, &raw) {
            Ok(k) => Ok(Ok(k)),
            Err(e) => {
                tracing::warn!(key_id = %id, error = %e, "unusable data key in the keyring");
                Ok(Err(DataKeyProblem::Unusable(id)))
            }
        },
    }
}

fn current_from_secrets(secrets: &dyn SecretStore) -> Result<Option<KeyId>> {
    Ok(secrets
        .get(CURRENT_KEY_NAME)?
        .and_then(|raw| {
            std::str::from_utf8(&raw)
                .ok()
                .and_then(|s| s.trim().parse::<u32>().ok())
        })
        .map(KeyId))
}

fn record_key(conn: &Connection, key: &DataKey) -> Result<()> {
    let check = KeySet::new(DataKey::from_bytes(key.id(), key.bytes())?);
    let id_str = check_aad_parts(key.id());
    let blob = check.seal(
        &Aad {
            kind: RecordKind::KeyCheck,
            parts: &[&id_str],
        },
        CHECK_PLAINTEXT,
    );
    conn.execute(
        "INSERT OR REPLACE INTO data_keys (id, check_blob, created_ms) VALUES (?1, ?2, ?3)",
        params![key.id().0, blob, super::now_ms()],
    )?;
    Ok(())
}

fn make_current(conn: &Connection, secrets: &dyn SecretStore, id: KeyId) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO meta (name, value) VALUES ('current_key_id', ?1)",
        [id.0.to_string()],
    )?;
    secrets.set(CURRENT_KEY_NAME, id.0.to_string().as_bytes())
}

/// Creates a key: into the keyring first, then into the database, so the database never names
/// a key the keyring does not hold.
fn create_key(conn: &Connection, secrets: &dyn SecretStore, id: KeyId) -> Result<DataKey> {
    let key = DataKey::generate(id);
    secrets.set(&key_name(id), key.bytes())?;
    record_key(conn, &key)?;
    tracing::info!(key_id = %id, "new data key created");
    Ok(key)
}

/// Loads every key the database names and checks each; creates the first key of a new store.
pub(crate) fn load_or_create(conn: &Connection, secrets: &dyn SecretStore) -> Result<KeySet> {
    let rows: Vec<(u32, Vec<u8>)> = conn
        .prepare("SELECT id, check_blob FROM data_keys ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;

    if rows.is_empty() {
        if has_encrypted_rows(conn)? {
            tracing::warn!("encrypted rows exist but no data key is recorded");
            return Err(Error::DataKeyMissing(DataKeyProblem::Unrecorded));
        }
        // A new (or wiped) store: reuse the keyring's current key if it is intact, so that a
        // reinstall does not pile up keys; otherwise make a new one with a fresh id.
        let current = current_from_secrets(secrets)?;
        let key = match current {
            Some(id) => match read_secret_key(secrets, id)? {
                Ok(k) => {
                    record_key(conn, &k)?;
                    k
                }
                Err(_) => create_key(conn, secrets, KeyId(id.0 + 1))?,
            },
            None => create_key(conn, secrets, KeyId(1))?,
        };
        make_current(conn, secrets, key.id())?;
        return Ok(KeySet::new(key));
    }

    let mut set: Option<KeySet> = None;
    for (id, check_blob) in rows {
        let id = KeyId(id);
        let key = match read_secret_key(secrets, id)? {
            Ok(key) => key,
            Err(problem) => {
                tracing::warn!(key_id = %id, "data key missing from the keyring");
                return Err(Error::DataKeyMissing(problem));
            }
        };
        let single = KeySet::new(DataKey::from_bytes(id, key.bytes())?);
        let id_str = check_aad_parts(id);
        let ok = single
            .open(
                &Aad {
                    kind: RecordKind::KeyCheck,
                    parts: &[&id_str],
                },
                &check_blob,
            )
            .map(|p| &p[..] == CHECK_PLAINTEXT)
            .unwrap_or(false);
        if !ok {
            tracing::warn!(key_id = %id, "the keyring holds a different data key under this id");
            return Err(Error::DataKeyMissing(DataKeyProblem::Different(id)));
        }
        match set.as_mut() {
            None => set = Some(KeySet::new(key)),
            Some(s) => s.insert(&key),
        }
    }
    let mut set = set.expect("rows is not empty");
    let recorded: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE name = 'current_key_id'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let current = recorded
        .and_then(|s| s.parse::<u32>().ok())
        .map(KeyId)
        .filter(|id| set.ids().any(|k| k == *id))
        .unwrap_or_else(|| set.ids().max().expect("non-empty"));
    set.set_current(current);
    Ok(set)
}

/// Adds a new key and makes it current; existing blobs stay readable with their old keys.
pub(crate) fn rotate(
    conn: &Connection,
    secrets: &dyn SecretStore,
    keys: &mut KeySet,
) -> Result<KeyId> {
    let max_db: Option<u32> = conn.query_row("SELECT MAX(id) FROM data_keys", [], |r| r.get(0))?;
    let max_secret = current_from_secrets(secrets)?.map(|k| k.0);
    let id = KeyId(max_db.into_iter().chain(max_secret).max().unwrap_or(0) + 1);
    let key = create_key(conn, secrets, id)?;
    keys.insert(&key);
    make_current(conn, secrets, id)?;
    keys.set_current(id);
    Ok(id)
}

/// How many sealed rows still use `id`.
pub(crate) fn rows_using(conn: &Connection, id: KeyId) -> Result<u64> {
    let mut n = 0u64;
    for (table, col) in BLOB_TABLES {
        let sql = format!("SELECT {col} FROM {table} WHERE {col} IS NOT NULL");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let blob: Vec<u8> = r.get(0)?;
            if blob_key_id(&blob) == Some(id) {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Forgets a key no row uses any more, in the database and in the keyring.
pub(crate) fn retire(
    conn: &Connection,
    secrets: &dyn SecretStore,
    keys: &mut KeySet,
    id: KeyId,
) -> Result<()> {
    if id == keys.current() {
        return Err(Error::InvalidInput(format!(
            "data key {id} is the current key"
        )));
    }
    let users = rows_using(conn, id)?;
    if users > 0 {
        return Err(Error::Conflict(format!(
            "data key {id} is still used by {users} rows"
        )));
    }
    conn.execute("DELETE FROM data_keys WHERE id = ?1", [id.0])?;
    secrets.delete(&key_name(id))?;
    keys.remove(id);
    Ok(())
}

/// After a wipe: forget the recorded keys and start a new one with an id never used before.
pub(crate) fn rekey_after_wipe(conn: &Connection, secrets: &dyn SecretStore) -> Result<KeySet> {
    let max_db: Option<u32> = conn.query_row("SELECT MAX(id) FROM data_keys", [], |r| r.get(0))?;
    let max_secret = current_from_secrets(secrets)?.map(|k| k.0);
    conn.execute("DELETE FROM data_keys", [])?;
    let id = KeyId(max_db.into_iter().chain(max_secret).max().unwrap_or(0) + 1);
    let key = create_key(conn, secrets, id)?;
    make_current(conn, secrets, id)?;
    Ok(KeySet::new(key))
}
