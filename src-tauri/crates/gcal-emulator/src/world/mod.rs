//! A world: the accounts, their calendars and events an emulator starts with. Plain data, read
//! from and written to JSON fixtures, or generated from a seed (`generate`).

mod demo;
mod generate;
mod state;

pub use crate::spec::{AccountSpec, CalendarSpec, ClientSpec};
pub use generate::GenSpec;

use serde::{Deserialize, Serialize};

use crate::error::EmulatorError;

/// The OAuth client id accepted by worlds that name no clients (demo and tests).
pub const DEMO_CLIENT_ID: &str = "chronos-demo.apps.googleusercontent.com";
/// Its secret (Google issues desktop clients a secret that is not really secret).
pub const DEMO_CLIENT_SECRET: &str = "GOCSPX-chronos-demo-secret";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct World {
    /// When empty, the demo client (`DEMO_CLIENT_ID`/`DEMO_CLIENT_SECRET`) is accepted.
    #[serde(default)]
    pub clients: Vec<ClientSpec>,
    pub accounts: Vec<AccountSpec>,
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

    /// The realistic world of demo mode: two accounts around today's date, in Europe/Berlin.
    pub fn demo() -> World {
        World::demo_around(chrono::Utc::now().date_naive())
    }

    /// The demo world around another day (a pinned clock's), in Europe/Berlin.
    pub fn demo_around(anchor: chrono::NaiveDate) -> World {
        demo::demo(anchor, demo::DEMO_ZONE)
    }

    /// The demo world around `anchor` for a person living in `zone` (the computer's, so that a
    /// newcomer anywhere sees working hours in working hours).
    pub fn demo_in(anchor: chrono::NaiveDate, zone: chrono_tz::Tz) -> World {
        demo::demo(anchor, zone)
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
