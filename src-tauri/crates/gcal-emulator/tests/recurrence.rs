//! singleEvents expansion, exceptions (moved / cancelled instances) and events.instances.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn series(env: &Env) -> (String, String) {
    let cal = env.primary();
    let master = env
        .ctl
        .insert_event(
            &cal,
            json!({
                "summary": "weekly",
                "start": {"dateTime": "2026-11-02T09:00:00+01:00", "timeZone": "Europe/Berlin"},
                "end": {"dateTime": "2026-11-02T10:00:00+01:00", "timeZone": "Europe/Berlin"},
                "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=5"]
            }),
        )
        .unwrap();
    (cal, master["id"].as_str().unwrap().to_owned())
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn single_events_expands_and_applies_exceptions() {
    let env = env(empty_world()).await;
    let (cal, m) = series(&env).await;
    let base = env.events_path(&cal);
    // Move the 2nd instance by an hour, cancel the 3rd (both through the instance ids).
    let (s, moved) = env.call(Method::PATCH, &format!("{base}/{m}_20261109T080000Z"), Some(json!({"start": {"dateTime": "2026-11-09T10:00:00+01:00", "timeZone": "Europe/Berlin"}, "end": {"dateTime": "2026-11-09T11:00:00+01:00", "timeZone": "Europe/Berlin"}})), &[]).await;
    assert_eq!(s, StatusCode::OK, "{moved}");
    assert_eq!(moved["recurringEventId"], m.as_str());
    assert_eq!(
        moved["originalStartTime"]["dateTime"],
        "2026-11-09T09:00:00+01:00"
    );
    let (s, _) = env
        .call(
            Method::DELETE,
            &format!("{base}/{m}_20261116T080000Z"),
            None,
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let (items, _, _) = env
        .list_all(&cal, "singleEvents=true&orderBy=startTime")
        .await;
    assert_eq!(
        ids(&items),
        [
            format!("{m}_20261102T080000Z"),
            format!("{m}_20261109T080000Z"),
            format!("{m}_20261123T080000Z"),
            format!("{m}_20261130T080000Z")
        ]
    );
    assert_eq!(items[1]["start"]["dateTime"], "2026-11-09T10:00:00+01:00");
    assert!(items
        .iter()
        .all(|i| i.get("recurrence").is_none() && i["recurringEventId"] == m.as_str()));
    assert_eq!(
        items[0]["originalStartTime"]["dateTime"],
        "2026-11-02T09:00:00+01:00"
    );

    // With showDeleted the cancelled instance is listed too.
    let (with_deleted, _, _) = env
        .list_all(&cal, "singleEvents=true&showDeleted=true")
        .await;
    assert_eq!(with_deleted.len(), 5);

    // Without expansion: the master plus its two exceptions (the cancelled one included, as Google does).
    let (unexpanded, _, _) = env.list_all(&cal, "").await;
    assert_eq!(unexpanded.len(), 3);
    assert!(unexpanded
        .iter()
        .any(|i| i["id"] == m.as_str() && i["recurrence"].is_array()));
    let cancelled = unexpanded
        .iter()
        .find(|i| i["status"] == "cancelled")
        .unwrap();
    assert_eq!(cancelled["id"], format!("{m}_20261116T080000Z"));
    assert_eq!(cancelled["recurringEventId"], m.as_str());
    assert_eq!(
        cancelled["originalStartTime"]["dateTime"],
        "2026-11-16T09:00:00+01:00"
    );

    // timeMin/timeMax on expanded instances (by the moved start).
    let (window, _, _) = env
        .list_all(
            &cal,
            &format!(
                "singleEvents=true&timeMin={}&timeMax={}",
                enc("2026-11-09T09:30:00Z"),
                enc("2026-11-24T00:00:00Z")
            ),
        )
        .await;
    assert_eq!(
        ids(&window),
        [
            format!("{m}_20261109T080000Z"),
            format!("{m}_20261123T080000Z")
        ]
    );
}

#[tokio::test]
async fn instances_endpoint_and_get_of_an_unchanged_instance() {
    let env = env(empty_world()).await;
    let (cal, m) = series(&env).await;
    let base = env.events_path(&cal);
    let (s, v) = env.get(&format!("{base}/{m}/instances")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["items"].as_array().unwrap().len(), 5);
    let (_, p) = env.get(&format!("{base}/{m}/instances?maxResults=2")).await;
    assert_eq!(p["items"].as_array().unwrap().len(), 2);
    let (_, p2) = env
        .get(&format!(
            "{base}/{m}/instances?maxResults=2&pageToken={}",
            enc(p["nextPageToken"].as_str().unwrap())
        ))
        .await;
    assert_eq!(p2["items"][0]["id"], format!("{m}_20261116T080000Z"));
    let (s, one) = env.get(&format!("{base}/{m}_20261123T080000Z")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["start"]["dateTime"], "2026-11-23T09:00:00+01:00");
    let (s, _) = env.get(&format!("{base}/{m}_20261124T080000Z")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not an occurrence of the rule");
}

#[tokio::test]
async fn deleting_a_series_cancels_it_for_incremental_sync() {
    let env = env(empty_world()).await;
    let (cal, m) = series(&env).await;
    let (_, sync, _) = env.list_all(&cal, "").await;
    env.ctl.delete_event(&cal, &m).unwrap();
    let (changes, _, _) = env
        .list_all(&cal, &format!("syncToken={}", enc(&sync)))
        .await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["id"], m.as_str());
    assert_eq!(changes[0]["status"], "cancelled");
}

#[tokio::test]
async fn all_day_series_ids_use_dates() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let m = env.ctl.insert_event(&cal, json!({"summary": "bins", "start": {"date": "2026-11-02"}, "end": {"date": "2026-11-03"}, "recurrence": ["RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=DATE:20261103"]})).unwrap();
    let id = m["id"].as_str().unwrap();
    let (items, _, _) = env.list_all(&cal, "singleEvents=true").await;
    assert_eq!(
        ids(&items),
        [format!("{id}_20261102"), format!("{id}_20261104")]
    );
    assert_eq!(items[1]["start"], json!({"date": "2026-11-04"}));
    assert_eq!(items[1]["end"], json!({"date": "2026-11-05"}));
}

#[tokio::test]
async fn expanded_listing_pages_and_follows_changes() {
    let env = env(empty_world()).await;
    let (cal, m) = series(&env).await;
    let (items, _, pages) = env.list_all(&cal, "singleEvents=true&maxResults=2").await;
    assert_eq!((items.len(), pages), (5, 3));
    env.ctl
        .insert_event(
            &cal,
            timed("single", "2026-11-10T12:00:00Z", "2026-11-10T13:00:00Z"),
        )
        .unwrap();
    env.ctl
        .patch_event(&cal, &m, json!({"summary": "renamed series"}))
        .unwrap();
    let (items, _, _) = env.list_all(&cal, "singleEvents=true&maxResults=2").await;
    assert_eq!(items.len(), 6);
    assert_eq!(items[2]["summary"], "single", "ordered by start");
    assert!(items
        .iter()
        .filter(|i| i.get("recurringEventId").is_some())
        .all(|i| i["summary"] == "renamed series"));
}
