//! Notification-to-store latency of push pickup, against the emulator over real HTTP with a real
//! encrypted store, and the same change picked up by a direct incremental sync as the baseline
//! measured in the same run (the ratio is the cost of the push path: emulator POST, receiver
//! checks, debouncer, scheduler gate).
//!
//! `cargo bench -p chronos-core --bench push_latency` (`PUSH_BENCH_N` changes, default 60).

#[path = "../tests/push_support/mod.rs"]
mod push_support;

use chronos_core::scheduler::RunScope;
use chronos_core::sync::run::run_account;
use push_support::*;
use std::time::{Duration, Instant};

fn stats(label: &str, v: &[Duration]) -> f64 {
    let mut ms: Vec<f64> = v.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pick = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    let (p50, p90, max) = (pick(0.5), pick(0.9), ms[ms.len() - 1]);
    println!(
        "{label:<44} n={:<4} median {p50:7.2} ms   p90 {p90:7.2} ms   max {max:7.2} ms",
        ms.len()
    );
    p50
}

fn main() {
    let n: usize = std::env::var("PUSH_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let rig = Rig::new(world(&[500, 10]), RigOptions::default()).await;
        let cal0 = cal_id(0);
        rig.manager.maintain_all().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let ctl = rig.h.emu.control();

        let mut change_to_store = Vec::new();
        let mut notify_to_store = Vec::new();
        for i in 0..n + 3 {
            let id = format!("benchpush{i:05}");
            let t0 = Instant::now();
            ctl.insert_event(cal0.as_str(), new_event(&id, 1 + (i % 28) as u32))
                .unwrap();
            wait_until(Duration::from_secs(10), || rig.has_event(&cal0, &id))
                .await
                .expect("picked up");
            let t_notify = rig.receiver.stats().last_change().unwrap();
            // The end of the sync run the notification started (polling the store would add up
            // to its 2 ms poll interval).
            let t_store = wait_until(Duration::from_secs(5), || {
                rig.run_end_after(t_notify).is_some()
            })
            .await
            .unwrap();
            let t_store = rig.run_end_after(t_notify).unwrap().min(t_store);
            if i >= 3 {
                change_to_store.push(t_store - t0);
                notify_to_store.push(t_store - t_notify);
            }
            // Past the debounce window: each change is a leading-edge sync.
            tokio::time::sleep(Duration::from_millis(150)).await;
        }

        // Baseline: no push; the same change fetched by an incremental sync started at once.
        ctl.set_auto_push(false);
        let deps = rig.h.deps();
        let mut direct = Vec::new();
        for i in 0..n + 3 {
            let id = format!("benchbase{i:05}");
            let t0 = Instant::now();
            ctl.insert_event(cal0.as_str(), new_event(&id, 1 + (i % 28) as u32))
                .unwrap();
            run_account(&deps, &rig.h.account, &RunScope::calendars([cal0.clone()])).await;
            assert!(rig.has_event(&cal0, &id));
            if i >= 3 {
                direct.push(t0.elapsed());
            }
        }

        println!("push pickup, release build, 500-event calendar, emulator on 127.0.0.1:");
        let a = stats("change → store through push", &change_to_store);
        let b = stats("notification received → store", &notify_to_store);
        let c = stats("baseline: change → store, direct sync", &direct);
        println!(
            "ratio push / direct sync (medians): {:.2}  (notification→store / direct: {:.2})",
            a / c,
            b / c
        );
        rig.shutdown().await;
    });
}
