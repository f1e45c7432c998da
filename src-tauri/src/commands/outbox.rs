//! Local changes on their way to Google, and conflicts waiting for the user.

use crate::engine::Engine;
use crate::error::{AppError, CmdResult};
use chronos_core::model::AccountId;
use chronos_core::outbox::conflicts::{ChangeState, PendingWhat, Resolution};
use chronos_core::store::{ConflictId, OutboxId, OutboxOp};
use chronos_core::view::ConflictView;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingChangeView {
    pub id: String,
    pub account_id: String,
    pub calendar_id: String,
    pub event_id: String,
    #[ts(type = "ChangeOp")]
    pub op: String,
    #[ts(type = "ChangeState")]
    pub state: ChangeState,
    pub error: Option<AppError>,
    pub title: Option<String>,
}

/// How the UI asks to resolve a conflict: `{kind: "keep_mine" | "keep_theirs" | "reapply_field", field?}`.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResolutionInput {
    KeepMine,
    KeepTheirs,
    ReapplyField { field: String },
}

/// The page's name for an outbox operation.
pub fn op_name(op: OutboxOp) -> &'static str {
    match op {
        OutboxOp::Insert => "create",
        other => other.as_str(),
    }
}

#[tauri::command]
pub async fn list_pending_changes(engine: State<'_, Engine>) -> CmdResult<Vec<PendingChangeView>> {
    let chronos = engine.get()?;
    let mut out = Vec::new();
    for account in chronos.accounts().await? {
        for c in chronos.list_pending_changes(&account.id).await? {
            let (Some(id), PendingWhat::Change(op)) = (c.change_id, c.what) else {
                continue;
            };
            out.push(PendingChangeView {
                id: id.0.to_string(),
                account_id: account.id.as_str().to_owned(),
                calendar_id: c.calendar.as_str().to_owned(),
                event_id: c.event_id.as_str().to_owned(),
                op: op_name(op).to_owned(),
                state: c.state,
                error: c.last_error.map(|e| AppError::new(e.kind, e.message)),
                title: c.title,
            });
        }
    }
    Ok(out)
}

fn parse_id(field: &str, s: &str) -> CmdResult<i64> {
    s.parse()
        .map_err(|_| AppError::invalid(field, "not a change id"))
}

/// Which account an outbox entry belongs to (the UI passes the id alone).
async fn change_account(engine: &Engine, id: i64) -> CmdResult<AccountId> {
    engine
        .get()?
        .change_account(OutboxId(id))
        .await
        .map_err(|e| match e.kind() {
            chronos_core::ErrorKind::NotFound => {
                AppError::not_found("this change is no longer pending")
            }
            _ => e.into(),
        })
}

// Retry, discard and resolve go through the core, which pushes what they queue at once and
// announces the changed outbox and events (forwarded to the UI by `engine`).

#[tauri::command]
pub async fn retry_change(engine: State<'_, Engine>, change_id: String) -> CmdResult<()> {
    let id = parse_id("changeId", &change_id)?;
    let account = change_account(&engine, id).await?;
    let chronos = engine.get()?;
    chronos.user_activity();
    Ok(chronos.retry_change(&account, OutboxId(id)).await?)
}

#[tauri::command]
pub async fn discard_change(engine: State<'_, Engine>, change_id: String) -> CmdResult<()> {
    let id = parse_id("changeId", &change_id)?;
    let account = change_account(&engine, id).await?;
    let chronos = engine.get()?;
    chronos.user_activity();
    Ok(chronos.discard_change(&account, OutboxId(id)).await?)
}

#[tauri::command]
pub async fn list_conflicts(engine: State<'_, Engine>) -> CmdResult<Vec<ConflictView>> {
    Ok(engine.get()?.conflict_views().await?)
}

#[tauri::command]
pub async fn resolve_conflict(
    engine: State<'_, Engine>,
    conflict_id: String,
    resolution: ResolutionInput,
) -> CmdResult<()> {
    let id = ConflictId(parse_id("conflictId", &conflict_id)?);
    let chronos = engine.get()?;
    let account = chronos.conflict_account(id).await.map_err(|e| {
        if e.kind() == chronos_core::ErrorKind::NotFound {
            AppError::not_found("this conflict is already resolved")
        } else {
            e.into()
        }
    })?;
    let how = match resolution {
        ResolutionInput::KeepMine => Resolution::KeepMine,
        ResolutionInput::KeepTheirs => Resolution::KeepTheirs,
        ResolutionInput::ReapplyField { field } => Resolution::ReapplyField(field),
    };
    chronos.user_activity();
    Ok(chronos.resolve_conflict(&account, id, how).await?)
}
