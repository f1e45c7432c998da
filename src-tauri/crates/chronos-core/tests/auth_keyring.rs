//! Sign-in and refresh with the tokens in the real Secret Service (GNOME Keyring).
//!
//! Needs a D-Bus session with an unlocked keyring, so `#[ignore]`d in a plain `cargo test`:
//!   tests/with-keyring.sh cargo test -p chronos-core --test auth_keyring -- --include-ignored
//! Under the script (`CHRONOS_KEYRING_TESTS=1`) an unavailable keyring is a failure, not a skip.

mod google_support;

use chronos_core::auth::{open_without_browser, sign_in, AuthStatus, SignInOptions, TokenManager};
use chronos_core::clock::{SystemClock, TestClock};
use chronos_core::model::CalendarId;
use chronos_core::secrets::SecretStore;
use google_support::*;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
#[ignore = "needs a Secret Service: tests/with-keyring.sh cargo test -p chronos-core --test auth_keyring -- --include-ignored"]
async fn tokens_survive_in_the_keyring_and_refresh_from_there() {
    let secrets = Arc::new(chronos_testkit::test_keyring("auth"));
    let emu = emulator(world(2)).await;
    let signed = sign_in(
        &token_endpoint(&emu),
        &SystemClock,
        SignInOptions::default(),
        open_without_browser,
    )
    .await
    .unwrap();
    let clock = TestClock::new();
    let first = TokenManager::new(
        signed.account.clone(),
        secrets.clone(),
        token_endpoint(&emu),
        Arc::new(clock.clone()),
    );
    first.store_new(signed.tokens).await.unwrap();

    // The stored JSON is in the daemon, under oauth:<email>.
    let raw = secrets
        .get("oauth:alice@example.com")
        .unwrap()
        .expect("stored in the keyring");
    let v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert!(v["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));

    // A new process (a new manager) reads them back, refreshes near expiry, writes the result back.
    let second = Arc::new(TokenManager::new(
        signed.account.clone(),
        secrets.clone(),
        token_endpoint(&emu),
        Arc::new(clock.clone()),
    ));
    assert_eq!(second.status().await.unwrap(), AuthStatus::Connected);
    clock.advance(Duration::from_secs(3600));
    let fresh = second.access_token().await.unwrap();
    assert_eq!(
        requests(&emu, "oauth.token").len(),
        2,
        "the sign-in exchange and one refresh"
    );
    let raw = secrets.get("oauth:alice@example.com").unwrap().unwrap();
    assert!(std::str::from_utf8(&raw).unwrap().contains(fresh.secret()));
    let client = client_for(
        &emu,
        second.clone(),
        clock.clone(),
        chronos_core::clock::Backoff::default(),
    );
    let page = client
        .list_events_page(
            &CalendarId::from(ALICE),
            &chronos_core::google::EventsListRequest::full(None),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);

    // Disconnect: revoked at Google, gone from the keyring.
    second.revoke().await.unwrap();
    assert!(secrets.get("oauth:alice@example.com").unwrap().is_none());
    assert_eq!(requests(&emu, "oauth.revoke").len(), 1);
}
