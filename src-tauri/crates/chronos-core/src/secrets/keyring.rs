//! The OS keyring as a `SecretStore`: Keychain on macOS, Credential Manager on Windows, the
//! Secret Service (GNOME Keyring, KWallet) on Linux, through the `keyring` crate.
//!
//! Every failure other than "no such entry" is `Error::Keyring`, whose message tells the user to
//! start and unlock a keyring. There is no fallback: without a keyring nothing secret is stored.

use super::SecretStore;
use crate::error::{Error, Result};
use zeroize::Zeroizing;

/// The service name every Chronos secret is filed under (the app identifier).
pub const SERVICE: &str = "app.chronos.desktop";

pub struct KeyringSecretStore {
    service: String,
}

impl Default for KeyringSecretStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyringSecretStore {
    pub fn new() -> Self {
        Self {
            service: SERVICE.to_owned(),
        }
    }

    /// A store under another service name, so tests never touch the real app's secrets.
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, name: &str) -> Result<::keyring::Entry> {
        ::keyring::Entry::new(&self.service, name).map_err(|e| map_error(name, e))
    }
}

fn map_error(name: &str, e: ::keyring::Error) -> Error {
    // The secret name is not secret; the platform error text never contains the value.
    let what = match &e {
        ::keyring::Error::NoStorageAccess(inner) => {
            format!("access to the keyring was refused or it is locked: {inner}")
        }
        ::keyring::Error::PlatformFailure(inner) => format!("keyring failure: {inner}"),
        ::keyring::Error::Ambiguous(list) => format!("{} entries match {name:?}", list.len()),
        other => other.to_string(),
    };
    Error::Keyring(format!("{what} (secret {name:?})"))
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        match self.entry(name)?.get_secret() {
            Ok(v) => Ok(Some(Zeroizing::new(v))),
            Err(::keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(name, e)),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<()> {
        self.entry(name)?
            .set_secret(secret)
            .map_err(|e| map_error(name, e))
    }

    fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(::keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(name, e)),
        }
    }
}
