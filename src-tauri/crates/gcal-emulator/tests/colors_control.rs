//! The palette control: colors.get serves Google's palette until a test changes it, over the
//! in-process `Control` and over `/__emulator/colors`.

mod common;

use common::*;
use gcal_emulator::{ColorDef, PaletteChange};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

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
    change
        .event
        .insert("5".into(), colour("#123456", "#fefefe"));
    change
        .calendar
        .insert("25".into(), colour("#abcdef", "#000000"));
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
    let r = palette_control(&env, Method::PUT)
        .json(&json!({"event": {"11": {"background": "#000001", "foreground": "#ffffff"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, v) = env.get("colors").await;
    assert_eq!(v["event"]["11"]["background"], "#000001");
    assert_eq!(v["event"]["5"]["background"], "#123456");
    let r = palette_control(&env, Method::PUT)
        .body("{\"event\": 3}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let r = palette_control(&env, Method::DELETE).send().await.unwrap();
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
    let (s, v) = patch(&env, &path, colours.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let rgb_path = format!("{path}?colorRgbFormat=true");
    let (s, v) = patch(&env, &rgb_path, json!({"backgroundColor": "green"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (_, entry) = env.get(&path).await;
    assert_ne!(entry["backgroundColor"], "#0b8043");

    let (s, patched) = patch(&env, &rgb_path, colours).await;
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
            "users/me/calendarList?{}",
            sync_query(&list_token)
        ))
        .await;
    let items = changes["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{changes}");
    assert_eq!(items[0]["foregroundColor"], "#ffffff");
    let seen = env.ctl.calendar_list_entry(&env.account, &cal).unwrap();
    assert_eq!(seen["backgroundColor"], "#0b8043");
    assert_eq!(env.ctl.count("calendarList.patch"), 3);
}

fn colour(background: &str, foreground: &str) -> ColorDef {
    ColorDef {
        background: background.into(),
        foreground: foreground.into(),
    }
}

/// A request to the palette of the HTTP control API (`/__emulator/colors`).
fn palette_control(env: &Env, method: Method) -> reqwest::RequestBuilder {
    env.http.request(method, env.control_url("colors"))
}

async fn patch(env: &Env, path: &str, body: Value) -> (StatusCode, Value) {
    env.call(Method::PATCH, path, Some(body), &[]).await
}
