//! A demo start connects the demo account by itself when nothing is connected yet, and its
//! first sync follows without anyone asking; turned off, in Google mode, or with an account
//! already there, nothing is signed in.

use chronos_core::launch::{AutoConnect, GoogleClient, Mode};
use chronos_core::model::AccountId;
use chronos_core::service::Chronos;
use chronos_core::sync::status::AccountStatus;
use chronos_testkit::*;
use std::time::Duration;

async fn open(emu: &gcal_emulator::EmulatorHandle, dir: &std::path::Path) -> Chronos {
    let mut o = chronos_options(emu, dir, memory_secrets(), 1);
    o.scheduler.min_gap = Duration::from_millis(20);
    Chronos::open(o).await.unwrap()
}

async fn up_to_date(chronos: &Chronos, account: &AccountId) {
    let done = eventually(Duration::from_secs(20), || {
        matches!(
            chronos.account_status(account),
            AccountStatus::UpToDate { .. }
        )
        .then_some(())
    })
    .await;
    assert!(
        done.is_some(),
        "never up to date: {:?}",
        chronos.account_status(account)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_start_without_accounts_connects_and_its_start_up_run_syncs_it() {
    let emu = emulator(world(&[5, 3])).await;
    let dir = tempfile::tempdir().unwrap();
    let chronos = open(&emu, dir.path()).await;
    let account = chronos
        .connect_demo_at_start(AutoConnect::On, &Mode::Demo)
        .await
        .unwrap();
    assert_eq!(account, Some(AccountId::new(USER)));
    // The shell starts the background work a moment later: its start-up run is the first sync.
    tokio::time::sleep(Duration::from_millis(100)).await;
    chronos.start_scheduler();
    up_to_date(&chronos, &AccountId::new(USER)).await;
    // Time for a second run queued behind the first (the gap between runs is 20 ms here).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let accounts = chronos.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].calendars, 2);
    assert_eq!(
        requests(&emu, "events.list")
            .iter()
            .filter(|r| r.query.contains("syncToken"))
            .count(),
        0,
        "one first sync, not a second one behind it"
    );
}

#[tokio::test]
async fn connected_after_the_scheduler_started_it_still_gets_its_first_sync() {
    let emu = emulator(world(&[4])).await;
    let dir = tempfile::tempdir().unwrap();
    let chronos = open(&emu, dir.path()).await;
    chronos.start_scheduler();
    let account = chronos
        .connect_demo_at_start(AutoConnect::On, &Mode::Demo)
        .await
        .unwrap()
        .expect("connected");
    up_to_date(&chronos, &account).await;
}

#[tokio::test]
async fn nothing_is_signed_in_when_off_in_google_mode_or_with_an_account() {
    let emu = emulator(world(&[2])).await;
    let dir = tempfile::tempdir().unwrap();
    let chronos = open(&emu, dir.path()).await;
    let google = Mode::Google(GoogleClient {
        client_id: "id.apps.googleusercontent.com".into(),
        client_secret: None,
        server: Default::default(),
    });
    for (auto, mode) in [(AutoConnect::Off, Mode::Demo), (AutoConnect::On, google)] {
        let r = chronos.connect_demo_at_start(auto, &mode).await.unwrap();
        assert_eq!(r, None, "{auto:?} {mode:?}");
    }
    assert!(chronos.accounts().await.unwrap().is_empty());
    assert!(requests(&emu, "oauth.authorize").is_empty(), "no sign-in");

    chronos
        .connect_demo_at_start(AutoConnect::On, &Mode::Demo)
        .await
        .unwrap()
        .expect("connected");
    let again = chronos
        .connect_demo_at_start(AutoConnect::On, &Mode::Demo)
        .await
        .unwrap();
    assert_eq!(again, None, "an account is there already");
    assert_eq!(requests(&emu, "oauth.authorize").len(), 1);
}
