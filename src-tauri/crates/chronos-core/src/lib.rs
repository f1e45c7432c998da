//! The Chronos engine: Google Calendar client, OAuth, encrypted local store, sync and scheduling.
//!
//! This crate has no Tauri dependency: the desktop shell and the CLI are thin front ends on it.

pub mod error;
pub mod model;
pub mod secrets;
pub mod store;
pub mod sync;
pub mod scheduler;
pub mod clock;

pub use error::{Error, ErrorKind, Result};
