//! From the server options of the command line to the engine's configuration: which endpoints,
//! which OAuth client, which sign-in port, and whether sign-in approves by itself.
//!
//! Each endpoint is decided on its own, highest first: its flag, the `--endpoints` file, the
//! `--emulator-url` shortcut, Google.

use anyhow::{bail, Result};
pub use chronos_core::config::Server;
use chronos_core::config::{
    check_endpoint_url, Endpoint, EndpointOverrides, GoogleEndpoints, OAuthClientConfig, ServerFile,
};
use chronos_core::secrets::SecretStore;
use chronos_core::service::ChronosOptions;
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args, Debug, Default, Clone)]
pub struct ServerArgs {
    /// Talk to a separately started gcal-emulator at this base URL (e.g. http://127.0.0.1:8089):
    /// a shortcut for its five endpoints and demo client, which the flags below override.
    #[arg(long, global = true, env = "CHRONOS_EMULATOR_URL", value_name = "URL", value_parser = endpoint_url)]
    pub emulator_url: Option<String>,
    /// The Calendar API v3 base URL (default: Google's).
    #[arg(long, global = true, value_name = "URL", value_parser = endpoint_url)]
    pub api_base: Option<String>,
    /// The OAuth authorization URL the browser opens for sign-in.
    #[arg(long, global = true, value_name = "URL", value_parser = endpoint_url)]
    pub auth_url: Option<String>,
    /// The OAuth token URL.
    #[arg(long, global = true, value_name = "URL", value_parser = endpoint_url)]
    pub token_url: Option<String>,
    /// The OAuth revocation URL.
    #[arg(long, global = true, value_name = "URL", value_parser = endpoint_url)]
    pub revoke_url: Option<String>,
    /// The OpenID Connect userinfo URL (it names the signed-in account).
    #[arg(long, global = true, value_name = "URL", value_parser = endpoint_url)]
    pub userinfo_url: Option<String>,
    /// A JSON file with any of apiBase, authUrl, tokenUrl, revokeUrl, userinfoUrl, redirectPort,
    /// clientId, clientSecret; the flags win over it.
    #[arg(long, global = true, value_name = "FILE")]
    pub endpoints: Option<PathBuf>,
    /// Listen for the sign-in redirect on this port of 127.0.0.1 (default: any free port), for
    /// servers that register the redirect URI with its port.
    #[arg(long, global = true, value_name = "PORT")]
    pub redirect_port: Option<NonZeroU16>,
    /// OAuth client id (default: the --endpoints file, else $CHRONOS_GOOGLE_CLIENT_ID; with
    /// --emulator-url, the emulator's demo client).
    #[arg(long, global = true)]
    pub client_id: Option<String>,
    /// OAuth client secret (default: the --endpoints file, else $CHRONOS_GOOGLE_CLIENT_SECRET).
    #[arg(long, global = true)]
    pub client_secret: Option<String>,
}

/// The argument ids `--demo` excludes: the in-process emulator decides all of these itself.
pub const DEMO_EXCLUDES: [&str; 9] = [
    "emulator_url",
    "api_base",
    "auth_url",
    "token_url",
    "revoke_url",
    "userinfo_url",
    "endpoints",
    "client_id",
    "client_secret",
];

fn endpoint_url(value: &str) -> Result<String, String> {
    check_endpoint_url(value)
}

/// How the authorization URL is brought to the authorization server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approval {
    /// Printed and opened in the browser, where the user signs in (Google, any other server).
    Browser,
    /// Fetched without a browser: the bundled emulator approves at once.
    Automatic,
}

/// What the server options resolve to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerChoice {
    pub endpoints: GoogleEndpoints,
    pub oauth: OAuthClientConfig,
    pub redirect_port: Option<NonZeroU16>,
    pub approval: Approval,
    pub server: Server,
}

impl ServerChoice {
    /// Reads the `--endpoints` file if there is one and resolves the options; `env` stands for
    /// the environment (client id and secret variables).
    pub fn from_args(args: &ServerArgs, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let file = match &args.endpoints {
            Some(path) => ServerFile::load(path)?,
            None => ServerFile::default(),
        };
        Self::resolve(args, &file, env)
    }

    fn resolve(
        args: &ServerArgs,
        file: &ServerFile,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let emulator = args.emulator_url.as_deref().map(emulator_endpoints);
        let base = emulator.clone().unwrap_or_default();
        let endpoints = flag_overrides(args)?.or(&file.endpoints).over(base);
        // Only the bundled emulator approves by itself; an authorization URL pointed elsewhere
        // needs a person at a browser.
        let bundled_auth = emulator
            .as_ref()
            .is_some_and(|e| e.auth_url == endpoints.auth_url);
        let approval = if bundled_auth {
            Approval::Automatic
        } else {
            Approval::Browser
        };
        let server = match &emulator {
            Some(e) if !endpoints.is_google() && e.api_base == endpoints.api_base => {
                Server::Emulator
            }
            _ => Server::of(&endpoints),
        };
        let client_id = args.client_id.clone().or_else(|| file.client_id.clone());
        let client_secret = args
            .client_secret
            .clone()
            .or_else(|| file.client_secret.clone());
        let oauth = match (emulator.is_some(), client_id) {
            (true, None) if client_secret.is_some() => {
                bail!("a client secret is given without a client id; pass --client-id too")
            }
            (true, None) => OAuthClientConfig::new(
                gcal_emulator::DEMO_CLIENT_ID,
                gcal_emulator::DEMO_CLIENT_SECRET,
            ),
            (_, id) => OAuthClientConfig::resolve(id, client_secret, env)?,
        };
        let redirect_port = args.redirect_port.or(file.redirect_port);
        Ok(Self {
            endpoints,
            oauth,
            redirect_port,
            approval,
            server,
        })
    }

    /// The engine's options for this server, with the local copy in `data_dir`.
    pub fn chronos_options(
        &self,
        data_dir: PathBuf,
        secrets: Arc<dyn SecretStore>,
    ) -> ChronosOptions {
        let mut options = ChronosOptions::new(
            data_dir,
            secrets,
            self.endpoints.clone(),
            self.oauth.clone(),
        );
        options.sign_in.loopback.port = self.redirect_port;
        options
    }

    /// Where this server's local copy lives below the default data directory.
    pub fn data_subdir(&self) -> Option<PathBuf> {
        self.server.data_subdir()
    }
}

fn flag_overrides(args: &ServerArgs) -> Result<EndpointOverrides> {
    let flags = [
        (Endpoint::ApiBase, &args.api_base, "--api-base"),
        (Endpoint::Auth, &args.auth_url, "--auth-url"),
        (Endpoint::Token, &args.token_url, "--token-url"),
        (Endpoint::Revoke, &args.revoke_url, "--revoke-url"),
        (Endpoint::Userinfo, &args.userinfo_url, "--userinfo-url"),
    ];
    let mut overrides = EndpointOverrides::default();
    for (endpoint, value, flag) in flags {
        if let Some(value) = value {
            overrides.set(endpoint, value, flag)?;
        }
    }
    Ok(overrides)
}

/// The endpoints of a gcal-emulator at `base`.
pub fn emulator_endpoints(base: &str) -> GoogleEndpoints {
    let base = base.trim_end_matches('/');
    GoogleEndpoints {
        api_base: format!("{base}/calendar/v3/"),
        auth_url: format!("{base}/o/oauth2/v2/auth"),
        token_url: format!("{base}/token"),
        revoke_url: format!("{base}/revoke"),
        userinfo_url: format!("{base}/oauth2/v3/userinfo"),
    }
}
