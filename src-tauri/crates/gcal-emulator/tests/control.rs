//! The control surface: fault rules, request log and counters, rate limit, latency, push
//! notifications to a real receiver, and the HTTP control API.

mod common;

use axum::http::HeaderMap;
use common::*;
use gcal_emulator::{FaultAction, FaultRule, RateLimit};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::test]
async fn status_faults_carry_googles_bodies_and_retry_after() {
    let env = env(small_world(2)).await;
    let path = env.events_path(&env.primary());
    let cases = [
        (429, None, "rateLimitExceeded", "usageLimits"),
        (
            403,
            Some("userRateLimitExceeded"),
            "userRateLimitExceeded",
            "usageLimits",
        ),
        (
            403,
            Some("rateLimitExceeded"),
            "rateLimitExceeded",
            "usageLimits",
        ),
        (403, Some("quotaExceeded"), "quotaExceeded", "usageLimits"),
        (
            403,
            Some("dailyLimitExceeded"),
            "dailyLimitExceeded",
            "usageLimits",
        ),
        (500, None, "backendError", "global"),
        (503, None, "backendError", "global"),
        (
            403,
            Some("forbiddenForNonOrganizer"),
            "forbiddenForNonOrganizer",
            "calendar",
        ),
    ];
    for (status, reason, want_reason, domain) in cases {
        let mut rule = FaultRule::status("/events", status, 1).with_method("GET");
        if let Some(r) = reason {
            rule = rule.with_reason(r);
        }
        rule.retry_after = Some(7);
        env.ctl.add_fault(rule).unwrap();
        let r = env.send_get(&path).await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        assert_eq!(r.headers()["retry-after"], "7");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], status);
        assert_eq!(error_reason(&v), want_reason);
        assert_eq!(v["error"]["errors"][0]["domain"], domain);
        // Only the next N (here 1) requests.
        let (s, _) = env.get(&path).await;
        assert_eq!(s, StatusCode::OK);
    }
}

#[tokio::test]
async fn method_and_regex_matching_and_clearing() {
    let env = env(small_world(2)).await;
    let cal = env.primary();
    let path = env.events_path(&cal);
    let mut rule = FaultRule::status("", 500, 100);
    rule.path_contains = None;
    rule.path_regex = Some(r"/events\?.*syncToken=".into());
    env.ctl.add_fault(rule).unwrap();
    let (s, _) = env.get(&path).await;
    assert_eq!(s, StatusCode::OK);
    let (_, sync, _) = env.list_all(&cal, "").await;
    let (s, _) = env.list_page(&cal, &sync_query(&sync)).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    env.ctl.clear_faults();
    let (s, _) = env.list_page(&cal, &sync_query(&sync)).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn seeded_probability_is_reproducible() {
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let env = env(small_world(1)).await;
        let mut rule = FaultRule::status("/colors", 503, u32::MAX);
        rule.times = None;
        rule.probability = Some(0.5);
        rule.seed = 99;
        env.ctl.add_fault(rule).unwrap();
        let mut seq = Vec::new();
        for _ in 0..40 {
            seq.push(env.get("colors").await.0.as_u16());
        }
        outcomes.push(seq);
    }
    assert_eq!(outcomes[0], outcomes[1]);
    let fails = outcomes[0].iter().filter(|s| **s == 503).count();
    assert!((8..=32).contains(&fails), "about half fail: {fails}");
}

#[tokio::test]
async fn dropped_connection_truncated_body_and_latency() {
    let env = env(small_world(20)).await;
    let path = env.events_path(&env.primary());
    let mut drop = FaultRule::status("/events", 0, 1);
    drop.action = FaultAction::Drop;
    env.ctl.add_fault(drop).unwrap();
    let err = env.send_get(&path).await;
    assert!(err.is_err(), "dropped connection gives no response");

    let mut cut = FaultRule::status("/events", 0, 1);
    cut.action = FaultAction::Truncate;
    env.ctl.add_fault(cut).unwrap();
    let body = match env.send_get(&path).await {
        Ok(resp) => resp.bytes().await,
        Err(e) => Err(e),
    };
    assert!(body.is_err(), "truncated body fails to read");

    let mut slow = FaultRule::status("/events", 0, 1);
    slow.action = FaultAction::Delay;
    slow.latency_ms = 300;
    env.ctl.add_fault(slow).unwrap();
    let t = Instant::now();
    let (s, _) = env.get(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(t.elapsed() >= Duration::from_millis(300));

    env.ctl.set_latency(Duration::from_millis(200));
    let t = Instant::now();
    env.get("colors").await;
    assert!(t.elapsed() >= Duration::from_millis(200));
    env.ctl.set_latency(Duration::ZERO);

    // And the server is still fine afterwards.
    let (s, _) = env.get(&path).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn request_log_and_counters() {
    let env = env(small_world(5)).await;
    let cals = env.ctl.accounts()[0].calendars.clone();
    env.ctl.reset_requests();
    env.get("users/me/calendarList").await;
    for c in &cals {
        env.get(&env.events_path(c)).await;
    }
    env.get("calendars/nobody%40x/events").await;
    let c = env.ctl.counters();
    assert_eq!(c.total as usize, cals.len() + 2);
    assert_eq!(env.ctl.count("events.list") as usize, cals.len() + 1);
    assert_eq!(env.ctl.count("calendarList.list"), 1);
    assert_eq!(c.by_status.get(&404), Some(&1));
    assert_eq!(
        c.by_account.get(&env.account).copied().unwrap_or(0) as usize,
        cals.len() + 2
    );
    let log = env.ctl.requests();
    assert_eq!(log[0].operation, "calendarList.list");
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].account.as_deref(), Some(env.account.as_str()));
    env.ctl.reset_requests();
    assert_eq!(env.ctl.counters().total, 0);
}

#[tokio::test]
async fn per_user_rate_limit() {
    let env = env(small_world(1)).await;
    env.ctl.set_rate_limit(Some(RateLimit {
        max_requests: 3,
        window_ms: 60_000,
        status: 403,
    }));
    for _ in 0..3 {
        assert_eq!(env.get("colors").await.0, StatusCode::OK);
    }
    let (s, v) = env.get("colors").await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::FORBIDDEN, "rateLimitExceeded")
    );
    // Another user has their own budget.
    let other = env.ctl.accounts()[1].email.clone();
    let t = env.ctl.mint_tokens(&other).unwrap().access_token;
    assert_eq!(
        env.call_as(&t, Method::GET, "colors", None, &[]).await.0,
        StatusCode::OK
    );
    env.ctl.set_rate_limit(Some(RateLimit {
        max_requests: 0,
        window_ms: 60_000,
        status: 429,
    }));
    assert_eq!(env.get("colors").await.0, StatusCode::TOO_MANY_REQUESTS);
    env.ctl.set_rate_limit(None);
    assert_eq!(env.get("colors").await.0, StatusCode::OK);
}

type Seen = Arc<Mutex<Vec<HeaderMap>>>;

async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let s2 = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |h: HeaderMap| {
            let s = s2.clone();
            async move {
                s.lock().unwrap().push(h);
                ""
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (format!("http://{addr}/hook"), seen)
}

/// events.watch on `cal` with the channel `channel`.
async fn watch(env: &Env, cal: &str, channel: Value) -> (StatusCode, Value) {
    env.post(&format!("{}/watch", env.events_path(cal)), channel)
        .await
}

async fn wait_for(seen: &Seen, n: usize) -> Vec<HeaderMap> {
    for _ in 0..100 {
        if seen.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen.lock().unwrap().clone()
}

#[tokio::test]
async fn watch_delivers_sync_then_exists_and_stop_ends_it() {
    let env = env(small_world(2)).await;
    let cal = env.primary();
    let (addr, seen) = receiver().await;
    let (s, ch) = watch(
        &env,
        &cal,
        json!({"id": "chan-1", "type": "web_hook", "address": addr, "token": "tok-1", "params": {"ttl": "3600"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{ch}");
    assert_eq!(ch["kind"], "api#channel");
    assert_eq!(ch["id"], "chan-1");
    let exp: i64 = ch["expiration"].as_str().unwrap().parse().unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    assert!((exp - now - 3_600_000).abs() < 10_000, "ttl honoured");
    let got = wait_for(&seen, 1).await;
    assert_eq!(got[0]["x-goog-resource-state"], "sync");
    assert_eq!(got[0]["x-goog-channel-id"], "chan-1");
    assert_eq!(got[0]["x-goog-channel-token"], "tok-1");
    assert_eq!(
        got[0]["x-goog-resource-id"],
        ch["resourceId"].as_str().unwrap()
    );
    assert_eq!(got[0]["x-goog-message-number"], "1");
    assert!(got[0].contains_key("x-goog-channel-expiration"));
    assert!(got[0]["x-goog-resource-uri"]
        .to_str()
        .unwrap()
        .contains("/events"));

    env.insert(&cal, hour_event("ping"));
    assert_eq!(env.ctl.push_notify(Some(&cal)), 1);
    let got = wait_for(&seen, 3).await;
    assert_eq!(got.len(), 3);
    assert_eq!(got[1]["x-goog-resource-state"], "exists");
    assert_eq!(got[1]["x-goog-message-number"], "2");
    assert_eq!(got[2]["x-goog-message-number"], "3");

    // Duplicate channel ids are refused.
    let (s, v) = watch(
        &env,
        &cal,
        json!({"id": "chan-1", "type": "web_hook", "address": addr}),
    )
    .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "channelIdNotUnique")
    );

    let stop = json!({"id": "chan-1", "resourceId": ch["resourceId"]});
    let (s, _) = env.post("channels/stop", stop.clone()).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    env.insert(&cal, hour_event("quiet"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(seen.lock().unwrap().len(), 3, "no more after stop");
    let (s, _) = env.post("channels/stop", stop).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(env
        .ctl
        .push_deliveries()
        .iter()
        .all(|d| d.status == Some(200)));
}

#[tokio::test]
async fn watch_requires_https_unless_test_mode() {
    let env = env_with(gcal_emulator::EmulatorConfig {
        world: small_world(1),
        ..Default::default()
    })
    .await;
    let cal = env.primary();
    let (s, v) = watch(
        &env,
        &cal,
        json!({"id": "c1", "type": "web_hook", "address": "http://127.0.0.1:9/hook"}),
    )
    .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "push.webhookUrlNotHttps")
    );
    let (s, v) = watch(
        &env,
        &cal,
        json!({"id": "c2", "type": "web_hook", "address": "https://push.example/hook", "expiration": 1}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["expiration"], "1", "a requested expiration is honoured");
    let (s, v) = watch(
        &env,
        &cal,
        json!({"id": "c3", "type": "web_hook", "address": "https://push.example/hook"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let exp: i64 = v["expiration"].as_str().unwrap().parse().unwrap();
    let week = chrono::Utc::now().timestamp_millis() + 604_800_000;
    assert!((exp - week).abs() < 10_000, "default lifetime is 7 days");
}

/// What a GET of the HTTP control API answers.
async fn control_get(env: &Env, path: &str) -> Value {
    env.http
        .get(env.control_url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A POST of `body` to the HTTP control API.
async fn control_post(env: &Env, path: &str, body: Value) -> reqwest::Response {
    env.http
        .post(env.control_url(path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn http_control_api_mirrors_control() {
    let env = env(small_world(3)).await;
    let accounts = control_get(&env, "accounts").await;
    assert_eq!(accounts.as_array().unwrap().len(), 2);
    let cal = env.primary();
    let (_, sync, _) = env.list_all(&cal, "").await;
    let r = control_post(
        &env,
        &format!("calendars/{}/events", enc(&cal)),
        hour_event("via http"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let created: Value = r.json().await.unwrap();
    let (changes, _, _) = env.list_all(&cal, &sync_query(&sync)).await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["id"], created["id"]);
    let r = control_post(
        &env,
        "faults",
        json!({"pathContains": "/colors", "action": {"kind": "status", "status": 403, "reason": "quotaExceeded"}, "times": 1}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (s, v) = env.get("colors").await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::FORBIDDEN, "quotaExceeded")
    );
    let r = control_post(&env, "sync-tokens/invalidate", json!({"calendarId": cal})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, _) = env.list_page(&cal, &sync_query(&sync)).await;
    assert_eq!(s, StatusCode::GONE);
    let counters = control_get(&env, "counters").await;
    assert!(counters["byOperation"]["events.list"].as_u64().unwrap() >= 2);
    let r = control_post(&env, "tokens/expire", json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(env.get("colors").await.0, StatusCode::UNAUTHORIZED);
}
