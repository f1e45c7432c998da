//! events.list paging and sync tokens, over real HTTP.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
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
    let ids: HashSet<_> = items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), items.len(), "no event twice in a full sync");
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
    let (s, v) = env
        .get(&format!(
            "{}?syncToken={}",
            env.events_path(&cal),
            enc(&sync)
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    assert!(v["nextSyncToken"].is_string());

    // Another client changes three events.
    let a = env
        .ctl
        .insert_event(
            &cal,
            timed("new", "2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z"),
        )
        .unwrap();
    let some_id = items
        .iter()
        .find(|i| {
            i["status"] == "confirmed"
                && i.get("recurrence").is_none()
                && i.get("recurringEventId").is_none()
        })
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    env.ctl
        .patch_event(&cal, &some_id, json!({"summary": "renamed"}))
        .unwrap();
    let other = items
        .iter()
        .filter(|i| {
            i["status"] == "confirmed"
                && i.get("recurrence").is_none()
                && i.get("recurringEventId").is_none()
        })
        .nth(1)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    env.ctl.delete_event(&cal, &other).unwrap();

    let (changed, sync2, _) = env
        .list_all(&cal, &format!("syncToken={}", enc(&sync)))
        .await;
    let got: HashSet<_> = changed
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let want: HashSet<_> = [
        a["id"].as_str().unwrap().to_owned(),
        some_id.clone(),
        other.clone(),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    let deleted = changed.iter().find(|i| i["id"] == other.as_str()).unwrap();
    assert_eq!(deleted["status"], "cancelled");
    let renamed = changed
        .iter()
        .find(|i| i["id"] == some_id.as_str())
        .unwrap();
    assert_eq!(renamed["summary"], "renamed");

    // The new token sees nothing more.
    let (again, _, _) = env
        .list_all(&cal, &format!("syncToken={}", enc(&sync2)))
        .await;
    assert!(again.is_empty());
}

#[tokio::test]
async fn incremental_results_page_too() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let (_, sync, _) = env.list_all(&cal, "").await;
    for n in 0..7 {
        env.ctl
            .insert_event(
                &cal,
                timed(
                    &format!("e{n}"),
                    "2026-11-26T10:00:00Z",
                    "2026-11-26T11:00:00Z",
                ),
            )
            .unwrap();
    }
    let (items, next, pages) = env
        .list_all(&cal, &format!("syncToken={}&maxResults=3", enc(&sync)))
        .await;
    assert_eq!(pages, 3);
    assert_eq!(items.len(), 7);
    let names: Vec<_> = items
        .iter()
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["e0", "e1", "e2", "e3", "e4", "e5", "e6"],
        "incremental order is change order"
    );
    // A change made while paging is not lost: it appears after the final token.
    let (s, v) = env
        .get(&format!(
            "{}?syncToken={}&maxResults=3",
            env.events_path(&cal),
            enc(&next)
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn change_during_full_sync_paging_reaches_next_incremental() {
    let env = env(small_world(60)).await;
    let cal = env.primary();
    let (s, first) = env
        .get(&format!("{}?maxResults=20", env.events_path(&cal)))
        .await;
    assert_eq!(s, StatusCode::OK);
    let token = first["nextPageToken"].as_str().unwrap().to_owned();
    let fresh = env
        .ctl
        .insert_event(
            &cal,
            timed("during", "2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z"),
        )
        .unwrap();
    let mut page = Some(token);
    let mut sync = String::new();
    while let Some(p) = page {
        let (_, v) = env
            .get(&format!(
                "{}?maxResults=20&pageToken={}",
                env.events_path(&cal),
                enc(&p)
            ))
            .await;
        page = v
            .get("nextPageToken")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(t) = v.get("nextSyncToken").and_then(Value::as_str) {
            sync = t.to_owned();
        }
    }
    let (changed, _, _) = env
        .list_all(&cal, &format!("syncToken={}", enc(&sync)))
        .await;
    assert!(
        changed.iter().any(|i| i["id"] == fresh["id"]),
        "insert during paging must not be lost"
    );
}

#[tokio::test]
async fn max_results_default_and_cap() {
    let env = env(small_world(2600)).await;
    let cal = env.primary();
    let (_, v) = env.get(&env.events_path(&cal)).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 250);
    let (_, v) = env
        .get(&format!("{}?maxResults=5000", env.events_path(&cal)))
        .await;
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
    let (s, v) = env
        .get(&format!(
            "{}?syncToken={}",
            env.events_path(&cal),
            enc(&sync)
        ))
        .await;
    assert_eq!(s, StatusCode::GONE);
    assert_eq!(
        v,
        json!({"error": {"code": 410, "message": "Sync token is no longer valid, a full sync is required.",
            "errors": [{"domain": "calendar", "reason": "fullSyncRequired", "message": "Sync token is no longer valid, a full sync is required.", "locationType": "parameter", "location": "syncToken"}]}})
    );
    // A fresh full sync works and its token is good again.
    let (_, sync2, _) = env.list_all(&cal, "").await;
    let (s, _) = env
        .get(&format!(
            "{}?syncToken={}",
            env.events_path(&cal),
            enc(&sync2)
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    // Garbage tokens also mean "full sync".
    let (s, _) = env
        .get(&format!("{}?syncToken=bogus", env.events_path(&cal)))
        .await;
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
        let (s, _) = env
            .get(&format!("{}?syncToken={}", env.events_path(c), enc(t)))
            .await;
        assert_eq!(s, StatusCode::GONE);
    }
    let (s, _) = env
        .get(&format!(
            "users/me/calendarList?syncToken={}",
            enc(&cl_token)
        ))
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
            .get(&format!(
                "{}?syncToken={}&{extra}",
                env.events_path(&cal),
                enc(&sync)
            ))
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
        .get(&format!(
            "{}?syncToken={}&showDeleted=true&alt=json",
            env.events_path(&cal),
            enc(&sync)
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn show_deleted_full_sync_includes_cancelled() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let e = env
        .ctl
        .insert_event(
            &cal,
            timed("x", "2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z"),
        )
        .unwrap();
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
    env.ctl
        .insert_event(
            &cal,
            timed("a", "2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z"),
        )
        .unwrap();
    env.ctl
        .insert_event(
            &cal,
            timed("b", "2026-11-26T11:00:00Z", "2026-11-26T12:00:00Z"),
        )
        .unwrap();
    env.ctl.insert_event(&cal, json!({"summary": "allday", "start": {"date": "2026-11-27"}, "end": {"date": "2026-11-28"}})).unwrap();
    let names = |items: Vec<Value>| {
        let mut v: Vec<String> = items
            .iter()
            .map(|i| i["summary"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    // Exclusive: an event ending exactly at timeMin is out; one starting at timeMax is out.
    let (items, _, _) = env
        .list_all(
            &cal,
            &format!(
                "timeMin={}&timeMax={}",
                enc("2026-11-26T11:00:00Z"),
                enc("2026-11-26T12:00:00+00:00")
            ),
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
        .get(&format!(
            "{}?timeMin={}&timeMax={}",
            env.events_path(&cal),
            enc("2026-11-27T00:00:00Z"),
            enc("2026-11-26T00:00:00Z")
        ))
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
    let (s, v) = env
        .call(
            Method::GET,
            "calendars/nobody%40example.com/events",
            None,
            &[],
        )
        .await;
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
    let (s, first) = env
        .get(&format!("{}?maxResults=2500", env.events_path(&cal)))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(first["items"].as_array().unwrap().is_empty());
    assert!(first["nextPageToken"].is_string() && first.get("nextSyncToken").is_none());
    let (quirky, sync, pages) = env.list_all(&cal, "maxResults=2500").await;
    assert_eq!(pages, 1 + plain.len().div_ceil(7));
    assert_eq!(quirky, plain);
    for n in 0..10 {
        env.ctl
            .insert_event(
                &cal,
                timed(
                    &format!("n{n}"),
                    "2026-11-26T10:00:00Z",
                    "2026-11-26T11:00:00Z",
                ),
            )
            .unwrap();
    }
    let (inc, _, pages) = env
        .list_all(&cal, &format!("syncToken={}", enc(&sync)))
        .await;
    assert_eq!((inc.len(), pages), (10, 3), "empty lead page + 7 + 3");
}

#[tokio::test]
async fn updated_min_too_long_ago_is_410() {
    let env = env(small_world(3)).await;
    let cal = env.primary();
    let old = (chrono::Utc::now() - chrono::Duration::days(60)).to_rfc3339();
    let (s, v) = env
        .get(&format!(
            "{}?updatedMin={}",
            env.events_path(&cal),
            enc(&old)
        ))
        .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::GONE, "updatedMinTooLongAgo")
    );
    let recent = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let (s, v) = env
        .get(&format!(
            "{}?updatedMin={}",
            env.events_path(&cal),
            enc(&recent)
        ))
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
        .put(format!("{}/__emulator/page-quirks", env.emu.base_url()))
        .json(&json!({"omitSyncToken": true, "maxItems": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let mut page_token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("{}?maxResults=2500", env.events_path(&cal));
        if let Some(p) = &page_token {
            path.push_str(&format!("&pageToken={}", enc(p)));
        }
        let (s, v) = env.get(&path).await;
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
