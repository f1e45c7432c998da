//! Sync benchmark (a bench binary, `harness = false`): Chronos' real client, sync run and
//! encrypted store against the emulator over real HTTP on 127.0.0.1.
//!
//!   cargo bench -p chronos-core --bench sync
//!
//! Scenarios, one world of 20 calendars × 5,000 events:
//! 1. fetch only (baseline in the same run): every page of every calendar through the client,
//!    5 calendars at a time, nothing stored;
//! 2. full sync into a fresh store: events/s, CPU time per event (the engine's threads only: the
//!    in-process emulator runs on threads named `emu*`, whose CPU is subtracted), peak memory;
//! 3. incremental sync with nothing changed: requests made and time;
//! 4. full sync with 250 ms of latency on every request: total time against the network bound
//!    (rounds of 5 calendars × pages per calendar × latency).
//!
//! `SYNC_BENCH_PROBE=1` instead times one page on the client: transfer, then the page parse.
//!
//! CPU figures come from /proc (Linux only), at the kernel's 10 ms tick resolution.

use chronos_core::auth::TokenManager;
use chronos_core::clock::SystemClock;
use chronos_core::google::{ClientOptions, EventsListRequest, GoogleClient};
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::scheduler::RunScope;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::store::Store;
use chronos_core::sync::progress::{ProgressSink, SyncOutcome};
use chronos_core::sync::run::{run_account, RunConfig, RunDeps, RunReport};
use chronos_testkit::{emulator, endpoints, open_store, signed_in};
use futures::StreamExt;
use gcal_emulator::{EmulatorHandle, GenSpec, World};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CALENDARS: usize = 20;
const EVENTS: usize = 5000;
const LATENCY: Duration = Duration::from_millis(250);
const CLK_TCK: f64 = 100.0;

/// (process CPU seconds, emulator-thread CPU seconds) from /proc.
fn cpu() -> (f64, f64) {
    fn ticks(stat: &str) -> f64 {
        // Fields after the command name (which may contain spaces) start at state (field 3).
        let rest = &stat[stat.rfind(')').map(|i| i + 2).unwrap_or(0)..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let utime: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        let stime: f64 = f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        (utime + stime) / CLK_TCK
    }
    let total = std::fs::read_to_string("/proc/self/stat")
        .map(|s| ticks(&s))
        .unwrap_or(0.0);
    let mut emu = 0.0;
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for t in dir.flatten() {
            let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
            if comm.starts_with("emu") {
                emu += std::fs::read_to_string(t.path().join("stat"))
                    .map(|s| ticks(&s))
                    .unwrap_or(0.0);
            }
        }
    }
    (total, emu)
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

struct Setup {
    account: AccountId,
    tokens: Arc<TokenManager>,
    client: GoogleClient,
}

async fn setup(emu: &EmulatorHandle, account: &str) -> Setup {
    let tokens = signed_in(
        emu,
        account,
        Arc::new(SystemClock),
        Arc::new(MemorySecretStore::default()),
    )
    .await;
    // The production defaults: backoff, per-account request limits, body limit.
    let client = GoogleClient::new(
        chronos_core::google::default_http_client(),
        &endpoints(emu),
        tokens.clone(),
        ClientOptions::default(),
    );
    Setup {
        account: AccountId::new(account),
        tokens,
        client,
    }
}

async fn full_sync(s: &Setup, dir: &std::path::Path) -> (RunReport, Arc<Store>, Duration) {
    let store = open_store(dir, Arc::new(MemorySecretStore::default()), &s.account);
    let (r, took) = timed_run(s, &store).await;
    (r, store, took)
}

/// One run of the whole account into `store`, which must complete, and how long it took.
async fn timed_run(s: &Setup, store: &Arc<Store>) -> (RunReport, Duration) {
    let deps = RunDeps {
        store: store.clone(),
        client: s.client.clone(),
        tokens: s.tokens.clone(),
        progress: ProgressSink::discard(),
        clock: Arc::new(SystemClock),
        config: RunConfig::default(),
    };
    let t0 = Instant::now();
    let r = run_account(&deps, &s.account, &RunScope::Full).await;
    let took = t0.elapsed();
    assert_eq!(r.outcome, SyncOutcome::Completed, "{:?}", r.error);
    (r, took)
}

fn main() {
    let emu_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("emu")
        .enable_all()
        .build()
        .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sync")
        .enable_all()
        .build()
        .unwrap();

    let world = World::generate(GenSpec {
        seed: 7,
        accounts: 1,
        calendars_per_account: CALENDARS,
        events_per_calendar: EVENTS,
        recurring_share: 0.0,
        ..GenSpec::default()
    });
    let emu = emu_rt.block_on(emulator(world));
    let ctl = emu.control();
    let account = ctl.accounts()[0].email.clone();
    let calendars: Vec<CalendarId> = ctl.accounts()[0]
        .calendars
        .iter()
        .map(|c| CalendarId::new(c.as_str()))
        .collect();
    println!(
        "sync benchmark: {} calendars × {EVENTS} events, emulator at {}",
        calendars.len(),
        emu.base_url()
    );

    rt.block_on(async {
        let s = setup(&emu, &account).await;

        // Where a page's time goes on the client (SYNC_BENCH_PROBE=1): transfer, then the
        // client's page parse (raw items, each read once into its type).
        if std::env::var("SYNC_BENCH_PROBE").is_ok() {
            for _ in 0..3 {
                let t = Instant::now();
                let p = s.client.list_events_page(&calendars[0], &EventsListRequest::full(None)).await.unwrap();
                println!("probe: one page of {} events in {:.0} ms", p.items.len(), t.elapsed().as_secs_f64() * 1000.0);
            }
            let http = chronos_core::google::default_http_client();
            let tok = s.tokens.access_token().await.unwrap();
            for _ in 0..3 {
                let t = Instant::now();
                let url = format!("{}calendars/{}/events?maxResults=2500&showDeleted=true&singleEvents=false", emu.api_base(), calendars[0].as_str().replace('@', "%40"));
                let body = http.get(&url).bearer_auth(tok.secret()).send().await.unwrap().bytes().await.unwrap();
                let t1 = t.elapsed();
                let page = chronos_core::google::parse_events_page_body(&body).unwrap();
                let t2 = t.elapsed() - t1;
                println!(
                    "probe raw: {} bytes in {:.0} ms, parsed to {} typed events in {:.1} ms ({:.1} µs/event)",
                    body.len(),
                    t1.as_secs_f64() * 1000.0,
                    page.items.len(),
                    t2.as_secs_f64() * 1000.0,
                    t2.as_secs_f64() * 1e6 / page.items.len() as f64
                );
            }
            return;
        }
        // 1. Fetch-only baseline.
        let (fcpu0, femu0) = cpu();
        let t0 = Instant::now();
        let fetched: usize = futures::stream::iter(calendars.clone())
            .map(|cal| {
                let client = s.client.clone();
                async move {
                    let mut n = 0;
                    let mut page = None;
                    loop {
                        let p = client.list_events_page(&cal, &EventsListRequest::full(page)).await.unwrap();
                        n += p.items.len();
                        match p.next_page_token {
                            Some(t) => page = Some(t),
                            None => return n,
                        }
                    }
                }
            })
            .buffer_unordered(5)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .sum();
        let fetch_time = t0.elapsed();
        let (fcpu1, femu1) = cpu();
        let fetch_cpu = (fcpu1 - fcpu0) - (femu1 - femu0);
        println!(
            "fetch only (baseline): {fetched} events in {:.2} s = {:.0} events/s; client CPU {:.2} s = {:.1} µs/event (HTTP + JSON parsing)",
            fetch_time.as_secs_f64(),
            fetched as f64 / fetch_time.as_secs_f64(),
            fetch_cpu,
            fetch_cpu * 1e6 / fetched.max(1) as f64
        );

        // 2. Full sync.
        let dir = tempfile::tempdir().unwrap();
        let rss_before = status_kib("VmRSS:");
        let (cpu0, emu0) = cpu();
        let (r, store, took) = full_sync(&s, dir.path()).await;
        let (cpu1, emu1) = cpu();
        let hwm = status_kib("VmHWM:");
        let events = r.totals.events_fetched;
        let engine_cpu = (cpu1 - cpu0) - (emu1 - emu0);
        println!(
            "full sync: {events} events, {} pages in {:.2} s = {:.0} events/s ({:.2}× the fetch-only time)",
            r.calendars.iter().map(|c| c.stats.pages).sum::<u32>(),
            took.as_secs_f64(),
            events as f64 / took.as_secs_f64(),
            took.as_secs_f64() / fetch_time.as_secs_f64()
        );
        println!(
            "  CPU: engine {:.2} s = {:.1} µs/event (emulator threads {:.2} s, not counted)",
            engine_cpu,
            engine_cpu * 1e6 / events as f64,
            emu1 - emu0
        );
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64;
        println!(
            "  of which storing (validate, encrypt, SQLite, index): ~{:.1} µs/event; CPU floor of a full sync on {cores} cores: {:.2} s",
            (engine_cpu - fetch_cpu).max(0.0) * 1e6 / events as f64,
            engine_cpu / cores
        );
        println!(
            "  memory: peak RSS {} MiB for the whole process (emulator world included); RSS before the sync {} MiB, so at most {} MiB for the sync",
            hwm / 1024,
            rss_before / 1024,
            hwm.saturating_sub(rss_before) / 1024
        );

        // 3. Incremental, nothing changed.
        ctl.reset_requests();
        let (_, took) = timed_run(&s, &store).await;
        let reqs = ctl.requests();
        let lists = reqs.iter().filter(|q| q.operation == "events.list").count();
        println!(
            "incremental, no change: {} requests ({lists} events.list + {} calendarList.list) in {:.0} ms",
            reqs.len(),
            reqs.iter().filter(|q| q.operation == "calendarList.list").count(),
            took.as_secs_f64() * 1000.0
        );
        drop(store);

        // 4. Full sync with latency.
        let pages_per_calendar = EVENTS.div_ceil(2500) as f64;
        let rounds = (calendars.len() as f64 / 5.0).ceil();
        let bound = rounds * pages_per_calendar * LATENCY.as_secs_f64();
        let bound_with_list = bound + LATENCY.as_secs_f64();
        ctl.set_latency(LATENCY);
        for attempt in 1..=2 {
            let dir = tempfile::tempdir().unwrap();
            let (_r, _store, took) = full_sync(&s, dir.path()).await;
            println!(
                "full sync with {} ms latency (run {attempt}): {:.2} s; network bound {:.2} s ({rounds} rounds × {pages_per_calendar} pages × {} ms) → {:.2}×; counting the calendar list request ({:.2} s) → {:.2}×",
                LATENCY.as_millis(),
                took.as_secs_f64(),
                bound,
                LATENCY.as_millis(),
                took.as_secs_f64() / bound,
                bound_with_list,
                took.as_secs_f64() / bound_with_list
            );
        }
        ctl.set_latency(Duration::ZERO);
    });
    emu_rt.block_on(emu.shutdown());
}
