//! The engine this run talks to (demo emulator or real Google) and the paths it uses.

use crate::error::{AppError, CmdResult};
use crate::launch::Mode;
use std::path::PathBuf;
use tauri::{AppHandle, Manager, Runtime};

/// Facts about this run, in app state.
pub struct RunInfo {
    pub mode: Mode,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

/// Starts a sync of one account or all accounts through the engine's scheduler.
pub async fn sync_now<R: Runtime>(app: &AppHandle<R>, account_id: Option<String>) -> CmdResult<()> {
    let _info = app.state::<RunInfo>();
    let _ = account_id;
    Err(AppError::not_found("no account is connected yet"))
}
