//! The account's colour palette (`colors.get`) through `Chronos` against the emulator over HTTP:
//! fetched once and saved, fetched again once a day has passed (so a palette change on the
//! server arrives), answered from the saved copy when Google cannot be reached or the network is
//! down, kept across a restart, and an error only when nothing was ever saved.

use chronos_core::clock::TestClock;
use chronos_core::model::AccountId;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_testkit::*;
use gcal_emulator::{FaultAction, FaultRule, PaletteChange};
use std::sync::Arc;
use std::time::Duration;

fn options(
    emu: &gcal_emulator::EmulatorHandle,
    dir: &std::path::Path,
    secrets: Arc<MemorySecretStore>,
    clock: &TestClock,
) -> ChronosOptions {
    let mut o = chronos_options(emu, dir, secrets, 1);
    o.client.clock = Arc::new(clock.clone());
    o
}

fn colors_gets(emu: &gcal_emulator::EmulatorHandle) -> usize {
    requests(emu, "colors.get").len()
}

fn event_colour(emu: &gcal_emulator::EmulatorHandle, id: &str, background: &str) {
    let change = PaletteChange::event_colour(id, background, "#ffffff");
    emu.control().set_colors(change);
}

fn offline_rule() -> FaultRule {
    FaultRule {
        action: FaultAction::Drop,
        ..FaultRule::status("/colors", 200, 1000)
    }
}

#[tokio::test]
async fn a_palette_change_on_the_server_arrives_once_the_saved_one_has_expired() {
    let emu = emulator(world(&[1])).await;
    let dir = tempfile::tempdir().unwrap();
    let secrets = memory_secrets();
    let clock = TestClock::new();
    let (chronos, account) = connected(options(&emu, dir.path(), secrets.clone(), &clock)).await;
    assert!(chronos.saved_colors(&account).await.unwrap().is_none());

    let first = chronos.colors(&account).await.unwrap();
    assert_eq!(first.event["5"].background, "#fbd75b");
    assert_eq!(first.calendar.len(), 24);
    assert_eq!(colors_gets(&emu), 1);
    assert!(chronos.saved_colors(&account).await.unwrap().is_some());

    // Google changes what colour 5 means; the saved palette stands for a day, at no request.
    event_colour(&emu, "5", "#123456");
    assert_eq!(chronos.colors(&account).await.unwrap(), first);
    clock.advance(Duration::from_secs(23 * 3600));
    assert_eq!(chronos.colors(&account).await.unwrap(), first);
    assert_eq!(
        colors_gets(&emu),
        1,
        "a fresh saved palette costs no request"
    );

    clock.advance(Duration::from_secs(2 * 3600));
    let second = chronos.colors(&account).await.unwrap();
    assert_eq!(second.event["5"].background, "#123456");
    assert_eq!(second.event["5"].foreground, "#ffffff");
    assert_eq!(second.event["4"].background, "#ff887c");
    assert_ne!(second.updated, first.updated);
    assert_eq!(colors_gets(&emu), 2);
    assert_eq!(chronos.colors(&account).await.unwrap(), second);
    assert_eq!(colors_gets(&emu), 2);

    // A forced refresh asks at once.
    event_colour(&emu, "5", "#654321");
    assert_eq!(
        chronos.refresh_colors(&account).await.unwrap().event["5"].background,
        "#654321"
    );
    assert_eq!(colors_gets(&emu), 3);

    // Kept across a restart: the next Chronos answers from the store.
    chronos.shutdown();
    drop(chronos);
    let chronos = Chronos::open(options(&emu, dir.path(), secrets, &clock))
        .await
        .unwrap();
    assert_eq!(
        chronos.colors(&account).await.unwrap().event["5"].background,
        "#654321"
    );
    assert_eq!(colors_gets(&emu), 3);
}

#[tokio::test]
async fn an_unreachable_google_keeps_the_saved_palette_and_says_so_when_there_is_none() {
    let emu = emulator(world(&[1])).await;
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let (chronos, account) = connected(options(&emu, dir.path(), memory_secrets(), &clock)).await;

    // Nothing saved and no answer: the error, with a kind the UI understands.
    let fault = emu.control().add_fault(offline_rule()).unwrap();
    let err = chronos.colors(&account).await.unwrap_err();
    assert_eq!(err.kind().as_str(), "offline", "{err:?}");
    assert!(chronos.saved_colors(&account).await.unwrap().is_none());
    emu.control().remove_fault(fault);
    let fault = emu
        .control()
        .add_fault(FaultRule::status("/colors", 503, 1000))
        .unwrap();
    assert_eq!(
        chronos.colors(&account).await.unwrap_err().kind().as_str(),
        "server"
    );
    emu.control().remove_fault(fault);

    event_colour(&emu, "11", "#0a0b0c");
    assert_eq!(
        chronos.colors(&account).await.unwrap().event["11"].background,
        "#0a0b0c"
    );

    // Expired, then Google unreachable: the saved palette answers, after a real attempt.
    event_colour(&emu, "11", "#ffffff");
    clock.advance(Duration::from_secs(25 * 3600));
    emu.control().add_fault(offline_rule()).unwrap();
    let before = emu.control().faults()[0].hits;
    assert_eq!(
        chronos.colors(&account).await.unwrap().event["11"].background,
        "#0a0b0c"
    );
    assert!(emu.control().faults()[0].hits > before, "Google was asked");
    assert_eq!(
        chronos.refresh_colors(&account).await.unwrap().event["11"].background,
        "#0a0b0c"
    );

    // The shell says the network is down: the saved palette, without trying.
    emu.control().clear_faults();
    chronos.network_changed(false);
    emu.control().reset_requests();
    assert_eq!(
        chronos.refresh_colors(&account).await.unwrap().event["11"].background,
        "#0a0b0c"
    );
    assert_eq!(colors_gets(&emu), 0);
    chronos.network_changed(true);
    assert_eq!(
        chronos.colors(&account).await.unwrap().event["11"].background,
        "#ffffff"
    );
    assert_eq!(colors_gets(&emu), 1);

    // An account Chronos does not know is not asked about.
    let err = chronos
        .colors(&AccountId::new("nobody@example.com"))
        .await
        .unwrap_err();
    assert_eq!(err.kind().as_str(), "not_found", "{err:?}");
}

#[tokio::test]
async fn a_view_gets_a_palette_at_once_and_hears_when_googles_arrives() {
    use chronos_core::feed::EngineEvent;
    let emu = emulator(world(&[1])).await;
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let (chronos, account) = connected(options(&emu, dir.path(), memory_secrets(), &clock)).await;
    event_colour(&emu, "5", "#123456");
    let mut feed = chronos.feed().subscribe().events;

    // Never fetched: Google's published palette stands in, without waiting for the request.
    let first = chronos.palette(&account).await;
    assert!(!first.from_google);
    assert_eq!(first.event("5").unwrap().background, "#fbd75b");

    // The background refresh brings the account's own palette and says so on the feed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let held = chronos.palette(&account).await;
        if held.from_google {
            assert_eq!(held.event("5").unwrap().background, "#123456");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never refreshed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let announced = std::iter::from_fn(|| feed.try_recv().ok()).any(|e| {
        matches!(e, EngineEvent::EventsChanged { account: a, calendars } if a == account && calendars.is_empty())
    });
    assert!(announced, "views are told to re-read their colours");
    assert_eq!(colors_gets(&emu), 1);

    // Held: later looks ask nobody.
    let again = chronos.palettes_for([account.clone()].into()).await;
    assert!(again[&account].from_google);
    assert_eq!(colors_gets(&emu), 1);
    // `palette_now` asks the core, which answers from its fresh saved copy.
    assert!(chronos.palette_now(&account).await.from_google);
    assert_eq!(colors_gets(&emu), 1);
}

#[tokio::test]
async fn googles_palette_equal_to_the_stand_in_is_held_without_telling_the_views() {
    use chronos_core::feed::EngineEvent;
    let emu = emulator(world(&[1])).await;
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let (chronos, account) = connected(options(&emu, dir.path(), memory_secrets(), &clock)).await;
    let mut feed = chronos.feed().subscribe().events;

    assert!(!chronos.palette(&account).await.from_google);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !chronos.palette(&account).await.from_google {
        assert!(tokio::time::Instant::now() < deadline, "never refreshed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The refresh holds the palette, then (when it changed) tells the feed: give it that step.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let told = std::iter::from_fn(|| feed.try_recv().ok()).any(|e| {
        matches!(e, EngineEvent::EventsChanged { account: a, calendars } if a == account && calendars.is_empty())
    });
    assert!(
        !told,
        "the same colours: the views have nothing to read again"
    );
}
