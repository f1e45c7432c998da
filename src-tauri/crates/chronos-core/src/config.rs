//! Where Google lives and who Chronos is to Google.
//!
//! Every endpoint is configurable so the same code talks to real Google and to the emulator.

use crate::error::{Error, Result};
use std::fmt;
use std::num::NonZeroU16;
use std::path::Path;

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

    pub fn get(&self, endpoint: Endpoint) -> &str {
        match endpoint {
            Endpoint::ApiBase => &self.api_base,
            Endpoint::Auth => &self.auth_url,
            Endpoint::Token => &self.token_url,
            Endpoint::Revoke => &self.revoke_url,
            Endpoint::Userinfo => &self.userinfo_url,
        }
    }

    fn slot(&mut self, endpoint: Endpoint) -> &mut String {
        match endpoint {
            Endpoint::ApiBase => &mut self.api_base,
            Endpoint::Auth => &mut self.auth_url,
            Endpoint::Token => &mut self.token_url,
            Endpoint::Revoke => &mut self.revoke_url,
            Endpoint::Userinfo => &mut self.userinfo_url,
        }
    }

    /// A file-system-safe name of the API host (`host` or `host_port`): a server other than
    /// Google keeps its local copy apart under it, so data of two servers never mixes.
    pub fn api_host_name(&self) -> String {
        let Ok(url) = url::Url::parse(&self.api_base) else {
            return "unknown".to_owned();
        };
        let host = url.host_str().unwrap_or("unknown");
        let name = match url.port() {
            Some(port) => format!("{host}_{port}"),
            None => host.to_owned(),
        };
        name.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }

    /// Whether these are Google's own API endpoints.
    pub fn is_google(&self) -> bool {
        self.api_base == Self::default().api_base
    }

    /// An endpoints file's text (see [`ServerFile`]); what it leaves out is Google's.
    pub fn from_json(text: &str) -> Result<Self> {
        Ok(ServerFile::parse(text)?.endpoints.over(Self::default()))
    }

    /// An endpoints file (see [`ServerFile`]); what it leaves out is Google's.
    pub fn from_file(path: &Path) -> Result<Self> {
        Ok(ServerFile::load(path)?.endpoints.over(Self::default()))
    }
}

/// One of the addresses of [`GoogleEndpoints`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    ApiBase,
    Auth,
    Token,
    Revoke,
    Userinfo,
}

impl Endpoint {
    pub const ALL: [Endpoint; 5] = [
        Endpoint::ApiBase,
        Endpoint::Auth,
        Endpoint::Token,
        Endpoint::Revoke,
        Endpoint::Userinfo,
    ];

    /// Its key in an endpoints file.
    pub fn file_key(self) -> &'static str {
        match self {
            Endpoint::ApiBase => "apiBase",
            Endpoint::Auth => "authUrl",
            Endpoint::Token => "tokenUrl",
            Endpoint::Revoke => "revokeUrl",
            Endpoint::Userinfo => "userinfoUrl",
        }
    }
}

/// Checks that `value` can be an endpoint: an absolute `http`/`https` URL with a host. The
/// reason is for the caller to put next to the name the value came under.
pub fn check_endpoint_url(value: &str) -> std::result::Result<String, String> {
    let url = url::Url::parse(value.trim()).map_err(|e| format!("{value:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("{value:?} is not an http:// or https:// address"));
    }
    Ok(value.trim().to_owned())
}

/// Endpoints set at one level of configuration; each one left out comes from the level below.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointOverrides {
    urls: std::collections::BTreeMap<Endpoint, String>,
}

impl EndpointOverrides {
    /// Sets `endpoint` after [`check_endpoint_url`]; the error names `source` (a flag, a file key).
    pub fn set(&mut self, endpoint: Endpoint, value: &str, source: &str) -> Result<()> {
        let url = check_endpoint_url(value)
            .map_err(|why| Error::InvalidInput(format!("{source}: {why}")))?;
        self.urls.insert(endpoint, url);
        Ok(())
    }

    pub fn get(&self, endpoint: Endpoint) -> Option<&str> {
        self.urls.get(&endpoint).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }

    /// These, with what they leave out taken from `lower`.
    pub fn or(mut self, lower: &EndpointOverrides) -> Self {
        for (endpoint, url) in &lower.urls {
            self.urls.entry(*endpoint).or_insert_with(|| url.clone());
        }
        self
    }

    /// `base` with these endpoints put in.
    pub fn over(&self, mut base: GoogleEndpoints) -> GoogleEndpoints {
        for (endpoint, url) in &self.urls {
            *base.slot(*endpoint) = url.clone();
        }
        base
    }
}

/// Which server the data comes from, so that each one keeps its own local copy (the app and
/// the CLI keep them in the same places).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Server {
    Google,
    /// The bundled emulator (demo mode, `--demo`, `--emulator-url`).
    Emulator,
    /// Any other API host, named `host` or `host_port`.
    Other(String),
}

impl Server {
    /// Google, or the other server `endpoints` name.
    pub fn of(endpoints: &GoogleEndpoints) -> Server {
        if endpoints.is_google() {
            Server::Google
        } else {
            Server::Other(endpoints.api_host_name())
        }
    }

    /// Where this server's local copy lives below the data directory: real Google's data
    /// never mixes with an emulator's or another server's.
    pub fn data_subdir(&self) -> Option<std::path::PathBuf> {
        match self {
            Server::Google => None,
            Server::Emulator => Some("demo".into()),
            Server::Other(host) => Some(std::path::Path::new("servers").join(host)),
        }
    }
}

/// An endpoints file: a JSON object with any of `apiBase`, `authUrl`, `tokenUrl`, `revokeUrl`,
/// `userinfoUrl` (addresses), `redirectPort` (the fixed sign-in port), `clientId` and
/// `clientSecret`. Unknown keys are refused, so a misspelt key cannot silently mean Google.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerFile {
    pub endpoints: EndpointOverrides,
    pub redirect_port: Option<NonZeroU16>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

impl fmt::Debug for ServerFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerFile")
            .field("endpoints", &self.endpoints)
            .field("redirect_port", &self.redirect_port)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl ServerFile {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::InvalidInput(format!(
                "cannot read the endpoints file {}: {e}",
                path.display()
            ))
        })?;
        Self::parse(&text)
            .map_err(|e| Error::InvalidInput(format!("endpoints file {}: {e}", path.display())))
    }

    pub fn parse(text: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::InvalidInput(format!("not valid JSON: {e}")))?;
        let serde_json::Value::Object(fields) = value else {
            return Err(Error::InvalidInput(
                "expected a JSON object of endpoints".into(),
            ));
        };
        let mut file = ServerFile::default();
        for (key, value) in &fields {
            if key == "redirectPort" {
                file.redirect_port = Some(redirect_port(value)?);
                continue;
            }
            let text = value
                .as_str()
                .ok_or_else(|| Error::InvalidInput(format!("\"{key}\" must be a string")))?;
            match key.as_str() {
                "clientId" => file.client_id = Some(text.to_owned()),
                "clientSecret" => file.client_secret = Some(text.to_owned()),
                _ => match Endpoint::ALL.into_iter().find(|e| e.file_key() == key) {
                    Some(endpoint) => file.endpoints.set(endpoint, text, &format!("\"{key}\""))?,
                    None => {
                        let known: Vec<&str> = Endpoint::ALL.iter().map(|e| e.file_key()).collect();
                        return Err(Error::InvalidInput(format!(
                            "unknown key \"{key}\" (known: {}, redirectPort, clientId, clientSecret)",
                            known.join(", ")
                        )));
                    }
                },
            }
        }
        Ok(file)
    }
}

fn redirect_port(value: &serde_json::Value) -> Result<NonZeroU16> {
    value
        .as_u64()
        .and_then(|p| u16::try_from(p).ok())
        .and_then(NonZeroU16::new)
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "\"redirectPort\" must be a port number 1-65535, not {value}"
            ))
        })
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
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// From `CHRONOS_GOOGLE_CLIENT_ID` / `CHRONOS_GOOGLE_CLIENT_SECRET`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// The configured values win; the environment fills what configuration leaves out.
    pub fn from_config_or_env(
        client_id: Option<String>,
        client_secret: Option<String>,
    ) -> Result<Self> {
        Self::resolve(client_id, client_secret, |k| std::env::var(k).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        Self::resolve(None, None, lookup)
    }

    /// The configured values win; `lookup` (the environment, in tests a map) fills the gaps.
    pub fn resolve(
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
        assert_eq!(
            e.userinfo_url,
            "https://openidconnect.googleapis.com/v1/userinfo"
        );
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
    fn an_endpoints_file_fills_what_it_names_and_google_the_rest() {
        let e = GoogleEndpoints::from_json(
            r#"{"apiBase": "http://127.0.0.1:9/cal/", "tokenUrl": "https://id.example/token"}"#,
        )
        .unwrap();
        assert_eq!(e.api_base, "http://127.0.0.1:9/cal/");
        assert_eq!(e.token_url, "https://id.example/token");
        let google = GoogleEndpoints::default();
        assert_eq!(
            (e.auth_url, e.revoke_url, e.userinfo_url),
            (google.auth_url, google.revoke_url, google.userinfo_url)
        );

        let all = ServerFile::parse(
            r#"{"apiBase": "https://a.example/", "authUrl": "https://a.example/auth", "tokenUrl": "https://a.example/t",
                "revokeUrl": "https://a.example/r", "userinfoUrl": "https://a.example/u", "redirectPort": 8765,
                "clientId": "cid", "clientSecret": "shh"}"#,
        )
        .unwrap();
        let e = all.endpoints.over(GoogleEndpoints::default());
        for endpoint in Endpoint::ALL {
            assert!(
                e.get(endpoint).starts_with("https://a.example/"),
                "{endpoint:?}"
            );
        }
        assert_eq!(all.redirect_port.map(NonZeroU16::get), Some(8765));
        assert_eq!(
            (all.client_id.as_deref(), all.client_secret.as_deref()),
            (Some("cid"), Some("shh"))
        );
        assert!(!format!("{all:?}").contains("shh"));
    }

    #[test]
    fn bad_endpoints_files_are_clear_errors_naming_the_field() {
        let err = |text: &str| {
            let e = ServerFile::parse(text).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
            e.to_string()
        };
        assert!(err(r#"{"apiBase": "#).contains("not valid JSON"));
        assert!(err(r#"["https://a.example"]"#).contains("JSON object"));
        let m = err(r#"{"tokenUrl": "not a url"}"#);
        assert!(m.contains("\"tokenUrl\"") && m.contains("not a URL"), "{m}");
        let m = err(r#"{"authUrl": "ftp://a.example/auth"}"#);
        assert!(m.contains("\"authUrl\"") && m.contains("http"), "{m}");
        let m = err(r#"{"revokeUrl": 5}"#);
        assert!(m.contains("\"revokeUrl\" must be a string"), "{m}");
        let m = err(r#"{"tokenURL": "https://a.example/t"}"#);
        assert!(
            m.contains("unknown key \"tokenURL\"") && m.contains("tokenUrl"),
            "{m}"
        );
        for port in ["0", "70000", "\"80\"", "-1"] {
            let m = err(&format!(r#"{{"redirectPort": {port}}}"#));
            assert!(
                m.contains("\"redirectPort\"") && m.contains("1-65535"),
                "{port}: {m}"
            );
        }
        let missing =
            ServerFile::load(Path::new("/nonexistent/chronos-endpoints.json")).unwrap_err();
        assert!(missing
            .to_string()
            .contains("/nonexistent/chronos-endpoints.json"));
    }

    #[test]
    fn overrides_layer_field_by_field() {
        let mut upper = EndpointOverrides::default();
        upper
            .set(
                Endpoint::Token,
                "https://upper.example/token",
                "--token-url",
            )
            .unwrap();
        let mut lower = EndpointOverrides::default();
        lower
            .set(Endpoint::Token, "https://lower.example/token", "tokenUrl")
            .unwrap();
        lower
            .set(Endpoint::Auth, "https://lower.example/auth", "authUrl")
            .unwrap();
        let e = upper.or(&lower).over(GoogleEndpoints::default());
        assert_eq!(e.token_url, "https://upper.example/token");
        assert_eq!(e.auth_url, "https://lower.example/auth");
        assert_eq!(e.api_base, GoogleEndpoints::default().api_base);
        let bad = EndpointOverrides::default()
            .set(Endpoint::ApiBase, "nope", "--api-base")
            .unwrap_err();
        assert!(bad.to_string().starts_with("--api-base: "), "{bad}");
    }

    #[test]
    fn missing_client_id_names_the_variable() {
        let err = OAuthClientConfig::from_lookup(|_| None).unwrap_err();
        assert!(err.to_string().contains(ENV_CLIENT_ID));
        let err = OAuthClientConfig::from_lookup(|k| (k == ENV_CLIENT_ID).then(|| "x".into()))
            .unwrap_err();
        assert!(err.to_string().contains(ENV_CLIENT_SECRET));
    }
}
