//! The Chronos engine: Google Calendar client, OAuth, encrypted local store, sync and scheduling.
//!
//! This crate has no Tauri dependency: the desktop shell and the CLI are thin front ends on it.

pub mod auth;
pub mod clock;
pub mod conference;
pub mod config;
pub mod error;
pub mod event_type;
pub mod feed;
pub mod google;
mod json_file;
pub mod launch;
pub mod locale;
pub(crate) mod memory;
pub mod model;
pub(crate) mod month;
pub(crate) mod occurrences;
pub mod outbox;
pub mod push;
pub mod quick_add;
pub mod recurrence;
pub mod reminders;
pub mod scheduler;
pub mod search;
pub mod secrets;
pub mod service;
pub mod settings;
pub mod store;
pub mod sync;
pub mod ui_state;
pub mod view;
pub mod zone;

pub use error::{Error, ErrorKind, Result};
