//! Worlds (demo, generated, JSON fixtures), the binary, and concurrent use.

mod common;

use common::*;
use gcal_emulator::{EmulatorConfig, GenSpec, World};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const FIXTURE: &str = include_str!("../fixtures/small-world.json");

#[test]
fn generation_is_deterministic_and_rich() {
    let spec = GenSpec {
        seed: 5,
        accounts: 2,
        calendars_per_account: 3,
        events_per_calendar: 200,
        anchor: chrono::NaiveDate::from_ymd_opt(2026, 11, 25),
        ..GenSpec::default()
    };
    let a = World::generate(spec.clone());
    let b = World::generate(spec);
    assert_eq!(a, b);
    let events: Vec<&Value> = a
        .accounts
        .iter()
        .flat_map(|x| &x.calendars)
        .flat_map(|c| &c.events)
        .collect();
    assert_eq!(events.len(), 2 * 3 * 200);
    let has = |f: &dyn Fn(&Value) -> bool| events.iter().any(|e| f(e));
    assert!(has(&|e| e.get("recurrence").is_some()), "recurring masters");
    assert!(
        has(&|e| e.get("recurringEventId").is_some() && e["status"] == "cancelled"),
        "cancelled instances"
    );
    assert!(
        has(&|e| e.get("recurringEventId").is_some()
            && e["summary"].as_str().unwrap_or("").ends_with("(moved)")),
        "moved instances"
    );
    assert!(has(&|e| e["start"].get("date").is_some()), "all-day");
    assert!(has(&|e| e.get("attendees").is_some()), "attendees");
    assert!(
        has(&|e| e["description"].as_str().is_some_and(|d| d.contains("<p>"))),
        "HTML descriptions"
    );
    let zones: std::collections::HashSet<&str> = a.accounts[0]
        .calendars
        .iter()
        .map(|c| c.time_zone.as_str())
        .collect();
    assert!(zones.len() >= 2, "several time zones");
}

#[test]
fn demo_world_is_realistic() {
    let w = World::demo();
    assert_eq!(w.accounts[0].email, "demo@chronos.example");
    let n: usize = w
        .accounts
        .iter()
        .flat_map(|a| &a.calendars)
        .map(|c| c.events.len())
        .sum();
    assert!((200..1000).contains(&n), "a few hundred events: {n}");
    let json = w.to_json();
    assert_eq!(World::from_json(&json).unwrap(), w, "JSON round trip");
}

#[tokio::test]
async fn fixture_world_with_its_own_client() {
    let env = env(World::from_json(FIXTURE).unwrap()).await;
    assert_eq!(env.account, "ada@example.com");
    let (_, ev) = env.get("calendars/primary/events/fixture0001").await;
    assert_eq!(ev["x-unknown"], json!({"survives": true}));
    assert!(ev["etag"].is_string() && ev["iCalUID"] == "fixture0001@google.com");
    let (items, _, _) = env.list_all("primary", "singleEvents=true").await;
    assert_eq!(items.len(), 4, "one single event and three instances");
    let (_, settings) = env.get("users/me/settings/timezone").await;
    assert_eq!(settings["value"], "Europe/London");
    // Only the fixture's client is accepted.
    let r = env
        .http
        .get(format!(
            "{}?client_id={}&redirect_uri=http://127.0.0.1:1/&response_type=code&scope=openid",
            env.emu.auth_url(),
            gcal_emulator::DEMO_CLIENT_ID
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // export → load again gives the same events.
    let exported = env.ctl.export_world();
    let again = env_with(EmulatorConfig {
        world: exported,
        ..EmulatorConfig::default()
    })
    .await;
    let (_, ev2) = again.get("calendars/primary/events/fixture0001").await;
    assert_eq!(ev2["summary"], ev["summary"]);
    assert_eq!(ev2["etag"], ev["etag"]);
}

#[test]
fn invalid_fixtures_are_refused() {
    assert!(World::from_json("{\"accounts\": [{\"email\": \"\"}]}").is_err());
    let bad_zone = json!({"accounts": [{"email": "a@x", "calendars": [{"id": "a@x", "summary": "A", "timeZone": "Mars/Olympus"}]}]});
    let err = World::from_json(&bad_zone.to_string()).unwrap_err();
    assert_eq!(err.kind(), "invalid_world");
}

#[tokio::test]
async fn binary_prints_its_address_and_serves_a_fixture() {
    let dir = std::env::temp_dir().join(format!("gcal-emu-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("world.json");
    std::fs::write(&path, FIXTURE).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gcal-emulator"))
        .args([
            "--port",
            "0",
            "--world",
            path.to_str().unwrap(),
            "--allow-http-push",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .expect("first line names the address")
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"));
    let accounts: Value = reqwest::get(format!("{url}/__emulator/accounts"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(accounts[0]["email"], "ada@example.com");
    child.kill().unwrap();
    child.wait().unwrap();

    // --dump-world writes a fixture that loads again.
    let out = dir.join("dump.json");
    let status = Command::new(env!("CARGO_BIN_EXE_gcal-emulator"))
        .args([
            "--world",
            "generated",
            "--seed",
            "3",
            "--calendars",
            "2",
            "--events",
            "10",
            "--dump-world",
            out.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let w = World::from_json(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(w.accounts[0].calendars.len(), 2);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_clients_get_consistent_answers() {
    let env = std::sync::Arc::new(env(empty_world()).await);
    let cal = env.primary();
    let mut tasks = Vec::new();
    for n in 0..40 {
        let env = env.clone();
        let cal = cal.clone();
        tasks.push(tokio::spawn(async move {
            let (s, v) = env
                .post(
                    &env.events_path(&cal),
                    timed(
                        &format!("c{n}"),
                        "2026-11-26T10:00:00Z",
                        "2026-11-26T11:00:00Z",
                    ),
                )
                .await;
            assert_eq!(s, StatusCode::OK);
            let (s, _) = env.get(&env.events_path(&cal)).await;
            assert_eq!(s, StatusCode::OK);
            v["etag"].as_str().unwrap().to_owned()
        }));
    }
    let mut etags = std::collections::HashSet::new();
    for t in tasks {
        etags.insert(t.await.unwrap());
    }
    assert_eq!(etags.len(), 40, "every write has its own etag");
    let (items, _, _) = env.list_all(&cal, "").await;
    assert_eq!(items.len(), 40);
}
