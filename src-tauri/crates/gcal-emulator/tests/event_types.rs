//! Event types: what each type needs and may carry, which changes it allows, where it may live,
//! the `eventTypes` filter of list and watch, and the worlds that hold them.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn focus_time() -> Value {
    json!({
        "eventType": "focusTime",
        "summary": "Focus",
        "start": {"dateTime": "2026-11-26T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-11-26T11:00:00+01:00", "timeZone": "Europe/Berlin"},
        "focusTimeProperties": {"autoDeclineMode": "declineOnlyNewConflictingInvitations",
            "declineMessage": "Heads down", "chatStatus": "doNotDisturb"},
    })
}

fn out_of_office() -> Value {
    json!({
        "eventType": "outOfOffice",
        "summary": "Away",
        "start": {"dateTime": "2026-11-30T00:00:00+01:00"},
        "end": {"dateTime": "2026-12-05T00:00:00+01:00"},
        "outOfOfficeProperties": {"autoDeclineMode": "declineAllConflictingInvitations",
            "declineMessage": "On holiday"},
    })
}

fn working_location(kind: Value) -> Value {
    json!({
        "eventType": "workingLocation",
        "summary": "Home",
        "start": {"date": "2026-11-27"},
        "end": {"date": "2026-11-28"},
        "workingLocationProperties": kind,
    })
}

fn birthday() -> Value {
    json!({
        "eventType": "birthday",
        "summary": "Ada's birthday",
        "start": {"date": "2026-12-10"},
        "end": {"date": "2026-12-11"},
        "recurrence": ["RRULE:FREQ=YEARLY"],
        "visibility": "private",
        "transparency": "transparent",
    })
}

fn from_gmail() -> Value {
    json!({
        "eventType": "fromGmail",
        "summary": "Flight to Lisbon",
        "location": "BER",
        "description": "Booking ABC123",
        "start": {"dateTime": "2026-12-12T07:00:00Z"},
        "end": {"dateTime": "2026-12-12T10:00:00Z"},
    })
}

/// A second calendar the first account owns.
fn secondary(env: &Env) -> String {
    let id = "team-evtypes@group.calendar.google.com".to_owned();
    env.ctl
        .add_calendar(
            &env.account,
            gcal_emulator::CalendarSpec {
                id: id.clone(),
                summary: "Team".into(),
                ..Default::default()
            },
        )
        .expect("calendar added");
    id
}

fn assert_restricted(s: StatusCode, v: &Value) {
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(error_reason(v), "eventTypeRestriction", "{v}");
    assert_eq!(v["error"]["errors"][0]["domain"], "calendar");
    assert_eq!(v["error"]["code"], 400);
}

impl Env {
    async fn patch(&self, cal: &str, id: &str, body: Value) -> (StatusCode, Value) {
        let path = format!("{}/{id}", self.events_path(cal));
        self.call(Method::PATCH, &path, Some(body), &[]).await
    }
    async fn put(&self, cal: &str, id: &str, body: Value) -> (StatusCode, Value) {
        let path = format!("{}/{id}", self.events_path(cal));
        self.call(Method::PUT, &path, Some(body), &[]).await
    }
}

#[tokio::test]
async fn event_type_defaults_to_default_and_cannot_change() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let (s, v) = env.post(&env.events_path(&cal), hour_event("plain")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["eventType"], "default");
    let (s, e) = env
        .patch(
            &cal,
            v["id"].as_str().unwrap(),
            json!({"eventType": "focusTime"}),
        )
        .await;
    assert_restricted(s, &e);
    let (s, e) = env
        .post(&env.events_path(&cal), json!({"eventType": "party", "start": {"date": "2026-11-26"}, "end": {"date": "2026-11-27"}}))
        .await;
    assert_eq!((s, error_reason(&e)), (StatusCode::BAD_REQUEST, "invalid"));
}

#[tokio::test]
async fn focus_time_and_out_of_office_are_stored_with_their_properties_and_opaque() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    for ev in [focus_time(), out_of_office()] {
        let (s, v) = env.post(&env.events_path(&cal), ev.clone()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["transparency"], "opaque");
        let props = if ev["eventType"] == "focusTime" {
            "focusTimeProperties"
        } else {
            "outOfOfficeProperties"
        };
        assert_eq!(v[props], ev[props]);
        let (_, got) = env
            .get(&format!(
                "{}/{}",
                env.events_path(&cal),
                v["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(got[props], ev[props]);
        assert_eq!(got["eventType"], ev["eventType"]);
        // Their properties and times may change; the decline message is theirs to edit.
        let (s, v) = env
            .patch(
                &cal,
                v["id"].as_str().unwrap(),
                json!({props: {"declineMessage": "Later"}}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v[props]["declineMessage"], "Later");
    }
}

#[tokio::test]
async fn timed_only_types_refuse_dates_and_transparent() {
    let env = env(empty_world()).await;
    let path = env.events_path(&env.primary());
    for base in [focus_time(), out_of_office()] {
        let mut ev = base.clone();
        ev["start"] = json!({"date": "2026-11-26"});
        ev["end"] = json!({"date": "2026-11-27"});
        let (s, v) = env.post(&path, ev).await;
        assert_restricted(s, &v);
        let mut ev = base.clone();
        ev["transparency"] = json!("transparent");
        let (s, v) = env.post(&path, ev).await;
        assert_restricted(s, &v);
        // Made all-day by a later patch: refused too.
        let (_, made) = env.post(&path, base.clone()).await;
        let (s, v) = env
            .patch(
                &env.primary(),
                made["id"].as_str().unwrap(),
                json!({"start": {"date": "2026-11-26"}, "end": {"date": "2026-11-27"}}),
            )
            .await;
        assert_restricted(s, &v);
    }
}

#[tokio::test]
async fn required_properties_per_type() {
    let env = env(empty_world()).await;
    let path = env.events_path(&env.primary());
    let mut ev = focus_time();
    ev.as_object_mut().unwrap().remove("focusTimeProperties");
    let (s, v) = env.post(&path, ev).await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "required"),
        "{v}"
    );
    let mut ev = out_of_office();
    ev.as_object_mut().unwrap().remove("outOfOfficeProperties");
    let (s, v) = env.post(&path, ev).await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "required"),
        "{v}"
    );
    let (s, v) = env
        .post(&path, working_location(json!({"type": "customLocation"})))
        .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "required"),
        "{v}"
    );
    let (s, v) = env.post(&path, working_location(json!({}))).await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "required"),
        "{v}"
    );
    // Another type's properties are not accepted.
    let mut ev = hour_event("plain");
    ev["focusTimeProperties"] = json!({"autoDeclineMode": "declineNone"});
    let (s, v) = env.post(&path, ev).await;
    assert_restricted(s, &v);
}

#[tokio::test]
async fn working_location_defaults_and_shapes() {
    let env = env(empty_world()).await;
    let path = env.events_path(&env.primary());
    let (s, v) = env
        .post(
            &path,
            working_location(json!({"type": "homeOffice", "homeOffice": {}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["visibility"], "public");
    assert_eq!(v["transparency"], "transparent");
    assert_eq!(v["workingLocationProperties"]["type"], "homeOffice");
    let office = json!({"type": "officeLocation",
        "officeLocation": {"buildingId": "B1", "floorId": "3", "deskId": "3-14", "label": "HQ"}});
    let mut ranged = working_location(office.clone());
    ranged["start"] = json!({"dateTime": "2026-11-27T09:00:00Z"});
    ranged["end"] = json!({"dateTime": "2026-11-27T13:00:00Z"});
    let (s, v) = env.post(&path, ranged).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["workingLocationProperties"], office);
    // All-day: exactly one day.
    let mut two_days = working_location(office.clone());
    two_days["end"] = json!({"date": "2026-11-29"});
    let (s, v) = env.post(&path, two_days).await;
    assert_restricted(s, &v);
    let mut private = working_location(office);
    private["visibility"] = json!("private");
    let (s, v) = env.post(&path, private).await;
    assert_restricted(s, &v);
}

#[tokio::test]
async fn primary_only_types_are_refused_on_a_secondary_calendar() {
    let env = env(empty_world()).await;
    let other = secondary(&env);
    let path = env.events_path(&other);
    for ev in [
        focus_time(),
        out_of_office(),
        working_location(json!({"type": "homeOffice", "homeOffice": {}})),
    ] {
        let (s, v) = env.post(&path, ev).await;
        assert_restricted(s, &v);
    }
    let (s, v) = env.post(&path, hour_event("fine")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn from_gmail_cannot_be_created_and_allows_only_its_fields() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let (s, v) = env.post(&env.events_path(&cal), from_gmail()).await;
    assert_restricted(s, &v);
    // Gmail itself puts it there.
    let made = env.insert(&cal, from_gmail());
    let id = made["id"].as_str().unwrap();
    assert_eq!(made["eventType"], "fromGmail");
    for allowed in [
        json!({"colorId": "5"}),
        json!({"reminders": {"useDefault": false, "overrides": [{"method": "popup", "minutes": 60}]}}),
        json!({"visibility": "private"}),
        json!({"extendedProperties": {"private": {"k": "v"}}}),
        json!({"status": "tentative"}),
    ] {
        let (s, v) = env.patch(&cal, id, allowed.clone()).await;
        assert_eq!(s, StatusCode::OK, "{allowed}: {v}");
    }
    for refused in [
        json!({"summary": "Renamed"}),
        json!({"location": "TXL"}),
        json!({"start": {"dateTime": "2026-12-12T08:00:00Z"}}),
        json!({"description": null}),
    ] {
        let (s, v) = env.patch(&cal, id, refused.clone()).await;
        assert_restricted(s, &v);
    }
    // A full update that keeps everything but the colour is fine; one that renames is not.
    let (_, current) = env.get(&format!("{}/{id}", env.events_path(&cal))).await;
    let mut full = current.clone();
    full["colorId"] = json!("7");
    let (s, v) = env.put(&cal, id, full.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    full["summary"] = json!("Other");
    let (s, v) = env.put(&cal, id, full).await;
    assert_restricted(s, &v);
}

#[tokio::test]
async fn birthday_creation_rules() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let path = env.events_path(&cal);
    let (s, v) = env.post(&path, birthday()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["birthdayProperties"]["type"], "birthday");
    assert_eq!(v["eventType"], "birthday");
    let mut anniversary = birthday();
    anniversary["birthdayProperties"] = json!({"type": "anniversary"});
    let (s, v) = env.post(&path, anniversary).await;
    assert_restricted(s, &v);
    let mut long = birthday();
    long["end"] = json!({"date": "2026-12-12"});
    let (s, v) = env.post(&path, long).await;
    assert_restricted(s, &v);
    let mut once = birthday();
    once.as_object_mut().unwrap().remove("recurrence");
    let (s, v) = env.post(&path, once).await;
    assert_restricted(s, &v);
    let mut placed = birthday();
    placed["location"] = json!("Pub");
    let (s, v) = env.post(&path, placed).await;
    assert_restricted(s, &v);
    let mut public = birthday();
    public["visibility"] = json!("public");
    let (s, v) = env.post(&path, public).await;
    assert_restricted(s, &v);
    // Birthdays live on any calendar (they are not Workspace-only).
    let (s, v) = env
        .post(&env.events_path(&secondary(&env)), birthday())
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn birthday_updates_touch_only_the_listed_fields() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let (_, made) = env.post(&env.events_path(&cal), birthday()).await;
    let id = made["id"].as_str().unwrap();
    for allowed in [
        json!({"summary": "Ada"}),
        json!({"colorId": "3"}),
        json!({"reminders": {"useDefault": false, "overrides": []}}),
        json!({"start": {"date": "2026-12-11"}, "end": {"date": "2026-12-12"}}),
    ] {
        let (s, v) = env.patch(&cal, id, allowed.clone()).await;
        assert_eq!(s, StatusCode::OK, "{allowed}: {v}");
    }
    for refused in [
        json!({"description": "cake"}),
        json!({"birthdayProperties": {"type": "custom", "customTypeName": "Name day"}}),
        json!({"start": {"date": "2026-12-11"}, "end": {"date": "2026-12-13"}}),
        json!({"visibility": "public"}),
    ] {
        let (s, v) = env.patch(&cal, id, refused.clone()).await;
        assert_restricted(s, &v);
    }
    // A contact's birthday (from Google Contacts) keeps its date and cannot be deleted here.
    let mut linked = birthday();
    linked["birthdayProperties"] = json!({"type": "birthday", "contact": "people/c42"});
    let linked = env.insert(&cal, linked);
    let lid = linked["id"].as_str().unwrap();
    let (s, v) = env
        .patch(
            &cal,
            lid,
            json!({"start": {"date": "2026-12-11"}, "end": {"date": "2026-12-12"}}),
        )
        .await;
    assert_restricted(s, &v);
    let (s, v) = env.patch(&cal, lid, json!({"summary": "Grace"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = env
        .call(
            Method::DELETE,
            &format!("{}/{lid}", env.events_path(&cal)),
            None,
            &[],
        )
        .await;
    assert_restricted(s, &v);
    let (s, _) = env
        .call(
            Method::DELETE,
            &format!("{}/{id}", env.events_path(&cal)),
            None,
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn only_default_events_move() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let other = secondary(&env);
    let (_, bday) = env.post(&env.events_path(&cal), birthday()).await;
    let (_, focus) = env.post(&env.events_path(&cal), focus_time()).await;
    let gmail = env.insert(&cal, from_gmail());
    for id in [&bday["id"], &focus["id"], &json!(gmail["id"])] {
        let path = format!(
            "{}/{}/move?destination={}",
            env.events_path(&cal),
            id.as_str().unwrap(),
            enc(&other)
        );
        let (s, v) = env.call(Method::POST, &path, None, &[]).await;
        assert_restricted(s, &v);
    }
    let (_, plain) = env.post(&env.events_path(&cal), hour_event("plain")).await;
    let path = format!(
        "{}/{}/move?destination={}",
        env.events_path(&cal),
        plain["id"].as_str().unwrap(),
        enc(&other)
    );
    let (s, v) = env.call(Method::POST, &path, None, &[]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// The primary calendar with one event of every type (the birthday yearly).
async fn one_of_each(env: &Env) -> String {
    let cal = env.primary();
    let path = env.events_path(&cal);
    for ev in [
        hour_event("plain"),
        focus_time(),
        out_of_office(),
        working_location(json!({"type": "homeOffice", "homeOffice": {}})),
        birthday(),
    ] {
        let (s, v) = env.post(&path, ev).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    env.insert(&cal, from_gmail());
    cal
}

fn types_of(items: &[Value]) -> Vec<String> {
    let mut t: Vec<String> = items
        .iter()
        .map(|i| i["eventType"].as_str().unwrap_or("?").to_owned())
        .collect();
    t.sort();
    t.dedup();
    t
}

#[tokio::test]
async fn event_types_filters_list_full_expanded_and_incremental() {
    let env = env(empty_world()).await;
    let cal = one_of_each(&env).await;
    let (all, sync, _) = env.list_all(&cal, "").await;
    assert_eq!(all.len(), 6);
    assert_eq!(
        types_of(&all),
        [
            "birthday",
            "default",
            "focusTime",
            "fromGmail",
            "outOfOffice",
            "workingLocation"
        ]
    );
    let (some, _, _) = env
        .list_all(&cal, "eventTypes=focusTime&eventTypes=birthday")
        .await;
    assert_eq!(types_of(&some), ["birthday", "focusTime"]);
    // Expanded: the yearly birthday's instances are birthdays too.
    let (expanded, _, _) = env
        .list_all(
            &cal,
            "eventTypes=birthday&singleEvents=true&orderBy=startTime&timeMin=2026-01-01T00:00:00Z&timeMax=2029-01-01T00:00:00Z",
        )
        .await;
    assert_eq!(expanded.len(), 3, "2026, 2027, 2028");
    assert_eq!(types_of(&expanded), ["birthday"]);
    // Incremental with a filter: only changes of the listed types.
    let (_, typed_sync, _) = env.list_all(&cal, "eventTypes=workingLocation").await;
    env.post(&env.events_path(&cal), hour_event("later")).await;
    env.post(
        &env.events_path(&cal),
        working_location(json!({"type": "customLocation", "customLocation": {"label": "Café"}})),
    )
    .await;
    let (inc, _, _) = env
        .list_all(
            &cal,
            &format!("eventTypes=workingLocation&{}", sync_query(&typed_sync)),
        )
        .await;
    assert_eq!(inc.len(), 1);
    assert_eq!(
        inc[0]["workingLocationProperties"]["customLocation"]["label"],
        "Café"
    );
    let (inc_all, _, _) = env.list_all(&cal, &sync_query(&sync)).await;
    assert_eq!(inc_all.len(), 2);
    let (s, v) = env.list_page(&cal, "eventTypes=meeting").await;
    assert_eq!((s, error_reason(&v)), (StatusCode::BAD_REQUEST, "invalid"));
}

#[tokio::test]
async fn event_types_filters_watch_notifications() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let env = &env;
    let watch = |id: &str, query: &str| {
        let body = json!({"id": id, "type": "web_hook", "address": "http://127.0.0.1:9/hook"});
        let path = format!("{}/watch{query}", env.events_path(&cal));
        async move { env.post(&path, body).await }
    };
    let (s, v) = watch("all", "").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = watch("focus", "?eventTypes=focusTime").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = watch("bad", "?eventTypes=nope").await;
    assert_eq!((s, error_reason(&v)), (StatusCode::BAD_REQUEST, "invalid"));
    let messages = || {
        env.ctl
            .channels()
            .into_iter()
            .map(|c| (c.id, c.next_message))
            .collect::<Vec<_>>()
    };
    // Both have had their `sync` message.
    assert_eq!(messages(), [("all".to_owned(), 2), ("focus".to_owned(), 2)]);
    env.post(&env.events_path(&cal), hour_event("plain")).await;
    assert_eq!(messages(), [("all".to_owned(), 3), ("focus".to_owned(), 2)]);
    env.post(&env.events_path(&cal), focus_time()).await;
    assert_eq!(messages(), [("all".to_owned(), 4), ("focus".to_owned(), 3)]);
}

#[tokio::test]
async fn generated_worlds_hold_each_type_on_the_primary_calendar_only() {
    let world = gcal_emulator::World::generate(gcal_emulator::GenSpec {
        seed: 3,
        accounts: 1,
        calendars_per_account: 2,
        events_per_calendar: 200,
        anchor: chrono::NaiveDate::from_ymd_opt(2026, 11, 25),
        ..gcal_emulator::GenSpec::default()
    });
    for cal in &world.accounts[0].calendars {
        assert_eq!(cal.events.len(), 200, "the count asked for");
    }
    let env = env(world).await;
    let cal = env.primary();
    let (mut all, _, _) = env.list_all(&cal, "maxResults=2500").await;
    // Cancelled instances of live series show only their ids.
    all.retain(|e| e["status"] != "cancelled");
    assert_eq!(
        types_of(&all),
        [
            "birthday",
            "default",
            "focusTime",
            "fromGmail",
            "outOfOffice",
            "workingLocation"
        ]
    );
    let (locations, _, _) = env.list_all(&cal, "eventTypes=workingLocation").await;
    assert_eq!(locations.len(), 2, "a day and a range");
    let other = env.ctl.accounts()[0].calendars[1].clone();
    let (mut items, _, _) = env.list_all(&other, "maxResults=2500").await;
    items.retain(|e| e["status"] != "cancelled");
    assert_eq!(types_of(&items), ["default"]);
}
