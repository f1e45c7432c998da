//! The live state of an emulator: accounts and their calendar lists, calendars and events,
//! OAuth grants and push channels. One `State` sits behind one lock; handlers take it briefly.

pub mod calendar;
pub mod conference;
pub mod event_types;
pub mod events;
pub mod ids;
pub mod labels;
pub mod list;
pub mod oauth;
pub mod recurrence;
pub mod sorted_cache;
pub mod time;
pub mod write_opts;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

use crate::error::ApiError;
pub use crate::push::PushJob;
use crate::spec::{CalendarSpec, ClientSpec};
use calendar::Calendar;
use ids::Clock;

/// A user's view of one calendar (`calendarListEntry` fields that are per user).
#[derive(Debug, Clone)]
pub struct ListEntry {
    pub cal_id: String,
    pub prefs: Map<String, Value>,
    pub access_role: String,
    pub deleted: bool,
    pub change_seq: u64,
    pub etag: String,
}

#[derive(Debug)]
pub struct Account {
    pub email: String,
    pub sub: String,
    pub settings: BTreeMap<String, String>,
    pub entries: Vec<ListEntry>,
    pub list_seq: u64,
    pub list_epoch: u32,
}

impl Account {
    pub fn primary_id(&self) -> String {
        self.entries
            .iter()
            .find(|e| e.prefs.get("primary") == Some(&Value::Bool(true)) && !e.deleted)
            .map(|e| e.cal_id.clone())
            .unwrap_or_else(|| self.email.clone())
    }
}

/// A registered `web_hook` channel.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub id: String,
    pub resource_id: String,
    pub resource_uri: String,
    pub token: Option<String>,
    pub address: String,
    pub expiration_ms: i64,
    pub calendar_id: String,
    pub account: String,
    pub next_message: u64,
    /// The `eventTypes` the channel watches; empty: all.
    pub event_types: Vec<event_types::EventType>,
}

pub struct State {
    pub base_url: String,
    pub clock: Clock,
    pub rng: StdRng,
    pub calendars: HashMap<String, Calendar>,
    pub accounts: BTreeMap<String, Account>,
    /// Account emails in the world's order (the first is the default sign-in).
    pub account_order: Vec<String>,
    pub oauth: oauth::OAuthStore,
    pub channels: HashMap<String, Channel>,
    pub push_tx: Option<tokio::sync::mpsc::UnboundedSender<PushJob>>,
    pub auto_push: bool,
    pub allow_http_push: bool,
    pub page_quirks: list::PageQuirks,
    pub write_quirks: WriteQuirks,
}

/// Test knobs for write behaviour other Google-compatible servers show.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteQuirks {
    /// events.insert ignores the id the client chose and assigns its own (as `events.import`
    /// and some servers do); the answer carries the assigned id.
    #[serde(default)]
    pub ignore_client_ids: bool,
}

impl State {
    /// An empty state: no accounts, calendars, grants or channels yet.
    pub fn new(base_url: String, seed: u64, clients: Vec<ClientSpec>) -> State {
        State {
            base_url,
            clock: Clock::default(),
            rng: StdRng::seed_from_u64(seed),
            calendars: HashMap::new(),
            accounts: BTreeMap::new(),
            account_order: Vec::new(),
            oauth: oauth::OAuthStore::new(clients),
            channels: HashMap::new(),
            push_tx: None,
            auto_push: true,
            allow_http_push: false,
            page_quirks: list::PageQuirks::default(),
            write_quirks: WriteQuirks::default(),
        }
    }

    /// Adds an account with no calendars; `sub` is derived from the email when absent, and
    /// `settings` override Google's defaults.
    pub fn add_account(
        &mut self,
        email: &str,
        sub: Option<String>,
        settings: BTreeMap<String, String>,
    ) {
        let sub = sub.unwrap_or_else(|| derive_sub(email));
        let mut all = default_settings();
        all.extend(settings);
        self.account_order.push(email.to_owned());
        self.accounts.insert(
            email.to_owned(),
            Account {
                email: email.to_owned(),
                sub,
                settings: all,
                entries: Vec::new(),
                list_seq: 0,
                list_epoch: 1,
            },
        );
    }

    pub fn ordered_accounts(&self) -> impl Iterator<Item = &Account> {
        self.account_order
            .iter()
            .filter_map(|e| self.accounts.get(e))
    }

    /// Creates a calendar owned by (or shared with, per `access_role`) `account`, with its events.
    pub fn add_calendar(&mut self, account: &str, spec: &CalendarSpec) -> Result<Value, ApiError> {
        self.add_calendar_owned(account, spec.clone())
    }

    pub fn add_calendar_owned(
        &mut self,
        account: &str,
        mut spec: CalendarSpec,
    ) -> Result<Value, ApiError> {
        if !self.accounts.contains_key(account) {
            return Err(ApiError::not_found());
        }
        if self.calendars.get(&spec.id).is_some_and(|c| !c.removed) {
            return Err(ApiError::duplicate());
        }
        let tz = time::parse_tz(&spec.time_zone)
            .ok_or_else(|| ApiError::invalid_param("timeZone", "Invalid time zone definition."))?;
        let mut cal = Calendar::new(
            spec.id.clone(),
            account.to_owned(),
            spec.summary.clone(),
            spec.time_zone.clone(),
            tz,
        );
        cal.description = spec.description.clone();
        if let Some(mut p) = spec.label_properties.clone() {
            labels::normalise_label_properties(&mut p, &mut self.rng)?;
            cal.label_properties = Some(p);
        }
        if let Some(old) = self.calendars.get(&spec.id) {
            // A re-added calendar must not accept tokens handed out for its former life.
            cal.epoch = old.epoch + 1;
        }
        self.calendars.insert(spec.id.clone(), cal);
        for ev in std::mem::take(&mut spec.events) {
            let Value::Object(body) = ev else { continue };
            self.seed_event(&spec.id, body);
        }
        let mut prefs = Map::new();
        prefs.insert("colorId".into(), json!(spec.color_id));
        let (bg, fg) = crate::colors::calendar_color(&spec.color_id);
        prefs.insert("backgroundColor".into(), json!(bg));
        prefs.insert("foregroundColor".into(), json!(fg));
        if let Some(o) = &spec.summary_override {
            prefs.insert("summaryOverride".into(), json!(o));
        }
        if spec.primary {
            prefs.insert("primary".into(), json!(true));
        }
        if spec.hidden {
            prefs.insert("hidden".into(), json!(true));
        }
        if spec.selected {
            prefs.insert("selected".into(), json!(true));
        }
        prefs.insert(
            "defaultReminders".into(),
            Value::Array(spec.default_reminders.clone()),
        );
        let stamp = self.clock.tick();
        let acc = self.accounts.get_mut(account).expect("checked above");
        acc.list_seq += 1;
        acc.entries.retain(|e| e.cal_id != spec.id);
        acc.entries.push(ListEntry {
            cal_id: spec.id.clone(),
            prefs,
            access_role: spec.access_role.clone(),
            deleted: false,
            change_seq: acc.list_seq,
            etag: stamp.etag(),
        });
        let entry = acc.entries.last().expect("just pushed").clone();
        Ok(self.list_entry_json(&entry))
    }

    /// Removes a calendar: its list entries become `deleted`, its events unreachable.
    pub fn remove_calendar(&mut self, cal_id: &str) -> Result<(), ApiError> {
        let cal = self
            .calendars
            .get_mut(cal_id)
            .filter(|c| !c.removed)
            .ok_or_else(ApiError::not_found)?;
        cal.removed = true;
        cal.epoch += 1;
        let stamp = self.clock.tick();
        for acc in self.accounts.values_mut() {
            for e in acc
                .entries
                .iter_mut()
                .filter(|e| e.cal_id == cal_id && !e.deleted)
            {
                acc.list_seq += 1;
                e.deleted = true;
                e.change_seq = acc.list_seq;
                e.etag = stamp.etag();
            }
        }
        self.channels.retain(|_, ch| ch.calendar_id != cal_id);
        Ok(())
    }

    /// Applies a calendarList.patch to `account`'s entry for `cal_id`: the per-user fields it
    /// names change (others are ignored), a new etag, and a change the list's sync token sees.
    pub fn patch_list_entry(
        &mut self,
        account: &str,
        cal_id: &str,
        patch: &Map<String, Value>,
        rgb: bool,
    ) -> Result<Value, ApiError> {
        let colour = |k: &str| -> Result<Option<String>, ApiError> {
            let Some(v) = patch.get(k) else {
                return Ok(None);
            };
            if !rgb {
                return Err(ApiError::invalid_param(
                    "colorRgbFormat",
                    format!("{k} can only be set with colorRgbFormat=true."),
                ));
            }
            let s = v
                .as_str()
                .filter(|s| crate::colors::nearest_calendar_color(s).is_some());
            s.map(|s| Some(s.to_ascii_lowercase()))
                .ok_or_else(|| ApiError::invalid(format!("Invalid {k}: {v}")))
        };
        let (bg, fg) = (colour("backgroundColor")?, colour("foregroundColor")?);
        let stamp = self.clock.tick();
        let acc = self.accounts.get_mut(account).ok_or_else(ApiError::auth)?;
        let e = acc
            .entries
            .iter_mut()
            .find(|e| e.cal_id == cal_id && !e.deleted)
            .ok_or_else(ApiError::not_found)?;
        for k in ["summaryOverride", "hidden", "selected", "defaultReminders"] {
            if let Some(v) = patch.get(k) {
                e.prefs.insert(k.into(), v.clone());
            }
        }
        if let Some(id) = patch.get("colorId").filter(|_| bg.is_none()) {
            let (b, f) = crate::colors::calendar_color(id.as_str().unwrap_or_default());
            e.prefs.insert("colorId".into(), id.clone());
            e.prefs.insert("backgroundColor".into(), json!(b));
            e.prefs.insert("foregroundColor".into(), json!(f));
        }
        if let Some(b) = &bg {
            e.prefs.insert(
                "colorId".into(),
                json!(crate::colors::nearest_calendar_color(b)),
            );
            e.prefs.insert("backgroundColor".into(), json!(b));
        }
        if let Some(f) = &fg {
            e.prefs.insert("foregroundColor".into(), json!(f));
        }
        acc.list_seq += 1;
        e.change_seq = acc.list_seq;
        e.etag = stamp.etag();
        let entry = e.clone();
        Ok(self.list_entry_json(&entry))
    }

    pub fn list_entry_json(&self, e: &ListEntry) -> Value {
        let mut m = Map::new();
        m.insert("kind".into(), json!("calendar#calendarListEntry"));
        m.insert("etag".into(), json!(e.etag));
        m.insert("id".into(), json!(e.cal_id));
        if let Some(cal) = self.calendars.get(&e.cal_id) {
            m.insert("summary".into(), json!(cal.summary));
            if let Some(d) = &cal.description {
                m.insert("description".into(), json!(d));
            }
            m.insert("timeZone".into(), json!(cal.time_zone));
        }
        m.insert("accessRole".into(), json!(e.access_role));
        for (k, v) in &e.prefs {
            m.insert(k.clone(), v.clone());
        }
        if e.access_role == "owner" || e.access_role == "writer" {
            m.insert(
                "conferenceProperties".into(),
                json!({"allowedConferenceSolutionTypes": ["hangoutsMeet"]}),
            );
        }
        if e.deleted {
            m.insert("deleted".into(), json!(true));
        }
        Value::Object(m)
    }

    /// Resolves `primary` and checks that `account` may see (or, with `write`, change) the calendar.
    pub fn access(
        &self,
        account: &str,
        cal_id: &str,
        write: bool,
    ) -> Result<(String, String), ApiError> {
        let acc = self.accounts.get(account).ok_or_else(ApiError::auth)?;
        let id = if cal_id == "primary" {
            acc.primary_id()
        } else {
            cal_id.to_owned()
        };
        let entry = acc
            .entries
            .iter()
            .find(|e| e.cal_id == id && !e.deleted)
            .ok_or_else(ApiError::not_found)?;
        if self.calendars.get(&id).is_none_or(|c| c.removed) {
            return Err(ApiError::not_found());
        }
        if write && !(entry.access_role == "owner" || entry.access_role == "writer") {
            return Err(ApiError::forbidden_writer());
        }
        Ok((id, entry.access_role.clone()))
    }

    /// Whether `cal_id` is some account's primary calendar.
    pub fn is_primary(&self, cal_id: &str) -> bool {
        self.accounts.values().any(|a| a.primary_id() == cal_id)
    }

    pub fn entry(&self, account: &str, cal_id: &str) -> Option<&ListEntry> {
        self.accounts
            .get(account)?
            .entries
            .iter()
            .find(|e| e.cal_id == cal_id)
    }

    /// Queues an `exists` notification for every live channel watching `cal_id` and an event of
    /// type `ty` (`None`: a type no filter names, which only unfiltered channels see).
    pub fn notify_changed(&mut self, cal_id: &str, ty: Option<event_types::EventType>) {
        if !self.auto_push {
            return;
        }
        let now_ms = chrono::Utc::now().timestamp_millis();
        self.channels.retain(|_, ch| ch.expiration_ms > now_ms);
        let mut ids: Vec<String> = self
            .channels
            .values()
            .filter(|ch| ch.calendar_id == cal_id)
            .filter(|ch| {
                ch.event_types.is_empty() || ty.is_some_and(|t| ch.event_types.contains(&t))
            })
            .map(|ch| ch.id.clone())
            .collect();
        ids.sort();
        for id in &ids {
            self.push_channel(id, "exists");
        }
    }

    /// Queues a notification with `state` to the channels of `cal_id` (all when `None`);
    /// returns how many were queued.
    pub fn push_to(&mut self, cal_id: Option<&str>, state: &str) -> usize {
        let now_ms = chrono::Utc::now().timestamp_millis();
        self.channels.retain(|_, ch| ch.expiration_ms > now_ms);
        let mut ids: Vec<String> = self
            .channels
            .values()
            .filter(|ch| cal_id.is_none_or(|c| ch.calendar_id == c))
            .map(|ch| ch.id.clone())
            .collect();
        ids.sort();
        for id in &ids {
            self.push_channel(id, state);
        }
        ids.len()
    }

    pub fn push_channel(&mut self, channel_id: &str, state: &str) {
        let Some(ch) = self.channels.get_mut(channel_id) else {
            return;
        };
        let n = ch.next_message;
        ch.next_message += 1;
        let exp = chrono::DateTime::from_timestamp_millis(ch.expiration_ms)
            .map(|t| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
            .unwrap_or_default();
        let mut headers = vec![
            ("X-Goog-Channel-ID", ch.id.clone()),
            ("X-Goog-Channel-Expiration", exp),
            ("X-Goog-Resource-ID", ch.resource_id.clone()),
            ("X-Goog-Resource-URI", ch.resource_uri.clone()),
            ("X-Goog-Resource-State", state.to_owned()),
            ("X-Goog-Message-Number", n.to_string()),
        ];
        if let Some(t) = &ch.token {
            headers.push(("X-Goog-Channel-Token", t.clone()));
        }
        let job = PushJob {
            channel_id: ch.id.clone(),
            address: ch.address.clone(),
            headers,
        };
        if let Some(tx) = &self.push_tx {
            let _ = tx.send(job);
        }
    }
}

fn derive_sub(email: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(email.as_bytes());
    let n = u64::from_be_bytes(h[..8].try_into().expect("8 bytes")) % 10u64.pow(18);
    format!("1{n:018}0")
}

fn default_settings() -> BTreeMap<String, String> {
    [
        ("timezone", "UTC"),
        ("weekStart", "1"),
        ("format24HourTime", "true"),
        ("locale", "en"),
        ("dateFieldOrder", "DMY"),
        ("defaultEventLength", "60"),
        ("hideWeekends", "false"),
        ("showDeclinedEvents", "true"),
        ("autoAddHangouts", "false"),
        ("hideInvitations", "false"),
        ("remindOnRespondedEventsOnly", "false"),
        ("useKeyboardShortcuts", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}
