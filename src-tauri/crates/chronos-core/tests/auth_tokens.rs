//! Token refresh against the emulator's token endpoint: the 5-minute margin, single-flight,
//! 401 → refresh → retry, invalid_grant → needs re-auth, revoke.

mod google_support;

use chronos_core::auth::{AuthStatus, TokenManager, TokenManagers};
use chronos_core::clock::Clock;
use chronos_core::google::EventsListRequest;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::secrets::SecretStore;
use chronos_core::{Error, ErrorKind};
use google_support::*;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn refreshes_only_within_five_minutes_of_expiry() {
    let s = setup(world(0)).await;
    let first = s.tokens.access_token().await.unwrap();
    s.clock.advance(Duration::from_secs(3599 - 6 * 60));
    assert_eq!(
        s.tokens.access_token().await.unwrap(),
        first,
        "6 minutes left: no refresh"
    );
    assert!(requests(&s.emu, "oauth.token").is_empty());
    s.clock.advance(Duration::from_secs(2 * 60));
    let second = s.tokens.access_token().await.unwrap();
    assert_ne!(second, first, "4 minutes left: refreshed");
    assert_eq!(requests(&s.emu, "oauth.token").len(), 1);
    // The new token is stored and works.
    let raw = s.secrets.get("oauth:alice@example.com").unwrap().unwrap();
    assert!(std::str::from_utf8(&raw).unwrap().contains(second.secret()));
    s.client.list_calendar_list(None).await.unwrap();
}

#[tokio::test]
async fn concurrent_callers_share_one_refresh() {
    let s = setup(world(0)).await;
    s.clock.advance(Duration::from_secs(3600));
    let tasks: Vec<_> = (0..25)
        .map(|_| {
            let t = s.tokens.clone();
            tokio::spawn(async move { t.access_token().await })
        })
        .collect();
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap().unwrap());
    }
    assert!(
        got.windows(2).all(|w| w[0] == w[1]),
        "everyone got the refreshed token"
    );
    assert_eq!(
        requests(&s.emu, "oauth.token").len(),
        1,
        "exactly one refresh request"
    );
    assert_eq!(s.tokens.refresh_count(), 1);
}

#[tokio::test]
async fn concurrent_api_calls_after_server_side_expiry_refresh_once() {
    let s = setup(world(3)).await;
    s.emu.control().expire_access_tokens(Some(ALICE));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = s.client.clone();
            tokio::spawn(async move {
                c.list_events_page(&CalendarId::from(ALICE), &EventsListRequest::full(None))
                    .await
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().items.len(), 3);
    }
    assert_eq!(
        requests(&s.emu, "oauth.token").len(),
        1,
        "8 rejected callers, one refresh"
    );
}

#[tokio::test]
async fn a_401_forces_one_refresh_and_one_retry() {
    let s = setup(world(3)).await;
    // The server forgets the token while the client still thinks it has an hour.
    s.emu.control().expire_access_tokens(Some(ALICE));
    let page = s
        .client
        .list_events_page(&CalendarId::from(ALICE), &EventsListRequest::full(None))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
    let log: Vec<(String, u16)> = s
        .emu
        .control()
        .requests()
        .into_iter()
        .map(|r| (r.operation, r.status))
        .collect();
    assert_eq!(
        log,
        vec![
            ("events.list".into(), 401),
            ("oauth.token".into(), 200),
            ("events.list".into(), 200)
        ]
    );

    // A token the server keeps refusing: one refresh, one retry, then a clear error.
    s.emu.control().reset_requests();
    s.emu
        .control()
        .add_fault(gcal_emulator::FaultRule::status("/events", 401, 10))
        .unwrap();
    let err = s
        .client
        .list_events_page(&CalendarId::from(ALICE), &EventsListRequest::full(None))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NeedsReauth, "{err:?}");
    assert_eq!(requests(&s.emu, "events.list").len(), 2);
    assert_eq!(requests(&s.emu, "oauth.token").len(), 1);
}

#[tokio::test]
async fn invalid_grant_marks_the_account_needs_reauth() {
    let s = setup(world(1)).await;
    s.emu.control().revoke_refresh_tokens(Some(ALICE));
    let err = s.client.list_calendar_list(None).await.unwrap_err();
    assert!(
        matches!(&err, Error::NeedsReauth(a) if a.as_str() == ALICE),
        "{err:?}"
    );
    assert_eq!(err.kind().as_str(), "needs_reauth");
    assert_eq!(s.tokens.status().await.unwrap(), AuthStatus::NeedsReauth);
    let token_requests = requests(&s.emu, "oauth.token").len();
    assert_eq!(token_requests, 1);

    // Later calls fail at once, without asking Google again.
    let err = s.client.list_calendar_list(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NeedsReauth);
    assert_eq!(requests(&s.emu, "oauth.token").len(), token_requests);

    // The status survives a restart (a new manager on the same secret store).
    let again = TokenManager::new(
        AccountId::from(ALICE),
        s.secrets.clone(),
        token_endpoint(&s.emu),
        Arc::new(s.clock.clone()),
    );
    assert_eq!(again.status().await.unwrap(), AuthStatus::NeedsReauth);
    assert_eq!(
        again.access_token().await.unwrap_err().kind(),
        ErrorKind::NeedsReauth
    );

    // Reconnecting clears it.
    let fresh = signed_in(&s.emu, ALICE, Arc::new(s.clock.clone()), s.secrets.clone()).await;
    assert_eq!(fresh.status().await.unwrap(), AuthStatus::Connected);
}

#[tokio::test]
async fn revoke_ends_the_grant_then_deletes_tokens() {
    let s = setup(world(0)).await;
    let access = s.tokens.access_token().await.unwrap();
    s.tokens.revoke().await.unwrap();
    assert_eq!(requests(&s.emu, "oauth.revoke").len(), 1);
    assert!(s.secrets.get("oauth:alice@example.com").unwrap().is_none());
    assert_eq!(s.tokens.status().await.unwrap(), AuthStatus::SignedOut);
    // Google no longer accepts the old access token.
    let r = http()
        .get(format!("{}users/me/calendarList", s.emu.api_base()))
        .bearer_auth(access.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Revoking again (nothing stored) is harmless.
    s.tokens.revoke().await.unwrap();
}

#[tokio::test]
async fn managers_registry_gives_one_manager_per_account() {
    let emu = emulator(world(0)).await;
    let clock = chronos_core::clock::TestClock::new();
    let secrets: Arc<dyn SecretStore> = memory_secrets();
    let registry = TokenManagers::new(
        secrets.clone(),
        token_endpoint(&emu),
        Arc::new(clock.clone()),
    );
    let a = AccountId::from(ALICE);
    assert!(Arc::ptr_eq(&registry.get(&a), &registry.get(&a)));
    assert_eq!(registry.status(&a).await.unwrap(), AuthStatus::SignedOut);
    let minted = emu.control().mint_tokens(ALICE).unwrap();
    registry
        .get(&a)
        .store_new(chronos_core::auth::TokenSet {
            access_token: minted.access_token.clone(),
            expires_at: clock.now() + chrono::Duration::seconds(60),
            refresh_token: minted.refresh_token.clone(),
            scope: minted.scope.clone(),
        })
        .await
        .unwrap();
    assert_eq!(registry.status(&a).await.unwrap(), AuthStatus::Connected);
    assert_eq!(
        registry.status(&AccountId::from(BOB)).await.unwrap(),
        AuthStatus::SignedOut
    );
    // One minute left: the first call refreshes.
    let t = registry.get(&a).access_token().await.unwrap();
    assert_ne!(t.secret(), minted.access_token);
}

#[tokio::test]
async fn a_token_endpoint_outage_is_retried_like_any_server_error() {
    let s = setup(world(0)).await;
    s.clock.advance(Duration::from_secs(3600));
    s.emu
        .control()
        .add_fault(gcal_emulator::FaultRule::status("/token", 503, 1))
        .unwrap();
    s.client.list_calendar_list(None).await.unwrap();
    let statuses: Vec<u16> = requests(&s.emu, "oauth.token")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![503, 200]);
    assert_eq!(
        s.tokens.status().await.unwrap(),
        AuthStatus::Connected,
        "an outage is not a lost grant"
    );
}
