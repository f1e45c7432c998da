//! Push through the `Chronos` façade against the emulator (its test mode delivers to
//! `http://127.0.0.1`): channels opened for the connected account when the scheduler starts, a
//! change made elsewhere reaching `events_in_range` through a notification, a stop on deselect,
//! on an address change and on disconnect (before the revocation).

use chronos_core::clock::Backoff;
use chronos_core::feed::EngineEvent;
use chronos_core::push::ReceiverConfig;
use chronos_core::ErrorKind;
use chronos_testkit::*;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_elsewhere_arrives_by_push_and_channels_follow_selection_address_and_disconnect() {
    let emu = emulator(world(&[2, 2])).await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let address = format!("http://127.0.0.1:{port}/google/push");
    let mut o = options(&emu, dir.path(), memory_secrets());
    o.client.backoff = Backoff {
        max_retries: 2,
        ..Backoff::with_base(Duration::from_millis(5))
    };
    o.scheduler.min_gap = Duration::from_millis(200);
    o.push.public_address = Some(address.clone());
    o.push.receiver = ReceiverConfig {
        port,
        ..Default::default()
    };
    o.push.debounce = Duration::from_millis(100);
    let (chronos, account) = connected(o).await;
    chronos.sync_now(Some(&account)).await.unwrap();

    // Starting the scheduler starts push; start_push waits for it (and opens the channels).
    chronos.start_scheduler();
    chronos.start_push().await.unwrap();
    let channels = eventually(Duration::from_secs(5), || {
        let c = emu.control().channels();
        (c.len() == 2).then_some(c)
    })
    .await
    .expect("one channel per selected calendar");
    assert!(channels.iter().all(|c| c.address == address));
    assert_eq!(chronos.push_address().as_deref(), Some(address.as_str()));
    assert_eq!(
        chronos
            .push_service()
            .unwrap()
            .receiver_url()
            .await
            .as_deref(),
        Some(address.as_str())
    );
    // Let the start-up run finish so that the next run is the push's.
    tokio::time::sleep(Duration::from_millis(500)).await;

    // A change made elsewhere reaches the local range query through the notification.
    let mut notices = chronos.feed().subscribe().events;
    let deliveries = emu.control().push_deliveries().len();
    let from = "2026-01-08T00:00:00Z".parse().unwrap();
    let to = "2026-01-09T00:00:00Z".parse().unwrap();
    let before = chronos
        .events_in_range(from, to, chrono_tz::UTC, Some(&account), None)
        .await
        .unwrap()
        .events
        .len();
    let t0 = Instant::now();
    emu.control()
        .insert_event(USER, event("pushcame1", 7))
        .unwrap();
    let mut arrived = None;
    while t0.elapsed() < Duration::from_secs(5) {
        let now = chronos
            .events_in_range(from, to, chrono_tz::UTC, Some(&account), None)
            .await
            .unwrap()
            .events;
        if now.iter().any(|e| e.event.id.as_str() == "pushcame1") {
            arrived = Some(t0.elapsed());
            assert_eq!(now.len(), before + 1);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let latency = arrived.expect("the change arrived by push within 5 s");
    eprintln!(
        "change → events_in_range through push: {} ms",
        latency.as_millis()
    );
    assert!(
        emu.control().push_deliveries().len() > deliveries,
        "a notification was delivered"
    );
    let got = eventually(Duration::from_secs(2), || {
        std::iter::from_fn(|| notices.try_recv().ok()).find(|n| {
            matches!(n, EngineEvent::EventsChanged { account: a, calendars } if a == &account && calendars.contains(&cal_id(0)))
        })
    })
    .await;
    assert!(got.is_some(), "an events-changed notice names the calendar");

    // Deselecting a calendar stops its channel.
    chronos
        .set_calendar_selected(&account, &cal_id(1), false)
        .await
        .unwrap();
    let left = eventually(Duration::from_secs(5), || {
        let c = emu.control().channels();
        (c.len() == 1).then_some(c)
    })
    .await
    .expect("the deselected calendar's channel was stopped");
    assert_eq!(left[0].calendar_id, USER);

    // The address: validated; turned off → stopped; on again → opened.
    let err = chronos
        .set_push_address(Some("http://push.example.org/hook".into()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        chronos.push_address().as_deref(),
        Some(address.as_str()),
        "a refused address changes nothing"
    );
    let r = chronos.set_push_address(None).await.unwrap();
    assert_eq!(r.stopped.len(), 1);
    assert!(emu.control().channels().is_empty());
    let r = chronos
        .set_push_address(Some(address.clone()))
        .await
        .unwrap();
    assert_eq!(r.opened, vec![(account.clone(), cal_id(0))]);
    assert_eq!(emu.control().channels().len(), 1);

    // Disconnect: the channel is stopped while the token still works, then the grant revoked.
    emu.control().reset_requests();
    chronos.disconnect(&account).await.unwrap();
    assert!(
        emu.control().channels().is_empty(),
        "disconnect stops the channel"
    );
    let ops = operations(&emu);
    let stop = ops
        .iter()
        .position(|o| o == "channels.stop")
        .expect("channels.stop sent");
    let revoke = ops
        .iter()
        .position(|o| o == "oauth.revoke")
        .expect("revoked");
    assert!(stop < revoke, "{ops:?}");

    // The triggers work with push running too.
    chronos.user_activity();
    assert!(chronos.window_focused().is_empty(), "no account left");
    chronos.shutdown();
}
