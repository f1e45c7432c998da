//! `KeyringSecretStore` and the store's data key against the real Secret Service.
//!
//! These tests need a D-Bus session with an unlocked keyring, so they are `#[ignore]`d in a plain
//! `cargo test`. Run them with:
//!   tests/with-keyring.sh cargo test -p chronos-core --test keyring_secret_service -- --include-ignored
//! The script sets `CHRONOS_KEYRING_TESTS=1`; with it set, an unavailable keyring is a failure,
//! never a skip. Without it the tests refuse to run, so they never touch a developer's own keyring.

use chronos_core::model::*;
use chronos_core::secrets::{KeyringSecretStore, SecretStore};
use chronos_core::store::*;
use chronos_core::{Error, ErrorKind};
use chronos_testkit::test_keyring as keyring;
use std::sync::Arc;

#[test]
#[ignore = "needs a Secret Service: tests/with-keyring.sh cargo test --test keyring_secret_service -- --include-ignored"]
fn secrets_round_trip_through_the_daemon() {
    let k = keyring("rt");
    assert_eq!(k.get("token:a@example.com").unwrap(), None);
    let value: Vec<u8> = (0u8..=255).collect();
    k.set("token:a@example.com", &value).unwrap();
    assert_eq!(
        k.get("token:a@example.com")
            .unwrap()
            .as_deref()
            .map(|v| v.to_vec()),
        Some(value.clone())
    );
    k.set("token:a@example.com", b"second").unwrap();
    assert_eq!(
        k.get("token:a@example.com")
            .unwrap()
            .as_deref()
            .map(|v| v.to_vec()),
        Some(b"second".to_vec())
    );
    // A second handle (a new process would do the same) sees it: it lives in the daemon.
    let again = KeyringSecretStore::with_service(k.service().to_owned());
    assert!(again.get("token:a@example.com").unwrap().is_some());
    k.delete("token:a@example.com").unwrap();
    assert_eq!(again.get("token:a@example.com").unwrap(), None);
    k.delete("token:a@example.com").unwrap(); // deleting a missing secret is fine
}

#[test]
#[ignore = "needs a Secret Service: tests/with-keyring.sh cargo test --test keyring_secret_service -- --include-ignored"]
fn the_store_keeps_its_data_key_in_the_keyring() {
    let k: Arc<KeyringSecretStore> = Arc::new(keyring("store"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chronos.sqlite");
    let a = AccountId::from("a@example.com");
    let c = CalendarId::from("a@example.com");
    {
        let s = Store::open(&path, k.clone()).unwrap();
        s.upsert_account(&a).unwrap();
        s.apply_calendar_list(
            &a,
            &[CalendarListEntry {
                id: c.clone(),
                summary: Some("Mine".into()),
                selected: Some(true),
                ..Default::default()
            }],
            true,
            None,
        )
        .unwrap();
        let g = s.begin_full_sync(&a, &c).unwrap();
        let e = EventResource {
            id: EventId::from("e1"),
            summary: Some("Secret meeting".into()),
            ..Default::default()
        };
        s.apply_page(
            &a,
            &c,
            &[e],
            &PageApply {
                full_sync: Some(g),
                end: PageEnd::Last(SyncToken::from("t")),
            },
        )
        .unwrap();
    }
    let key_id = {
        let raw = k
            .get("data-key:current")
            .unwrap()
            .expect("current key id in the keyring");
        String::from_utf8(raw.to_vec()).unwrap()
    };
    let key = k
        .get(&format!("data-key:{key_id}"))
        .unwrap()
        .expect("key in the keyring");
    assert_eq!(key.len(), 32);
    // Reopened with a fresh handle: the key comes back from the daemon.
    let s = Store::open(
        &path,
        Arc::new(KeyringSecretStore::with_service(k.service().to_owned())),
    )
    .unwrap();
    let got = s.get_event(&a, &c, &EventId::from("e1")).unwrap().unwrap();
    assert_eq!(got.event.summary.as_deref(), Some("Secret meeting"));
    drop(s);

    // The keyring loses the key: a clear error, then the one-step recovery.
    k.delete(&format!("data-key:{key_id}")).unwrap();
    let err = Store::open(&path, k.clone()).err().unwrap();
    assert!(matches!(err, Error::DataKeyMissing(_)), "{err:?}");
    let (s, report) = Store::recover_missing_key(&path, k.clone()).unwrap();
    assert_eq!(report.events_wiped, 1);
    assert!(s.get_event(&a, &c, &EventId::from("e1")).unwrap().is_none());
    let new_id = s.current_data_key();
    assert!(k.get(&format!("data-key:{new_id}")).unwrap().is_some());
    drop(s);
    for id in [key_id.clone(), new_id.to_string(), "current".into()] {
        k.delete(&format!("data-key:{id}")).unwrap();
    }
}

#[test]
#[ignore = "needs a Secret Service: tests/with-keyring.sh cargo test --test keyring_secret_service -- --include-ignored"]
fn an_unreachable_keyring_is_a_clear_error() {
    // A child process with a dead session bus: the same calls must fail with `keyring_unavailable`
    // and a message that names the fix, never fall back to anything else.
    let k = keyring("dead");
    if std::env::var("CHRONOS_KEYRING_DEAD_CHILD").is_ok() {
        let err = k.get("anything").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::KeyringUnavailable, "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("Secret Service") && msg.contains("unlock"),
            "{msg}"
        );
        assert_eq!(
            k.set("anything", b"x").unwrap_err().kind(),
            ErrorKind::KeyringUnavailable
        );
        let dir = tempfile::tempdir().unwrap();
        let err = Store::open(dir.path().join("s.sqlite"), Arc::new(k))
            .err()
            .unwrap();
        assert_eq!(err.kind(), ErrorKind::KeyringUnavailable, "{err:?}");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let status = std::process::Command::new(exe)
        .args([
            "--exact",
            "an_unreachable_keyring_is_a_clear_error",
            "--include-ignored",
            "--nocapture",
        ])
        .env("CHRONOS_KEYRING_DEAD_CHILD", "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/chronos-no-bus",
        )
        .status()
        .unwrap();
    assert!(status.success(), "the child's assertions failed");
}
