//! Spacing of "something changed" notices. A burst of edits, or a push settling many entries,
//! makes many notices and every front end re-reads on each: one account's notices of one kind
//! go out at most once per gap — the first at once, the rest folded into one when the gap ends.

use crate::model::CalendarId;
use std::time::{Duration, Instant};

pub const NOTICE_GAP: Duration = Duration::from_millis(250);

/// What a held notice names: some calendars, or any of the account's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Any,
    Calendars(Vec<CalendarId>),
}

impl Scope {
    pub fn of(calendars: Vec<CalendarId>) -> Scope {
        if calendars.is_empty() {
            Scope::Any
        } else {
            Scope::Calendars(calendars)
        }
    }

    fn merge(self, other: Scope) -> Scope {
        match (self, other) {
            (Scope::Calendars(mut a), Scope::Calendars(b)) => {
                for c in b {
                    if !a.contains(&c) {
                        a.push(c);
                    }
                }
                Scope::Calendars(a)
            }
            // "Any calendar" absorbs a named one.
            _ => Scope::Any,
        }
    }

    pub fn into_calendars(self) -> Vec<CalendarId> {
        match self {
            Scope::Any => Vec::new(),
            Scope::Calendars(c) => c,
        }
    }
}

/// One account's notices of one kind: when the last went out, and what waits.
#[derive(Debug, Default)]
pub struct Held {
    last: Option<Instant>,
    due: Option<Scope>,
}

impl Held {
    /// Folds a notice in; true when it may go out now.
    pub fn offer(&mut self, scope: Scope, now: Instant) -> bool {
        self.due = Some(match self.due.take() {
            None => scope,
            Some(prev) => prev.merge(scope),
        });
        self.last
            .is_none_or(|t| now.duration_since(t) >= NOTICE_GAP)
    }

    /// When what waits may go out (`None`: nothing waits).
    pub fn ready_at(&self) -> Option<Instant> {
        self.due.as_ref()?;
        Some(self.last.map_or_else(Instant::now, |t| t + NOTICE_GAP))
    }

    pub fn take(&mut self, now: Instant) -> Option<Scope> {
        let due = self.due.take()?;
        self.last = Some(now);
        Some(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cals(ids: &[&str]) -> Scope {
        Scope::of(ids.iter().map(|c| CalendarId::new(*c)).collect())
    }

    #[test]
    fn notices_within_the_gap_fold_into_one() {
        let t0 = Instant::now();
        let mut held = Held::default();
        assert!(held.offer(cals(&["a"]), t0), "the first goes out at once");
        assert_eq!(held.take(t0), Some(cals(&["a"])));
        let soon = t0 + Duration::from_millis(10);
        assert!(
            !held.offer(cals(&["b"]), soon),
            "the next waits for the gap"
        );
        assert!(!held.offer(cals(&["c", "b"]), soon));
        assert_eq!(held.ready_at(), Some(t0 + NOTICE_GAP));
        assert_eq!(held.take(t0 + NOTICE_GAP), Some(cals(&["b", "c"])));
        assert_eq!(
            held.take(t0 + NOTICE_GAP),
            None,
            "nothing waits after it went out"
        );
        // "Any calendar" absorbs named ones.
        let later = t0 + NOTICE_GAP * 3;
        assert!(held.offer(cals(&["x"]), later));
        held.offer(Scope::Any, later);
        assert_eq!(held.take(later), Some(Scope::Any));
        assert_eq!(Scope::Any.into_calendars(), Vec::<CalendarId>::new());
    }
}
