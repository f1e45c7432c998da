//! Sync: one calendar (`engine`), one account's run over many calendars (`run`), the progress
//! stream (`progress`), per-account status (`status`) and the checks on server data (`validate`).

pub mod calendar_colors;
pub mod engine;
pub mod progress;
pub mod run;
pub mod status;
pub mod validate;
