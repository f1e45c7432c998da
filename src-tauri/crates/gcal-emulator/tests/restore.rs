//! Bringing a deleted event back, as Google allows on its organiser's calendar: the cancelled
//! event keeps its details, `status: confirmed` restores it (on its current etag), and its id
//! cannot be inserted again.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|e| e["id"].as_str()).collect()
}

#[tokio::test]
async fn a_deleted_event_is_restored_by_patching_it_back_to_confirmed() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let path = env.events_path(&cal);
    let mut ev = hour_event("Board meeting");
    ev["id"] = json!("restore0123456789abcdefuv");
    ev["description"] = json!("budget");
    let (s, created) = env.post(&path, ev.clone()).await;
    assert_eq!(s, StatusCode::OK, "{created}");
    let ev_path = format!("{path}/{}", created["id"].as_str().unwrap());
    let (items, token, _) = env.list_all(&cal, "").await;
    assert_eq!(ids(&items), ["restore0123456789abcdefuv"]);
    let (s, _) = env.call(Method::DELETE, &ev_path, None, &[]).await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    // Its id cannot be used for a new event: 409, the tombstone is still the event.
    let (s, dup) = env.post(&path, ev).await;
    assert_eq!((s, error_reason(&dup)), (StatusCode::CONFLICT, "duplicate"));

    // Read for the current etag; a patch on an older one is refused.
    let (_, tomb) = env.get(&ev_path).await;
    assert_eq!(
        (tomb["status"].as_str(), tomb["description"].as_str()),
        (Some("cancelled"), Some("budget"))
    );
    let etag = tomb["etag"].as_str().unwrap().to_owned();
    let (s, _) = env
        .call(
            Method::PATCH,
            &ev_path,
            Some(json!({"status": "confirmed"})),
            &[("If-Match", created["etag"].as_str().unwrap())],
        )
        .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    let (s, back) = env
        .call(
            Method::PATCH,
            &ev_path,
            Some(json!({"status": "confirmed"})),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "confirmed");
    assert_eq!(back["id"], "restore0123456789abcdefuv");
    assert_eq!(back["summary"], "Board meeting");
    assert_eq!(back["description"], "budget");
    assert_ne!(back["etag"].as_str(), Some(etag.as_str()), "a new etag");
    assert_ne!(back["etag"], created["etag"]);

    // Listed again, and an incremental sync brings it back as confirmed.
    let (items, _, _) = env.list_all(&cal, "").await;
    assert_eq!(ids(&items), ["restore0123456789abcdefuv"]);
    let (items, _, _) = env.list_all(&cal, &sync_query(&token)).await;
    let synced: Vec<(&str, &str)> = items
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(synced, [("restore0123456789abcdefuv", "confirmed")]);
}

#[tokio::test]
async fn a_restored_series_is_listed_again_and_a_deleted_one_is_not() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let path = env.events_path(&cal);
    let mut series = json!({
        "summary": "Stand-up",
        "start": {"dateTime": "2026-11-23T09:00:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-11-23T09:15:00", "timeZone": "Europe/Berlin"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
    });
    series["id"] = json!("series0123456789abcdefuv");
    let (s, created) = env.post(&path, series).await;
    assert_eq!(s, StatusCode::OK, "{created}");
    let ev_path = format!("{path}/series0123456789abcdefuv");
    env.call(Method::DELETE, &ev_path, None, &[]).await;
    let (items, _, _) = env.list_all(&cal, "singleEvents=true").await;
    assert!(items.is_empty(), "{items:?}");
    let (_, tomb) = env.get(&ev_path).await;
    let (s, _) = env
        .call(
            Method::PATCH,
            &ev_path,
            Some(json!({"status": "confirmed"})),
            &[("If-Match", tomb["etag"].as_str().unwrap())],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (items, _, _) = env.list_all(&cal, "singleEvents=true").await;
    assert_eq!(items.len(), 3, "every occurrence is back: {items:?}");
}
