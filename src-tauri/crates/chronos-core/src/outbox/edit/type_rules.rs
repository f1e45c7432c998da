//! What Google lets a change of each event type touch, checked before anything is queued, so
//! the outbox never holds a change Google is known to refuse. The same rules tell the editor
//! which fields to offer.

use super::validate::{invalid, parse_point};
use crate::error::Result;
use crate::event_type::{birthday_contact, properties, EventType};
use crate::model::{EventDateTime, EventResource};
use crate::outbox::merge::changed_fields;
use chrono::NaiveDate;

/// The parts of an event the editor changes, by the names of the merge's content fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Editable {
    pub summary: bool,
    pub description: bool,
    pub location: bool,
    pub time: bool,
    pub attendees: bool,
    pub reminders: bool,
    pub color: bool,
}

impl Editable {
    const ALL: Editable = Editable {
        summary: true,
        description: true,
        location: true,
        time: true,
        attendees: true,
        reminders: true,
        color: true,
    };
    const NONE: Editable = Editable {
        summary: false,
        description: false,
        location: false,
        time: false,
        attendees: false,
        reminders: false,
        color: false,
    };

    /// Whether a content field (see `merge::CONTENT_FIELDS`) may change. `visibility` is not
    /// in the editor but Google lets Gmail events change it, so it follows the colour.
    fn allows(&self, field: &str) -> bool {
        match field {
            "summary" => self.summary,
            "description" => self.description,
            "location" => self.location,
            "time" => self.time,
            "attendees" => self.attendees,
            "reminders" => self.reminders,
            "colorId" | "visibility" => self.color,
            // The series rule and the busy flag belong to the type where it is not `default`.
            _ => self == &Self::ALL,
        }
    }
}

/// What the type of an event allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeRules {
    pub editable: Editable,
    /// Why some fields are locked (`None` when all are editable).
    pub locked: Option<String>,
    pub can_move: bool,
    pub can_delete: bool,
}

/// The rules for `ev`'s type.
pub fn rules(ev: &EventResource) -> TypeRules {
    let ty = EventType::of(ev);
    let open = |locked: Option<&str>| TypeRules {
        editable: Editable::ALL,
        locked: locked.map(str::to_owned),
        can_move: false,
        can_delete: true,
    };
    match ty {
        EventType::Default => TypeRules {
            can_move: true,
            ..open(None)
        },
        EventType::FocusTime | EventType::OutOfOffice | EventType::WorkingLocation => open(None),
        EventType::FromGmail => TypeRules {
            editable: Editable {
                reminders: true,
                color: true,
                ..Editable::NONE
            },
            locked: Some(
                "Gmail added this event from an email: Google lets you change only its colour \
                 and reminders"
                    .into(),
            ),
            can_move: false,
            can_delete: true,
        },
        EventType::Birthday => {
            let contact = birthday_contact(ev).is_some();
            TypeRules {
                editable: Editable {
                    summary: true,
                    reminders: true,
                    color: true,
                    time: !contact,
                    ..Editable::NONE
                },
                locked: Some(if contact {
                    "A birthday from Google Contacts: change the date in Contacts; here only its \
                     title, colour and reminders"
                        .into()
                } else {
                    "A birthday: Google lets you change only its title, day, colour and reminders"
                        .into()
                }),
                can_move: false,
                can_delete: !contact,
            }
        }
        EventType::Unknown(name) => TypeRules {
            editable: Editable::NONE,
            locked: Some(format!(
                "An event of a kind Chronos does not know yet ({name}): shown, not changed"
            )),
            can_move: false,
            can_delete: false,
        },
    }
}

fn is_all_day(ev: &EventResource) -> bool {
    ev.start.as_ref().is_some_and(|s| s.date.is_some())
}

fn one_day(ev: &EventResource) -> bool {
    let date = |t: Option<&EventDateTime>| {
        t.and_then(|t| t.date.as_deref())
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    matches!((date(ev.start.as_ref()), date(ev.end.as_ref())),
        (Some(s), Some(e)) if e == s + chrono::Duration::days(1))
}

/// The shape an event of its type must have, new or changed.
pub fn check_shape(ev: &EventResource) -> Result<()> {
    let ty = EventType::of(ev);
    let fixed = |field: &str, got: Option<&str>, want: &str| match got {
        Some(v) if v != want => Err(invalid(format!(
            "a {ty} event must have {field} {want}, not {v}"
        ))),
        _ => Ok(()),
    };
    let transparency = ev.extra.get("transparency").and_then(|v| v.as_str());
    match &ty {
        EventType::FocusTime | EventType::OutOfOffice => {
            if is_all_day(ev) {
                return Err(invalid(format!(
                    "{} is a timed block, never all-day: give it a start and an end time \
                     (a whole day is 00:00 to 24:00)",
                    if ty == EventType::FocusTime {
                        "focus time"
                    } else {
                        "out of office"
                    }
                )));
            }
            fixed("transparency", transparency, "opaque")
        }
        EventType::WorkingLocation => {
            if is_all_day(ev) && !one_day(ev) {
                return Err(invalid(
                    "an all-day working location covers exactly one day (a range is one entry a day)",
                ));
            }
            if properties(ev, &ty).is_none() {
                return Err(invalid("a working location needs its place"));
            }
            let visibility = ev.extra.get("visibility").and_then(|v| v.as_str());
            fixed("visibility", visibility, "public")?;
            fixed("transparency", transparency, "transparent")
        }
        EventType::Birthday if !one_day(ev) => {
            Err(invalid("a birthday is an all-day event of exactly one day"))
        }
        _ => Ok(()),
    }
}

/// `new` with `old`'s start and end where they are the same times written differently (a form
/// sends every field, in its own notation): Google compares a locked field as written.
pub fn keep_same_time(old: &EventResource, mut new: EventResource) -> EventResource {
    let same = |a: Option<&EventDateTime>, b: Option<&EventDateTime>| match (a, b) {
        (Some(a), Some(b)) => {
            let (pa, pb) = (parse_point(a, "start"), parse_point(b, "start"));
            matches!((pa, pb), (Ok(x), Ok(y)) if x == y)
                && (b.time_zone.is_none() || b.time_zone == a.time_zone)
        }
        _ => false,
    };
    if same(old.start.as_ref(), new.start.as_ref()) && same(old.end.as_ref(), new.end.as_ref()) {
        new.start.clone_from(&old.start);
        new.end.clone_from(&old.end);
    }
    new
}

/// Refuses a change from `old` to `new` that `old`'s type does not allow.
pub fn check_change(old: &EventResource, new: &EventResource) -> Result<()> {
    let ty = EventType::of(old);
    if EventType::of(new) != ty {
        return Err(invalid("an event's kind cannot be changed"));
    }
    let r = rules(old);
    let refused: Vec<&str> = changed_fields(old, new)
        .into_iter()
        .filter(|f| !r.editable.allows(f))
        .collect();
    if !refused.is_empty() {
        let why = r.locked.unwrap_or_else(|| format!("a {ty} event"));
        return Err(invalid(format!(
            "{why} ({} cannot be changed)",
            refused
                .iter()
                .map(|f| field_label(f))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let conference = |e: &EventResource| e.extra.get("conferenceData").cloned();
    if ty != EventType::Default && conference(old) != conference(new) {
        return Err(invalid(format!(
            "only ordinary events can have a video call; this is a {ty} event"
        )));
    }
    if let Some(field) = ty.properties_field() {
        if old.extra.get(field) != new.extra.get(field) && ty == EventType::Birthday {
            return Err(invalid("a birthday's details cannot be changed"));
        }
    }
    check_shape(new)
}

/// Refuses a new event of a type a client cannot create, or of the wrong shape.
pub fn check_new(ev: &EventResource) -> Result<()> {
    match EventType::of(ev) {
        EventType::FromGmail => Err(invalid("only Gmail adds events from emails")),
        EventType::Unknown(name) => Err(invalid(format!(
            "Chronos cannot make events of the kind {name}"
        ))),
        _ => check_shape(ev),
    }
}

/// Refuses moving an event to another calendar unless its type allows it.
pub fn check_move(ev: &EventResource) -> Result<()> {
    if rules(ev).can_move {
        return Ok(());
    }
    Err(invalid(format!(
        "only ordinary events can move to another calendar; this is a {} event",
        EventType::of(ev)
    )))
}

/// Refuses deleting an event Google does not let a client delete.
pub fn check_delete(ev: &EventResource) -> Result<()> {
    let r = rules(ev);
    if r.can_delete {
        return Ok(());
    }
    Err(invalid(r.locked.unwrap_or_else(|| {
        "this event cannot be deleted here".into()
    })))
}

fn field_label(f: &str) -> &str {
    match f {
        "summary" => "the title",
        "description" => "the description",
        "location" => "the location",
        "colorId" => "the colour",
        "time" => "the time",
        "attendees" => "the guests",
        "reminders" => "the reminders",
        "recurrence" => "the repetition",
        "transparency" => "busy/free",
        "visibility" => "the visibility",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn ev(v: Value) -> EventResource {
        serde_json::from_value(v).unwrap()
    }

    fn gmail() -> EventResource {
        ev(
            json!({"id": "g", "eventType": "fromGmail", "summary": "Flight",
            "start": {"dateTime": "2026-12-19T08:15:00Z"}, "end": {"dateTime": "2026-12-19T11:40:00Z"}}),
        )
    }

    fn changed(e: &EventResource, f: impl FnOnce(&mut EventResource)) -> EventResource {
        let mut n = e.clone();
        f(&mut n);
        n
    }

    #[test]
    fn a_gmail_event_takes_colour_and_reminders_only() {
        let g = gmail();
        check_change(&g, &changed(&g, |n| n.color_id = Some("5".into()))).unwrap();
        check_change(
            &g,
            &changed(&g, |n| n.reminders = Some(json!({"useDefault": true}))),
        )
        .unwrap();
        let err = check_change(&g, &changed(&g, |n| n.summary = Some("x".into()))).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        assert!(
            err.to_string().contains("the title cannot be changed"),
            "{err}"
        );
        assert!(check_move(&g).is_err());
        let r = rules(&g);
        assert!(!r.editable.summary && r.editable.color && r.locked.is_some());
    }

    #[test]
    fn a_contact_birthday_keeps_its_day_and_cannot_be_deleted() {
        let b = ev(
            json!({"id": "b", "eventType": "birthday", "summary": "Alex",
            "birthdayProperties": {"type": "birthday", "contact": "people/c1"},
            "start": {"date": "2026-12-08"}, "end": {"date": "2026-12-09"}}),
        );
        check_change(&b, &changed(&b, |n| n.summary = Some("Alex K.".into()))).unwrap();
        let moved = changed(&b, |n| {
            n.start = Some(EventDateTime {
                date: Some("2026-12-09".into()),
                ..Default::default()
            });
            n.end = Some(EventDateTime {
                date: Some("2026-12-10".into()),
                ..Default::default()
            });
        });
        assert!(check_change(&b, &moved).is_err());
        assert!(check_delete(&b).is_err());
        // Entered by hand: its day may change, still one day.
        let mut own = b.clone();
        own.extra
            .insert("birthdayProperties".into(), json!({"type": "birthday"}));
        let mut moved_own = moved.clone();
        moved_own.extra = own.extra.clone();
        check_change(&own, &moved_own).unwrap();
        check_delete(&own).unwrap();
    }

    #[test]
    fn the_same_time_in_another_notation_is_no_change() {
        let g = gmail();
        let renoted = changed(&g, |n| {
            n.start = Some(EventDateTime {
                date_time: Some("2026-12-19T09:15:00+01:00".into()),
                ..Default::default()
            });
        });
        let kept = keep_same_time(&g, renoted);
        assert_eq!(kept.start, g.start);
        check_change(&g, &kept).unwrap();
        let later = changed(&g, |n| {
            n.start = Some(EventDateTime {
                date_time: Some("2026-12-19T09:15:00Z".into()),
                ..Default::default()
            });
        });
        assert!(check_change(&g, &keep_same_time(&g, later)).is_err());
    }

    #[test]
    fn focus_time_stays_timed_and_unknown_kinds_are_read_only() {
        let f = ev(
            json!({"id": "f", "eventType": "focusTime", "summary": "Focus",
            "focusTimeProperties": {}, "transparency": "opaque",
            "start": {"dateTime": "2026-12-07T09:00:00Z"}, "end": {"dateTime": "2026-12-07T11:00:00Z"}}),
        );
        check_change(&f, &changed(&f, |n| n.summary = Some("Deep work".into()))).unwrap();
        let all_day = changed(&f, |n| {
            n.start = Some(EventDateTime {
                date: Some("2026-12-07".into()),
                ..Default::default()
            });
            n.end = Some(EventDateTime {
                date: Some("2026-12-08".into()),
                ..Default::default()
            });
        });
        assert!(check_change(&f, &all_day)
            .unwrap_err()
            .to_string()
            .contains("never all-day"));
        let u = ev(json!({"id": "u", "eventType": "travelTime", "summary": "T"}));
        assert!(check_change(&u, &changed(&u, |n| n.color_id = Some("2".into()))).is_err());
        assert!(check_delete(&u).is_err());
        let kind_change = changed(&f, |n| {
            n.extra.insert("eventType".into(), json!("default"));
        });
        assert!(check_change(&f, &kind_change).is_err());
    }
}
