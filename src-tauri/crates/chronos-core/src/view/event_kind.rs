//! What an event's kind adds to its view: which fields the editor may change and why the rest
//! are locked, the working place, the auto-decline text, the video call and the attachments.

use crate::conference::{attachments, calendar_allows, conference, MEET};
use crate::event_type::{auto_decline, work_place, EventType, WorkPlace};
use crate::model::EventResource;
use crate::outbox::edit::{type_rules, Editable};
use crate::store::StoredCalendar;
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// The fields the editor may change for this event.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct EditableView {
    pub title: bool,
    pub description: bool,
    pub location: bool,
    pub time: bool,
    pub guests: bool,
    pub reminders: bool,
    pub color: bool,
}

impl EditableView {
    fn of(e: Editable, read_only: bool) -> Self {
        let w = !read_only;
        EditableView {
            title: w && e.summary,
            description: w && e.description,
            location: w && e.location,
            time: w && e.time,
            guests: w && e.attendees,
            reminders: w && e.reminders,
            color: w && e.color,
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct ConferenceView {
    /// An `https` address to join by video.
    pub join_url: Option<String>,
    pub solution: Option<String>,
    /// A Meet link was asked for and has not come yet.
    pub pending: bool,
    pub failed: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentView {
    pub title: String,
    pub file_url: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkPlaceView {
    #[cfg_attr(feature = "ts", ts(type = "\"home\" | \"office\" | \"custom\""))]
    pub kind: String,
    pub label: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct AutoDeclineView {
    /// Google's `autoDeclineMode`.
    pub mode: String,
    pub message: Option<String>,
}

/// The kind-dependent part of an event's view.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct EventKindView {
    /// Google's `eventType` (`default`, `birthday`, `fromGmail`, `focusTime`, `outOfOffice`,
    /// `workingLocation`, or a newer one Chronos shows read-only).
    pub event_type: String,
    pub editable: EditableView,
    /// Why some fields cannot be changed (none when the calendar is read-only: that says it).
    pub locked_reason: Option<String>,
    pub can_move: bool,
    pub can_delete: bool,
    pub conference: Option<ConferenceView>,
    /// The calendar offers Meet and the event has no conference yet.
    pub can_add_meet: bool,
    pub attachments: Vec<AttachmentView>,
    pub work_place: Option<WorkPlaceView>,
    pub auto_decline: Option<AutoDeclineView>,
}

pub fn kind_view(ev: &EventResource, calendar: Option<&StoredCalendar>) -> EventKindView {
    let read_only = calendar.is_none_or(|c| c.is_read_only());
    let ty = EventType::of(ev);
    let rules = type_rules(ev);
    let conf = conference(ev);
    let meet_offered = calendar.is_some_and(|c| calendar_allows(&c.entry, MEET));
    EventKindView {
        event_type: ty.as_str().to_owned(),
        editable: EditableView::of(rules.editable, read_only),
        locked_reason: if read_only { None } else { rules.locked },
        can_move: !read_only && rules.can_move,
        can_delete: !read_only && rules.can_delete,
        can_add_meet: !read_only && ty == EventType::Default && conf.is_none() && meet_offered,
        conference: conf.map(|c| ConferenceView {
            join_url: c.join_url,
            solution: c.solution,
            pending: c.pending,
            failed: c.failed,
        }),
        attachments: attachments(ev)
            .into_iter()
            .map(|(title, file_url)| AttachmentView { title, file_url })
            .collect(),
        work_place: work_place(ev).map(|p| {
            let (kind, label) = match p {
                WorkPlace::Home => ("home", None),
                WorkPlace::Office(l) => ("office", l),
                WorkPlace::Custom(l) => ("custom", Some(l)),
            };
            WorkPlaceView {
                kind: kind.into(),
                label,
            }
        }),
        auto_decline: auto_decline(ev).map(|(mode, message)| AutoDeclineView { mode, message }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CalendarListEntry;
    use serde_json::json;

    fn calendar(role: &str, meet: bool) -> StoredCalendar {
        let mut entry = json!({"id": "c", "accessRole": role});
        if meet {
            entry["conferenceProperties"] =
                json!({"allowedConferenceSolutionTypes": ["hangoutsMeet"]});
        }
        let entry: CalendarListEntry = serde_json::from_value(entry).unwrap();
        StoredCalendar::shown("a@example.com", entry)
    }

    fn ev(v: serde_json::Value) -> EventResource {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_gmail_event_locks_all_but_colour_and_reminders_and_cannot_move() {
        let g = ev(json!({"id": "g", "eventType": "fromGmail"}));
        let v = kind_view(&g, Some(&calendar("owner", true)));
        assert_eq!(v.event_type, "fromGmail");
        assert!(!v.editable.title && !v.editable.time && v.editable.color && v.editable.reminders);
        assert!(v.locked_reason.unwrap().contains("Gmail"));
        assert!(!v.can_move && v.can_delete && !v.can_add_meet);
    }

    #[test]
    fn meet_is_offered_for_ordinary_events_of_calendars_that_have_it() {
        let d = ev(json!({"id": "d"}));
        let v = kind_view(&d, Some(&calendar("owner", true)));
        assert!(v.can_add_meet && v.can_move && v.locked_reason.is_none());
        assert!(!kind_view(&d, Some(&calendar("owner", false))).can_add_meet);
        let ro = kind_view(&d, Some(&calendar("reader", true)));
        assert!(!ro.can_add_meet && !ro.editable.title && !ro.can_move);
        let with_link = ev(json!({"id": "d", "hangoutLink": "https://meet.google.com/a"}));
        let v = kind_view(&with_link, Some(&calendar("owner", true)));
        assert!(!v.can_add_meet);
        assert_eq!(
            v.conference.unwrap().join_url.as_deref(),
            Some("https://meet.google.com/a")
        );
    }

    #[test]
    fn working_place_and_auto_decline_are_shown() {
        let w = ev(json!({"id": "w", "eventType": "workingLocation",
            "workingLocationProperties": {"type": "homeOffice", "homeOffice": {}}}));
        let v = kind_view(&w, Some(&calendar("owner", true)));
        assert_eq!(v.work_place.unwrap().kind, "home");
        let f = ev(
            json!({"id": "f", "eventType": "focusTime", "focusTimeProperties": {
            "autoDeclineMode": "declineOnlyNewConflictingInvitations", "declineMessage": "Busy"}}),
        );
        let v = kind_view(&f, Some(&calendar("owner", true)));
        assert_eq!(v.auto_decline.unwrap().message.as_deref(), Some("Busy"));
    }
}
