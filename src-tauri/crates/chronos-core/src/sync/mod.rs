//! Sync: one calendar (`engine`), one account's run over many calendars (`run`), the progress
//! stream (`progress`) and per-account status (`status`).

pub mod progress;
pub mod status;
