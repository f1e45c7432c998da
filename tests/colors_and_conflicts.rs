//! Through Tauri's mock runtime against the demo emulator: event colours come from the account's
//! `colors.get` palette (not a built-in copy), and an event with an open conflict is marked in
//! the calendar's listing until the conflict is resolved.

mod support;

use gcal_emulator::PaletteChange;
use serde_json::{json, Value};
use support::{call, connected, emulator as google, eventually, now, start, TestApp};

fn day_range(day: chrono::NaiveDate) -> Value {
    let at = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).unwrap().and_utc().to_rfc3339();
    json!({ "from": at(day), "to": at(day + chrono::Duration::days(1)) })
}

fn find(events: &Value, id: &str) -> Option<Value> {
    events.as_array()?.iter().find(|e| e["id"] == id).cloned()
}

/// An event on the server, `days` ahead, as another client would add it; returns (id, day).
fn server_event(
    t: &TestApp,
    calendar: &str,
    title: &str,
    color_id: Option<&str>,
    days: i64,
) -> (String, chrono::NaiveDate) {
    let day = (now() + chrono::Duration::days(days)).date_naive();
    let at = |h: u32| day.and_hms_opt(h, 0, 0).unwrap().and_utc().to_rfc3339();
    let mut body = json!({
        "summary": title,
        "start": { "dateTime": at(9) },
        "end": { "dateTime": at(10) },
    });
    if let Some(c) = color_id {
        body["colorId"] = json!(c);
    }
    let created = google(t).insert_event(calendar, body).unwrap();
    (created["id"].as_str().unwrap().to_owned(), day)
}

#[test]
fn event_colours_come_from_the_servers_palette() {
    let t = start();
    // Google's palette says something else than the published one before the app first asks.
    let change = PaletteChange::event_colour("5", "#123456", "#ffffff");
    google(&t).set_colors(change);
    let (account, calendar) = connected(&t);
    let (id, day) = server_event(&t, &calendar, "Coloured by Google", Some("5"), 3);
    let (plain, _) = server_event(&t, &calendar, "Calendar-coloured", None, 3);
    call(&t.main, "sync_now", json!({ "accountId": account })).unwrap();

    // The listing never waits for Google: the palette arrives in the background and the next
    // listing uses it.
    let ev = eventually("the event in the server's colour", || {
        let all = call(&t.main, "events_in_range", day_range(day)).unwrap()["events"].clone();
        find(&all, &id).filter(|e| e["color"] == "#123456")
    });
    assert_eq!(ev["colorId"], "5");
    let all = call(&t.main, "events_in_range", day_range(day)).unwrap()["events"].clone();
    let cal_colour = call(&t.main, "list_calendars", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == calendar.as_str())
        .unwrap()["backgroundColor"]
        .clone();
    assert_eq!(
        find(&all, &plain).unwrap()["color"],
        cal_colour,
        "no colorId: the calendar's colour"
    );
    assert!(google(&t).count("colors.get") >= 1);

    // The colour picker gets the same palette.
    let palette = call(&t.main, "event_colors", json!({ "accountId": account })).unwrap();
    assert_eq!(
        palette["5"],
        json!({ "background": "#123456", "foreground": "#ffffff" })
    );
    assert_eq!(palette["4"]["background"], "#ff887c");
    assert_eq!(palette.as_object().unwrap().len(), 11);
    let err = call(
        &t.main,
        "event_colors",
        json!({ "accountId": "nobody@example.com" }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "not_found");

    // The saved palette stands (Google is asked about once a day), so a change on the server
    // does not cost a request per listing.
    let asked = google(&t).count("colors.get");
    google(&t).set_colors(PaletteChange::event_colour("5", "#654321", "#ffffff"));
    for _ in 0..3 {
        let all = call(&t.main, "events_in_range", day_range(day)).unwrap()["events"].clone();
        assert_eq!(find(&all, &id).unwrap()["color"], "#123456");
    }
    assert_eq!(google(&t).count("colors.get"), asked);
}

#[test]
fn an_event_with_an_open_conflict_is_marked_until_it_is_resolved() {
    let t = start();
    let (account, calendar) = connected(&t);
    let (id, day) = server_event(&t, &calendar, "Budget review", None, 4);
    let (other, _) = server_event(&t, &calendar, "Lunch", None, 4);
    call(&t.main, "sync_now", json!({ "accountId": account })).unwrap();
    let ev = eventually("the event in the app", || {
        find(
            &call(&t.main, "events_in_range", day_range(day)).unwrap()["events"].clone(),
            &id,
        )
    });
    assert_eq!(ev["conflict"], false);

    // Someone else renames it on Google; the app, not knowing, renames it too.
    google(&t)
        .patch_event(
            &calendar,
            &id,
            json!({ "summary": "Budget review (theirs)" }),
        )
        .unwrap();
    let input = json!({
        "accountId": account, "calendarId": calendar, "title": "Budget review (mine)",
        "start": ev["start"], "end": ev["end"], "allDay": false,
    });
    let saved = call(
        &t.main,
        "update_event",
        json!({
            "accountId": account, "calendarId": calendar, "eventId": id, "input": input,
        }),
    )
    .unwrap();
    assert_eq!(saved["pending"], true);

    // The push gets 412, both changed the title: a conflict record, and the event says so.
    let conflict = eventually("the conflict", || {
        let list = call(&t.main, "list_conflicts", json!({})).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["eventId"] == id.as_str())
            .cloned()
    });
    assert!(google(&t)
        .requests()
        .iter()
        .any(|r| r.operation == "events.patch" && r.status == 412));
    let all = call(&t.main, "events_in_range", day_range(day)).unwrap()["events"].clone();
    assert_eq!(find(&all, &id).unwrap()["conflict"], true, "{all}");
    assert_eq!(find(&all, &other).unwrap()["conflict"], false);

    call(
        &t.main,
        "resolve_conflict",
        json!({ "conflictId": conflict["id"], "resolution": { "kind": "keep_theirs" } }),
    )
    .unwrap();
    let all = call(&t.main, "events_in_range", day_range(day)).unwrap()["events"].clone();
    let ev = find(&all, &id).unwrap();
    assert_eq!(ev["conflict"], false);
    assert_eq!(ev["title"], "Budget review (theirs)");
}

#[test]
fn a_calendar_colour_keeps_both_colours_and_reaches_google() {
    let t = start();
    let (account, calendar) = connected(&t);
    let args = |bg: &str, fg: &str| json!({ "accountId": account, "calendarId": calendar, "backgroundColor": bg, "foregroundColor": fg });
    // A bad text colour is refused for its field, and nothing changes.
    let err = call(&t.main, "set_calendar_color", args("#0b8043", "white")).unwrap_err();
    assert_eq!(
        (err["kind"].as_str(), err["field"].as_str()),
        (Some("invalid_input"), Some("foregroundColor")),
        "{err}"
    );

    let shown = call(&t.main, "set_calendar_color", args("#0B8043", "#FFFFFF")).unwrap();
    assert_eq!(shown["id"], calendar.as_str());
    assert_eq!(shown["backgroundColor"], "#0b8043");
    assert_eq!(shown["foregroundColor"], "#ffffff");
    assert_eq!(shown["colorsPending"], false);
    let listed = call(&t.main, "list_calendars", json!({})).unwrap();
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == calendar.as_str())
        .unwrap();
    assert_eq!(
        (&mine["backgroundColor"], &mine["foregroundColor"]),
        (&json!("#0b8043"), &json!("#ffffff"))
    );
    let at_google = google(&t).calendar_list_entry(&account, &calendar).unwrap();
    assert_eq!(
        (&at_google["backgroundColor"], &at_google["foregroundColor"]),
        (&json!("#0b8043"), &json!("#ffffff"))
    );
}
