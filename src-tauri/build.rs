fn main() {
    // The app's Cargo.toml sits at the repository root (beside tauri.conf.json), but its
    // capability files live with the rest of the shell under src-tauri/.
    //
    // Declaring the app's commands makes Tauri check them against the capabilities like plugin
    // commands: a command is callable from the webview only when a capability grants it.
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}

/// Every `#[tauri::command]` in src-tauri/src/commands (the tests check the two lists agree).
const COMMANDS: &[&str] = &[
    "list_accounts",
    "connect_account",
    "reconnect_account",
    "disconnect_account",
    "list_calendars",
    "set_calendar_selected",
    "set_calendar_color",
    "event_colors",
    "events_in_range",
    "month_view",
    "create_event",
    "update_event",
    "move_event",
    "add_meet",
    "delete_event",
    "preview_series_edit",
    "list_pending_changes",
    "search_events",
    "quick_add_preview",
    "quick_add",
    "read_date",
    "retry_change",
    "discard_change",
    "calendar_health",
    "series_delete_size",
    "sync_calendar",
    "download_calendar_again",
    "list_mass_deletions",
    "dismiss_mass_deletion",
    "restore_mass_deletion",
    "list_trash",
    "restore_trash_entry",
    "undo_status",
    "undo",
    "redo",
    "list_conflicts",
    "resolve_conflict",
    "app_info",
    "local_reset_preview",
    "reset_local_copy",
    "take_pending_navigation",
    "first_month_shown",
    "search_shown",
    "open_logs_folder",
    "open_link",
    "get_settings",
    "resolved_locale",
    "account_time_zone",
    "set_settings",
    "get_last_view",
    "set_last_view",
    "sync_now",
    "sync_status",
];
