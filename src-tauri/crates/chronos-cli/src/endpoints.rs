//! From the server options of the command line to the engine's configuration: which endpoints,
//! which OAuth client, which sign-in port, and whether sign-in approves by itself.
//!
//! Each endpoint is decided on its own, highest first: its flag, the `--endpoints` file, the
//! `--emulator-url` shortcut, Google.

use anyhow::{bail, Result};
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

/// Which server the data comes from, so that each one keeps its own local copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Server {
    Google,
    /// The bundled emulator, through `--demo` or `--emulator-url`.
    Emulator,
    /// Any other API host, named `host` or `host_port`.
    Other(String),
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
            _ if endpoints.is_google() => Server::Google,
            Some(e) if e.api_base == endpoints.api_base => Server::Emulator,
            _ => Server::Other(endpoints.api_host_name()),
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

    /// Where this server's local copy lives below the default data directory: real Google's
    /// data never mixes with an emulator's or another server's.
    pub fn data_subdir(&self) -> Option<PathBuf> {
        match &self.server {
            Server::Google => None,
            Server::Emulator => Some("demo".into()),
            Server::Other(host) => Some(PathBuf::from("servers").join(host)),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cli;
    use clap::Parser;
    use std::collections::HashMap;

    fn parse(args: &[&str]) -> Cli {
        let argv = ["chronos-cli"].iter().chain(args).chain(&["status"]);
        let mut cli = Cli::try_parse_from(argv).unwrap();
        // $CHRONOS_EMULATOR_URL of the machine running the tests takes no part in them.
        if !args.contains(&"--emulator-url") {
            cli.server.emulator_url = None;
        }
        cli
    }

    fn choice_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<ServerChoice> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ServerChoice::from_args(&parse(args).server, |k| env.get(k).cloned())
    }

    fn choice(args: &[&str]) -> ServerChoice {
        choice_with_env(args, &[]).unwrap()
    }

    const ID: [&str; 4] = ["--client-id", "cid", "--client-secret", "cs"];

    fn with_id<'a>(args: &[&'a str]) -> Vec<&'a str> {
        args.iter().copied().chain(ID).collect()
    }

    fn endpoints_file(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    #[test]
    fn without_options_it_is_google_with_the_environments_client() {
        let c = choice_with_env(
            &[],
            &[
                ("CHRONOS_GOOGLE_CLIENT_ID", "env-id"),
                ("CHRONOS_GOOGLE_CLIENT_SECRET", "env-s"),
            ],
        )
        .unwrap();
        assert_eq!(c.endpoints, GoogleEndpoints::default());
        assert_eq!(c.oauth, OAuthClientConfig::new("env-id", "env-s"));
        assert_eq!(
            (c.approval, c.server.clone(), c.redirect_port),
            (Approval::Browser, Server::Google, None)
        );
        assert_eq!(c.data_subdir(), None);
        let err = choice_with_env(&[], &[]).unwrap_err();
        assert!(
            err.to_string().contains("CHRONOS_GOOGLE_CLIENT_ID"),
            "{err}"
        );
    }

    #[test]
    fn each_endpoint_flag_sets_its_endpoint_only() {
        let flags = [
            ("--api-base", Endpoint::ApiBase),
            ("--auth-url", Endpoint::Auth),
            ("--token-url", Endpoint::Token),
            ("--revoke-url", Endpoint::Revoke),
            ("--userinfo-url", Endpoint::Userinfo),
        ];
        let google = GoogleEndpoints::default();
        for (flag, endpoint) in flags {
            let c = choice(&with_id(&[flag, "https://other.example/x"]));
            for other in Endpoint::ALL {
                let want = if other == endpoint {
                    "https://other.example/x"
                } else {
                    google.get(other)
                };
                assert_eq!(c.endpoints.get(other), want, "{flag} → {other:?}");
            }
            assert_eq!(c.oauth, OAuthClientConfig::new("cid", "cs"));
            assert_eq!(c.approval, Approval::Browser, "{flag}");
        }
        let c = choice(&with_id(&["--api-base", "http://127.0.0.1:7000/cal/"]));
        assert_eq!(c.server, Server::Other("127.0.0.1_7000".into()));
        assert_eq!(
            c.data_subdir(),
            Some(PathBuf::from("servers/127.0.0.1_7000"))
        );
    }

    #[test]
    fn the_redirect_port_reaches_the_sign_in_options() {
        let c = choice(&with_id(&["--redirect-port", "8765"]));
        assert_eq!(c.redirect_port.map(NonZeroU16::get), Some(8765));
        let secrets: Arc<dyn SecretStore> =
            Arc::new(chronos_core::secrets::MemorySecretStore::default());
        let options = c.chronos_options(PathBuf::from("/data"), secrets);
        assert_eq!(options.sign_in.loopback.port, c.redirect_port);
        assert_eq!(options.endpoints, c.endpoints);
        assert_eq!(options.oauth, c.oauth);
        for bad in ["0", "70000", "http"] {
            assert!(
                Cli::try_parse_from(["chronos-cli", "--redirect-port", bad, "status"]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_emulator_shortcut_uses_the_demo_client_and_approves_by_itself() {
        let c = choice(&["--emulator-url", "http://127.0.0.1:8089/"]);
        assert_eq!(c.endpoints, emulator_endpoints("http://127.0.0.1:8089"));
        assert_eq!(c.endpoints.token_url, "http://127.0.0.1:8089/token");
        assert_eq!(
            c.oauth,
            OAuthClientConfig::new(
                gcal_emulator::DEMO_CLIENT_ID,
                gcal_emulator::DEMO_CLIENT_SECRET
            )
        );
        assert_eq!(
            (c.approval, c.server.clone()),
            (Approval::Automatic, Server::Emulator)
        );
        assert_eq!(c.data_subdir(), Some(PathBuf::from("demo")));
    }

    #[test]
    fn a_client_id_is_honoured_with_the_emulator_shortcut() {
        let c = choice(&with_id(&["--emulator-url", "http://127.0.0.1:8089"]));
        assert_eq!(c.oauth, OAuthClientConfig::new("cid", "cs"));
        assert_eq!(c.approval, Approval::Automatic);
        // The secret may come from the environment, as for Google.
        let c = choice_with_env(
            &["--emulator-url", "http://e:1", "--client-id", "cid"],
            &[("CHRONOS_GOOGLE_CLIENT_SECRET", "env-s")],
        )
        .unwrap();
        assert_eq!(c.oauth, OAuthClientConfig::new("cid", "env-s"));
        let err = choice_with_env(
            &["--emulator-url", "http://e:1", "--client-secret", "cs"],
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("--client-id"), "{err}");
    }

    #[test]
    fn flags_override_the_emulator_shortcut_and_a_foreign_auth_url_needs_the_browser() {
        let c = choice(&[
            "--emulator-url",
            "http://127.0.0.1:8089",
            "--token-url",
            "https://id.example/token",
        ]);
        assert_eq!(c.endpoints.token_url, "https://id.example/token");
        assert_eq!(
            c.endpoints.auth_url,
            "http://127.0.0.1:8089/o/oauth2/v2/auth"
        );
        assert_eq!(c.approval, Approval::Automatic);
        let c = choice(&[
            "--emulator-url",
            "http://127.0.0.1:8089",
            "--auth-url",
            "https://id.example/auth",
        ]);
        assert_eq!(c.approval, Approval::Browser);
        let c = choice(&[
            "--emulator-url",
            "http://127.0.0.1:8089",
            "--api-base",
            "https://api.example/v3/",
        ]);
        assert_eq!(c.server, Server::Other("api.example".into()));
    }

    #[test]
    fn precedence_is_flag_then_file_then_emulator_then_google() {
        let file = endpoints_file(
            r#"{"tokenUrl": "https://file.example/token", "revokeUrl": "https://file.example/revoke",
                "redirectPort": 9001, "clientId": "file-id", "clientSecret": "file-secret"}"#,
        );
        let path = file.path().to_str().unwrap();
        let c = choice(&[
            "--endpoints",
            path,
            "--emulator-url",
            "http://127.0.0.1:8089",
            "--token-url",
            "https://flag.example/t",
        ]);
        assert_eq!(
            c.endpoints.token_url, "https://flag.example/t",
            "flag over file"
        );
        assert_eq!(
            c.endpoints.revoke_url, "https://file.example/revoke",
            "file over emulator"
        );
        assert_eq!(
            c.endpoints.api_base, "http://127.0.0.1:8089/calendar/v3/",
            "emulator over Google"
        );
        assert_eq!(
            c.oauth,
            OAuthClientConfig::new("file-id", "file-secret"),
            "the file's client over the demo client"
        );
        assert_eq!(c.redirect_port.map(NonZeroU16::get), Some(9001));

        let c = choice(&[
            "--endpoints",
            path,
            "--client-id",
            "flag-id",
            "--redirect-port",
            "9002",
        ]);
        assert_eq!(
            c.endpoints.userinfo_url,
            GoogleEndpoints::default().userinfo_url,
            "Google under the file"
        );
        assert_eq!(c.oauth, OAuthClientConfig::new("flag-id", "file-secret"));
        assert_eq!(c.redirect_port.map(NonZeroU16::get), Some(9002));
        assert_eq!(c.server, Server::Google);
    }

    #[test]
    fn bad_flags_and_files_are_clear_errors() {
        let err = Cli::try_parse_from(["chronos-cli", "--token-url", "not a url", "status"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--token-url") && err.contains("not a URL"),
            "{err}"
        );
        let err = Cli::try_parse_from(["chronos-cli", "--api-base", "ftp://x.example/", "status"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--api-base") && err.contains("http"), "{err}");
        let err = Cli::try_parse_from([
            "chronos-cli",
            "--demo",
            "--api-base",
            "https://x.example/",
            "status",
        ])
        .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);

        let file =
            endpoints_file(r#"{"authUrl": "https://a.example/auth", "userinfoUrl": "nope"}"#);
        let path = file.path().to_str().unwrap();
        let err = choice_with_env(&with_id(&["--endpoints", path]), &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"userinfoUrl\"") && err.contains(file.path().to_str().unwrap()),
            "{err}"
        );
        let file = endpoints_file("{not json");
        let path = file.path().to_str().unwrap();
        let err = choice_with_env(&with_id(&["--endpoints", path]), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("not valid JSON"), "{err}");
        let err = choice_with_env(
            &with_id(&["--endpoints", "/nonexistent/endpoints.json"]),
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("cannot read the endpoints file /nonexistent/endpoints.json"),
            "{err}"
        );
    }
}
