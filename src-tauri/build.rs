fn main() {
    // The app's Cargo.toml sits at the repository root (beside tauri.conf.json), but its
    // capability files live with the rest of the shell under src-tauri/.
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*");
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
