//! Event writes: insert / get / patch / update / delete / move, etags and sequence.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn insert_with_client_id_then_duplicate_is_409() {
    let env = env(empty_world()).await;
    let path = env.events_path(&env.primary());
    let mut ev = timed(
        "mine",
        "2026-11-26T10:00:00+01:00",
        "2026-11-26T11:00:00+01:00",
    );
    ev["id"] = json!("chronos0123456789abcdefuv");
    ev["extendedProperties"] = json!({"private": {"chronosLocalId": "42"}});
    ev["someFutureField"] = json!({"kept": true});
    let (s, v) = env.post(&path, ev.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["id"], "chronos0123456789abcdefuv");
    assert!(v["etag"].as_str().unwrap().starts_with('"'));
    assert_eq!(v["status"], "confirmed");
    assert_eq!(v["sequence"], 0);
    assert_eq!(
        v["someFutureField"],
        json!({"kept": true}),
        "unknown fields survive"
    );
    assert_eq!(v["iCalUID"], "chronos0123456789abcdefuv@google.com");
    assert_eq!(v["creator"]["email"], env.account.as_str());
    let (s, dup) = env.post(&path, ev).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(error_reason(&dup), "duplicate");
    assert_eq!(dup["error"]["errors"][0]["domain"], "global");
    // Ids that are not base32hex are refused.
    let mut bad = hour_event("bad");
    bad["id"] = json!("Not_Base32");
    let (s, v) = env.post(&path, bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_reason(&v), "invalid");
}

#[tokio::test]
async fn insert_validates_times() {
    let env = env(empty_world()).await;
    let path = env.events_path(&env.primary());
    let (s, v) = env
        .post(
            &path,
            json!({"summary": "no end", "start": {"dateTime": "2026-11-26T10:00:00Z"}}),
        )
        .await;
    assert_eq!((s, error_reason(&v)), (StatusCode::BAD_REQUEST, "required"));
    let (s, v) = env
        .post(
            &path,
            timed("backwards", "2026-11-26T10:00:00Z", "2026-11-26T09:00:00Z"),
        )
        .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "timeRangeEmpty")
    );
    let (s, v) = env
        .post(
            &path,
            json!({"start": {"date": "2026-11-26"}, "end": {"dateTime": "2026-11-27T00:00:00Z"}}),
        )
        .await;
    assert_eq!((s, error_reason(&v)), (StatusCode::BAD_REQUEST, "invalid"));
    let (s, v) = env.post(&path, json!({"start": {"dateTime": "2026-11-26T10:00:00Z"}, "end": {"dateTime": "2026-11-26T11:00:00Z"}, "recurrence": ["RRULE:FREQ=DAILY"]})).await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "required"),
        "recurring masters need a time zone"
    );
}

#[tokio::test]
async fn patch_and_update_with_if_match() {
    let env = env(empty_world()).await;
    let path = env.events_path(&env.primary());
    let (_, created) = env.post(&path, json!({"summary": "v1", "location": "here", "x-custom": 1, "start": {"dateTime": "2026-11-26T10:00:00Z"}, "end": {"dateTime": "2026-11-26T11:00:00Z"}})).await;
    let id = created["id"].as_str().unwrap();
    let etag1 = created["etag"].as_str().unwrap().to_owned();
    let ev_path = format!("{path}/{id}");

    // Patch with the current etag: only the sent field changes.
    let (s, p) = patch_if_match(&env, &ev_path, json!({"summary": "v2"}), &etag1).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["summary"], "v2");
    assert_eq!(p["location"], "here");
    assert_eq!(p["x-custom"], 1);
    assert_ne!(p["etag"], created["etag"]);
    assert!(p["updated"].as_str().unwrap() > created["updated"].as_str().unwrap());
    assert_eq!(p["sequence"], 0, "no time change, no new sequence");

    // Stale etag: 412 conditionNotMet, nothing changes.
    let (s, e) = patch_if_match(&env, &ev_path, json!({"summary": "lost"}), &etag1).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    assert_eq!(error_reason(&e), "conditionNotMet");
    let (_, now) = env.get(&ev_path).await;
    assert_eq!(now["summary"], "v2");

    // A time change raises sequence.
    let etag2 = p["etag"].as_str().unwrap().to_owned();
    let (s, moved) = patch_if_match(&env, &ev_path, json!({"start": {"dateTime": "2026-11-26T12:00:00Z"}, "end": {"dateTime": "2026-11-26T13:00:00Z"}}), &etag2).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(moved["sequence"], 1);

    // Update (PUT) replaces; stale etag refused.
    let replacement = timed("put", "2026-11-26T12:00:00Z", "2026-11-26T13:00:00Z");
    let (s, _) = put_if_match(&env, &ev_path, replacement.clone(), &etag2).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    let etag3 = moved["etag"].as_str().unwrap().to_owned();
    let (s, put) = put_if_match(&env, &ev_path, replacement, &etag3).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(put["summary"], "put");
    assert!(
        put.get("location").is_none(),
        "update replaces the resource"
    );
    assert_eq!(put["id"], id);
    assert_eq!(put["created"], created["created"]);
}

#[tokio::test]
async fn delete_then_get_cancelled_then_delete_again_is_410() {
    let env = env(empty_world()).await;
    let path = env.events_path(&env.primary());
    let (_, created) = env.post(&path, hour_event("gone")).await;
    let ev_path = format!("{path}/{}", created["id"].as_str().unwrap());
    let (s, _) = env
        .call(Method::DELETE, &ev_path, None, &[("If-Match", "\"stale\"")])
        .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    let (s, body) = env.call(Method::DELETE, &ev_path, None, &[]).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(body.is_null(), "204 has an empty body");
    let (s, got) = env.get(&ev_path).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got["status"], "cancelled");
    assert_eq!(
        got["summary"], "gone",
        "events.get still returns the whole cancelled event"
    );
    let (s, again) = env.call(Method::DELETE, &ev_path, None, &[]).await;
    assert_eq!(s, StatusCode::GONE);
    assert_eq!(error_reason(&again), "deleted");
    let (s, nf) = env.get(&format!("{path}/doesnotexist00")).await;
    assert_eq!((s, error_reason(&nf)), (StatusCode::NOT_FOUND, "notFound"));
}

#[tokio::test]
async fn move_keeps_id_and_leaves_a_tombstone() {
    let env = env(small_world(0)).await;
    let cals = env.ctl.accounts()[0].calendars.clone();
    let (src, dst) = (&cals[0], &cals[1]);
    let (_, created) = env.post(&env.events_path(src), hour_event("mv")).await;
    let id = created["id"].as_str().unwrap();
    let (_, src_sync, _) = env.list_all(src, "").await;
    let (s, moved) = env
        .call(
            Method::POST,
            &format!(
                "{}/{id}/move?destination={}",
                env.events_path(src),
                enc(dst)
            ),
            None,
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{moved}");
    assert_eq!(moved["id"], id);
    assert_ne!(moved["etag"], created["etag"]);
    let (s, in_dst) = env.get(&format!("{}/{id}", env.events_path(dst))).await;
    assert_eq!(
        (s, in_dst["summary"].as_str()),
        (StatusCode::OK, Some("mv"))
    );
    let (changes, _, _) = env.list_all(src, &sync_query(&src_sync)).await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["status"], "cancelled");
}

#[tokio::test]
async fn colors_and_settings() {
    let env = env(empty_world()).await;
    let (s, c) = env.get("colors").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["kind"], "calendar#colors");
    assert_eq!(c["event"].as_object().unwrap().len(), 11);
    assert_eq!(c["calendar"].as_object().unwrap().len(), 24);
    assert_eq!(c["event"]["11"]["background"], "#dc2127");
    let (s, st) = env.get("users/me/settings").await;
    assert_eq!(s, StatusCode::OK);
    let items = st["items"].as_array().unwrap();
    for id in ["timezone", "weekStart", "format24HourTime"] {
        assert!(items.iter().any(|i| i["id"] == id), "{id}");
    }
}

#[tokio::test]
async fn a_setting_changed_through_the_control_api_is_what_settings_return() {
    let env = env(empty_world()).await;
    let zone = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "timezone")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (_, before) = env.get("users/me/settings").await;
    assert_ne!(zone(&before), "Asia/Kolkata");
    let r = put_timezone(&env, &env.account, "Asia/Kolkata").await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, after) = env.get("users/me/settings").await;
    assert_eq!(zone(&after), "Asia/Kolkata");
    let (s, one) = env.get("users/me/settings/timezone").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["value"], "Asia/Kolkata");
    let r = put_timezone(&env, "nobody@x", "UTC").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn read_only_calendar_refuses_writes() {
    let env = env_with(gcal_emulator::EmulatorConfig::default()).await;
    let demo = env
        .ctl
        .accounts()
        .into_iter()
        .find(|a| a.email == "demo@chronos.example")
        .unwrap();
    let token = env.ctl.mint_tokens(&demo.email).unwrap().access_token;
    let hol = "en.german#holiday@group.v.calendar.google.com";
    let (s, v) = env
        .call_as(
            &token,
            Method::POST,
            &env.events_path(hol),
            Some(hour_event("x")),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_reason(&v), "requiredAccessLevel");
    let (s, l) = env.get_as(&token, &env.events_path(hol)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["accessRole"], "reader");
}

#[tokio::test]
async fn calendar_list_pages_and_syncs_deleted_and_hidden_entries() {
    let env = env(small_world(0)).await;
    let acc = env.account.clone();
    for i in 0..4 {
        env.ctl
            .add_calendar(
                &acc,
                gcal_emulator::CalendarSpec {
                    id: format!("extra{i}@group.calendar.google.com"),
                    summary: format!("Extra {i}"),
                    hidden: i == 0,
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let (_, p1) = env.get("users/me/calendarList?maxResults=2").await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    let tok = p1["nextPageToken"].as_str().unwrap();
    let page_after = |token: &str| {
        format!(
            "users/me/calendarList?maxResults=2&pageToken={}",
            enc(token)
        )
    };
    let (_, p2) = env.get(&page_after(tok)).await;
    let (_, p3) = env
        .get(&page_after(p2["nextPageToken"].as_str().unwrap()))
        .await;
    let total = 2 + p2["items"].as_array().unwrap().len() + p3["items"].as_array().unwrap().len();
    assert_eq!(total, 5, "hidden entry left out without showHidden");
    let sync = p3["nextSyncToken"].as_str().unwrap().to_owned();
    env.ctl
        .remove_calendar("extra1@group.calendar.google.com")
        .unwrap();
    let (s, inc) = env
        .get(&format!("users/me/calendarList?{}", sync_query(&sync)))
        .await;
    assert_eq!(s, StatusCode::OK);
    let items = inc["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["deleted"], true);
    let (s, _) = env
        .get(&env.events_path("extra1@group.calendar.google.com"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, all) = env
        .get("users/me/calendarList?showHidden=true&showDeleted=true")
        .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn send_updates_values_are_checked() {
    let env = env(empty_world()).await;
    let path = env.events_path(&env.primary());
    let (s, _) = env
        .post(&format!("{path}?sendUpdates=none"), hour_event("ok"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = env
        .post(&format!("{path}?sendUpdates=everyone"), hour_event("no"))
        .await;
    assert_eq!((s, error_reason(&v)), (StatusCode::BAD_REQUEST, "invalid"));
}

/// A patch of the event at `path` with `body`, made with `If-Match: etag`.
async fn patch_if_match(env: &Env, path: &str, body: Value, etag: &str) -> (StatusCode, Value) {
    env.call(Method::PATCH, path, Some(body), &[("If-Match", etag)])
        .await
}

/// An update (PUT) of the event at `path` to `body`, made with `If-Match: etag`.
async fn put_if_match(env: &Env, path: &str, body: Value, etag: &str) -> (StatusCode, Value) {
    env.call(Method::PUT, path, Some(body), &[("If-Match", etag)])
        .await
}

/// Sets `account`'s time zone setting through the HTTP control API.
async fn put_timezone(env: &Env, account: &str, zone: &str) -> reqwest::Response {
    env.http
        .put(env.control_url(&format!("accounts/{account}/settings/timezone")))
        .json(&json!({"value": zone}))
        .send()
        .await
        .unwrap()
}
