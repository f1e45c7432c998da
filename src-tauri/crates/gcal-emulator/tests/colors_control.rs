//! The palette control: colors.get serves Google's palette until a test changes it, over the
//! in-process `Control` and over `/__emulator/colors`.

mod common;

use common::*;
use gcal_emulator::{ColorDef, PaletteChange};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn colors_get_follows_palette_changes_and_reset() {
    let env = env(empty_world()).await;
    let (s, v) = env.get("colors").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["kind"], "calendar#colors");
    assert_eq!(v["event"]["5"]["background"], "#fbd75b");
    assert_eq!(v["calendar"].as_object().unwrap().len(), 24);
    let google_updated = v["updated"].clone();

    let mut change = PaletteChange::default();
    change.event.insert("5".into(), ColorDef { background: "#123456".into(), foreground: "#fefefe".into() });
    change.calendar.insert("25".into(), ColorDef { background: "#abcdef".into(), foreground: "#000000".into() });
    env.ctl.set_colors(change);
    let (_, v) = env.get("colors").await;
    assert_eq!(v["event"]["5"], json!({"background": "#123456", "foreground": "#fefefe"}));
    assert_eq!(v["event"]["4"]["background"], "#ff887c", "ids not named stay");
    assert_eq!(v["calendar"]["25"]["background"], "#abcdef");
    assert_ne!(v["updated"], google_updated);

    // The same over HTTP.
    let base = env.emu.base_url();
    let r = env
        .http
        .put(format!("{base}/__emulator/colors"))
        .json(&json!({"event": {"11": {"background": "#000001", "foreground": "#ffffff"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, v) = env.get("colors").await;
    assert_eq!(v["event"]["11"]["background"], "#000001");
    assert_eq!(v["event"]["5"]["background"], "#123456");
    let r = env.http.put(format!("{base}/__emulator/colors")).body("{\"event\": 3}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let r = env.http.delete(format!("{base}/__emulator/colors")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, v) = env.get("colors").await;
    assert_eq!(v["event"]["5"]["background"], "#fbd75b");
    assert_eq!(v["updated"], google_updated);
}
