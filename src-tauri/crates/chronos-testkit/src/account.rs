//! An account as the engine holds it after a sign-in, without a browser: tokens minted by the
//! emulator and kept by the real token manager, the real client and the real encrypted store.

use chronos_core::auth::{open_without_browser, TokenEndpoint, TokenManager, TokenSet};
use chronos_core::clock::{Backoff, Clock};
use chronos_core::config::{GoogleEndpoints, OAuthClientConfig};
use chronos_core::google::{ClientOptions, GoogleClient, RequestLimits};
use chronos_core::model::AccountId;
use chronos_core::secrets::{MemorySecretStore, SecretStore};
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::store::Store;
use gcal_emulator::EmulatorHandle;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::emulator::endpoints;

/// An HTTP client for loopback tests: no system proxy (it would not reach 127.0.0.1), and
/// redirects left to the caller (sign-in tests follow them by hand).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// An empty secret store in memory: tests that are not about the keyring never touch one.
pub fn memory_secrets() -> Arc<MemorySecretStore> {
    Arc::new(MemorySecretStore::default())
}

/// The OAuth client every emulator world knows.
pub fn demo_client() -> OAuthClientConfig {
    OAuthClientConfig::new(
        gcal_emulator::DEMO_CLIENT_ID,
        gcal_emulator::DEMO_CLIENT_SECRET,
    )
}

/// The emulator's token endpoint, used as the demo client.
pub fn token_endpoint(emu: &EmulatorHandle) -> TokenEndpoint {
    TokenEndpoint::new(http(), endpoints(emu), demo_client())
}

/// A token manager holding tokens minted by the emulator for `account` (as after a sign-in),
/// kept in `secrets`; their expiry is counted from `clock`.
pub async fn signed_in(
    emu: &EmulatorHandle,
    account: &str,
    clock: Arc<dyn Clock>,
    secrets: Arc<dyn SecretStore>,
) -> Arc<TokenManager> {
    let minted = emu.control().mint_tokens(account).expect("mint");
    let tokens = TokenSet {
        access_token: minted.access_token.clone(),
        expires_at: clock.now() + chrono::Duration::seconds(minted.expires_in as i64),
        refresh_token: minted.refresh_token.clone(),
        scope: minted.scope.clone(),
    };
    let manager = Arc::new(TokenManager::new(
        AccountId::new(account),
        secrets,
        token_endpoint(emu),
        clock,
    ));
    manager.store_new(tokens).await.expect("tokens stored");
    manager
}

/// Client options for tests: waits on `clock` (a test clock makes them virtual), no request
/// cap, a 64 MiB body limit and a 20 s timeout. Tests change what they exercise.
pub fn test_client_options(clock: Arc<dyn Clock>, backoff: Backoff) -> ClientOptions {
    ClientOptions {
        backoff,
        clock,
        limits: RequestLimits::unlimited(),
        max_body_bytes: 64 * 1024 * 1024,
        request_timeout: Duration::from_secs(20),
    }
}

/// The engine's Google client against `endpoints` (usually [`endpoints`] of an emulator).
pub fn google_client(
    endpoints: &GoogleEndpoints,
    tokens: Arc<TokenManager>,
    options: ClientOptions,
) -> GoogleClient {
    GoogleClient::new(http(), endpoints, tokens, options)
}

/// The encrypted store `chronos.sqlite` in `dir`, with `account` in it.
pub fn open_store(dir: &Path, secrets: Arc<dyn SecretStore>, account: &AccountId) -> Arc<Store> {
    let store = Store::open(dir.join("chronos.sqlite"), secrets).expect("the store opens");
    store.upsert_account(account).expect("the account is added");
    Arc::new(store)
}

/// Options for a whole `Chronos` in `dir` against the emulator with the demo client, otherwise
/// the defaults.
pub fn options(emu: &EmulatorHandle, dir: &Path, secrets: Arc<dyn SecretStore>) -> ChronosOptions {
    ChronosOptions::new(dir, secrets, endpoints(emu), demo_client())
}

/// [`options`] for tests that should not wait: retries after 5 ms instead of seconds
/// (`max_retries` of them), and no probe of the push address. Tests adjust the rest.
pub fn chronos_options(
    emu: &EmulatorHandle,
    dir: &Path,
    secrets: Arc<dyn SecretStore>,
    max_retries: u32,
) -> ChronosOptions {
    let mut o = options(emu, dir, secrets);
    o.client.backoff = Backoff {
        max_retries,
        ..Backoff::with_base(Duration::from_millis(5))
    };
    o.push.probe = None;
    o
}

/// Opens a `Chronos` with `options` and connects the account the emulator approves, without a
/// browser (as the demo mode does).
pub async fn connected(options: ChronosOptions) -> (Chronos, AccountId) {
    let chronos = Chronos::open(options).await.expect("Chronos opens");
    let account = chronos
        .connect_account(open_without_browser)
        .await
        .expect("the emulator approves the sign-in");
    (chronos, account)
}

/// Approves a sign-in without a browser after changing one parameter of the consent URL, as a
/// user would by choosing another account (`login_hint`) or unticking a scope (`scope`).
pub async fn approve_with(url: String, param: &str, value: &str) -> chronos_core::Result<()> {
    let mut parsed = url::Url::parse(&url).expect("a consent URL");
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == param {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    open_without_browser(parsed.into()).await
}
