use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn place(x: i32, y: i32, width: u32, height: u32) -> WindowPlace {
    WindowPlace {
        width,
        height,
        position: Some(Point { x, y }),
        maximized: false,
    }
}

const FULL_HD: ScreenArea = ScreenArea {
    origin: Point { x: 0, y: 0 },
    width: 1920,
    height: 1080,
};

#[test]
fn view_and_window_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = UiStateStore::load(dir.path());
    assert_eq!(store.get(), UiState::default());
    let last = LastView {
        view: CalendarMode::Week,
        date: day("2027-01-15"),
    };
    store.set_last_view(last).unwrap();
    let window = WindowPlace {
        maximized: true,
        ..place(120, 80, 1100, 760)
    };
    store.set_window(window).unwrap();

    let again = UiStateStore::load(dir.path()).get();
    assert_eq!(again.last_view, Some(last));
    assert_eq!(again.window, Some(window));
    let file = std::fs::read_to_string(dir.path().join(UI_STATE_FILE)).unwrap();
    assert!(file.contains(r#""view": "week""#), "{file}");
    assert!(file.contains(r#""date": "2027-01-15""#), "{file}");
}

#[test]
fn a_bad_file_or_an_impossible_size_gives_a_fresh_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(UI_STATE_FILE);
    std::fs::write(&path, "{ not json").unwrap();
    assert_eq!(UiStateStore::load(dir.path()).get(), UiState::default());

    std::fs::write(
        &path,
        r#"{"lastView": {"view": "day", "date": "2026-12-11"},
            "window": {"width": 3, "height": 900, "position": null, "maximized": false}}"#,
    )
    .unwrap();
    let got = UiStateStore::load(dir.path()).get();
    assert_eq!(got.window, None);
    assert_eq!(
        got.last_view,
        Some(LastView {
            view: CalendarMode::Day,
            date: day("2026-12-11")
        })
    );

    // A view the app does not have, or a date that is not one: nothing restored.
    std::fs::write(
        &path,
        r#"{"lastView": {"view": "year", "date": "2026-12-11"}}"#,
    )
    .unwrap();
    assert_eq!(UiStateStore::load(dir.path()).get().last_view, None);
    std::fs::write(
        &path,
        r#"{"lastView": {"view": "day", "date": "2026-02-30"}}"#,
    )
    .unwrap();
    assert_eq!(UiStateStore::load(dir.path()).get().last_view, None);
}

#[test]
fn an_impossible_window_size_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = UiStateStore::load(dir.path());
    let err = store.set_window(place(0, 0, 100_000, 800)).unwrap_err();
    assert_eq!(err.field(), Some("window"));
    assert_eq!(store.get().window, None);
    assert!(!dir.path().join(UI_STATE_FILE).exists());
}

#[test]
fn the_window_goes_back_only_onto_a_screen_there_is() {
    let screens = [FULL_HD];
    assert_eq!(
        place(100, 50, 1200, 800).position_on(&screens),
        Some(Point { x: 100, y: 50 })
    );
    // Mostly off to the left, its right end still on screen.
    assert!(place(-1000, 50, 1200, 800).position_on(&screens).is_some());
    // Its title bar above the screen, or on a second screen that is gone.
    assert_eq!(place(100, -400, 1200, 800).position_on(&screens), None);
    assert_eq!(place(2500, 100, 1200, 800).position_on(&screens), None);
    // The second screen is back: there it goes.
    let two = [
        FULL_HD,
        ScreenArea {
            origin: Point { x: 1920, y: 0 },
            width: 2560,
            height: 1440,
        },
    ];
    assert!(place(2500, 100, 1200, 800).position_on(&two).is_some());
    // A desktop that never said where the window was.
    let unknown = WindowPlace {
        position: None,
        ..place(0, 0, 1200, 800)
    };
    assert_eq!(unknown.position_on(&screens), None);
}
