//! Sign-in end to end against the emulator: loopback listener, PKCE, code exchange, scope check,
//! userinfo — with the emulator's auto-approve standing in for the browser.

mod google_support;

use chronos_core::auth::{
    open_without_browser, sign_in, AuthStatus, LoopbackOptions, SignInOptions, TokenManager,
    CALENDAR_SCOPE,
};
use chronos_core::clock::SystemClock;
use chronos_core::google::{ClientOptions, GoogleClient};
use chronos_core::{Error, ErrorKind};
use google_support::*;
use std::sync::Arc;
use std::time::Duration;

fn options() -> SignInOptions {
    SignInOptions {
        loopback: LoopbackOptions {
            timeout: Duration::from_secs(20),
            ..Default::default()
        },
        login_hint: None,
    }
}

#[tokio::test]
async fn demo_sign_in_without_a_browser_then_api_calls() {
    let emu = emulator(world(2)).await;
    let endpoint = token_endpoint(&emu);
    let signed = sign_in(&endpoint, &SystemClock, options(), open_without_browser)
        .await
        .unwrap();
    assert_eq!(signed.account.as_str(), ALICE);
    assert!(signed.tokens.has_scope(CALENDAR_SCOPE));
    assert!(signed.tokens.refresh_token.is_some());
    assert!(signed.tokens.expires_at > chrono::Utc::now() + chrono::Duration::minutes(50));

    // What went over the wire: the authorization request carried PKCE and the loopback redirect.
    let auth = requests(&emu, "oauth.authorize");
    assert_eq!(auth.len(), 1);
    let q: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(auth[0].query.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(
        q["redirect_uri"].starts_with("http://127.0.0.1:")
            && q["redirect_uri"].ends_with("/callback")
    );
    assert_eq!(q["access_type"], "offline");
    assert!(q["state"].len() >= 22);
    assert_eq!(requests(&emu, "oauth.token").len(), 1);
    assert_eq!(requests(&emu, "oauth.userinfo").len(), 1);

    // The tokens work for the API through the token manager.
    let secrets = memory_secrets();
    let manager = Arc::new(TokenManager::new(
        signed.account.clone(),
        secrets.clone(),
        endpoint,
        Arc::new(SystemClock),
    ));
    manager.store_new(signed.tokens).await.unwrap();
    assert_eq!(manager.status().await.unwrap(), AuthStatus::Connected);
    let client = GoogleClient::new(
        http(),
        &endpoints(&emu),
        manager.clone(),
        ClientOptions::default(),
    );
    let list = client.list_calendar_list(None).await.unwrap();
    assert_eq!(list.entries.len(), 2);
    assert_eq!(
        requests(&emu, "calendarList.list")[0].account.as_deref(),
        Some(ALICE)
    );
}

#[tokio::test]
async fn several_accounts_side_by_side_via_login_hint() {
    let emu = emulator(world(0)).await;
    let endpoint = token_endpoint(&emu);
    let a = sign_in(&endpoint, &SystemClock, options(), open_without_browser)
        .await
        .unwrap();
    let b = sign_in(
        &endpoint,
        &SystemClock,
        SignInOptions {
            login_hint: Some(BOB.into()),
            ..options()
        },
        open_without_browser,
    )
    .await
    .unwrap();
    assert_eq!(a.account.as_str(), ALICE);
    assert_eq!(b.account.as_str(), BOB);
    assert_ne!(a.tokens.access_token, b.tokens.access_token);
}

#[tokio::test]
async fn denial_in_the_browser_is_a_clear_error() {
    let emu = emulator(world(0)).await;
    emu.control().set_auto_approve(false);
    let endpoint = token_endpoint(&emu);
    let base = emu.base_url();
    // A "browser" that clicks Deny on the emulator's consent page.
    let deny = |url: String| async move {
        let h = http();
        let page = h.get(&url).send().await.unwrap().text().await.unwrap();
        let marker = "name=\"consent_id\" value=\"";
        let start = page.find(marker).expect("consent page") + marker.len();
        let consent_id = &page[start..start + page[start..].find('"').unwrap()];
        let r = h
            .post(format!("{base}/o/oauth2/v2/auth/consent"))
            .form(&[("consent_id", consent_id), ("decision", "deny")])
            .send()
            .await
            .unwrap();
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        h.get(location).send().await.unwrap();
        Ok(())
    };
    let err = sign_in(&endpoint, &SystemClock, options(), deny)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert!(err.to_string().contains("access was denied"), "{err}");
    assert!(
        requests(&emu, "oauth.token").is_empty(),
        "no code, no exchange"
    );
}

#[tokio::test]
async fn a_grant_without_calendar_access_is_refused_and_revoked() {
    let emu = emulator(world(0)).await;
    let endpoint = token_endpoint(&emu);
    // The user unticks calendar access: the emulator grants exactly what the request asks, so the
    // "browser" drops the calendar scope from it.
    let fewer = |url: String| async move { approve_with(url, "scope", "openid email").await };
    let err = sign_in(&endpoint, &SystemClock, options(), fewer)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("not given access to your calendars"),
        "{err}"
    );
    assert_eq!(
        requests(&emu, "oauth.revoke").len(),
        1,
        "the useless grant is revoked"
    );
    assert!(requests(&emu, "oauth.userinfo").is_empty());
}

#[tokio::test]
async fn no_answer_from_the_browser_times_out() {
    let emu = emulator(world(0)).await;
    let endpoint = token_endpoint(&emu);
    let opts = SignInOptions {
        loopback: LoopbackOptions {
            timeout: Duration::from_millis(400),
            ..Default::default()
        },
        login_hint: None,
    };
    let started = std::time::Instant::now();
    let err = sign_in(&endpoint, &SystemClock, opts, |_url| async { Ok(()) })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.to_string().contains("start the sign-in again"));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_wrong_client_secret_is_named() {
    let emu = emulator(world(0)).await;
    let endpoint = chronos_core::auth::TokenEndpoint::new(
        http(),
        endpoints(&emu),
        chronos_core::config::OAuthClientConfig::new(gcal_emulator::DEMO_CLIENT_ID, "wrong"),
    );
    let err = sign_in(&endpoint, &SystemClock, options(), open_without_browser)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("CHRONOS_GOOGLE_CLIENT_SECRET"),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn sign_in_through_a_fixed_redirect_port_with_a_registered_client() {
    let mut w = world(0);
    w.clients = vec![gcal_emulator::ClientSpec {
        client_id: "own-client.example".into(),
        client_secret: "own-secret".into(),
    }];
    let emu = emulator(w).await;
    let endpoint = chronos_core::auth::TokenEndpoint::new(
        http(),
        endpoints(&emu),
        chronos_core::config::OAuthClientConfig::new("own-client.example", "own-secret"),
    );
    let port = {
        let free = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        std::num::NonZeroU16::new(free.local_addr().unwrap().port()).unwrap()
    };
    let mut opts = options();
    opts.loopback.port = Some(port);
    let signed = sign_in(&endpoint, &SystemClock, opts, open_without_browser)
        .await
        .unwrap();
    assert_eq!(signed.account.as_str(), ALICE);
    let auth = requests(&emu, "oauth.authorize");
    let q: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(auth[0].query.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(
        q["redirect_uri"],
        format!("http://127.0.0.1:{port}/callback")
    );
    assert_eq!(q["client_id"], "own-client.example");

    // The demo client is not registered in this world: the server checks who asks.
    let demo = token_endpoint(&emu);
    let err = sign_in(&demo, &SystemClock, options(), open_without_browser)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("HTTP 401"), "{err}");
}
