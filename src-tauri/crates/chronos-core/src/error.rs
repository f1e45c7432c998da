//! The engine's one error type. Each error maps to a stable `kind` string the UI relies on.

use serde::Serialize;

/// Stable, serialisable error kinds (the UI switches on these strings; never rename one).
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
