//! Shared set-up of the push tests: the sync harness (emulator with `allow_http_push` over real
//! HTTP, real encrypted SQLite store, real client) plus a real scheduler whose runner is the real
//! sync run, the receiver on an ephemeral 127.0.0.1 port and the channel manager.
#![allow(dead_code)]

#[path = "../sync_support/mod.rs"]
pub mod sync_support;

use chronos_core::clock::SystemClock;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::push::{
    CalendarDebouncer, ChannelConfig, ChannelManager, ChannelRegistry, PushReceiver, ReceiverConfig,
};
use chronos_core::scheduler::{RunRequest, Scheduler, SchedulerConfig, SyncRunner, Trigger};
use chronos_core::sync::run::{run_account, RunReport};
use futures::future::BoxFuture;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
pub use sync_support::*;

/// One sync run as the rig's runner saw it.
#[derive(Clone, Debug)]
pub struct RunSeen {
    pub request: RunRequest,
    pub at: Instant,
    /// When the run returned (its store commits are done by then).
    pub ended: Option<Instant>,
}

pub struct Rig {
    pub h: Harness,
    pub scheduler: Scheduler<RunReport>,
    pub registry: Arc<ChannelRegistry>,
    pub debouncer: CalendarDebouncer,
    pub receiver: PushReceiver,
    pub manager: Arc<ChannelManager>,
    pub runs: Arc<Mutex<Vec<RunSeen>>>,
}

pub struct RigOptions {
    pub debounce: Duration,
    pub scheduler: SchedulerConfig,
    pub channels: ChannelConfig,
    /// `true`: channels go to the receiver's own address.
    pub push_address: bool,
}

impl Default for RigOptions {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(100),
            scheduler: SchedulerConfig {
                interval: Duration::from_secs(3600),
                view_check: Duration::from_secs(3600),
                min_gap: Duration::from_millis(100),
                wake_check: Duration::from_secs(3600),
                wake_threshold: Duration::from_secs(60),
                sync_on_startup: false,
            },
            channels: ChannelConfig::default(),
            push_address: true,
        }
    }
}

pub fn scheduler_for(
    h: &Harness,
    config: SchedulerConfig,
    wall: Arc<dyn chronos_core::clock::Clock>,
) -> (Scheduler<RunReport>, Arc<Mutex<Vec<RunSeen>>>) {
    let deps = h.deps();
    let runs: Arc<Mutex<Vec<RunSeen>>> = Arc::new(Mutex::new(Vec::new()));
    let seen = runs.clone();
    let runner: Arc<dyn SyncRunner<RunReport>> = Arc::new(
        move |account: AccountId, request: RunRequest| -> BoxFuture<'static, RunReport> {
            let deps = deps.clone();
            let at = Instant::now();
            seen.lock().unwrap().push(RunSeen {
                request: request.clone(),
                at,
                ended: None,
            });
            let seen = seen.clone();
            Box::pin(async move {
                let report = run_account(&deps, &account, &request.scope).await;
                // Found by its start, not its position: a test may clear the list while a run
                // is still going, and that run must not then mark (or index past) another.
                if let Some(r) = seen
                    .lock()
                    .unwrap()
                    .iter_mut()
                    .find(|r| r.at == at && r.ended.is_none())
                {
                    r.ended = Some(Instant::now());
                }
                report
            })
        },
    );
    let s = Scheduler::new(config, runner, wall);
    s.add_account(&h.account);
    (s, runs)
}

/// Shows `calendars` of the harness' account in the window for `on_screen`, then hides it;
/// returns the runs the minute view check started meanwhile.
pub async fn view_check_runs(
    h: &Harness,
    scheduler: &Scheduler<RunReport>,
    runs: &Mutex<Vec<RunSeen>>,
    calendars: &[&CalendarId],
    on_screen: Duration,
) -> Vec<RunSeen> {
    let view = calendars
        .iter()
        .map(|c| (h.account.clone(), (*c).clone()))
        .collect();
    scheduler.set_view(true, view);
    tokio::time::sleep(on_screen).await;
    scheduler.set_view(false, vec![]);
    runs.lock()
        .unwrap()
        .iter()
        .filter(|r| r.request.triggers.contains(&Trigger::ViewCheck))
        .cloned()
        .collect()
}

impl Rig {
    /// A synced account (full sync done), receiver up, channels not yet opened.
    pub async fn new(world: gcal_emulator::World, opts: RigOptions) -> Rig {
        let h = Harness::new(world).await;
        let first = h.sync().await;
        assert!(first.error.is_none(), "{first:?}");
        let (scheduler, runs) = scheduler_for(&h, opts.scheduler, Arc::new(SystemClock));
        scheduler.start();
        let registry = Arc::new(ChannelRegistry::new());
        let debouncer = CalendarDebouncer::new(Arc::new(scheduler.clone()), opts.debounce);
        let receiver = PushReceiver::start(
            ReceiverConfig {
                port: 0,
                ..Default::default()
            },
            registry.clone(),
            debouncer.clone(),
        )
        .await
        .unwrap();
        let mut channels = opts.channels;
        if opts.push_address {
            channels.address = Some(receiver.local_url());
        }
        let manager = ChannelManager::new(
            h.store.clone(),
            registry.clone(),
            Arc::new(SystemClock),
            channels,
        )
        .await
        .unwrap();
        manager.add_account(&h.account, h.client.clone());
        Rig {
            h,
            scheduler,
            registry,
            debouncer,
            receiver,
            manager,
            runs,
        }
    }

    pub fn runs(&self) -> Vec<RunSeen> {
        self.runs.lock().unwrap().clone()
    }

    pub fn push_runs(&self) -> Vec<RunSeen> {
        self.runs()
            .into_iter()
            .filter(|r| r.request.triggers.contains(&Trigger::Push))
            .collect()
    }

    /// When the first run that started at or after `t` ended.
    pub fn run_end_after(&self, t: Instant) -> Option<Instant> {
        self.runs().iter().find(|r| r.at >= t).and_then(|r| r.ended)
    }

    pub fn has_event(&self, cal: &CalendarId, id: &str) -> bool {
        self.h
            .store
            .get_event(&self.h.account, cal, &id.into())
            .unwrap()
            .is_some()
    }

    /// Live channels in the emulator for a calendar.
    pub fn emulator_channels(&self, cal: &CalendarId) -> Vec<gcal_emulator::store::Channel> {
        self.h
            .emu
            .control()
            .channels()
            .into_iter()
            .filter(|c| c.calendar_id == cal.as_str())
            .collect()
    }

    pub async fn shutdown(self) {
        self.scheduler.shutdown();
        self.receiver.shutdown().await;
        self.h.emu.shutdown().await;
    }
}

pub fn new_event(id: &str, day: u32) -> Value {
    json!({"id": id, "summary": "Pushed",
        "start": {"dateTime": format!("2026-05-{day:02}T10:00:00Z")},
        "end": {"dateTime": format!("2026-05-{day:02}T11:00:00Z")}})
}
