use super::*;
use crate::locale::{HourCycle, WeekStart};

#[test]
fn rejects_bad_fields_by_name() {
    let bad = Settings {
        sync_interval_minutes: 0,
        ..Settings::default()
    };
    assert_eq!(
        bad.validated().unwrap_err().field(),
        Some("syncIntervalMinutes")
    );
    let bad = Settings {
        display_time_zone: Some("Mars/Olympus".into()),
        ..Settings::default()
    };
    assert_eq!(
        bad.validated().unwrap_err().field(),
        Some("displayTimeZone")
    );
    let bad = Settings {
        push_address: Some("http://example.com/hook".into()),
        ..Settings::default()
    };
    assert_eq!(bad.validated().unwrap_err().field(), Some("pushAddress"));
    let ok = Settings {
        display_time_zone: Some("".into()),
        ..Settings::default()
    };
    assert_eq!(ok.validated().unwrap().display_time_zone, None);
}

#[test]
fn a_file_from_before_a_field_existed_keeps_its_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.json"),
        r#"{"syncIntervalMinutes": 30, "displayTimeZone": "Asia/Kolkata"}"#,
    )
    .unwrap();
    let got = SettingsStore::load(dir.path()).get();
    assert_eq!(got.sync_interval_minutes, 30);
    assert_eq!(got.sync_interval(), Duration::from_secs(30 * 60));
    assert_eq!(got.display_zone(), Some(chrono_tz::Asia::Kolkata));
    assert!(!got.follow_account_time_zone);
    assert_eq!(
        Settings::default().sync_interval_minutes,
        10,
        "the product's default interval"
    );
}

#[test]
fn a_file_the_app_wrote_opens() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.json"),
        r#"{
  "syncIntervalMinutes": 15,
  "closeToTray": false,
  "launchAtLogin": true,
  "displayTimeZone": "Europe/Berlin",
  "followAccountTimeZone": true,
  "pushAddress": "https://push.example.com/hook",
  "logLevel": "debug",
  "theme": "dark"
}"#,
    )
    .unwrap();
    let got = SettingsStore::load(dir.path()).get();
    assert_eq!(
        got,
        Settings {
            sync_interval_minutes: 15,
            close_to_tray: false,
            launch_at_login: true,
            display_time_zone: Some("Europe/Berlin".into()),
            follow_account_time_zone: true,
            push_address: Some("https://push.example.com/hook".into()),
            log_level: LogLevel::Debug,
            // A file from before these settings gets their defaults.
            trash_retention_days: 30,
            mass_deletion: crate::sync::guard::MassDeletionGuard::default(),
            theme: Theme::Dark,
            locale: None,
            hour_cycle: HourCycle::Auto,
            week_start: WeekStart::Auto,
        }
    );
}

#[test]
fn the_trash_and_the_mass_deletion_guard_take_only_sensible_numbers() {
    let ok = Settings {
        trash_retention_days: 90,
        mass_deletion: crate::sync::guard::MassDeletionGuard {
            max_events: 10,
            max_percent: 50,
            min_calendar_events: 0,
        },
        ..Settings::default()
    };
    assert_eq!(ok.clone().validated().unwrap(), ok);
    for days in [0, 366] {
        let bad = Settings {
            trash_retention_days: days,
            ..Settings::default()
        };
        let e = bad.validated().unwrap_err();
        assert!(e.to_string().contains("between 1 and 365"), "{e}");
    }
    let bad = Settings {
        mass_deletion: crate::sync::guard::MassDeletionGuard {
            max_percent: 101,
            ..Default::default()
        },
        ..Settings::default()
    };
    assert!(bad.validated().is_err());
}

#[test]
fn survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = SettingsStore::load(dir.path());
    assert_eq!(store.get(), Settings::default());
    let wanted = Settings {
        sync_interval_minutes: 15,
        close_to_tray: false,
        display_time_zone: Some("Europe/Berlin".into()),
        follow_account_time_zone: true,
        log_level: LogLevel::Debug,
        ..Settings::default()
    };
    store.set(wanted.clone()).unwrap();
    assert_eq!(SettingsStore::load(dir.path()).get(), wanted);
}

#[test]
fn a_rejected_change_keeps_the_old_values() {
    let dir = tempfile::tempdir().unwrap();
    let store = SettingsStore::load(dir.path());
    let err = store.set(Settings {
        sync_interval_minutes: 100_000,
        ..Settings::default()
    });
    assert!(err.is_err());
    assert_eq!(store.get(), Settings::default());
    assert!(!dir.path().join("settings.json").exists());
}

#[test]
fn the_locale_override_is_checked_normalised_and_resolved() {
    let err = Settings {
        locale: Some("english please".into()),
        ..Settings::default()
    }
    .validated()
    .unwrap_err();
    assert!(err.to_string().contains("is not a locale"), "{err}");
    let ok = Settings {
        locale: Some("en_gb".into()),
        week_start: WeekStart::Sunday,
        ..Settings::default()
    }
    .validated()
    .unwrap();
    assert_eq!(ok.locale.as_deref(), Some("en-GB"));
    let resolved = ok.resolved_locale(Some("de-DE"));
    assert_eq!(
        (resolved.tag.as_str(), resolved.hour12, resolved.first_day),
        ("en-GB", false, 0)
    );
    let blank = Settings {
        locale: Some("  ".into()),
        ..Settings::default()
    };
    assert_eq!(blank.validated().unwrap().locale, None);
}
