//! Desktop notifications (sync failures, re-auth) through tauri-plugin-notification, one per
//! problem.

use crate::events::{SyncState, SyncStatus};
use std::collections::HashMap;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::Notification;

pub fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    // Mock-runtime tests run without the plugin; its absence must not panic.
    let Some(notification) = app.try_state::<Notification<R>>() else {
        return;
    };
    if let Err(e) = notification.builder().title(title).body(body).show() {
        tracing::warn!(error = %e, "could not show a desktop notification");
    }
}

/// A desktop notification to show.
#[derive(Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// Remembers which problem each account was last notified about, so a background sync failing
/// every five minutes produces one notification, not one per attempt.
#[derive(Default)]
pub struct ProblemNotices {
    notified: HashMap<String, String>,
}

impl ProblemNotices {
    pub fn on_status(&mut self, status: &SyncStatus) -> Option<Notice> {
        let problem = match status.state {
            SyncState::NeedsReauth => "needs_reauth".to_owned(),
            SyncState::Error => {
                format!(
                    "error:{}",
                    status.error.as_ref().map_or("unknown", |e| e.kind.as_str())
                )
            }
            SyncState::UpToDate => {
                self.notified.remove(&status.account_id);
                return None;
            }
            SyncState::Idle | SyncState::Syncing => return None,
        };
        if self.notified.get(&status.account_id) == Some(&problem) {
            return None;
        }
        self.notified.insert(status.account_id.clone(), problem);
        Some(match status.state {
            SyncState::NeedsReauth => Notice {
                title: "Chronos needs you to sign in again".to_owned(),
                body: format!(
                    "{} must be reconnected before it can sync.",
                    status.account_id
                ),
            },
            _ => Notice {
                title: "Chronos could not sync".to_owned(),
                body: match &status.error {
                    Some(e) => format!("{}: {}", status.account_id, e.message),
                    None => format!("{}: the last sync failed.", status.account_id),
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use chronos_core::ErrorKind;

    fn status(state: SyncState, error: Option<AppError>) -> SyncStatus {
        SyncStatus {
            account_id: "a@example.com".into(),
            state,
            last_sync_at: None,
            error,
            pending_changes: 0,
            progress: None,
        }
    }

    #[test]
    fn one_notice_per_problem() {
        let mut n = ProblemNotices::default();
        let offline = || Some(AppError::new(ErrorKind::Offline, "no network"));
        assert!(n.on_status(&status(SyncState::Error, offline())).is_some());
        assert!(n.on_status(&status(SyncState::Syncing, None)).is_none());
        assert!(
            n.on_status(&status(SyncState::Error, offline())).is_none(),
            "same problem again"
        );
        let reauth = n
            .on_status(&status(SyncState::NeedsReauth, None))
            .expect("a new problem");
        assert!(reauth.title.contains("sign in"));
        assert!(n.on_status(&status(SyncState::NeedsReauth, None)).is_none());
        assert!(n.on_status(&status(SyncState::UpToDate, None)).is_none());
        assert!(
            n.on_status(&status(SyncState::Error, offline())).is_some(),
            "after recovery"
        );
    }
}
