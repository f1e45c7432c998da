//! The Chronos desktop shell: thin adapters from `chronos-core` to Tauri.

/// Starts the desktop app.
pub fn run() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("error while running Chronos");
}
