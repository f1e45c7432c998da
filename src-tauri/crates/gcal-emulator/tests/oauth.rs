//! Google OAuth for desktop apps: code flow with PKCE and state, token endpoint rules,
//! refresh, revocation, userinfo, 401 on the API and account isolation.

mod common;

use base64::Engine;
use common::*;
use gcal_emulator::{EmulatorConfig, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sha2::Digest;

const VERIFIER: &str = "verifier-0123456789-0123456789-0123456789-abcdef";
const REDIRECT: &str = "http://127.0.0.1:54321/callback";

fn challenge(v: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(v.as_bytes()))
}

fn auth_query(redirect: &str, state: &str) -> String {
    format!(
        "client_id={}&redirect_uri={}&response_type=code&scope={}&code_challenge={}&code_challenge_method=S256&state={state}",
        enc(DEMO_CLIENT_ID), enc(redirect), enc("https://www.googleapis.com/auth/calendar openid email"), challenge(VERIFIER)
    )
}

fn query_of(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn param(q: &[(String, String)], k: &str) -> Option<String> {
    q.iter().find(|(a, _)| a == k).map(|(_, b)| b.clone())
}

async fn authorize(env: &Env, query: &str) -> reqwest::Response {
    env.http
        .get(format!("{}?{query}", env.emu.auth_url()))
        .send()
        .await
        .unwrap()
}

async fn exchange(env: &Env, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let r = env
        .http
        .post(env.emu.token_url())
        .form(form)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap())
}

/// An emulator that shows its consent page to a sign-in rather than approving it at once.
async fn consent_page_env() -> Env {
    env_with(EmulatorConfig {
        world: small_world(0),
        auto_approve: false,
        ..EmulatorConfig::default()
    })
    .await
}

/// The query of the redirect `r` sends the browser to.
fn redirect_query(r: &reqwest::Response) -> Vec<(String, String)> {
    query_of(r.headers()["location"].to_str().unwrap())
}

/// The consent request a consent page stands for.
fn consent_id(page: &str) -> String {
    page.split("name=\"consent_id\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// Submits the consent page's form (the consent id, the decision and what else it carries).
async fn submit_consent(env: &Env, form: &[(&str, &str)]) -> reqwest::Response {
    env.http
        .post(format!("{}/o/oauth2/v2/auth/consent", env.emu.base_url()))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// What userinfo answers for an access token.
async fn userinfo(env: &Env, access_token: &str) -> reqwest::Response {
    env.http
        .get(env.emu.userinfo_url())
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

/// The email userinfo names for an access token.
async fn userinfo_email(env: &Env, access_token: &str) -> Value {
    userinfo(env, access_token)
        .await
        .json::<Value>()
        .await
        .unwrap()["email"]
        .clone()
}

async fn get_code(env: &Env) -> String {
    let r = authorize(env, &auth_query(REDIRECT, "xyz")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(loc.starts_with(REDIRECT));
    let q = query_of(&loc);
    assert_eq!(param(&q, "state").as_deref(), Some("xyz"));
    assert!(
        param(&q, "scope").is_some_and(|s| s.contains("openid")),
        "the granted scopes come back"
    );
    assert_eq!(param(&q, "authuser").as_deref(), Some("0"));
    param(&q, "code").unwrap()
}

#[tokio::test]
async fn code_flow_with_pkce_state_single_use_code_and_secret() {
    let env = env(small_world(3)).await;
    let code = get_code(&env).await;
    let base = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", DEMO_CLIENT_ID),
        ("redirect_uri", REDIRECT),
    ];

    let mut wrong_secret = base.to_vec();
    wrong_secret.extend([("client_secret", "nope"), ("code_verifier", VERIFIER)]);
    let (s, v) = exchange(&env, &wrong_secret).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );

    let mut no_secret = base.to_vec();
    no_secret.push(("code_verifier", VERIFIER));
    let (s, v) = exchange(&env, &no_secret).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );

    let bad_verifier = "x".repeat(43);
    let mut wrong_verifier = base.to_vec();
    wrong_verifier.extend([
        ("client_secret", DEMO_CLIENT_SECRET),
        ("code_verifier", bad_verifier.as_str()),
    ]);
    let (s, v) = exchange(&env, &wrong_verifier).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "invalid_grant");

    let mut good = base.to_vec();
    good.extend([
        ("client_secret", DEMO_CLIENT_SECRET),
        ("code_verifier", VERIFIER),
    ]);
    let (s, tok) = exchange(&env, &good).await;
    assert_eq!(s, StatusCode::OK, "{tok}");
    assert_eq!(tok["token_type"], "Bearer");
    assert_eq!(tok["expires_in"], 3599);
    assert!(tok["refresh_token"].is_string());
    assert!(tok["scope"]
        .as_str()
        .unwrap()
        .contains("https://www.googleapis.com/auth/calendar"));
    assert!(tok["id_token"].is_string());
    let access = tok["access_token"].as_str().unwrap();

    // The code works once only.
    let (s, v) = exchange(&env, &good).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    // userinfo names the account.
    let r = userinfo(&env, access).await;
    assert_eq!(r.status(), StatusCode::OK);
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["email"], env.ctl.accounts()[0].email.as_str());
    assert_eq!(info["email_verified"], true);
    assert!(info["sub"].is_string());
}

#[tokio::test]
async fn authorization_endpoint_validation() {
    let env = env(small_world(0)).await;
    // Unknown client: an error page, no redirect.
    let q = auth_query(REDIRECT, "s").replace(&enc(DEMO_CLIENT_ID), "unknown");
    let r = authorize(&env, &q).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Not a loopback redirect.
    let r = authorize(&env, &auth_query("https://evil.example/cb", "s")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // IPv6 loopback is fine.
    let r = authorize(&env, &auth_query("http://[::1]:4000/", "s")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Missing PKCE: redirect with invalid_request and the state.
    let q = auth_query(REDIRECT, "st8")
        .replace("code_challenge_method=S256", "code_challenge_method=plain");
    let r = authorize(&env, &q).await;
    let qp = redirect_query(&r);
    assert_eq!(param(&qp, "error").as_deref(), Some("invalid_request"));
    assert_eq!(param(&qp, "state").as_deref(), Some("st8"));
}

#[tokio::test]
async fn consent_page_allow_and_deny() {
    let env = consent_page_env().await;
    let r = authorize(&env, &auth_query(REDIRECT, "abc")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("Allow") && page.contains("Deny"));
    let cid = consent_id(&page);
    let r = submit_consent(&env, &[("consent_id", cid.as_str()), ("decision", "deny")]).await;
    let q = redirect_query(&r);
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&q, "state").as_deref(), Some("abc"));

    let r = authorize(&env, &auth_query(REDIRECT, "def")).await;
    let page = r.text().await.unwrap();
    let cid = consent_id(&page);
    let second = env.ctl.accounts()[1].email.clone();
    let r = submit_consent(
        &env,
        &[
            ("consent_id", cid.as_str()),
            ("decision", "allow"),
            ("account", second.as_str()),
        ],
    )
    .await;
    let code = param(&redirect_query(&r), "code").unwrap();
    assert_eq!(email_signed_in_with(&env, &code).await, second.as_str());
}

#[tokio::test]
async fn refresh_expiry_revocation_and_401() {
    let env = env(small_world(2)).await;
    let tokens = env.ctl.mint_tokens(&env.account).unwrap();
    let refresh = tokens.refresh_token.clone().unwrap();
    let cal = env.primary();
    let path = env.events_path(&cal);

    let (s, _) = env.get_as(&tokens.access_token, &path).await;
    assert_eq!(s, StatusCode::OK);
    env.ctl.expire_access_tokens(Some(&env.account));
    let (s, v) = env.get_as(&tokens.access_token, &path).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_reason(&v), "authError");
    assert_eq!(v["error"]["errors"][0]["domain"], "global");
    assert_eq!(v["error"]["errors"][0]["message"], "Invalid Credentials");

    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", DEMO_CLIENT_SECRET),
    ];
    let (s, fresh) = exchange(&env, &form).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        fresh.get("refresh_token").is_none(),
        "refresh does not rotate the refresh token"
    );
    let (s, _) = env
        .get_as(fresh["access_token"].as_str().unwrap(), &path)
        .await;
    assert_eq!(s, StatusCode::OK);

    env.ctl.revoke_refresh_tokens(Some(&env.account));
    let (s, v) = exchange(&env, &form).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        v,
        serde_json::json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    );
    let (s, _) = env
        .get_as(fresh["access_token"].as_str().unwrap(), &path)
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "revoking the grant ends its access tokens"
    );

    let (s, v) = env.get_as("garbage", &path).await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::UNAUTHORIZED, "authError")
    );
}

#[tokio::test]
async fn revoke_endpoint() {
    let env = env(small_world(1)).await;
    let t = env.ctl.mint_tokens(&env.account).unwrap();
    let r = env
        .http
        .post(format!(
            "{}?token={}",
            env.emu.revoke_url(),
            t.refresh_token.as_ref().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, _) = env.get_as(&t.access_token, "colors").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let r = env
        .http
        .post(env.emu.revoke_url())
        .form(&[("token", "unknown")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn accounts_see_only_their_own_calendars() {
    let env = env(small_world(2)).await;
    let accs = env.ctl.accounts();
    let other_cal = accs[1].primary_calendar.clone();
    let (s, v) = env.get(&env.events_path(&other_cal)).await;
    assert_eq!((s, error_reason(&v)), (StatusCode::NOT_FOUND, "notFound"));
    let (_, list) = env.get("users/me/calendarList").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&other_cal.as_str()));
    assert_eq!(ids.len(), accs[0].calendars.len());
}

#[tokio::test]
async fn read_only_scope_cannot_write() {
    let env = env(small_world(0)).await;
    let t = env
        .ctl
        .mint_tokens_with_scope(
            &env.account,
            "https://www.googleapis.com/auth/calendar.readonly",
        )
        .unwrap();
    let path = env.events_path(&env.primary());
    let (s, _) = env.get_as(&t.access_token, &path).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = env
        .call_as(
            &t.access_token,
            Method::POST,
            &path,
            Some(hour_event("x")),
            &[],
        )
        .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::FORBIDDEN, "insufficientPermissions")
    );
}

/// Exchanges a code from [`auth_query`]'s sign-in (the right client, secret and verifier) for
/// tokens, which it expects to get.
async fn exchange_code(env: &Env, code: &str) -> Value {
    let (s, tok) = exchange(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", DEMO_CLIENT_ID),
            ("client_secret", DEMO_CLIENT_SECRET),
            ("code_verifier", VERIFIER),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{tok}");
    tok
}

/// The email of the account a code signs in: the code exchanged, its access token shown to
/// userinfo.
async fn email_signed_in_with(env: &Env, code: &str) -> Value {
    let tok = exchange_code(env, code).await;
    userinfo_email(env, tok["access_token"].as_str().unwrap()).await
}

#[tokio::test]
async fn granular_consent_can_withhold_the_calendar_scope() {
    let env = env(small_world(1)).await;
    env.ctl
        .set_granted_scopes(Some(vec!["openid".into(), "email".into()]));
    let code = get_code(&env).await;
    let tok = exchange_code(&env, &code).await;
    assert_eq!(tok["scope"], "openid email");
    let (s, v) = env
        .get_as(
            tok["access_token"].as_str().unwrap(),
            "users/me/calendarList",
        )
        .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::FORBIDDEN, "insufficientPermissions")
    );
    // userinfo still works with openid email.
    let r = userinfo(&env, tok["access_token"].as_str().unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn consent_page_unticked_scope_is_not_granted() {
    let env = consent_page_env().await;
    let page = authorize(&env, &auth_query(REDIRECT, "s"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("name=\"scope\" value=\"https://www.googleapis.com/auth/calendar\""));
    let cid = consent_id(&page);
    let r = submit_consent(
        &env,
        &[
            ("consent_id", cid.as_str()),
            ("decision", "allow"),
            ("scope", "openid"),
            ("scope", "email"),
        ],
    )
    .await;
    let code = param(&redirect_query(&r), "code").unwrap();
    let tok = exchange_code(&env, &code).await;
    assert_eq!(tok["scope"], "openid email");
}

#[tokio::test]
async fn default_sign_in_is_the_first_account_of_the_world() {
    let env = env(small_world(0)).await;
    let first = env.ctl.accounts()[0].email.clone();
    assert_eq!(
        first, "user@chronos.example",
        "accounts keep the world's order"
    );
    let code = get_code(&env).await;
    assert_eq!(email_signed_in_with(&env, &code).await, first.as_str());
    // login_hint picks another account.
    let second = env.ctl.accounts()[1].email.clone();
    let r = authorize(
        &env,
        &format!("{}&login_hint={}", auth_query(REDIRECT, "s"), enc(&second)),
    )
    .await;
    let code = param(&redirect_query(&r), "code").unwrap();
    assert_eq!(email_signed_in_with(&env, &code).await, second.as_str());
}
