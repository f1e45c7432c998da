//! The Calendar API client against the emulator over real HTTP: paging, sync tokens, writes,
//! and the classified failures (retries with Retry-After, quota, 410, 412, 409, broken answers).

mod google_support;

use chronos_core::clock::{Backoff, TestClock};
use chronos_core::google::errors::{
    is_deleted, is_duplicate, is_full_sync_required, is_not_found, is_precondition_failed,
};
use chronos_core::google::{
    ClientOptions, EventsListRequest, EventsPage, GoogleClient, RequestLimits, SendUpdates,
    WatchRequest, EVENTS_PAGE_SIZE,
};
use chronos_core::model::{CalendarId, Etag, EventId, EventResource, SyncToken};
use chronos_core::{Error, ErrorKind};
use gcal_emulator::{EmulatorHandle, FaultAction, FaultRule};
use google_support::*;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

fn alice() -> CalendarId {
    CalendarId::from(ALICE)
}

/// The first page of a full sync of Alice's primary calendar.
async fn first_full_page(client: &GoogleClient) -> chronos_core::Result<EventsPage> {
    client
        .list_events_page(&alice(), &EventsListRequest::full(None))
        .await
}

/// Makes the emulator answer with `rule`'s fault.
fn inject(emu: &EmulatorHandle, rule: FaultRule) {
    emu.control()
        .add_fault(rule)
        .expect("the fault rule is valid");
}

/// The client's default options, but waiting on `clock`.
fn default_options_on(clock: &TestClock) -> ClientOptions {
    ClientOptions {
        clock: Arc::new(clock.clone()),
        ..Default::default()
    }
}

/// A client of Alice, signed in on `emu` with its tokens on `clock`, built with `options`.
async fn alice_client(
    emu: &EmulatorHandle,
    clock: &TestClock,
    options: ClientOptions,
) -> GoogleClient {
    let tokens = signed_in(emu, ALICE, Arc::new(clock.clone()), memory_secrets()).await;
    google_client(&endpoints(emu), tokens, options)
}

/// The status and reason of a Google error; any other error fails the test.
fn google_status_reason(err: &Error) -> (u16, Option<&str>) {
    match err {
        Error::Google { status, reason, .. } => (*status, reason.as_deref()),
        e => panic!("not a Google error: {e:?}"),
    }
}

/// The statuses the emulator answered `operation` with, in order.
fn statuses(emu: &EmulatorHandle, operation: &str) -> Vec<u16> {
    requests(emu, operation).iter().map(|r| r.status).collect()
}

/// A draft event: a summary between two `EventDateTime` JSON values.
fn draft(summary: &str, start: serde_json::Value, end: serde_json::Value) -> EventResource {
    EventResource {
        summary: Some(summary.into()),
        start: Some(serde_json::from_value(start).expect("a start")),
        end: Some(serde_json::from_value(end).expect("an end")),
        ..Default::default()
    }
}

fn fault(path: &str, action: FaultAction, times: u32, retry_after: Option<u64>) -> FaultRule {
    FaultRule {
        method: None,
        path_contains: Some(path.to_owned()),
        path_regex: None,
        action,
        retry_after,
        latency_ms: 0,
        times: Some(times),
        probability: None,
        seed: 0,
    }
}

fn status_fault(
    status: u16,
    reason: Option<&str>,
    times: u32,
    retry_after: Option<u64>,
) -> FaultRule {
    fault(
        "/events",
        FaultAction::Status {
            status,
            reason: reason.map(str::to_owned),
        },
        times,
        retry_after,
    )
}

#[tokio::test]
async fn full_sync_pages_then_incremental_sees_changes_and_deletions() {
    let s = setup(world(2600)).await;
    let p1 = first_full_page(&s.client).await.unwrap();
    assert_eq!(p1.items.len(), EVENTS_PAGE_SIZE as usize);
    assert!(p1.next_page_token.is_some() && p1.next_sync_token.is_none());
    assert!(p1.skipped.is_empty());
    let p2 = s
        .client
        .list_events_page(
            &alice(),
            &EventsListRequest::full(p1.next_page_token.clone()),
        )
        .await
        .unwrap();
    assert_eq!(p2.items.len(), 100);
    assert!(p2.is_last());
    let token = p2
        .next_sync_token
        .clone()
        .expect("the last page carries the sync token");
    let mut ids: Vec<_> = p1
        .items
        .iter()
        .chain(&p2.items)
        .map(|e| e.id.0.clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2600, "no event lost or repeated across pages");

    // The parameters Google requires to match between full and incremental sync.
    for r in requests(&s.emu, "events.list") {
        assert!(r.query.contains("showDeleted=true"), "{}", r.query);
        assert!(r.query.contains("singleEvents=false"), "{}", r.query);
        assert!(r.query.contains("maxResults=2500"), "{}", r.query);
    }

    let none = s
        .client
        .list_events_page(
            &alice(),
            &EventsListRequest::incremental(token.clone(), None),
        )
        .await
        .unwrap();
    assert!(none.items.is_empty());
    let token = none.next_sync_token.expect("a token again");

    s.emu
        .control()
        .insert_event(ALICE, event("fresh1", 3, 9))
        .unwrap();
    s.emu.control().delete_event(ALICE, "ev00007").unwrap();
    let changes = s
        .client
        .list_events_page(&alice(), &EventsListRequest::incremental(token, None))
        .await
        .unwrap();
    let by_id = |id: &str| changes.items.iter().find(|e| e.id.as_str() == id).cloned();
    assert_eq!(
        by_id("fresh1").unwrap().summary.as_deref(),
        Some("Event fresh1")
    );
    assert!(by_id("ev00007").unwrap().is_cancelled());
    assert_eq!(changes.items.len(), 2);
    let last = requests(&s.emu, "events.list").pop().unwrap();
    assert!(last.query.contains("syncToken="));
}

#[tokio::test]
async fn refused_sync_token_is_full_sync_required() {
    let s = setup(world(3)).await;
    let page = first_full_page(&s.client).await.unwrap();
    let token = page.next_sync_token.unwrap();
    s.emu.control().invalidate_sync_tokens(Some(ALICE)).unwrap();
    let err = s
        .client
        .list_events_page(&alice(), &EventsListRequest::incremental(token, None))
        .await
        .unwrap_err();
    assert!(is_full_sync_required(&err), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::FullSyncRequired);
    assert_eq!(google_status_reason(&err), (410, Some("fullSyncRequired")));
    assert_eq!(
        requests(&s.emu, "events.list").len(),
        2,
        "410 is not retried"
    );
    // A made-up token too.
    let err = s
        .client
        .list_events_page(
            &alice(),
            &EventsListRequest::incremental(SyncToken::from("bogus"), None),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::FullSyncRequired | ErrorKind::InvalidInput
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn calendar_list_pages_and_its_own_sync_token() {
    let s = setup(world(1)).await;
    let all = s.client.list_calendar_list(None).await.unwrap();
    let mut ids: Vec<_> = all.entries.iter().map(|c| c.id.0.clone()).collect();
    ids.sort();
    assert_eq!(ids, vec![ALICE.to_owned(), HOLIDAYS.to_owned()]);
    assert!(all.entries.iter().any(|c| c.primary == Some(true)));
    let token = all.next_sync_token.expect("calendar list sync token");
    let again = s.client.list_calendar_list(Some(&token)).await.unwrap();
    assert!(again.entries.is_empty());
    s.emu.control().invalidate_sync_tokens(None).unwrap();
    let err = s.client.list_calendar_list(Some(&token)).await.unwrap_err();
    assert!(is_full_sync_required(&err), "{err:?}");
}

#[tokio::test]
async fn encoded_calendar_ids_work() {
    let s = setup(world(1)).await;
    let holidays = CalendarId::from(HOLIDAYS);
    let page = s
        .client
        .list_events_page(&holidays, &EventsListRequest::full(None))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id.as_str(), "xmas2026");
    let got = s
        .client
        .get_event(&holidays, &EventId::from("xmas2026"))
        .await
        .unwrap();
    assert_eq!(got.summary.as_deref(), Some("Event xmas2026"));
    let r = requests(&s.emu, "events.get").pop().unwrap();
    assert!(
        r.path
            .contains("en.usa%23holiday%40group.v.calendar.google.com")
            || r.path.contains(HOLIDAYS),
        "{}",
        r.path
    );
}

#[tokio::test]
async fn writes_round_trip_with_etags() {
    let s = setup(world(2)).await;
    let cal = alice();
    // Insert with a client-chosen id (assigned when empty), unknown fields preserved.
    let mut draft = draft(
        "Lunch",
        json!({"dateTime": "2026-12-10T12:00:00Z"}),
        json!({"dateTime": "2026-12-10T13:00:00Z"}),
    );
    draft.extra.insert(
        "extendedProperties".into(),
        json!({"private": {"chronos": "1"}}),
    );
    let created = s
        .client
        .insert_event(&cal, &draft, SendUpdates::None)
        .await
        .unwrap();
    assert_eq!(created.id.as_str().len(), 26);
    // Chronos's own mark joins them (see CHRONOS_ID_PROPERTY).
    assert_eq!(
        created.extra.get("extendedProperties"),
        Some(&json!({"private": {"chronos": "1", "chronosId": created.id.as_str()}}))
    );
    let etag1 = created.etag.clone().unwrap();
    assert!(requests(&s.emu, "events.insert")[0]
        .query
        .contains("sendUpdates=none"));

    // Same id again: 409.
    let err = s
        .client
        .insert_event(&cal, &created, SendUpdates::None)
        .await
        .unwrap_err();
    assert!(
        is_duplicate(&err) && err.kind() == ErrorKind::Conflict,
        "{err:?}"
    );

    // Patch sends only the given fields, conditional on the etag.
    let mut fields = serde_json::Map::new();
    fields.insert("summary".into(), json!("Long lunch"));
    let patched = s
        .client
        .patch_event(&cal, &created.id, &fields, Some(&etag1), SendUpdates::None)
        .await
        .unwrap();
    assert_eq!(patched.summary.as_deref(), Some("Long lunch"));
    assert_eq!(
        patched.extra.get("extendedProperties"),
        created.extra.get("extendedProperties")
    );
    let etag2 = patched.etag.clone().unwrap();
    assert_ne!(etag1, etag2);

    // A stale etag: 412, not retried.
    let before = requests(&s.emu, "events.patch").len();
    let err = s
        .client
        .patch_event(&cal, &created.id, &fields, Some(&etag1), SendUpdates::None)
        .await
        .unwrap_err();
    assert!(
        is_precondition_failed(&err) && err.kind() == ErrorKind::Conflict,
        "{err:?}"
    );
    assert_eq!(requests(&s.emu, "events.patch").len(), before + 1);

    // Update replaces the resource.
    let mut full = patched.clone();
    full.location = Some("Canteen".into());
    let updated = s
        .client
        .update_event(&cal, &full, Some(&etag2), SendUpdates::None)
        .await
        .unwrap();
    assert_eq!(updated.location.as_deref(), Some("Canteen"));
    let err = s
        .client
        .update_event(&cal, &full, Some(&etag2), SendUpdates::None)
        .await
        .unwrap_err();
    assert!(is_precondition_failed(&err));

    // Move to Bob's calendar? Alice cannot write there; move to her holidays (reader) fails, so
    // move between two of her own calendars: add one first.
    let second = CalendarId::from("alice-work@example.com");
    s.emu
        .control()
        .add_calendar(
            ALICE,
            gcal_emulator::CalendarSpec {
                id: second.0.clone(),
                summary: "Work".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let moved = s
        .client
        .move_event(&cal, &updated.id, &second, SendUpdates::None)
        .await
        .unwrap();
    assert_eq!(moved.id, updated.id);
    assert_ne!(moved.etag, updated.etag);
    let gone = s.client.get_event(&cal, &updated.id).await;
    assert!(gone
        .map(|e| e.is_cancelled())
        .unwrap_or_else(|e| is_not_found(&e)));

    // Delete with If-Match; a second delete is 410 deleted.
    let stale = Etag::from("\"stale\"");
    let err = s
        .client
        .delete_event(&second, &moved.id, Some(&stale), SendUpdates::None)
        .await
        .unwrap_err();
    assert!(is_precondition_failed(&err), "{err:?}");
    s.client
        .delete_event(&second, &moved.id, moved.etag.as_ref(), SendUpdates::None)
        .await
        .unwrap();
    let err = s
        .client
        .delete_event(&second, &moved.id, None, SendUpdates::None)
        .await
        .unwrap_err();
    assert!(is_deleted(&err), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::NotFound);

    // 404 for an unknown event.
    let err = s
        .client
        .get_event(&cal, &EventId::from("doesnotexist"))
        .await
        .unwrap_err();
    assert!(
        is_not_found(&err) && err.kind() == ErrorKind::NotFound,
        "{err:?}"
    );
}

#[tokio::test]
async fn instances_of_a_recurring_event() {
    let s = setup(world(0)).await;
    let mut master = draft(
        "Standup",
        json!({"dateTime": "2026-12-01T09:00:00", "timeZone": "Europe/Paris"}),
        json!({"dateTime": "2026-12-01T09:15:00", "timeZone": "Europe/Paris"}),
    );
    master.recurrence = Some(vec!["RRULE:FREQ=DAILY;COUNT=5".into()]);
    let created = s
        .client
        .insert_event(&alice(), &master, SendUpdates::None)
        .await
        .unwrap();
    let page = s
        .client
        .list_instances_page(&alice(), &created.id, None, None, None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 5);
    assert!(page
        .items
        .iter()
        .all(|i| i.recurring_event_id.as_ref() == Some(&created.id)));
    assert!(page.items[0]
        .id
        .as_str()
        .starts_with(&format!("{}_", created.id)));
}

#[tokio::test]
async fn watch_stop_colors_settings() {
    let s = setup(world(0)).await;
    let channel = s
        .client
        .watch_events(
            &alice(),
            &WatchRequest {
                id: "chan-1".into(),
                address: "http://127.0.0.1:9/notify".into(),
                token: Some("verify-me".into()),
                ttl: Some(Duration::from_secs(3600)),
            },
        )
        .await
        .unwrap();
    assert_eq!(channel.id, "chan-1");
    assert!(!channel.resource_id.is_empty());
    assert!(channel.expires_at().is_some());
    s.client
        .stop_channel(&channel.id, &channel.resource_id)
        .await
        .unwrap();
    assert!(s.emu.control().channels().iter().all(|c| c.id != "chan-1"));

    let colors = s.client.get_colors().await.unwrap();
    assert!(!colors.calendar.is_empty() && !colors.event.is_empty());
    assert!(colors.event.values().all(|c| c.background.starts_with('#')));
    let settings = s.client.get_settings().await.unwrap();
    assert!(settings.time_zone().is_some(), "{settings:?}");
}

#[tokio::test]
async fn rate_limit_429_with_retry_after_then_success() {
    let s = setup(world(3)).await;
    inject(&s.emu, status_fault(429, None, 2, Some(2)));
    let page = first_full_page(&s.client).await.unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(statuses(&s.emu, "events.list"), vec![429, 429, 200]);
    let sleeps = s.clock.sleeps();
    assert_eq!(sleeps.len(), 2, "{sleeps:?}");
    // The backoff base is 10 ms, so only Retry-After explains a 2 s wait.
    assert!(
        sleeps.iter().all(|d| *d >= Duration::from_secs(2)),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn unavailable_503_with_retry_after_then_success_in_real_time() {
    // A real clock here: the client really waits, and the emulator sees the gap.
    let emu = emulator(world(1)).await;
    let clock = TestClock::new().with_real_scale(1.0);
    let options = test_client_options(
        Arc::new(clock.clone()),
        Backoff::with_base(Duration::from_millis(1)),
    );
    let client = alice_client(&emu, &clock, options).await;
    inject(&emu, status_fault(503, None, 1, Some(1)));
    let started = std::time::Instant::now();
    first_full_page(&client).await.unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1),
        "Retry-After: 1 must be waited out, took {took:?}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(statuses(&emu, "events.list"), vec![503, 200]);
}

#[tokio::test]
async fn rate_limit_403s_are_retried_but_quota_is_not() {
    let s = setup(world(1)).await;
    inject(
        &s.emu,
        status_fault(403, Some("userRateLimitExceeded"), 1, None),
    );
    inject(
        &s.emu,
        status_fault(403, Some("rateLimitExceeded"), 1, None),
    );
    first_full_page(&s.client).await.unwrap();
    assert_eq!(requests(&s.emu, "events.list").len(), 3);

    for reason in ["quotaExceeded", "dailyLimitExceeded"] {
        s.emu.control().reset_requests();
        let sleeps_before = s.clock.sleeps().len();
        inject(&s.emu, status_fault(403, Some(reason), 1, None));
        let err = first_full_page(&s.client).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::QuotaExceeded, "{err:?}");
        assert_eq!(err.kind().as_str(), "quota_exceeded");
        assert!(!err.retryable());
        assert_eq!(
            requests(&s.emu, "events.list").len(),
            1,
            "{reason} must not be retried soon"
        );
        assert_eq!(s.clock.sleeps().len(), sleeps_before);
        assert_eq!(google_status_reason(&err), (403, Some(reason)));
    }

    // Any other 403 is final too.
    s.emu.control().reset_requests();
    inject(
        &s.emu,
        status_fault(403, Some("forbiddenForNonOrganizer"), 1, None),
    );
    let err = first_full_page(&s.client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err:?}");
    assert_eq!(requests(&s.emu, "events.list").len(), 1);
}

#[tokio::test]
async fn persistent_server_errors_stop_after_five_retries() {
    let s = setup(world(1)).await;
    inject(&s.emu, status_fault(500, None, 100, None));
    let err = first_full_page(&s.client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(err.retryable());
    assert_eq!(
        requests(&s.emu, "events.list").len(),
        6,
        "one try and five retries"
    );
    let sleeps = s.clock.sleeps();
    assert_eq!(sleeps.len(), 5);
    // Full jitter under the exponential ceilings of a 10 ms base.
    for (n, d) in sleeps.iter().enumerate() {
        assert!(
            *d <= Duration::from_millis(10 << n),
            "retry {n} waited {d:?}"
        );
    }
}

#[tokio::test]
async fn dropped_connections_and_truncated_bodies_are_retried() {
    let s = setup(world(50)).await;
    inject(&s.emu, fault("/events", FaultAction::Drop, 1, None));
    inject(&s.emu, fault("/events", FaultAction::Truncate, 1, None));
    let page = first_full_page(&s.client).await.unwrap();
    assert_eq!(page.items.len(), 50);
    let faults: Vec<_> = requests(&s.emu, "events.list")
        .into_iter()
        .map(|r| r.fault)
        .collect();
    assert_eq!(
        faults,
        vec![Some("drop".to_owned()), Some("truncate".to_owned()), None]
    );
    assert_eq!(s.clock.sleeps().len(), 2);
}

#[tokio::test]
async fn an_insert_whose_answer_was_lost_is_not_duplicated() {
    let s = setup(world(0)).await;
    // The insert lands, but its answer is cut off; before a retry the event is looked up by
    // its chronosId mark and found, so nothing is sent twice.
    inject(
        &s.emu,
        FaultRule {
            method: Some("POST".into()),
            ..fault("/events", FaultAction::Truncate, 1, None)
        },
    );
    let draft = draft(
        "Once",
        json!({"date": "2026-12-05"}),
        json!({"date": "2026-12-06"}),
    );
    let created = s
        .client
        .insert_event(&alice(), &draft, SendUpdates::None)
        .await
        .unwrap();
    assert_eq!(created.summary.as_deref(), Some("Once"));
    assert_eq!(requests(&s.emu, "events.insert").len(), 1);
    let lookups = requests(&s.emu, "events.list");
    assert_eq!(lookups.len(), 1);
    assert!(
        lookups[0].query.contains("privateExtendedProperty"),
        "{}",
        lookups[0].query
    );
    assert_eq!(
        s.emu.control().event_ids(ALICE).unwrap(),
        vec![created.id.0.clone()]
    );
}

#[tokio::test]
async fn oversized_answers_fail_clearly() {
    let emu = emulator(world(300)).await;
    let clock = TestClock::new();
    let options = ClientOptions {
        max_body_bytes: 16 * 1024,
        ..default_options_on(&clock)
    };
    let client = alice_client(&emu, &clock, options).await;
    let err = first_full_page(&client).await.unwrap_err();
    assert_eq!(google_status_reason(&err).1, Some("responseTooLarge"));
    assert!(err.to_string().contains("limit"));
    assert_eq!(requests(&emu, "events.list").len(), 1, "not retried");
}

#[tokio::test]
async fn per_account_rate_cap_spaces_requests() {
    let s = setup(world(1)).await;
    let client = google_client(
        &endpoints(&s.emu),
        s.tokens.clone(),
        ClientOptions {
            limits: RequestLimits {
                max_concurrent: 2,
                requests_per_second: 5.0,
                burst: 2,
            },
            ..default_options_on(&s.clock)
        },
    );
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { first_full_page(&c).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(requests(&s.emu, "events.list").len(), 12);
    // 12 requests with a burst of 2 at 5/s: about 2 s of (virtual) waiting in total.
    let waited: f64 = s.clock.total_slept().as_secs_f64();
    assert!(waited >= 1.9, "waited {waited}");
}

#[tokio::test]
async fn a_request_that_times_out_is_retried() {
    let emu = emulator(world(2)).await;
    let clock = TestClock::new();
    let options = ClientOptions {
        backoff: Backoff::with_base(Duration::from_millis(1)),
        request_timeout: Duration::from_millis(300),
        ..default_options_on(&clock)
    };
    let client = alice_client(&emu, &clock, options).await;
    inject(
        &emu,
        FaultRule {
            latency_ms: 2000,
            ..fault("/events", FaultAction::Delay, 1, None)
        },
    );
    let started = std::time::Instant::now();
    let page = first_full_page(&client).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(clock.sleeps().len(), 1, "one timeout, one retry");
    assert!(
        started.elapsed() < Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn hostile_items_are_skipped_and_counted_not_fatal() {
    let mut w = world(3);
    let cal = &mut w.accounts[0].calendars[0];
    cal.events.push(json!({"id": "bad01", "summary": 42, "start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}}));
    cal.events
        .push(json!({"id": "bad02", "start": "tomorrow", "end": {"date": "2026-12-02"}}));
    cal.events.push(
        json!({"id": "big01", "summary": "big", "description": "x".repeat(1 << 20),
        "start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}}),
    );
    let s = setup(w).await;
    let page = first_full_page(&s.client).await.unwrap();
    let mut ids: Vec<_> = page.items.iter().map(|e| e.id.0.clone()).collect();
    ids.sort();
    assert_eq!(ids, vec!["big01", "ev00000", "ev00001", "ev00002"]);
    assert_eq!(
        page.items
            .iter()
            .find(|e| e.id.as_str() == "big01")
            .unwrap()
            .description
            .as_ref()
            .unwrap()
            .len(),
        1 << 20
    );
    let mut skipped: Vec<_> = page.skipped.iter().map(|s| s.id.clone().unwrap()).collect();
    skipped.sort();
    assert_eq!(skipped, vec!["bad01", "bad02"]);
    assert!(page.next_sync_token.is_some());
}

#[tokio::test]
async fn absurdly_nested_json_fails_the_page_clearly() {
    let mut nested = json!("deep");
    for _ in 0..200 {
        nested = json!([nested]);
    }
    let mut w = world(1);
    w.accounts[0].calendars[0]
        .events
        .push(json!({"id": "deep01", "start": {"date": "2026-12-01"},
        "end": {"date": "2026-12-02"}, "extendedProperties": {"private": {"x": nested}}}));
    let s = setup(w).await;
    let err = first_full_page(&s.client).await.unwrap_err();
    assert_eq!(
        google_status_reason(&err).1,
        Some("malformedResponse"),
        "{err:?}"
    );
    assert!(err.to_string().contains("nesting"), "{err}");
    assert_eq!(requests(&s.emu, "events.list").len(), 1, "not retried");
}
