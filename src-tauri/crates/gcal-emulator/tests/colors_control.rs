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
    change.event.insert(
        "5".into(),
        ColorDef {
            background: "#123456".into(),
            foreground: "#fefefe".into(),
        },
    );
    change.calendar.insert(
        "25".into(),
        ColorDef {
            background: "#abcdef".into(),
            foreground: "#000000".into(),
        },
    );
    env.ctl.set_colors(change);
    let (_, v) = env.get("colors").await;
    assert_eq!(
        v["event"]["5"],
        json!({"background": "#123456", "foreground": "#fefefe"})
    );
    assert_eq!(
        v["event"]["4"]["background"], "#ff887c",
        "ids not named stay"
    );
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
    let r = env
        .http
        .put(format!("{base}/__emulator/colors"))
        .body("{\"event\": 3}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let r = env
        .http
        .delete(format!("{base}/__emulator/colors"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, v) = env.get("colors").await;
    assert_eq!(v["event"]["5"]["background"], "#fbd75b");
    assert_eq!(v["updated"], google_updated);
}

#[tokio::test]
async fn calendar_list_patch_writes_rgb_colours_only_with_rgb_format() {
    let env = env(small_world(1)).await;
    let cal = env.primary();
    let path = format!("users/me/calendarList/{}", enc(&cal));
    let (_, before) = env.get("users/me/calendarList").await;
    let list_token = before["nextSyncToken"].as_str().unwrap().to_owned();
    let colours = json!({"backgroundColor": "#0B8043", "foregroundColor": "#ffffff"});

    // Without colorRgbFormat Google refuses RGB colours, and nothing changes.
    let (s, v) = env
        .call(reqwest::Method::PATCH, &path, Some(colours.clone()), &[])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = env
        .call(
            reqwest::Method::PATCH,
            &format!("{path}?colorRgbFormat=true"),
            Some(json!({"backgroundColor": "green"})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (_, entry) = env.get(&path).await;
    assert_ne!(entry["backgroundColor"], "#0b8043");

    let (s, patched) = env
        .call(
            reqwest::Method::PATCH,
            &format!("{path}?colorRgbFormat=true"),
            Some(colours),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{patched}");
    assert_eq!(patched["backgroundColor"], "#0b8043");
    assert_eq!(patched["foregroundColor"], "#ffffff");
    assert_eq!(
        patched["colorId"], "8",
        "the palette colour nearest to the background"
    );
    assert_ne!(patched["etag"], entry["etag"]);
    // calendarList.get, the list and the list's changes all carry both colours.
    let (_, got) = env.get(&path).await;
    assert_eq!(
        (&got["backgroundColor"], &got["foregroundColor"]),
        (&json!("#0b8043"), &json!("#ffffff"))
    );
    let (_, changes) = env
        .get(&format!(
            "users/me/calendarList?syncToken={}",
            enc(&list_token)
        ))
        .await;
    let items = changes["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{changes}");
    assert_eq!(items[0]["foregroundColor"], "#ffffff");
    let seen = env.ctl.calendar_list_entry(&env.account, &cal).unwrap();
    assert_eq!(seen["backgroundColor"], "#0b8043");
    assert_eq!(env.ctl.count("calendarList.patch"), 3);
}
