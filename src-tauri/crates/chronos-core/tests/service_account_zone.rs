//! The account's own time zone (`settings` → `timezone`) through `Chronos` against the emulator
//! over HTTP: fetched once and kept, refreshed on request, kept when Google cannot be reached.

use chronos_core::model::AccountId;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_testkit::*;
use gcal_emulator::FaultRule;
use std::sync::Arc;

fn options(
    emu: &gcal_emulator::EmulatorHandle,
    dir: &std::path::Path,
    secrets: Arc<MemorySecretStore>,
) -> ChronosOptions {
    chronos_options(emu, dir, secrets, 1)
}

fn settings_gets(emu: &gcal_emulator::EmulatorHandle) -> usize {
    requests(emu, "settings.get").len()
}

#[tokio::test]
async fn the_zone_is_fetched_once_kept_and_refreshed_on_request() {
    let emu = emulator(world(&[1])).await;
    emu.control()
        .set_setting(USER, "timezone", "Asia/Kolkata")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secrets = memory_secrets();
    let (chronos, account) = connected(options(&emu, dir.path(), secrets.clone())).await;

    assert_eq!(
        chronos.account_time_zone(&account).await.unwrap(),
        Some(chrono_tz::Asia::Kolkata)
    );
    assert_eq!(settings_gets(&emu), 1);
    // The user changes it in Google Calendar; the cached value stands until a refresh.
    emu.control()
        .set_setting(USER, "timezone", "Pacific/Auckland")
        .unwrap();
    assert_eq!(
        chronos.account_time_zone(&account).await.unwrap(),
        Some(chrono_tz::Asia::Kolkata)
    );
    assert_eq!(
        settings_gets(&emu),
        1,
        "a fresh cached zone costs no request"
    );
    assert_eq!(
        chronos.refresh_account_time_zone(&account).await.unwrap(),
        Some(chrono_tz::Pacific::Auckland)
    );
    assert_eq!(settings_gets(&emu), 2);

    // Kept across a restart: the next Chronos answers from the store.
    chronos.shutdown();
    drop(chronos);
    let chronos = Chronos::open(options(&emu, dir.path(), secrets))
        .await
        .unwrap();
    assert_eq!(
        chronos.account_time_zone(&account).await.unwrap(),
        Some(chrono_tz::Pacific::Auckland)
    );
    assert_eq!(settings_gets(&emu), 2);
}

#[tokio::test]
async fn an_unreachable_google_keeps_the_saved_zone_and_says_so_when_there_is_none() {
    let emu = emulator(world(&[1])).await;
    emu.control()
        .set_setting(USER, "timezone", "America/New_York")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = connected(options(&emu, dir.path(), memory_secrets())).await;
    emu.control()
        .add_fault(FaultRule::status("/settings", 503, 1000))
        .unwrap();
    let err = chronos.account_time_zone(&account).await.unwrap_err();
    assert_eq!(err.kind().as_str(), "server", "{err:?}");

    emu.control().clear_faults();
    assert_eq!(
        chronos.account_time_zone(&account).await.unwrap(),
        Some(chrono_tz::America::New_York)
    );
    emu.control()
        .add_fault(FaultRule::status("/settings", 503, 1000))
        .unwrap();
    assert_eq!(
        chronos.refresh_account_time_zone(&account).await.unwrap(),
        Some(chrono_tz::America::New_York),
        "a failed refresh keeps the saved zone"
    );
}

#[tokio::test]
async fn a_zone_chronos_does_not_know_is_none_and_an_unknown_account_is_not_found() {
    let emu = emulator(world(&[1])).await;
    emu.control()
        .set_setting(USER, "timezone", "Mars/Olympus_Mons")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = connected(options(&emu, dir.path(), memory_secrets())).await;
    assert_eq!(chronos.account_time_zone(&account).await.unwrap(), None);
    let err = chronos
        .account_time_zone(&AccountId("nobody@example.com".into()))
        .await
        .unwrap_err();
    assert_eq!(err.kind().as_str(), "not_found");
}
