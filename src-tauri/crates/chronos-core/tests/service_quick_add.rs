//! Quick add through `Chronos` on a real store against the emulator: a preview saves nothing, a
//! saved draft goes to the calendar its `/name` picked (else the chosen one, else the primary)
//! and reaches Google with its rule and zone. "Now" is the engine's test clock.

use chrono::{TimeZone, Utc};
use chronos_core::clock::TestClock;
use chronos_core::model::CalendarId;
use chronos_core::quick_add::{AmbiguityKind, DateOrder, QuickWhen};
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::Chronos;
use chronos_core::store::CalendarRef;
use chronos_core::ErrorKind;
use chronos_testkit::*;
use std::sync::Arc;

const NEW_YORK: chrono_tz::Tz = chrono_tz::America::New_York;

/// The primary calendar and a "Family" one, both empty, and a read-only "Holidays".
fn family_world() -> gcal_emulator::World {
    let mut w = world(&[0, 0, 0]);
    let cals = &mut w.accounts[0].calendars;
    cals[1].summary = "Family".into();
    cals[2].summary = "Holidays".into();
    cals[2].access_role = "reader".into();
    w
}

/// The family world on an emulator, and an engine synced with it in a fresh store (kept while
/// the returned directory lives).
async fn engine() -> (
    gcal_emulator::EmulatorHandle,
    tempfile::TempDir,
    Chronos,
    chronos_core::model::AccountId,
) {
    let emu = emulator(family_world()).await;
    let dir = tempfile::tempdir().unwrap();
    // Friday 6 March 2026, 10:00 in New York.
    let clock = TestClock::starting_at(Utc.with_ymd_and_hms(2026, 3, 6, 15, 0, 0).unwrap());
    let mut o = chronos_options(&emu, dir.path(), Arc::new(MemorySecretStore::default()), 1);
    o.client.clock = Arc::new(clock);
    let (chronos, account) = connected(o).await;
    chronos.sync_now(Some(&account)).await.unwrap();
    (emu, dir, chronos, account)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_reads_the_line_at_the_engine_clock_and_saves_nothing() {
    let (emu, _dir, chronos, _account) = engine().await;
    let names: Vec<String> = chronos
        .quick_add_calendars()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(names.contains(&"Family".to_owned()), "{names:?}");
    assert!(
        !names.contains(&"Holidays".to_owned()),
        "read-only: {names:?}"
    );

    let draft = chronos
        .preview_quick_add(
            "Dentist next tue 3pm /family",
            NEW_YORK,
            DateOrder::MonthFirst,
        )
        .await
        .unwrap();
    assert_eq!(draft.title, "Dentist");
    assert_eq!(draft.calendar.as_ref().unwrap().id, cal_id(1));
    let QuickWhen::Timed { start, .. } = &draft.when else {
        panic!("{draft:?}")
    };
    assert_eq!(start.to_rfc3339(), "2026-03-10T15:00:00-04:00");
    let holidays = chronos
        .preview_quick_add("Off /holidays", NEW_YORK, DateOrder::MonthFirst)
        .await
        .unwrap();
    assert!(holidays.has(AmbiguityKind::UnknownCalendar), "{holidays:?}");

    let outbox = chronos.store().list_outbox(None).unwrap();
    assert!(outbox.is_empty(), "a preview queued {outbox:?}");
    for i in 0..3 {
        assert!(emu
            .control()
            .event_ids(cal_id(i).as_str())
            .unwrap()
            .is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_draft_reaches_google_in_the_calendar_it_names_with_its_rule_and_zone() {
    let (emu, _dir, chronos, account) = engine().await;

    let standup = chronos
        .preview_quick_add(
            "Standup every weekday 9:30",
            NEW_YORK,
            DateOrder::MonthFirst,
        )
        .await
        .unwrap();
    let primary = chronos.quick_add_target(&standup, None).await.unwrap();
    assert_eq!(primary.calendar, cal_id(0));
    let saved = chronos.create_from_draft(&standup, &primary).await.unwrap();

    let dentist = chronos
        .preview_quick_add(
            "Dentist next tue 3pm /family",
            NEW_YORK,
            DateOrder::MonthFirst,
        )
        .await
        .unwrap();
    // The /name wins over a calendar chosen in the front end.
    let family = chronos
        .quick_add_target(&dentist, Some(&primary))
        .await
        .unwrap();
    assert_eq!(family.calendar, cal_id(1));
    let dentist_saved = chronos.create_from_draft(&dentist, &family).await.unwrap();

    chronos.push_pending_changes(&account).await.unwrap();
    let control = emu.control();
    let ids = control.event_ids(cal_id(0).as_str()).unwrap();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let on_google = control.get_event(cal_id(0).as_str(), &ids[0]).unwrap();
    assert_eq!(on_google["summary"], "Standup");
    assert_eq!(
        on_google["recurrence"],
        serde_json::json!(["RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"])
    );
    assert_eq!(on_google["start"]["timeZone"], "America/New_York");
    assert_eq!(saved.event.summary.as_deref(), Some("Standup"));

    let ids = control.event_ids(cal_id(1).as_str()).unwrap();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let on_google = control.get_event(cal_id(1).as_str(), &ids[0]).unwrap();
    assert_eq!(on_google["summary"], "Dentist");
    assert_eq!(dentist_saved.event.summary.as_deref(), Some("Dentist"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chosen_calendar_must_take_events() {
    let (_emu, _dir, chronos, account) = engine().await;
    let draft = chronos
        .preview_quick_add("Off tomorrow", NEW_YORK, DateOrder::MonthFirst)
        .await
        .unwrap();
    for calendar in [cal_id(2), CalendarId::new("nowhere@example.com")] {
        let chosen = CalendarRef {
            account: account.clone(),
            calendar,
        };
        let e = chronos
            .quick_add_target(&draft, Some(&chosen))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    }
    let family = CalendarRef {
        account,
        calendar: cal_id(1),
    };
    assert_eq!(
        chronos
            .quick_add_target(&draft, Some(&family))
            .await
            .unwrap(),
        family
    );
}

/// The window's preview names the calendar the line goes to, and a calendar that takes no
/// events is a problem shown with the preview, not a failed preview; saving it fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_preview_names_its_target_or_its_problem() {
    let (_emu, _dir, chronos, account) = engine().await;
    let p = chronos
        .quick_add_preview(
            "Dentist next tue 3pm /family",
            NEW_YORK,
            DateOrder::MonthFirst,
            None,
        )
        .await
        .unwrap();
    assert_eq!(p.draft.title, "Dentist");
    let target = p.target.expect("a target");
    assert_eq!(target.calendar_id, cal_id(1).to_string());
    assert!(p.problem.is_none());

    let read_only = CalendarRef {
        account: account.clone(),
        calendar: cal_id(2),
    };
    let p = chronos
        .quick_add_preview(
            "Off tomorrow",
            NEW_YORK,
            DateOrder::MonthFirst,
            Some(&read_only),
        )
        .await
        .unwrap();
    assert!(p.target.is_none());
    assert!(p
        .problem
        .as_deref()
        .unwrap_or("")
        .contains("not a calendar you can add events to"));
    let e = chronos
        .quick_add(
            "Off tomorrow",
            NEW_YORK,
            DateOrder::MonthFirst,
            Some(&read_only),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = chronos
        .quick_add("   ", NEW_YORK, DateOrder::MonthFirst, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}
