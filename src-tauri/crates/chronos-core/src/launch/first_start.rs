//! The demo's first minute: a demo start with no account connects the demo account by itself,
//! so a newcomer lands on a calendar that fills in rather than on an empty one and a button.

use super::Mode;

/// `CHRONOS_DEMO_AUTOCONNECT=0` keeps a demo start unconnected (tests of the empty state).
pub const ENV_DEMO_AUTOCONNECT: &str = "CHRONOS_DEMO_AUTOCONNECT";

/// Whether a demo start may connect the demo account without a click.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AutoConnect {
    #[default]
    On,
    Off,
}

impl AutoConnect {
    /// Reads [`ENV_DEMO_AUTOCONNECT`].
    pub fn from_env() -> Result<AutoConnect, String> {
        AutoConnect::parse(std::env::var(ENV_DEMO_AUTOCONNECT).ok().as_deref())
    }

    /// Unset, `1`, `true`, `on` or `yes`: on; `0`, `false`, `off` or `no`: off. Anything else is
    /// refused, so a test that asks for the empty state never silently gets a connected one.
    pub fn parse(value: Option<&str>) -> Result<AutoConnect, String> {
        let Some(v) = value else {
            return Ok(AutoConnect::On);
        };
        match v.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "on" | "yes" => Ok(AutoConnect::On),
            "0" | "false" | "off" | "no" => Ok(AutoConnect::Off),
            _ => Err(format!(
                "{ENV_DEMO_AUTOCONNECT} must be 1 or 0 (on or off), not {v:?}"
            )),
        }
    }

    /// Whether this start connects the demo account: demo mode, nothing connected yet, and not
    /// turned off. Asked once, at start-up, so an account the user disconnects stays
    /// disconnected for the rest of the run.
    pub fn at_start(self, mode: &Mode, connected_accounts: usize) -> bool {
        self == AutoConnect::On && mode.is_demo() && connected_accounts == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launch::GoogleClient;

    fn google() -> Mode {
        Mode::Google(GoogleClient {
            client_id: "id.apps.googleusercontent.com".into(),
            client_secret: None,
            server: Default::default(),
        })
    }

    #[test]
    fn only_a_demo_start_without_accounts_connects_by_itself() {
        assert!(AutoConnect::On.at_start(&Mode::Demo, 0));
        assert!(
            !AutoConnect::On.at_start(&Mode::Demo, 1),
            "an account exists"
        );
        assert!(!AutoConnect::Off.at_start(&Mode::Demo, 0), "turned off");
        assert!(
            !AutoConnect::On.at_start(&google(), 0),
            "real Google needs a person"
        );
    }

    #[test]
    fn the_switch_reads_on_off_and_refuses_anything_else() {
        assert_eq!(AutoConnect::parse(None), Ok(AutoConnect::On));
        for on in ["1", "true", "ON", " yes "] {
            assert_eq!(AutoConnect::parse(Some(on)), Ok(AutoConnect::On), "{on}");
        }
        for off in ["0", "false", "Off", "no"] {
            assert_eq!(AutoConnect::parse(Some(off)), Ok(AutoConnect::Off), "{off}");
        }
        let err = AutoConnect::parse(Some("maybe")).unwrap_err();
        assert!(
            err.contains(ENV_DEMO_AUTOCONNECT) && err.contains("maybe"),
            "{err}"
        );
    }
}
