//! Where Google lives and who Chronos is to Google.
//!
//! Every endpoint is configurable so the same code talks to real Google and to the emulator.

use crate::error::{Error, Result};
use std::fmt;

/// The base URLs of the Calendar API and Google's OAuth endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoogleEndpoints {
    /// Calendar API v3 base; paths such as `calendars/{id}/events` are joined onto it.
    pub api_base: String,
    pub auth_url: String,
    pub token_url: String,
    pub revoke_url: String,
    pub userinfo_url: String,
}

impl Default for GoogleEndpoints {
    fn default() -> Self {
        Self {
            api_base: "https://www.googleapis.com/calendar/v3/".into(),
            auth_url: "https://accounts.google.com/o/oauth2/v2/auth".into(),
            token_url: "https://oauth2.googleapis.com/token".into(),
            revoke_url: "https://oauth2.googleapis.com/revoke".into(),
            userinfo_url: "https://openidconnect.googleapis.com/v1/userinfo".into(),
        }
    }
}

impl GoogleEndpoints {
    /// `api_base` with exactly one trailing slash, so joining relative paths keeps its last segment.
    pub(crate) fn api_base_slash(&self) -> String {
        let mut base = self.api_base.trim_end_matches('/').to_owned();
        base.push('/');
        base
    }
}

pub const ENV_CLIENT_ID: &str = "CHRONOS_GOOGLE_CLIENT_ID";
pub const ENV_CLIENT_SECRET: &str = "CHRONOS_GOOGLE_CLIENT_SECRET";

/// The OAuth client Chronos is registered as ("Desktop app" type at Google).
///
/// Google requires the secret of a desktop client even with PKCE and does not treat it as
/// confidential; it is still kept out of logs.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthClientConfig {
    pub client_id: String,
    pub client_secret: String,
}

impl fmt::Debug for OAuthClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClientConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

impl OAuthClientConfig {
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self { client_id: client_id.into(), client_secret: client_secret.into() }
    }

    /// From `CHRONOS_GOOGLE_CLIENT_ID` / `CHRONOS_GOOGLE_CLIENT_SECRET`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// The configured values win; the environment fills what configuration leaves out.
    pub fn from_config_or_env(client_id: Option<String>, client_secret: Option<String>) -> Result<Self> {
        Self::resolve(client_id, client_secret, |k| std::env::var(k).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        Self::resolve(None, None, lookup)
    }

    fn resolve(
        client_id: Option<String>,
        client_secret: Option<String>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let id = non_empty(client_id).or_else(|| non_empty(lookup(ENV_CLIENT_ID)));
        let secret = non_empty(client_secret).or_else(|| non_empty(lookup(ENV_CLIENT_SECRET)));
        match (id, secret) {
            (Some(id), Some(secret)) => Ok(Self::new(id, secret)),
            (None, _) => Err(Error::InvalidInput(format!(
                "no Google OAuth client id configured: set {ENV_CLIENT_ID} (and {ENV_CLIENT_SECRET}) \
                 or put them in the configuration"
            ))),
            (Some(_), None) => Err(Error::InvalidInput(format!(
                "no Google OAuth client secret configured: set {ENV_CLIENT_SECRET} \
                 or put it in the configuration"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_real_google() {
        let e = GoogleEndpoints::default();
        assert_eq!(e.api_base, "https://www.googleapis.com/calendar/v3/");
        assert_eq!(e.token_url, "https://oauth2.googleapis.com/token");
        assert_eq!(e.userinfo_url, "https://openidconnect.googleapis.com/v1/userinfo");
        let mut e2 = e.clone();
        e2.api_base = "http://127.0.0.1:9/calendar/v3".into();
        assert_eq!(e2.api_base_slash(), "http://127.0.0.1:9/calendar/v3/");
    }

    #[test]
    fn config_wins_over_env_and_env_fills_gaps() {
        let env = |k: &str| match k {
            ENV_CLIENT_ID => Some("env-id".to_owned()),
            ENV_CLIENT_SECRET => Some("env-secret".to_owned()),
            _ => None,
        };
        let c = OAuthClientConfig::resolve(Some("cfg-id".into()), None, env).unwrap();
        assert_eq!(c, OAuthClientConfig::new("cfg-id", "env-secret"));
        let c = OAuthClientConfig::from_lookup(env).unwrap();
        assert_eq!(c.client_id, "env-id");
        assert!(!format!("{c:?}").contains("env-secret"));
    }

    #[test]
    fn missing_client_id_names_the_variable() {
        let err = OAuthClientConfig::from_lookup(|_| None).unwrap_err();
        assert!(err.to_string().contains(ENV_CLIENT_ID));
        let err = OAuthClientConfig::from_lookup(|k| (k == ENV_CLIENT_ID).then(|| "x".into())).unwrap_err();
        assert!(err.to_string().contains(ENV_CLIENT_SECRET));
    }
}
