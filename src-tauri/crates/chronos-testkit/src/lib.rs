//! What Chronos' Rust tests and benches share, so each suite states only what is its own:
//!
//! - [`emulator`]: the Google emulator on 127.0.0.1 (an ephemeral port) with a world, the
//!   endpoints pointing at it, what it logged, and what a store should hold according to it;
//! - [`world`]: the one-account world of calendars × events most sync tests start from;
//! - [`account`]: an account signed in without a browser (tokens minted by the emulator), a
//!   client and a store for it, and the options of a whole `Chronos` against the emulator;
//! - [`poll`]: waiting, bounded, for something that happens in the background;
//! - [`keyring`]: Secret Service entries of a test run's own, never the user's;
//! - [`runtime`]: the two-worker runtime and environment-sized counts of self-driven suites.
//!
//! Everything here is real: HTTP over loopback, the encrypted SQLite store, the engine's own
//! client and token manager. Nothing is stubbed.

pub mod account;
pub mod emulator;
pub mod keyring;
pub mod poll;
pub mod runtime;
pub mod world;

pub use account::{
    approve_with, chronos_options, connected, demo_client, google_client, http, memory_secrets,
    open_store, options, signed_in, test_client_options, token_endpoint,
};
pub use emulator::{
    closed_api_base, emulator, endpoints, free_port, operations, requests, server_ids,
};
pub use keyring::{keyring_service, test_keyring};
pub use poll::{eventually, settle, wait_until};
pub use runtime::{count_from_env, two_worker_runtime};
pub use world::{cal_id, calendar, event, world, USER};
