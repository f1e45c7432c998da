//! Sync: one calendar (`engine`), one account's run over many calendars (`run`), the progress
//! stream (`progress`), per-account status (`status`) and the checks on server data (`validate`).

pub mod calendar_colors;
pub mod engine;
pub mod guard;
pub mod progress;
pub mod run;
pub mod status;
pub mod validate;

/// How many threads a runtime's blocking pool needs for the engine: a sync's parses and page
/// commits are CPU work, so more threads than a few per core only add allocator arenas (memory
/// that grows with the history synced) and contention, never speed.
pub fn blocking_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 2).clamp(4, 32)
}
