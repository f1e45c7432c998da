//! What a suite that drives its own runtime needs: the runtime the tests run on elsewhere
//! (two workers, as `#[tokio::test(flavor = "multi_thread", worker_threads = 2)]`) and a size
//! that can be raised from the environment for a longer run.

/// A multi-thread runtime with two workers and every driver enabled.
pub fn two_worker_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the test runtime starts")
}

/// The number in the environment variable `var`, or `default` when it is unset or not a number.
pub fn count_from_env<T: std::str::FromStr>(var: &str, default: T) -> T {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
