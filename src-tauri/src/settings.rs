//! The user's settings: the core's model, file and validation (`chronos_core::settings`).

pub use chronos_core::settings::{LogLevel, Settings, SettingsStore, Theme};
