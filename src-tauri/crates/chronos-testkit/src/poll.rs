//! Waiting, bounded, for what the engine does in the background. A condition that never holds
//! ends the wait after its limit, so a broken test fails instead of hanging.

use std::time::{Duration, Instant};

/// Polls `probe` every 10 ms until it gives a value or `within` has passed (then `None`).
pub async fn eventually<T>(within: Duration, probe: impl FnMut() -> Option<T>) -> Option<T> {
    poll_async(within, Duration::from_millis(10), probe).await
}

/// Polls `holds` every 2 ms until it is true or `limit` has passed; returns when it held. The
/// short interval keeps the measured moment close to the real one (latency tests use it).
pub async fn wait_until(limit: Duration, mut holds: impl FnMut() -> bool) -> Option<Instant> {
    poll_async(limit, Duration::from_millis(2), || {
        holds().then(Instant::now)
    })
    .await
}

async fn poll_async<T>(
    within: Duration,
    every: Duration,
    mut probe: impl FnMut() -> Option<T>,
) -> Option<T> {
    let t0 = Instant::now();
    loop {
        if let Some(v) = probe() {
            return Some(v);
        }
        if t0.elapsed() > within {
            return None;
        }
        tokio::time::sleep(every).await;
    }
}

/// Blocks (for tests without a runtime of their own) until `probe` gives a value, polling every
/// 50 ms; fails the test with "`what` never happened" after `within`.
pub fn settle<T>(what: &str, within: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(50));
    }
}
