//! Secret Service entries of a test run's own. Tests that use the real keyring run under
//! `src-tauri/crates/chronos-core/tests/with-keyring.sh`, which starts a private, unlocked
//! Secret Service and sets `CHRONOS_KEYRING_TESTS=1`; without it they refuse to run, so they
//! never touch a developer's own keyring, and with it an unavailable keyring is a failure.

use chronos_core::secrets::KeyringSecretStore;

/// A keyring service name for `tag` in this test process, never the app's real one.
pub fn keyring_service(tag: &str) -> String {
    assert_eq!(
        std::env::var("CHRONOS_KEYRING_TESTS").as_deref(),
        Ok("1"),
        "run under src-tauri/crates/chronos-core/tests/with-keyring.sh (a private, unlocked Secret Service)"
    );
    format!("app.chronos.desktop.test.{tag}.{}", std::process::id())
}

/// The real Secret Service under [`keyring_service`]`(tag)`.
pub fn test_keyring(tag: &str) -> KeyringSecretStore {
    KeyringSecretStore::with_service(keyring_service(tag))
}
