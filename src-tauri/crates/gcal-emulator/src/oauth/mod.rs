//! Google's OAuth 2.0 endpoints for installed apps: the authorization endpoint (auto-approve or a
//! consent page), the token endpoint (authorization_code with PKCE, refresh_token), revocation
//! and userinfo.

mod token;

pub use token::mint;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::shared::Shared;
use crate::store::ids::random_token;
use crate::store::oauth::{AuthCode, PendingConsent};
use crate::store::State as World;
use token::token_error;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/o/oauth2/v2/auth", get(authorize))
        .route("/o/oauth2/v2/auth/consent", post(consent))
        .route("/token", post(token::token))
        .route("/oauth2/v4/token", post(token::token))
        .route("/revoke", post(revoke).get(revoke))
        .route("/oauth2/v3/userinfo", get(userinfo))
        .route("/oauth2/v2/userinfo", get(userinfo))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Error</title></head><body>\
         <h1>Access blocked: authorization error</h1><p><b>{}</b></p><p>{}</p></body></html>",
        html_escape(title),
        html_escape(detail)
    );
    (status, Html(body)).into_response()
}

/// Desktop clients must redirect to a loopback address: 127.0.0.1, [::1] (or localhost).
pub fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    if u.scheme() != "http" {
        return false;
    }
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut u = url::Url::parse(redirect_uri).expect("validated before");
    {
        let mut q = u.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    Redirect::to(u.as_str()).into_response()
}

fn issue_code(st: &mut World, req: &PendingConsent, account: &str) -> String {
    let code = format!("4/0A{}", random_token(&mut st.rng, 60));
    let grant = st.oauth.next_grant;
    st.oauth.next_grant += 1;
    st.oauth.codes.insert(
        code.clone(),
        AuthCode {
            client_id: req.client_id.clone(),
            redirect_uri: req.redirect_uri.clone(),
            code_challenge: req.code_challenge.clone(),
            account: account.to_owned(),
            scope: req.scope.clone(),
            issued: Instant::now(),
            used: false,
            grant,
        },
    );
    code
}

/// The scopes the simulated user grants: all requested ones, or (granular consent) only those
/// also in `allowed`.
fn granted(requested: &str, allowed: Option<&[String]>) -> String {
    requested
        .split(' ')
        .filter(|s| allowed.is_none_or(|a| a.iter().any(|x| x == s)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn approve(
    st: &mut World,
    req: &PendingConsent,
    account: &str,
    allowed: Option<&[String]>,
) -> Response {
    let mut req = req.clone();
    req.scope = granted(&req.scope, allowed);
    let req = &req;
    let code = issue_code(st, req, account);
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = &req.state {
        params.push(("state", s.as_str()));
    }
    params.extend([
        ("scope", req.scope.as_str()),
        ("authuser", "0"),
        ("prompt", "consent"),
    ]);
    redirect_with(&req.redirect_uri, &params)
}

fn deny(req: &PendingConsent) -> Response {
    let mut params = vec![("error", "access_denied")];
    if let Some(s) = &req.state {
        params.push(("state", s.as_str()));
    }
    redirect_with(&req.redirect_uri, &params)
}

async fn authorize(State(sh): State<Shared>, Query(p): Query<HashMap<String, String>>) -> Response {
    let client_id = p.get("client_id").cloned().unwrap_or_default();
    let redirect_uri = p.get("redirect_uri").cloned().unwrap_or_default();
    let mut st = sh.state.lock();
    if st.oauth.client_secret(&client_id).is_none() {
        return error_page(
            StatusCode::UNAUTHORIZED,
            "Error 401: invalid_client",
            "The OAuth client was not found.",
        );
    }
    if !is_loopback_redirect(&redirect_uri) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Error 400: redirect_uri_mismatch",
            &format!("redirect_uri={redirect_uri} is not a loopback address this client may use."),
        );
    }
    let state = p.get("state").cloned();
    let fail = |err: &str, desc: &str| {
        let mut params = vec![("error", err), ("error_description", desc)];
        if let Some(s) = &state {
            params.push(("state", s.as_str()));
        }
        redirect_with(&redirect_uri, &params)
    };
    if p.get("response_type").map(String::as_str) != Some("code") {
        return fail("unsupported_response_type", "response_type must be code");
    }
    let scope = p.get("scope").cloned().unwrap_or_default();
    if scope.trim().is_empty() {
        return fail("invalid_request", "Missing required parameter: scope");
    }
    let challenge = p.get("code_challenge").cloned();
    let valid_challenge = challenge.as_deref().is_some_and(|c| {
        c.len() == 43
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if !valid_challenge || p.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return fail(
            "invalid_request",
            "PKCE with code_challenge_method=S256 and a valid code_challenge is required",
        );
    }
    let req = PendingConsent {
        client_id,
        redirect_uri,
        code_challenge: challenge,
        scope: scope.split_whitespace().collect::<Vec<_>>().join(" "),
        state,
        login_hint: p.get("login_hint").cloned(),
    };
    let hinted = req
        .login_hint
        .as_ref()
        .filter(|h| st.accounts.contains_key(*h))
        .cloned();
    let Some(first) = hinted.or_else(|| st.account_order.first().cloned()) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "No accounts",
            "This emulator world has no accounts.",
        );
    };
    if sh.auto_approve.load(Ordering::Relaxed) {
        let allowed = st.oauth.granted_scopes.clone();
        return approve(&mut st, &req, &first, allowed.as_deref());
    }
    consent_page(&mut st, req, &first)
}

/// The consent page: the scopes asked for, ticked, and the accounts to choose from (`first`
/// chosen). The request waits under a consent id until the form comes back.
fn consent_page(st: &mut World, req: PendingConsent, first: &str) -> Response {
    let consent_id = random_token(&mut st.rng, 32);
    let options: String = st
        .account_order
        .iter()
        .map(|a| {
            let sel = if a == first { " selected" } else { "" };
            format!("<option value=\"{0}\"{sel}>{0}</option>", html_escape(a))
        })
        .collect();
    st.oauth.consents.insert(consent_id.clone(), req.clone());
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in - Google Accounts (emulator)</title></head>\
         <body><h1>Chronos wants to access your Google Account</h1>\
         <p>Chronos asks for:</p>{checks}\
         <form method=\"post\" action=\"/o/oauth2/v2/auth/consent\">\
         <input type=\"hidden\" name=\"consent_id\" value=\"{cid}\">\
         <label>Account <select name=\"account\">{options}</select></label>\
         <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\
         <button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>\
         </form></body></html>",
        checks = req
            .scope
            .split(' ')
            .map(|sc| format!("<label><input type=\"checkbox\" name=\"scope\" value=\"{0}\" checked> {0}</label><br>", html_escape(sc)))
            .collect::<String>(),
        cid = html_escape(&consent_id),
    );
    Html(page).into_response()
}

/// The consent form: `consent_id`, `decision` (allow/deny), `account`, and one `scope` per
/// ticked box (absent boxes are scopes the user did not grant).
async fn consent(State(sh): State<Shared>, body: axum::body::Bytes) -> Response {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let one = |k: &str| fields.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    let mut st = sh.state.lock();
    let Some(req) = one("consent_id").and_then(|id| st.oauth.consents.remove(&id)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Error 400: invalid_request",
            "This sign-in request has expired.",
        );
    };
    if one("decision").as_deref() != Some("allow") {
        return deny(&req);
    }
    let account = one("account")
        .filter(|a| st.accounts.contains_key(a))
        .or_else(|| st.account_order.first().cloned())
        .unwrap_or_default();
    let ticked: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.clone())
        .collect();
    // A form without scope boxes (a bare POST) grants what was asked.
    let allowed = if ticked.is_empty() {
        None
    } else {
        Some(ticked)
    };
    approve(&mut st, &req, &account, allowed.as_deref())
}

async fn revoke(
    State(sh): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    let from_body = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    let tok = q.get("token").cloned().or(from_body).unwrap_or_default();
    let mut st = sh.state.lock();
    let grant = st.oauth.access.get(&tok).map(|a| a.grant).or_else(|| {
        st.oauth
            .refresh
            .get(&tok)
            .filter(|r| !r.revoked)
            .map(|r| r.grant)
    });
    match grant {
        Some(g) => {
            st.oauth.revoke_grant(g);
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                "{}",
            )
                .into_response()
        }
        None => token_error(
            StatusCode::BAD_REQUEST,
            "invalid_token",
            "Token expired or revoked",
        ),
    }
}

async fn userinfo(
    State(sh): State<Shared>,
    req: axum::http::Request<axum::body::Body>,
) -> Response {
    let (parts, _) = req.into_parts();
    let st = sh.state.lock();
    let who = crate::api::bearer(&parts).and_then(|t| {
        st.oauth
            .account_for(&t)
            .map(|(a, s)| (a.to_owned(), s.to_owned()))
    });
    let Some((account, _scope)) = who else {
        let mut r = token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            "Invalid Credentials",
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\""
                .parse()
                .expect("static"),
        );
        return r;
    };
    let sub = st
        .accounts
        .get(&account)
        .map(|a| a.sub.clone())
        .unwrap_or_default();
    let body = json!({ "sub": sub, "email": account, "email_verified": true });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}
