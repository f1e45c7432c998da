//! `PushService` as the shell starts it: receiver on a configured port, channels opened for a
//! connected account, a change picked up through the notification, and the scheduler's minute
//! view check skipping the calendar a channel covers.

mod push_support;

use chronos_core::clock::SystemClock;
use chronos_core::push::{PushService, PushSettings, ReceiverConfig};
use chronos_core::scheduler::{RunScope, SchedulerConfig};
use gcal_emulator::FaultRule;
use push_support::*;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_opens_channels_picks_up_changes_and_polls_only_the_rest() {
    let h = Harness::new(world(&[2, 2])).await;
    h.sync().await;
    let (cal0, cal1) = (cal_id(0), cal_id(1));
    let cfg = SchedulerConfig {
        view_check: Duration::from_millis(400),
        ..RigOptions::default().scheduler
    };
    let (scheduler, runs) = scheduler_for(&h, cfg, Arc::new(SystemClock));
    scheduler.start();
    let port = free_port();
    let address = format!("http://127.0.0.1:{port}/google/push");
    let settings = PushSettings {
        public_address: Some(address.clone()),
        receiver: ReceiverConfig {
            port,
            ..Default::default()
        },
        debounce: Duration::from_millis(100),
        probe: None,
        ..Default::default()
    };
    let push = PushService::start(settings, h.store.clone(), &scheduler, Arc::new(SystemClock))
        .await
        .unwrap();
    assert_eq!(push.receiver_url().await.as_deref(), Some(address.as_str()));
    // cal1 refuses push: it stays on polling.
    let mut rule = FaultRule::status("/events/watch", 400, 1)
        .with_reason("pushNotSupportedForRequestedResource");
    rule.path_contains = Some(format!(
        "{}/events/watch",
        cal1.as_str().replace('@', "%40")
    ));
    h.emu.control().add_fault(rule).unwrap();
    let r = push.add_account(&h.account, h.client.clone()).await;
    assert_eq!(r.opened, vec![(h.account.clone(), cal0.clone())], "{r:?}");
    assert_eq!(h.emu.control().channels()[0].address, address);

    // A change on cal0 arrives by push.
    h.emu
        .control()
        .insert_event(cal0.as_str(), new_event("servicepush1", 7))
        .unwrap();
    let got = wait_until(Duration::from_secs(5), || {
        h.store
            .get_event(&h.account, &cal0, &"servicepush1".into())
            .unwrap()
            .is_some()
    })
    .await;
    assert!(got.is_some());

    // The window shows both calendars: the minute check polls cal1 only.
    runs.lock().unwrap().clear();
    let view_runs = view_check_runs(
        &h,
        &scheduler,
        &runs,
        &[&cal0, &cal1],
        Duration::from_millis(1000),
    )
    .await;
    assert!(!view_runs.is_empty());
    for r in &view_runs {
        assert_eq!(r.request.scope, RunScope::calendars([cal1.clone()]));
    }

    // Push off: the channel is stopped.
    let r = push.set_public_address(None).await.unwrap();
    assert_eq!(r.stopped.len(), 1);
    assert!(h.emu.control().channels().is_empty());
    push.shutdown().await;
    scheduler.shutdown();
}
