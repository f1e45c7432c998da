//! Google's event types and conference links through the `Chronos` façade against the emulator
//! over HTTP: every type survives a sync and an allowed edit with its properties; a change its
//! type does not allow is refused with nothing queued; a Meet link asked for arrives on a later
//! sync.

use chronos_core::model::{AccountId, CalendarId, EventId};
use chronos_core::outbox::{EditOptions, EventChanges};
use chronos_core::service::Chronos;
use chronos_core::sync::progress::SyncOutcome;
use chronos_core::ErrorKind;
use chronos_testkit::*;
use gcal_emulator::{ConferenceOutcome, EmulatorHandle};
use serde_json::{json, Value};

async fn sync(chronos: &Chronos, account: &AccountId) {
    let r = chronos.sync_now(Some(account)).await.unwrap().remove(0);
    assert_eq!(r.outcome, SyncOutcome::Completed, "{r:?}");
}

fn timed(summary: &str, day: u32, from: u32, to: u32) -> Value {
    json!({"summary": summary,
        "start": {"dateTime": format!("2026-12-{day:02}T{from:02}:00:00Z"), "timeZone": "UTC"},
        "end": {"dateTime": format!("2026-12-{day:02}T{to:02}:00:00Z"), "timeZone": "UTC"}})
}

fn all_day(summary: &str, day: u32) -> Value {
    json!({"summary": summary, "start": {"date": format!("2026-12-{day:02}")},
        "end": {"date": format!("2026-12-{:02}", day + 1)}})
}

fn typed(mut ev: Value, ty: &str, props: Option<(&str, Value)>) -> Value {
    ev["eventType"] = json!(ty);
    if let Some((k, v)) = props {
        ev[k] = v;
    }
    ev
}

/// The typed events the tests use, by name, inserted on the primary calendar as Google makes
/// them (Gmail's and Contacts' own events included).
fn typed_events() -> Vec<(&'static str, Value)> {
    vec![
        (
            "focus",
            typed(
                timed("Focus time", 7, 9, 11),
                "focusTime",
                Some((
                    "focusTimeProperties",
                    json!({"autoDeclineMode": "declineOnlyNewConflictingInvitations",
                        "declineMessage": "In focus time", "chatStatus": "doNotDisturb"}),
                )),
            ),
        ),
        (
            "ooo",
            typed(
                timed("Out of office", 8, 0, 23),
                "outOfOffice",
                Some((
                    "outOfOfficeProperties",
                    json!({"autoDeclineMode": "declineAllConflictingInvitations",
                        "declineMessage": "Away"}),
                )),
            ),
        ),
        (
            "where",
            typed(
                all_day("Office", 9),
                "workingLocation",
                Some((
                    "workingLocationProperties",
                    json!({"type": "officeLocation", "officeLocation": {"label": "Berlin office"}}),
                )),
            ),
        ),
        ("bday", {
            let mut b = typed(
                all_day("Alex Kim's birthday", 10),
                "birthday",
                Some((
                    "birthdayProperties",
                    json!({"type": "birthday", "contact": "people/c1001"}),
                )),
            );
            b["recurrence"] = json!(["RRULE:FREQ=YEARLY"]);
            b
        }),
        (
            "gmail",
            typed(timed("Flight", 12, 8, 11), "fromGmail", None),
        ),
    ]
}

struct Setup {
    emu: EmulatorHandle,
    _dir: tempfile::TempDir,
    chronos: Chronos,
    account: AccountId,
    ids: Vec<(&'static str, EventId)>,
}

impl Setup {
    fn id(&self, name: &str) -> EventId {
        self.ids.iter().find(|(n, _)| *n == name).unwrap().1.clone()
    }

    fn server(&self, name: &str) -> serde_json::Map<String, Value> {
        self.emu
            .control()
            .get_event(USER, self.id(name).as_str())
            .unwrap()
    }

    async fn local(&self, name: &str) -> Value {
        let e = self
            .chronos
            .get_event(&self.account, &cal_id(0), &self.id(name))
            .await
            .unwrap()
            .unwrap();
        serde_json::to_value(&*e.event).unwrap()
    }

    async fn queued(&self) -> usize {
        self.chronos
            .list_pending_changes(&self.account)
            .await
            .unwrap()
            .len()
    }

    /// Pushes until nothing is queued (the background push after each edit may be first).
    async fn settle(&self) {
        for _ in 0..100 {
            self.chronos
                .push_pending_changes(&self.account)
                .await
                .unwrap();
            if self.queued().await == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the queue did not drain");
    }

    async fn update(&self, name: &str, changes: EventChanges) -> chronos_core::Result<()> {
        self.chronos
            .update_event(
                &self.account,
                &cal_id(0),
                &self.id(name),
                changes,
                EditOptions::default(),
            )
            .await
            .map(drop)
    }
}

async fn setup() -> Setup {
    let emu = emulator(world(&[1, 1])).await;
    let ids = typed_events()
        .into_iter()
        .map(|(name, ev)| {
            let stored = emu.control().insert_event(USER, ev).unwrap();
            (name, EventId::from(stored["id"].as_str().unwrap()))
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let (chronos, account) =
        connected(chronos_options(&emu, dir.path(), memory_secrets(), 2)).await;
    sync(&chronos, &account).await;
    Setup {
        emu,
        _dir: dir,
        chronos,
        account,
        ids,
    }
}

const PROPS: &[(&str, Option<&str>)] = &[
    ("focus", Some("focusTimeProperties")),
    ("ooo", Some("outOfOfficeProperties")),
    ("where", Some("workingLocationProperties")),
    ("bday", Some("birthdayProperties")),
    ("gmail", None),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_type_round_trips_a_sync_and_an_allowed_edit_with_its_properties() {
    let s = setup().await;
    for (name, props) in PROPS {
        let server = s.server(name);
        let local = s.local(name).await;
        assert_eq!(local["eventType"], server["eventType"], "{name}");
        if let Some(p) = props {
            assert_eq!(&local[*p], &server[*p], "{name}");
        }
        // Colour and reminders are open to every known type.
        let changes = EventChanges {
            color_id: Some(Some("5".into())),
            reminders: Some(json!({"useDefault": false,
                "overrides": [{"method": "popup", "minutes": 15}]})),
            ..Default::default()
        };
        s.update(name, changes).await.unwrap();
    }
    s.settle().await;
    sync(&s.chronos, &s.account).await;
    for (name, props) in PROPS {
        let server = s.server(name);
        assert_eq!(server["colorId"], json!("5"), "{name}");
        let local = s.local(name).await;
        assert_eq!(local["colorId"], json!("5"), "{name}");
        assert_eq!(local["eventType"], server["eventType"], "{name}");
        if let Some(p) = props {
            assert!(server[*p].is_object(), "{name} lost {p} on the server");
            assert_eq!(&local[*p], &server[*p], "{name}");
        }
    }
    // The title, open to focus time, out of office and working location.
    for name in ["focus", "ooo", "where"] {
        let changes = EventChanges {
            summary: Some(format!("Renamed {name}")),
            ..Default::default()
        };
        s.update(name, changes).await.unwrap();
    }
    s.settle().await;
    assert_eq!(s.server("where")["summary"], json!("Renamed where"));
    assert!(s.server("where")["workingLocationProperties"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_the_type_does_not_allow_is_refused_before_the_outbox() {
    let s = setup().await;
    let refused = |r: chronos_core::Result<()>, what: &str| {
        let e = r.expect_err(what);
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{what}: {e}");
        e.to_string()
    };
    let title = EventChanges {
        summary: Some("Not a flight".into()),
        ..Default::default()
    };
    let msg = refused(s.update("gmail", title).await, "gmail title");
    assert!(msg.contains("Gmail"), "{msg}");
    let day = EventChanges {
        start: Some(serde_json::from_value(json!({"date": "2026-12-11"})).unwrap()),
        end: Some(serde_json::from_value(json!({"date": "2026-12-12"})).unwrap()),
        ..Default::default()
    };
    refused(s.update("bday", day).await, "contact birthday day");
    let all_day = EventChanges {
        start: Some(serde_json::from_value(json!({"date": "2026-12-07"})).unwrap()),
        end: Some(serde_json::from_value(json!({"date": "2026-12-08"})).unwrap()),
        ..Default::default()
    };
    refused(s.update("focus", all_day).await, "all-day focus time");
    let moved = s
        .chronos
        .move_event(
            &s.account,
            &cal_id(0),
            &s.id("focus"),
            &cal_id(1),
            EditOptions::default(),
        )
        .await
        .map(drop);
    refused(moved, "moving focus time");
    let deleted = s
        .chronos
        .delete_event(
            &s.account,
            &cal_id(0),
            &s.id("bday"),
            EditOptions::default(),
        )
        .await;
    refused(deleted, "deleting a contact's birthday");
    let meet = EventChanges {
        add_meet: true,
        ..Default::default()
    };
    refused(s.update("focus", meet).await, "Meet on focus time");
    assert_eq!(s.queued().await, 0);
    assert_eq!(s.server("gmail")["summary"], json!("Flight"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meet_link_is_asked_for_once_and_arrives_with_a_later_sync() {
    let s = setup().await;
    let cal = CalendarId::from(USER);
    let plain = s.emu.control().event_ids(USER).unwrap();
    let plain = plain
        .into_iter()
        .find(|id| !s.ids.iter().any(|(_, t)| t.as_str() == id))
        .map(EventId::from)
        .unwrap();
    let meet = EventChanges {
        add_meet: true,
        ..Default::default()
    };
    s.emu.control().reset_requests();
    let shown = s
        .chronos
        .update_event(&s.account, &cal, &plain, meet, EditOptions::default())
        .await
        .unwrap();
    let view = s.chronos.event_view(&shown).await.unwrap();
    let c = view.kind.conference.clone().unwrap();
    assert!(c.pending && c.join_url.is_none(), "{c:?}");
    assert!(!view.kind.can_add_meet);
    let asked = shown.event.extra["conferenceData"]["createRequest"]["requestId"].clone();
    s.settle().await;
    let patch = s
        .emu
        .control()
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert!(
        patch.query.contains("conferenceDataVersion=1"),
        "{}",
        patch.query
    );
    let server = s.server_by_id(&plain);
    assert_eq!(
        server["conferenceData"]["createRequest"]["requestId"],
        asked
    );
    assert_eq!(
        server["conferenceData"]["createRequest"]["status"]["statusCode"],
        json!("pending")
    );

    s.emu
        .control()
        .complete_conference(USER, plain.as_str(), ConferenceOutcome::Success)
        .unwrap();
    sync(&s.chronos, &s.account).await;
    let row = s
        .chronos
        .get_event(&s.account, &cal, &plain)
        .await
        .unwrap()
        .unwrap();
    let c = s.chronos.event_view(&row).await.unwrap().kind.conference;
    let c = c.unwrap();
    assert!(!c.pending);
    assert!(c
        .join_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://meet.google.com/")));
    assert_eq!(c.solution.as_deref(), Some("Google Meet"));

    // A later edit keeps the link, on Google and here.
    let rename = EventChanges {
        summary: Some("With video".into()),
        ..Default::default()
    };
    s.chronos
        .update_event(&s.account, &cal, &plain, rename, EditOptions::default())
        .await
        .unwrap();
    s.settle().await;
    let server = s.server_by_id(&plain);
    assert_eq!(server["summary"], json!("With video"));
    assert!(server["hangoutLink"].is_string());
}

impl Setup {
    fn server_by_id(&self, id: &EventId) -> serde_json::Map<String, Value> {
        self.emu.control().get_event(USER, id.as_str()).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_edits_keep_the_type_and_refuse_what_it_does_not_allow() {
    use chronos_core::outbox::EditScope;
    let s = setup().await;
    let master = s.id("bday");
    let one = EventId::from(format!("{master}_20261210").as_str());
    let colour = EventChanges {
        color_id: Some(Some("3".into())),
        ..Default::default()
    };
    let edited = s
        .chronos
        .update_occurrence(
            &s.account,
            &cal_id(0),
            &one,
            colour,
            EditScope::This,
            EditOptions::default(),
        )
        .await
        .unwrap()
        .event
        .unwrap();
    let local = serde_json::to_value(&*edited.event).unwrap();
    assert_eq!(local["eventType"], json!("birthday"));
    assert_eq!(
        local["birthdayProperties"]["contact"],
        json!("people/c1001")
    );
    let renamed = EventChanges {
        summary: Some("Alex's birthday".into()),
        ..Default::default()
    };
    s.chronos
        .update_occurrence(
            &s.account,
            &cal_id(0),
            &one,
            renamed,
            EditScope::All,
            EditOptions::default(),
        )
        .await
        .unwrap();
    // Ending the series early changes its rule, which a birthday does not allow.
    let following = EventChanges {
        summary: Some("Later".into()),
        ..Default::default()
    };
    let err = s
        .chronos
        .update_occurrence(
            &s.account,
            &cal_id(0),
            &EventId::from(format!("{master}_20271210").as_str()),
            following,
            EditScope::ThisAndFollowing,
            EditOptions::default(),
        )
        .await
        .expect_err("splitting a birthday series");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    s.settle().await;
    let server = s.server("bday");
    assert_eq!(server["summary"], json!("Alex's birthday"));
    assert_eq!(
        server["birthdayProperties"]["contact"],
        json!("people/c1001")
    );
    let exception = s.emu.control().get_event(USER, one.as_str()).unwrap();
    assert_eq!(exception["colorId"], json!("3"));
}
