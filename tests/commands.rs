//! The shell's commands through Tauri's mock runtime, with the app's real capability file:
//! shapes the UI relies on, error kinds, and the access control around them.

mod support;

use serde_json::{json, Value};
use support::{call, connected, emulator, eventually, now, start, start_with};
use tauri::test::MockRuntime;
use tauri::{WebviewWindow, WebviewWindowBuilder};

#[test]
fn app_info_reports_demo_mode_without_a_client_id() {
    let t = start();
    let info = call(&t.main, "app_info", json!({})).unwrap();
    assert_eq!(info["demo"], true);
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn settings_round_trip_and_persist_in_the_data_dir() {
    let t = start();
    let defaults = call(&t.main, "get_settings", json!({})).unwrap();
    assert_eq!(defaults["syncIntervalMinutes"], 10);
    assert_eq!(defaults["followAccountTimeZone"], false);
    assert_eq!(defaults["logLevel"], "info");

    let mut wanted = defaults.clone();
    wanted["syncIntervalMinutes"] = json!(30);
    wanted["closeToTray"] = json!(false);
    wanted["displayTimeZone"] = json!("Europe/Berlin");
    let saved = call(&t.main, "set_settings", json!({ "settings": wanted })).unwrap();
    assert_eq!(saved["syncIntervalMinutes"], 30);
    // Applied to the running engine, not only saved for the next start.
    {
        use tauri::Manager;
        let engine = t.app.state::<chronos_app::engine::Engine>();
        assert_eq!(
            engine.get().unwrap().sync_interval(),
            std::time::Duration::from_secs(30 * 60)
        );
    }
    assert_eq!(call(&t.main, "get_settings", json!({})).unwrap(), saved);

    // Demo data lives in its own folder under the data dir.
    let file = t.data.path().join("demo").join("settings.json");
    let on_disk: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(on_disk["displayTimeZone"], "Europe/Berlin");
}

#[test]
fn the_last_view_is_kept_in_the_data_dir_for_the_next_start() {
    let t = start();
    assert_eq!(
        call(&t.main, "get_last_view", json!({})).unwrap(),
        Value::Null
    );
    let last = json!({ "view": "week", "date": "2027-01-15" });
    call(&t.main, "set_last_view", json!({ "lastView": last })).unwrap();
    assert_eq!(call(&t.main, "get_last_view", json!({})).unwrap(), last);
    // Where the next start reads it: beside the settings of this mode.
    let dir = t.data.path().join("demo");
    let store = chronos_core::ui_state::UiStateStore::load(&dir);
    assert_eq!(
        serde_json::to_value(store.get().last_view).unwrap(),
        last,
        "read back from {}",
        dir.display()
    );

    for bad in [
        json!({ "view": "year", "date": "2027-01-15" }),
        json!({ "view": "day", "date": "2027-02-30" }),
    ] {
        assert!(call(&t.main, "set_last_view", json!({ "lastView": bad })).is_err());
    }
    assert_eq!(call(&t.main, "get_last_view", json!({})).unwrap(), last);
}

#[test]
fn the_locale_follows_the_settings_override() {
    let t = start();
    let mut wanted = call(&t.main, "get_settings", json!({})).unwrap();
    wanted["locale"] = json!("de_DE");
    wanted["weekStart"] = json!("sunday");
    let saved = call(&t.main, "set_settings", json!({ "settings": wanted })).unwrap();
    assert_eq!(saved["locale"], "de-DE");
    let resolved = call(&t.main, "resolved_locale", json!({})).unwrap();
    assert_eq!(
        resolved,
        json!({ "tag": "de-DE", "hour12": false, "firstDay": 0 })
    );

    let mut bad = saved.clone();
    bad["locale"] = json!("not a locale");
    let err = call(&t.main, "set_settings", json!({ "settings": bad })).unwrap_err();
    assert_eq!(err["field"], "locale");
}

#[test]
fn invalid_settings_are_rejected_with_the_field() {
    let t = start();
    let mut bad = call(&t.main, "get_settings", json!({})).unwrap();
    bad["syncIntervalMinutes"] = json!(0);
    let err = call(&t.main, "set_settings", json!({ "settings": bad })).unwrap_err();
    assert_eq!(err["kind"], "invalid_input");
    assert_eq!(err["field"], "syncIntervalMinutes");
    assert_eq!(err["retryable"], false);
    assert!(err["message"].as_str().unwrap().contains("between"));
}

#[test]
fn open_link_refuses_local_and_script_links() {
    let t = start();
    for url in ["file:///etc/passwd", "javascript:alert(1)", "not a url"] {
        let err = call(&t.main, "open_link", json!({ "url": url })).unwrap_err();
        assert_eq!(err["kind"], "invalid_input", "{url}");
        assert_eq!(err["field"], "url");
    }
}

#[test]
fn a_day_link_before_the_page_listens_is_kept_for_it_once() {
    use std::sync::{Arc, Mutex};
    use tauri::Listener;
    let t = start();
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = sent.clone();
    t.app.listen_any("navigate://date", move |e| {
        seen.lock().unwrap().push(e.payload().to_owned())
    });
    let link = |s: &str| vec![url::Url::parse(s).unwrap()];
    // The link that started the app: the page is still loading, so it is held, not sent.
    chronos_app::deep_link::handle(t.app.handle(), &link("chronos://open?date=2027-03-14"));
    assert_eq!(
        call(&t.main, "take_pending_navigation", json!({})).unwrap(),
        json!({ "date": "2027-03-14", "quickAdd": false })
    );
    assert_eq!(
        call(&t.main, "take_pending_navigation", json!({})).unwrap(),
        Value::Null
    );
    assert!(sent.lock().unwrap().is_empty());
    // Once the page has asked, links go out as events.
    chronos_app::deep_link::handle(t.app.handle(), &link("chronos://open?date=2027-04-01"));
    eventually("navigate://date sent", || {
        let sent = sent.lock().unwrap();
        (sent.len() == 1).then(|| assert_eq!(sent[0], r#"{"date":"2027-04-01"}"#))
    });
    assert_eq!(
        call(&t.main, "take_pending_navigation", json!({})).unwrap(),
        Value::Null
    );
}

#[test]
fn a_run_reaches_the_window_in_order_and_ends_settled() {
    use std::sync::{Arc, Mutex};
    use tauri::Listener;
    let t = start();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    for name in ["sync://status", "sync://progress", "sync://finished"] {
        let seen = seen.clone();
        t.app.listen_any(name, move |e| {
            let v: Value = serde_json::from_str(e.payload()).unwrap();
            let what = match (name, v["state"].as_str()) {
                ("sync://status", Some(state)) => format!("status:{state}"),
                ("sync://progress", _) => {
                    format!("progress:{}/{}", v["calendarsDone"], v["calendarsTotal"])
                }
                _ => "finished".to_owned(),
            };
            seen.lock().unwrap().push(what);
        });
    }
    let (account, _) = connected(&t);
    let seen = eventually("the run's end and its settled status", || {
        let seen = seen.lock().unwrap();
        (seen.iter().any(|s| s == "finished") && seen.last()? == "status:up_to_date")
            .then(|| seen.clone())
    });
    let first_syncing = seen.iter().position(|s| s == "status:syncing");
    let finished = seen.iter().position(|s| s == "finished").unwrap();
    assert!(first_syncing.is_some_and(|i| i < finished), "{seen:?}");
    // Every progress belongs to the run: none after the settled status.
    let settled = seen.iter().rposition(|s| s == "status:up_to_date").unwrap();
    assert!(
        seen[settled..].iter().all(|s| !s.starts_with("progress")),
        "{seen:?}"
    );
    // The last progress accounts for every calendar.
    let last_progress = seen.iter().rfind(|s| s.starts_with("progress")).unwrap();
    let (done, total) = last_progress["progress:".len()..].split_once('/').unwrap();
    assert_eq!(done, total, "{seen:?}");
    let statuses = call(&t.main, "sync_status", json!({})).unwrap();
    assert_eq!(statuses[0]["accountId"], account);
    assert_eq!(statuses[0]["state"], "up_to_date");
    assert_eq!(statuses[0]["pendingChanges"], 0);
}

#[test]
fn the_page_may_say_when_the_first_month_is_shown() {
    let t = start();
    for _ in 0..2 {
        assert_eq!(
            call(&t.main, "first_month_shown", json!({ "events": 3 })).unwrap(),
            Value::Null
        );
    }
    assert!(call(&t.main, "first_month_shown", json!({ "events": "many" })).is_err());
}

#[test]
fn sync_status_is_empty_before_any_account() {
    let t = start();
    assert_eq!(call(&t.main, "sync_status", json!({})).unwrap(), json!([]));
}

#[test]
fn unknown_commands_are_refused() {
    let t = start();
    let err = call(&t.main, "delete_everything", json!({})).unwrap_err();
    assert!(err.to_string().contains("delete_everything"), "{err}");
}

#[test]
fn plugin_commands_are_not_granted_to_the_page() {
    let t = start();
    // The page may not reach the file system, a shell or the opener directly.
    for cmd in [
        "plugin:opener|open_url",
        "plugin:fs|read_file",
        "plugin:shell|execute",
    ] {
        assert!(
            call(&t.main, cmd, json!({ "url": "file:///etc/passwd" })).is_err(),
            "{cmd}"
        );
    }
}

#[test]
fn only_the_main_window_holds_the_capability() {
    let t = start();
    let other = WebviewWindowBuilder::new(&t.app, "other", Default::default())
        .build()
        .unwrap();
    let err = call(&other, "app_info", json!({})).unwrap_err();
    assert!(err.to_string().contains("not allowed"), "{err}");
    assert!(call(&t.main, "app_info", json!({})).is_ok());
}

/// Polls a command until `done` holds for its answer.
fn wait_for(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let v = call(window, cmd, json!({})).unwrap();
        if done(&v) {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{cmd} never got there: {v}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn every_declared_command_is_granted_to_the_main_window() {
    let t = start();
    let build_rs = include_str!("../src-tauri/build.rs");
    let declared: Vec<&str> = build_rs
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('"') && l.ends_with("\","))
        .map(|l| l.trim_matches(|c| c == '"' || c == ','))
        .collect();
    assert!(declared.len() >= 25, "{declared:?}");
    for cmd in declared {
        // Bad arguments are fine here; what must not happen is a refusal or a missing handler.
        if let Err(e) = call(&t.main, cmd, json!({})) {
            let text = e.to_string();
            assert!(
                !text.contains("not allowed"),
                "{cmd} is not granted: {text}"
            );
            assert!(!text.contains("not found"), "{cmd} has no handler: {text}");
        }
    }
}

#[test]
fn demo_account_connects_syncs_and_edits_with_typed_errors() {
    let t = start();
    assert_eq!(
        call(&t.main, "list_accounts", json!({})).unwrap(),
        json!([])
    );

    let account = call(&t.main, "connect_account", json!({})).unwrap();
    let id = account["id"].as_str().unwrap().to_owned();
    assert!(id.contains('@'), "{account}");
    assert!(["connected", "syncing"].contains(&account["status"].as_str().unwrap()));

    // As the UI does: connect, then ask for the first sync.
    call(&t.main, "sync_now", json!({ "accountId": id })).unwrap();
    wait_for(&t.main, "sync_status", |v| {
        v.as_array()
            .is_some_and(|a| a.iter().any(|s| s["state"] == "up_to_date"))
    });
    let calendars = call(&t.main, "list_calendars", json!({})).unwrap();
    let calendars = calendars.as_array().unwrap();
    assert!(calendars.len() >= 2, "{calendars:?}");
    let primary = calendars
        .iter()
        .find(|c| c["primary"] == true)
        .expect("a primary calendar");
    assert_eq!(primary["accountId"], id.as_str());
    assert!(primary["backgroundColor"]
        .as_str()
        .unwrap()
        .starts_with('#'));

    let now = now();
    let range = json!({
        "from": (now - chrono::Duration::days(45)).to_rfc3339(),
        "to": (now + chrono::Duration::days(45)).to_rfc3339(),
    });
    let answer = call(&t.main, "events_in_range", range.clone()).unwrap();
    assert_eq!(answer["truncated"], json!([]), "a whole answer says so");
    let events = answer["events"].clone();
    let events = events.as_array().unwrap();
    assert!(!events.is_empty());
    for key in [
        "accountId",
        "calendarId",
        "id",
        "title",
        "start",
        "end",
        "allDay",
        "pending",
        "readOnly",
    ] {
        assert!(
            events[0].get(key).is_some(),
            "missing {key} in {}",
            events[0]
        );
    }

    // Typed errors.
    let err = call(
        &t.main,
        "events_in_range",
        json!({"from": "yesterday", "to": "today"}),
    )
    .unwrap_err();
    assert_eq!(
        (err["kind"].as_str(), err["field"].as_str()),
        (Some("invalid_input"), Some("from"))
    );
    let err = call(
        &t.main,
        "sync_now",
        json!({"accountId": "nobody@example.com"}),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "not_found");
    let start_at = (now + chrono::Duration::days(1)).to_rfc3339();
    let end_at = (now + chrono::Duration::days(1) + chrono::Duration::hours(1)).to_rfc3339();
    let mut input = json!({
        "accountId": id, "calendarId": primary["id"], "title": "  ",
        "start": start_at, "end": end_at, "allDay": false,
    });
    let err = call(&t.main, "create_event", json!({ "input": input })).unwrap_err();
    assert_eq!(
        (err["kind"].as_str(), err["field"].as_str()),
        (Some("invalid_input"), Some("title"))
    );
    input["title"] = json!("Mock-runtime meeting");
    input["end"] = json!((now - chrono::Duration::days(1)).to_rfc3339());
    let err = call(&t.main, "create_event", json!({ "input": input })).unwrap_err();
    assert_eq!(err["field"], "end");

    // A valid event is saved locally at once, marked pending, and listed as a pending change
    // (Google refuses inserts for now, so the background push cannot take it out of the list
    // before it is looked at).
    emulator(&t)
        .add_fault(gcal_emulator::FaultRule::status("/events", 503, 1000).with_method("POST"))
        .unwrap();
    input["end"] = json!(end_at);
    let created = call(&t.main, "create_event", json!({ "input": input })).unwrap();
    assert_eq!(created["title"], "Mock-runtime meeting");
    assert_eq!(created["pending"], true);
    let pending = call(&t.main, "list_pending_changes", json!({})).unwrap();
    assert!(
        pending
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["eventId"] == created["id"] && c["op"] == "create"),
        "{pending}"
    );
    assert_eq!(
        call(&t.main, "list_conflicts", json!({})).unwrap(),
        json!([])
    );
    let err = call(&t.main, "retry_change", json!({"changeId": "999999"})).unwrap_err();
    assert_eq!(err["kind"], "not_found");

    call(&t.main, "disconnect_account", json!({ "accountId": id })).unwrap();
    assert_eq!(
        call(&t.main, "list_accounts", json!({})).unwrap(),
        json!([])
    );
}

#[test]
fn a_demo_start_connects_the_demo_account_and_a_disconnect_sticks() {
    let t = start_with(chronos_core::launch::AutoConnect::On);
    // Connected before the page could ask: it never shows the empty state.
    let accounts = call(&t.main, "list_accounts", json!({})).unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 1, "{accounts}");
    let id = accounts[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(id, "demo@chronos.example");
    // No one asks for the first sync: the start-up run is it.
    wait_for(&t.main, "sync_status", |v| {
        v.as_array()
            .is_some_and(|a| a.iter().any(|s| s["state"] == "up_to_date"))
    });
    let now = now();
    let week = json!({
        "from": (now - chrono::Duration::days(3)).to_rfc3339(),
        "to": (now + chrono::Duration::days(4)).to_rfc3339(),
    });
    let answer = call(&t.main, "events_in_range", week).unwrap();
    assert!(!answer["events"].as_array().unwrap().is_empty(), "{answer}");

    // The user disconnects it: nothing brings it back during this run, a sync included.
    call(&t.main, "disconnect_account", json!({ "accountId": id })).unwrap();
    call(&t.main, "sync_now", json!({})).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        call(&t.main, "list_accounts", json!({})).unwrap(),
        json!([])
    );
}

#[test]
fn the_accounts_own_time_zone_is_offered_and_refreshed() {
    let t = start();
    assert_eq!(
        call(&t.main, "account_time_zone", json!({})).unwrap(),
        Value::Null,
        "no account yet"
    );
    let (id, _) = connected(&t);
    let google = emulator(&t);
    google.set_setting(&id, "timezone", "Asia/Kolkata").unwrap();
    let zone = call(&t.main, "account_time_zone", json!({ "refresh": true })).unwrap();
    assert_eq!(zone, json!({ "accountId": id, "timeZone": "Asia/Kolkata" }));
    // Changed in Google: the saved zone answers until a refresh asks again.
    google
        .set_setting(&id, "timezone", "Pacific/Auckland")
        .unwrap();
    assert_eq!(
        call(&t.main, "account_time_zone", json!({})).unwrap()["timeZone"],
        "Asia/Kolkata"
    );
    assert_eq!(
        call(&t.main, "account_time_zone", json!({ "refresh": true })).unwrap()["timeZone"],
        "Pacific/Auckland"
    );
    // The setting that follows it saves like any other.
    let mut s = call(&t.main, "get_settings", json!({})).unwrap();
    s["followAccountTimeZone"] = json!(true);
    let saved = call(&t.main, "set_settings", json!({ "settings": s })).unwrap();
    assert_eq!(saved["followAccountTimeZone"], true);
}

#[test]
fn an_edit_reaches_google_without_a_sync() {
    let t = start();
    let (account, calendar) = connected(&t);
    let google = emulator(&t);
    google.reset_requests();

    let now = now();
    let input = json!({
        "accountId": account, "calendarId": calendar, "title": "Pushed at once",
        "start": (now + chrono::Duration::days(2)).to_rfc3339(),
        "end": (now + chrono::Duration::days(2) + chrono::Duration::hours(1)).to_rfc3339(),
        "allDay": false,
    });
    let created = call(&t.main, "create_event", json!({ "input": input })).unwrap();
    let id = created["id"].as_str().unwrap();
    let at_google = eventually("the new event at the emulator", || {
        google.get_event(&calendar, id).ok()
    });
    assert_eq!(at_google["summary"], "Pushed at once");
    // The push alone carried it: no sync run (which would list events) was started.
    assert!(google.count("events.insert") >= 1);
    assert_eq!(google.count("events.list"), 0, "{:?}", google.requests());
    // Once settled, the change leaves the pending list.
    wait_for(&t.main, "list_pending_changes", |v| {
        v.as_array()
            .is_some_and(|a| a.iter().all(|c| c["eventId"] != id))
    });
}

#[test]
fn a_recurring_occurrence_is_edited_with_a_scope() {
    let t = start();
    let (account, calendar) = connected(&t);
    let google = emulator(&t);
    let day = (now() + chrono::Duration::days(3)).date_naive();
    let at = |d: i64, h: u32| {
        (day + chrono::Duration::days(d))
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
            .to_rfc3339()
    };
    let master = google
        .insert_event(
            &calendar,
            json!({
                "summary": "Standup",
                "start": { "dateTime": at(0, 9), "timeZone": "UTC" },
                "end": { "dateTime": at(0, 10), "timeZone": "UTC" },
                "recurrence": ["RRULE:FREQ=DAILY;COUNT=5"],
            }),
        )
        .unwrap();
    let master_id = master["id"].as_str().unwrap().to_owned();
    call(&t.main, "sync_now", json!({ "accountId": account })).unwrap();
    let range = json!({ "from": at(-1, 0), "to": at(6, 0) });
    let occurrences = eventually("the series' occurrences in the view", || {
        let all = call(&t.main, "events_in_range", range.clone()).unwrap()["events"].clone();
        let mut mine: Vec<Value> = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["recurringEventId"] == master_id.as_str())
            .cloned()
            .collect();
        mine.sort_by(|a, b| a["start"].as_str().cmp(&b["start"].as_str()));
        (mine.len() == 5).then_some(mine)
    });

    // Edit the third occurrence only.
    let third = &occurrences[2];
    let third_id = third["id"].as_str().unwrap().to_owned();
    let input = json!({
        "accountId": account, "calendarId": calendar, "title": "Standup (moved room)",
        "start": third["start"], "end": third["end"], "allDay": false,
    });
    let saved = call(
        &t.main,
        "update_event",
        json!({
            "accountId": account, "calendarId": calendar, "eventId": third_id,
            "input": input, "scope": "this",
        }),
    )
    .unwrap();
    assert_eq!(saved["title"], "Standup (moved room)");
    assert_eq!(saved["recurringEventId"], master_id.as_str());
    // The exception is pushed without a sync; the series itself keeps its title.
    eventually("the exception at the emulator", || {
        google
            .get_event(&calendar, &third_id)
            .ok()
            .filter(|e| e["summary"] == "Standup (moved room)")
    });
    assert_eq!(
        google.get_event(&calendar, &master_id).unwrap()["summary"],
        "Standup"
    );

    // Deleting from the first occurrence on would discard that changed occurrence; from the
    // fourth on, nothing changed is lost.
    let preview = |occurrence: &Value| {
        call(
            &t.main,
            "preview_series_edit",
            json!({
                "accountId": account, "calendarId": calendar,
                "eventId": occurrence["id"], "scope": "thisAndFollowing",
            }),
        )
        .unwrap()
    };
    assert_eq!(preview(&occurrences[0]), json!(1));
    assert_eq!(preview(&occurrences[3]), json!(0));
    let err = call(
        &t.main,
        "delete_event",
        json!({
            "accountId": account, "calendarId": calendar,
            "eventId": occurrences[4]["id"], "scope": "sometimes",
        }),
    )
    .unwrap_err();
    assert!(err.to_string().contains("scope"), "{err}");
}
