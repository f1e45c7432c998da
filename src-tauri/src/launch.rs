//! How this run was started: demo or real Google, and where its data lives.
//!
//! Demo mode is chosen by `--demo`, or when no Google OAuth client is configured (neither
//! `CHRONOS_GOOGLE_CLIENT_ID` nor `google-client.json` in the config directory), so a newcomer
//! gets a working app instead of a sign-in that cannot succeed.

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
/// The argument the login item starts Chronos with: it then starts in the tray.
pub const ARG_AUTOSTART: &str = "--autostart";

/// Whether this run was started by the launch-at-login entry.
pub fn started_at_login(args: &[String]) -> bool {
    args.iter().skip(1).any(|a| a == ARG_AUTOSTART)
}
/// The same names `chronos_core::config` reads, so the CLI and the app agree.
pub const ENV_CLIENT_ID: &str = "CHRONOS_GOOGLE_CLIENT_ID";
pub const ENV_CLIENT_SECRET: &str = "CHRONOS_GOOGLE_CLIENT_SECRET";

/// Picks the mode from the command line, the environment and the config directory.
pub fn decide_mode(
    args: &[String],
    env_client_id: Option<String>,
    env_client_secret: Option<String>,
    config_dir: &Path,
) -> Mode {
    if args.iter().any(|a| a == "--demo") {
        return Mode::Demo;
    }
    if let Some(client_id) = env_client_id.filter(|id| !id.trim().is_empty()) {
        return Mode::Google(GoogleClient {
            client_id,
            client_secret: env_client_secret,
        });
    }
    let file = config_dir.join(CLIENT_FILE);
    match std::fs::read(&file).map(|b| serde_json::from_slice::<GoogleClient>(&b)) {
        Ok(Ok(client)) if !client.client_id.trim().is_empty() => Mode::Google(client),
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
    if mode.is_demo() {
        base.join("demo")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_unless_a_client_is_configured() {
        let dir = tempfile::tempdir().unwrap();
        assert!(decide_mode(&[], None, None, dir.path()).is_demo());
        assert!(decide_mode(&[], Some("  ".into()), None, dir.path()).is_demo());
        let m = decide_mode(
            &[],
            Some("id.apps.googleusercontent.com".into()),
            None,
            dir.path(),
        );
        assert!(matches!(m, Mode::Google(c) if c.client_id == "id.apps.googleusercontent.com"));
        let args = vec!["chronos".to_string(), "--demo".to_string()];
        assert!(decide_mode(&args, Some("id".into()), None, dir.path()).is_demo());
    }

    #[test]
    fn reads_the_client_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CLIENT_FILE),
            r#"{"clientId": "file-id", "clientSecret": "s3cret"}"#,
        )
        .unwrap();
        let m = decide_mode(&[], None, None, dir.path());
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
        });
        assert_eq!(data_dir(None, base.clone(), &google), base);
        assert_eq!(
            data_dir(Some("/tmp/t".into()), base, &Mode::Demo),
            PathBuf::from("/tmp/t/demo")
        );
    }
}
