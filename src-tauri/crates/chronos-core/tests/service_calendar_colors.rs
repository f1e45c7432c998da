//! The user's calendar colours through `Chronos` against the emulator over HTTP: both colours
//! are stored and sent to Google (`calendarList.patch`, RGB format); with Google out of reach
//! they stay, marked pending, across a restart, and the next sync sends them; a change Google
//! refuses is undone and is the error.

use chronos_core::model::{AccountId, CalendarColors, CalendarId, RgbColor};
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::Chronos;
use chronos_core::store::StoredCalendar;
use chronos_core::sync::calendar_colors::ColorChange;
use chronos_testkit::*;
use gcal_emulator::{EmulatorHandle, FaultAction, FaultRule};
use std::sync::Arc;

fn colours(background: &str, foreground: &str) -> CalendarColors {
    CalendarColors {
        background: RgbColor::parse(background).unwrap(),
        foreground: RgbColor::parse(foreground).unwrap(),
    }
}

/// (background, foreground) of the calendar's entry at the emulator.
fn at_google(emu: &EmulatorHandle, calendar: &CalendarId) -> (String, String) {
    let e = emu
        .control()
        .calendar_list_entry(USER, calendar.as_str())
        .unwrap();
    (
        e["backgroundColor"].as_str().unwrap().to_owned(),
        e["foregroundColor"].as_str().unwrap().to_owned(),
    )
}

async fn stored(chronos: &Chronos, account: &AccountId, calendar: &CalendarId) -> StoredCalendar {
    chronos
        .calendars(Some(account))
        .await
        .unwrap()
        .into_iter()
        .find(|c| &c.entry.id == calendar)
        .unwrap()
}

fn patches(emu: &EmulatorHandle) -> u64 {
    emu.control().count("calendarList.patch")
}

/// Connected and synced once.
async fn synced(
    emu: &EmulatorHandle,
    dir: &std::path::Path,
    secrets: Arc<MemorySecretStore>,
) -> (Chronos, AccountId) {
    let (chronos, account) = connected(chronos_options(emu, dir, secrets, 1)).await;
    chronos.sync_now(Some(&account)).await.unwrap();
    (chronos, account)
}

#[tokio::test]
async fn both_colours_are_stored_and_reach_google() {
    let emu = emulator(world(&[1, 1])).await;
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = synced(&emu, dir.path(), memory_secrets()).await;
    let cal = cal_id(1);
    assert_ne!(at_google(&emu, &cal).0, "#0b8043");

    let change = chronos
        .set_calendar_colors(&account, &cal, colours("#0B8043", "#FFFFFF"))
        .await
        .unwrap();
    assert_eq!(change, ColorChange::OnGoogle);
    assert_eq!(
        at_google(&emu, &cal),
        ("#0b8043".to_owned(), "#ffffff".to_owned())
    );
    let c = stored(&chronos, &account, &cal).await;
    assert_eq!(c.entry.background_color.as_deref(), Some("#0b8043"));
    assert_eq!(c.entry.foreground_color.as_deref(), Some("#ffffff"));
    assert_eq!(
        c.entry.color_id.as_deref(),
        Some("8"),
        "Google's nearest colour id came back with the entry"
    );
    assert!(!c.colors_pending);
    assert_eq!(
        (c.color_override, c.foreground_override),
        (None, None),
        "Google's colours are the user's now"
    );
    // The next calendar list sync agrees, and the other calendar is untouched.
    chronos.sync_now(Some(&account)).await.unwrap();
    assert_eq!(
        stored(&chronos, &account, &cal)
            .await
            .entry
            .foreground_color
            .as_deref(),
        Some("#ffffff")
    );
    assert_ne!(
        stored(&chronos, &account, &cal_id(0))
            .await
            .entry
            .background_color
            .as_deref(),
        Some("#0b8043")
    );

    // Bad input never reaches Google; an unknown calendar neither.
    let err = chronos_core::Error::from(RgbColor::parse("white").unwrap_err());
    assert_eq!(err.kind().as_str(), "invalid_input", "{err:?}");
    let before = patches(&emu);
    let err = chronos
        .set_calendar_colors(
            &account,
            &CalendarId::new("nope"),
            colours("#000000", "#ffffff"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind().as_str(), "not_found", "{err:?}");
    assert_eq!(patches(&emu), before);
}

#[tokio::test]
async fn colours_chosen_offline_stay_and_the_next_sync_sends_them() {
    let emu = emulator(world(&[1, 1])).await;
    let dir = tempfile::tempdir().unwrap();
    let secrets = memory_secrets();
    let (chronos, account) = synced(&emu, dir.path(), secrets.clone()).await;
    let cal = cal_id(1);
    let google_before = at_google(&emu, &cal);

    // The connection drops on the way: the change is shown at once and waits.
    let drop_patches = FaultRule {
        action: FaultAction::Drop,
        ..FaultRule::status("/calendarList/", 200, 1000)
    }
    .with_method("PATCH");
    emu.control().add_fault(drop_patches).unwrap();
    let change = chronos
        .set_calendar_colors(&account, &cal, colours("#123456", "#fedcba"))
        .await
        .unwrap();
    assert_eq!(change, ColorChange::Pending);
    assert_eq!(at_google(&emu, &cal), google_before);
    let c = stored(&chronos, &account, &cal).await;
    assert_eq!(
        (
            c.color_override.as_deref(),
            c.foreground_override.as_deref()
        ),
        (Some("#123456"), Some("#fedcba"))
    );
    assert!(c.colors_pending);
    // A sync that still cannot send them keeps them, although it lists Google's old colours.
    chronos.sync_now(Some(&account)).await.unwrap();
    let c = stored(&chronos, &account, &cal).await;
    assert!(c.colors_pending);
    assert_eq!(c.color_override.as_deref(), Some("#123456"));
    assert_eq!(at_google(&emu, &cal), google_before);

    // The shell says the network is down: a newer choice waits without a request.
    chronos.network_changed(false);
    let before = patches(&emu);
    let change = chronos
        .set_calendar_colors(&account, &cal, colours("#654321", "#000000"))
        .await
        .unwrap();
    assert_eq!(change, ColorChange::Pending);
    assert_eq!(patches(&emu), before);

    // Kept across a restart; the first sync with Google reachable sends the last choice.
    chronos.shutdown();
    drop(chronos);
    emu.control().clear_faults();
    let chronos = Chronos::open(chronos_options(&emu, dir.path(), secrets, 1))
        .await
        .unwrap();
    assert!(stored(&chronos, &account, &cal).await.colors_pending);
    chronos.sync_now(Some(&account)).await.unwrap();
    assert_eq!(
        at_google(&emu, &cal),
        ("#654321".to_owned(), "#000000".to_owned())
    );
    let c = stored(&chronos, &account, &cal).await;
    assert!(!c.colors_pending);
    assert_eq!(c.entry.background_color.as_deref(), Some("#654321"));
    assert_eq!(c.entry.foreground_color.as_deref(), Some("#000000"));
    let sent = patches(&emu);
    chronos.sync_now(Some(&account)).await.unwrap();
    assert_eq!(patches(&emu), sent, "sent once");
}

#[tokio::test]
async fn a_change_google_refuses_is_undone_and_is_the_error() {
    let emu = emulator(world(&[1, 1])).await;
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = synced(&emu, dir.path(), memory_secrets()).await;
    let cal = cal_id(1);
    let before = stored(&chronos, &account, &cal).await;

    emu.control()
        .add_fault(FaultRule::status("/calendarList/", 404, 1).with_method("PATCH"))
        .unwrap();
    let err = chronos
        .set_calendar_colors(&account, &cal, colours("#123456", "#ffffff"))
        .await
        .unwrap_err();
    assert_eq!(err.kind().as_str(), "not_found", "{err:?}");
    assert_eq!(stored(&chronos, &account, &cal).await, before);
    chronos.sync_now(Some(&account)).await.unwrap();
    assert_eq!(patches(&emu), 1, "a refused change is not sent again");
}

#[tokio::test]
async fn views_show_the_chosen_colours_and_hear_of_each_change() {
    use chronos_core::feed::EngineEvent;
    let emu = emulator(world(&[1, 1])).await;
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) = synced(&emu, dir.path(), Arc::new(MemorySecretStore::default())).await;
    let cal = cal_id(1);
    // The palette is looked up (and refreshed) by the first view; that and the first sync's
    // own notices go out before listening.
    chronos.calendar_views(None).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let mut feed = chronos.feed().subscribe().events;

    chronos
        .set_calendar_colors(&account, &cal, colours("#0B8043", "#FFFFFF"))
        .await
        .unwrap();
    let view = chronos.calendar_view(&account, &cal).await.unwrap();
    assert_eq!(
        (
            view.background_color.as_str(),
            view.foreground_color.as_str()
        ),
        ("#0b8043", "#ffffff")
    );
    assert!(!view.colors_pending);
    let all = chronos.calendar_views(Some(&account)).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all
        .iter()
        .any(|v| v.id == cal.as_str() && v.background_color == "#0b8043"));

    chronos
        .set_calendar_selected(&account, &cal, false)
        .await
        .unwrap();
    assert!(
        !chronos
            .calendar_view(&account, &cal)
            .await
            .unwrap()
            .selected
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let named: Vec<_> = std::iter::from_fn(|| feed.try_recv().ok())
        .filter_map(|e| match e {
            EngineEvent::EventsChanged { calendars, .. } => Some(calendars),
            _ => None,
        })
        .collect();
    assert!(!named.is_empty(), "views are told");
    assert!(
        named.iter().all(|c| c.contains(&cal)),
        "each notice names the calendar: {named:?}"
    );
    let missing = chronos
        .calendar_view(&account, &cal_id(7))
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), chronos_core::ErrorKind::NotFound);
}
