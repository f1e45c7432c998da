//! Google's OAuth token, revoke and userinfo endpoints: the wire protocol only.

use super::token_set::TokenSet;
use crate::config::{GoogleEndpoints, OAuthClientConfig};
use crate::error::{Error, ErrorKind, Result};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::time::Duration;

/// Talks to the token endpoint for one OAuth client.
#[derive(Clone, Debug)]
pub struct TokenEndpoint {
    pub(crate) http: reqwest::Client,
    pub(crate) endpoints: GoogleEndpoints,
    pub(crate) client: OAuthClientConfig,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

#[derive(Deserialize, Default)]
struct OAuthErrorBody {
    #[serde(default)]
    error: Option<String>,
}

/// How the token endpoint said no.
pub(crate) enum TokenError {
    /// `invalid_grant`: the refresh token (or code) is revoked, expired or already used.
    InvalidGrant,
    Other(Error),
}

const MAX_TOKEN_BODY: usize = 64 * 1024;

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

    /// `grant_type=authorization_code` with the PKCE verifier.
    pub(crate) async fn exchange_code(
        &self,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
        requested_scope: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenSet, TokenError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", &self.client.client_id),
            ("client_secret", &self.client.client_secret),
            ("code_verifier", code_verifier),
            ("redirect_uri", redirect_uri),
        ];
        let resp = self.post_token(&form).await?;
        // RFC 6749 §5.1: an absent `scope` means exactly what was requested was granted.
        Ok(resp.into_token_set(None, requested_scope, now))
    }

    /// `grant_type=refresh_token`. Google usually sends no new refresh token: keep the old one.
    pub(crate) async fn refresh(
        &self,
        current: &TokenSet,
        now: DateTime<Utc>,
    ) -> Result<TokenSet, TokenError> {
        let Some(refresh_token) = current.refresh_token.as_deref() else {
            return Err(TokenError::InvalidGrant);
        };
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", &self.client.client_id),
            ("client_secret", &self.client.client_secret),
        ];
        let resp = self.post_token(&form).await?;
        Ok(resp.into_token_set(current.refresh_token.clone(), &current.scope, now))
    }

    async fn post_token(&self, form: &[(&str, &str)]) -> Result<TokenResponse, TokenError> {
        let resp = self
            .http
            .post(&self.endpoints.token_url)
            .form(form)
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| TokenError::Other(network("the token endpoint", &e)))?;
        let status = resp.status().as_u16();
        let body = read_small(resp).await.map_err(TokenError::Other)?;
        if (200..300).contains(&status) {
            return serde_json::from_slice::<TokenResponse>(&body).map_err(|_| {
                TokenError::Other(Error::Auth(
                    "the token endpoint sent an unreadable answer".into(),
                ))
            });
        }
        let err = serde_json::from_slice::<OAuthErrorBody>(&body)
            .unwrap_or_default()
            .error
            .unwrap_or_default();
        Err(match (status, err.as_str()) {
            (_, "invalid_grant") => TokenError::InvalidGrant,
            // A configuration problem, not the user's grant: kind invalid_input, no re-auth.
            (_, "invalid_client" | "unauthorized_client") => TokenError::Other(Error::InvalidInput(
                "Google does not accept Chronos' OAuth client id/secret; check CHRONOS_GOOGLE_CLIENT_ID \
                 and CHRONOS_GOOGLE_CLIENT_SECRET"
                    .into(),
            )),
            (429 | 500..=599, _) => TokenError::Other(Error::Google {
                kind: if status == 429 { ErrorKind::RateLimited } else { ErrorKind::Server },
                status,
                reason: None,
                message: format!("the token endpoint answered HTTP {status}"),
                retry_after: None,
            }),
            _ => TokenError::Other(Error::Auth(format!(
                "the token endpoint refused the request (HTTP {status}{})",
                if err.is_empty() { String::new() } else { format!(", {}", sanitize_code(&err)) }
            ))),
        })
    }

    /// Revokes a token (refresh tokens revoke the whole grant). `Ok(false)` when Google says the
    /// token was already invalid.
    pub(crate) async fn revoke(&self, token: &str) -> Result<bool> {
        let resp = self
            .http
            .post(&self.endpoints.revoke_url)
            .form(&[("token", token)])
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| network("the revoke endpoint", &e))?;
        let status = resp.status().as_u16();
        let body = read_small(resp).await?;
        match status {
            200..=299 => Ok(true),
            400 => {
                let err = serde_json::from_slice::<OAuthErrorBody>(&body)
                    .unwrap_or_default()
                    .error;
                match err.as_deref() {
                    Some("invalid_token") | Some("invalid_grant") | None => Ok(false),
                    Some(other) => Err(Error::Auth(format!(
                        "revoking failed ({})",
                        sanitize_code(other)
                    ))),
                }
            }
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

    /// The account's e-mail from the OpenID userinfo endpoint.
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

impl TokenResponse {
    fn into_token_set(
        self,
        fallback_refresh: Option<String>,
        requested_scope: &str,
        now: DateTime<Utc>,
    ) -> TokenSet {
        let expires_in = self.expires_in.unwrap_or(3600).clamp(0, 365 * 24 * 3600);
        TokenSet {
            access_token: self.access_token,
            expires_at: now + chrono::Duration::seconds(expires_in),
            refresh_token: self
                .refresh_token
                .filter(|t| !t.is_empty())
                .or(fallback_refresh),
            scope: self.scope.unwrap_or_else(|| requested_scope.to_owned()),
        }
    }
}

fn sanitize_code(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

fn network(what: &str, e: &reqwest::Error) -> Error {
    let how = if e.is_timeout() {
        "timed out"
    } else {
        "could not be reached"
    };
    Error::Network(format!("{what} {how}"))
}

async fn read_small(mut resp: reqwest::Response) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| network("the OAuth server", &e))?
    {
        if body.len() + chunk.len() > MAX_TOKEN_BODY {
            return Err(Error::Auth(
                "the OAuth server sent an over-large answer".into(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
