//! Undo and redo through the `Chronos` façade against the emulator over HTTP, with the engine's
//! clock pinned: each kind of change goes back and forth on Google, a change still queued is
//! folded into its entry, the history survives a restart, and an undo never overwrites what
//! someone else changed since.

use chrono::{TimeZone, Utc};
use chronos_core::clock::TestClock;
use chronos_core::model::{AccountId, EventDateTime, EventId};
use chronos_core::outbox::{EditOptions, EditScope, EventChanges};
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::sync::progress::SyncOutcome;
use chronos_testkit::*;
use gcal_emulator::FaultRule;
use serde_json::json;

fn options(emu: &gcal_emulator::EmulatorHandle, dir: &std::path::Path) -> ChronosOptions {
    options_with(emu, dir, memory_secrets())
}

fn options_with(
    emu: &gcal_emulator::EmulatorHandle,
    dir: &std::path::Path,
    secrets: std::sync::Arc<chronos_core::secrets::MemorySecretStore>,
) -> ChronosOptions {
    let clock = TestClock::starting_at(Utc.with_ymd_and_hms(2026, 12, 5, 10, 40, 0).unwrap());
    let mut o = chronos_options(emu, dir, secrets, 2);
    o.client.clock = std::sync::Arc::new(clock);
    o
}

async fn setup(
    sizes: &[usize],
) -> (
    gcal_emulator::EmulatorHandle,
    tempfile::TempDir,
    Chronos,
    AccountId,
) {
    let emu = emulator(world(sizes)).await;
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = connected(options(&emu, dir.path())).await;
    sync(&chronos, &account).await;
    (emu, dir, chronos, account)
}

async fn sync(chronos: &Chronos, account: &AccountId) {
    let r = chronos.sync_now(Some(account)).await.unwrap().remove(0);
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
}

fn server(emu: &gcal_emulator::EmulatorHandle, cal: &str, id: &str) -> serde_json::Value {
    serde_json::Value::Object(emu.control().get_event(cal, id).unwrap_or_default())
}

fn live(emu: &gcal_emulator::EmulatorHandle, cal: &str) -> Vec<String> {
    let mut ids = emu.control().event_ids(cal).unwrap();
    ids.retain(|id| server(emu, cal, id)["status"] != "cancelled");
    ids.sort();
    ids
}

fn titled(t: &str) -> EventChanges {
    EventChanges {
        summary: Some(t.into()),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_is_undone_through_the_trash_and_redone_without_a_second_event() {
    let (emu, _dir, chronos, account) = setup(&[3]).await;
    let before = live(&emu, USER);
    let id = EventId::from(before[0].as_str());
    chronos
        .delete_event(&account, &cal_id(0), &id, EditOptions::default())
        .await
        .unwrap();
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, id.as_str())["status"], "cancelled");
    let (undo, redo) = chronos.undo_labels().await.unwrap();
    assert_eq!(
        undo.as_deref(),
        Some(format!("Deleted “Meeting {id}”").as_str())
    );
    assert_eq!(redo, None);

    let done = chronos.undo().await.unwrap().expect("something to undo");
    assert!(!done.redone);
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, id.as_str())["status"], "confirmed");
    assert_eq!(live(&emu, USER), before, "back under its own id");

    let again = chronos.redo().await.unwrap().expect("something to redo");
    assert!(again.redone);
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, id.as_str())["status"], "cancelled");
    chronos.undo().await.unwrap().unwrap();
    sync(&chronos, &account).await;
    assert_eq!(live(&emu, USER), before, "undo, redo, undo: one event");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_undone_before_it_reached_google_leaves_the_event_as_it_was() {
    let (emu, _dir, chronos, account) = setup(&[3]).await;
    let before = live(&emu, USER);
    let id = EventId::from(before[2].as_str());
    let fault = emu
        .control()
        .add_fault(FaultRule::status("/events", 503, 1_000).with_method("DELETE"))
        .unwrap();
    chronos
        .delete_event(&account, &cal_id(0), &id, EditOptions::default())
        .await
        .unwrap();
    chronos.undo().await.unwrap().unwrap();
    assert!(chronos
        .get_event(&account, &cal_id(0), &id)
        .await
        .unwrap()
        .is_some_and(|e| !e.event.is_cancelled()));
    emu.control().remove_fault(fault);
    sync(&chronos, &account).await;
    sync(&chronos, &account).await;
    assert_eq!(live(&emu, USER), before, "one event, under its own id");
    assert_eq!(chronos.store().pending_count(Some(&account)).unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_still_queued_is_folded_and_one_on_google_is_sent_back() {
    let (emu, _dir, chronos, account) = setup(&[3]).await;
    let id = EventId::from(live(&emu, USER)[0].as_str());
    let original = server(&emu, USER, id.as_str())["summary"].clone();

    // Offline: the edit and its undo meet in the queue; Google never sees the edit.
    let fault = emu
        .control()
        .add_fault(FaultRule::status("/events", 503, 1_000).with_method("PATCH"))
        .unwrap();
    chronos
        .update_event(
            &account,
            &cal_id(0),
            &id,
            titled("Queued"),
            EditOptions::default(),
        )
        .await
        .unwrap();
    chronos.undo().await.unwrap().unwrap();
    let local = chronos
        .get_event(&account, &cal_id(0), &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        local.event.summary.as_ref().map(|s| json!(s)),
        Some(original.clone())
    );
    emu.control().remove_fault(fault);
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, id.as_str())["summary"], original);

    // On Google: the undo is a new change back; redo sends the edit again.
    chronos
        .update_event(
            &account,
            &cal_id(0),
            &id,
            titled("Sent"),
            EditOptions::default(),
        )
        .await
        .unwrap();
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, id.as_str())["summary"], "Sent");
    chronos.undo().await.unwrap().unwrap();
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, id.as_str())["summary"], original);
    chronos.redo().await.unwrap().unwrap();
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, id.as_str())["summary"], "Sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undo_keeps_what_another_client_changed_since() {
    let (emu, _dir, chronos, account) = setup(&[3]).await;
    let id = EventId::from(live(&emu, USER)[1].as_str());
    let later = EventChanges {
        summary: Some("Mine".into()),
        location: Some(Some("Room 1".into())),
        ..Default::default()
    };
    chronos
        .update_event(&account, &cal_id(0), &id, later, EditOptions::default())
        .await
        .unwrap();
    sync(&chronos, &account).await;
    emu.control()
        .patch_event(USER, id.as_str(), json!({"summary": "Theirs"}))
        .unwrap();
    sync(&chronos, &account).await;
    let done = chronos.undo().await.unwrap().unwrap();
    assert_eq!(done.kept, ["title"]);
    sync(&chronos, &account).await;
    let ev = server(&emu, USER, id.as_str());
    assert_eq!(ev["summary"], "Theirs", "their title stays");
    assert!(
        ev.get("location").is_none_or(|l| l.is_null()),
        "my place went back: {ev}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_move_and_a_series_occurrence_go_back_and_the_history_survives_a_restart() {
    let emu = emulator(world(&[2, 2])).await;
    let dir = tempfile::tempdir().unwrap();
    let secrets = memory_secrets();
    let (chronos, account) = connected(options_with(&emu, dir.path(), secrets.clone())).await;
    sync(&chronos, &account).await;

    // Created, then undone: gone from Google (into the trash), redone: back, once.
    let new = EventChanges {
        summary: Some("Fresh".into()),
        start: Some(EventDateTime {
            date_time: Some("2026-12-09T09:00:00Z".into()),
            ..Default::default()
        }),
        end: Some(EventDateTime {
            date_time: Some("2026-12-09T10:00:00Z".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let made = chronos
        .create_event(&account, &cal_id(0), new, EditOptions::default())
        .await
        .unwrap();
    let made_id = made.event.id.as_str().to_owned();
    sync(&chronos, &account).await;
    assert!(live(&emu, USER).contains(&made_id));
    chronos.undo().await.unwrap().unwrap();
    sync(&chronos, &account).await;
    assert!(!live(&emu, USER).contains(&made_id));

    // Moved to the second calendar, then back.
    let other = cal_id(1);
    let id = EventId::from(live(&emu, USER)[0].as_str());
    chronos
        .move_event(&account, &cal_id(0), &id, &other, EditOptions::default())
        .await
        .unwrap();
    sync(&chronos, &account).await;
    assert!(live(&emu, other.as_str()).contains(&id.as_str().to_owned()));

    // A restart in between: the history is in the store.
    chronos.shutdown();
    drop(chronos);
    let chronos = Chronos::open(options_with(&emu, dir.path(), secrets))
        .await
        .unwrap();
    let (undo, _) = chronos.undo_labels().await.unwrap();
    assert!(undo.unwrap().starts_with("Moved"));
    chronos.undo().await.unwrap().unwrap();
    sync(&chronos, &account).await;
    assert!(live(&emu, USER).contains(&id.as_str().to_owned()));
    assert!(!live(&emu, other.as_str()).contains(&id.as_str().to_owned()));
    // The move replaced the undone creation in the history: redo makes the move again.
    chronos.redo().await.unwrap().unwrap();
    sync(&chronos, &account).await;
    assert!(live(&emu, other.as_str()).contains(&id.as_str().to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_edits_of_one_occurrence_and_of_all_go_back_and_a_split_says_it_cannot() {
    let emu = emulator(world(&[1])).await;
    let master = "series0001";
    emu.control()
        .insert_event(
            USER,
            json!({"id": master, "summary": "Weekly", "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=5"],
                   "start": {"dateTime": "2026-12-07T09:00:00Z", "timeZone": "UTC"}, "end": {"dateTime": "2026-12-07T10:00:00Z", "timeZone": "UTC"}}),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = connected(options(&emu, dir.path())).await;
    sync(&chronos, &account).await;
    let occurrence = EventId::from("series0001_20261214T090000Z");

    chronos
        .update_occurrence(
            &account,
            &cal_id(0),
            &occurrence,
            titled("Renamed series"),
            EditScope::All,
            EditOptions::default(),
        )
        .await
        .unwrap();
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, master)["summary"], "Renamed series");
    chronos.undo().await.unwrap().unwrap();
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, master)["summary"], "Weekly");

    chronos
        .update_occurrence(
            &account,
            &cal_id(0),
            &occurrence,
            titled("Moved one"),
            EditScope::This,
            EditOptions::default(),
        )
        .await
        .unwrap();
    sync(&chronos, &account).await;
    assert_eq!(
        server(&emu, USER, occurrence.as_str())["summary"],
        "Moved one"
    );

    // "This and following" splits the series: Chronos says it cannot take that back, and the
    // next undo reaches the change before it.
    chronos
        .update_occurrence(
            &account,
            &cal_id(0),
            &EventId::from("series0001_20261228T090000Z"),
            titled("From here"),
            EditScope::ThisAndFollowing,
            EditOptions::default(),
        )
        .await
        .unwrap();
    let err = chronos.undo().await.unwrap_err();
    assert!(err.to_string().contains("cannot be undone"), "{err}");
    let (undo, _) = chronos.undo_labels().await.unwrap();
    assert_eq!(undo.as_deref(), Some("Changed “Moved one”"));
    chronos.undo().await.unwrap().unwrap();
    sync(&chronos, &account).await;
    assert_eq!(server(&emu, USER, occurrence.as_str())["summary"], "Weekly");
}
