//! The engine's one error type. Each error maps to a stable `kind` string the UI relies on.

use serde::Serialize;

/// Stable, serialisable error kinds (the UI switches on these strings; never rename one). A new
/// kind goes into [`ErrorKind::ALL`] too: the UI's TypeScript union is generated from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NeedsReauth,
    Offline,
    RateLimited,
    QuotaExceeded,
    Forbidden,
    NotFound,
    Conflict,
    InvalidInput,
    KeyringUnavailable,
    DataKeyMissing,
    Timeout,
    Cancelled,
    FullSyncRequired,
    Server,
    Storage,
    Internal,
}

impl ErrorKind {
    /// The kind a stable string names (`as_str` read back); `None` for a word this version
    /// does not know.
    pub fn parse(s: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Every kind (the UI's TypeScript union is generated from this list).
    pub const ALL: [ErrorKind; 16] = [
        ErrorKind::NeedsReauth,
        ErrorKind::Offline,
        ErrorKind::RateLimited,
        ErrorKind::QuotaExceeded,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::InvalidInput,
        ErrorKind::KeyringUnavailable,
        ErrorKind::DataKeyMissing,
        ErrorKind::Timeout,
        ErrorKind::Cancelled,
        ErrorKind::FullSyncRequired,
        ErrorKind::Server,
        ErrorKind::Storage,
        ErrorKind::Internal,
    ];

    /// Whether a failure of this kind may pass by itself, so trying again later makes sense.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::Offline | ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Timeout
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NeedsReauth => "needs_reauth",
            ErrorKind::Offline => "offline",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::QuotaExceeded => "quota_exceeded",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::KeyringUnavailable => "keyring_unavailable",
            ErrorKind::DataKeyMissing => "data_key_missing",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::FullSyncRequired => "full_sync_required",
            ErrorKind::Server => "server",
            ErrorKind::Storage => "storage",
            ErrorKind::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

use crate::model::{AccountId, InvalidColor, KeyId};
use std::time::Duration;

/// Why the keyring's data keys cannot open the local store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DataKeyProblem {
    /// A reset keyring, another keyring or another user's: no key under the id the store uses.
    #[error(
        "the system keyring holds no data key {0} (a reset or different keyring, or another user)"
    )]
    Absent(KeyId),
    /// The keyring holds a key under that id, but not the one the store was sealed with.
    #[error("the system keyring holds a different data key {0} than the one this copy was encrypted with")]
    Different(KeyId),
    /// The keyring's entry for that id is not a key at all (wrong length).
    #[error("the system keyring's entry for data key {0} is not a usable key")]
    Unusable(KeyId),
    /// Sealed rows exist but the store names no key for them.
    #[error("the copy holds encrypted data but names no data key for it")]
    Unrecorded,
}

/// Everything the engine can fail with. `kind()` gives the stable string for the UI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An error answer from Google (or the emulator), already classified.
    #[error("{message}")]
    Google {
        kind: ErrorKind,
        status: u16,
        reason: Option<String>,
        message: String,
        retry_after: Option<Duration>,
    },
    /// The network could not be used: DNS, connect, reset, a truncated body.
    #[error("network error: {0}")]
    Network(String),
    #[error("the Google account {0} must be reconnected")]
    NeedsReauth(AccountId),
    #[error("sign-in failed: {0}")]
    Auth(String),
    /// The fixed sign-in port is held by another program: a configuration the user must change.
    #[error(
        "the sign-in redirect port 127.0.0.1:{0} is in use by another program; close it or configure \
         another redirect port"
    )]
    LoopbackPortTaken(std::num::NonZeroU16),
    #[error(
        "the system keyring is unavailable ({0}); on Linux start a Secret Service provider such as \
         GNOME Keyring or KWallet and unlock it"
    )]
    Keyring(String),
    /// The store cannot be opened with what the keyring holds. Opening never wipes: only an
    /// explicit reset (`Chronos::open_recovering`) does, after the user was told what is lost.
    #[error(
        "the local calendar copy cannot be opened: {0}; nothing was changed. Restore the keyring, or \
         start over from the server with `chronos-cli reset-local` (it first says how many unsent \
         changes would be lost)"
    )]
    DataKeyMissing(DataKeyProblem),
    /// A local file other than the store (settings) could not be written.
    #[error("{0}")]
    LocalFile(String),
    #[error("local data could not be decrypted: {0}")]
    Crypto(String),
    #[error("local storage error: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("{0}")]
    InvalidInput(String),
    /// Bad input in one named field of what a front end sent, so the message can sit next to it.
    #[error("{message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("cancelled")]
    Cancelled,
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Google { kind, .. } => *kind,
            Error::Network(_) => ErrorKind::Offline,
            Error::NeedsReauth(_) => ErrorKind::NeedsReauth,
            Error::Auth(_) => ErrorKind::NeedsReauth,
            Error::LoopbackPortTaken(_) => ErrorKind::InvalidInput,
            Error::Keyring(_) => ErrorKind::KeyringUnavailable,
            Error::DataKeyMissing(_) => ErrorKind::DataKeyMissing,
            Error::Crypto(_) | Error::LocalFile(_) => ErrorKind::Storage,
            Error::Storage(_) => ErrorKind::Storage,
            Error::InvalidInput(_) | Error::InvalidField { .. } => ErrorKind::InvalidInput,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Timeout(_) => ErrorKind::Timeout,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// A rejected input in one named field.
    pub fn invalid_field(field: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidField {
            field,
            message: message.into(),
        }
    }

    /// The input field a rejection names, if it names one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::InvalidField { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Whether trying the same thing again later may succeed without the user doing anything.
    pub fn retryable(&self) -> bool {
        self.kind().retryable()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<InvalidColor> for Error {
    fn from(e: InvalidColor) -> Self {
        Error::InvalidInput(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_each_kind_once_with_its_serialised_name() {
        let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        for k in ErrorKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorKind::ALL.len());
    }
}
