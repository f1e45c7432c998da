use super::*;
use crate::error::ErrorKind;
use crate::sync::progress::CalendarRef;

fn a() -> AccountId {
    AccountId::new("a@example.com")
}

fn cal(id: &str) -> CalendarId {
    CalendarId::new(id)
}

fn started(ids: &[&str]) -> SyncProgress {
    SyncProgress::SyncStarted {
        account: a(),
        calendars: ids
            .iter()
            .map(|id| CalendarRef {
                id: cal(id),
                summary: id.to_uppercase(),
            })
            .collect(),
    }
}

fn progress(id: &str, n: u64) -> SyncProgress {
    SyncProgress::CalendarProgress {
        account: a(),
        calendar: cal(id),
        events_fetched: n,
        pages: 1,
    }
}

fn done(id: &str) -> SyncProgress {
    SyncProgress::CalendarDone {
        account: a(),
        calendar: cal(id),
        added: 3,
        updated: 0,
        deleted: 0,
        skipped: 0,
    }
}

fn finished(outcome: SyncOutcome) -> SyncProgress {
    SyncProgress::SyncFinished {
        account: a(),
        totals: SyncTotals {
            calendars: 2,
            ..Default::default()
        },
        duration_ms: 5,
        outcome,
        finished_at: DateTime::from_timestamp(1_000, 0).unwrap(),
        resume_after: None,
        error: None,
    }
}

fn drain(rx: &mut broadcast::Receiver<EngineEvent>) -> Vec<EngineEvent> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

/// A short name per event, for asserting order.
fn label(e: &EngineEvent) -> String {
    match e {
        EngineEvent::Account(v) => match &v.run {
            Some(run) => format!(
                "{} {}/{}",
                v.status.label(),
                run.calendars_done(),
                run.calendars_total()
            ),
            None => v.status.label().to_owned(),
        },
        EngineEvent::AccountRemoved { .. } => "removed".into(),
        EngineEvent::MassDeletion { count, .. } => format!("mass deletion {count}"),
        EngineEvent::RunFinished(f) => format!("finished {}", f.outcome.as_str()),
        EngineEvent::EventsChanged { calendars, .. } => format!(
            "events [{}]",
            calendars
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
        EngineEvent::OutboxChanged {
            pending_changes,
            conflicts,
            ..
        } => format!("outbox {pending_changes}/{conflicts}"),
    }
}

#[tokio::test]
async fn a_run_is_one_ordered_story_with_the_status_beside_its_progress() {
    let feed = Feed::new();
    feed.seed(&a(), None, false, (0, 0));
    let mut sub = feed.subscribe();
    assert_eq!(sub.accounts.len(), 1);
    assert_eq!(sub.accounts[0].status, AccountStatus::Idle);

    feed.progress(SyncProgress::RunBegun { account: a() });
    feed.progress(started(&["c1", "c2"]));
    feed.progress(progress("c1", 10));
    feed.progress(done("c1"));
    feed.progress(done("c2"));
    feed.progress(finished(SyncOutcome::Completed));
    let seen: Vec<String> = drain(&mut sub.events).iter().map(label).collect();
    assert_eq!(
        seen,
        vec![
            "syncing 0/0",
            "syncing 0/2",
            "syncing 0/2",
            "events [c1]",
            "syncing 1/2",
            "syncing 2/2",
            "finished completed",
            "up to date",
        ],
        "a calendar done within the gap of the last notice waits for the gap"
    );
    // The run's last snapshot travels with its end; the settled view has no run.
    let view = &feed.accounts()[0];
    assert!(view.run.is_none());
    assert_eq!(
        view.status,
        AccountStatus::UpToDate {
            last_sync: DateTime::from_timestamp(1_000, 0).unwrap()
        }
    );
    // What the gap held back goes out once it ends, folded into one notice ("any calendar"
    // from the run's end absorbs c2).
    tokio::time::sleep(gap::NOTICE_GAP + Duration::from_millis(50)).await;
    let later: Vec<String> = drain(&mut sub.events).iter().map(label).collect();
    assert_eq!(later, vec!["events []"]);
}

#[tokio::test]
async fn the_run_snapshot_ends_with_the_run_and_a_failure_is_kept_per_calendar() {
    let feed = Feed::new();
    let mut sub = feed.subscribe();
    assert!(sub.accounts.is_empty());
    feed.progress(started(&["c1", "c2"]));
    feed.progress(SyncProgress::CalendarFailed {
        account: a(),
        calendar: cal("c2"),
        kind: ErrorKind::Forbidden,
        retryable: false,
        message: "no access".into(),
    });
    feed.progress(done("c1"));
    feed.progress(finished(SyncOutcome::Partial));
    let events = drain(&mut sub.events);
    let finished = events
        .iter()
        .find_map(|e| match e {
            EngineEvent::RunFinished(f) => Some(f.clone()),
            _ => None,
        })
        .expect("the run's end");
    assert_eq!(finished.run.calendars_done(), 2);
    assert_eq!(finished.run.calendars[1].state, CalendarRunState::Failed);
    match &feed.accounts()[0].status {
        AccountStatus::Error { kind, .. } => assert_eq!(*kind, ErrorKind::Forbidden),
        s => panic!("{s:?}"),
    }
    // Serialised for front ends with a stable tag.
    let v = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(v["type"], "account");
    assert_eq!(v["status"]["state"], "syncing");
}

#[tokio::test]
async fn counts_are_announced_on_change_and_outbox_notices_carry_them() {
    let feed = Feed::new();
    feed.seed(&a(), None, false, (2, 0));
    let mut sub = feed.subscribe();
    feed.set_counts(&a(), 2, 0);
    assert!(drain(&mut sub.events).is_empty(), "same counts: no event");
    feed.set_counts(&a(), 1, 1);
    feed.outbox_changed(&a());
    feed.set_counts(&a(), 0, 1);
    feed.outbox_changed(&a());
    let seen: Vec<String> = drain(&mut sub.events).iter().map(label).collect();
    assert_eq!(seen, vec!["idle", "outbox 1/1", "idle"]);
    tokio::time::sleep(gap::NOTICE_GAP + Duration::from_millis(50)).await;
    let later: Vec<String> = drain(&mut sub.events).iter().map(label).collect();
    assert_eq!(
        later,
        vec!["outbox 0/1"],
        "the held notice reads the counts as they are"
    );
    assert_eq!(feed.pending(&a()), 0);
    assert_eq!(feed.accounts()[0].conflicts, 1);
}

#[tokio::test]
async fn reauth_removal_and_a_fresh_subscription() {
    let feed = Feed::new();
    feed.seed(&a(), None, true, (0, 0));
    assert_eq!(feed.status(&a()), AccountStatus::NeedsReauth);
    feed.connected(&a());
    assert_eq!(feed.status(&a()), AccountStatus::Idle);
    let fresh = AccountId::new("b@example.com");
    let mut sub = feed.subscribe();
    feed.connected(&fresh);
    assert_eq!(
        drain(&mut sub.events).len(),
        1,
        "a new account is announced"
    );
    feed.connected(&fresh);
    assert!(
        drain(&mut sub.events).is_empty(),
        "connecting again changes nothing"
    );
    feed.remove(&fresh);
    feed.seed(&a(), None, true, (0, 0));
    let mut sub = feed.subscribe();
    assert_eq!(sub.accounts[0].status, AccountStatus::NeedsReauth);
    feed.remove(&a());
    let seen: Vec<String> = drain(&mut sub.events).iter().map(label).collect();
    assert_eq!(seen, vec!["removed"]);
    assert!(feed.accounts().is_empty());
    assert_eq!(feed.status(&a()), AccountStatus::Idle);
}

#[tokio::test]
async fn events_during_a_run_are_announced_at_most_once_a_second() {
    let feed = Feed::new();
    let mut sub = feed.subscribe();
    feed.progress(started(&["c1"]));
    for n in 1..=50 {
        feed.progress(progress("c1", n * 100));
    }
    let notices = drain(&mut sub.events)
        .iter()
        .filter(|e| matches!(e, EngineEvent::EventsChanged { .. }))
        .count();
    assert_eq!(notices, 1, "fifty pages in well under a second: one notice");
}
