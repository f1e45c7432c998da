//! `settings.list`: the user's Google Calendar settings (time zone, week start, …).

use super::client::{Call, GoogleClient};
use crate::error::Result;
use reqwest::Method;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub id: String,
    pub value: String,
}

/// The settings as a list of `(id, value)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserSettings(pub Vec<Setting>);

impl UserSettings {
    pub fn get(&self, id: &str) -> Option<&str> {
        self.0.iter().find(|s| s.id == id).map(|s| s.value.as_str())
    }
    /// IANA zone, e.g. `Europe/Paris`.
    pub fn time_zone(&self) -> Option<&str> {
        self.get("timezone")
    }
    /// `0` Sunday, `1` Monday, `6` Saturday.
    pub fn week_start(&self) -> Option<u8> {
        self.get("weekStart")?.parse().ok()
    }
    pub fn format_24_hour_time(&self) -> Option<bool> {
        self.get("format24HourTime")?.parse().ok()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsPage {
    #[serde(default)]
    items: Vec<serde_json::Value>,
    #[serde(default)]
    next_page_token: Option<String>,
}

impl GoogleClient {
    /// One setting (`settings.get`), e.g. `timezone`.
    pub async fn get_setting(&self, id: &str) -> Result<Setting> {
        self.call(Call::new(
            Method::GET,
            format!("users/me/settings/{}", super::client::encode_segment(id)),
        ))
        .await
    }

    /// All settings; entries that do not parse are ignored.
    pub async fn get_settings(&self) -> Result<UserSettings> {
        let mut out = Vec::new();
        let mut page_token: Option<String> = None;
        for _ in 0..100 {
            let call = Call::new(Method::GET, "users/me/settings".into())
                .query_opt("pageToken", page_token.take());
            let page: SettingsPage = self.call(call).await?;
            out.extend(
                page.items
                    .into_iter()
                    .filter_map(|v| serde_json::from_value::<Setting>(v).ok()),
            );
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => page_token = Some(t),
                None => break,
            }
        }
        Ok(UserSettings(out))
    }
}
