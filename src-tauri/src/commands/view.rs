//! The view and day the window showed, for the next start (`chronos_core::ui_state`).

use crate::error::CmdResult;
use chronos_core::ui_state::{LastView, UiStateStore};
use tauri::State;

#[tauri::command]
pub fn get_last_view(store: State<'_, UiStateStore>) -> Option<LastView> {
    store.get().last_view
}

#[tauri::command]
pub fn set_last_view(store: State<'_, UiStateStore>, last_view: LastView) -> CmdResult<()> {
    Ok(store.set_last_view(last_view)?)
}
