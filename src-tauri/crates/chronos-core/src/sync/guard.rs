//! The mass-deletion guard: when one sync removes many of a calendar's events, Chronos still
//! applies what Google says (Google is the truth), but says so loudly and keeps a way back —
//! the removed events are in the trash, and the journal remembers which entries they are.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

/// When a sync's removals count as a mass deletion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct MassDeletionGuard {
    /// More removals than this in one sync of one calendar always count.
    pub max_events: u32,
    /// More than this share (in percent) of a calendar's events counts…
    pub max_percent: u32,
    /// …when the calendar held at least this many before the sync.
    pub min_calendar_events: u32,
}

impl Default for MassDeletionGuard {
    fn default() -> Self {
        MassDeletionGuard {
            max_events: 50,
            max_percent: 20,
            min_calendar_events: 25,
        }
    }
}

impl MassDeletionGuard {
    /// Whether removing `removed` of the `before` events a calendar held is a mass deletion.
    pub fn is_mass_deletion(&self, before: usize, removed: usize) -> bool {
        if removed == 0 {
            return false;
        }
        if removed > self.max_events as usize {
            return true;
        }
        // removed / before > max_percent / 100, in integers.
        before >= self.min_calendar_events as usize
            && removed * 100 > before * self.max_percent as usize
    }

    /// Checks the numbers a user typed; the error names the field.
    pub fn validated(self) -> crate::Result<Self> {
        if self.max_percent == 0 || self.max_percent > 100 {
            return Err(crate::Error::invalid_field(
                "massDeletionMaxPercent",
                "the share of a calendar must be between 1 and 100 percent",
            ));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_the_count_always_counts() {
        let g = MassDeletionGuard::default();
        assert!(g.is_mass_deletion(10_000, 51));
        assert!(!g.is_mass_deletion(10_000, 50));
        // Even when the calendar was counted as smaller (rows removed by a sweep).
        assert!(g.is_mass_deletion(0, 51));
    }

    #[test]
    fn a_share_counts_only_in_calendars_big_enough() {
        let g = MassDeletionGuard::default();
        // 6 of 25 is 24%.
        assert!(g.is_mass_deletion(25, 6));
        // 5 of 25 is exactly 20%: not more than the share.
        assert!(!g.is_mass_deletion(25, 5));
        // 20 of 24 is most of it, but the calendar is under the minimum size.
        assert!(!g.is_mass_deletion(24, 20));
        assert!(!g.is_mass_deletion(100, 0));
    }

    #[test]
    fn settings_change_the_limits() {
        let g = MassDeletionGuard {
            max_events: 5,
            max_percent: 50,
            min_calendar_events: 4,
        };
        assert!(g.is_mass_deletion(1_000, 6));
        assert!(g.is_mass_deletion(4, 3));
        assert!(!g.is_mass_deletion(4, 2));
        assert!(g.validated().is_ok());
        let bad = MassDeletionGuard {
            max_percent: 0,
            ..g
        };
        assert!(bad.validated().is_err());
    }
}
