//! `chronos-cli undo [--redo]`: the undo history the app keeps, from the command line.

use crate::output::clean;
use anyhow::Result;
use chronos_core::service::Chronos;
use chronos_core::view::UndoResultView;
use serde_json::json;

/// Undoes (or redoes) the last change and sends it; the exit status: 0, or 3 with nothing to
/// undo.
pub async fn run(chronos: &Chronos, redo: bool, as_json: bool) -> Result<i32> {
    let done = if redo {
        chronos.redo().await?
    } else {
        chronos.undo().await?
    };
    let Some(done) = done else {
        let what = if redo { "redo" } else { "undo" };
        if as_json {
            println!("{}", json!({ "done": false }));
        } else {
            println!("Nothing to {what}.");
        }
        return Ok(3);
    };
    let queued = match chronos.push_pending_changes(&done.account).await {
        Ok(r) => r.remaining > 0,
        Err(_) => true,
    };
    let view = UndoResultView::from(done);
    if as_json {
        let mut v = serde_json::to_value(&view)?;
        v["done"] = json!(true);
        v["queued"] = json!(queued);
        println!("{v}");
    } else {
        println!("{}", clean(&view.sentence()));
        if queued {
            println!("It goes to Google with the next sync.");
        }
    }
    Ok(0)
}
