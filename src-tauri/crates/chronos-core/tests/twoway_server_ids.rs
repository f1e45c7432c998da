//! A server that assigns its own event ids (the emulator's `ignoreClientIds` write quirk, set
//! over its HTTP control API): the answer's id replaces Chronos's everywhere, later edits and
//! deletes reach the event under the server's id, and an insert whose answer was lost is found
//! by its `chronosId` mark instead of being sent twice.

mod twoway_support;

use chronos_core::model::EventId;
use chronos_core::outbox::EditOptions;
use gcal_emulator::{FaultAction, FaultRule};
use serde_json::{json, Value};
use twoway_support::*;

async fn ignore_client_ids(env: &Env) {
    let r = http()
        .put(format!("{}/write-quirks", env.emu.control_url()))
        .json(&json!({"ignoreClientIds": true}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

/// The live server events titled `title`.
fn on_server(env: &Env, title: &str) -> Vec<Value> {
    let ids = env.emu.control().event_ids(USER).unwrap();
    ids.iter()
        .filter_map(|id| env.server(USER, id))
        .filter(|e| e["summary"] == title)
        .collect()
}

/// The local rows titled `title`.
fn local_rows(env: &Env, title: &str) -> Vec<EventId> {
    let from = chrono::DateTime::from_timestamp(0, 0).unwrap();
    let to = chrono::DateTime::from_timestamp(4_102_444_800, 0).unwrap();
    env.store
        .events_in_range(Some(&env.account), None, from, to)
        .unwrap()
        .into_iter()
        .filter(|e| e.event.summary.as_deref() == Some(title))
        .map(|e| e.event.id.clone())
        .collect()
}

fn lost_insert_answer() -> FaultRule {
    FaultRule {
        action: FaultAction::Truncate,
        ..FaultRule::status("/events", 200, 1)
    }
    .with_method("POST")
}

#[tokio::test]
async fn an_insert_answered_with_another_id_is_renamed_and_later_changes_use_that_id() {
    let env = Env::new(world(2)).await;
    env.pull().await;
    ignore_client_ids(&env).await;
    let ob = env.outbox();
    let created = ob
        .create_event(primary(), new_event("Lunch", 3), EditOptions::default())
        .await
        .unwrap();
    let ours = created.event.id.clone();
    // An edit before the push (folded into the insert) reaches the server too.
    ob.update_event(
        primary(),
        ours.clone(),
        title("Team lunch"),
        EditOptions::default(),
    )
    .await
    .unwrap();

    let report = env.sync().await;
    assert!(report.error.is_none(), "{report:?}");
    let server = on_server(&env, "Team lunch");
    assert_eq!(server.len(), 1, "one event on the server: {server:?}");
    let theirs = EventId::new(server[0]["id"].as_str().unwrap());
    assert_ne!(theirs, ours, "the server chose its own id");
    assert_eq!(
        server[0]["extendedProperties"]["private"]["chronosId"],
        ours.as_str(),
        "the insert carried its mark"
    );
    assert_eq!(
        local_rows(&env, "Team lunch"),
        vec![theirs.clone()],
        "one local row, under the server's id"
    );
    assert!(env.local(&primary(), &ours).is_none());
    assert!(env
        .store
        .list_outbox(Some(&env.account))
        .unwrap()
        .is_empty());

    // An edit and a delete reach the server under its id; nothing is left on either side.
    ob.update_event(
        primary(),
        theirs.clone(),
        title("Team lunch!"),
        EditOptions::default(),
    )
    .await
    .unwrap();
    let report = env.sync().await;
    assert!(report.error.is_none(), "{report:?}");
    assert!(env
        .ops("events.patch")
        .iter()
        .all(|r| r.path.contains(theirs.as_str()) && r.status == 200));
    assert_eq!(on_server(&env, "Team lunch!").len(), 1);
    ob.delete_event(primary(), theirs.clone(), EditOptions::default())
        .await
        .unwrap();
    let report = env.sync().await;
    assert!(report.error.is_none(), "{report:?}");
    assert!(
        env.server(USER, theirs.as_str()).is_none(),
        "deleted on the server"
    );
    assert!(on_server(&env, "Team lunch!").is_empty());
    assert!(local_rows(&env, "Team lunch!").is_empty());
    assert_eq!(env.ops("events.delete").last().map(|r| r.status), Some(204));
    assert!(env
        .store
        .list_outbox(Some(&env.account))
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_retried_insert_whose_answer_was_lost_is_found_by_its_mark_not_sent_again() {
    let env = Env::new(world(1)).await;
    env.pull().await;
    ignore_client_ids(&env).await;
    env.emu.control().add_fault(lost_insert_answer()).unwrap();
    let ob = env.outbox();
    let created = ob
        .create_event(primary(), new_event("Standup", 4), EditOptions::default())
        .await
        .unwrap();
    let report = env.sync().await;
    assert!(report.error.is_none(), "{report:?}");
    assert_eq!(
        env.ops("events.insert").len(),
        1,
        "the insert was not sent again"
    );
    let server = on_server(&env, "Standup");
    assert_eq!(server.len(), 1, "{server:?}");
    let theirs = EventId::new(server[0]["id"].as_str().unwrap());
    assert_eq!(local_rows(&env, "Standup"), vec![theirs]);
    assert!(env.local(&primary(), &created.event.id).is_none());
}

#[tokio::test]
async fn an_insert_lost_in_an_earlier_drain_is_looked_up_before_it_is_sent_again() {
    // The client gives up at once: the entry stays queued with its attempt counted.
    let env = Env::with_retries(world(1), 0).await;
    env.pull().await;
    ignore_client_ids(&env).await;
    env.emu.control().add_fault(lost_insert_answer()).unwrap();
    let ob = env.outbox();
    ob.create_event(primary(), new_event("Review", 5), EditOptions::default())
        .await
        .unwrap();
    let first = ob.drain().await.unwrap();
    assert_eq!(first.remaining, 1, "{first:?}");
    assert_eq!(
        on_server(&env, "Review").len(),
        1,
        "the first insert landed"
    );

    let second = ob.drain().await.unwrap();
    assert_eq!((second.pushed, second.remaining), (1, 0), "{second:?}");
    assert_eq!(env.ops("events.insert").len(), 1, "no second insert");
    let server = on_server(&env, "Review");
    assert_eq!(server.len(), 1, "{server:?}");
    assert_eq!(
        local_rows(&env, "Review"),
        vec![EventId::new(server[0]["id"].as_str().unwrap())]
    );
    let report = env.pull().await;
    assert!(report.error.is_none(), "{report:?}");
    assert_eq!(local_rows(&env, "Review").len(), 1, "a pull keeps one row");
}
