//! The one error every command rejects with: `{ kind, message, retryable, field? }`.
//!
//! `kind` is the stable string from `chronos_core::ErrorKind` (the UI switches on it); the shell
//! adds no kinds of its own beyond those the core already defines.

use chronos_core::ErrorKind;
use serde::Serialize;
use ts_rs::TS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    #[ts(type = "ErrorKind")]
    pub kind: String,
    pub message: String,
    pub retryable: bool,
    /// For `invalid_input`: the offending input field ("title", "end", "syncIntervalMinutes", …).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retryable = matches!(
            kind,
            ErrorKind::Offline | ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Timeout
        );
        AppError {
            kind: kind.as_str().to_owned(),
            message: message.into(),
            retryable,
            field: None,
        }
    }

    /// A rejected input, naming the field so the UI can put the message next to it.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError {
            field: Some(field.to_owned()),
            ..AppError::new(ErrorKind::InvalidInput, message)
        }
    }

    /// The engine's error, with an `invalid_input` one pinned to the UI field it concerns.
    pub fn for_field(e: chronos_core::Error, field: &str) -> Self {
        let e = AppError::from(e);
        if e.kind == "invalid_input" {
            AppError::invalid(field, e.message)
        } else {
            e
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::new(ErrorKind::NotFound, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        AppError::new(ErrorKind::Internal, message)
    }
}

impl From<chronos_core::Error> for AppError {
    fn from(e: chronos_core::Error) -> Self {
        AppError {
            kind: e.kind().as_str().to_owned(),
            message: e.to_string(),
            retryable: e.retryable(),
            field: e.field().map(str::to_owned),
        }
    }
}

impl From<tauri::Error> for AppError {
    fn from(e: tauri::Error) -> Self {
        AppError::internal(e.to_string())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.kind)
    }
}

impl std::error::Error for AppError {}

pub type CmdResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_kind_and_retryability() {
        let e: AppError = chronos_core::Error::Network("connection reset".into()).into();
        assert_eq!(e.kind, "offline");
        assert!(e.retryable);
        let e: AppError = chronos_core::Error::InvalidInput("end before start".into()).into();
        assert_eq!(e.kind, "invalid_input");
        assert!(!e.retryable);
    }

    #[test]
    fn serialises_to_the_ui_shape() {
        let v = serde_json::to_value(AppError::invalid("title", "a title is required")).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "invalid_input", "message": "a title is required",
                               "retryable": false, "field": "title"})
        );
        let v = serde_json::to_value(AppError::internal("boom")).unwrap();
        assert!(v.get("field").is_none());
    }
}
