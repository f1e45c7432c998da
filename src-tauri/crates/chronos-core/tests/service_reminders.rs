//! The reminder watch through `Chronos` on a real store: a popup reminder that falls due is
//! handed to the front end's sink once, with its text in the display zone, and not again after
//! a restart of the engine. Time is the engine's test clock, so the day does not matter.

use chronos_core::auth::open_without_browser;
use chronos_core::clock::{Clock, TestClock};
use chronos_core::model::EventDateTime;
use chronos_core::outbox::{EditOptions, EventChanges};
use chronos_core::reminders::{ReminderSink, ZoneAnswer};
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::Chronos;
use chronos_testkit::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Shown(Mutex<Vec<(String, String)>>);

impl ReminderSink for Shown {
    fn display_zone(&self) -> ZoneAnswer {
        Box::pin(async { Some(chrono_tz::Asia::Tokyo) })
    }

    fn show(&self, title: &str, body: &str) {
        self.0.lock().unwrap().push((title.into(), body.into()));
    }
}

async fn shown_after(sink: &Shown, at_least: usize) -> Vec<(String, String)> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let seen = sink.0.lock().unwrap().clone();
        if seen.len() >= at_least || tokio::time::Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_due_reminder_is_shown_once_in_the_display_zone_also_across_a_restart() {
    let emu = emulator(world(&[1])).await;
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let clock = TestClock::new();
    let options = || {
        let mut o = chronos_options(&emu, dir.path(), secrets.clone(), 1);
        o.client.clock = Arc::new(clock.clone());
        o
    };
    let chronos = Chronos::open(options()).await.unwrap();
    let account = chronos.connect_account(open_without_browser).await.unwrap();
    chronos.sync_now(Some(&account)).await.unwrap();
    // Starts in ten minutes with a ten-minute popup: due now. A second event's reminder is
    // an hour away and must not show.
    let now = clock.now();
    let event = |title: &str, starts: chrono::DateTime<chrono::Utc>| {
        let at = |t: chrono::DateTime<chrono::Utc>| EventDateTime {
            date_time: Some(t.to_rfc3339()),
            ..Default::default()
        };
        EventChanges {
            summary: Some(title.into()),
            start: Some(at(starts)),
            end: Some(at(starts + chrono::Duration::minutes(30))),
            reminders: Some(serde_json::json!({
                "useDefault": false,
                "overrides": [{"method": "popup", "minutes": 10}]
            })),
            ..Default::default()
        }
    };
    let starts = now + chrono::Duration::minutes(10);
    for (title, at) in [
        ("Stand-up", starts),
        ("Later", now + chrono::Duration::hours(2)),
    ] {
        chronos
            .create_event(
                &account,
                &cal_id(0),
                event(title, at),
                EditOptions::default(),
            )
            .await
            .unwrap();
    }
    let sink = Arc::new(Shown::default());
    chronos.watch_reminders(sink.clone());
    let seen = shown_after(&sink, 1).await;
    let tokyo = starts
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .format("%H:%M");
    assert_eq!(
        seen,
        vec![("Stand-up".to_owned(), format!("In 10 min, at {tokyo}"))]
    );
    drop(chronos);

    // A restart within the grace period: the log on disk keeps it from showing again.
    let again = Chronos::open(options()).await.unwrap();
    let after = Arc::new(Shown::default());
    again.watch_reminders(after.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(after.0.lock().unwrap().is_empty(), "shown once only");
}

/// The watch reads events once and then again only when the engine says they changed: an event
/// created while it runs, with a reminder due at once, is shown within seconds, long before the
/// next regular scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_added_while_the_watch_runs_has_its_reminder_shown_at_once() {
    let emu = emulator(world(&[1])).await;
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let mut options = chronos_options(&emu, dir.path(), Arc::new(MemorySecretStore::default()), 1);
    options.client.clock = Arc::new(clock.clone());
    let chronos = Chronos::open(options).await.unwrap();
    let account = chronos.connect_account(open_without_browser).await.unwrap();
    chronos.sync_now(Some(&account)).await.unwrap();
    let sink = Arc::new(Shown::default());
    chronos.watch_reminders(sink.clone());
    // The first scan has run and found nothing due.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sink.0.lock().unwrap().is_empty());

    let starts = clock.now() + chrono::Duration::minutes(5);
    let at = |t: chrono::DateTime<chrono::Utc>| EventDateTime {
        date_time: Some(t.to_rfc3339()),
        ..Default::default()
    };
    let changes = EventChanges {
        summary: Some("Dentist".into()),
        start: Some(at(starts)),
        end: Some(at(starts + chrono::Duration::minutes(30))),
        reminders: Some(serde_json::json!({
            "useDefault": false,
            "overrides": [{"method": "popup", "minutes": 5}]
        })),
        ..Default::default()
    };
    chronos
        .create_event(&account, &cal_id(0), changes, EditOptions::default())
        .await
        .unwrap();
    let seen = shown_after(&sink, 1).await;
    assert_eq!(
        seen.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["Dentist"],
        "shown within 5 s of the change, not at the next scan"
    );
}
