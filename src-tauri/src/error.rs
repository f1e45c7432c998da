//! The one error every command rejects with: the core's `ErrorView`, `{ kind, message,
//! retryable, field? }`, whose `kind` is the stable `chronos_core::ErrorKind` the UI switches on.

pub use chronos_core::view::ErrorView as AppError;

pub type CmdResult<T> = Result<T, AppError>;
