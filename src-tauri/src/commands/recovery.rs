//! A local copy that cannot be read any more (the keyring lost its data key): what a reset would
//! lose, and the reset itself — only when the user confirms it, never as a fallback.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::view::LocalReset;
use tauri::{AppHandle, Runtime, State};

fn options(engine: &Engine) -> CmdResult<&ChronosOptions> {
    engine.recovery.as_ref().ok_or_else(|| {
        AppError::invalid(
            "reset",
            "the local copy opens normally: there is nothing to reset",
        )
    })
}

/// What a reset would lose, counted without changing anything.
pub async fn preview(engine: &Engine) -> CmdResult<LocalReset> {
    Ok(Chronos::local_reset_preview(options(engine)?).await?.into())
}

/// Wipes the unreadable copy and makes a new one, only with `confirm`.
pub async fn reset(engine: &Engine, confirm: bool) -> CmdResult<LocalReset> {
    let options = options(engine)?.clone();
    if !confirm {
        return Err(AppError::invalid(
            "confirm",
            "resetting the local copy loses its unsent changes: it needs your confirmation",
        ));
    }
    let (fresh, report) = Chronos::open_recovering(options).await?;
    drop(fresh);
    tracing::warn!(
        unsent_changes = report.unsent_changes_lost,
        conflicts = report.conflicts_lost,
        events = report.events_wiped,
        "the local copy was reset at the user's request"
    );
    Ok(report.into())
}

#[tauri::command]
pub async fn local_reset_preview(engine: State<'_, Engine>) -> CmdResult<LocalReset> {
    preview(&engine).await
}

/// The reset the user confirmed; the app then starts again on the new copy (the engine in
/// state is the one that could not open).
#[tauri::command]
pub async fn reset_local_copy<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    confirm: bool,
) -> CmdResult<LocalReset> {
    let report = reset(&engine, confirm).await?;
    tauri::async_runtime::spawn(async move {
        // Lets the answer reach the page first.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        app.restart();
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chronos_core::config::{GoogleEndpoints, OAuthClientConfig};
    use chronos_core::secrets::MemorySecretStore;
    use chronos_core::service::STORE_FILE;
    use std::sync::Arc;

    fn options_in(dir: &std::path::Path, secrets: Arc<MemorySecretStore>) -> ChronosOptions {
        ChronosOptions::new(
            dir,
            secrets,
            GoogleEndpoints::default(),
            OAuthClientConfig::new("id", "secret"),
        )
    }

    #[tokio::test]
    async fn a_lost_key_leaves_the_copy_alone_until_the_user_confirms_a_reset() {
        let dir = tempfile::tempdir().unwrap();
        let first = crate::engine::open_with(
            options_in(dir.path(), Arc::new(MemorySecretStore::default())),
            None,
        )
        .await;
        assert!(first.chronos.is_ok() && first.recovery.is_none());
        drop(first);
        let file = dir.path().join(STORE_FILE);
        let before = std::fs::read(&file).unwrap();

        // Another keyring: the key is gone.
        let lost = Arc::new(MemorySecretStore::default());
        let engine = crate::engine::open_with(options_in(dir.path(), lost.clone()), None).await;
        let err = engine
            .chronos
            .as_ref()
            .err()
            .expect("the store cannot be read");
        assert_eq!(err.kind, chronos_core::ErrorKind::DataKeyMissing);
        assert!(err.message.contains("reset"), "{}", err.message);
        assert_eq!(
            preview(&engine).await.unwrap(),
            LocalReset {
                unsent_changes: 0,
                conflicts: 0,
                events: 0
            }
        );
        let refused = reset(&engine, false).await.unwrap_err();
        assert_eq!(refused.field.as_deref(), Some("confirm"));
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "nothing changes without consent"
        );

        reset(&engine, true).await.unwrap();
        drop(engine);
        let reopened = crate::engine::open_with(options_in(dir.path(), lost), None).await;
        assert!(
            reopened.chronos.is_ok(),
            "the new copy opens with the new key"
        );
        let nothing = preview(&reopened).await.unwrap_err();
        assert_eq!(nothing.field.as_deref(), Some("reset"));
    }
}
