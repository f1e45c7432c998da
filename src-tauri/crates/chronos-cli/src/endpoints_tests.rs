//! Choosing the server from the command line, the environment and a server file, through the
//! whole `Cli` parser (so conflicts between flags are checked as users meet them).

use crate::endpoints::*;
use crate::Cli;
use anyhow::Result;
use chronos_core::config::{Endpoint, GoogleEndpoints, OAuthClientConfig};
use chronos_core::secrets::SecretStore;
use clap::Parser;
use std::collections::HashMap;
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::sync::Arc;

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

    let file = endpoints_file(r#"{"authUrl": "https://a.example/auth", "userinfoUrl": "nope"}"#);
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
