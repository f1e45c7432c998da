//! Where secrets live: refresh and access tokens, and the data key.
//!
//! Production uses the OS keyring (`keyring.rs`); unit tests may use `MemorySecretStore`. There is
//! deliberately no file-backed implementation: a secret is never written to disk in plaintext.

mod keyring;
pub use self::keyring::KeyringSecretStore;

use crate::error::Result;
use std::collections::HashMap;
use std::sync::Mutex;
use zeroize::Zeroizing;

/// A small key/value vault for secrets. Keys are short ASCII names such as
/// `token:alice@example.com` or `data-key:1`.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<()>;
    /// Deleting a missing secret is not an error.
    fn delete(&self, name: &str) -> Result<()>;
}

/// Secrets kept in memory only; for tests.
#[derive(Default)]
pub struct MemorySecretStore {
    inner: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

impl SecretStore for MemorySecretStore {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        Ok(self.inner.lock().unwrap().get(name).cloned())
    }
    fn set(&self, name: &str, secret: &[u8]) -> Result<()> {
        self.inner
            .lock()
            .unwrap()
            .insert(name.to_owned(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<()> {
        self.inner.lock().unwrap().remove(name);
        Ok(())
    }
}
