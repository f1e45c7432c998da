//! The emulator as tests run it: in this process, over real HTTP on an ephemeral loopback port.

use chronos_core::config::GoogleEndpoints;
use gcal_emulator::{CalendarSpec, EmulatorConfig, EmulatorHandle, RequestRecord, World};
use std::time::Duration;

/// Starts the emulator on 127.0.0.1 with `world`: sign-ins are approved without a browser and
/// push notifications may go to plain `http://127.0.0.1` receivers.
pub async fn emulator(world: World) -> EmulatorHandle {
    gcal_emulator::start(EmulatorConfig {
        port: 0,
        world,
        auto_approve: true,
        allow_http_push: true,
        access_token_ttl: Duration::from_secs(3599),
    })
    .await
    .expect("emulator starts")
}

/// Google's endpoints (API, OAuth, revoke, userinfo) as served by `emu`.
pub fn endpoints(emu: &EmulatorHandle) -> GoogleEndpoints {
    GoogleEndpoints {
        api_base: emu.api_base(),
        auth_url: emu.auth_url(),
        token_url: emu.token_url(),
        revoke_url: emu.revoke_url(),
        userinfo_url: emu.userinfo_url(),
    }
}

/// The logged requests of one API operation (e.g. `events.list`), in order.
pub fn requests(emu: &EmulatorHandle, operation: &str) -> Vec<RequestRecord> {
    emu.control()
        .requests()
        .into_iter()
        .filter(|r| r.operation == operation)
        .collect()
}

/// Every logged API operation, in order.
pub fn operations(emu: &EmulatorHandle) -> Vec<String> {
    emu.control()
        .requests()
        .into_iter()
        .map(|r| r.operation)
        .collect()
}

/// The event ids a synced store should hold for a calendar of the emulator, sorted: every event
/// but cancelled ones, except cancelled instances of a series (kept to hide the instance).
pub fn server_ids(calendar: &CalendarSpec) -> Vec<String> {
    let mut ids: Vec<String> = calendar
        .events
        .iter()
        .filter(|e| e["status"] != "cancelled" || e.get("recurringEventId").is_some())
        .map(|e| e["id"].as_str().expect("an event id").to_owned())
        .collect();
    ids.sort();
    ids
}

/// A loopback port free at the time of asking (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind an ephemeral port")
        .local_addr()
        .expect("its address")
        .port()
}

/// An API base on a port nothing listens on: every call through it fails as "offline".
pub fn closed_api_base() -> String {
    format!("http://127.0.0.1:{}/calendar/v3/", free_port())
}
