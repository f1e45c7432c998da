//! What is on screen, and the light check of those calendars while the window is visible.

use super::run::{RunResult, RunScope, Trigger};
use super::{CalendarFilter, PushCovered, Scheduler};
use crate::model::{AccountId, CalendarId};
use std::collections::{BTreeSet, HashMap};

#[derive(Default)]
pub(super) struct View {
    pub(super) visible: bool,
    pub(super) calendars: HashMap<AccountId, BTreeSet<CalendarId>>,
}

impl<R: RunResult> Scheduler<R> {
    /// The shell tells what is on screen. Becoming visible checks the view at once if the last
    /// run is older than the check interval.
    pub fn set_view(&self, visible: bool, calendars: Vec<(AccountId, CalendarId)>) {
        let became_visible = {
            let mut v = self.inner.view.lock().unwrap();
            let was = v.visible;
            v.visible = visible;
            v.calendars.clear();
            for (a, c) in calendars {
                v.calendars.entry(a).or_default().insert(c);
            }
            visible && !was
        };
        if became_visible {
            self.view_check();
        }
    }

    /// Whether the window is visible, and the calendars on screen per account.
    pub fn view_snapshot(&self) -> (bool, Vec<(AccountId, BTreeSet<CalendarId>)>) {
        let v = self.inner.view.lock().unwrap();
        let mut cals: Vec<_> = v
            .calendars
            .iter()
            .map(|(a, c)| (a.clone(), c.clone()))
            .collect();
        cals.sort();
        (v.visible, cals)
    }

    /// Tells the view check which calendars push already covers (they are not polled).
    pub fn set_push_covered(&self, f: Option<PushCovered>) {
        *self.inner.push_covered.lock().unwrap() = f;
    }

    /// Tells the view check which calendars can only be listed in full (they are not polled).
    pub fn set_full_listing_only(&self, f: Option<CalendarFilter>) {
        *self.inner.full_listing_only.lock().unwrap() = f;
    }

    pub(super) fn view_check(&self) {
        let targets: Vec<(AccountId, BTreeSet<CalendarId>)> = {
            let v = self.inner.view.lock().unwrap();
            if !v.visible {
                return;
            }
            v.calendars
                .iter()
                .filter(|(_, c)| !c.is_empty())
                .map(|(a, c)| (a.clone(), c.clone()))
                .collect()
        };
        // Skip calendars a push channel covers; the check stays one cheap list call per
        // calendar that has no other way to learn of changes.
        // Calendars without incremental sync are left to the interval runs as well.
        let skips: Vec<CalendarFilter> = [
            self.inner.push_covered.lock().unwrap().clone(),
            self.inner.full_listing_only.lock().unwrap().clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let targets: Vec<(AccountId, BTreeSet<CalendarId>)> = targets
            .into_iter()
            .map(|(a, cals)| {
                let left: BTreeSet<CalendarId> = cals
                    .into_iter()
                    .filter(|c| !skips.iter().any(|f| f(&a, c)))
                    .collect();
                (a, left)
            })
            .filter(|(_, c)| !c.is_empty())
            .collect();
        let fresh_within = self.inner.config.view_check / 2;
        for (account, calendars) in targets {
            let Some(g) = self.gate(&account) else {
                continue;
            };
            if g.is_halted() || g.blocked_until().is_some() {
                continue;
            }
            // A run that started moments ago (or is queued) already covers the view.
            if g.has_pending() || g.last_start().is_some_and(|s| s.elapsed() < fresh_within) {
                continue;
            }
            let _ = g.request(RunScope::Calendars(calendars), Trigger::ViewCheck);
        }
    }
}
