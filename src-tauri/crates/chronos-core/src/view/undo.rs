//! The undo history as the window shows it: what Ctrl+Z and Ctrl+Shift+Z would do, and what
//! one did.

use crate::service::UndoDone;
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// The labels of the change the next undo takes back and the next redo makes again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct UndoStatusView {
    pub undo: Option<String>,
    pub redo: Option<String>,
}

/// What an undo or a redo did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct UndoResultView {
    /// "Deleted “Lunch”".
    pub label: String,
    pub redone: bool,
    /// Fields changed elsewhere since, left as they are (`title`, `start`, …).
    pub kept: Vec<String>,
}

impl From<UndoDone> for UndoResultView {
    fn from(d: UndoDone) -> Self {
        UndoResultView {
            label: d.label,
            redone: d.redone,
            kept: d.kept,
        }
    }
}

impl UndoResultView {
    /// The toast's sentence: "Undone: Deleted “Lunch”" (and what was kept).
    pub fn sentence(&self) -> String {
        let verb = if self.redone { "Redone" } else { "Undone" };
        let mut s = format!("{verb}: {}", self.label);
        if !self.kept.is_empty() {
            s.push_str(&format!(
                " ({} changed elsewhere since, kept)",
                self.kept.join(", ")
            ));
        }
        s
    }
}
