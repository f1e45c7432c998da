//! An error as front ends show it: `{ kind, message, retryable, field? }`. Commands reject with
//! it, and statuses, pending changes and the app's start-up carry it.

use crate::error::{Error, ErrorKind};
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(rename = "AppError"))]
#[serde(rename_all = "camelCase")]
pub struct ErrorView {
    #[cfg_attr(feature = "ts", ts(type = "ErrorKind"))]
    pub kind: ErrorKind,
    pub message: String,
    pub retryable: bool,
    /// For `invalid_input`: the offending input field ("title", "end", "syncIntervalMinutes", …).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub field: Option<String>,
}

impl ErrorView {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ErrorView {
            kind,
            message: message.into(),
            retryable: kind.retryable(),
            field: None,
        }
    }

    /// A rejected input, naming the field so the UI can put the message next to it.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ErrorView {
            field: Some(field.to_owned()),
            ..ErrorView::new(ErrorKind::InvalidInput, message)
        }
    }

    /// The engine's error, with an `invalid_input` one pinned to the field it concerns.
    pub fn for_field(e: Error, field: &str) -> Self {
        let e = ErrorView::from(e);
        match e.kind {
            ErrorKind::InvalidInput => ErrorView::invalid(field, e.message),
            _ => e,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ErrorView::new(ErrorKind::NotFound, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ErrorView::new(ErrorKind::Internal, message)
    }
}

impl From<Error> for ErrorView {
    fn from(e: Error) -> Self {
        ErrorView {
            kind: e.kind(),
            message: e.to_string(),
            retryable: e.retryable(),
            field: e.field().map(str::to_owned),
        }
    }
}

impl From<&crate::sync::progress::FailureInfo> for ErrorView {
    fn from(f: &crate::sync::progress::FailureInfo) -> Self {
        ErrorView {
            retryable: f.retryable,
            ..ErrorView::new(f.kind, f.message.clone())
        }
    }
}

impl std::fmt::Display for ErrorView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.kind.as_str())
    }
}

impl std::error::Error for ErrorView {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_kind_and_retryability() {
        let e: ErrorView = Error::Network("connection reset".into()).into();
        assert_eq!(e.kind, ErrorKind::Offline);
        assert!(e.retryable);
        let e: ErrorView = Error::InvalidInput("end before start".into()).into();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(!e.retryable);
        let e = ErrorView::for_field(Error::InvalidInput("bad".into()), "title");
        assert_eq!(e.field.as_deref(), Some("title"));
    }

    #[test]
    fn serialises_to_the_ui_shape() {
        let v = serde_json::to_value(ErrorView::invalid("title", "a title is required")).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "invalid_input", "message": "a title is required",
                               "retryable": false, "field": "title"})
        );
        let v = serde_json::to_value(ErrorView::internal("boom")).unwrap();
        assert!(v.get("field").is_none());
    }
}
