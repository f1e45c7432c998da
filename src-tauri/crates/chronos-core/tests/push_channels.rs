//! Channel lifecycle against the emulator: renewal before expiry (short lifetimes through
//! `params.ttl`), `channels.stop` on deselect, on an address change and on disconnect, the
//! polling fall-back for `pushNotSupportedForRequestedResource`, and channels surviving a restart.

mod push_support;

use chronos_core::clock::SystemClock;
use chronos_core::push::{ChannelConfig, ChannelManager, ChannelRegistry};
use gcal_emulator::FaultRule;
use push_support::*;
use std::sync::Arc;
use std::time::Duration;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_are_renewed_before_they_expire() {
    let opts = RigOptions {
        channels: ChannelConfig {
            ttl: Some(Duration::from_secs(4)),
            maintenance_every: Duration::from_millis(50),
            ..Default::default()
        },
        ..Default::default()
    };
    let rig = Rig::new(world(&[2]), opts).await;
    let cal0 = cal_id(0);
    rig.manager.run_with(&rig.scheduler);
    let first = wait_until(Duration::from_secs(5), || {
        rig.emulator_channels(&cal0).len() == 1
    })
    .await;
    assert!(first.is_some());
    let old = rig.emulator_channels(&cal0).pop().unwrap();
    // The emulator knows the channel as soon as it answers the watch; the store only once the
    // manager has handled that answer: wait for it rather than race it.
    let mut stored = rig.manager.channels(None).await.unwrap();
    for _ in 0..250 {
        if !stored.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        stored = rig.manager.channels(None).await.unwrap();
    }
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].channel_id, old.id);
    assert_eq!(stored[0].expires_at.timestamp_millis(), old.expiration_ms);
    assert!(old.id.len() <= 64 && old.id.starts_with("chronos-"));

    // A 4 s lifetime: the margin is a tenth (0.4 s), so renewal comes at ~3.6 s.
    let mut renewed_at_ms = None;
    let seen = wait_until(Duration::from_secs(8), || {
        let chans = rig.emulator_channels(&cal0);
        if chans.iter().any(|c| c.id != old.id) {
            renewed_at_ms.get_or_insert(now_ms());
        }
        // Renewed and the old channel stopped.
        chans.len() == 1 && chans[0].id != old.id
    })
    .await;
    assert!(seen.is_some(), "{:?}", rig.emulator_channels(&cal0));
    let renewed_at_ms = renewed_at_ms.unwrap();
    assert!(
        renewed_at_ms < old.expiration_ms,
        "renewed {} ms after expiry",
        renewed_at_ms - old.expiration_ms
    );
    assert!(
        old.expiration_ms - renewed_at_ms < 1500,
        "renewed too early: {} ms before",
        old.expiration_ms - renewed_at_ms
    );
    let stops: Vec<_> = rig.h.requests("channels.stop");
    assert!(
        !stops.is_empty() && stops.iter().all(|r| r.status == 204),
        "{stops:?}"
    );
    let new = rig.emulator_channels(&cal0).pop().unwrap();
    assert_ne!(new.token, old.token, "a new token for each channel");

    // The renewed channel delivers: a change still reaches the store.
    rig.h
        .emu
        .control()
        .insert_event(cal0.as_str(), new_event("renovated001", 3))
        .unwrap();
    assert!(wait_until(Duration::from_secs(5), || rig
        .has_event(&cal0, "renovated001"))
    .await
    .is_some());
    // The old row is forgotten once the pass that stopped it finishes (right after the 204).
    let mut forgotten = false;
    for _ in 0..100 {
        let stored = rig.manager.channels(None).await.unwrap();
        if stored.iter().all(|s| s.channel_id != old.id) {
            forgotten = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(forgotten, "the stopped channel is still stored");
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deselecting_a_calendar_stops_its_channel() {
    let rig = Rig::new(world(&[2, 2]), RigOptions::default()).await;
    let (cal0, cal1) = (cal_id(0), cal_id(1));
    let r = rig.manager.maintain_all().await;
    assert_eq!(r.opened.len(), 2);
    let ch1 = rig.emulator_channels(&cal1).pop().unwrap();
    // Maintenance with nothing to do makes no request.
    rig.h.emu.control().reset_requests();
    assert_eq!(rig.manager.maintain_all().await, Default::default());
    assert_eq!(rig.h.emu.control().counters().total, 0);

    rig.h
        .store
        .set_calendar_selected(&rig.h.account, &cal1, false)
        .unwrap();
    let r = rig.manager.maintain_account(&rig.h.account).await;
    assert_eq!(r.stopped, vec![ch1.id.clone()]);
    let stops = rig.h.requests("channels.stop");
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0].status, 204);
    assert!(rig.emulator_channels(&cal1).is_empty());
    assert_eq!(rig.emulator_channels(&cal0).len(), 1);
    let stored = rig.manager.channels(None).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].calendar, cal0);
    // The receiver no longer accepts the stopped channel.
    let r = http()
        .post(rig.receiver.local_url())
        .header("X-Goog-Channel-ID", ch1.id.as_str())
        .header("X-Goog-Channel-Token", ch1.token.clone().unwrap())
        .header("X-Goog-Resource-State", "exists")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);

    // Selecting it again opens a new channel.
    rig.h
        .store
        .set_calendar_selected(&rig.h.account, &cal1, true)
        .unwrap();
    let r = rig.manager.maintain_account(&rig.h.account).await;
    assert_eq!(r.opened, vec![(rig.h.account.clone(), cal1.clone())]);
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_change_or_disconnect_stops_channels() {
    let rig = Rig::new(world(&[1, 1]), RigOptions::default()).await;
    rig.manager.maintain_all().await;
    let before: Vec<String> = rig
        .h
        .emu
        .control()
        .channels()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(before.len(), 2);
    // Same receiver, another spelling: a different address as far as channels go.
    let second = rig.receiver.local_url().replace("127.0.0.1", "localhost");
    let r = rig.manager.set_address(Some(second.clone())).await;
    assert_eq!(r.stopped.len(), 2, "{r:?}");
    assert_eq!(r.opened.len(), 2, "{r:?}");
    let now: Vec<_> = rig.h.emu.control().channels();
    assert_eq!(now.len(), 2);
    assert!(now
        .iter()
        .all(|c| c.address == second && !before.contains(&c.id)));
    assert_eq!(rig.h.requests("channels.stop").len(), 2);

    // Push turned off: every channel stopped, none opened.
    let r = rig.manager.set_address(None).await;
    assert_eq!((r.stopped.len(), r.opened.len()), (2, 0));
    assert!(rig.h.emu.control().channels().is_empty());
    assert!(rig.registry.is_empty());

    // Disconnect stops what is open.
    rig.manager
        .set_address(Some(rig.receiver.local_url()))
        .await;
    assert_eq!(rig.h.emu.control().channels().len(), 2);
    let r = rig.manager.remove_account(&rig.h.account).await;
    assert_eq!(r.stopped.len(), 2);
    assert!(rig.h.emu.control().channels().is_empty());
    assert!(rig.manager.channels(None).await.unwrap().is_empty());
    // The account is gone from the manager: maintenance opens nothing.
    assert_eq!(rig.manager.maintain_all().await, Default::default());
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_not_supported_falls_back_to_polling() {
    let rig = Rig::new(world(&[1, 1]), RigOptions::default()).await;
    let (cal0, cal1) = (cal_id(0), cal_id(1));
    let mut rule = FaultRule::status("/events/watch", 400, 1)
        .with_reason("pushNotSupportedForRequestedResource");
    rule.path_contains = Some(format!(
        "{}/events/watch",
        cal1.as_str().replace('@', "%40")
    ));
    rig.h.emu.control().add_fault(rule).unwrap();
    let r = rig.manager.maintain_all().await;
    assert_eq!(
        r.opened,
        vec![(rig.h.account.clone(), cal0.clone())],
        "{r:?}"
    );
    assert_eq!(r.unsupported, vec![(rig.h.account.clone(), cal1.clone())]);
    assert_eq!(
        rig.manager.polling_only(),
        vec![(rig.h.account.clone(), cal1.clone())]
    );
    assert!(!rig.manager.is_push_covered(&rig.h.account, &cal1));
    assert!(rig.manager.is_push_covered(&rig.h.account, &cal0));
    // Not asked again: no watch request on the next pass.
    rig.h.emu.control().reset_requests();
    rig.manager.maintain_all().await;
    assert!(rig.h.requests("events.watch").is_empty());
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_watch_is_retried_only_after_the_wait() {
    let opts = RigOptions {
        channels: ChannelConfig {
            retry_after_failure: Duration::from_secs(3),
            ..Default::default()
        },
        ..Default::default()
    };
    let rig = Rig::new(world(&[1]), opts).await;
    rig.h
        .emu
        .control()
        .add_fault(FaultRule::status("/events/watch", 404, 1))
        .unwrap();
    let r = rig.manager.maintain_all().await;
    assert_eq!(r.failed.len(), 1);
    assert_eq!(r.failed[0].1, "not_found");
    assert!(
        rig.manager.maintain_all().await.opened.is_empty(),
        "inside the wait"
    );
    assert_eq!(rig.h.requests("events.watch").len(), 1);
    // The wait is long enough that a stalled machine does not leave it before the check above.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(rig.manager.maintain_all().await.opened.len(), 1);
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_survive_a_restart() {
    let rig = Rig::new(world(&[1]), RigOptions::default()).await;
    let cal0 = cal_id(0);
    rig.manager.maintain_all().await;
    let ch = rig.emulator_channels(&cal0).pop().unwrap();
    // A second manager over the same store (as after a restart) accepts the stored channel and
    // does not open another.
    let registry = Arc::new(ChannelRegistry::new());
    let config = rig.manager.config();
    let again = ChannelManager::new(
        rig.h.store.clone(),
        registry.clone(),
        Arc::new(SystemClock),
        config,
    )
    .await
    .unwrap();
    assert!(registry.contains(&ch.id));
    again.add_account(&rig.h.account, rig.h.client.clone());
    rig.h.emu.control().reset_requests();
    assert_eq!(again.maintain_all().await, Default::default());
    assert!(rig.h.requests("events.watch").is_empty());
    assert_eq!(
        registry.verify(
            &ch.id,
            ch.token.as_deref().map(str::as_bytes),
            Some(&ch.resource_id)
        ),
        Ok((rig.h.account.clone(), cal0))
    );
    rig.shutdown().await;
}
