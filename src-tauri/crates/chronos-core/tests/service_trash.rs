//! The trash through the `Chronos` façade against the emulator over HTTP, with the engine's
//! clock pinned: what fills it, restoring from it (once, whatever is asked), and its expiry.

use chrono::{DateTime, TimeZone, Utc};
use chronos_core::clock::TestClock;
use chronos_core::model::{AccountId, EventId};
use chronos_core::outbox::EditOptions;
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::store::{TrashEntry, TrashReason, TrashState};
use chronos_core::sync::progress::SyncOutcome;
use chronos_testkit::*;
use std::time::Duration;

fn pinned() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 10, 40, 0).unwrap()
}

fn options(
    emu: &gcal_emulator::EmulatorHandle,
    dir: &std::path::Path,
    clock: &TestClock,
) -> ChronosOptions {
    let mut o = chronos_options(emu, dir, memory_secrets(), 2);
    o.client.clock = std::sync::Arc::new(clock.clone());
    o
}

async fn sync(chronos: &Chronos, account: &AccountId) {
    let r = chronos.sync_now(Some(account)).await.unwrap().remove(0);
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
}

fn server_status(emu: &gcal_emulator::EmulatorHandle, id: &str) -> String {
    let ev = emu.control().get_event(USER, id).unwrap();
    ev["status"].as_str().unwrap_or_default().to_owned()
}

fn live_ids(emu: &gcal_emulator::EmulatorHandle) -> Vec<String> {
    let mut ids = emu.control().event_ids(USER).unwrap();
    ids.retain(|id| server_status(emu, id) != "cancelled");
    ids.sort();
    ids
}

async fn trash(chronos: &Chronos) -> Vec<TrashEntry> {
    chronos.list_trash(None).await.unwrap()
}

/// A connected engine on a one-calendar world of three events (plus `more` calendars of two),
/// synced once.
async fn setup(
    more: usize,
) -> (
    gcal_emulator::EmulatorHandle,
    tempfile::TempDir,
    TestClock,
    Chronos,
    AccountId,
) {
    let mut sizes = vec![3];
    sizes.extend(std::iter::repeat_n(2, more));
    let emu = emulator(world(&sizes)).await;
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting_at(pinned());
    let (chronos, account) = connected(options(&emu, dir.path(), &clock)).await;
    sync(&chronos, &account).await;
    (emu, dir, clock, chronos, account)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_delete_is_trashed_and_restored_on_google_under_its_id_once() {
    let (emu, _dir, _clock, chronos, account) = setup(0).await;
    let before = live_ids(&emu);
    let id = EventId::from(before[0].as_str());
    chronos
        .delete_event(&account, &cal_id(0), &id, EditOptions::default())
        .await
        .unwrap();
    let t = trash(&chronos).await;
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(
        (&t[0].event_id, t[0].reason),
        (&id, TrashReason::DeletedHere)
    );
    assert_eq!(t[0].trashed, pinned());
    assert_eq!(
        t[0].event.summary.as_deref(),
        Some(format!("Meeting {id}").as_str())
    );
    sync(&chronos, &account).await;
    assert_eq!(server_status(&emu, id.as_str()), "cancelled");
    let etag_deleted = emu.control().get_event(USER, id.as_str()).unwrap()["etag"].clone();

    // Restoring twice queues one restore (the first may already be on its way, or done).
    let first = chronos
        .restore_from_trash(&account, t[0].id, EditOptions::default())
        .await
        .unwrap();
    assert!(
        matches!(first.state, TrashState::Restoring | TrashState::Restored),
        "{first:?}"
    );
    let shown = chronos
        .store()
        .get_event(&account, &cal_id(0), &id)
        .unwrap()
        .unwrap();
    assert!(!shown.event.is_cancelled(), "shown again at once");
    let again = chronos
        .restore_from_trash(&account, t[0].id, EditOptions::default())
        .await
        .unwrap();
    assert!(matches!(
        again.state,
        TrashState::Restoring | TrashState::Restored
    ));
    assert!(chronos.store().pending_count(Some(&account)).unwrap() <= 1);

    sync(&chronos, &account).await;
    let server = emu.control().get_event(USER, id.as_str()).unwrap();
    assert_eq!(server["status"], "confirmed");
    assert_ne!(server["etag"], etag_deleted, "a new version");
    assert_eq!(live_ids(&emu), before, "the same id back, no copy");
    let done = chronos.list_trash(Some(&account)).await.unwrap();
    assert_eq!(
        (done[0].state, done[0].restored_as.clone()),
        (TrashState::Restored, None)
    );
    let local = chronos
        .store()
        .get_event(&account, &cal_id(0), &id)
        .unwrap()
        .unwrap();
    assert!(!local.pending);
    assert_eq!(
        local.event.etag.as_ref().map(|e| e.as_str()),
        server["etag"].as_str()
    );

    // A third restore after it is done still makes nothing.
    chronos
        .restore_from_trash(&account, t[0].id, EditOptions::default())
        .await
        .unwrap();
    sync(&chronos, &account).await;
    assert_eq!(live_ids(&emu), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_deleted_on_google_is_synced_into_the_trash_and_restores() {
    let (emu, _dir, _clock, chronos, account) = setup(0).await;
    let before = live_ids(&emu);
    let id = before[1].clone();
    emu.control().delete_event(USER, &id).unwrap();
    sync(&chronos, &account).await;
    let t = trash(&chronos).await;
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(
        (t[0].event_id.as_str(), t[0].reason),
        (id.as_str(), TrashReason::DeletedOnGoogle)
    );
    assert_eq!(t[0].event.description.as_deref(), Some("agenda"));
    chronos
        .restore_from_trash(&account, t[0].id, EditOptions::default())
        .await
        .unwrap();
    sync(&chronos, &account).await;
    assert_eq!(server_status(&emu, &id), "confirmed");
    assert_eq!(live_ids(&emu), before);
    // The next sync brings the restored event as it is, and the trash stays as it was.
    sync(&chronos, &account).await;
    assert_eq!(trash(&chronos).await.len(), 1);
    assert_eq!(trash(&chronos).await[0].state, TrashState::Restored);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_met_in_a_full_resync_is_trashed_once() {
    let (emu, _dir, _clock, chronos, account) = setup(0).await;
    let id = live_ids(&emu)[2].clone();
    emu.control().delete_event(USER, &id).unwrap();
    emu.control().invalidate_sync_tokens(Some(USER)).unwrap();
    sync(&chronos, &account).await;
    // The full listing shows Google's tombstone (rows gone without one are the sweep's,
    // `GoneInFullSync`, tested in store_trash.rs).
    let t = trash(&chronos).await;
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(
        (t[0].event_id.as_str(), t[0].reason),
        (id.as_str(), TrashReason::DeletedOnGoogle)
    );
    emu.control().invalidate_sync_tokens(Some(USER)).unwrap();
    sync(&chronos, &account).await;
    sync(&chronos, &account).await;
    assert_eq!(
        trash(&chronos).await.len(),
        1,
        "the tombstone met again is not trashed again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deselecting_a_calendar_and_disconnecting_are_not_deletions() {
    let (emu, _dir, _clock, chronos, account) = setup(1).await;
    let id = EventId::from(live_ids(&emu)[0].as_str());
    chronos
        .delete_event(&account, &cal_id(0), &id, EditOptions::default())
        .await
        .unwrap();
    let before: Vec<_> = trash(&chronos).await.into_iter().map(|t| t.id).collect();
    assert_eq!(before.len(), 1);
    chronos
        .set_calendar_selected(&account, &cal_id(1), false)
        .await
        .unwrap();
    sync(&chronos, &account).await;
    let after: Vec<_> = trash(&chronos).await.into_iter().map(|t| t.id).collect();
    assert_eq!(after, before, "deselecting trashes nothing");
    chronos.disconnect(&account).await.unwrap();
    let after: Vec<_> = trash(&chronos).await.into_iter().map(|t| t.id).collect();
    assert_eq!(
        after, before,
        "disconnecting trashes nothing and empties nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trash_forgets_an_event_thirty_days_after_it_was_deleted() {
    let (emu, _dir, clock, chronos, account) = setup(0).await;
    assert_eq!(chronos.trash_retention_days(), 30);
    let id = EventId::from(live_ids(&emu)[0].as_str());
    chronos
        .delete_event(&account, &cal_id(0), &id, EditOptions::default())
        .await
        .unwrap();
    clock.advance(Duration::from_secs(29 * 86_400));
    sync(&chronos, &account).await;
    assert_eq!(trash(&chronos).await.len(), 1, "kept for 30 days");
    clock.advance(Duration::from_secs(2 * 86_400));
    // Every sync run ends with the purge.
    sync(&chronos, &account).await;
    assert!(trash(&chronos).await.is_empty());
    assert!(chronos.set_trash_retention_days(0).is_err());
}
