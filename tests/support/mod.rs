//! What the shell's mock-runtime tests share: an app with its real capability file in a fresh
//! data directory (demo mode, no client id), a way to call commands as the page does, the demo
//! emulator's control, and polling.

#![allow(dead_code)]

use chronos_app::{build_app, init_state, Launch};
use chronos_core::launch::AutoConnect;
use serde_json::{json, Value};
use std::time::Duration;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

pub struct TestApp {
    pub app: App<MockRuntime>,
    pub main: WebviewWindow<MockRuntime>,
    pub data: tempfile::TempDir,
}

/// An app in demo mode with the demo account left unconnected (tests connect it themselves).
pub fn start() -> TestApp {
    start_with(AutoConnect::Off)
}

/// `auto`: whether the demo account connects at start (most tests connect it themselves).
pub fn start_with(auto: AutoConnect) -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let launch = Launch {
        args: vec!["chronos".into()],
        data_dir: Some(data.path().to_path_buf()),
        client_id: None,
        client_secret: None,
        desktop: false,
        clock: pinned_clock(),
        server_file: None,
        demo_autoconnect: auto,
    };
    let mut app = build_app(mock_builder(), launch.clone())
        .build(tauri::generate_context!())
        .unwrap();
    init_state(&mut app, &launch).unwrap();
    let main = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    TestApp { app, main, data }
}

/// The clock the test matrix pins (`CHRONOS_CLOCK_START`), if any.
fn pinned_clock() -> Option<chronos_core::clock::ShiftedClock> {
    chronos_core::clock::ShiftedClock::from_env().expect("a valid clock pin")
}

/// "Now" as the app under test reads it: dates in tests are relative to this, never the
/// system's day.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chronos_core::clock::from_pin(pinned_clock()).now()
}

/// Invokes a command as the page would (Linux origin `tauri://localhost`).
pub fn call(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: if cfg!(windows) {
            "http://tauri.localhost"
        } else {
            "tauri://localhost"
        }
        .parse()
        .unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

/// The demo emulator's control API, to see and change what "Google" holds.
pub fn emulator(t: &TestApp) -> gcal_emulator::Control {
    let engine = t.app.state::<chronos_app::engine::Engine>();
    engine.demo.as_ref().expect("demo mode").control()
}

/// Polls `probe` (bounded) until it gives a value.
pub fn eventually<T>(what: &str, probe: impl FnMut() -> Option<T>) -> T {
    chronos_testkit::settle(what, Duration::from_secs(30), probe)
}

/// Connects the demo account and waits for its first sync; returns (account, primary calendar).
pub fn connected(t: &TestApp) -> (String, String) {
    let account = call(&t.main, "connect_account", json!({})).unwrap();
    let id = account["id"].as_str().unwrap().to_owned();
    call(&t.main, "sync_now", json!({ "accountId": id })).unwrap();
    eventually("the first sync", || {
        let s = call(&t.main, "sync_status", json!({})).unwrap();
        s.as_array()?
            .iter()
            .any(|s| s["state"] == "up_to_date")
            .then_some(())
    });
    let calendars = call(&t.main, "list_calendars", json!({})).unwrap();
    let primary = calendars
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["primary"] == true)
        .expect("a primary calendar")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, primary)
}
