//! events.list paging and sync tokens, over real HTTP.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

#[tokio::test]
async fn full_sync_pages_then_incremental_sees_only_changes() {
    let env = env(small_world(120)).await;
    let cal = env.primary();
    let (items, sync, pages) = env.list_all(&cal, "maxResults=50").await;
    assert_eq!(
        pages, 3,
        "120 events (some cancelled exceptions) in pages of 50"
    );
    assert_eq!(
        ids(&items).len(),
        items.len(),
        "no event twice in a full sync"
    );
    // Default listing hides cancelled events except cancelled instances of live series.
    for i in &items {
        if i["status"] == "cancelled" {
            assert!(
                i.get("recurringEventId").is_some(),
                "only cancelled instances in default listing: {i}"
            );
        }
    }

    // No change: empty items and a token.
    let (s, v) = env.list_page(&cal, &sync_query(&sync)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    assert!(v["nextSyncToken"].is_string());

    // Another client changes three events.
    let a = env.insert(&cal, hour_event("new"));
    let singles = single_event_ids(&items);
    let (some_id, other) = (singles[0].clone(), singles[1].clone());
    env.ctl
        .patch_event(&cal, &some_id, json!({"summary": "renamed"}))
        .unwrap();
    env.ctl.delete_event(&cal, &other).unwrap();

    let (changed, sync2, _) = env.list_all(&cal, &sync_query(&sync)).await;
    let want: HashSet<_> = [
        a["id"].as_str().unwrap().to_owned(),
        some_id.clone(),
        other.clone(),
    ]
    .into_iter()
    .collect();
    assert_eq!(ids(&changed), want);
    let deleted = changed.iter().find(|i| i["id"] == other.as_str()).unwrap();
    assert_eq!(deleted["status"], "cancelled");
    let renamed = changed
        .iter()
        .find(|i| i["id"] == some_id.as_str())
        .unwrap();
    assert_eq!(renamed["summary"], "renamed");

    // The new token sees nothing more.
    let (again, _, _) = env.list_all(&cal, &sync_query(&sync2)).await;
    assert!(again.is_empty());
}

#[tokio::test]
async fn incremental_results_page_too() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let (_, sync, _) = env.list_all(&cal, "").await;
    for n in 0..7 {
        env.insert(&cal, hour_event(&format!("e{n}")));
    }
    let (items, next, pages) = env
        .list_all(&cal, &format!("{}&maxResults=3", sync_query(&sync)))
        .await;
    assert_eq!(pages, 3);
    assert_eq!(items.len(), 7);
    assert_eq!(
        summaries(&items),
        ["e0", "e1", "e2", "e3", "e4", "e5", "e6"],
        "incremental order is change order"
    );
    // A change made while paging is not lost: it appears after the final token.
    let (s, v) = env
        .list_page(&cal, &format!("{}&maxResults=3", sync_query(&next)))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn change_during_full_sync_paging_reaches_next_incremental() {
    let env = env(small_world(60)).await;
    let cal = env.primary();
    let (s, first) = env.list_page(&cal, "maxResults=20").await;
    assert_eq!(s, StatusCode::OK);
    let token = first["nextPageToken"].as_str().unwrap().to_owned();
    let fresh = env.insert(&cal, hour_event("during"));
    let mut page = Some(token);
    let mut sync = String::new();
    while let Some(p) = page {
        let (_, v) = env
            .list_page(&cal, &format!("maxResults=20&pageToken={}", enc(&p)))
            .await;
        page = v
            .get("nextPageToken")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(t) = v.get("nextSyncToken").and_then(Value::as_str) {
            sync = t.to_owned();
        }
    }
    let (changed, _, _) = env.list_all(&cal, &sync_query(&sync)).await;
    assert!(
        changed.iter().any(|i| i["id"] == fresh["id"]),
        "insert during paging must not be lost"
    );
}

#[tokio::test]
async fn max_results_default_and_cap() {
    let env = env(small_world(2600)).await;
    let cal = env.primary();
    let (_, v) = env.list_page(&cal, "").await;
    assert_eq!(v["items"].as_array().unwrap().len(), 250);
    let (_, v) = env.list_page(&cal, "maxResults=5000").await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2500);
    assert!(v["nextPageToken"].is_string());
    assert!(v.get("nextSyncToken").is_none());
}

#[tokio::test]
async fn invalidated_token_gets_410_full_sync_required() {
    let env = env(small_world(10)).await;
    let cal = env.primary();
    let (_, sync, _) = env.list_all(&cal, "").await;
    env.ctl.invalidate_sync_tokens(Some(&cal)).unwrap();
    let (s, v) = env.list_page(&cal, &sync_query(&sync)).await;
    assert_eq!(s, StatusCode::GONE);
    assert_eq!(
        v,
        json!({"error": {"code": 410, "message": "Sync token is no longer valid, a full sync is required.",
            "errors": [{"domain": "calendar", "reason": "fullSyncRequired", "message": "Sync token is no longer valid, a full sync is required.", "locationType": "parameter", "location": "syncToken"}]}})
    );
    // A fresh full sync works and its token is good again.
    let (_, sync2, _) = env.list_all(&cal, "").await;
    let (s, _) = env.list_page(&cal, &sync_query(&sync2)).await;
    assert_eq!(s, StatusCode::OK);
    // Garbage tokens also mean "full sync".
    let (s, _) = env.list_page(&cal, "syncToken=bogus").await;
    assert_eq!(s, StatusCode::GONE);
}

#[tokio::test]
async fn invalidate_all_hits_every_calendar_and_the_calendar_list() {
    let env = env(small_world(5)).await;
    let cals = env.ctl.accounts()[0].calendars.clone();
    let mut tokens = Vec::new();
    for c in &cals {
        tokens.push(env.list_all(c, "").await.1);
    }
    let (_, cl) = env.get("users/me/calendarList").await;
    let cl_token = cl["nextSyncToken"].as_str().unwrap().to_owned();
    env.ctl.invalidate_sync_tokens(None).unwrap();
    for (c, t) in cals.iter().zip(&tokens) {
        let (s, _) = env.list_page(c, &sync_query(t)).await;
        assert_eq!(s, StatusCode::GONE);
    }
    let (s, _) = env
        .get(&format!("users/me/calendarList?{}", sync_query(&cl_token)))
        .await;
    assert_eq!(s, StatusCode::GONE);
}

#[tokio::test]
async fn forbidden_parameters_with_sync_token() {
    let env = env(small_world(5)).await;
    let cal = env.primary();
    let (_, sync, _) = env.list_all(&cal, "").await;
    for extra in [
        "timeMin=2026-01-01T00:00:00Z",
        "timeMax=2026-01-01T00:00:00Z",
        "q=x",
        "iCalUID=x",
        "orderBy=updated",
        "updatedMin=2026-01-01T00:00:00Z",
        "privateExtendedProperty=a%3Db",
        "sharedExtendedProperty=a%3Db",
        "showDeleted=false",
    ] {
        let (s, v) = env
            .list_page(&cal, &format!("{}&{extra}", sync_query(&sync)))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{extra}");
        assert_eq!(
            error_reason(&v),
            "syncTokenWithRequestRestrictions",
            "{extra}"
        );
    }
    // showDeleted=true and singleEvents are allowed.
    let (s, _) = env
        .list_page(
            &cal,
            &format!("{}&showDeleted=true&alt=json", sync_query(&sync)),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn show_deleted_full_sync_includes_cancelled() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let e = env.insert(&cal, hour_event("x"));
    env.ctl
        .delete_event(&cal, e["id"].as_str().unwrap())
        .unwrap();
    let (plain, _, _) = env.list_all(&cal, "").await;
    assert!(plain.is_empty());
    let (with, _, _) = env.list_all(&cal, "showDeleted=true").await;
    assert_eq!(with.len(), 1);
    assert_eq!(with[0]["status"], "cancelled");
    assert_eq!(with[0]["id"], e["id"]);
    assert!(
        with[0].get("summary").is_none(),
        "listings show deleted events in short form: {}",
        with[0]
    );
}

#[tokio::test]
async fn time_min_and_time_max_bound_by_end_and_start() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    env.insert(&cal, hour_event("a"));
    env.insert(
        &cal,
        timed("b", "2026-11-26T11:00:00Z", "2026-11-26T12:00:00Z"),
    );
    env.insert(
        &cal,
        json!({"summary": "allday", "start": {"date": "2026-11-27"}, "end": {"date": "2026-11-28"}}),
    );
    let names = |items: Vec<Value>| {
        let mut v = summaries(&items);
        v.sort();
        v
    };
    // Exclusive: an event ending exactly at timeMin is out; one starting at timeMax is out.
    let (items, _, _) = env
        .list_all(
            &cal,
            &time_range("2026-11-26T11:00:00Z", "2026-11-26T12:00:00+00:00"),
        )
        .await;
    assert_eq!(names(items), ["b"]);
    let (items, _, _) = env
        .list_all(
            &cal,
            &format!("timeMin={}", enc("2026-11-27T12:00:00+01:00")),
        )
        .await;
    assert_eq!(names(items), ["allday"]);
    let (s, v) = env
        .list_page(
            &cal,
            &time_range("2026-11-27T00:00:00Z", "2026-11-26T00:00:00Z"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_reason(&v), "timeRangeEmpty");
}

#[tokio::test]
async fn url_encoded_ids_alt_json_and_primary_alias() {
    let env = env(small_world(3)).await;
    let cal = env.primary();
    assert!(cal.contains('@'));
    let (s1, a) = env
        .get(&format!("calendars/{}/events?alt=json", enc(&cal)))
        .await;
    let (s2, b) = env.get("calendars/primary/events?alt=json").await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(a["items"], b["items"]);
    let (s, v) = env.get("calendars/nobody%40example.com/events").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_reason(&v), "notFound");
}

#[tokio::test]
async fn short_and_empty_pages_still_lead_to_the_same_result() {
    let env = env(small_world(40)).await;
    let cal = env.primary();
    let (plain, _, plain_pages) = env.list_all(&cal, "maxResults=2500").await;
    assert_eq!(plain_pages, 1);
    env.ctl.set_page_quirks(gcal_emulator::PageQuirks {
        max_items: Some(7),
        leading_empty_page: true,
        ..Default::default()
    });
    let (s, first) = env.list_page(&cal, "maxResults=2500").await;
    assert_eq!(s, StatusCode::OK);
    assert!(first["items"].as_array().unwrap().is_empty());
    assert!(first["nextPageToken"].is_string() && first.get("nextSyncToken").is_none());
    let (quirky, sync, pages) = env.list_all(&cal, "maxResults=2500").await;
    assert_eq!(pages, 1 + plain.len().div_ceil(7));
    assert_eq!(quirky, plain);
    for n in 0..10 {
        env.insert(&cal, hour_event(&format!("n{n}")));
    }
    let (inc, _, pages) = env.list_all(&cal, &sync_query(&sync)).await;
    assert_eq!((inc.len(), pages), (10, 3), "empty lead page + 7 + 3");
}

#[tokio::test]
async fn updated_min_too_long_ago_is_410() {
    let env = env(small_world(3)).await;
    let cal = env.primary();
    let updated_since = |ago: chrono::Duration| {
        let since = (chrono::Utc::now() - ago).to_rfc3339();
        format!("updatedMin={}", enc(&since))
    };
    let (s, v) = env
        .list_page(&cal, &updated_since(chrono::Duration::days(60)))
        .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::GONE, "updatedMinTooLongAgo")
    );
    let (s, v) = env
        .list_page(&cal, &updated_since(chrono::Duration::hours(1)))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["items"].as_array().unwrap().len(),
        3,
        "everything in a fresh world was updated within the hour"
    );
}

#[tokio::test]
async fn the_omit_sync_token_quirk_ends_listings_without_a_token() {
    let env = env(small_world(30)).await;
    let cal = env.primary();
    let r = env
        .http
        .put(env.control_url("page-quirks"))
        .json(&json!({"omitSyncToken": true, "maxItems": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let mut page_token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = "maxResults=2500".to_owned();
        if let Some(p) = &page_token {
            query.push_str(&format!("&pageToken={}", enc(p)));
        }
        let (s, v) = env.list_page(&cal, &query).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        pages += 1;
        assert!(
            v.get("nextSyncToken").is_none(),
            "no page carries a sync token: {v}"
        );
        match v.get("nextPageToken").and_then(Value::as_str) {
            Some(p) => page_token = Some(p.to_owned()),
            None => break,
        }
    }
    assert!(pages > 1, "the quirk keeps paging: {pages} pages");
    env.ctl
        .set_page_quirks(gcal_emulator::PageQuirks::default());
    let (_, sync, _) = env.list_all(&cal, "").await;
    assert!(!sync.is_empty());
}

/// The ids of listed events, as a set.
fn ids(items: &[Value]) -> HashSet<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The summaries of listed events, in listing order.
fn summaries(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["summary"].as_str().unwrap().to_owned())
        .collect()
}

/// The ids of live one-off events (neither a series nor an instance of one), in listing order:
/// events another client can change without touching a recurrence.
fn single_event_ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter(|i| {
            i["status"] == "confirmed"
                && i.get("recurrence").is_none()
                && i.get("recurringEventId").is_none()
        })
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The query of a listing bounded by `time_min` and `time_max`.
fn time_range(time_min: &str, time_max: &str) -> String {
    format!("timeMin={}&timeMax={}", enc(time_min), enc(time_max))
}
