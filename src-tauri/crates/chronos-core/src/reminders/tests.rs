use super::fired::Fired;
use super::*;

/// The test matrix's pinned "now" (`CHRONOS_CLOCK_START`), else the system's.
fn pinned_now() -> DateTime<Utc> {
    crate::clock::from_env().expect("a valid clock pin").now()
}
use crate::model::{AccountId, CalendarId, CalendarListEntry, EventDateTime, EventId};
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

fn calendars(defaults: serde_json::Value) -> Calendars {
    let cal = StoredCalendar::shown(
        "a@example.com",
        CalendarListEntry {
            id: CalendarId::new("cal"),
            default_reminders: Some(serde_json::from_value(defaults).unwrap()),
            ..Default::default()
        },
    );
    HashMap::from([(
        (AccountId::new("a@example.com"), CalendarId::new("cal")),
        cal,
    )])
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
    let list = Schedule::of(&events, &cals).due(now - Duration::seconds(20), now, &fired);
    let titles: Vec<_> = list.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(titles, ["Event own", "Event dflt"]);
    for d in list {
        assert_eq!(d.key.len(), 64);
        assert!(!d.key.contains("own") && !d.key.contains("dflt"));
        fired.insert(d.key, d.starts);
    }
    // A later check (or a restart that reloads `fired`) does not show them again.
    assert!(Schedule::of(&events, &cals)
        .due(
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
    assert_eq!(
        Schedule::of(&events, &cals)
            .due(now - GRACE, now, &fired)
            .len(),
        1
    );
    // A check a whole grace period later no longer shows it.
    assert!(Schedule::of(&events, &cals)
        .due(now, now + GRACE, &fired)
        .is_empty());
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
        Schedule::of(&events, &cals).next_before_check(now, &fired),
        Some(now + Duration::seconds(7))
    );
    // Once shown, the next one is the other.
    let sooner = Schedule::of(&events, &cals).due(now, now + Duration::seconds(8), &fired);
    fired.insert(sooner[0].key.clone(), sooner[0].starts);
    assert_eq!(
        Schedule::of(&events, &cals).next_before_check(now, &fired),
        Some(now + Duration::seconds(12))
    );
    assert_eq!(
        Schedule::of(&events[2..], &cals).next_before_check(now, &fired),
        None
    );
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
