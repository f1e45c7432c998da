//! The push receiver with the emulator delivering real notifications over HTTP: a change made
//! through the control API reaches the local store after the notification (latency printed),
//! and forged or malformed notifications are refused and trigger nothing.

mod push_support;

use chronos_core::scheduler::{RunScope, Trigger};
use gcal_emulator::{FaultRule, World};
use push_support::*;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

fn two_calendars() -> World {
    world(&[5, 3])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_reaches_the_store_after_the_notification() {
    let rig = Rig::new(two_calendars(), RigOptions::default()).await;
    let (cal0, cal1) = (cal_id(0), cal_id(1));
    let report = rig.manager.maintain_all().await;
    assert_eq!(report.opened.len(), 2, "{report:?}");
    assert_eq!(rig.emulator_channels(&cal0).len(), 1);
    // The `sync` message of each new channel was delivered and acknowledged (200), not synced.
    let ctl = rig.h.emu.control();
    let synced = wait_until(Duration::from_secs(5), || {
        ctl.push_deliveries()
            .iter()
            .filter(|d| d.resource_state == "sync" && d.status == Some(200))
            .count()
            == 2
    })
    .await;
    assert!(synced.is_some(), "{:?}", ctl.push_deliveries());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(rig.push_runs().is_empty(), "sync messages trigger nothing");
    assert!(rig.manager.is_push_covered(&rig.h.account, &cal0));

    // Changes through the control API, one at a time, each waited for in the store.
    let mut change_to_notify = Vec::new();
    let mut notify_to_store = Vec::new();
    let mut change_to_store = Vec::new();
    for i in 0..8u32 {
        let id = format!("pushed{i:04}");
        let t0 = Instant::now();
        ctl.insert_event(cal0.as_str(), new_event(&id, i + 1))
            .unwrap();
        let stored = wait_until(Duration::from_secs(10), || rig.has_event(&cal0, &id)).await;
        let t_store = stored.unwrap_or_else(|| {
            panic!("event {id} did not reach the store; runs: {:?}", rig.runs())
        });
        let t_notify = rig
            .receiver
            .stats()
            .last_change()
            .expect("a change notification arrived");
        // The run the notification started ended when its commit was done; the store poll above
        // can be up to 2 ms late.
        let t_store = wait_until(Duration::from_secs(5), || {
            rig.run_end_after(t_notify).is_some()
        })
        .await
        .map(|_| rig.run_end_after(t_notify).unwrap().min(t_store))
        .unwrap();
        assert!(t_notify >= t0 && t_notify <= t_store);
        change_to_notify.push(t_notify - t0);
        notify_to_store.push(t_store - t_notify);
        change_to_store.push(t_store - t0);
        // Past the (shortened) debounce window so each change is its own leading-edge sync.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let ms = |v: &Vec<Duration>| {
        let mut m: Vec<f64> = v.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        m.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (m[m.len() / 2], m[m.len() - 1])
    };
    let (n_med, n_max) = ms(&notify_to_store);
    let (c_med, c_max) = ms(&change_to_notify);
    let (t_med, t_max) = ms(&change_to_store);
    println!(
        "push latency over {} changes (ms, median / max): change→notification {c_med:.1} / {c_max:.1}, \
         notification→store {n_med:.1} / {n_max:.1}, change→store {t_med:.1} / {t_max:.1}",
        notify_to_store.len()
    );
    // A generous bound: a debug build on 2 shared cores.
    assert!(n_max < 3000.0, "notification→store {n_max} ms");

    // Each pickup was an incremental sync of that calendar only: no calendar list, no cal1.
    let runs = rig.push_runs();
    assert_eq!(runs.len(), 8, "{runs:?}");
    for r in &runs {
        assert_eq!(r.request.scope, RunScope::calendars([cal0.clone()]));
        assert_eq!(r.request.triggers, vec![Trigger::Push]);
    }
    let lists = rig.h.requests("events.list");
    let incremental = lists
        .iter()
        .filter(|q| q.query.contains("syncToken="))
        .count();
    assert!(incremental >= 8, "{lists:?}");
    assert!(lists
        .iter()
        .all(|q| !q.path.contains(&urlencode(cal1.as_str())) || !q.query.contains("syncToken=")));
    assert_eq!(rig.receiver.stats().refused.load(Ordering::Relaxed), 0);
    rig.shutdown().await;
}

/// The HTTP status the receiver answers a request with.
async fn status_of(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.unwrap().status().as_u16()
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_notifications_costs_one_sync_plus_one_follow_up() {
    let rig = Rig::new(
        two_calendars(),
        RigOptions {
            debounce: Duration::from_millis(800),
            ..Default::default()
        },
    )
    .await;
    let cal0 = cal_id(0);
    rig.manager.maintain_all().await;
    let ctl = rig.h.emu.control();
    ctl.set_auto_push(false);
    for i in 0..5u32 {
        ctl.insert_event(cal0.as_str(), new_event(&format!("burst{i:04}"), i + 1))
            .unwrap();
    }
    // Ten `exists` for one calendar in quick succession.
    for _ in 0..10 {
        assert_eq!(ctl.push_notify(Some(cal0.as_str())), 1);
    }
    let done = wait_until(Duration::from_secs(10), || {
        (0..5).all(|i| rig.has_event(&cal0, &format!("burst{i:04}")))
    })
    .await;
    assert!(done.is_some());
    wait_until(Duration::from_secs(5), || {
        rig.receiver.stats().changes.load(Ordering::Relaxed) == 10
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let runs = rig.push_runs();
    assert!(
        !runs.is_empty() && runs.len() <= 2,
        "ten notifications, at most a sync and its follow-up: {runs:?}"
    );
    if runs.len() == 2 {
        assert!(
            runs[1].at - runs[0].at >= Duration::from_millis(790),
            "follow-up respects the window"
        );
    }
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_malformed_notifications_are_refused_and_trigger_nothing() {
    let rig = Rig::new(two_calendars(), RigOptions::default()).await;
    let cal0 = cal_id(0);
    rig.manager.maintain_all().await;
    let ch = rig.emulator_channels(&cal0).pop().unwrap();
    let token = ch.token.clone().unwrap();
    let url = rig.receiver.local_url();
    tokio::time::sleep(Duration::from_millis(300)).await; // let the `sync` messages land
    rig.h.emu.control().reset_requests();
    let http = http();
    let post = |id: &str, tok: Option<&str>, state: &str| {
        let mut r = http
            .post(&url)
            .header("X-Goog-Channel-ID", id)
            .header("X-Goog-Resource-ID", ch.resource_id.as_str())
            .header("X-Goog-Resource-State", state)
            .header("X-Goog-Message-Number", "7");
        if let Some(t) = tok {
            r = r.header("X-Goog-Channel-Token", t);
        }
        r
    };
    // A notice carrying the channel's own id and token, by any method to any path.
    let signed = |method: reqwest::Method, to: &str| {
        http.request(method, to)
            .header("X-Goog-Channel-ID", ch.id.as_str())
            .header("X-Goog-Channel-Token", token.as_str())
            .header("X-Goog-Resource-State", "exists")
    };
    let mut wrong_token = token.clone();
    wrong_token.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });

    assert_eq!(
        status_of(post("chronos-unknown", Some(&token), "exists")).await,
        404
    );
    assert_eq!(
        status_of(post(&ch.id, Some(&wrong_token), "exists")).await,
        403
    );
    assert_eq!(
        status_of(post(&ch.id, Some(&token[..token.len() - 1]), "exists")).await,
        403
    );
    assert_eq!(status_of(post(&ch.id, None, "exists")).await, 403);
    let wrong_resource =
        signed(reqwest::Method::POST, &url).header("X-Goog-Resource-ID", "someone-elses");
    assert_eq!(status_of(wrong_resource).await, 403);
    let no_headers = http.post(&url);
    assert_eq!(status_of(no_headers).await, 400);
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let r = signed(method.clone(), &url);
        assert_eq!(status_of(r).await, 405, "{method}");
    }
    let other_path = url.replace("/google/push", "/google/other");
    let r = signed(reqwest::Method::POST, &other_path);
    assert_eq!(status_of(r).await, 404);
    let big = post(&ch.id, Some(&token), "exists").body(vec![b'x'; 64 * 1024]);
    assert_eq!(status_of(big).await, 413);

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(rig.push_runs().is_empty(), "{:?}", rig.push_runs());
    assert_eq!(rig.h.emu.control().count("events.list"), 0);
    assert_eq!(rig.receiver.stats().changes.load(Ordering::Relaxed), 0);
    assert_eq!(rig.receiver.stats().refused.load(Ordering::Relaxed), 6);

    // The same request with the right token does trigger a sync (the refusals above could fail).
    assert_eq!(status_of(post(&ch.id, Some(&token), "exists")).await, 200);
    let ran = wait_until(Duration::from_secs(5), || !rig.push_runs().is_empty()).await;
    assert!(ran.is_some());
    wait_until(Duration::from_secs(5), || {
        rig.h.emu.control().count("events.list") == 1
    })
    .await
    .unwrap();
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receiver_listens_on_loopback_only() {
    let rig = Rig::new(world(&[1]), RigOptions::default()).await;
    assert!(rig.receiver.local_addr().ip().is_loopback());
    assert!(rig.receiver.local_url().starts_with("http://127.0.0.1:"));
    // Not a fault of the emulator: the channel path with a watch fault must not leave a stale
    // registry entry either.
    rig.h
        .emu
        .control()
        .add_fault(FaultRule::status("/events/watch", 503, 100))
        .unwrap();
    let report = rig.manager.maintain_all().await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(rig.registry.is_empty());
    rig.shutdown().await;
}
