//! Google's event types (`eventType`) and the rules each one imposes on writes: which fields a
//! new event of the type needs and may carry, which fields a change may touch, where the type may
//! live. Every refusal is a 400 with reason `eventTypeRestriction`, as Google answers.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use super::time::is_all_day;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EventType {
    Default,
    Birthday,
    FromGmail,
    FocusTime,
    OutOfOffice,
    WorkingLocation,
}

/// Who makes a new event: a client through the API, or Google itself (Gmail, Contacts, the
/// account profile, Google Calendar's own pages; here the world fixtures and the control API),
/// which may create what the API refuses to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Api,
    Google,
}

/// The fields of a `fromGmail` event a client may change (Google calls the list temporary).
const FROM_GMAIL_WRITABLE: &[&str] = &[
    "reminders",
    "colorId",
    "visibility",
    "status",
    "extendedProperties",
];

/// The fields of a `birthday` event a client may change (the event-types guide); its dates only
/// when it is not linked to a contact.
const BIRTHDAY_WRITABLE: &[&str] = &["colorId", "summary", "reminders", "start", "end"];

/// The fields a new `birthday` may carry besides what the server fills in.
const BIRTHDAY_NEW_FIELDS: &[&str] = &[
    "id",
    "summary",
    "colorId",
    "reminders",
    "start",
    "end",
    "eventType",
    "birthdayProperties",
    "recurrence",
    "visibility",
    "transparency",
    "status",
];

/// Fields the server keeps for itself, never a client's change.
const SERVER_OWNED: &[&str] = &[
    "kind",
    "etag",
    "id",
    "htmlLink",
    "created",
    "updated",
    "iCalUID",
    "creator",
    "organizer",
    "sequence",
    "eventType",
    "recurringEventId",
    "originalStartTime",
];

/// Each type's own properties object.
const PROPERTY_FIELDS: &[(EventType, &str)] = &[
    (EventType::Birthday, "birthdayProperties"),
    (EventType::FocusTime, "focusTimeProperties"),
    (EventType::OutOfOffice, "outOfOfficeProperties"),
    (EventType::WorkingLocation, "workingLocationProperties"),
];

const AUTO_DECLINE_MODES: &[&str] = &[
    "declineNone",
    "declineAllConflictingInvitations",
    "declineOnlyNewConflictingInvitations",
];

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::Default,
        EventType::Birthday,
        EventType::FromGmail,
        EventType::FocusTime,
        EventType::OutOfOffice,
        EventType::WorkingLocation,
    ];

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Default => "default",
            EventType::Birthday => "birthday",
            EventType::FromGmail => "fromGmail",
            EventType::FocusTime => "focusTime",
            EventType::OutOfOffice => "outOfOffice",
            EventType::WorkingLocation => "workingLocation",
        }
    }

    /// The type a stored body carries (`None` for a type this emulator does not know).
    pub fn of_stored(body: &Map<String, Value>) -> Option<EventType> {
        match body.get("eventType").and_then(Value::as_str) {
            None => Some(EventType::Default),
            Some(s) => EventType::parse(s),
        }
    }

    /// Types that only the primary calendar may hold.
    fn primary_only(self) -> bool {
        matches!(
            self,
            EventType::FocusTime | EventType::OutOfOffice | EventType::WorkingLocation
        )
    }

    fn properties_field(self) -> Option<&'static str> {
        PROPERTY_FIELDS
            .iter()
            .find(|(t, _)| *t == self)
            .map(|(_, f)| *f)
    }
}

/// Google's answer to a write an event type does not allow.
pub fn restriction(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "calendar", "eventTypeRestriction", message)
}

fn not_valid_for(ty: EventType) -> ApiError {
    restriction(format!(
        "Attempt made to modify '{}' event in a way that is not valid for this event type.",
        ty.as_str()
    ))
}

/// The `eventTypes` parameter values (repeatable; each may also be a comma-separated list).
pub fn parse_filter<'a>(values: impl Iterator<Item = &'a str>) -> Result<Vec<EventType>, ApiError> {
    let mut out = Vec::new();
    for v in values.flat_map(|v| v.split(',')) {
        let t = EventType::parse(v.trim()).ok_or_else(|| {
            ApiError::invalid_param("eventTypes", format!("Invalid value '{v}'."))
        })?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Checks a new event of any type and fills in the type's defaults. `on_primary`: the calendar
/// is its owner's primary one.
pub fn check_new(
    body: &mut Map<String, Value>,
    on_primary: bool,
    origin: Origin,
) -> Result<EventType, ApiError> {
    let ty = match body.get("eventType") {
        None | Some(Value::Null) => EventType::Default,
        Some(Value::String(s)) => EventType::parse(s).ok_or_else(|| {
            ApiError::invalid(format!("Invalid value for eventType: {s}")).at("field", "eventType")
        })?,
        Some(other) => return Err(ApiError::invalid(format!("Invalid eventType: {other}"))),
    };
    body.insert("eventType".into(), json!(ty.as_str()));
    if ty.primary_only() && !on_primary {
        return Err(restriction(format!(
            "Event type '{}' is only allowed on the primary calendar.",
            ty.as_str()
        )));
    }
    check_foreign_properties(body, ty)?;
    match ty {
        EventType::Default => Ok(()),
        EventType::FromGmail if origin == Origin::Api => Err(restriction(
            "Events of type 'fromGmail' cannot be created through the API.",
        )),
        EventType::FromGmail => Ok(()),
        EventType::Birthday => check_new_birthday(body, origin),
        EventType::FocusTime | EventType::OutOfOffice | EventType::WorkingLocation => {
            check_shape(body, ty)
        }
    }?;
    apply_defaults(body, ty);
    Ok(ty)
}

/// Checks a change of a stored event: the type stays, the type's writable fields are the only
/// ones that differ, and the result still has the type's shape.
pub fn check_change(
    old: &Map<String, Value>,
    new: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    let Some(ty) = EventType::of_stored(old) else {
        // A type Google added after this emulator was written: nothing is known to refuse.
        return Ok(());
    };
    match new.get("eventType").and_then(Value::as_str) {
        None => {
            new.insert("eventType".into(), json!(ty.as_str()));
        }
        Some(s) if s == ty.as_str() => {}
        Some(_) => return Err(restriction("The event type cannot be changed.")),
    }
    apply_defaults(new, ty);
    check_foreign_properties(new, ty)?;
    match ty {
        EventType::Default => Ok(()),
        EventType::FromGmail => only_changed(old, new, FROM_GMAIL_WRITABLE, ty),
        EventType::Birthday => {
            let linked = old
                .get("birthdayProperties")
                .and_then(|p| p.get("contact"))
                .is_some();
            let writable: &[&str] = if linked {
                &BIRTHDAY_WRITABLE[..3]
            } else {
                BIRTHDAY_WRITABLE
            };
            only_changed(old, new, writable, ty)?;
            check_birthday_dates(new)
        }
        EventType::FocusTime | EventType::OutOfOffice | EventType::WorkingLocation => {
            check_shape(new, ty)
        }
    }
}

/// `events.move` takes only `default` events.
pub fn check_move(body: &Map<String, Value>) -> Result<(), ApiError> {
    match EventType::of_stored(body) {
        Some(EventType::Default) => Ok(()),
        other => Err(restriction(format!(
            "Event type '{}' cannot be moved; only 'default' events can change calendar.",
            other.map_or("unknown", EventType::as_str)
        ))),
    }
}

/// A birthday that comes from Google Contacts can only be removed there.
pub fn check_delete(body: &Map<String, Value>) -> Result<(), ApiError> {
    let from_contact = EventType::of_stored(body) == Some(EventType::Birthday)
        && body
            .get("birthdayProperties")
            .and_then(|p| p.get("contact"))
            .is_some();
    if from_contact {
        return Err(not_valid_for(EventType::Birthday));
    }
    Ok(())
}

/// Fields other than the type's writable ones must be as they were.
fn only_changed(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    writable: &[&str],
    ty: EventType,
) -> Result<(), ApiError> {
    let changed = old
        .keys()
        .chain(new.keys())
        .filter(|k| !SERVER_OWNED.contains(&k.as_str()) && !writable.contains(&k.as_str()))
        .any(|k| old.get(k) != new.get(k));
    if changed {
        return Err(not_valid_for(ty));
    }
    Ok(())
}

/// Another type's properties object has no place on this event.
fn check_foreign_properties(body: &Map<String, Value>, ty: EventType) -> Result<(), ApiError> {
    for (owner, field) in PROPERTY_FIELDS {
        if *owner != ty && body.get(*field).is_some_and(|v| !v.is_null()) {
            return Err(restriction(format!(
                "{field} is only allowed on '{}' events.",
                owner.as_str()
            )));
        }
    }
    Ok(())
}

fn check_new_birthday(body: &Map<String, Value>, origin: Origin) -> Result<(), ApiError> {
    let props = body.get("birthdayProperties");
    let kind = props
        .and_then(|p| p.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("birthday");
    if origin == Origin::Api {
        if kind != "birthday" {
            return Err(restriction(
                "Only birthday events of type 'birthday' can be created through the API.",
            ));
        }
        if props.is_some_and(|p| p.get("contact").is_some() || p.get("customTypeName").is_some()) {
            return Err(not_valid_for(EventType::Birthday));
        }
        if let Some(k) = body
            .keys()
            .find(|k| !BIRTHDAY_NEW_FIELDS.contains(&k.as_str()))
        {
            return Err(restriction(format!(
                "'birthday' event type must not have {k}."
            )));
        }
        expect_value(body, "visibility", "private", EventType::Birthday)?;
        expect_value(body, "transparency", "transparent", EventType::Birthday)?;
    }
    check_birthday_dates(body)?;
    let yearly = body
        .get("recurrence")
        .and_then(Value::as_array)
        .is_some_and(|r| {
            r.len() == 1
                && r[0]
                    .as_str()
                    .is_some_and(|s| s.starts_with("RRULE:FREQ=YEARLY"))
        });
    if !yearly {
        return Err(restriction(
            "A 'birthday' event must recur yearly (RRULE:FREQ=YEARLY).",
        ));
    }
    Ok(())
}

/// A birthday is an all-day event of exactly one day.
fn check_birthday_dates(body: &Map<String, Value>) -> Result<(), ApiError> {
    if one_all_day_day(body) {
        Ok(())
    } else {
        Err(restriction(
            "A 'birthday' event must be an all-day event of exactly one day.",
        ))
    }
}

fn one_all_day_day(body: &Map<String, Value>) -> bool {
    let date = |k: &str| {
        body.get(k)
            .and_then(|v| v.get("date"))
            .and_then(Value::as_str)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    matches!((date("start"), date("end")), (Some(s), Some(e)) if e == s + chrono::Duration::days(1))
}

/// What focus time, out of office and working location events must look like.
fn check_shape(body: &Map<String, Value>, ty: EventType) -> Result<(), ApiError> {
    let all_day = body.get("start").is_some_and(is_all_day);
    let field = ty.properties_field().expect("these types have properties");
    let props = body.get(field).filter(|v| v.is_object()).ok_or_else(|| {
        ApiError::required(format!("Missing {field} for a '{}' event.", ty.as_str()))
            .at("field", field)
    })?;
    match ty {
        EventType::FocusTime | EventType::OutOfOffice => {
            if all_day {
                return Err(restriction(format!(
                    "A '{}' event cannot be an all-day event.",
                    ty.as_str()
                )));
            }
            if let Some(m) = props.get("autoDeclineMode") {
                if !m.as_str().is_some_and(|m| AUTO_DECLINE_MODES.contains(&m)) {
                    return Err(ApiError::invalid(format!("Invalid autoDeclineMode: {m}")));
                }
            }
            expect_value(body, "transparency", "opaque", ty)
        }
        EventType::WorkingLocation => {
            if all_day && !one_all_day_day(body) {
                return Err(restriction(
                    "An all-day 'workingLocation' event must span exactly one day.",
                ));
            }
            check_working_location(props)?;
            expect_value(body, "visibility", "public", ty)?;
            expect_value(body, "transparency", "transparent", ty)
        }
        _ => Ok(()),
    }
}

fn check_working_location(props: &Value) -> Result<(), ApiError> {
    let kind = props.get("type").and_then(Value::as_str);
    let needs = match kind {
        Some("homeOffice") => "homeOffice",
        Some("officeLocation") => "officeLocation",
        Some("customLocation") => "customLocation",
        _ => return Err(ApiError::required(
            "workingLocationProperties.type must be homeOffice, officeLocation or customLocation.",
        )
        .at("field", "workingLocationProperties.type")),
    };
    let detail = props.get(needs);
    let label = detail
        .and_then(|d| d.get("label"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if needs == "customLocation" && label.is_empty() {
        return Err(
            ApiError::required("A custom working location needs a label.")
                .at("field", "workingLocationProperties.customLocation.label"),
        );
    }
    if needs != "homeOffice" && detail.is_none() {
        return Err(ApiError::required(format!(
            "workingLocationProperties.{needs} is required for this type."
        )));
    }
    Ok(())
}

/// A field the type fixes: absent is fine (the default fills it), another value is refused.
fn expect_value(
    body: &Map<String, Value>,
    field: &str,
    want: &str,
    ty: EventType,
) -> Result<(), ApiError> {
    match body.get(field).and_then(Value::as_str) {
        None => Ok(()),
        Some(v) if v == want => Ok(()),
        Some(v) => Err(restriction(format!(
            "A '{}' event must have {field} '{want}', not '{v}'.",
            ty.as_str()
        ))),
    }
}

/// The values Google gives each type where the client gave none.
pub fn apply_defaults(body: &mut Map<String, Value>, ty: EventType) {
    let fixed: &[(&str, &str)] = match ty {
        EventType::FocusTime | EventType::OutOfOffice => &[("transparency", "opaque")],
        EventType::WorkingLocation => &[("visibility", "public"), ("transparency", "transparent")],
        EventType::Birthday => &[("visibility", "private"), ("transparency", "transparent")],
        EventType::Default | EventType::FromGmail => &[],
    };
    for (k, v) in fixed {
        body.entry(*k).or_insert(json!(v));
    }
    if ty == EventType::Birthday {
        let props = body
            .entry("birthdayProperties")
            .or_insert_with(|| json!({}));
        if let Some(p) = props.as_object_mut() {
            p.entry("type").or_insert(json!("birthday"));
        }
    }
}
