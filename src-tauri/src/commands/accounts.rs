//! Accounts: list, connect (sign-in), reconnect, disconnect.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use chronos_core::model::AccountId;
use chronos_core::view::AccountListItem;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

#[tauri::command]
pub async fn list_accounts(engine: State<'_, Engine>) -> CmdResult<Vec<AccountListItem>> {
    Ok(engine.get()?.account_list().await?)
}

/// Runs the sign-in flow and resolves when the account is connected. The caller asks for the
/// first sync with `sync_now` (the UI does so at once); starting one here as well would make the
/// scheduler queue a second full run behind the first. Real Google: the system browser shows Google's consent page and redirects to the
/// engine's loopback listener. Demo: the emulator approves at once and the engine follows the
/// redirect itself, so no browser is involved.
type OpenResult =
    std::pin::Pin<Box<dyn std::future::Future<Output = chronos_core::Result<()>> + Send>>;

/// How the sign-in page is opened: the system browser, or in demo mode the engine follows the
/// emulator's auto-approve redirect itself.
fn sign_in_opener<R: Runtime>(app: &AppHandle<R>, demo: bool) -> impl FnOnce(String) -> OpenResult {
    let app = app.clone();
    move |url| -> OpenResult {
        if demo {
            return Box::pin(chronos_core::auth::open_without_browser(url));
        }
        let opened = app.opener().open_url(url, None::<&str>).map_err(|e| {
            chronos_core::Error::Auth(format!("the browser could not be opened: {e}"))
        });
        Box::pin(std::future::ready(opened))
    }
}

#[tauri::command]
pub async fn connect_account<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
) -> CmdResult<AccountListItem> {
    let chronos = engine.get()?;
    let account = chronos
        .connect_account(sign_in_opener(&app, engine.demo.is_some()))
        .await?;
    Ok(chronos.account_item(&account))
}

/// Signs in again after *Needs re-auth*, with Google's account chooser pre-set to the account.
/// A sign-in as another account changes nothing and fails with `invalid_input` naming who
/// signed in (that other account is not connected by it).
#[tauri::command]
pub async fn reconnect_account<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    account_id: String,
) -> CmdResult<AccountListItem> {
    let chronos = engine.get()?;
    let expected = AccountId::new(account_id);
    let account = chronos
        .reconnect_account(&expected, sign_in_opener(&app, engine.demo.is_some()))
        .await
        .map_err(|e| AppError::for_field(e, "accountId"))?;
    Ok(chronos.account_item(&account))
}

/// Revokes the grant, deletes the tokens and every local trace of the account.
#[tauri::command]
pub async fn disconnect_account(engine: State<'_, Engine>, account_id: String) -> CmdResult<()> {
    let chronos = engine.get()?;
    Ok(chronos.disconnect(&AccountId::new(account_id)).await?)
}
