//! The token endpoint: the authorization-code exchange (with PKCE) and refresh, and the
//! tokens it mints.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;

use base64::Engine;
use serde_json::json;
use sha2::Digest;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::shared::Shared;
use crate::store::ids::random_token;
use crate::store::oauth::{AccessToken, RefreshToken, TokenResponse};
use crate::store::State as World;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
const CODE_LIFETIME: Duration = Duration::from_secs(600);

pub(super) async fn token(
    State(sh): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (client_id, client_secret) = client_credentials(&headers, &form);
    let mut st = sh.state.lock();
    let client_id = match authenticate(&st, client_id, client_secret) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange_code(&mut st, &form, &client_id),
        Some("refresh_token") => refresh(&mut st, &form, &client_id),
        Some(other) => token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Invalid grant_type: {other}"),
        ),
        None => token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Invalid grant_type: ",
        ),
    }
}

/// The client of a token request, when its id and secret are right.
fn authenticate(
    st: &World,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Result<String, Response> {
    let Some(client_id) = client_id else {
        return Err(token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Could not determine client ID from request.",
        ));
    };
    let Some(expected) = st.oauth.client_secret(&client_id).map(str::to_owned) else {
        return Err(token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The OAuth client was not found.",
        ));
    };
    let Some(secret) = client_secret else {
        return Err(token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_secret is missing.",
        ));
    };
    if secret != expected {
        return Err(token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unauthorized",
        ));
    }
    Ok(client_id)
}

/// `grant_type=authorization_code`: a fresh, unused code of this client, its redirect URI and
/// the PKCE verifier buy an access and a refresh token.
fn exchange_code(st: &mut World, form: &HashMap<String, String>, client_id: &str) -> Response {
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(entry) = st.oauth.codes.get(&code).cloned() else {
        return invalid_grant("Malformed auth code.");
    };
    if entry.used || entry.issued.elapsed() > CODE_LIFETIME || entry.client_id != client_id {
        return invalid_grant("Bad Request");
    }
    if form.get("redirect_uri") != Some(&entry.redirect_uri) {
        return token_error(
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
            "Bad Request",
        );
    }
    let Some(verifier) = form.get("code_verifier") else {
        return invalid_grant("Missing code verifier.");
    };
    let computed = B64.encode(sha2::Sha256::digest(verifier.as_bytes()));
    if Some(computed) != entry.code_challenge {
        return invalid_grant("Invalid code verifier.");
    }
    if let Some(c) = st.oauth.codes.get_mut(&code) {
        c.used = true;
    }
    let resp = mint(
        st,
        &entry.account,
        &entry.scope,
        client_id,
        entry.grant,
        true,
    );
    json_token(&resp)
}

/// `grant_type=refresh_token`: a live refresh token of this client buys an access token.
fn refresh(st: &mut World, form: &HashMap<String, String>, client_id: &str) -> Response {
    let rt = form.get("refresh_token").cloned().unwrap_or_default();
    let Some(r) = st.oauth.refresh.get(&rt).cloned() else {
        return invalid_grant("Token has been expired or revoked.");
    };
    if r.revoked {
        return invalid_grant("Token has been expired or revoked.");
    }
    if r.client_id != client_id {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Unauthorized",
        );
    }
    let resp = mint(st, &r.account, &r.scope, client_id, r.grant, false);
    json_token(&resp)
}

pub(super) fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut r = (
        status,
        json!({ "error": error, "error_description": description }).to_string(),
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/json; charset=utf-8".parse().expect("static"),
    );
    r
}

fn invalid_grant(desc: &str) -> Response {
    token_error(StatusCode::BAD_REQUEST, "invalid_grant", desc)
}

/// Client credentials from the form or from HTTP Basic authentication.
fn client_credentials(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> (Option<String>, Option<String>) {
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Basic "))
    {
        if let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(basic.trim()) {
            if let Some((id, secret)) = String::from_utf8_lossy(&raw).split_once(':') {
                let dec = |s: &str| {
                    url::form_urlencoded::parse(format!("x={s}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                };
                return (dec(id), dec(secret));
            }
        }
    }
    (
        form.get("client_id").cloned(),
        form.get("client_secret").cloned(),
    )
}

/// Mints an access token (and, when `with_refresh`, a refresh token) for a grant.
pub fn mint(
    st: &mut World,
    account: &str,
    scope: &str,
    client_id: &str,
    grant: u64,
    with_refresh: bool,
) -> TokenResponse {
    let access = format!("ya29.a0{}", random_token(&mut st.rng, 80));
    let ttl = st.oauth.access_ttl;
    st.oauth.access.insert(
        access.clone(),
        AccessToken {
            account: account.to_owned(),
            scope: scope.to_owned(),
            expires: Instant::now() + ttl,
            grant,
        },
    );
    let refresh_token = with_refresh.then(|| {
        let r = format!("1//0{}", random_token(&mut st.rng, 60));
        st.oauth.refresh.insert(
            r.clone(),
            RefreshToken {
                account: account.to_owned(),
                scope: scope.to_owned(),
                client_id: client_id.to_owned(),
                grant,
                revoked: false,
            },
        );
        r
    });
    let id_token = scope.split(' ').any(|s| s == "openid" || s == "email").then(|| {
        let sub = st.accounts.get(account).map(|a| a.sub.clone()).unwrap_or_default();
        let now = chrono::Utc::now().timestamp();
        let header = B64.encode(json!({"alg": "RS256", "kid": "gcal-emulator", "typ": "JWT"}).to_string());
        let claims = json!({
            "iss": "https://accounts.google.com", "azp": client_id, "aud": client_id, "sub": sub,
            "email": account, "email_verified": true, "iat": now, "exp": now + ttl.as_secs() as i64,
        });
        let sig = random_token(&mut st.rng, 43);
        format!("{header}.{}.{sig}", B64.encode(claims.to_string()))
    });
    TokenResponse {
        access_token: access,
        expires_in: ttl.as_secs(),
        refresh_token,
        scope: scope.to_owned(),
        token_type: "Bearer".into(),
        id_token,
    }
}

fn json_token(t: &TokenResponse) -> Response {
    let mut r = (
        StatusCode::OK,
        serde_json::to_string(t).expect("json serialises"),
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/json; charset=utf-8".parse().expect("static"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        "no-cache, no-store, max-age=0, must-revalidate"
            .parse()
            .expect("static"),
    );
    r
}
