//! The sign-in flow for desktop apps: loopback listener + PKCE + the system browser.

use super::loopback::{LoopbackListener, LoopbackOptions};
use super::token_endpoint::{TokenEndpoint, TokenError};
use super::token_set::TokenSet;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::AccountId;
use oauth2::{CsrfToken, PkceCodeChallenge};
use std::future::Future;
use std::time::Duration;

/// Read/write access to calendars, the one scope sync cannot do without.
pub const CALENDAR_SCOPE: &str = "https://www.googleapis.com/auth/calendar";
/// What sign-in asks for: calendars, plus the account's identity.
pub const SIGN_IN_SCOPES: &[&str] = &[CALENDAR_SCOPE, "openid", "email"];

#[derive(Clone, Debug, Default)]
pub struct SignInOptions {
    pub loopback: LoopbackOptions,
    /// Pre-fills the account chooser (used when reconnecting an account).
    pub login_hint: Option<String>,
}

/// A completed sign-in. Hand `tokens` to [`super::TokenManager::store_new`].
#[derive(Debug)]
pub struct SignedIn {
    pub account: AccountId,
    pub tokens: TokenSet,
}

/// The authorization request URL for [`SIGN_IN_SCOPES`].
pub fn authorization_url(
    endpoint: &TokenEndpoint,
    redirect_uri: &str,
    challenge: PkceCodeChallenge,
    state: &CsrfToken,
    login_hint: Option<&str>,
) -> Result<String> {
    endpoint.authorization_url(redirect_uri, challenge, state, SIGN_IN_SCOPES, login_hint)
}

/// Runs the whole sign-in: opens the authorization URL with `open_url` (the system browser in
/// the app and CLI; [`open_without_browser`] in demo mode and tests), waits for the loopback
/// callback, exchanges the code, checks the granted scopes and asks who the user is.
pub async fn sign_in<F, Fut>(
    endpoint: &TokenEndpoint,
    clock: &dyn Clock,
    options: SignInOptions,
    open_url: F,
) -> Result<SignedIn>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    // 256 bits, as much as the verifier carries.
    let state = CsrfToken::new_random_len(32);
    let listener = LoopbackListener::bind(state.secret(), options.loopback.clone()).await?;
    let redirect_uri = listener.redirect_uri();
    let url = authorization_url(
        endpoint,
        &redirect_uri,
        challenge,
        &state,
        options.login_hint.as_deref(),
    )?;

    let wait = listener.wait();
    tokio::pin!(wait);
    let opened = open_url(url);
    tokio::pin!(opened);
    // The browser (or the headless opener) and the listener run side by side; the opener may
    // finish first (a browser returns at once) or only after the callback (headless GET).
    let code = tokio::select! {
        r = &mut wait => r?,
        r = &mut opened => {
            r?;
            wait.await?
        }
    };

    let requested = SIGN_IN_SCOPES.join(" ");
    let tokens = match endpoint
        .exchange_code(&code.code, verifier, &redirect_uri, &requested, clock.now())
        .await
    {
        Ok(t) => t,
        Err(TokenError::InvalidGrant) => {
            return Err(Error::Auth(
                "Google refused the sign-in code (expired or already used); try again".into(),
            ))
        }
        Err(TokenError::Other(e)) => return Err(e),
    };
    if !tokens.has_scope(CALENDAR_SCOPE) {
        // Do not keep a grant Chronos cannot use.
        if let Err(e) = endpoint.revoke(&tokens).await {
            tracing::warn!(
                kind = e.kind().as_str(),
                "could not revoke a grant without calendar access"
            );
        }
        return Err(Error::Auth(
            "Chronos was not given access to your calendars. Sign in again and, on Google's consent \
             page, allow Chronos to see and edit your calendars."
                .into(),
        ));
    }
    if tokens.refresh_token.is_none() {
        return Err(Error::Auth(
            "Google did not grant offline access (no refresh token); sign in again and approve all requested access"
                .into(),
        ));
    }
    let email = endpoint.userinfo_email(&tokens.access_token).await?;
    tracing::info!("signed in a Google account");
    Ok(SignedIn {
        account: AccountId::new(email),
        tokens,
    })
}

/// The "browser" of demo mode and tests: GET the authorization URL without following
/// redirects, then GET the `Location` it redirects to — which is the loopback callback. Works
/// with an authorization server that approves without user interaction (the emulator).
pub async fn open_without_browser(url: String) -> Result<()> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Error::Internal(format!("http client: {e}")))?;
    let resp =
        http.get(&url).send().await.map_err(|_| {
            Error::Network("the authorization endpoint could not be reached".into())
        })?;
    if !resp.status().is_redirection() {
        return Err(Error::Auth(format!(
            "the authorization endpoint did not approve automatically (HTTP {}); sign in with a browser",
            resp.status().as_u16()
        )));
    }
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Error::Auth("the authorization endpoint redirected without a Location".into())
        })?
        .to_owned();
    let target = url::Url::parse(&url)
        .and_then(|base| base.join(&location))
        .map_err(|_| {
            Error::Auth("the authorization endpoint redirected to an invalid address".into())
        })?;
    if target.host_str() != Some("127.0.0.1") {
        return Err(Error::Auth(
            "the authorization endpoint redirected somewhere other than the loopback listener"
                .into(),
        ));
    }
    // The listener's answer is our own static page; its status says nothing more than the
    // listener's own result, which sign_in reads.
    http.get(target)
        .send()
        .await
        .map_err(|_| Error::Network("the loopback listener could not be reached".into()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{GoogleEndpoints, OAuthClientConfig};
    use oauth2::PkceCodeVerifier;

    #[test]
    fn authorization_url_carries_every_parameter() {
        let ep = TokenEndpoint::new(
            reqwest::Client::new(),
            GoogleEndpoints::default(),
            OAuthClientConfig::new("cid", "cs"),
        );
        // RFC 7636 appendix B's known answer.
        let verifier = PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
        let u = authorization_url(
            &ep,
            "http://127.0.0.1:5555/callback",
            challenge,
            &CsrfToken::new("st".into()),
            Some("a@b.c"),
        )
        .unwrap();
        let u = url::Url::parse(&u).unwrap();
        assert_eq!(u.host_str(), Some("accounts.google.com"));
        let q: std::collections::HashMap<_, _> = u.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:5555/callback");
        assert_eq!(q["response_type"], "code");
        assert_eq!(
            q["scope"],
            "https://www.googleapis.com/auth/calendar openid email"
        );
        assert_eq!(
            q["code_challenge"],
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], "st");
        assert_eq!(q["access_type"], "offline");
        assert_eq!(q["prompt"], "consent");
        assert_eq!(q["login_hint"], "a@b.c");
        assert!(!q.contains_key("client_secret"));
    }
}
