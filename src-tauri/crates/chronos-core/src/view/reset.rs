//! What resetting an unreadable local copy loses for good (unsent changes, conflicts) and what
//! the next sync fetches again (events), as the recovery dialog shows it.

use crate::store::RecoveryReport;
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct LocalReset {
    pub unsent_changes: usize,
    pub conflicts: usize,
    pub events: usize,
}

impl From<RecoveryReport> for LocalReset {
    fn from(r: RecoveryReport) -> Self {
        LocalReset {
            unsent_changes: r.unsent_changes_lost,
            conflicts: r.conflicts_lost,
            events: r.events_wiped,
        }
    }
}
