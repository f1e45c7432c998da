//! The feed turned into what a window is told: each engine event becomes the page's event of the
//! same meaning, a payload the window already has is not sent again, and each new problem of an
//! account becomes one desktop notice. A front end only delivers what comes out.

use crate::feed::{AccountView, EngineEvent, RunFinished};
use crate::sync::progress::SyncOutcome;
use crate::view::health::MassDeletionFound;
use crate::view::sync::{
    EventsChanged, OutboxChanged, SyncFinished, SyncProgress, SyncState, SyncStatus,
};
use std::collections::HashMap;

/// A desktop notification to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// One thing to deliver, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum UiUpdate {
    /// A changed status: send it, and redraw what summarises every account (the tray).
    Status(SyncStatus),
    Progress(SyncProgress),
    Finished(SyncFinished),
    Outbox(OutboxChanged),
    Events(EventsChanged),
    /// An account left: redraw the summary.
    Removed,
    MassDeletion(MassDeletionFound),
    Notice(Notice),
}

/// What the window was last told, per account.
#[derive(Default)]
pub struct UiUpdates {
    statuses: HashMap<String, SyncStatus>,
    progress: HashMap<String, SyncProgress>,
    notices: ProblemNotices,
}

impl UiUpdates {
    pub fn event(&mut self, event: EngineEvent) -> Vec<UiUpdate> {
        match event {
            EngineEvent::Account(view) => self.account(&view),
            // Its events leave the views.
            EngineEvent::AccountRemoved { account } => {
                self.statuses.remove(account.as_str());
                self.progress.remove(account.as_str());
                vec![
                    UiUpdate::Removed,
                    UiUpdate::Events(EventsChanged::of(&account, &[])),
                ]
            }
            EngineEvent::RunFinished(end) => self.run_finished(&end),
            EngineEvent::EventsChanged { account, calendars } => {
                vec![UiUpdate::Events(EventsChanged::of(&account, &calendars))]
            }
            EngineEvent::OutboxChanged {
                account,
                pending_changes,
                conflicts,
            } => vec![UiUpdate::Outbox(OutboxChanged {
                account_id: account.as_str().to_owned(),
                pending_changes: pending_changes as u32,
                conflicts: conflicts as u32,
            })],
            EngineEvent::MassDeletion {
                account,
                calendar,
                calendar_name,
                count,
            } => {
                let events = if count == 1 { "event" } else { "events" };
                vec![
                    UiUpdate::MassDeletion(MassDeletionFound {
                        account_id: account.as_str().to_owned(),
                        calendar_id: calendar.as_str().to_owned(),
                        count: count as u32,
                    }),
                    UiUpdate::Notice(Notice {
                        title: format!("{count} {events} deleted on Google"),
                        body: format!(
                            "From {calendar_name}. They are in Chronos' trash: review or restore them there."
                        ),
                    }),
                ]
            }
        }
    }

    /// An account's view as it is now (a subscription's snapshot, or after missed events).
    pub fn account(&mut self, view: &AccountView) -> Vec<UiUpdate> {
        let status = SyncStatus::from(view);
        let mut out = Vec::new();
        if let Some(progress) = &status.progress {
            self.progress(progress.clone(), &mut out);
        }
        if self.statuses.get(&status.account_id) == Some(&status) {
            return out;
        }
        out.push(UiUpdate::Status(status.clone()));
        if let Some(notice) = self.notices.on_status(&status) {
            out.push(UiUpdate::Notice(notice));
        }
        self.statuses.insert(status.account_id.clone(), status);
        out
    }

    fn progress(&mut self, progress: SyncProgress, out: &mut Vec<UiUpdate>) {
        if self.progress.get(&progress.account_id) != Some(&progress) {
            out.push(UiUpdate::Progress(progress.clone()));
            self.progress.insert(progress.account_id.clone(), progress);
        }
    }

    /// The run's last progress (all calendars accounted for), then what it did — unless it
    /// failed: "Synced 0 events from 0 calendars" would mislead, the status says what went wrong.
    fn run_finished(&mut self, end: &RunFinished) -> Vec<UiUpdate> {
        let mut out = Vec::new();
        if !end.run.calendars.is_empty() {
            self.progress(SyncProgress::of(&end.account, &end.run), &mut out);
        }
        if matches!(end.outcome, SyncOutcome::Completed | SyncOutcome::Partial) {
            out.push(UiUpdate::Finished(SyncFinished::from(end)));
        }
        out
    }
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
    use crate::model::AccountId;
    use crate::sync::status::AccountStatus;
    use crate::view::ErrorView;
    use crate::ErrorKind;

    fn status(state: SyncState, error: Option<ErrorView>) -> SyncStatus {
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
        let offline = || Some(ErrorView::new(ErrorKind::Offline, "no network"));
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

    #[test]
    fn an_unchanged_status_is_not_sent_again_and_a_removed_account_is_forgotten() {
        let account = AccountId::new("a@example.com");
        let view = AccountView {
            account: account.clone(),
            status: AccountStatus::NeedsReauth,
            pending_changes: 0,
            conflicts: 0,
            run: None,
        };
        let mut ui = UiUpdates::default();
        let first = ui.account(&view);
        assert!(matches!(
            &first[..],
            [UiUpdate::Status(_), UiUpdate::Notice(_)]
        ));
        assert!(ui.event(EngineEvent::Account(view.clone())).is_empty());
        let removed = ui.event(EngineEvent::AccountRemoved {
            account: account.clone(),
        });
        assert!(
            matches!(&removed[..], [UiUpdate::Removed, UiUpdate::Events(e)]
            if e.account_id == "a@example.com" && e.calendar_ids.is_empty())
        );
        let again = ui.account(&view);
        assert!(
            matches!(&again[..], [UiUpdate::Status(_)]),
            "sent again, but the same problem is not notified twice: {again:?}"
        );
    }
}
