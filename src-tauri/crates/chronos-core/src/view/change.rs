//! A local change on its way to Google as views show it, and how the page asks to settle a
//! conflict.

use crate::model::AccountId;
use crate::outbox::conflicts::{ChangeState, PendingChange, PendingWhat, Resolution};
use crate::store::OutboxOp;
use crate::view::ErrorView;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

/// What a pending change does, in the page's words (an insert is a "create").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Create,
    Update,
    Delete,
    Move,
}

impl ChangeOp {
    pub const ALL: [ChangeOp; 4] = [
        ChangeOp::Create,
        ChangeOp::Update,
        ChangeOp::Delete,
        ChangeOp::Move,
    ];
}

impl From<OutboxOp> for ChangeOp {
    fn from(op: OutboxOp) -> Self {
        match op {
            // A restore brings the event back: to the page, it is created again.
            OutboxOp::Insert | OutboxOp::Restore => ChangeOp::Create,
            OutboxOp::Update => ChangeOp::Update,
            OutboxOp::Delete => ChangeOp::Delete,
            OutboxOp::Move => ChangeOp::Move,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct PendingChangeView {
    pub id: String,
    pub account_id: String,
    pub calendar_id: String,
    pub event_id: String,
    #[cfg_attr(feature = "ts", ts(type = "ChangeOp"))]
    pub op: ChangeOp,
    #[cfg_attr(feature = "ts", ts(type = "ChangeState"))]
    pub state: ChangeState,
    pub error: Option<ErrorView>,
    pub title: Option<String>,
}

/// A queued change in the page's shape; `None` for a conflict record (listed on its own).
pub fn view(account: &AccountId, c: PendingChange) -> Option<PendingChangeView> {
    let (Some(id), PendingWhat::Change(op)) = (c.change_id, c.what) else {
        return None;
    };
    Some(PendingChangeView {
        id: id.0.to_string(),
        account_id: account.as_str().to_owned(),
        calendar_id: c.calendar.as_str().to_owned(),
        event_id: c.event_id.as_str().to_owned(),
        op: op.into(),
        state: c.state,
        error: c.last_error.map(|e| ErrorView::new(e.kind, e.message)),
        title: c.title,
    })
}

/// How the UI asks to resolve a conflict: `{kind: "keep_mine" | "keep_theirs" | "reapply_field", field?}`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResolutionInput {
    KeepMine,
    KeepTheirs,
    ReapplyField { field: String },
}

impl From<ResolutionInput> for Resolution {
    fn from(input: ResolutionInput) -> Self {
        match input {
            ResolutionInput::KeepMine => Resolution::KeepMine,
            ResolutionInput::KeepTheirs => Resolution::KeepTheirs,
            ResolutionInput::ReapplyField { field } => Resolution::ReapplyField(field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insert_and_a_restore_are_creates_and_every_op_has_its_word() {
        let words: Vec<_> = OutboxOp::ALL
            .iter()
            .map(|op| serde_json::to_value(ChangeOp::from(*op)).unwrap())
            .collect();
        assert_eq!(words, ["create", "update", "delete", "move", "create"]);
        let input: ResolutionInput =
            serde_json::from_str(r#"{"kind": "reapply_field", "field": "summary"}"#).unwrap();
        assert!(matches!(Resolution::from(input), Resolution::ReapplyField(f) if f == "summary"));
    }
}
