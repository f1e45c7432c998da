//! Push channels: `events.watch` and `channels.stop`.

use super::client::{encode_segment, Call, GoogleClient};
use crate::error::{Error, Result};
use crate::model::CalendarId;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What to ask Google for when opening a channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchRequest {
    /// At most 64 characters, unique per channel (a UUID is fine).
    pub id: String,
    /// HTTPS address Google will POST notifications to.
    pub address: String,
    /// Echoed back in `X-Goog-Channel-Token`, to verify notifications.
    pub token: Option<String>,
    /// Requested lifetime; Google's default is 7 days.
    pub ttl: Option<Duration>,
}

/// An open channel as Google describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub id: String,
    pub resource_id: String,
    #[serde(default)]
    pub resource_uri: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
    /// Unix milliseconds, as a string (Google's format).
    #[serde(default)]
    pub expiration: Option<String>,
}

impl Channel {
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        let ms: i64 = self.expiration.as_deref()?.parse().ok()?;
        Utc.timestamp_millis_opt(ms).single()
    }
}

impl GoogleClient {
    pub async fn watch_events(&self, calendar: &CalendarId, req: &WatchRequest) -> Result<Channel> {
        if req.id.is_empty() || req.id.len() > 64 {
            return Err(Error::InvalidInput(
                "a channel id has 1 to 64 characters".into(),
            ));
        }
        let mut body =
            serde_json::json!({"id": req.id, "type": "web_hook", "address": req.address});
        if let Some(t) = &req.token {
            body["token"] = t.clone().into();
        }
        if let Some(ttl) = req.ttl {
            body["params"] = serde_json::json!({"ttl": ttl.as_secs().to_string()});
        }
        let path = format!(
            "calendars/{}/events/watch",
            encode_segment(calendar.as_str())
        );
        self.call(Call::new(Method::POST, path).body(body)).await
    }

    /// Stops notifications on a channel (204).
    pub async fn stop_channel(&self, channel_id: &str, resource_id: &str) -> Result<()> {
        let body = serde_json::json!({"id": channel_id, "resourceId": resource_id});
        self.execute(&Call::new(Method::POST, "channels/stop".into()).body(body))
            .await
            .result
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiration_is_unix_millis() {
        let c = Channel {
            id: "c".into(),
            resource_id: "r".into(),
            resource_uri: None,
            token: None,
            expiration: Some("1764000000000".into()),
        };
        assert_eq!(c.expires_at().unwrap().timestamp(), 1_764_000_000);
    }
}
