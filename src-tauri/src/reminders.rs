//! Popup reminders as desktop notifications: the event's own popup overrides, or its calendar's
//! default reminders when it says `useDefault`. They fire while only the tray is open too, and a
//! reminder shown once is not shown again after a restart (fired keys are kept on disk as
//! SHA-256 digests, so the file holds no event content).

use chrono::{DateTime, Duration, Local, NaiveDate, TimeZone, Utc};
use chronos_core::model::EventResource;
use chronos_core::store::{StoredCalendar, StoredEvent};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager, Runtime};

/// Google allows reminders up to four weeks ahead.
pub const LOOKAHEAD: Duration = Duration::days(28);
/// How late a reminder may still be shown (the machine slept, the check ran late).
pub const GRACE: Duration = Duration::minutes(2);
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub key: String,
    pub title: String,
    pub starts: DateTime<Utc>,
    pub minutes: i64,
}

#[derive(Deserialize)]
struct Reminder {
    method: String,
    minutes: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reminders {
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    overrides: Vec<Reminder>,
}

/// When the event starts; all-day events start at local midnight of their first day.
pub fn start_of(ev: &EventResource) -> Option<DateTime<Utc>> {
    let start = ev.start.as_ref()?;
    if let Some(dt) = &start.date_time {
        return DateTime::parse_from_rfc3339(dt)
            .ok()
            .map(|t| t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(start.date.as_deref()?, "%Y-%m-%d").ok()?;
    Local
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn popup_minutes(ev: &EventResource, calendar: Option<&StoredCalendar>) -> Vec<i64> {
    let parsed: Option<Reminders> = ev
        .reminders
        .clone()
        .and_then(|r| serde_json::from_value(r).ok());
    let list: Vec<Reminder> = match parsed {
        Some(r) if !r.use_default => r.overrides,
        // Google's default when the field is absent is the calendar's defaults.
        _ => calendar
            .and_then(|c| c.entry.default_reminders.clone())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
    };
    list.into_iter()
        .filter(|r| r.method == "popup")
        .map(|r| r.minutes)
        .collect()
}

fn declined(ev: &EventResource) -> bool {
    ev.attendees
        .iter()
        .flatten()
        .any(|a| a.is_self == Some(true) && a.response_status.as_deref() == Some("declined"))
}

fn key(e: &StoredEvent, starts: DateTime<Utc>, minutes: i64) -> String {
    let mut h = Sha256::new();
    for part in [e.account.as_str(), e.calendar.as_str(), e.event.id.as_str()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(starts.timestamp().to_be_bytes());
    h.update(minutes.to_be_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The reminders whose moment falls in `(since, now]`, not already fired.
pub fn due(
    events: &[StoredEvent],
    calendars: &HashMap<(String, String), StoredCalendar>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    fired: &BTreeMap<String, DateTime<Utc>>,
) -> Vec<Due> {
    let mut out = Vec::new();
    for e in events {
        if e.event.is_cancelled() || declined(&e.event) {
            continue;
        }
        let Some(starts) = start_of(&e.event) else {
            continue;
        };
        let cal = calendars.get(&(
            e.account.as_str().to_owned(),
            e.calendar.as_str().to_owned(),
        ));
        for minutes in popup_minutes(&e.event, cal) {
            let at = starts - Duration::minutes(minutes);
            if at > since && at <= now {
                let key = key(e, starts, minutes);
                if !fired.contains_key(&key) {
                    out.push(Due {
                        key,
                        title: e.event.summary.clone().unwrap_or_default(),
                        starts,
                        minutes,
                    });
                }
            }
        }
    }
    out
}

/// The earliest reminder moment after `now` and before the next regular check, not yet fired.
fn next_moment(
    events: &[StoredEvent],
    calendars: &HashMap<(String, String), StoredCalendar>,
    now: DateTime<Utc>,
    fired: &BTreeMap<String, DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let until = now + Duration::from_std(CHECK_EVERY).unwrap_or(Duration::seconds(20));
    due(events, calendars, now, until, fired)
        .into_iter()
        .map(|d| d.starts - Duration::minutes(d.minutes))
        .min()
}

/// Fired reminders on disk, pruned once their event has started long ago.
struct Fired {
    path: PathBuf,
    keys: BTreeMap<String, DateTime<Utc>>,
}

impl Fired {
    fn load(dir: &Path) -> Fired {
        let path = dir.join("reminders-fired.json");
        let keys = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Fired { path, keys }
    }

    fn save(&mut self, now: DateTime<Utc>) {
        self.keys
            .retain(|_, starts| *starts > now - Duration::days(2));
        #[derive(Serialize)]
        struct Out<'a>(&'a BTreeMap<String, DateTime<Utc>>);
        match serde_json::to_vec(&Out(&self.keys)) {
            Ok(json) => {
                let tmp = self.path.with_extension("json.tmp");
                if let Err(e) =
                    std::fs::write(&tmp, json).and_then(|_| std::fs::rename(&tmp, &self.path))
                {
                    tracing::warn!(error = %e, "could not save fired reminders");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not save fired reminders"),
        }
    }
}

/// The notification text, from the time actually left: a reminder shown late (the check runs
/// every 20 s, the event may arrive by sync after its moment) must not promise more time than
/// there is.
/// The time is written in `zone` (the zone the window shows times in), the system's when `None`.
fn body(d: &Due, now: DateTime<Utc>, zone: Option<chrono_tz::Tz>) -> String {
    let at = match zone {
        Some(tz) => d.starts.with_timezone(&tz).format("%H:%M").to_string(),
        None => d.starts.with_timezone(&Local).format("%H:%M").to_string(),
    };
    let secs = (d.starts - now).num_seconds();
    if secs <= 30 {
        return format!("Now, at {at}");
    }
    let mins = (secs + 30) / 60;
    match mins {
        m if m < 60 => format!("In {m} min, at {at}"),
        m if m % 1440 == 0 => format!("In {} day(s), at {at}", m / 1440),
        m if m % 60 == 0 => format!("In {} h, at {at}", m / 60),
        m => format!("In {} h {} min, at {at}", m / 60, m % 60),
    }
}

/// The zone the window shows times in (see `Settings`): the account's own zone when the user
/// follows it and it is known, else the chosen display zone, else the system's (`None`).
pub(crate) async fn display_zone<R: Runtime>(
    app: &AppHandle<R>,
    chronos: &chronos_core::service::Chronos,
) -> Option<chrono_tz::Tz> {
    let settings = app.state::<crate::settings::SettingsStore>().get();
    if settings.follow_account_time_zone {
        if let Ok(Some(first)) = chronos.accounts().await.map(|a| a.into_iter().next()) {
            if let Ok(Some(tz)) = chronos.account_time_zone(&first.id).await {
                return Some(tz);
            }
        }
    }
    settings
        .display_time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
}

/// Checks every 20 s for reminders that are due and shows them, and wakes on the second of a
/// reminder already known to fall before the next check.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let dir = app.state::<crate::engine::RunInfo>().data_dir.clone();
        let mut fired = Fired::load(&dir);
        // Every check looks back over the whole grace period, not just since the last check:
        // an event that reaches the store by sync a little after its reminder's moment still
        // gets its reminder. `fired` keeps each one to a single showing, also across restarts,
        // and after a restart only what fell due in the last moments is shown, never a backlog.
        let mut wait = CHECK_EVERY;
        loop {
            tokio::time::sleep(wait).await;
            wait = CHECK_EVERY;
            let engine = app.state::<crate::engine::Engine>();
            let Ok(chronos) = engine.get() else { return };
            let clock = chronos.clock();
            let now = clock.now();
            let zone = display_zone(&app, chronos).await;
            let window_zone = zone.unwrap_or_else(chronos_core::zone::system_zone);
            let (Ok(events), Ok(calendars)) = (
                chronos
                    .events_in_range(
                        now - Duration::days(2),
                        now + LOOKAHEAD,
                        window_zone,
                        None,
                        None,
                    )
                    .await
                    .map(|r| r.events),
                chronos.calendars(None).await,
            ) else {
                continue;
            };
            let calendars: HashMap<_, _> = calendars
                .into_iter()
                .map(|c| {
                    (
                        (
                            c.account.as_str().to_owned(),
                            c.entry.id.as_str().to_owned(),
                        ),
                        c,
                    )
                })
                .collect();
            let list = due(&events, &calendars, now - GRACE, now, &fired.keys);
            for d in &list {
                crate::notify::show(&app, &d.title, &body(d, now, zone));
                fired.keys.insert(d.key.clone(), d.starts);
            }
            if !list.is_empty() {
                tracing::info!(count = list.len(), "reminders shown");
                fired.save(now);
            }
            // A reminder known now whose moment comes before the next regular check is shown
            // on its second, not up to 20 s late.
            if let Some(at) = next_moment(&events, &calendars, now, &fired.keys) {
                wait = (at - clock.now())
                    .to_std()
                    .unwrap_or_default()
                    .min(CHECK_EVERY);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test matrix's pinned "now" (`CHRONOS_CLOCK_START`), else the system's.
    fn pinned_now() -> DateTime<Utc> {
        chronos_core::clock::from_env()
            .expect("a valid clock pin")
            .now()
    }
    use chronos_core::model::{AccountId, CalendarId, CalendarListEntry, EventDateTime, EventId};
    use std::sync::Arc;

    fn event(id: &str, starts: DateTime<Utc>, reminders: serde_json::Value) -> StoredEvent {
        StoredEvent {
            account: AccountId::new("a@example.com"),
            calendar: CalendarId::new("cal"),
            event: Arc::new(EventResource {
                id: EventId::new(id),
                summary: Some(format!("Event {id}")),
                start: Some(EventDateTime {
                    date_time: Some(starts.to_rfc3339()),
                    ..Default::default()
                }),
                reminders: Some(reminders),
                ..Default::default()
            }),
            pending: false,
        }
    }

    fn calendars(defaults: serde_json::Value) -> HashMap<(String, String), StoredCalendar> {
        let cal = StoredCalendar {
            account: AccountId::new("a@example.com"),
            entry: CalendarListEntry {
                id: CalendarId::new("cal"),
                default_reminders: Some(serde_json::from_value(defaults).unwrap()),
                ..Default::default()
            },
            selected: true,
            selection_by_user: false,
            color_override: None,
            foreground_override: None,
            colors_pending: false,
            deleted: false,
            incremental_sync: Default::default(),
        };
        HashMap::from([(("a@example.com".to_owned(), "cal".to_owned()), cal)])
    }

    #[test]
    fn overrides_and_calendar_defaults_fire_at_their_minute_once() {
        let now = pinned_now();
        let cals = calendars(
            serde_json::json!([{"method": "popup", "minutes": 30}, {"method": "email", "minutes": 10}]),
        );
        let events = vec![
            // Own override: 10 min before, which is now.
            event(
                "own",
                now + Duration::minutes(10),
                serde_json::json!({"useDefault": false, "overrides": [{"method": "popup", "minutes": 10}]}),
            ),
            // Calendar default: 30 min before, which is now.
            event(
                "dflt",
                now + Duration::minutes(30),
                serde_json::json!({"useDefault": true}),
            ),
            // Email reminders and far-away popups do not fire now.
            event(
                "email",
                now + Duration::minutes(10),
                serde_json::json!({"useDefault": false, "overrides": [{"method": "email", "minutes": 10}]}),
            ),
            event(
                "later",
                now + Duration::hours(3),
                serde_json::json!({"useDefault": false, "overrides": [{"method": "popup", "minutes": 10}]}),
            ),
        ];
        let mut fired = BTreeMap::new();
        let list = due(&events, &cals, now - Duration::seconds(20), now, &fired);
        let titles: Vec<_> = list.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(titles, ["Event own", "Event dflt"]);
        for d in list {
            assert_eq!(d.key.len(), 64);
            assert!(!d.key.contains("own") && !d.key.contains("dflt"));
            fired.insert(d.key, d.starts);
        }
        // A later check (or a restart that reloads `fired`) does not show them again.
        assert!(due(
            &events,
            &cals,
            now - Duration::minutes(1),
            now + Duration::seconds(5),
            &fired
        )
        .is_empty());
    }

    #[test]
    fn an_event_synced_after_its_moment_still_reminds_within_the_grace_period() {
        let now = pinned_now();
        let cals = calendars(serde_json::json!([]));
        // Its 1-minute reminder fell due 30 s ago, before the event reached the store.
        let events = vec![event(
            "late",
            now + Duration::seconds(30),
            serde_json::json!({"useDefault": false, "overrides": [{"method": "popup", "minutes": 1}]}),
        )];
        let fired = BTreeMap::new();
        assert_eq!(due(&events, &cals, now - GRACE, now, &fired).len(), 1);
        // A check a whole grace period later no longer shows it.
        assert!(due(&events, &cals, now, now + GRACE, &fired).is_empty());
    }

    #[test]
    fn the_next_moment_before_the_next_check() {
        let now = pinned_now();
        let cals = calendars(serde_json::json!([]));
        let popup = |m: i64| serde_json::json!({"useDefault": false, "overrides": [{"method": "popup", "minutes": m}]});
        let events = vec![
            event("soon", now + Duration::seconds(60 + 12), popup(1)),
            event("sooner", now + Duration::seconds(300 + 7), popup(5)),
            event(
                "after-the-check",
                now + Duration::seconds(60 + 45),
                popup(1),
            ),
        ];
        let mut fired = BTreeMap::new();
        assert_eq!(
            next_moment(&events, &cals, now, &fired),
            Some(now + Duration::seconds(7))
        );
        // Once shown, the next one is the other.
        let sooner = due(&events, &cals, now, now + Duration::seconds(8), &fired);
        fired.insert(sooner[0].key.clone(), sooner[0].starts);
        assert_eq!(
            next_moment(&events, &cals, now, &fired),
            Some(now + Duration::seconds(12))
        );
        assert_eq!(next_moment(&events[2..], &cals, now, &fired), None);
    }

    #[test]
    fn the_text_says_the_time_actually_left() {
        let now = pinned_now();
        let d = |starts_in: Duration, minutes| Due {
            key: String::new(),
            title: String::new(),
            starts: now + starts_in,
            minutes,
        };
        let at = |starts_in: Duration| {
            (now + starts_in)
                .with_timezone(&Local)
                .format("%H:%M")
                .to_string()
        };
        let s = Duration::seconds;
        // On time, and 15 s late (the 20 s check cadence).
        let body = |d: &Due, now| body(d, now, None);
        assert_eq!(
            body(&d(s(600), 10), now),
            format!("In 10 min, at {}", at(s(600)))
        );
        assert_eq!(
            body(&d(s(585), 10), now),
            format!("In 10 min, at {}", at(s(585)))
        );
        // Found by sync 50 s after its 1-minute moment: it starts in 10 s.
        assert_eq!(body(&d(s(10), 1), now), format!("Now, at {}", at(s(10))));
        assert_eq!(body(&d(s(0), 0), now), format!("Now, at {}", at(s(0))));
        assert_eq!(
            body(&d(s(5400), 90), now),
            format!("In 1 h 30 min, at {}", at(s(5400)))
        );
        assert_eq!(
            body(&d(s(7200), 120), now),
            format!("In 2 h, at {}", at(s(7200)))
        );
        assert_eq!(
            body(&d(s(86400), 1440), now),
            format!("In 1 day(s), at {}", at(s(86400)))
        );
    }

    #[test]
    fn the_time_is_written_in_the_display_zone() {
        let starts = DateTime::parse_from_rfc3339("2027-03-14T09:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let d = Due {
            key: String::new(),
            title: String::new(),
            starts,
            minutes: 10,
        };
        let now = starts - Duration::minutes(10);
        assert_eq!(
            body(&d, now, Some(chrono_tz::Asia::Tokyo)),
            "In 10 min, at 18:30"
        );
        assert_eq!(body(&d, now, Some(chrono_tz::UTC)), "In 10 min, at 09:30");
    }

    #[test]
    fn fired_keys_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let now = pinned_now();
        let mut f = Fired::load(dir.path());
        f.keys.insert("k".repeat(64), now + Duration::minutes(5));
        f.keys.insert("old".into(), now - Duration::days(3));
        f.save(now);
        let again = Fired::load(dir.path());
        assert!(again.keys.contains_key(&"k".repeat(64)));
        assert!(!again.keys.contains_key("old"), "old keys are pruned");
    }
}
