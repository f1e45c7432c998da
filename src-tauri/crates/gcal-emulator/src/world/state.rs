//! How a world becomes the live state, and the live state a world fixture again. The state knows
//! nothing of worlds; this is the one place that reads a fixture into it and writes it back out.

use serde_json::Value;

use super::{World, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use crate::error::EmulatorError;
use crate::spec::{AccountSpec, CalendarSpec, ClientSpec};
use crate::store::State;

impl World {
    /// The clients the token endpoint accepts: the world's own, or the demo client.
    fn clients_or_demo(&self) -> Vec<ClientSpec> {
        if self.clients.is_empty() {
            return vec![ClientSpec {
                client_id: DEMO_CLIENT_ID.into(),
                client_secret: DEMO_CLIENT_SECRET.into(),
            }];
        }
        self.clients.clone()
    }
}

impl State {
    /// Builds the live state, consuming the world so that its events are not held twice.
    pub fn from_world(world: World, base_url: String, seed: u64) -> Result<State, EmulatorError> {
        world.validate()?;
        let mut st = State::new(base_url, seed, world.clients_or_demo());
        for a in world.accounts {
            st.add_account(&a.email, a.sub, a.settings);
            for c in a.calendars {
                st.add_calendar_owned(&a.email, c)?;
            }
        }
        Ok(st)
    }

    /// The whole state as a world fixture again.
    pub fn export_world(&self) -> World {
        let mut world = World {
            clients: self.oauth.client_specs(),
            accounts: Vec::new(),
        };
        for acc in self.ordered_accounts() {
            let mut spec = AccountSpec {
                email: acc.email.clone(),
                sub: Some(acc.sub.clone()),
                settings: acc.settings.clone(),
                calendars: Vec::new(),
            };
            for e in acc.entries.iter().filter(|e| !e.deleted) {
                let Some(cal) = self.calendars.get(&e.cal_id) else {
                    continue;
                };
                if cal.owner != acc.email {
                    continue;
                }
                let p = |k: &str| e.prefs.get(k);
                spec.calendars.push(CalendarSpec {
                    id: cal.id.clone(),
                    summary: cal.summary.clone(),
                    description: cal.description.clone(),
                    time_zone: cal.time_zone.clone(),
                    label_properties: cal.label_properties.clone(),
                    summary_override: p("summaryOverride")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    color_id: p("colorId")
                        .and_then(Value::as_str)
                        .unwrap_or("14")
                        .to_owned(),
                    access_role: e.access_role.clone(),
                    primary: p("primary") == Some(&Value::Bool(true)),
                    hidden: p("hidden") == Some(&Value::Bool(true)),
                    selected: p("selected") == Some(&Value::Bool(true)),
                    default_reminders: p("defaultReminders")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                    events: cal
                        .events
                        .values()
                        .map(|r| Value::Object(r.body()))
                        .collect(),
                });
            }
            world.accounts.push(spec);
        }
        world
    }
}
