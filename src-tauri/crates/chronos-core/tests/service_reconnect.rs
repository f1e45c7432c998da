//! Reconnecting an account after *needs re-auth* through `Chronos` against the emulator over
//! HTTP: only a sign-in as that same account reconnects it; a sign-in as anyone else changes
//! nothing and leaves no grant behind.

use chronos_core::auth::open_without_browser;
use chronos_core::model::AccountId;
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::sync::status::AccountStatus;
use chronos_testkit::*;
use gcal_emulator::world::{AccountSpec, CalendarSpec};
use std::time::Duration;

const OTHER: &str = "other@chronos.example";

fn options(emu: &gcal_emulator::EmulatorHandle, dir: &std::path::Path) -> ChronosOptions {
    let mut o = chronos_options(emu, dir, memory_secrets(), 1);
    o.scheduler.min_gap = Duration::from_millis(20);
    o
}

/// The user picks `as_who` in Google's account chooser instead of the pre-selected account.
async fn choose(url: String, as_who: &str) -> chronos_core::Result<()> {
    approve_with(url, "login_hint", as_who).await
}

#[tokio::test]
async fn only_a_sign_in_as_the_same_account_reconnects_it() {
    let mut w = world(&[3]);
    w.accounts.push(AccountSpec {
        email: OTHER.into(),
        calendars: vec![CalendarSpec {
            id: OTHER.into(),
            summary: "Other".into(),
            primary: true,
            ..Default::default()
        }],
        ..Default::default()
    });
    let emu = emulator(w).await;
    let dir = tempfile::tempdir().unwrap();
    let chronos = Chronos::open(options(&emu, dir.path())).await.unwrap();
    let user = chronos
        .connect_account(|url| choose(url, USER))
        .await
        .unwrap();
    assert_eq!(user, AccountId::new(USER));
    chronos.sync_now(Some(&user)).await.unwrap();

    // Google revokes the grant: the next sync finds the account needs re-auth.
    emu.control().revoke_refresh_tokens(Some(USER));
    emu.control().expire_access_tokens(Some(USER));
    let _ = chronos.sync_now(Some(&user)).await;
    // The status board follows the run through the throttled progress stream, a moment after
    // the run's own report on a loaded machine.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while chronos.account_status(&user) != AccountStatus::NeedsReauth {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never needs re-auth: {:?}",
            chronos.account_status(&user)
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    // The user signs in as someone else: an error naming who, nothing connected, no grant kept.
    let err = chronos
        .reconnect_account(&user, |url| choose(url, OTHER))
        .await
        .unwrap_err();
    assert_eq!(err.kind().as_str(), "invalid_input");
    assert!(err.to_string().contains(OTHER), "{err}");
    let ids: Vec<String> = chronos
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id.as_str().to_owned())
        .collect();
    assert_eq!(ids, vec![USER.to_owned()]);
    assert_eq!(chronos.account_status(&user), AccountStatus::NeedsReauth);
    assert_eq!(
        emu.control().revoke_refresh_tokens(Some(OTHER)),
        0,
        "the wrong account's new grant was revoked already"
    );

    // The pre-selected account reconnects it, and it syncs again.
    let again = chronos
        .reconnect_account(&user, open_without_browser)
        .await
        .unwrap();
    assert_eq!(again, user);
    assert_ne!(chronos.account_status(&user), AccountStatus::NeedsReauth);
    let reports = chronos.sync_now(Some(&user)).await.unwrap();
    assert!(reports.iter().all(|r| r.error.is_none()), "{reports:?}");
}
