//! The randomized model test of two-way sync (proptest, state-machine style): a random sequence
//! of local edits, edits and deletes by another client (the emulator's control API), drains,
//! pulls, injected faults (5xx, 429, dropped connections, answers cut off after the write
//! landed → 409 on the retried insert, spurious 412s, whole drains offline) and restarts of the
//! store/engine. After the faults stop and the outbox drains:
//! - local equals server (every event, byte for byte as JSON, etags included);
//! - no duplicates (each local create exists at most once on the server);
//! - every local edit is on the server or in a visible conflict record (or was replaced by a
//!   later edit of the same field, or its event was deleted by the user).
//!
//! `TWOWAY_CASES` sets the number of cases (default 1000). The closing lines print the cases run
//! and the faults injected by kind.

mod twoway_support;

use chronos_core::model::{CalendarId, EventResource};
use chronos_core::outbox::{EditOptions, EventChanges, Notify};
use chronos_core::store::{CalendarRef, StoredConflict};
use gcal_emulator::{FaultAction, FaultRule};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use twoway_support::*;

#[derive(Clone, Debug)]
enum Field {
    Summary,
    Description,
    Location,
    Time,
}

#[derive(Clone, Debug)]
enum FaultKind {
    Status(u16),
    Drop,
    /// The write is applied, its answer cut off (→ 409 on a retried insert).
    TruncateInsert,
    /// A 412 on the next patch/delete even though the etag is current.
    Spurious412,
}

#[derive(Clone, Debug)]
enum Op {
    Create { day: u32 },
    Edit { slot: usize, field: Field },
    Delete { slot: usize },
    Move { slot: usize },
    RemoteEdit { slot: usize, field: Field },
    RemoteDelete { slot: usize },
    Drain,
    DrainOffline,
    Pull,
    Fault { kind: FaultKind, times: u32 },
    Restart,
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![
        Just(Field::Summary),
        Just(Field::Description),
        Just(Field::Location),
        Just(Field::Time)
    ]
}

fn fault() -> impl Strategy<Value = FaultKind> {
    prop_oneof![
        Just(FaultKind::Status(503)),
        Just(FaultKind::Status(500)),
        Just(FaultKind::Status(429)),
        Just(FaultKind::Drop),
        Just(FaultKind::TruncateInsert),
        Just(FaultKind::Spurious412),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u32..28).prop_map(|day| Op::Create { day }),
        5 => (0usize..8, field()).prop_map(|(slot, field)| Op::Edit { slot, field }),
        1 => (0usize..8).prop_map(|slot| Op::Delete { slot }),
        1 => (0usize..8).prop_map(|slot| Op::Move { slot }),
        3 => (0usize..8, field()).prop_map(|(slot, field)| Op::RemoteEdit { slot, field }),
        1 => (0usize..8).prop_map(|slot| Op::RemoteDelete { slot }),
        3 => Just(Op::Drain),
        1 => Just(Op::DrainOffline),
        2 => Just(Op::Pull),
        3 => (fault(), 1u32..6).prop_map(|(kind, times)| Op::Fault { kind, times }),
        1 => Just(Op::Restart),
    ]
}

/// What the model remembers of each local edit, to check it was not lost.
#[derive(Clone, Debug)]
enum Written {
    Text {
        id: String,
        field: &'static str,
        value: String,
        superseded: bool,
    },
    Created {
        title: String,
    },
    Deleted {
        id: String,
    },
}

#[derive(Default)]
struct Tally {
    cases: u64,
    ops: u64,
    faults: BTreeMap<String, u64>,
    conflicts: BTreeMap<String, u64>,
    real_412: u64,
    insert_409: u64,
    restarts: u64,
    offline_drains: u64,
    moves: u64,
}

/// The local events of the two writable calendars, with their calendar.
fn local_events(env: &Env) -> Vec<(CalendarId, EventResource)> {
    let from = chrono::DateTime::from_timestamp(0, 0).unwrap();
    let to = chrono::DateTime::from_timestamp(4_102_444_800, 0).unwrap();
    let refs = [primary(), team()].map(|calendar| CalendarRef {
        account: env.account.clone(),
        calendar,
    });
    env.store
        .events_in_range(Some(&env.account), Some(&refs), from, to)
        .unwrap()
        .into_iter()
        .filter(|e| !e.event.is_cancelled())
        .map(|e| (e.calendar.clone(), (*e.event).clone()))
        .collect()
}

/// The live events of the two writable calendars on the server, with their calendar.
fn server_events(env: &Env) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for cal in [USER, TEAM] {
        let mut ids = env.emu.control().event_ids(cal).unwrap();
        ids.sort();
        out.extend(
            ids.iter()
                .filter_map(|i| env.server(cal, i))
                .map(|e| (cal.to_owned(), e)),
        );
    }
    out
}

fn text_of(ev: &Value, field: &str) -> Option<String> {
    ev.get(field).and_then(Value::as_str).map(str::to_owned)
}

fn conflict_has(conflicts: &[StoredConflict], id: &str, field: &str, value: &str) -> bool {
    conflicts.iter().any(|c| {
        let v = serde_json::to_value(&c.value.local).unwrap_or(Value::Null);
        (id.is_empty() || c.event_id.as_str() == id) && text_of(&v, field).as_deref() == Some(value)
    })
}

/// Another client is about to overwrite `field` (or delete the event, `None`): local edits whose
/// value the server holds right now reached Google, and are no longer the model's to find.
fn delivered(written: &mut Vec<Written>, server: &Value, field: Option<&str>) {
    let id = server["id"].as_str().unwrap_or_default();
    for w in written.iter_mut() {
        if let Written::Text {
            id: i,
            field: f,
            value,
            superseded,
        } = w
        {
            if i == id
                && field.is_none_or(|x| x == *f)
                && text_of(server, f).as_deref() == Some(value.as_str())
            {
                *superseded = true;
            }
        }
    }
    if field.is_none_or(|f| f == "summary") {
        let title = text_of(server, "summary");
        written
            .retain(|w| !matches!(w, Written::Created { title: t } if Some(t) == title.as_ref()));
    }
}

async fn run_case(ops: Vec<Op>, case: u64, tally: Arc<Mutex<Tally>>) -> Result<(), TestCaseError> {
    let mut env = Env::with_retries(world(3), 2).await;
    env.pull().await;
    let mut written: Vec<Written> = Vec::new();
    let mut n = 0u32;
    let fresh = |n: &mut u32, prefix: &str| {
        *n += 1;
        format!("{prefix}-{case}-{n}")
    };
    let opts = EditOptions {
        notify: Some(Notify::None),
    };
    for op in &ops {
        tally.lock().unwrap().ops += 1;
        match op {
            Op::Create { day } => {
                let title = fresh(&mut n, "new");
                let ob = env.outbox();
                ob.create_event(primary(), new_event(&title, *day), opts.clone())
                    .await
                    .unwrap();
                written.push(Written::Created { title });
            }
            Op::Edit { slot, field } => {
                let evs = local_events(&env);
                if evs.is_empty() {
                    continue;
                }
                let (cal, ev) = &evs[slot % evs.len()];
                let value = fresh(&mut n, "L");
                let (changes, name) = match field {
                    Field::Summary => (
                        EventChanges {
                            summary: Some(value.clone()),
                            ..Default::default()
                        },
                        Some("summary"),
                    ),
                    Field::Description => (
                        EventChanges {
                            description: Some(Some(value.clone())),
                            ..Default::default()
                        },
                        Some("description"),
                    ),
                    Field::Location => (
                        EventChanges {
                            location: Some(Some(value.clone())),
                            ..Default::default()
                        },
                        Some("location"),
                    ),
                    Field::Time => {
                        let (s, e) = timed(1 + (n % 27), 6 + (n % 10), 17);
                        (
                            EventChanges {
                                start: Some(s),
                                end: Some(e),
                                ..Default::default()
                            },
                            None,
                        )
                    }
                };
                let id = ev.id.to_string();
                env.outbox()
                    .update_event(cal.clone(), ev.id.clone(), changes, opts.clone())
                    .await
                    .unwrap();
                if let Some(f) = name {
                    for w in written.iter_mut() {
                        if let Written::Text {
                            id: i,
                            field: g,
                            superseded,
                            ..
                        } = w
                        {
                            if *i == id && *g == f {
                                *superseded = true;
                            }
                        }
                    }
                    if f == "summary" {
                        // A created event's title is checked through its latest title.
                        written.retain(|w| !matches!(w, Written::Created { title } if Some(title.as_str()) == ev.summary.as_deref()));
                    }
                    written.push(Written::Text {
                        id,
                        field: f,
                        value,
                        superseded: false,
                    });
                }
            }
            Op::Delete { slot } => {
                let evs = local_events(&env);
                if evs.is_empty() {
                    continue;
                }
                let (cal, ev) = &evs[slot % evs.len()];
                env.outbox()
                    .delete_event(cal.clone(), ev.id.clone(), opts.clone())
                    .await
                    .unwrap();
                let id = ev.id.to_string();
                for w in written.iter_mut() {
                    if let Written::Text {
                        id: i, superseded, ..
                    } = w
                    {
                        if *i == id {
                            *superseded = true; // the user deleted the event
                        }
                    }
                }
                written.retain(|w| !matches!(w, Written::Created { title } if Some(title.as_str()) == ev.summary.as_deref()));
                written.push(Written::Deleted { id });
            }
            Op::RemoteEdit { slot, field } => {
                let evs = server_events(&env);
                if evs.is_empty() {
                    continue;
                }
                let (tcal, target) = evs[slot % evs.len()].clone();
                let id = target["id"].as_str().unwrap().to_owned();
                let fname = match field {
                    Field::Summary => Some("summary"),
                    Field::Description => Some("description"),
                    Field::Location => Some("location"),
                    Field::Time => None,
                };
                if let Some(f) = fname {
                    delivered(&mut written, &target, Some(f));
                }
                let v = fresh(&mut n, "R");
                let patch = match field {
                    Field::Summary => json!({"summary": v}),
                    Field::Description => json!({"description": v}),
                    Field::Location => json!({"location": v}),
                    Field::Time => {
                        json!({"start": {"dateTime": "2026-12-20T07:00:00Z"}, "end": {"dateTime": "2026-12-20T08:00:00Z"}})
                    }
                };
                env.emu.control().patch_event(&tcal, &id, patch).unwrap();
            }
            Op::RemoteDelete { slot } => {
                let evs = server_events(&env);
                if evs.is_empty() {
                    continue;
                }
                let (tcal, target) = evs[slot % evs.len()].clone();
                delivered(&mut written, &target, None);
                let id = target["id"].as_str().unwrap().to_owned();
                env.emu.control().delete_event(&tcal, &id).unwrap();
            }
            Op::Move { slot } => {
                let evs = local_events(&env);
                if evs.is_empty() {
                    continue;
                }
                let (cal, ev) = &evs[slot % evs.len()];
                let to = if *cal == primary() { team() } else { primary() };
                env.outbox()
                    .move_event(cal.clone(), ev.id.clone(), to, opts.clone())
                    .await
                    .unwrap();
                tally.lock().unwrap().moves += 1;
            }
            Op::Drain => {
                env.outbox().drain().await.unwrap();
            }
            Op::DrainOffline => {
                tally.lock().unwrap().offline_drains += 1;
                env.offline_outbox().drain().await.unwrap();
            }
            Op::Pull => {
                env.sync().await;
            }
            Op::Fault { kind, times } => {
                let rule = match kind {
                    FaultKind::Status(s) => FaultRule::status("/events", *s, *times)
                        .with_method(if n.is_multiple_of(2) { "PATCH" } else { "POST" }),
                    FaultKind::Drop => FaultRule {
                        action: FaultAction::Drop,
                        ..FaultRule::status("/events", 200, *times)
                    },
                    FaultKind::TruncateInsert => FaultRule {
                        action: FaultAction::Truncate,
                        ..FaultRule::status("/events", 200, *times)
                    }
                    .with_method("POST"),
                    FaultKind::Spurious412 => FaultRule::status("/events/", 412, *times)
                        .with_method(if n.is_multiple_of(2) {
                            "PATCH"
                        } else {
                            "DELETE"
                        }),
                };
                n += 1;
                env.emu.control().add_fault(rule).unwrap();
            }
            Op::Restart => {
                tally.lock().unwrap().restarts += 1;
                env.restart();
            }
        }
    }

    // Count what fired, then stop the faults and let everything settle.
    {
        let mut t = tally.lock().unwrap();
        for r in env.emu.control().requests() {
            match r.fault.as_deref() {
                Some("status") => *t.faults.entry(format!("status_{}", r.status)).or_default() += 1,
                Some(f) => *t.faults.entry(f.to_owned()).or_default() += 1,
                None if r.status == 412 => t.real_412 += 1,
                None if r.status == 409 && r.operation == "events.insert" => t.insert_409 += 1,
                None => {}
            }
        }
    }
    env.emu.control().clear_faults();
    for _ in 0..4 {
        env.sync().await;
        if env.store.pending_count(None).unwrap() == 0 {
            break;
        }
    }
    let ob = env.outbox();
    prop_assert_eq!(
        ob.pending_count().await.unwrap(),
        0,
        "outbox drained: {:?}",
        ob.list_pending_changes().await.unwrap()
    );
    env.pull().await;

    // Local equals server.
    let mut local: HashMap<(String, String), Value> = local_events(&env)
        .into_iter()
        .map(|(c, e)| {
            (
                (c.to_string(), e.id.to_string()),
                serde_json::to_value(&e).unwrap(),
            )
        })
        .collect();
    let server_by_cal = server_events(&env);
    prop_assert_eq!(local.len(), server_by_cal.len(), "same number of events");
    for (cal, s) in &server_by_cal {
        let id = s["id"].as_str().unwrap();
        let l = local.remove(&(cal.clone(), id.to_owned()));
        prop_assert!(l.is_some(), "event {} of {} is on the server only", id, cal);
        prop_assert_eq!(l.unwrap(), s.clone(), "event {} differs", id);
    }
    let server: Vec<Value> = server_by_cal.into_iter().map(|(_, e)| e).collect();
    let mut ids: Vec<&str> = server.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort();
    let n_ids = ids.len();
    ids.dedup();
    prop_assert_eq!(ids.len(), n_ids, "an event id lives in two calendars");

    // No duplicates, and no lost words.
    let conflicts = env.store.list_conflicts(None).unwrap();
    {
        let mut t = tally.lock().unwrap();
        for c in &conflicts {
            *t.conflicts.entry(c.kind.as_str().to_owned()).or_default() += 1;
        }
    }
    for w in &written {
        match w {
            Written::Created { title } => {
                let count = server
                    .iter()
                    .filter(|e| text_of(e, "summary").as_deref() == Some(title))
                    .count();
                prop_assert!(count <= 1, "{} is on the server {} times", title, count);
                let in_conflict = conflict_has(&conflicts, "", "summary", title);
                prop_assert!(
                    count == 1 || in_conflict,
                    "created {} is neither on the server nor in a conflict",
                    title
                );
            }
            Written::Text {
                id,
                field,
                value,
                superseded: false,
            } => {
                let on_server = server
                    .iter()
                    .any(|e| e["id"] == id.as_str() && text_of(e, field).as_deref() == Some(value));
                prop_assert!(
                    on_server || conflict_has(&conflicts, id, field, value),
                    "the local {} {:?} of {} was lost; conflicts: {:?}",
                    field,
                    value,
                    id,
                    conflicts.iter().map(|c| &c.kind).collect::<Vec<_>>()
                );
            }
            Written::Text { .. } => {}
            Written::Deleted { id } => {
                let gone = !server.iter().any(|e| e["id"] == id.as_str());
                let kept = conflicts.iter().any(|c| {
                    c.event_id.as_str() == id
                        && c.kind == chronos_core::store::ConflictKind::ServerEditedDeletedLocally
                });
                prop_assert!(
                    gone || kept,
                    "the local delete of {} neither happened nor is in a conflict",
                    id
                );
            }
        }
    }
    let Env { emu, .. } = env;
    emu.shutdown().await;
    tally.lock().unwrap().cases += 1;
    Ok(())
}

#[test]
fn twoway_model() {
    let cases: u32 = count_from_env("TWOWAY_CASES", 1000);
    let rt = two_worker_runtime();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    });
    let case_no = Arc::new(Mutex::new(0u64));
    let started = std::time::Instant::now();
    let result = runner.run(&proptest::collection::vec(op(), 1..14), |ops| {
        let case = {
            let mut c = case_no.lock().unwrap();
            *c += 1;
            *c
        };
        rt.block_on(run_case(ops, case, tally.clone()))
    });
    let t = tally.lock().unwrap();
    println!(
        "twoway model: {} cases passed ({} ops) in {:.1} s; faults fired by kind: {:?}; offline drains: {}; restarts: {}; moves: {}; \
         real 412s: {}; 409s on retried inserts: {}; conflict records at the end by kind: {:?}",
        t.cases,
        t.ops,
        started.elapsed().as_secs_f64(),
        t.faults,
        t.offline_drains,
        t.restarts,
        t.moves,
        t.real_412,
        t.insert_409,
        t.conflicts
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(t.cases >= cases as u64);
}

/// A move still waiting after failed pushes, a pull that lists the event on its old calendar,
/// then a delete of that copy: the delete must land on the moved event (or be a conflict), not
/// vanish when the move goes through.
#[test]
fn delete_after_pull_while_a_move_waits_is_not_lost() {
    let ops = vec![
        Op::Edit {
            slot: 3,
            field: Field::Summary,
        },
        Op::Fault {
            kind: FaultKind::Status(503),
            times: 3,
        },
        Op::Fault {
            kind: FaultKind::Status(503),
            times: 3,
        },
        Op::Move { slot: 0 },
        Op::Pull,
        Op::Delete { slot: 0 },
    ];
    let rt = two_worker_runtime();
    let tally = Arc::new(Mutex::new(Tally::default()));
    if let Err(e) = rt.block_on(run_case(ops, 1, tally)) {
        panic!("{e}");
    }
}
