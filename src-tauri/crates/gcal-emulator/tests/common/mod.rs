//! Shared set-up of the integration tests: a real emulator on 127.0.0.1 and a reqwest client.
#![allow(dead_code)]

use gcal_emulator::{Control, EmulatorConfig, EmulatorHandle, GenSpec, World};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub struct Env {
    pub emu: EmulatorHandle,
    pub http: reqwest::Client,
    pub token: String,
    pub account: String,
    pub ctl: Control,
}

pub fn small_world(events: usize) -> World {
    World::generate(GenSpec {
        seed: 7,
        accounts: 2,
        calendars_per_account: 2,
        events_per_calendar: events,
        anchor: chrono::NaiveDate::from_ymd_opt(2026, 11, 25),
        ..GenSpec::default()
    })
}

/// A world with one empty calendar per account (tests add exactly what they need).
pub fn empty_world() -> World {
    let mut w = small_world(0);
    for a in &mut w.accounts {
        a.calendars.truncate(1);
    }
    w
}

pub async fn env_with(config: EmulatorConfig) -> Env {
    let emu = gcal_emulator::start(config).await.expect("emulator starts");
    let ctl = emu.control();
    let account = ctl.accounts()[0].email.clone();
    let token = ctl.mint_tokens(&account).expect("tokens").access_token;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Env {
        emu,
        http,
        token,
        account,
        ctl,
    }
}

pub async fn env(world: World) -> Env {
    env_with(EmulatorConfig {
        world,
        allow_http_push: true,
        ..EmulatorConfig::default()
    })
    .await
}

pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.emu.api_base(), path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        self.call_as(&self.token.clone(), method, path, body, headers)
            .await
    }

    pub async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None, &[]).await
    }

    /// A GET with another account's (or a broken) access token.
    pub async fn get_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call_as(token, Method::GET, path, None, &[]).await
    }

    /// A GET whose transport outcome matters (dropped connections, cut bodies): the bare response.
    pub async fn send_get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
    }

    /// The emulator's HTTP control API (`/__emulator/...`), which needs no token.
    pub fn control_url(&self, path: &str) -> String {
        format!("{}/__emulator/{path}", self.emu.base_url())
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body), &[]).await
    }

    pub fn primary(&self) -> String {
        self.ctl.accounts()[0].primary_calendar.clone()
    }

    pub fn events_path(&self, cal: &str) -> String {
        format!("calendars/{}/events", enc(cal))
    }

    /// One page of events.list for `cal` with `query`.
    pub async fn list_page(&self, cal: &str, query: &str) -> (StatusCode, Value) {
        self.get(&format!("{}?{query}", self.events_path(cal)))
            .await
    }

    /// Inserts an event as another client would (through the control surface); the stored event.
    pub fn insert(&self, cal: &str, event: Value) -> serde_json::Map<String, Value> {
        self.ctl.insert_event(cal, event).expect("event inserted")
    }

    /// Pages through events.list with `query`; returns (items, nextSyncToken, pages).
    pub async fn list_all(&self, cal: &str, query: &str) -> (Vec<Value>, String, usize) {
        let mut items = Vec::new();
        let mut page_token: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut path = format!("{}?{query}", self.events_path(cal));
            if let Some(p) = &page_token {
                path.push_str(&format!("&pageToken={}", enc(p)));
            }
            let (s, v) = self.get(&path).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            pages += 1;
            items.extend(v["items"].as_array().unwrap().iter().cloned());
            assert!(
                !(v.get("nextPageToken").is_some() && v.get("nextSyncToken").is_some()),
                "both tokens on one page"
            );
            match v.get("nextPageToken").and_then(Value::as_str) {
                Some(p) => page_token = Some(p.to_owned()),
                None => {
                    return (
                        items,
                        v["nextSyncToken"]
                            .as_str()
                            .expect("sync token on last page")
                            .to_owned(),
                        pages,
                    )
                }
            }
        }
    }
}

pub fn timed(summary: &str, start: &str, end: &str) -> Value {
    json!({ "summary": summary, "start": { "dateTime": start }, "end": { "dateTime": end } })
}

/// A one-hour event at a fixed moment (26 Nov 2026, 10:00 to 11:00 UTC), for tests where only
/// its summary matters.
pub fn hour_event(summary: &str) -> Value {
    timed(summary, "2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z")
}

/// The query that continues from a sync token.
pub fn sync_query(token: &str) -> String {
    format!("syncToken={}", enc(token))
}

pub fn error_reason(v: &Value) -> &str {
    v["error"]["errors"][0]["reason"].as_str().unwrap_or("")
}
