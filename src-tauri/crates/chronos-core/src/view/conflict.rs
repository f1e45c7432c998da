//! A conflict as views show it: each field that differs, with both values as display text.

use crate::model::EventResource;
use crate::store::{ConflictKind, StoredConflict};
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ConflictFieldView {
    pub name: String,
    pub local: Option<String>,
    pub server: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    pub id: String,
    pub account_id: String,
    pub calendar_id: String,
    pub event_id: String,
    #[cfg_attr(feature = "ts", ts(type = "ConflictKind"))]
    pub kind: ConflictKind,
    pub title: Option<String>,
    pub fields: Vec<ConflictFieldView>,
}

/// A field's value as display text (dates and times as Google writes them).
fn field_text(ev: Option<&EventResource>, field: &str) -> Option<String> {
    let map = serde_json::to_value(ev?).ok()?;
    let map = map.as_object()?;
    let v = crate::outbox::merge::field_value(map, field)?;
    Some(match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

pub fn view(c: &StoredConflict) -> ConflictView {
    let v = &c.value;
    ConflictView {
        id: c.id.0.to_string(),
        account_id: c.account.as_str().to_owned(),
        calendar_id: c.calendar.as_str().to_owned(),
        event_id: c.event_id.as_str().to_owned(),
        kind: c.kind,
        title: v
            .local
            .as_ref()
            .or(v.server.as_ref())
            .and_then(|e| e.summary.clone()),
        fields: v
            .fields
            .iter()
            .map(|f| ConflictFieldView {
                name: f.clone(),
                local: field_text(v.local.as_ref(), f),
                server: field_text(v.server.as_ref(), f),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, CalendarId, EventDateTime, EventId};
    use crate::store::{ConflictId, ConflictValue};

    #[test]
    fn each_differing_field_shows_both_sides_as_text() {
        let side = |title: &str, hour: u32| EventResource {
            id: EventId::new("e1"),
            summary: Some(title.into()),
            start: Some(EventDateTime {
                date_time: Some(format!("2026-12-01T{hour:02}:00:00Z")),
                ..Default::default()
            }),
            ..Default::default()
        };
        let conflict = StoredConflict {
            id: ConflictId(7),
            account: AccountId::new("a@example.com"),
            calendar: CalendarId::new("c"),
            event_id: EventId::new("e1"),
            kind: ConflictKind::ALL[0],
            created: chrono::DateTime::from_timestamp(0, 0).unwrap(),
            value: ConflictValue {
                local: Some(side("Mine", 9)),
                server: Some(side("Theirs", 10)),
                fields: vec!["summary".into(), "start".into()],
                ..Default::default()
            },
        };
        let v = view(&conflict);
        assert_eq!((v.id.as_str(), v.title.as_deref()), ("7", Some("Mine")));
        assert_eq!(v.fields[0].local.as_deref(), Some("Mine"));
        assert_eq!(v.fields[0].server.as_deref(), Some("Theirs"));
        let start = &v.fields[1];
        assert_eq!(start.name, "start");
        assert!(
            start.local.as_deref().unwrap().contains("09:00"),
            "{start:?}"
        );
        assert!(
            start.server.as_deref().unwrap().contains("10:00"),
            "{start:?}"
        );
    }
}
