//! Quick add through the façade: a line read at the engine clock's "now" against the writable
//! calendars, and a draft saved through the ordinary create path.

use super::*;
use crate::quick_add::{self, DateOrder, ParseContext, QuickCalendar, QuickDraft};
use crate::store::StoredCalendar;
use chrono_tz::Tz;

impl Chronos {
    /// The calendars quick add can save to (and `/name` can pick): writable and not deleted,
    /// each with the name the user sees.
    pub async fn quick_add_calendars(&self) -> Result<Vec<QuickCalendar>> {
        Ok(self
            .calendars(None)
            .await?
            .into_iter()
            .filter(writable)
            .map(|c| QuickCalendar {
                name: c
                    .entry
                    .summary_override
                    .clone()
                    .or_else(|| c.entry.summary.clone())
                    .unwrap_or_else(|| c.entry.id.to_string()),
                account: c.account,
                id: c.entry.id,
            })
            .collect())
    }

    /// What `text` describes, read now (the engine's clock) in `zone` with the locale's
    /// numeric date `order`. Writes nothing.
    pub async fn preview_quick_add(
        &self,
        text: &str,
        zone: Tz,
        order: DateOrder,
    ) -> Result<QuickDraft> {
        let ctx = ParseContext::new(self.clock().now(), zone, order)
            .with_calendars(self.quick_add_calendars().await?);
        Ok(quick_add::parse(text, &ctx))
    }

    /// Where a draft is saved: the calendar its `/name` picked, else `chosen` (which must be
    /// writable), else the primary writable calendar, else the first writable one.
    pub async fn quick_add_target(
        &self,
        draft: &QuickDraft,
        chosen: Option<&CalendarRef>,
    ) -> Result<CalendarRef> {
        if let Some(c) = &draft.calendar {
            return Ok(CalendarRef {
                account: c.account.clone(),
                calendar: c.id.clone(),
            });
        }
        let calendars: Vec<StoredCalendar> = self
            .calendars(None)
            .await?
            .into_iter()
            .filter(writable)
            .collect();
        let to_ref = |c: &StoredCalendar| CalendarRef {
            account: c.account.clone(),
            calendar: c.entry.id.clone(),
        };
        if let Some(chosen) = chosen {
            return calendars
                .iter()
                .map(to_ref)
                .find(|r| r == chosen)
                .ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "calendar {} is not a calendar you can add events to",
                        chosen.calendar
                    ))
                });
        }
        calendars
            .iter()
            .find(|c| c.entry.primary == Some(true))
            .or_else(|| calendars.first())
            .map(to_ref)
            .ok_or_else(|| {
                Error::NotFound("no calendar you can add events to; sync an account first".into())
            })
    }

    /// Saves `draft` as a new event in `target`: it shows at once, marked pending, and goes to
    /// Google in the background, like any created event.
    pub async fn create_from_draft(
        &self,
        draft: &QuickDraft,
        target: &CalendarRef,
    ) -> Result<StoredEvent> {
        let ev = draft.event_resource();
        let c = target.calendar.clone();
        let made = self
            .edit(&target.account, vec![c.clone()], move |s, a| {
                edit::create_resource(s, a, &c, ev, &EditOptions::default())
            })
            .await?;
        let action = super::UndoAction::Created {
            calendar: target.calendar.clone(),
            id: made.event.id.clone(),
            trash: None,
        };
        self.remember(&target.account, Self::created_label(&made.event), action)
            .await;
        Ok(made)
    }
}

fn writable(c: &StoredCalendar) -> bool {
    !c.deleted && !c.is_read_only()
}
