//! Local changes on their way to Google, and conflicts waiting for the user. The core pushes
//! what retry, discard and resolve queue at once and announces the changed outbox and events.

use crate::engine::Engine;
use crate::error::CmdResult;
use chronos_core::view::{ConflictView, PendingChangeView, ResolutionInput};
use tauri::State;

#[tauri::command]
pub async fn list_pending_changes(engine: State<'_, Engine>) -> CmdResult<Vec<PendingChangeView>> {
    Ok(engine.get()?.pending_change_views().await?)
}

#[tauri::command]
pub async fn retry_change(engine: State<'_, Engine>, change_id: String) -> CmdResult<()> {
    Ok(engine.get()?.retry_change_by_id(&change_id).await?)
}

#[tauri::command]
pub async fn discard_change(engine: State<'_, Engine>, change_id: String) -> CmdResult<()> {
    Ok(engine.get()?.discard_change_by_id(&change_id).await?)
}

#[tauri::command]
pub async fn list_conflicts(engine: State<'_, Engine>) -> CmdResult<Vec<ConflictView>> {
    Ok(engine.get()?.conflict_views().await?)
}

#[tauri::command]
pub async fn resolve_conflict(
    engine: State<'_, Engine>,
    conflict_id: String,
    resolution: ResolutionInput,
) -> CmdResult<()> {
    Ok(engine
        .get()?
        .resolve_conflict_by_id(&conflict_id, resolution)
        .await?)
}
