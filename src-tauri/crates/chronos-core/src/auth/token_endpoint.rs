//! Google's OAuth endpoints for one OAuth client. The `oauth2` crate speaks the protocol
//! (authorization URL, code exchange, refresh, revocation); this module configures it from
//! [`GoogleEndpoints`] and turns its answers into the engine's tokens and errors.

use super::http::{network, read_small, OAuthHttp};
use super::token_set::TokenSet;
use crate::config::{GoogleEndpoints, OAuthClientConfig};
use crate::error::{Error, ErrorKind, Result};
use chrono::{DateTime, Utc};
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    RevocationUrl, Scope, StandardRevocableToken, TokenResponse, TokenUrl,
};
use serde::Deserialize;
use std::borrow::Cow;
use std::time::Duration;

/// Talks to Google's OAuth endpoints for one OAuth client.
#[derive(Clone, Debug)]
pub struct TokenEndpoint {
    /// Must not follow redirects (see [`crate::google::default_http_client`]).
    pub(crate) http: reqwest::Client,
    pub(crate) endpoints: GoogleEndpoints,
    pub(crate) client: OAuthClientConfig,
}

/// The `oauth2` client with the authorization, revocation and token endpoints set.
type GoogleOAuth =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointSet, EndpointSet>;

type OAuthError<E> = RequestTokenError<Error, E>;

/// How the token endpoint said no.
pub(crate) enum TokenError {
    /// `invalid_grant`: the refresh token (or code) is revoked, expired or already used.
    InvalidGrant,
    Other(Error),
}

impl TokenEndpoint {
    pub fn new(
        http: reqwest::Client,
        endpoints: GoogleEndpoints,
        client: OAuthClientConfig,
    ) -> Self {
        Self {
            http,
            endpoints,
            client,
        }
    }

    pub fn endpoints(&self) -> &GoogleEndpoints {
        &self.endpoints
    }
    pub fn client(&self) -> &OAuthClientConfig {
        &self.client
    }

    fn oauth(&self) -> Result<GoogleOAuth> {
        let bad = |which: &str, e: url::ParseError| {
            Error::InvalidInput(format!("the {which} URL is not a URL: {e}"))
        };
        let e = &self.endpoints;
        Ok(
            BasicClient::new(ClientId::new(self.client.client_id.clone()))
                .set_client_secret(ClientSecret::new(self.client.client_secret.clone()))
                // Google takes the client credentials in the form body.
                .set_auth_type(AuthType::RequestBody)
                .set_auth_uri(
                    AuthUrl::new(e.auth_url.clone()).map_err(|x| bad("authorization", x))?,
                )
                .set_token_uri(TokenUrl::new(e.token_url.clone()).map_err(|x| bad("token", x))?)
                .set_revocation_url(self.revocation_url()?.0),
        )
    }

    /// The revocation URL as `oauth2` gets it, and the plain-HTTP URL to send to instead.
    ///
    /// `oauth2` refuses a revocation URL that is not HTTPS (RFC 7009 asks for that). The
    /// emulator of demo mode and tests serves plain HTTP on the loopback interface, where
    /// nothing leaves the machine: there `oauth2` is given the URL as `https` and
    /// [`OAuthHttp`] sends the request over `http`, so revocation still goes through the crate.
    /// Plain HTTP anywhere else stays refused.
    fn revocation_url(&self) -> Result<(RevocationUrl, Option<url::Url>)> {
        let mut url = url::Url::parse(&self.endpoints.revoke_url)
            .map_err(|e| Error::InvalidInput(format!("the revocation URL is not a URL: {e}")))?;
        let mut plain = None;
        if url.scheme() == "http" && is_loopback(&url) {
            plain = Some(url.clone());
            url.set_scheme("https")
                .expect("http and https are interchangeable");
        }
        Ok((RevocationUrl::from_url(url), plain))
    }

    /// The authorization request URL: code flow with the PKCE challenge, `state`, the scopes,
    /// and offline access with a fresh consent (so Google hands out a refresh token).
    pub(crate) fn authorization_url(
        &self,
        redirect_uri: &str,
        challenge: PkceCodeChallenge,
        state: &CsrfToken,
        scopes: &[&str],
        login_hint: Option<&str>,
    ) -> Result<String> {
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| Error::InvalidInput(format!("the redirect URI is not a URL: {e}")))?;
        let oauth = self.oauth()?;
        let mut request = oauth
            .authorize_url(|| state.clone())
            .set_redirect_uri(Cow::Owned(redirect))
            .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
            .set_pkce_challenge(challenge)
            .add_extra_param("access_type", "offline")
            .add_extra_param("prompt", "consent");
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint);
        }
        Ok(request.url().0.into())
    }

    /// Exchanges the authorization code, proving it with the PKCE verifier.
    pub(crate) async fn exchange_code(
        &self,
        code: &str,
        verifier: PkceCodeVerifier,
        redirect_uri: &str,
        requested_scope: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenSet, TokenError> {
        let redirect = RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| {
            TokenError::Other(Error::InvalidInput(format!(
                "the redirect URI is not a URL: {e}"
            )))
        })?;
        let oauth = self.oauth().map_err(TokenError::Other)?;
        let http = OAuthHttp::new(&self.http, "the token endpoint");
        let answer = oauth
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(verifier)
            .set_redirect_uri(Cow::Owned(redirect))
            .request_async(&http)
            .await
            .map_err(|e| token_error(http.status(), e))?;
        // RFC 6749 §5.1: an absent `scope` means exactly what was requested was granted.
        Ok(token_set(answer, None, requested_scope, now))
    }

    /// Refreshes the access token. Google usually sends no new refresh token: keep the old one.
    pub(crate) async fn refresh(
        &self,
        current: &TokenSet,
        now: DateTime<Utc>,
    ) -> Result<TokenSet, TokenError> {
        let Some(refresh_token) = current.refresh_token.as_deref() else {
            return Err(TokenError::InvalidGrant);
        };
        let oauth = self.oauth().map_err(TokenError::Other)?;
        let http = OAuthHttp::new(&self.http, "the token endpoint");
        let refresh_token = RefreshToken::new(refresh_token.to_owned());
        let answer = oauth
            .exchange_refresh_token(&refresh_token)
            .request_async(&http)
            .await
            .map_err(|e| token_error(http.status(), e))?;
        Ok(token_set(
            answer,
            current.refresh_token.clone(),
            &current.scope,
            now,
        ))
    }

    /// Revokes a grant through its refresh token (which ends the whole grant), or through the
    /// access token when there is none. `Ok(false)` when Google says the token was already
    /// invalid.
    pub(crate) async fn revoke(&self, tokens: &TokenSet) -> Result<bool> {
        let token = match tokens.refresh_token.as_deref().filter(|t| !t.is_empty()) {
            Some(refresh) => {
                StandardRevocableToken::RefreshToken(RefreshToken::new(refresh.into()))
            }
            None => StandardRevocableToken::AccessToken(oauth2::AccessToken::new(
                tokens.access_token.clone(),
            )),
        };
        let oauth = self.oauth()?;
        let mut http = OAuthHttp::new(&self.http, "the revoke endpoint");
        if let (https, Some(plain)) = self.revocation_url()? {
            http = http.plain_http_for(https.url().clone(), plain);
        }
        let request = oauth
            .revoke_token(token)
            .map_err(|e| Error::InvalidInput(format!("the revocation URL cannot be used: {e}")))?;
        match request.request_async(&http).await {
            Ok(()) => Ok(true),
            Err(e) => revoke_error(http.status(), e),
        }
    }

    /// The account's e-mail from the OpenID userinfo endpoint (not part of OAuth, so not
    /// something the `oauth2` crate covers).
    pub(crate) async fn userinfo_email(&self, access_token: &str) -> Result<String> {
        #[derive(Deserialize)]
        struct UserInfo {
            #[serde(default)]
            email: Option<String>,
        }
        let resp = self
            .http
            .get(&self.endpoints.userinfo_url)
            .bearer_auth(access_token)
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| network("the userinfo endpoint", &e))?;
        let status = resp.status().as_u16();
        let body = read_small(resp).await?;
        if !(200..300).contains(&status) {
            return Err(Error::Auth(format!(
                "the userinfo endpoint answered HTTP {status}"
            )));
        }
        let info: UserInfo = serde_json::from_slice(&body)
            .map_err(|_| Error::Auth("the userinfo endpoint sent an unreadable answer".into()))?;
        info.email.filter(|e| e.contains('@')).ok_or_else(|| {
            Error::Auth("Google did not share the account's e-mail address (the `email` scope was not granted)".into())
        })
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn token_set(
    answer: BasicTokenResponse,
    fallback_refresh: Option<String>,
    requested_scope: &str,
    now: DateTime<Utc>,
) -> TokenSet {
    let expires_in = answer
        .expires_in()
        .map_or(3600, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .clamp(0, 365 * 24 * 3600);
    TokenSet {
        access_token: answer.access_token().secret().clone(),
        expires_at: now + chrono::Duration::seconds(expires_in),
        refresh_token: answer
            .refresh_token()
            .map(|t| t.secret().clone())
            .filter(|t| !t.is_empty())
            .or(fallback_refresh),
        scope: answer.scopes().map_or_else(
            || requested_scope.to_owned(),
            |granted| {
                granted
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            },
        ),
    }
}

/// The OAuth error code the server refused with, when its answer carried one.
fn refusal_code<T>(e: &OAuthError<oauth2::StandardErrorResponse<T>>) -> Option<&str>
where
    T: oauth2::ErrorResponseType + std::fmt::Display + AsRef<str> + 'static,
{
    match e {
        RequestTokenError::ServerResponse(r) => Some(r.error().as_ref()),
        _ => None,
    }
}

/// The token endpoint's refusal as the engine sees it: a lost grant, a configuration problem,
/// an outage to retry, or a plain refusal.
fn token_error(
    status: Option<u16>,
    e: OAuthError<oauth2::basic::BasicErrorResponse>,
) -> TokenError {
    let code = refusal_code(&e).unwrap_or_default().to_owned();
    let status = match (e, status) {
        (RequestTokenError::Request(e), _) => return TokenError::Other(e),
        (_, Some(status)) if status != 200 => status,
        // A 200 whose body is not a token answer.
        _ => {
            return TokenError::Other(Error::Auth(
                "the token endpoint sent an unreadable answer".into(),
            ))
        }
    };
    TokenError::Other(match (status, code.as_str()) {
        (_, "invalid_grant") => return TokenError::InvalidGrant,
        // A configuration problem, not the user's grant: kind invalid_input, no re-auth.
        (_, "invalid_client" | "unauthorized_client") => Error::InvalidInput(
            "Google does not accept Chronos' OAuth client id/secret; check CHRONOS_GOOGLE_CLIENT_ID \
             and CHRONOS_GOOGLE_CLIENT_SECRET"
                .into(),
        ),
        (429 | 500..=599, _) => Error::Google {
            kind: if status == 429 { ErrorKind::RateLimited } else { ErrorKind::Server },
            status,
            reason: None,
            message: format!("the token endpoint answered HTTP {status}"),
            retry_after: None,
        },
        _ => Error::Auth(format!(
            "the token endpoint refused the request (HTTP {status}{})",
            if code.is_empty() { String::new() } else { format!(", {}", sanitize_code(&code)) }
        )),
    })
}

/// A revocation that did not succeed: already invalid (`Ok(false)`), refused, or an outage.
fn revoke_error(
    status: Option<u16>,
    e: OAuthError<oauth2::basic::BasicRevocationErrorResponse>,
) -> Result<bool> {
    let code = refusal_code(&e).map(str::to_owned);
    let status = match (e, status) {
        (RequestTokenError::Request(e), _) => return Err(e),
        (_, Some(status)) => status,
        (e, None) => return Err(Error::Auth(format!("revoking failed: {e}"))),
    };
    match status {
        400 => match code.as_deref() {
            Some("invalid_token" | "invalid_grant") | None => Ok(false),
            Some(other) => Err(Error::Auth(format!(
                "revoking failed ({})",
                sanitize_code(other)
            ))),
        },
        _ => Err(Error::Google {
            kind: if status >= 500 {
                ErrorKind::Server
            } else {
                ErrorKind::InvalidInput
            },
            status,
            reason: None,
            message: format!("the revoke endpoint answered HTTP {status}"),
            retry_after: None,
        }),
    }
}

fn sanitize_code(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::google::default_http_client;
    use axum::http::{header, StatusCode};
    use axum::routing::post;
    use axum::Router;
    use chrono::TimeZone;
    use std::sync::{Arc, Mutex};

    /// What the fake server answers next: status, content type, body.
    type Answer = Arc<Mutex<(u16, &'static str, String)>>;

    /// A fake token and revoke endpoint answering whatever `answer` holds.
    async fn fake(answer: Answer) -> TokenEndpoint {
        let reply = move || {
            let (status, kind, body) = answer.lock().unwrap().clone();
            async move {
                let status = StatusCode::from_u16(status).unwrap();
                (status, [(header::CONTENT_TYPE, kind)], body)
            }
        };
        let app = Router::new()
            .route("/token", post(reply.clone()))
            .route("/revoke", post(reply));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let endpoints = GoogleEndpoints {
            token_url: format!("http://{addr}/token"),
            revoke_url: format!("http://{addr}/revoke"),
            ..GoogleEndpoints::default()
        };
        TokenEndpoint::new(
            default_http_client(),
            endpoints,
            OAuthClientConfig::new("cid", "cs"),
        )
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap()
    }

    fn current() -> TokenSet {
        TokenSet {
            access_token: "old-access".into(),
            expires_at: now(),
            refresh_token: Some("old-refresh".into()),
            scope: "openid https://www.googleapis.com/auth/calendar".into(),
        }
    }

    const JSON: &str = "application/json; charset=utf-8";

    #[tokio::test]
    async fn a_refresh_keeps_the_refresh_token_and_scope_google_leaves_out() {
        let answer: Answer = Arc::new(Mutex::new((
            200,
            JSON,
            r#"{"access_token":"new","token_type":"Bearer","expires_in":60}"#.into(),
        )));
        let ep = fake(answer.clone()).await;
        let Ok(fresh) = ep.refresh(&current(), now()).await else {
            panic!("the refresh failed")
        };
        assert_eq!(fresh.access_token, "new");
        assert_eq!(fresh.refresh_token.as_deref(), Some("old-refresh"));
        assert_eq!(fresh.scope, current().scope);
        assert_eq!(fresh.expires_at, now() + chrono::Duration::seconds(60));

        // A space-separated `scope` is what was granted, whatever was asked.
        *answer.lock().unwrap() = (
            200,
            JSON,
            r#"{"access_token":"n","token_type":"Bearer","refresh_token":"r2","scope":"email openid"}"#
                .into(),
        );
        let Ok(fresh) = ep.refresh(&current(), now()).await else {
            panic!("the refresh failed")
        };
        assert_eq!(fresh.scope, "email openid");
        assert!(!fresh.has_scope(super::super::CALENDAR_SCOPE));
        assert_eq!(fresh.refresh_token.as_deref(), Some("r2"));
        assert_eq!(fresh.expires_at, now() + chrono::Duration::hours(1));
    }

    #[tokio::test]
    async fn token_endpoint_refusals_keep_their_kinds() {
        let answer: Answer = Arc::new(Mutex::new((200, JSON, String::new())));
        let ep = fake(answer.clone()).await;
        let cases: [(u16, &str, &str, Option<ErrorKind>); 7] = [
            (400, JSON, r#"{"error":"invalid_grant"}"#, None),
            (503, JSON, r#"{"error":"invalid_grant"}"#, None),
            (
                401,
                JSON,
                r#"{"error":"invalid_client"}"#,
                Some(ErrorKind::InvalidInput),
            ),
            (503, "text/html", "<h1>down</h1>", Some(ErrorKind::Server)),
            (429, JSON, "", Some(ErrorKind::RateLimited)),
            (
                400,
                JSON,
                r#"{"error":"invalid_scope"}"#,
                Some(ErrorKind::NeedsReauth),
            ),
            (
                200,
                JSON,
                r#"{"unexpected":true}"#,
                Some(ErrorKind::NeedsReauth),
            ),
        ];
        for (status, kind, body, expected) in cases {
            *answer.lock().unwrap() = (status, kind, body.to_owned());
            match (ep.refresh(&current(), now()).await, expected) {
                (Err(TokenError::InvalidGrant), None) => {}
                (Err(TokenError::Other(e)), Some(kind)) => {
                    assert_eq!(e.kind(), kind, "{status} {body}: {e:?}");
                    if status == 400 {
                        assert!(e.to_string().contains("invalid_scope"), "{e}");
                    }
                }
                (Ok(_), _) => panic!("{status} {body} was taken for tokens"),
                (Err(TokenError::InvalidGrant), _) => panic!("{status} {body}: invalid_grant"),
                (Err(TokenError::Other(e)), None) => panic!("{status} {body}: {e:?}"),
            }
        }
    }

    #[tokio::test]
    async fn revocation_answers_and_an_insecure_remote_url() {
        let answer: Answer = Arc::new(Mutex::new((200, JSON, "{}".into())));
        let ep = fake(answer.clone()).await;
        assert!(ep.revoke(&current()).await.unwrap());
        *answer.lock().unwrap() = (400, JSON, r#"{"error":"invalid_token"}"#.into());
        assert!(!ep.revoke(&current()).await.unwrap());
        *answer.lock().unwrap() = (503, JSON, String::new());
        assert_eq!(
            ep.revoke(&current()).await.unwrap_err().kind(),
            ErrorKind::Server
        );

        let mut remote = ep.clone();
        remote.endpoints.revoke_url = "http://oauth.example/revoke".into();
        let err = remote.revoke(&current()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err:?}");
        assert!(err.to_string().contains("HTTPS"), "{err}");
    }

    #[test]
    fn only_loopback_addresses_may_revoke_over_plain_http() {
        let loopback = |u: &str| is_loopback(&url::Url::parse(u).unwrap());
        assert!(loopback("http://127.0.0.1:4000/revoke"));
        assert!(loopback("http://[::1]:4000/revoke"));
        assert!(loopback("http://LOCALHOST:4000/revoke"));
        assert!(!loopback("http://10.0.0.1/revoke"));
        assert!(!loopback("http://localhost.example/revoke"));
    }
}
