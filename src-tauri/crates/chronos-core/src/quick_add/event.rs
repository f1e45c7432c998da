//! A draft as the Google event the create path saves.

use super::draft::{QuickDraft, QuickWhen};
use crate::model::{EventDateTime, EventResource};

impl QuickDraft {
    /// The event to create: title, start/end (dates, or times with the draft's zone so a series
    /// follows its clock), location and the rule.
    pub fn event_resource(&self) -> EventResource {
        let (start, end) = match &self.when {
            QuickWhen::AllDay { start, end } => (date(start.to_string()), date(end.to_string())),
            QuickWhen::Timed { start, end } => {
                (self.timed(start.to_rfc3339()), self.timed(end.to_rfc3339()))
            }
        };
        EventResource {
            summary: Some(self.title.clone()),
            location: self.location.clone(),
            start: Some(start),
            end: Some(end),
            recurrence: self.rrule.as_ref().map(|r| vec![format!("RRULE:{r}")]),
            ..EventResource::default()
        }
    }

    fn timed(&self, t: String) -> EventDateTime {
        EventDateTime {
            date_time: Some(t),
            time_zone: Some(self.zone.name().to_owned()),
            ..EventDateTime::default()
        }
    }
}

fn date(d: String) -> EventDateTime {
    EventDateTime {
        date: Some(d),
        ..EventDateTime::default()
    }
}
