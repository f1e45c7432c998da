//! How a desktop run starts: demo or real Google, which OAuth client and server, and where its
//! data lives.
//!
//! Demo mode is chosen by `--demo`, or when no Google OAuth client is configured (neither
//! `CHRONOS_GOOGLE_CLIENT_ID` nor `google-client.json` in the config directory), so a newcomer
//! gets a working app instead of a sign-in that cannot succeed.

use crate::clock::ShiftedClock;
use crate::config::{GoogleEndpoints, OAuthClientConfig, Server, ServerFile};
use crate::error::{Error, Result};
use crate::secrets::KeyringSecretStore;
use crate::service::{ChronosOptions, STORE_FILE};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::config::{ENV_CLIENT_ID, ENV_CLIENT_SECRET};
pub use first_start::{AutoConnect, ENV_DEMO_AUTOCONNECT};

mod first_start;

/// How the app was launched: arguments and environment, read once.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    pub args: Vec<String>,
    /// `CHRONOS_DATA_DIR`: tests keep each run's data apart with it.
    pub data_dir: Option<PathBuf>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Window, tray, deep links (off in mock-runtime tests).
    pub desktop: bool,
    /// A pinned clock (`CHRONOS_CLOCK_START`): the engine, the demo world, the tray, reminders
    /// and the page all read their "now" from it.
    pub clock: Option<ShiftedClock>,
    /// `CHRONOS_SERVER_FILE`: another Google-compatible server (see [`SERVER_FILE`]).
    pub server_file: Option<PathBuf>,
    /// `CHRONOS_DEMO_AUTOCONNECT`: whether a demo start connects the demo account by itself.
    pub demo_autoconnect: AutoConnect,
}

/// What a launch resolves to: the mode and the directories of this run.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub mode: Mode,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl Launch {
    /// Fails only on a malformed clock pin or auto-connect switch: a test that asks for a date
    /// must not silently run on today's, nor one that asks for the empty state get a full one.
    pub fn from_env() -> std::result::Result<Launch, String> {
        Ok(Launch {
            args: std::env::args().collect(),
            data_dir: std::env::var_os("CHRONOS_DATA_DIR").map(PathBuf::from),
            client_id: std::env::var(ENV_CLIENT_ID).ok(),
            client_secret: std::env::var(ENV_CLIENT_SECRET).ok(),
            desktop: true,
            clock: ShiftedClock::from_env()?,
            server_file: std::env::var_os(ENV_SERVER_FILE).map(PathBuf::from),
            demo_autoconnect: AutoConnect::from_env()?,
        })
    }

    /// Decides demo or Google and where this run's data and logs live, given the platform's
    /// config, data and log directories. Creates the data directory.
    pub fn resolve(
        &self,
        config_dir: &Path,
        app_data: PathBuf,
        app_logs: PathBuf,
    ) -> Result<RunInfo> {
        let server = load_server(self.server_file.as_deref(), config_dir)?;
        let mode = decide_mode(
            &self.args,
            self.client_id.clone(),
            self.client_secret.clone(),
            &server,
            config_dir,
        );
        let data_dir = data_dir(self.data_dir.clone(), app_data, &mode);
        let log_dir = match &self.data_dir {
            Some(_) => data_dir.join("logs"),
            None => app_logs,
        };
        std::fs::create_dir_all(&data_dir)
            .map_err(|e| Error::LocalFile(format!("cannot create {}: {e}", data_dir.display())))?;
        Ok(RunInfo {
            mode,
            data_dir,
            log_dir,
        })
    }

    /// Whether this run was started by the launch-at-login entry.
    pub fn at_login(&self) -> bool {
        started_at_login(&self.args)
    }
}

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

    /// The engine's options for this client, its tokens in the system keyring.
    pub fn options(&self, data_dir: PathBuf) -> ChronosOptions {
        let oauth = OAuthClientConfig::new(
            self.client_id.clone(),
            self.client_secret.clone().unwrap_or_default(),
        );
        let secrets = Arc::new(KeyringSecretStore::new());
        let mut options = ChronosOptions::new(data_dir, secrets, self.endpoints(), oauth);
        options.sign_in.loopback.port = self.server.redirect_port;
        options
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

    pub fn server(&self) -> Server {
        match self {
            Mode::Demo => Server::Emulator,
            Mode::Google(c) => Server::of(&c.endpoints()),
        }
    }
}

pub const CLIENT_FILE: &str = "google-client.json";
/// Another Google-compatible server, in the format of `chronos-cli --endpoints`: `apiBase`,
/// `authUrl`, `tokenUrl`, `revokeUrl`, `userinfoUrl`, `redirectPort`, `clientId`,
/// `clientSecret`. Read from the config directory, or from the file `CHRONOS_SERVER_FILE` names.
pub const SERVER_FILE: &str = "server.json";
pub const ENV_SERVER_FILE: &str = "CHRONOS_SERVER_FILE";
/// The argument the login item starts Chronos with: it then starts in the tray.
pub const ARG_AUTOSTART: &str = "--autostart";

/// The server file: the one the environment names (it must exist), else `server.json` in the
/// config directory if there is one, else none (Google).
pub fn load_server(env_path: Option<&Path>, config_dir: &Path) -> Result<ServerFile> {
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
    ServerFile::load(&path)
}

/// Whether this run was started by the launch-at-login entry.
pub fn started_at_login(args: &[String]) -> bool {
    args.iter().skip(1).any(|a| a == ARG_AUTOSTART)
}

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
/// directory, with the demo's and other servers' data in their own folders (`Server`).
pub fn data_dir(env_override: Option<PathBuf>, platform_dir: PathBuf, mode: &Mode) -> PathBuf {
    let base = env_override.unwrap_or(platform_dir);
    match mode.server().data_subdir() {
        Some(sub) => base.join(sub),
        None => base,
    }
}

/// Removes the demo's local copy: the emulator keeps its world in memory, so each demo launch
/// starts fresh. Only ever called on the demo's own data directory.
pub fn reset_demo_store(data_dir: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = data_dir.join(format!("{STORE_FILE}{suffix}"));
        if let Err(e) = std::fs::remove_file(&file) {
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(Error::LocalFile(format!(
                    "cannot reset the demo data in {}: {e}",
                    data_dir.display()
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
