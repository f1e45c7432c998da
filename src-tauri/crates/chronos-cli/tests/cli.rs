//! The CLI as a user runs it: separate processes, the real keyring (Secret Service), a real
//! SQLite file, and an emulator over real HTTP that outlives the CLI (it runs in this test
//! process), so a CLI killed with SIGKILL mid-sync can be followed by one that resumes.
//!
//! They need a D-Bus session with an unlocked keyring, so they are `#[ignore]`d in a plain
//! `cargo test`. Run them with:
//!   src-tauri/crates/chronos-core/tests/with-keyring.sh cargo test -p chronos-cli -- --include-ignored

use chronos_testkit::{emulator, free_port, keyring_service, requests, server_ids};
use gcal_emulator::{EmulatorHandle, GenSpec, World};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_chronos-cli");

struct Cli<'a> {
    data_dir: &'a Path,
    service: String,
    emulator: Option<String>,
}

impl<'a> Cli<'a> {
    /// A CLI on its built-in demo server, with a keyring service of its own named after `tag`.
    fn demo(data_dir: &'a Path, tag: &str) -> Self {
        Cli {
            data_dir,
            service: keyring_service(tag),
            emulator: None,
        }
    }

    /// A CLI against `emu`, its secrets under the keyring service `service`.
    fn against(emu: &EmulatorHandle, data_dir: &'a Path, service: String) -> Self {
        Cli {
            data_dir,
            service,
            emulator: Some(emu.base_url()),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--data-dir")
            .arg(self.data_dir)
            .env("CHRONOS_KEYRING_SERVICE", &self.service)
            .env_remove("CHRONOS_EMULATOR_URL");
        match &self.emulator {
            Some(url) => {
                c.arg("--emulator-url").arg(url);
            }
            None => {
                c.arg("--demo");
            }
        }
        c.args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run chronos-cli")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "chronos-cli {args:?} failed: {}\nstdout: {stdout}\nstderr: {}",
            out.status,
            stderr_of(&out)
        );
        stdout
    }

    /// Runs `sync`, which must complete; its output.
    fn sync_completes(&self) -> String {
        let out = self.ok(&["sync"]);
        assert!(out.contains("completed"), "{out}");
        out
    }

    /// The JSON lines a successful run prints.
    fn json(&self, args: &[&str]) -> Vec<Value> {
        json_lines(&self.ok(args))
    }
}

/// What a run wrote on stderr.
fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A generated world of one account with `calendars` calendars of `events` events each.
fn one_account_world(seed: u64, calendars: usize, events: usize) -> World {
    World::generate(GenSpec {
        seed,
        accounts: 1,
        calendars_per_account: calendars,
        events_per_calendar: events,
        ..GenSpec::default()
    })
}

/// The arguments of `events` from `from` to `to`, shown in `zone`, then `more`.
fn events_in<'a>(zone: &'a str, from: &'a str, to: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["events", "--zone", zone, "--from", from, "--to", to];
    args.extend(more);
    args
}

fn stored_events(cli: &Cli) -> BTreeMap<String, Vec<String>> {
    // Stored rows, not expanded occurrences: they are what the sync must neither lose nor repeat.
    let out = cli.ok(&[
        "events",
        "--from",
        "1970-01-01",
        "--to",
        "2200-01-01",
        "--json",
        "--raw",
    ]);
    let mut by_cal: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in out.lines().filter(|l| l.starts_with('{')) {
        let v: Value = serde_json::from_str(line).unwrap();
        by_cal
            .entry(v["calendar"].as_str().unwrap().to_owned())
            .or_default()
            .push(v["id"].as_str().unwrap().to_owned());
    }
    by_cal
}

fn expected_events(emu: &EmulatorHandle) -> BTreeMap<String, Vec<String>> {
    let world = emu.control().export_world();
    let mut by_cal = BTreeMap::new();
    for cal in world
        .accounts
        .iter()
        .flat_map(|a| a.calendars.iter())
        .filter(|c| c.selected)
    {
        by_cal.insert(cal.id.clone(), server_ids(cal));
    }
    by_cal
}

/// Stored events per calendar equal the server's, without duplicates (`tolerated` may be extra).
fn compare(
    stored: &BTreeMap<String, Vec<String>>,
    expected: &BTreeMap<String, Vec<String>>,
    tolerated: Option<&String>,
) {
    assert_eq!(
        stored.keys().collect::<BTreeSet<_>>(),
        expected.keys().collect::<BTreeSet<_>>()
    );
    for (cal, ids) in expected {
        let got = stored.get(cal).cloned().unwrap_or_default();
        let have: BTreeSet<&String> = got.iter().collect();
        assert_eq!(have.len(), got.len(), "duplicated events in {cal}");
        let want: BTreeSet<&String> = ids.iter().collect();
        let missing: Vec<_> = want.difference(&have).take(5).collect();
        let extra: Vec<_> = have
            .difference(&want)
            .filter(|id| Some(**id) != tolerated)
            .take(5)
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "calendar {cal}: {} stored, {} on the server; missing e.g. {missing:?}, extra e.g. {extra:?}",
            have.len(),
            want.len()
        );
    }
}

#[test]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
fn demo_mode_syncs_and_lists_without_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::demo(dir.path(), "cli.demo");
    let out = cli.sync_completes();
    assert!(
        out.contains("Syncing demo@chronos.example: 5 calendars"),
        "{out}"
    );
    // One line per calendar as it ends, each said once.
    let done: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  done    "))
        .collect();
    assert_eq!(done.len(), 5, "{out}");
    assert!(
        done.iter().any(|l| l.contains("Holidays in Germany: +")),
        "{out}"
    );
    let status = cli.ok(&["status"]);
    assert!(
        status.contains("demo@chronos.example  up to date"),
        "{status}"
    );
    let cals = cli.ok(&["calendars"]);
    assert!(cals.contains("Holidays in Germany"), "{cals}");
    let events = stored_events(&cli);
    assert_eq!(events.len(), 5);
    assert!(events.values().all(|ids| !ids.is_empty()));
    // Nothing of an event's content in the SQLite files.
    let mut raw = Vec::new();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            raw.extend(std::fs::read(p).unwrap());
        }
    }
    let hay = String::from_utf8_lossy(&raw);
    for title in [
        "Stand-up",
        "Parents' evening",
        "Christmas Day",
        "Lunch with Sam",
    ] {
        assert!(!hay.contains(title), "{title:?} found in plaintext on disk");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
async fn a_cli_killed_mid_sync_resumes_with_nothing_lost_or_duplicated() {
    let emu = emulator(one_account_world(42, 4, 6000)).await;
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::against(&emu, dir.path(), keyring_service("cli.kill"));
    let out = cli.ok(&["connect"]);
    assert!(out.contains("Connected user@chronos.example"), "{out}");
    let accounts = cli.ok(&["accounts"]);
    assert!(accounts.contains("user@chronos.example"), "{accounts}");

    // Slow pages (3 s each, so a sync takes well over 10 s even on a fast machine, while the
    // poll below notices the first committed page within a few seconds even on a loaded one);
    // kill the CLI once a page has been served and committed.
    let ctl = emu.control();
    ctl.set_latency(Duration::from_millis(3000));
    ctl.reset_requests();
    let mut child = cli
        .cmd(&["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    // Kill as soon as another process sees committed events in the store.
    loop {
        let committed: usize = stored_events(&cli).values().map(Vec::len).sum();
        if committed > 0 {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(90),
            "the sync never committed a page"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sync ended before it could be killed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    let partial: usize = stored_events(&cli).values().map(Vec::len).sum();
    let expected = expected_events(&emu);
    let total: usize = expected.values().map(Vec::len).sum();
    assert!(
        partial > 0 && partial < total,
        "the kill came mid-sync: {partial} of {total}"
    );

    // Changes on the server meanwhile must not be lost either.
    let cal = expected.keys().next().unwrap().clone();
    let victim = expected[&cal][3].clone();
    ctl.delete_event(&cal, &victim).unwrap();

    ctl.set_latency(Duration::ZERO);
    ctl.reset_requests();
    cli.sync_completes();
    // It resumed: some calendar continued from a stored page token.
    let resumed = ctl
        .requests()
        .iter()
        .filter(|r| r.operation == "events.list" && r.query.contains("pageToken="))
        .count();
    assert!(resumed >= 1, "no request resumed from a page token");

    // Nothing lost, nothing twice. The resumed listing belongs to the interrupted sync's
    // snapshot, so the deletion made meanwhile may still be there: it is in the changes the new
    // sync token reports.
    compare(&stored_events(&cli), &expected_events(&emu), Some(&victim));
    cli.sync_completes();
    let stored = stored_events(&cli);
    compare(&stored, &expected_events(&emu), None);
    assert!(!stored[&cal].contains(&victim));

    let out = cli.ok(&["disconnect", "user@chronos.example"]);
    assert!(out.contains("Disconnected"), "{out}");
    let accounts = cli.ok(&["accounts"]);
    assert!(accounts.contains("No account connected"), "{accounts}");
    assert!(ctl.requests().iter().any(|r| r.operation == "oauth.revoke"));
}

/// The store of a CLI data dir, opened with the CLI's keyring service (the CLI is not running).
fn open_store(dir: &Path, service: &str) -> chronos_core::store::Store {
    let secrets = std::sync::Arc::new(chronos_core::secrets::KeyringSecretStore::with_service(
        service,
    ));
    chronos_core::store::Store::open(dir.join(chronos_core::service::STORE_FILE), secrets).unwrap()
}

#[test]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
fn a_lost_data_key_never_wipes_on_read_and_reset_local_asks_first() {
    use chronos_core::secrets::{KeyringSecretStore, SecretStore};
    use chronos_core::store::{LocalWrite, NewOutboxEntry, OutboxOp, OutboxPayload, Store};
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::demo(dir.path(), "cli.reset");
    cli.ok(&["sync"]);
    let path = dir.path().join(chronos_core::service::STORE_FILE);
    {
        // One unsent change, as an edit in the app would leave it.
        let store = open_store(dir.path(), &cli.service);
        let all = store.events_in_range(
            None,
            None,
            chrono::DateTime::UNIX_EPOCH,
            chrono::DateTime::<chrono::Utc>::MAX_UTC,
        );
        let any = all.unwrap().remove(0);
        let mut local = (*any.event).clone();
        local.summary = Some("edited offline".into());
        let entry = NewOutboxEntry {
            calendar: any.calendar.clone(),
            event_id: local.id.clone(),
            op: OutboxOp::Update,
            payload: OutboxPayload {
                local: Some(local),
                ..Default::default()
            },
        };
        store
            .write_local(
                &any.account,
                &LocalWrite {
                    enqueue: vec![entry],
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let before = Store::reset_preview(&path).unwrap();
    assert_eq!(before.unsent_changes_lost, 1);
    assert!(before.events_wiped > 0);

    // The keyring is reset: the data key is gone (the CLI's demo sign-in needs no token).
    let keyring = KeyringSecretStore::with_service(cli.service.clone());
    let id = String::from_utf8(keyring.get("data-key:current").unwrap().unwrap().to_vec()).unwrap();
    keyring.delete(&format!("data-key:{id}")).unwrap();
    keyring.delete("data-key:current").unwrap();

    for args in [
        &["events", "--from", "1970-01-01", "--to", "2200-01-01"][..],
        &["calendars"],
        &["sync"],
    ] {
        let out = cli.run(args);
        let stderr = stderr_of(&out);
        assert!(!out.status.success(), "{args:?} must fail without the key");
        assert!(
            stderr.contains("data_key_missing") && stderr.contains("chronos-cli reset-local"),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            Store::reset_preview(&path).unwrap(),
            before,
            "{args:?} changed the store"
        );
    }

    // Without --yes the reset only reports.
    let out = cli.run(&["reset-local"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("loses 1 unsent change(s)") && stdout.contains("--yes"),
        "{stdout}"
    );
    assert_eq!(Store::reset_preview(&path).unwrap(), before);

    let out = cli.ok(&["reset-local", "--yes"]);
    assert!(out.contains("1 unsent change(s) lost"), "{out}");
    assert_eq!(Store::reset_preview(&path).unwrap().events_wiped, 0);
    cli.ok(&["sync"]);
    assert!(
        !stored_events(&cli).is_empty(),
        "the next sync fetches everything again"
    );
    let out = cli.ok(&["reset-local"]);
    assert!(out.contains("nothing to reset"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
async fn sign_in_with_a_given_client_through_a_fixed_redirect_port_then_sync_from_an_endpoints_file(
) {
    let mut world = World::demo();
    world.clients = vec![gcal_emulator::ClientSpec {
        client_id: "own.example".into(),
        client_secret: "own-secret".into(),
    }];
    let emu = emulator(world).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cli = Cli::against(&emu, &data, keyring_service("cli.endpoints"));
    let port = free_port().to_string();

    // Without --client-id the emulator shortcut offers the demo client, which this server refuses.
    let out = cli.run(&["connect", "--redirect-port", &port]);
    assert!(!out.status.success());
    let stderr = stderr_of(&out);
    assert!(stderr.contains("HTTP 401"), "{stderr}");

    let out = cli.ok(&connect_own_client(&port));
    assert!(out.contains("Connected demo@chronos.example"), "{out}");
    let ctl = emu.control();
    let auth = requests(&emu, "oauth.authorize");
    let q: BTreeMap<String, String> =
        url::form_urlencoded::parse(auth.last().unwrap().query.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(q["client_id"], "own.example");
    assert_eq!(
        q["redirect_uri"],
        format!("http://127.0.0.1:{port}/callback")
    );

    // A taken redirect port is named.
    let holder = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let taken = holder.local_addr().unwrap().port().to_string();
    let out = cli.run(&connect_own_client(&taken));
    let stderr = stderr_of(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!("127.0.0.1:{taken} is in use"))
            && stderr.contains("invalid_input"),
        "{stderr}"
    );

    // The same server named endpoint by endpoint in a file, client included, without the shortcut.
    let file = dir.path().join("endpoints.json");
    let json = serde_json::json!({
        "apiBase": emu.api_base(), "authUrl": emu.auth_url(), "tokenUrl": emu.token_url(),
        "revokeUrl": emu.revoke_url(), "userinfoUrl": emu.userinfo_url(),
        "clientId": "own.example", "clientSecret": "own-secret",
    });
    std::fs::write(&file, json.to_string()).unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .arg("--data-dir")
            .arg(&data)
            .arg("--endpoints")
            .arg(&file)
            .env("CHRONOS_KEYRING_SERVICE", &cli.service)
            .env_remove("CHRONOS_EMULATOR_URL")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["sync"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("completed"),
        "{stdout}\n{}",
        stderr_of(&out)
    );
    assert!(ctl.requests().iter().any(|r| r.operation == "events.list"));
    let out = run(&["disconnect", "demo@chronos.example"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(ctl.requests().iter().any(|r| r.operation == "oauth.revoke"));
}

/// `connect` with the client `own.example` (and its secret), on the redirect port `port`.
fn connect_own_client(port: &str) -> [&str; 7] {
    [
        "connect",
        "--client-id",
        "own.example",
        "--client-secret",
        "own-secret",
        "--redirect-port",
        port,
    ]
}

const ACCOUNT: &str = "user@chronos.example";
const WORK: &str = "work@group.calendar.google.com";
const HOME: &str = "home@group.calendar.google.com";

fn all_day(id: &str, day: &str, next: &str) -> Value {
    serde_json::json!({"id": id, "summary": format!("All day {day}"), "start": {"date": day}, "end": {"date": next}})
}

/// An emulator whose account has two selected calendars with events on fixed dates in June 2026:
/// in `WORK` a single event, a weekly series and a runaway series (every second); in `HOME` three
/// consecutive all-day events.
async fn scripted_emulator() -> EmulatorHandle {
    let emu = emulator(one_account_world(7, 1, 0)).await;
    let timed = |id: &str, summary: &str, start: &str, end: &str| {
        serde_json::json!({"id": id, "summary": summary,
            "start": {"dateTime": start, "timeZone": "Europe/Berlin"}, "end": {"dateTime": end, "timeZone": "Europe/Berlin"}})
    };
    let series = |rule: &str, first: Value| {
        let mut series = first;
        series["recurrence"] = serde_json::json!([rule]);
        series
    };
    let work = vec![
        timed(
            "single01",
            "Single",
            "2026-06-02T09:00:00+02:00",
            "2026-06-02T09:30:00+02:00",
        ),
        series(
            "RRULE:FREQ=WEEKLY;COUNT=4",
            timed(
                "weekly01",
                "Weekly",
                "2026-06-01T10:00:00+02:00",
                "2026-06-01T11:00:00+02:00",
            ),
        ),
        series(
            "RRULE:FREQ=SECONDLY",
            timed(
                "runaway01",
                "Every second",
                "2026-06-20T00:00:00+02:00",
                "2026-06-20T00:00:01+02:00",
            ),
        ),
    ];
    let home = vec![
        all_day("day0609", "2026-06-09", "2026-06-10"),
        all_day("day0610", "2026-06-10", "2026-06-11"),
        all_day("day0611", "2026-06-11", "2026-06-12"),
    ];
    for (id, events) in [(WORK, work), (HOME, home)] {
        let spec = gcal_emulator::CalendarSpec {
            id: id.into(),
            summary: id.into(),
            time_zone: "Europe/Berlin".into(),
            access_role: "owner".into(),
            selected: true,
            events,
            ..Default::default()
        };
        emu.control().add_calendar(ACCOUNT, spec).unwrap();
    }
    emu
}

fn json_lines(out: &str) -> Vec<Value> {
    out.lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn ids(lines: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = lines
        .iter()
        .filter(|l| l["type"] == "event")
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
async fn calendars_before_the_first_sync_say_how_and_piped_logs_have_no_colour_codes() {
    let emu = scripted_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::against(&emu, dir.path(), keyring_service("cli.first"));
    // Before the first sync `calendars` says how to get them.
    let out = cli.ok(&["calendars"]);
    assert!(
        out.contains("No account connected") && out.contains("chronos-cli connect"),
        "{out}"
    );
    cli.ok(&["connect"]);
    let out = cli.ok(&["calendars"]);
    assert!(
        out.contains("No calendars yet") && out.contains("chronos-cli sync"),
        "{out}"
    );

    // Logs on a pipe carry no colour codes.
    let synced = cli
        .cmd(&["sync"])
        .env("CHRONOS_LOG", "info")
        .output()
        .unwrap();
    let stderr = stderr_of(&synced);
    assert!(synced.status.success(), "{stderr}");
    assert!(
        stderr.contains("INFO"),
        "the logs went somewhere else: {stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "ANSI escapes in piped stderr: {stderr:?}"
    );
    let out = cli.ok(&["calendars"]);
    assert!(out.contains(WORK) && out.contains(HOME), "{out}");
}

/// A CLI's data dir and keyring service, connected to [`scripted_emulator`] and synced once.
struct Synced {
    emu: EmulatorHandle,
    dir: tempfile::TempDir,
    service: String,
}

impl Synced {
    fn cli(&self) -> Cli<'_> {
        Cli::against(&self.emu, self.dir.path(), self.service.clone())
    }
}

async fn synced(tag: &str) -> Synced {
    let synced = Synced {
        emu: scripted_emulator().await,
        dir: tempfile::tempdir().unwrap(),
        service: keyring_service(&format!("cli.{tag}")),
    };
    let cli = synced.cli();
    cli.ok(&["connect"]);
    cli.ok(&["sync"]);
    synced
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
async fn events_by_calendar_in_a_zone_with_their_series_fields() {
    let synced = synced("events").await;
    let cli = synced.cli();
    // --calendar lists that calendar only.
    let june = events_in("UTC", "2026-06-01", "2026-06-15", &["--json"]);
    let both = cli.json(&june);
    let cals: BTreeSet<&str> = both
        .iter()
        .map(|l| l["calendar"].as_str().unwrap())
        .collect();
    assert!(cals.contains(WORK) && cals.contains(HOME), "{both:?}");
    let only_home = cli.json(&[&june[..], &["--calendar", HOME]].concat());
    assert!(
        !only_home.is_empty() && only_home.iter().all(|l| l["calendar"] == HOME),
        "{only_home:?}"
    );
    assert_eq!(ids(&only_home), ["day0609", "day0610", "day0611"]);
    let unknown = cli.run(&[&june[..], &["--calendar", "nope@example.com"]].concat());
    assert!(!unknown.status.success());
    assert!(stderr_of(&unknown).contains("no calendar nope@example.com"));

    // All-day dates are windowed in the zone asked for, at both ends of the world.
    for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
        let day = cli.json(&events_in(
            zone,
            "2026-06-10",
            "2026-06-11",
            &["--calendar", HOME, "--json"],
        ));
        assert_eq!(ids(&day), ["day0610"], "{zone}: {day:?}");
        assert_eq!(day[0]["allDay"], true);
        assert_eq!(day[0]["start"], "2026-06-10");
    }

    // JSON fields of a series' occurrence and of a single event.
    let work = cli.json(&events_in(
        "Europe/Berlin",
        "2026-06-01",
        "2026-06-15",
        &["--calendar", WORK, "--json"],
    ));
    assert_eq!(
        ids(&work),
        [
            "single01",
            "weekly01_20260601T080000Z",
            "weekly01_20260608T080000Z"
        ]
    );
    let single = work.iter().find(|l| l["id"] == "single01").unwrap();
    assert_eq!(single["recurring"], false);
    assert_eq!(single["recurringEventId"], Value::Null);
    assert_eq!(single["originalStartTime"], Value::Null);
    let second = work
        .iter()
        .find(|l| l["id"] == "weekly01_20260608T080000Z")
        .unwrap();
    assert_eq!(second["recurring"], true);
    assert_eq!(second["recurringEventId"], "weekly01");
    let original =
        chrono::DateTime::parse_from_rfc3339(second["originalStartTime"].as_str().unwrap())
            .unwrap();
    assert_eq!(
        original,
        chrono::DateTime::parse_from_rfc3339("2026-06-08T10:00:00+02:00").unwrap()
    );
    assert_eq!(second["start"], second["originalStartTime"]);
    assert_eq!(
        work.iter().filter(|l| l["type"] != "event").count(),
        0,
        "a whole range has no cut"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
async fn a_runaway_rule_is_cut_said_so_and_exits_4() {
    let synced = synced("cut").await;
    let cli = synced.cli();
    // A runaway rule is cut, and the cut is said on stdout / in JSON, with exit status 4.
    let range = events_in("UTC", "2026-06-19", "2026-06-21", &["--calendar", WORK]);
    let out = cli.run(&range);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let notice: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("INCOMPLETE"))
        .collect();
    assert_eq!(
        notice.len(),
        1,
        "{}",
        stdout.lines().last().unwrap_or_default()
    );
    assert!(
        notice[0].contains("runaway01") && notice[0].contains(WORK),
        "{}",
        notice[0]
    );
    let out = cli.run(&[&range[..], &["--json"]].concat());
    assert_eq!(out.status.code(), Some(4));
    let lines = json_lines(&String::from_utf8_lossy(&out.stdout));
    let cuts: Vec<&Value> = lines.iter().filter(|l| l["type"] == "truncated").collect();
    assert_eq!(cuts.len(), 1, "{:?}", lines.last());
    assert_eq!(
        (cuts[0]["series"].as_str(), cuts[0]["calendar"].as_str()),
        (Some("runaway01"), Some(WORK))
    );
    assert_eq!(
        cuts[0]["limit"]["kind"], "series_occurrences",
        "{}",
        cuts[0]
    );
    assert!(
        lines.iter().any(|l| l["recurringEventId"] == "runaway01"),
        "the occurrences before the cut are listed"
    );
}

const FAMILY: &str = "family@group.calendar.google.com";

/// `add` as a user runs it: the line read in a given zone and locale; `--dry-run` saves nothing
/// locally or at Google, a real add reaches the emulator and comes back with the next sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
async fn add_dry_run_saves_nothing_and_add_reaches_the_emulator() {
    let emu = emulator(one_account_world(11, 1, 0)).await;
    let family = gcal_emulator::CalendarSpec {
        id: FAMILY.into(),
        summary: "Family".into(),
        time_zone: "Europe/Berlin".into(),
        access_role: "owner".into(),
        selected: true,
        ..Default::default()
    };
    emu.control().add_calendar(ACCOUNT, family).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::against(&emu, dir.path(), keyring_service("cli.add"));
    cli.ok(&["connect"]);
    cli.sync_completes();
    // Dates are written out, so the day the test runs does not matter.
    let line = "Tax review 2030-05-01 10:00 for 45 min /family";
    let add = |more: &[&str]| {
        let out = cli
            .cmd(&[&["add", line][..], more].concat())
            .env("TZ", "Europe/Berlin")
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{stdout}\n{}", stderr_of(&out));
        stdout
    };
    let stored_in_family = || {
        json_lines(&cli.ok(&events_in(
            "UTC",
            "2030-04-30",
            "2030-05-03",
            &["--calendar", FAMILY, "--json", "--raw"],
        )))
    };

    let dry = json_lines(&add(&["--dry-run", "--json"]));
    assert_eq!(dry.len(), 1, "{dry:?}");
    let dry = &dry[0];
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["draft"]["title"], "Tax review");
    assert_eq!(dry["draft"]["zone"], "Europe/Berlin");
    assert_eq!(dry["draft"]["when"]["start"], "2030-05-01T10:00:00+02:00");
    assert_eq!(dry["draft"]["when"]["end"], "2030-05-01T10:45:00+02:00");
    assert_eq!(
        dry["draft"]["ambiguities"][0]["kind"],
        "timeWithoutMeridiem"
    );
    assert_eq!(dry["calendar"]["calendar"], FAMILY);
    assert!(dry.get("eventId").is_none(), "{dry}");
    let human = add(&["--dry-run"]);
    assert!(
        human.contains("Title:     Tax review") && human.contains("nothing was saved"),
        "{human}"
    );
    assert!(emu.control().event_ids(FAMILY).unwrap().is_empty());
    assert!(stored_in_family().is_empty());

    let added = json_lines(&add(&["--json"]));
    let id = added[0]["eventId"].as_str().unwrap().to_owned();
    assert_eq!(added[0]["sent"], true, "{added:?}");
    let on_google = emu.control().get_event(FAMILY, &id).unwrap();
    assert_eq!(on_google["summary"], "Tax review");
    assert_eq!(on_google["start"]["timeZone"], "Europe/Berlin");
    cli.sync_completes();
    assert_eq!(ids(&stored_in_family()), std::slice::from_ref(&id));

    // The add is the last change made here: undo takes it back on Google, redo brings it back.
    let undone = cli.json(&["undo", "--json"]);
    assert_eq!(undone[0]["done"], true, "{undone:?}");
    assert_eq!(undone[0]["label"], "Created “Tax review”");
    assert_eq!(undone[0]["queued"], false);
    assert_eq!(
        emu.control().get_event(FAMILY, &id).unwrap()["status"],
        "cancelled"
    );
    let redone = cli.json(&["undo", "--redo", "--json"]);
    assert_eq!(redone[0]["redone"], true, "{redone:?}");
    assert_eq!(
        emu.control().get_event(FAMILY, &id).unwrap()["status"],
        "confirmed"
    );
    let out = cli.run(&["undo", "--redo"]);
    assert_eq!(out.status.code(), Some(3), "nothing more to redo");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to redo"));
}

/// `search` finds stored events by a word's prefix, whatever the case, once per series, and
/// keeps to --from/--to. Only results that do not depend on today's date are asserted: single
/// events, and that a series comes once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
async fn search_finds_events_by_prefix_once_per_series_and_within_a_range() {
    let synced = synced("search").await;
    let cli = synced.cli();
    let search = |args: &[&str]| -> Vec<Value> {
        cli.json(&[&["search", "--zone", "Europe/Berlin", "--json"][..], args].concat())
    };
    let hits = |lines: &[Value]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l["type"] == "hit")
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let single = search(&["SING"]);
    assert_eq!(hits(&single), ["single01"]);
    let line = &single[0];
    assert_eq!(
        (line["calendar"].as_str(), line["title"].as_str()),
        (Some(WORK), Some("Single"))
    );
    assert_eq!(line["start"], "2026-06-02T09:00:00+02:00");
    assert_eq!(line["allDay"], false);
    assert_eq!(single.last().unwrap()["total"], 1);
    // A series is one hit (its occurrence depends on today, so only its series is checked).
    let weekly = search(&["week"]);
    assert_eq!(weekly.iter().filter(|l| l["type"] == "hit").count(), 1);
    assert_eq!(weekly[0]["seriesId"], "weekly01");
    // All-day events, in date order, and a range that keeps one of them.
    assert_eq!(
        hits(&search(&["all day"])),
        ["day0609", "day0610", "day0611"]
    );
    let one = search(&["all", "--from", "2026-06-10", "--to", "2026-06-11"]);
    assert_eq!(hits(&one), ["day0610"]);
    assert_eq!(one[0]["start"], "2026-06-10");
    assert!(hits(&search(&["nothing-like-this"])).is_empty());
    // Text output: a line with the date and title; a bad range is an error.
    let text = cli.ok(&["search", "--zone", "Europe/Berlin", "single"]);
    assert!(text.contains("2026-06-02 09:00–09:30  Single"), "{text}");
    let bad = cli.run(&["search", "x", "--from", "2026-06-10", "--to", "2026-06-01"]);
    assert!(!bad.status.success());
    assert!(stderr_of(&bad).contains("--to must be after --from"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: with-keyring.sh cargo test -p chronos-cli -- --include-ignored"]
async fn trash_restore_and_health_from_the_command_line() {
    let synced = synced("trash").await;
    let cli = synced.cli();
    let health = cli.json(&["health", "--json"]);
    let work = health
        .iter()
        .find(|r| r["calendarId"] == WORK)
        .expect("a row for the work calendar");
    assert_eq!(work["lastError"], Value::Null);
    assert_eq!(work["pendingChanges"], 0);
    assert_eq!(work["incremental"], true);
    let stored = work["eventsStored"].as_u64().unwrap();
    assert!(stored >= 3, "{work}");

    // Deleted on Google: synced into the trash, then restored from the command line.
    synced.emu.control().delete_event(WORK, "single01").unwrap();
    cli.sync_completes();
    let trash = cli.json(&["trash", "--json"]);
    assert_eq!(trash.len(), 1, "{trash:?}");
    assert_eq!(
        (
            &trash[0]["eventId"],
            &trash[0]["reason"],
            &trash[0]["title"]
        ),
        (
            &Value::from("single01"),
            &Value::from("deleted_on_google"),
            &Value::from("Single")
        )
    );
    let id = trash[0]["id"].as_i64().unwrap().to_string();
    let restored = cli.json(&["restore", &id, "--json"]);
    assert_eq!(restored[0]["state"], "restored");
    let server = synced.emu.control().get_event(WORK, "single01").unwrap();
    assert_eq!(server["status"], "confirmed");
    let bad = cli.run(&["restore", "999999"]);
    assert!(!bad.status.success());
    assert!(stderr_of(&bad).contains("no trash entry 999999"));

    // A failing calendar: health says which, and exits 3.
    synced
        .emu
        .control()
        .add_fault(gcal_emulator::FaultRule::status("/events", 400, 1_000).with_method("GET"))
        .unwrap();
    let _ = cli.run(&["sync"]);
    let out = cli.run(&["health", "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let rows = json_lines(&String::from_utf8_lossy(&out.stdout));
    let work = rows.iter().find(|r| r["calendarId"] == WORK).unwrap();
    assert_eq!(work["lastError"]["current"], true);
    assert_eq!(work["lastError"]["kind"], "invalid_input");
    let text = String::from_utf8_lossy(&cli.run(&["health"]).stdout).into_owned();
    assert!(text.contains("now failing"), "{text}");
}
