//! Sync health, the mass deletions to review, the trash and undo: the core reads and acts; a
//! restore or an undo goes to Google through the outbox like any edit.

use crate::engine::Engine;
use crate::error::CmdResult;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::outbox::EditOptions;
use chronos_core::service::parse_mass_deletion_id;
use chronos_core::view::{
    CalendarHealthView, MassDeletionView, RestoreAllReport, TrashEntryView, UndoResultView,
    UndoStatusView,
};
use tauri::State;

#[tauri::command]
pub async fn calendar_health(engine: State<'_, Engine>) -> CmdResult<Vec<CalendarHealthView>> {
    Ok(engine.get()?.calendar_health(None).await?)
}

#[tauri::command]
pub async fn sync_calendar(
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
) -> CmdResult<()> {
    let (a, c) = (AccountId::new(account_id), CalendarId::new(calendar_id));
    Ok(engine.get()?.sync_calendar_now(&a, &c)?)
}

#[tauri::command]
pub async fn download_calendar_again(
    engine: State<'_, Engine>,
    account_id: String,
    calendar_id: String,
) -> CmdResult<()> {
    let (a, c) = (AccountId::new(account_id), CalendarId::new(calendar_id));
    Ok(engine.get()?.download_calendar_again(&a, &c).await?)
}

#[tauri::command]
pub async fn list_mass_deletions(engine: State<'_, Engine>) -> CmdResult<Vec<MassDeletionView>> {
    Ok(engine.get()?.mass_deletion_views().await?)
}

#[tauri::command]
pub async fn dismiss_mass_deletion(engine: State<'_, Engine>, id: String) -> CmdResult<()> {
    let id = parse_mass_deletion_id(&id)?;
    Ok(engine.get()?.dismiss_mass_deletion(id).await?)
}

#[tauri::command]
pub async fn restore_mass_deletion(
    engine: State<'_, Engine>,
    id: String,
    options: Option<EditOptions>,
) -> CmdResult<RestoreAllReport> {
    let id = parse_mass_deletion_id(&id)?;
    let chronos = engine.get()?;
    chronos.user_activity();
    Ok(chronos
        .restore_mass_deletion(id, options.unwrap_or_default())
        .await?)
}

#[tauri::command]
pub async fn list_trash(engine: State<'_, Engine>) -> CmdResult<Vec<TrashEntryView>> {
    Ok(engine.get()?.trash_views().await?)
}

#[tauri::command]
pub async fn restore_trash_entry(
    engine: State<'_, Engine>,
    id: String,
    options: Option<EditOptions>,
) -> CmdResult<TrashEntryView> {
    let chronos = engine.get()?;
    chronos.user_activity();
    Ok(chronos
        .restore_trash_entry(&id, options.unwrap_or_default())
        .await?)
}

/// What Ctrl+Z and Ctrl+Shift+Z would take back or make again.
#[tauri::command]
pub async fn undo_status(engine: State<'_, Engine>) -> CmdResult<UndoStatusView> {
    let (undo, redo) = engine.get()?.undo_labels().await?;
    Ok(UndoStatusView { undo, redo })
}

/// Takes back the last change made through Chronos (`null`: nothing to undo).
#[tauri::command]
pub async fn undo(engine: State<'_, Engine>) -> CmdResult<Option<UndoResultView>> {
    let chronos = engine.get()?;
    chronos.user_activity();
    Ok(chronos.undo().await?.map(UndoResultView::from))
}

/// Makes the last undone change again (`null`: nothing to redo).
#[tauri::command]
pub async fn redo(engine: State<'_, Engine>) -> CmdResult<Option<UndoResultView>> {
    let chronos = engine.get()?;
    chronos.user_activity();
    Ok(chronos.redo().await?.map(UndoResultView::from))
}
