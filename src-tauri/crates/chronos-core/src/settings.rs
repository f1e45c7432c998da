//! The user's settings, validated and kept in `settings.json` in the data directory (where the
//! app has always kept it). Settings hold no event content, so plaintext on disk is fine.

mod apply;

use crate::error::{Error, Result};
use crate::locale::{self, HourCycle, ResolvedLocale, WeekStart};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::Duration;
#[cfg(feature = "ts")]
use ts_rs::TS;

pub use apply::AccountTimeZone;

/// The settings file's name in the data directory.
pub const SETTINGS_FILE: &str = "settings.json";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// The window's colours: the desktop's preference, or one the user picks in the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub sync_interval_minutes: u32,
    pub close_to_tray: bool,
    pub launch_at_login: bool,
    /// IANA zone; `None` = the system's zone.
    pub display_time_zone: Option<String>,
    /// Show times in the Google account's own zone (`settings` → `timezone` of the first
    /// connected account) instead; `display_time_zone`, then the system's, stand in while it is
    /// unknown.
    pub follow_account_time_zone: bool,
    /// Public HTTPS address for push notifications; `None` = polling only.
    pub push_address: Option<String>,
    pub log_level: LogLevel,
    /// Days the trash keeps a deleted event.
    pub trash_retention_days: u32,
    /// When one sync's removals in a calendar are shown as a mass deletion.
    pub mass_deletion: crate::sync::guard::MassDeletionGuard,
    pub theme: Theme,
    /// A BCP 47 tag for dates and times ("en-GB"); `None` = the system's.
    pub locale: Option<String>,
    pub hour_cycle: HourCycle,
    pub week_start: WeekStart,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sync_interval_minutes: 10,
            close_to_tray: true,
            launch_at_login: false,
            display_time_zone: None,
            follow_account_time_zone: false,
            push_address: None,
            log_level: LogLevel::Info,
            trash_retention_days: crate::service::DEFAULT_TRASH_RETENTION_DAYS,
            mass_deletion: Default::default(),
            theme: Theme::System,
            locale: None,
            hour_cycle: HourCycle::Auto,
            week_start: WeekStart::Auto,
        }
    }
}

pub const MIN_INTERVAL_MINUTES: u32 = 1;
pub const MAX_INTERVAL_MINUTES: u32 = 24 * 60;
pub const MAX_TRASH_RETENTION_DAYS: u32 = 365;

impl Settings {
    /// The locale dates and times are shown in: these settings over the system's (`system`, see
    /// [`locale::system_locale`]).
    pub fn resolved_locale(&self, system: Option<&str>) -> ResolvedLocale {
        locale::resolve(
            self.locale.as_deref(),
            self.hour_cycle,
            self.week_start,
            system,
        )
    }

    /// Checks every field; the error names the first bad one. Empty strings mean "not set".
    pub fn validated(mut self) -> Result<Settings> {
        if !(MIN_INTERVAL_MINUTES..=MAX_INTERVAL_MINUTES).contains(&self.sync_interval_minutes) {
            return Err(Error::invalid_field(
                "syncIntervalMinutes",
                format!(
                    "the sync interval must be between {MIN_INTERVAL_MINUTES} and \
                     {MAX_INTERVAL_MINUTES} minutes"
                ),
            ));
        }
        if !(1..=MAX_TRASH_RETENTION_DAYS).contains(&self.trash_retention_days) {
            return Err(Error::invalid_field(
                "trashRetentionDays",
                format!("the trash keeps events between 1 and {MAX_TRASH_RETENTION_DAYS} days"),
            ));
        }
        self.mass_deletion = self.mass_deletion.validated()?;
        self.display_time_zone = self.display_time_zone.filter(|z| !z.trim().is_empty());
        if let Some(zone) = &self.display_time_zone {
            if zone.parse::<chrono_tz::Tz>().is_err() {
                return Err(Error::invalid_field(
                    "displayTimeZone",
                    format!("\"{zone}\" is not a time zone name such as Europe/Berlin"),
                ));
            }
        }
        self.locale = match self.locale.filter(|l| !l.trim().is_empty()) {
            Some(tag) => Some(locale::parse_tag(&tag)?),
            None => None,
        };
        self.push_address = self.push_address.filter(|a| !a.trim().is_empty());
        if let Some(address) = &self.push_address {
            let ok = url::Url::parse(address)
                .map(|u| u.scheme() == "https" && u.host().is_some())
                .unwrap_or(false);
            if !ok {
                return Err(Error::invalid_field(
                    "pushAddress",
                    "the push address must be a public https:// address",
                ));
            }
        }
        Ok(self)
    }

    /// How often full syncs run.
    pub fn sync_interval(&self) -> Duration {
        Duration::from_secs(u64::from(self.sync_interval_minutes) * 60)
    }

    /// The chosen display zone, if one is chosen.
    pub fn display_zone(&self) -> Option<chrono_tz::Tz> {
        self.display_time_zone
            .as_deref()
            .and_then(|z| z.parse().ok())
    }
}

/// The settings in memory plus the file they persist to.
pub struct SettingsStore {
    path: PathBuf,
    current: RwLock<Settings>,
}

impl SettingsStore {
    /// Loads `settings.json` from `dir`; a missing or unreadable file gives the defaults (a bad
    /// file is logged and left in place until the next save overwrites it).
    pub fn load(dir: &Path) -> SettingsStore {
        let path = dir.join(SETTINGS_FILE);
        let current = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<Settings>(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|s| s.validated().map_err(|e| e.to_string()))
                .unwrap_or_else(|e| {
                    tracing::warn!(path = %path.display(), error = %e, "ignoring a bad settings file");
                    Settings::default()
                }),
            Err(_) => Settings::default(),
        };
        SettingsStore {
            path,
            current: RwLock::new(current),
        }
    }

    pub fn get(&self) -> Settings {
        self.current.read().expect("settings lock").clone()
    }

    /// Validates, writes the file (atomically: temp file + rename), then takes the new values.
    pub fn set(&self, new: Settings) -> Result<Settings> {
        let new = new.validated()?;
        crate::json_file::save(&self.path, &new, "settings")?;
        *self.current.write().expect("settings lock") = new.clone();
        Ok(new)
    }
}

#[cfg(test)]
mod tests;
