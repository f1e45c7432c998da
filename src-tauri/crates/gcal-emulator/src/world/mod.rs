//! A world: the accounts, their calendars and events an emulator starts with. Plain data, read
//! from and written to JSON fixtures, or generated from a seed (`generate`).

mod generate;

pub use generate::GenSpec;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use crate::EmulatorError;

/// An OAuth client the token endpoint accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSpec {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct World {
    /// When empty, the demo client (`DEMO_CLIENT_ID`/`DEMO_CLIENT_SECRET`) is accepted.
    #[serde(default)]
    pub clients: Vec<ClientSpec>,
    pub accounts: Vec<AccountSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSpec {
    pub email: String,
    /// The stable subject id of userinfo; derived from the email when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `users/me/settings` values (`timezone`, `weekStart`, `format24HourTime`, …).
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    #[serde(default)]
    pub calendars: Vec<CalendarSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarSpec {
    pub id: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default = "utc")]
    pub time_zone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_override: Option<String>,
    #[serde(default = "default_color")]
    pub color_id: String,
    /// `owner`, `writer`, `reader` or `freeBusyReader`.
    #[serde(default = "owner")]
    pub access_role: String,
    #[serde(default)]
    pub primary: bool,
    #[serde(default)]
    pub hidden: bool,
    #[serde(default = "yes")]
    pub selected: bool,
    #[serde(default)]
    pub default_reminders: Vec<Value>,
    /// Google event resources; missing server fields (etag, updated, iCalUID…) are filled in.
    #[serde(default)]
    pub events: Vec<Value>,
}

fn utc() -> String {
    "UTC".into()
}
fn default_color() -> String {
    "14".into()
}
fn owner() -> String {
    "owner".into()
}
fn yes() -> bool {
    true
}

impl Default for CalendarSpec {
    fn default() -> Self {
        CalendarSpec {
            id: String::new(),
            summary: String::new(),
            description: None,
            time_zone: utc(),
            summary_override: None,
            color_id: default_color(),
            access_role: owner(),
            primary: false,
            hidden: false,
            selected: true,
            default_reminders: vec![serde_json::json!({"method": "popup", "minutes": 10})],
            events: Vec::new(),
        }
    }
}

impl World {
    pub fn from_json(text: &str) -> Result<World, EmulatorError> {
        let world: World =
            serde_json::from_str(text).map_err(|e| EmulatorError::World(e.to_string()))?;
        world.validate()?;
        Ok(world)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a world always serialises")
    }

    /// The realistic world of demo mode: two accounts around today's date.
    pub fn demo() -> World {
        generate::demo(chrono::Utc::now().date_naive())
    }

    /// The demo world around another day (a pinned clock's).
    pub fn demo_around(anchor: chrono::NaiveDate) -> World {
        generate::demo(anchor)
    }

    pub fn generate(spec: GenSpec) -> World {
        generate::generate(&spec)
    }

    pub fn validate(&self) -> Result<(), EmulatorError> {
        let mut seen = std::collections::HashSet::new();
        for a in &self.accounts {
            if a.email.is_empty() {
                return Err(EmulatorError::World("an account has no email".into()));
            }
            for c in &a.calendars {
                if !seen.insert(c.id.as_str()) {
                    return Err(EmulatorError::World(format!(
                        "calendar id {} appears twice",
                        c.id
                    )));
                }
                if crate::store::time::parse_tz(&c.time_zone).is_none() {
                    return Err(EmulatorError::World(format!(
                        "calendar {}: unknown time zone {}",
                        c.id, c.time_zone
                    )));
                }
            }
        }
        Ok(())
    }
}
