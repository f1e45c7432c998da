//! What a calendar, an account and an OAuth client are made from: the value types of world
//! fixtures, which the live state also takes when the control API adds a calendar.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// An OAuth client the token endpoint accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSpec {
    pub client_id: String,
    pub client_secret: String,
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
    /// The calendar's `labelProperties` (`eventLabels`: id, name, backgroundColor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_properties: Option<Value>,
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
            label_properties: None,
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
