//! The commands the UI calls, one module per domain. Names are the contract in
//! `ui/src/api/commands.ts`; each one is listed in `build.rs` and granted in the capability.

pub mod accounts;
pub mod app;
pub mod calendars;
pub mod events;
pub mod find;
pub mod health;
pub mod outbox;
pub mod recovery;
pub mod settings;
pub mod sync;
pub mod view;
