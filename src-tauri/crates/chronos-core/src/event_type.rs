//! Google's event types (`eventType`) and what each one carries, read from the resource. The
//! type and its properties stay in the resource's `extra` map, so they go back to Google exactly
//! as they came; this module only reads them.

use crate::model::EventResource;
use serde_json::Value;
use std::fmt;

/// The kind of an event. Google adds kinds now and then: one Chronos does not know is kept by
/// name and treated as read-only.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    Default,
    Birthday,
    FromGmail,
    FocusTime,
    OutOfOffice,
    WorkingLocation,
    Unknown(String),
}

impl EventType {
    pub fn parse(s: &str) -> Self {
        match s {
            "default" => Self::Default,
            "birthday" => Self::Birthday,
            "fromGmail" => Self::FromGmail,
            "focusTime" => Self::FocusTime,
            "outOfOffice" => Self::OutOfOffice,
            "workingLocation" => Self::WorkingLocation,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// The type of `ev` (`default` when the field is absent, as Google means it).
    pub fn of(ev: &EventResource) -> Self {
        match ev.extra.get("eventType").and_then(Value::as_str) {
            None => Self::Default,
            Some(s) => Self::parse(s),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Default => "default",
            Self::Birthday => "birthday",
            Self::FromGmail => "fromGmail",
            Self::FocusTime => "focusTime",
            Self::OutOfOffice => "outOfOffice",
            Self::WorkingLocation => "workingLocation",
            Self::Unknown(s) => s,
        }
    }

    /// The object holding this type's own properties, for the types that have one.
    pub fn properties_field(&self) -> Option<&'static str> {
        match self {
            Self::Birthday => Some("birthdayProperties"),
            Self::FocusTime => Some("focusTimeProperties"),
            Self::OutOfOffice => Some("outOfOfficeProperties"),
            Self::WorkingLocation => Some("workingLocationProperties"),
            _ => None,
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type's properties object of `ev`, if it has one.
pub fn properties<'a>(ev: &'a EventResource, ty: &EventType) -> Option<&'a Value> {
    ev.extra.get(ty.properties_field()?)
}

/// The contact a birthday comes from (`people/…`), when Google Contacts owns it.
pub fn birthday_contact(ev: &EventResource) -> Option<&str> {
    properties(ev, &EventType::Birthday)?
        .get("contact")
        .and_then(Value::as_str)
}

/// Where a working-location entry says the person works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkPlace {
    Home,
    /// An office, by its label (or building) when Google gives one.
    Office(Option<String>),
    /// A place the person named.
    Custom(String),
}

/// The place of a `workingLocation` event; `None` for other events or a type of place Chronos
/// does not know.
pub fn work_place(ev: &EventResource) -> Option<WorkPlace> {
    let props = properties(ev, &EventType::WorkingLocation)?;
    let label = |k: &str| {
        props
            .get(k)
            .and_then(|d| d.get("label"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    match props.get("type").and_then(Value::as_str)? {
        "homeOffice" => Some(WorkPlace::Home),
        "officeLocation" => Some(WorkPlace::Office(label("officeLocation").or_else(|| {
            props
                .get("officeLocation")
                .and_then(|d| d.get("buildingId"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        }))),
        "customLocation" => Some(WorkPlace::Custom(label("customLocation")?)),
        _ => None,
    }
}

/// The auto-decline setting of focus time or out of office: the mode and the message sent
/// with a decline.
pub fn auto_decline(ev: &EventResource) -> Option<(String, Option<String>)> {
    let ty = EventType::of(ev);
    if !matches!(ty, EventType::FocusTime | EventType::OutOfOffice) {
        return None;
    }
    let props = properties(ev, &ty)?;
    let mode = props
        .get("autoDeclineMode")
        .and_then(Value::as_str)
        .unwrap_or("declineNone")
        .to_owned();
    let message = props
        .get("declineMessage")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    Some((mode, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(v: Value) -> EventResource {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_type_is_read_from_the_resource_and_unknown_ones_keep_their_name() {
        assert_eq!(EventType::of(&ev(json!({"id": "a"}))), EventType::Default);
        let f = ev(json!({"id": "a", "eventType": "focusTime"}));
        assert_eq!(EventType::of(&f), EventType::FocusTime);
        let u = ev(json!({"id": "a", "eventType": "travelTime"}));
        assert_eq!(EventType::of(&u), EventType::Unknown("travelTime".into()));
        assert_eq!(EventType::of(&u).as_str(), "travelTime");
        // Kept where it came from, so it goes back to Google unchanged.
        assert_eq!(
            serde_json::to_value(&u).unwrap()["eventType"],
            json!("travelTime")
        );
    }

    #[test]
    fn places_and_auto_decline_are_read_from_the_type_properties() {
        let office = ev(json!({"id": "a", "eventType": "workingLocation",
            "workingLocationProperties": {"type": "officeLocation",
                "officeLocation": {"buildingId": "BER-1", "label": "Berlin office"}}}));
        assert_eq!(
            work_place(&office),
            Some(WorkPlace::Office(Some("Berlin office".into())))
        );
        let home = ev(json!({"id": "a", "eventType": "workingLocation",
            "workingLocationProperties": {"type": "homeOffice", "homeOffice": {}}}));
        assert_eq!(work_place(&home), Some(WorkPlace::Home));
        let custom = ev(json!({"id": "a", "eventType": "workingLocation",
            "workingLocationProperties": {"type": "customLocation",
                "customLocation": {"label": "Café"}}}));
        assert_eq!(work_place(&custom), Some(WorkPlace::Custom("Café".into())));
        assert_eq!(work_place(&ev(json!({"id": "a"}))), None);

        let ooo = ev(json!({"id": "a", "eventType": "outOfOffice",
            "outOfOfficeProperties": {"autoDeclineMode": "declineAllConflictingInvitations",
                "declineMessage": "Away"}}));
        assert_eq!(
            auto_decline(&ooo),
            Some((
                "declineAllConflictingInvitations".into(),
                Some("Away".into())
            ))
        );
        assert_eq!(auto_decline(&home), None);
        let bday = ev(json!({"id": "a", "eventType": "birthday",
            "birthdayProperties": {"type": "birthday", "contact": "people/c1"}}));
        assert_eq!(birthday_contact(&bday), Some("people/c1"));
    }
}
