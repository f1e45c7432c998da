//! Logs: `tracing` to a daily-rotated file in the platform log directory (7 files kept), plus
//! stderr in debug builds. The level follows the setting and can change while running.
//! Nothing here logs tokens or event content; that is each call site's duty.

use crate::settings::LogLevel;
use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, EnvFilter, Registry};

/// Keeps the file writer alive and lets settings change the level.
pub struct LogControl {
    _guard: WorkerGuard,
    filter: reload::Handle<EnvFilter, Registry>,
}

fn filter_for(level: LogLevel) -> EnvFilter {
    // RUST_LOG, when set, wins: it is how a developer asks for one module's traces.
    EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "warn,chronos_app={l},chronos_core={l},gcal_emulator=warn",
            l = level.as_str()
        ))
    })
}

/// Installs the global subscriber. Returns `None` if one is already installed (tests).
pub fn init(log_dir: &Path, level: LogLevel) -> Option<LogControl> {
    // The appender prunes old files at start and complains when the folder is missing.
    let _ = std::fs::create_dir_all(log_dir);
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("chronos")
        .filename_suffix("log")
        .max_log_files(7)
        .build(log_dir)
        .map_err(|e| eprintln!("chronos: cannot write logs to {}: {e}", log_dir.display()))
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let (filter, handle) = reload::Layer::new(filter_for(level));
    let file_layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false);
    let stderr_layer = cfg!(debug_assertions)
        .then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr));
    tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .ok()?;
    Some(LogControl {
        _guard: guard,
        filter: handle,
    })
}

impl LogControl {
    pub fn set_level(&self, level: LogLevel) {
        if let Err(e) = self.filter.reload(filter_for(level)) {
            tracing::warn!(error = %e, "could not change the log level");
        }
    }
}
