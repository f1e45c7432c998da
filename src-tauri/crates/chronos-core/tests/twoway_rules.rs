//! Two-way sync against the emulator over real HTTP: every edit, push, conflict and offline rule
//! of the merge design, each with its own small world.

mod twoway_support;

use chronos_core::error::ErrorKind;
use chronos_core::model::{Attendee, CalendarId, EventDateTime, EventId, EventResource};
use chronos_core::outbox::{ChangeState, EditOptions, EventChanges, Notify, Outbox, Resolution};
use chronos_core::store::{OutboxId, OutboxState, StoredEvent};
use gcal_emulator::{FaultRule, World};
use serde_json::{json, Value};
use twoway_support::*;

fn id(s: &str) -> EventId {
    EventId::new(s)
}

/// The start of most tests: the world on the emulator, pulled once, and its outbox.
async fn pulled(world: World) -> (Env, Outbox) {
    let env = Env::new(world).await;
    env.pull().await;
    let ob = env.outbox();
    (env, ob)
}

/// A new event on the primary calendar (10:00–11:00 on `day`), queued locally.
async fn create(ob: &Outbox, title: &str, day: u32) -> StoredEvent {
    ob.create_event(primary(), new_event(title, day), EditOptions::default())
        .await
        .unwrap()
}

/// A local edit of a primary-calendar event, queued with the default notification.
async fn edit(ob: &Outbox, event: impl Into<EventId>, changes: EventChanges) -> StoredEvent {
    ob.update_event(primary(), event.into(), changes, EditOptions::default())
        .await
        .unwrap()
}

/// A local delete of a primary-calendar event, queued with the default notification.
async fn delete(ob: &Outbox, event: &str) {
    ob.delete_event(primary(), id(event), EditOptions::default())
        .await
        .unwrap();
}

/// Someone else changes a primary-calendar event on Google.
fn edit_on_server(env: &Env, event: &str, fields: Value) {
    env.emu.control().patch_event(USER, event, fields).unwrap();
}

/// A change of the location alone.
fn location(place: &str) -> EventChanges {
    EventChanges {
        location: Some(Some(place.into())),
        ..Default::default()
    }
}

/// A change of the description alone.
fn description(notes: &str) -> EventChanges {
    EventChanges {
        description: Some(Some(notes.into())),
        ..Default::default()
    }
}

/// A wall-clock time in a named zone.
fn zoned(date_time: &str, zone: &str) -> EventDateTime {
    EventDateTime {
        date_time: Some(date_time.into()),
        time_zone: Some(zone.into()),
        ..Default::default()
    }
}

/// Both sides change evt00000's title, "Mine" here and "Theirs" on Google, and one more field
/// each: `mine` is queued locally, `theirs` patched on the server.
async fn change_title_on_both_sides(env: &Env, ob: &Outbox, mine: EventChanges, theirs: Value) {
    let mine = EventChanges {
        summary: Some("Mine".into()),
        ..mine
    };
    edit(ob, "evt00000", mine).await;
    let mut theirs = theirs;
    theirs["summary"] = json!("Theirs");
    edit_on_server(env, "evt00000", theirs);
}

/// Attendee `index` of a primary-calendar event answers on Google (an RSVP-only change).
fn answer_on_server(env: &Env, event: &str, index: usize, response: &str) {
    let mut s = Value::Object(env.emu.control().get_event(USER, event).unwrap());
    s["attendees"][index]["responseStatus"] = json!(response);
    edit_on_server(env, event, json!({"attendees": s["attendees"]}));
}

/// The local copy of a primary-calendar event, which must exist.
fn local_event(env: &Env, event: &str) -> EventResource {
    env.local(&primary(), &id(event)).unwrap()
}

/// Whether the stored primary-calendar event is marked as waiting for a push.
fn is_pending(env: &Env, event: &EventId) -> bool {
    env.store
        .get_event(&env.account, &primary(), event)
        .unwrap()
        .unwrap()
        .pending
}

/// The server's title next to one other text field of an event.
fn summary_and<'a>(s: &'a Value, field: &str) -> (Option<&'a str>, Option<&'a str>) {
    (s["summary"].as_str(), s[field].as_str())
}

/// The id of the first change in the outbox's list.
async fn first_change_id(ob: &Outbox) -> OutboxId {
    ob.list_pending_changes().await.unwrap()[0]
        .change_id
        .unwrap()
}

// ---------- edits ----------

#[tokio::test]
async fn create_is_local_at_once_pending_and_then_inserted_with_a_base32hex_id() {
    let (env, ob) = pulled(world(2)).await;
    let created = create(&ob, "Lunch", 3).await;
    assert!(created.pending, "shown at once, marked pending");
    let eid = created.event.id.clone();
    assert!((5..=1024).contains(&eid.as_str().len()));
    assert!(
        eid.as_str()
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'v').contains(&c)),
        "{eid}"
    );
    assert_eq!(ob.pending_count().await.unwrap(), 1);
    assert!(
        env.server(USER, eid.as_str()).is_none(),
        "nothing sent before the drain"
    );

    let r = ob.drain().await.unwrap();
    assert_eq!((r.pushed, r.remaining), (1, 0));
    let s = env
        .server(USER, eid.as_str())
        .expect("on the server under the client's id");
    assert_eq!(s["summary"], "Lunch");
    let local = env
        .store
        .get_event(&env.account, &primary(), &eid)
        .unwrap()
        .unwrap();
    assert!(!local.pending);
    assert_eq!(
        local.event.etag.as_ref().unwrap().as_str(),
        s["etag"].as_str().unwrap(),
        "local row is the server's answer"
    );
    assert_eq!(ob.pending_count().await.unwrap(), 0);
}

#[tokio::test]
async fn edits_of_every_field_reach_the_server_and_unknown_fields_survive() {
    let (env, ob) = pulled(world(1)).await;
    let e = "evt00000";
    let changes = EventChanges {
        summary: Some("Renamed".into()),
        description: Some(None),
        location: Some(Some("Room 9".into())),
        start: Some(EventDateTime {
            date: Some("2026-12-05".into()),
            ..Default::default()
        }),
        end: Some(EventDateTime {
            date: Some("2026-12-06".into()),
            ..Default::default()
        }),
        attendees: Some(vec![
            Attendee {
                email: Some(USER.into()),
                response_status: Some("accepted".into()),
                ..Default::default()
            },
            Attendee {
                email: Some("new@example.org".into()),
                ..Default::default()
            },
        ]),
        reminders: Some(
            json!({"useDefault": false, "overrides": [{"method": "popup", "minutes": 15}]}),
        ),
        color_id: Some(Some("5".into())),
        add_meet: false,
    };
    let local = edit(&ob, e, changes).await;
    assert!(local.pending);
    assert_eq!(local.event.summary.as_deref(), Some("Renamed"));
    ob.drain().await.unwrap();
    let s = env.server(USER, "evt00000").unwrap();
    assert_eq!(s["summary"], "Renamed");
    assert!(s.get("description").is_none(), "cleared");
    assert_eq!(s["location"], "Room 9");
    assert_eq!(s["start"], json!({"date": "2026-12-05"}), "now all-day");
    assert_eq!(s["colorId"], "5");
    assert_eq!(s["reminders"]["overrides"][0]["minutes"], 15);
    assert_eq!(s["attendees"][1]["email"], "new@example.org");
    assert_eq!(
        s["extendedProperties"]["private"]["keep"], "me",
        "fields Chronos does not edit are untouched"
    );
    // One patch, conditional (a stale etag would have been a 412), sendUpdates=all for the organiser.
    let patches = env.ops("events.patch");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].status, 200);
    assert!(
        patches[0].query.contains("sendUpdates=all"),
        "{}",
        patches[0].query
    );
}

#[tokio::test]
async fn several_edits_to_one_event_coalesce_into_one_patch() {
    let (env, ob) = pulled(world(1)).await;
    for t in ["one", "two", "three"] {
        ob.update_event(
            primary(),
            id("evt00000"),
            title(t),
            EditOptions {
                notify: Some(Notify::None),
            },
        )
        .await
        .unwrap();
    }
    assert_eq!(ob.pending_count().await.unwrap(), 1, "one entry");
    ob.drain().await.unwrap();
    assert_eq!(env.ops("events.patch").len(), 1);
    assert!(env.ops("events.patch")[0]
        .query
        .contains("sendUpdates=none"));
    assert_eq!(env.server(USER, "evt00000").unwrap()["summary"], "three");
}

#[tokio::test]
async fn create_then_edit_then_delete_before_any_push_sends_nothing() {
    let (env, ob) = pulled(world(0)).await;
    let c = create(&ob, "Draft", 2).await;
    edit(&ob, c.event.id.clone(), title("Draft 2")).await;
    assert_eq!(
        ob.pending_count().await.unwrap(),
        1,
        "the edit folded into the insert"
    );
    ob.delete_event(primary(), c.event.id.clone(), EditOptions::default())
        .await
        .unwrap();
    assert_eq!(ob.pending_count().await.unwrap(), 0);
    ob.drain().await.unwrap();
    assert!(
        env.emu
            .control()
            .requests()
            .iter()
            .all(|r| r.method == "GET"),
        "no write reached the server"
    );
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let (env, ob) = pulled(world(1)).await;
    let before = local_event(&env, "evt00000");
    let (s, e) = timed(3, 11, 10);
    let cases = vec![
        EventChanges {
            start: Some(s),
            end: Some(e),
            ..Default::default()
        },
        EventChanges {
            start: Some(zoned("2026-12-03T10:00:00", "Mars/Olympus")),
            ..Default::default()
        },
        title("   "),
        EventChanges {
            start: Some(EventDateTime {
                date: Some("2026-12-03".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    ];
    for c in cases {
        let err = ob
            .update_event(primary(), id("evt00000"), c, EditOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
    // A repeating event's start needs a zone (Google refuses it otherwise).
    let series = env
        .emu
        .control()
        .insert_event(
            USER,
            json!({"id": "series0001", "summary": "Weekly",
        "start": {"dateTime": "2026-12-01T09:00:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-01T10:00:00", "timeZone": "Europe/Berlin"},
        "recurrence": ["RRULE:FREQ=WEEKLY"]}),
        )
        .unwrap();
    assert_eq!(series["id"], "series0001");
    env.pull().await;
    let (s, e) = timed(1, 8, 9);
    let err = ob
        .update_event(
            primary(),
            id("series0001"),
            EventChanges {
                start: Some(s),
                end: Some(e),
                ..Default::default()
            },
            EditOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    let mut empty = new_event("", 3);
    empty.summary = None;
    assert_eq!(
        ob.create_event(primary(), empty, EditOptions::default())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    // Named zones work.
    let ok = EventChanges {
        start: Some(zoned("2026-12-03T10:00:00", "Europe/Paris")),
        end: Some(zoned("2026-12-03T11:00:00", "Europe/Paris")),
        ..Default::default()
    };
    assert_eq!(ob.pending_count().await.unwrap(), 0);
    assert_eq!(local_event(&env, "evt00000"), before);
    edit(&ob, "evt00000", ok).await;
    assert_eq!(ob.pending_count().await.unwrap(), 1);
}

#[tokio::test]
async fn read_only_calendars_refuse_edits_before_anything_is_queued() {
    let (env, ob) = pulled(world(0)).await;
    for cal in [HOLIDAYS, BUSY] {
        let err = ob
            .create_event(
                CalendarId::new(cal),
                new_event("x", 2),
                EditOptions::default(),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
        assert!(err.to_string().contains("read-only"), "{err}");
    }
    let err = ob
        .update_event(
            CalendarId::new(HOLIDAYS),
            id("hol00001"),
            title("mine"),
            EditOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let err = ob
        .delete_event(
            CalendarId::new(HOLIDAYS),
            id("hol00001"),
            EditOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(ob.pending_count().await.unwrap(), 0);
    assert_eq!(
        env.local(&CalendarId::new(HOLIDAYS), &id("hol00001"))
            .unwrap()
            .summary
            .as_deref(),
        Some("Meeting hol00001")
    );
}

#[tokio::test]
async fn delete_uses_if_match_and_a_410_counts_as_done() {
    let (env, ob) = pulled(world(2)).await;
    delete(&ob, "evt00000").await;
    assert!(
        env.local(&primary(), &id("evt00000")).is_none(),
        "gone locally at once"
    );
    ob.drain().await.unwrap();
    assert!(env.server(USER, "evt00000").is_none());
    // Deleted elsewhere first: our delete meets 410 (etag matches the cancelled version? no:
    // 412 → fetched → cancelled → done) and is done either way.
    env.emu.control().delete_event(USER, "evt00001").unwrap();
    delete(&ob, "evt00001").await;
    let r = ob.drain().await.unwrap();
    assert_eq!((r.remaining, r.conflicts_recorded), (0, 0));
    assert!(env.store.list_conflicts(None).unwrap().is_empty());
    // A real 410 `deleted` answer (Google's answer to deleting a deleted event) is done too.
    let (env, ob) = pulled(world(1)).await;
    delete(&ob, "evt00000").await;
    env.emu
        .control()
        .add_fault(
            FaultRule::status("/events/evt00000", 410, 1)
                .with_reason("deleted")
                .with_method("DELETE"),
        )
        .unwrap();
    let r = ob.drain().await.unwrap();
    assert_eq!((r.pushed, r.remaining, r.failed), (1, 0, 0));
    assert_eq!(env.ops("events.delete").last().unwrap().status, 410);
}

#[tokio::test]
async fn move_goes_through_events_move_and_the_local_copy_changes_identity() {
    let (env, ob) = pulled(world(1)).await;
    let moved = ob
        .move_event(primary(), id("evt00000"), team(), EditOptions::default())
        .await
        .unwrap();
    assert!(moved.pending);
    assert_eq!(moved.calendar, team());
    assert!(env.local(&primary(), &id("evt00000")).is_none());
    // Sealed under the new identity: the row decrypts straight from disk under (account, team, id).
    assert_eq!(
        env.store
            .read_event_row(&env.account, &team(), &id("evt00000"))
            .unwrap()
            .unwrap()
            .summary
            .as_deref(),
        Some("Meeting evt00000")
    );
    // and an edit right after the move queues behind it.
    ob.update_event(
        team(),
        id("evt00000"),
        title("Moved and renamed"),
        EditOptions::default(),
    )
    .await
    .unwrap();
    ob.drain().await.unwrap();
    assert_eq!(env.ops("events.move").len(), 1);
    assert!(env.server(USER, "evt00000").is_none());
    assert_eq!(
        env.server(TEAM, "evt00000").unwrap()["summary"],
        "Moved and renamed"
    );
    env.pull().await;
    assert!(env.local(&primary(), &id("evt00000")).is_none());
    assert_eq!(
        env.local(&team(), &id("evt00000"))
            .unwrap()
            .summary
            .as_deref(),
        Some("Moved and renamed")
    );
}

#[tokio::test]
async fn rsvp_is_a_patch_of_the_own_response_status() {
    let mut w = world(0);
    let mut ev = server_event("inv00001", 4, 9);
    ev["attendees"] = json!([
        {"email": "boss@example.org", "organizer": true, "responseStatus": "accepted"},
        {"email": USER, "self": true, "responseStatus": "needsAction"}
    ]);
    ev["organizer"] = json!({"email": "boss@example.org"});
    w.accounts[0].calendars[0].events.push(ev);
    let (env, ob) = pulled(w).await;
    ob.respond(
        primary(),
        id("inv00001"),
        "accepted".into(),
        EditOptions::default(),
    )
    .await
    .unwrap();
    ob.drain().await.unwrap();
    let s = env.server(USER, "inv00001").unwrap();
    assert_eq!(s["attendees"][1]["responseStatus"], "accepted");
    assert_eq!(s["attendees"][0]["responseStatus"], "accepted");
    let p = &env.ops("events.patch")[0];
    assert!(
        p.query.contains("sendUpdates=none"),
        "an attendee's answer does not mail everyone: {}",
        p.query
    );
    let err = ob
        .respond(
            primary(),
            id("inv00001"),
            "maybe".into(),
            EditOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

// ---------- push rules ----------

#[tokio::test]
async fn a_retried_insert_whose_answer_was_lost_is_found_and_done() {
    // The first insert lands but its answer is cut off; the client gives up (no retries) and
    // the next drain finds the event by its chronosId mark before sending it again.
    let env = Env::with_retries(world(0), 0).await;
    env.pull().await;
    let ob = env.outbox();
    let c = create(&ob, "Once", 2).await;
    env.emu
        .control()
        .add_fault(
            FaultRule {
                action: gcal_emulator::FaultAction::Truncate,
                ..FaultRule::status("/events", 200, 1)
            }
            .with_method("POST"),
        )
        .unwrap();
    let r1 = ob.drain().await.unwrap();
    assert_eq!(r1.stopped.as_deref(), Some("offline"), "{r1:?}");
    assert!(
        env.server(USER, c.event.id.as_str()).is_some(),
        "the first insert had landed"
    );
    let changes = ob.list_pending_changes().await.unwrap();
    assert_eq!(changes[0].state, ChangeState::Pending);
    assert!(changes[0].last_error.is_some(), "the error is kept");
    let r2 = ob.drain().await.unwrap();
    assert_eq!((r2.pushed, r2.remaining), (1, 0));
    assert_eq!(env.ops("events.insert").len(), 1, "not sent again");
    assert_eq!(
        env.emu
            .control()
            .event_ids(USER)
            .unwrap()
            .iter()
            .filter(|i| *i == c.event.id.as_str())
            .count(),
        1,
        "no duplicate"
    );
    assert!(!is_pending(&env, &c.event.id));
}

#[tokio::test]
async fn a_refused_change_fails_with_its_error_blocks_its_event_only_and_can_be_retried_or_discarded(
) {
    let (env, ob) = pulled(world(2)).await;
    edit(&ob, "evt00000", title("A")).await;
    edit(&ob, "evt00001", title("B")).await;
    env.emu
        .control()
        .add_fault(
            FaultRule::status("/events/evt00000", 403, 1).with_reason("forbiddenForNonOrganizer"),
        )
        .unwrap();
    let r = ob.drain().await.unwrap();
    assert_eq!((r.failed, r.pushed, r.remaining), (1, 1, 1));
    let list = ob.list_pending_changes().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, ChangeState::Failed);
    let error = list[0].last_error.as_ref().unwrap();
    assert!(error.message.len() > 3, "{error:?}");
    assert_ne!(error.kind, chronos_core::ErrorKind::Internal, "{error:?}");
    assert_eq!(
        env.server(USER, "evt00001").unwrap()["summary"],
        "B",
        "the other event went on"
    );
    // Still failed on the next drain (not retried on its own).
    ob.drain().await.unwrap();
    assert_eq!(
        ob.list_pending_changes().await.unwrap()[0].state,
        ChangeState::Failed
    );
    ob.retry(list[0].change_id.unwrap()).await.unwrap();
    ob.drain().await.unwrap();
    assert_eq!(env.server(USER, "evt00000").unwrap()["summary"], "A");
    // Discard: the local copy returns to the version the change was made on.
    edit(&ob, "evt00001", title("B2")).await;
    ob.discard(first_change_id(&ob).await).await.unwrap();
    assert_eq!(local_event(&env, "evt00001").summary.as_deref(), Some("B"));
    assert_eq!(ob.pending_count().await.unwrap(), 0);
}

#[tokio::test]
async fn edits_made_while_a_push_is_in_flight_queue_behind_it_and_are_rebased() {
    let (env, ob) = pulled(world(1)).await;
    // Each request takes 2 s: the push is seen in flight (polled, not guessed with a sleep) and
    // the second edit lands well before its answer, however slow the machine.
    env.emu
        .control()
        .set_latency(std::time::Duration::from_secs(2));
    edit(&ob, "evt00000", title("first")).await;
    let ob2 = ob.clone();
    let drain = tokio::spawn(async move { ob2.drain().await });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let list = loop {
        let list = ob.list_pending_changes().await.unwrap();
        if list[0].state == ChangeState::Pushing || std::time::Instant::now() > deadline {
            break list;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert_eq!(list[0].state, ChangeState::Pushing);
    edit(&ob, "evt00000", location("Hall")).await;
    assert_eq!(
        ob.pending_count().await.unwrap(),
        2,
        "not folded into the entry being sent"
    );
    drain.await.unwrap().unwrap();
    env.emu.control().set_latency(std::time::Duration::ZERO);
    ob.drain().await.unwrap();
    let s = env.server(USER, "evt00000").unwrap();
    assert_eq!(summary_and(&s, "location"), (Some("first"), Some("Hall")));
    assert!(env.store.list_conflicts(None).unwrap().is_empty());
    assert_eq!(
        local_event(&env, "evt00000").etag.unwrap().as_str(),
        s["etag"].as_str().unwrap()
    );
}

// ---------- conflicts ----------

#[tokio::test]
async fn a_412_with_one_sided_changes_merges_cleanly() {
    let (env, ob) = pulled(world(1)).await;
    edit(&ob, "evt00000", title("Mine")).await;
    edit_on_server(&env, "evt00000", json!({"location": "Theirs"}));
    let r = ob.drain().await.unwrap();
    assert_eq!((r.merged, r.conflicts_recorded, r.remaining), (1, 0, 0));
    assert!(
        env.ops("events.patch").iter().any(|p| p.status == 412),
        "the stale etag was refused"
    );
    let s = env.server(USER, "evt00000").unwrap();
    assert_eq!(summary_and(&s, "location"), (Some("Mine"), Some("Theirs")));
    assert_eq!(
        local_event(&env, "evt00000").location.as_deref(),
        Some("Theirs")
    );
}

#[tokio::test]
async fn both_sides_changed_server_wins_and_the_local_value_can_be_reapplied() {
    let (env, ob) = pulled(world(1)).await;
    change_title_on_both_sides(
        &env,
        &ob,
        description("my notes"),
        json!({"description": "their notes"}),
    )
    .await;
    let r = ob.drain().await.unwrap();
    assert_eq!(r.conflicts_recorded, 1);
    assert_eq!(
        env.server(USER, "evt00000").unwrap()["summary"],
        "Theirs",
        "server wins"
    );
    let list = ob.list_pending_changes().await.unwrap();
    let c = list
        .iter()
        .find(|c| c.state == ChangeState::Conflict)
        .expect("a visible conflict");
    assert_eq!(c.what.as_str(), "both_changed");
    assert_eq!(
        c.fields,
        vec!["summary".to_string(), "description".to_string()]
    );
    let rec = &env.store.list_conflicts(None).unwrap()[0];
    assert_eq!(
        rec.value.local.as_ref().unwrap().summary.as_deref(),
        Some("Mine"),
        "the user's words are kept"
    );
    // Re-apply one field: the title goes out, the record keeps the description.
    ob.resolve_conflict(
        c.conflict_id.unwrap(),
        Resolution::ReapplyField("summary".into()),
    )
    .await
    .unwrap();
    ob.drain().await.unwrap();
    let s = env.server(USER, "evt00000").unwrap();
    assert_eq!(
        summary_and(&s, "description"),
        (Some("Mine"), Some("their notes"))
    );
    let left = env.store.list_conflicts(None).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].value.fields, vec!["description".to_string()]);
    ob.resolve_conflict(left[0].id, Resolution::KeepTheirs)
        .await
        .unwrap();
    assert!(env.store.list_conflicts(None).unwrap().is_empty());
}

#[tokio::test]
async fn a_server_rsvp_never_undoes_a_local_attendee_edit() {
    let (env, ob) = pulled(world(1)).await;
    let mut list = env
        .local(&primary(), &id("evt00000"))
        .unwrap()
        .attendees
        .unwrap();
    list.push(Attendee {
        email: Some("added@example.org".into()),
        ..Default::default()
    });
    edit(
        &ob,
        "evt00000",
        EventChanges {
            attendees: Some(list),
            ..Default::default()
        },
    )
    .await;
    answer_on_server(&env, "evt00000", 1, "accepted");
    let r = ob.drain().await.unwrap();
    assert_eq!(r.conflicts_recorded, 0);
    let s = env.server(USER, "evt00000").unwrap();
    let a = s["attendees"].as_array().unwrap();
    assert_eq!(a.len(), 4);
    assert_eq!(a[1]["responseStatus"], "accepted");
    assert_eq!(a[3]["email"], "added@example.org");
}

#[tokio::test]
async fn deleted_on_server_while_edited_locally_is_kept_and_restorable_as_a_new_event() {
    let (env, ob) = pulled(world(1)).await;
    edit(&ob, "evt00000", title("My careful words")).await;
    env.emu.control().delete_event(USER, "evt00000").unwrap();
    let r = ob.drain().await.unwrap();
    assert_eq!((r.conflicts_recorded, r.remaining), (1, 0));
    assert!(env.local(&primary(), &id("evt00000")).is_none());
    let c = env.store.list_conflicts(None).unwrap().remove(0);
    assert_eq!(c.kind.as_str(), "deleted_on_server");
    assert_eq!(
        c.value.local.as_ref().unwrap().summary.as_deref(),
        Some("My careful words")
    );
    ob.resolve_conflict(c.id, Resolution::KeepMine)
        .await
        .unwrap();
    ob.drain().await.unwrap();
    let ids = env.emu.control().event_ids(USER).unwrap();
    let restored: Vec<_> = ids
        .iter()
        .filter_map(|i| env.server(USER, i))
        .filter(|e| e["summary"] == "My careful words")
        .collect();
    assert_eq!(restored.len(), 1, "restored once, as a new event");
    assert_ne!(restored[0]["id"], "evt00000");
    assert!(env.store.list_conflicts(None).unwrap().is_empty());
}

#[tokio::test]
async fn a_404_on_an_edit_is_a_deleted_on_server_conflict() {
    let (env, ob) = pulled(world(1)).await;
    edit(&ob, "evt00000", title("x")).await;
    env.emu
        .control()
        .add_fault(FaultRule::status("/events/evt00000", 404, 1).with_method("PATCH"))
        .unwrap();
    let r = ob.drain().await.unwrap();
    assert_eq!(r.conflicts_recorded, 1);
    assert_eq!(
        env.store.list_conflicts(None).unwrap()[0].kind.as_str(),
        "deleted_on_server"
    );
}

#[tokio::test]
async fn edited_on_server_while_deleted_locally_keeps_content_changes_but_deletes_over_an_rsvp() {
    let (env, ob) = pulled(world(2)).await;
    // Content change on the server: the event is kept, a conflict lets the user delete anyway.
    delete(&ob, "evt00000").await;
    edit_on_server(&env, "evt00000", json!({"description": "new minutes"}));
    // RSVP-only change on the server: the delete goes through.
    delete(&ob, "evt00001").await;
    answer_on_server(&env, "evt00001", 2, "declined");
    let r = ob.drain().await.unwrap();
    assert_eq!(r.remaining, 0);
    assert!(
        env.server(USER, "evt00001").is_none(),
        "deleted over an RSVP"
    );
    assert_eq!(
        env.server(USER, "evt00000").unwrap()["description"],
        "new minutes",
        "kept"
    );
    assert_eq!(
        local_event(&env, "evt00000").description.as_deref(),
        Some("new minutes"),
        "back in the local copy"
    );
    let c = env.store.list_conflicts(None).unwrap().remove(0);
    assert_eq!(c.kind.as_str(), "server_edited_deleted_locally");
    assert_eq!(c.value.fields, vec!["description".to_string()]);
    ob.resolve_conflict(c.id, Resolution::KeepMine)
        .await
        .unwrap();
    ob.drain().await.unwrap();
    assert!(
        env.server(USER, "evt00000").is_none(),
        "deleted after all, by the user's choice"
    );
}

#[tokio::test]
async fn a_pull_that_brings_a_change_to_a_pending_event_merges_by_the_same_rules() {
    let (env, ob) = pulled(world(2)).await;
    edit(&ob, "evt00000", title("Mine")).await;
    edit(&ob, "evt00001", description("my notes")).await;
    edit_on_server(
        &env,
        "evt00000",
        json!({"summary": "Theirs", "location": "B"}),
    );
    edit_on_server(&env, "evt00001", json!({"location": "C"}));
    // The push before the pull fails (Google unreachable for writes), so the pull meets the
    // server changes while the local edits are still queued: the engine hands them to the merge.
    env.emu
        .control()
        .add_fault(FaultRule::status("/events/", 503, 8).with_method("PATCH"))
        .unwrap();
    let report = env.pull().await;
    assert!(report.calendars.iter().all(|c| c.error.is_none()));
    assert!(
        env.ops("events.patch").iter().all(|p| p.status == 503),
        "nothing got through before the pull"
    );
    let e0 = local_event(&env, "evt00000");
    assert_eq!(
        (e0.summary.as_deref(), e0.location.as_deref()),
        (Some("Theirs"), Some("B")),
        "server wins the title"
    );
    let c = env.store.list_conflicts(None).unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].value.local.as_ref().unwrap().summary.as_deref(),
        Some("Mine"),
        "the user's title is kept"
    );
    let e1 = local_event(&env, "evt00001");
    assert_eq!(
        (e1.description.as_deref(), e1.location.as_deref()),
        (Some("my notes"), Some("C")),
        "one-sided changes merge"
    );
    // evt00000 had nothing left to send; evt00001 goes out on the server's new etag: no 412.
    assert_eq!(ob.pending_count().await.unwrap(), 1);
    env.emu.control().clear_faults();
    env.emu.control().reset_requests();
    let r = ob.drain().await.unwrap();
    assert_eq!((r.pushed, r.remaining), (1, 0));
    assert!(env.ops("events.patch").iter().all(|p| p.status == 200));
    let s1 = env.server(USER, "evt00001").unwrap();
    assert_eq!(
        (s1["description"].as_str(), s1["location"].as_str()),
        (Some("my notes"), Some("C"))
    );
}

#[tokio::test]
async fn the_sync_run_drains_the_outbox_before_it_pulls() {
    let (env, ob) = pulled(world(1)).await;
    edit(&ob, "evt00000", title("Before pull")).await;
    env.emu.control().reset_requests();
    env.pull().await;
    let ops = operations(&env.emu);
    let patch = ops
        .iter()
        .position(|o| o == "events.patch")
        .expect("pushed by the run");
    let list = ops.iter().position(|o| o == "events.list").expect("pulled");
    assert!(patch < list, "{ops:?}");
    assert_eq!(ob.pending_count().await.unwrap(), 0);
}

// ---------- offline and restarts ----------

#[tokio::test]
async fn offline_edits_queue_survive_a_restart_and_go_out_in_order() {
    let mut env = Env::new(world(3)).await;
    env.pull().await;
    {
        let off = env.offline_outbox();
        let c = create(&off, "Offline new", 9).await;
        edit(&off, "evt00000", title("Offline edit")).await;
        delete(&off, "evt00001").await;
        off.move_event(primary(), id("evt00002"), team(), EditOptions::default())
            .await
            .unwrap();
        edit(&off, c.event.id.clone(), title("Offline new, renamed")).await;
        let r = off.drain().await.unwrap();
        assert_eq!(r.stopped.as_deref(), Some("offline"));
        assert_eq!(r.remaining, 4);
        assert_eq!(
            off.pending_count().await.unwrap(),
            4,
            "the status shows 4 pending changes"
        );
        let l = off.list_pending_changes().await.unwrap();
        assert!(l.iter().all(|c| c.state == ChangeState::Pending));
        assert!(l[0].last_error.is_some());
    }
    env.restart();
    let ob = env.outbox();
    assert_eq!(
        ob.pending_count().await.unwrap(),
        4,
        "queued changes survived the restart"
    );
    assert!(is_pending(&env, &id("evt00000")));
    let r = ob.drain().await.unwrap();
    assert_eq!((r.pushed, r.remaining), (4, 0));
    let writes: Vec<String> = env
        .emu
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.operation.starts_with("events."))
        .map(|r| r.operation)
        .collect();
    assert_eq!(
        writes,
        vec![
            "events.insert",
            "events.patch",
            "events.delete",
            "events.move"
        ],
        "in order"
    );
    assert_eq!(
        env.server(USER, "evt00000").unwrap()["summary"],
        "Offline edit"
    );
    assert!(env.server(USER, "evt00001").is_none());
    assert!(env.server(TEAM, "evt00002").is_some());
    env.pull().await;
    assert_eq!(ob.pending_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_crash_while_pushing_is_resent_safely() {
    let (mut env, ob) = pulled(world(1)).await;
    let c = create(&ob, "Crash", 3).await;
    // Simulate: the insert reached Google, then the app died before it recorded the answer.
    env.client
        .insert_event(
            &primary(),
            &env.local(&primary(), &c.event.id).unwrap(),
            Default::default(),
        )
        .await
        .unwrap();
    let entry = env.store.list_outbox(None).unwrap()[0].id;
    env.store
        .set_outbox_state(entry, OutboxState::Pushing, None, true)
        .unwrap();
    drop(ob);
    env.restart();
    let r = env.outbox().drain().await.unwrap();
    assert_eq!((r.pushed, r.remaining), (1, 0));
    assert_eq!(
        env.ops("events.insert").len(),
        1,
        "found by its mark, not sent again"
    );
    assert_eq!(
        env.emu.control().event_ids(USER).unwrap().len(),
        2,
        "no duplicate"
    );
}

#[tokio::test]
async fn an_edit_is_pushed_at_once_when_google_is_reachable() {
    let (env, mut ob) = pulled(world(1)).await;
    ob.push_on_edit = true;
    edit(&ob, "evt00000", title("Now")).await;
    for _ in 0..100 {
        if env.server(USER, "evt00000").unwrap()["summary"] == "Now"
            && ob.pending_count().await.unwrap() == 0
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the edit was not pushed by itself");
}

#[tokio::test]
async fn a_restart_with_a_full_outbox_sends_everything_once_in_order() {
    let mut env = Env::new(world(0)).await;
    env.pull().await;
    let mut ids = Vec::new();
    {
        let off = env.offline_outbox();
        for i in 0..100u32 {
            let c = create(&off, &format!("Queued {i:03}"), 1 + i % 28).await;
            ids.push(c.event.id.clone());
        }
        // One failed attempt (offline) on the first entry; it may have landed, so later edits of
        // that event queue behind it instead of folding in.
        off.drain().await.unwrap();
        for (i, eid) in ids.iter().enumerate() {
            edit(&off, eid.clone(), title(&format!("Queued {i:03} (edited)"))).await;
        }
        assert_eq!(off.pending_count().await.unwrap(), 101);
    }
    env.restart();
    let ob = env.outbox();
    assert_eq!(ob.pending_count().await.unwrap(), 101);
    let r = ob.drain().await.unwrap();
    assert_eq!((r.pushed, r.remaining, r.failed), (101, 0, 0));
    assert_eq!(
        env.ops("events.insert").len(),
        100,
        "each event inserted once"
    );
    assert_eq!(
        env.ops("events.patch").len(),
        1,
        "edits folded into their inserts, except behind the attempted one"
    );
    // In queue order: the server stamped them in the order they were created here.
    let created: Vec<String> = ids
        .iter()
        .map(|e| {
            env.server(USER, e.as_str()).unwrap()["created"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created, sorted, "inserted in queue order");
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        100,
        "creation stamps are distinct, so the order check means something"
    );
    let server = env.emu.control().event_ids(USER).unwrap();
    assert_eq!(server.len(), 100);
    for (i, eid) in ids.iter().enumerate() {
        assert_eq!(
            env.server(USER, eid.as_str()).unwrap()["summary"],
            format!("Queued {i:03} (edited)")
        );
    }
}

#[tokio::test]
async fn discarding_a_move_puts_the_event_back_and_keep_mine_reapplies_every_field() {
    let (env, ob) = pulled(world(1)).await;
    ob.move_event(primary(), id("evt00000"), team(), EditOptions::default())
        .await
        .unwrap();
    ob.discard(first_change_id(&ob).await).await.unwrap();
    assert!(env.local(&team(), &id("evt00000")).is_none());
    assert_eq!(
        local_event(&env, "evt00000").summary.as_deref(),
        Some("Meeting evt00000")
    );
    assert!(!is_pending(&env, &id("evt00000")));
    ob.drain().await.unwrap();
    assert!(env.ops("events.move").is_empty());

    change_title_on_both_sides(
        &env,
        &ob,
        location("My room"),
        json!({"location": "Their room"}),
    )
    .await;
    ob.drain().await.unwrap();
    let c = env.store.list_conflicts(None).unwrap().remove(0);
    assert_eq!(
        c.value.fields,
        vec!["summary".to_string(), "location".to_string()]
    );
    ob.resolve_conflict(c.id, Resolution::KeepMine)
        .await
        .unwrap();
    ob.drain().await.unwrap();
    let s = env.server(USER, "evt00000").unwrap();
    assert_eq!(summary_and(&s, "location"), (Some("Mine"), Some("My room")));
    assert!(env.store.list_conflicts(None).unwrap().is_empty());
    assert_eq!(ob.pending_count().await.unwrap(), 0);
}
