//! `sync_now` and `sync_status`.

use crate::error::CmdResult;
use crate::events::SyncStatus;
use tauri::{AppHandle, Runtime};

/// Starts a sync of one account, or of all; resolves once the engine has taken the request.
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>, account_id: Option<String>) -> CmdResult<()> {
    crate::engine::sync_now(&app, account_id).await
}

#[tauri::command]
pub fn sync_status<R: Runtime>(app: AppHandle<R>) -> Vec<SyncStatus> {
    crate::engine::statuses(&app)
}
