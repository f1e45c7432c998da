//! OAuth grants: authorization codes, access tokens and refresh tokens, as Google's token
//! endpoint hands them out. A grant ties the tokens of one sign-in together, so revoking one
//! token revokes the grant.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::spec::ClientSpec;

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub account: String,
    pub scope: String,
    pub issued: Instant,
    pub used: bool,
    pub grant: u64,
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub account: String,
    pub scope: String,
    pub expires: Instant,
    pub grant: u64,
}

#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub account: String,
    pub scope: String,
    pub client_id: String,
    pub grant: u64,
    pub revoked: bool,
}

/// An authorization request waiting on the consent page.
#[derive(Debug, Clone)]
pub struct PendingConsent {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub scope: String,
    pub state: Option<String>,
    pub login_hint: Option<String>,
}

#[derive(Debug)]
pub struct OAuthStore {
    pub clients: Vec<ClientSpec>,
    pub codes: HashMap<String, AuthCode>,
    pub access: HashMap<String, AccessToken>,
    pub refresh: HashMap<String, RefreshToken>,
    pub consents: HashMap<String, PendingConsent>,
    pub next_grant: u64,
    pub access_ttl: Duration,
    /// Granular consent in auto-approve mode: grant only these of the requested scopes.
    pub granted_scopes: Option<Vec<String>>,
}

/// The answer of the token endpoint.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
    pub token_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl OAuthStore {
    /// No grants yet; the token endpoint accepts `clients`.
    pub fn new(clients: Vec<ClientSpec>) -> OAuthStore {
        OAuthStore {
            clients,
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            consents: HashMap::new(),
            next_grant: 1,
            access_ttl: Duration::from_secs(3599),
            granted_scopes: None,
        }
    }

    pub fn client_specs(&self) -> Vec<ClientSpec> {
        self.clients.clone()
    }

    pub fn client_secret(&self, client_id: &str) -> Option<&str> {
        self.clients
            .iter()
            .find(|c| c.client_id == client_id)
            .map(|c| c.client_secret.as_str())
    }

    /// The account behind a live access token, with its scopes.
    pub fn account_for(&self, token: &str) -> Option<(&str, &str)> {
        let t = self.access.get(token)?;
        if t.expires <= Instant::now() {
            return None;
        }
        Some((t.account.as_str(), t.scope.as_str()))
    }

    pub fn revoke_grant(&mut self, grant: u64) {
        self.access.retain(|_, t| t.grant != grant);
        for r in self.refresh.values_mut().filter(|r| r.grant == grant) {
            r.revoked = true;
        }
    }

    pub fn expire_access(&mut self, account: Option<&str>) -> usize {
        let past = Instant::now() - Duration::from_millis(1);
        let mut n = 0;
        for t in self
            .access
            .values_mut()
            .filter(|t| account.is_none_or(|a| t.account == a))
        {
            t.expires = t.expires.min(past);
            n += 1;
        }
        n
    }

    pub fn revoke_refresh(&mut self, account: Option<&str>) -> usize {
        let grants: Vec<u64> = self
            .refresh
            .values()
            .filter(|r| !r.revoked && account.is_none_or(|a| r.account == a))
            .map(|r| r.grant)
            .collect();
        for g in &grants {
            self.revoke_grant(*g);
        }
        grants.len()
    }
}
