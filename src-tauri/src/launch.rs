//! How this run was started: demo or real Google, and where its data lives.
//!
//! Demo mode is chosen by `--demo`, or when no Google OAuth client is configured (neither
//! `CHRONOS_GOOGLE_CLIENT_ID` nor `google-client.json` in the config directory), so a newcomer
//! gets a working app instead of a sign-in that cannot succeed.

use chronos_core::config::{GoogleEndpoints, ServerFile};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A Desktop OAuth client from Google Cloud Console. The secret of an installed app is not
/// confidential (Google says so), but it is still never logged.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleClient {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Another Google-compatible server's endpoints and fixed sign-in port (`server.json`);
    /// empty for Google itself.
    #[serde(skip)]
    pub server: ServerFile,
}

impl GoogleClient {
    /// The endpoints this client talks to: the server file's, Google's for the rest.
    pub fn endpoints(&self) -> GoogleEndpoints {
        self.server.endpoints.over(GoogleEndpoints::default())
    }
}

impl std::fmt::Debug for GoogleClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleClient")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub enum Mode {
    Demo,
    Google(GoogleClient),
}

impl Mode {
    pub fn is_demo(&self) -> bool {
        matches!(self, Mode::Demo)
    }
}

pub const CLIENT_FILE: &str = "google-client.json";
/// Another Google-compatible server, in the format of `chronos-cli --endpoints`: `apiBase`,
/// `authUrl`, `tokenUrl`, `revokeUrl`, `userinfoUrl`, `redirectPort`, `clientId`,
/// `clientSecret`. Read from the config directory, or from the file `CHRONOS_SERVER_FILE` names.
pub const SERVER_FILE: &str = "server.json";
pub const ENV_SERVER_FILE: &str = "CHRONOS_SERVER_FILE";

/// The server file: the one the environment names (it must exist), else `server.json` in the
/// config directory if there is one, else none (Google).
pub fn load_server(env_path: Option<&Path>, config_dir: &Path) -> Result<ServerFile, String> {
    let path = match env_path {
        Some(p) => p.to_path_buf(),
        None => {
            let p = config_dir.join(SERVER_FILE);
            if !p.exists() {
                return Ok(ServerFile::default());
            }
            p
        }
    };
    ServerFile::load(&path).map_err(|e| e.to_string())
}
/// The argument the login item starts Chronos with: it then starts in the tray.
pub const ARG_AUTOSTART: &str = "--autostart";

/// Whether this run was started by the launch-at-login entry.
pub fn started_at_login(args: &[String]) -> bool {
    args.iter().skip(1).any(|a| a == ARG_AUTOSTART)
}
/// The same names `chronos_core::config` reads, so the CLI and the app agree.
pub const ENV_CLIENT_ID: &str = "CHRONOS_GOOGLE_CLIENT_ID";
pub const ENV_CLIENT_SECRET: &str = "CHRONOS_GOOGLE_CLIENT_SECRET";

/// Picks the mode from the command line, the environment, the server file and the config
/// directory. The client: the environment's, else the server file's, else `google-client.json`.
pub fn decide_mode(
    args: &[String],
    env_client_id: Option<String>,
    env_client_secret: Option<String>,
    server: &ServerFile,
    config_dir: &Path,
) -> Mode {
    if args.iter().any(|a| a == "--demo") {
        return Mode::Demo;
    }
    let given = env_client_id.map(|id| (id, env_client_secret)).or_else(|| {
        server
            .client_id
            .clone()
            .map(|id| (id, server.client_secret.clone()))
    });
    if let Some((client_id, client_secret)) = given.filter(|(id, _)| !id.trim().is_empty()) {
        return Mode::Google(GoogleClient {
            client_id,
            client_secret,
            server: server.clone(),
        });
    }
    let file = config_dir.join(CLIENT_FILE);
    match std::fs::read(&file).map(|b| serde_json::from_slice::<GoogleClient>(&b)) {
        Ok(Ok(client)) if !client.client_id.trim().is_empty() => Mode::Google(GoogleClient {
            server: server.clone(),
            ..client
        }),
        Ok(_) => {
            tracing::warn!(path = %file.display(), "the Google client file is invalid; using demo mode");
            Mode::Demo
        }
        Err(_) => Mode::Demo,
    }
}

/// The data directory of this run: `CHRONOS_DATA_DIR` (tests) or the platform's app data
/// directory, with demo data in its own `demo/` folder so it never mixes with real data.
pub fn data_dir(env_override: Option<PathBuf>, platform_dir: PathBuf, mode: &Mode) -> PathBuf {
    let base = env_override.unwrap_or(platform_dir);
    match mode {
        Mode::Demo => base.join("demo"),
        Mode::Google(c) if !c.endpoints().is_google() => {
            base.join("servers").join(c.endpoints().api_host_name())
        }
        Mode::Google(_) => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_unless_a_client_is_configured() {
        let dir = tempfile::tempdir().unwrap();
        assert!(decide_mode(&[], None, None, &ServerFile::default(), dir.path()).is_demo());
        assert!(decide_mode(
            &[],
            Some("  ".into()),
            None,
            &ServerFile::default(),
            dir.path()
        )
        .is_demo());
        let m = decide_mode(
            &[],
            Some("id.apps.googleusercontent.com".into()),
            None,
            &ServerFile::default(),
            dir.path(),
        );
        assert!(matches!(m, Mode::Google(c) if c.client_id == "id.apps.googleusercontent.com"));
        let args = vec!["chronos".to_string(), "--demo".to_string()];
        assert!(decide_mode(
            &args,
            Some("id".into()),
            None,
            &ServerFile::default(),
            dir.path()
        )
        .is_demo());
    }

    #[test]
    fn reads_the_client_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CLIENT_FILE),
            r#"{"clientId": "file-id", "clientSecret": "s3cret"}"#,
        )
        .unwrap();
        let m = decide_mode(&[], None, None, &ServerFile::default(), dir.path());
        let Mode::Google(c) = m else {
            panic!("expected Google mode")
        };
        assert_eq!(c.client_id, "file-id");
        assert_eq!(c.client_secret.as_deref(), Some("s3cret"));
        assert!(
            !format!("{c:?}").contains("s3cret"),
            "the secret must not reach logs"
        );
    }

    #[test]
    fn the_login_item_is_told_apart_by_its_argument() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(started_at_login(&args(&["chronos", "--autostart"])));
        assert!(started_at_login(&args(&[
            "chronos",
            "--demo",
            "--autostart"
        ])));
        assert!(!started_at_login(&args(&["chronos"])));
        assert!(!started_at_login(&args(&["chronos", "chronos://sync"])));
        // The program's own name is not an argument.
        assert!(!started_at_login(&args(&["--autostart"])));
    }

    #[test]
    fn demo_data_lives_apart() {
        let base = PathBuf::from("/data");
        assert_eq!(
            data_dir(None, base.clone(), &Mode::Demo),
            PathBuf::from("/data/demo")
        );
        let google = Mode::Google(GoogleClient {
            client_id: "x".into(),
            client_secret: None,
            server: ServerFile::default(),
        });
        assert_eq!(data_dir(None, base.clone(), &google), base);
        assert_eq!(
            data_dir(Some("/tmp/t".into()), base, &Mode::Demo),
            PathBuf::from("/tmp/t/demo")
        );
    }

    #[test]
    fn another_server_from_its_file_with_its_own_client_and_data() {
        let config = tempfile::tempdir().unwrap();
        assert_eq!(
            load_server(None, config.path()).unwrap(),
            ServerFile::default(),
            "no file: Google"
        );
        std::fs::write(
            config.path().join(SERVER_FILE),
            r#"{"apiBase": "http://127.0.0.1:7000/calendar/v3", "authUrl": "http://127.0.0.1:7000/auth",
                "redirectPort": 8765, "clientId": "their-client", "clientSecret": "their-secret"}"#,
        )
        .unwrap();
        let server = load_server(None, config.path()).unwrap();
        let Mode::Google(c) = decide_mode(&[], None, None, &server, config.path()) else {
            panic!("a server file with a client is a configured client")
        };
        assert_eq!(
            (c.client_id.as_str(), c.client_secret.as_deref()),
            ("their-client", Some("their-secret"))
        );
        let endpoints = c.endpoints();
        assert_eq!(endpoints.api_base, "http://127.0.0.1:7000/calendar/v3");
        assert_eq!(endpoints.auth_url, "http://127.0.0.1:7000/auth");
        assert_eq!(endpoints.token_url, GoogleEndpoints::default().token_url);
        assert_eq!(c.server.redirect_port.map(|p| p.get()), Some(8765));
        let mode = Mode::Google(c);
        assert_eq!(
            data_dir(None, PathBuf::from("/data"), &mode),
            PathBuf::from("/data/servers/127.0.0.1_7000"),
            "another server's copy never mixes with Google's"
        );
        // The environment's client wins over the file's.
        let Mode::Google(c) = decide_mode(&[], Some("env-id".into()), None, &server, config.path())
        else {
            panic!("expected Google mode")
        };
        assert_eq!((c.client_id.as_str(), c.client_secret), ("env-id", None));

        let named = config.path().join("elsewhere.json");
        let e = load_server(Some(&named), config.path()).unwrap_err();
        assert!(e.contains("elsewhere.json"), "{e}");
        std::fs::write(&named, r#"{"tokenURL": "http://x"}"#).unwrap();
        let e = load_server(Some(&named), config.path()).unwrap_err();
        assert!(e.contains("tokenURL"), "a misspelt key is named: {e}");
    }
}
