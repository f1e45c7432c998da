//! Find and capture for the window: a search answered in the view's shape, and a quick-add line
//! previewed with the calendar it would go to, then saved. Both read dates in the zone the
//! window shows.

use super::*;
use crate::quick_add::{DateOrder, ParseContext};
use crate::search::SearchQuery;
use crate::view::{QuickAddPreview, QuickAddTarget, SearchResultsView};
use chrono::NaiveDate;
use chrono_tz::Tz;

impl Chronos {
    /// At most `limit` events matching `text` (every word, as a prefix), nearest to now first.
    pub async fn search_view(
        &self,
        text: &str,
        zone: Tz,
        limit: usize,
    ) -> Result<SearchResultsView> {
        let mut query = SearchQuery::new(text, zone);
        query.limit = limit.clamp(1, 200);
        Ok(self.search(query).await?.into())
    }

    /// What `text` would become and where it would be saved; writes nothing. A line that
    /// cannot be saved (no calendar takes events, a `chosen` one that does not) says why in
    /// `problem` rather than failing, so the preview still shows what was read.
    pub async fn quick_add_preview(
        &self,
        text: &str,
        zone: Tz,
        order: DateOrder,
        chosen: Option<&CalendarRef>,
    ) -> Result<QuickAddPreview> {
        let draft = self.preview_quick_add(text, zone, order).await?;
        let (target, problem) = match self.quick_add_target(&draft, chosen).await {
            Ok(t) => {
                let name = self.quick_add_name(&t).await?;
                (Some(QuickAddTarget::new(&t, name)), None)
            }
            Err(e @ (Error::InvalidInput(_) | Error::NotFound(_))) => (None, Some(e.to_string())),
            Err(e) => return Err(e),
        };
        Ok(QuickAddPreview {
            draft,
            target,
            problem,
        })
    }

    /// Reads `text` as the preview does and saves it (shown at once, pending, pushed in the
    /// background).
    pub async fn quick_add(
        &self,
        text: &str,
        zone: Tz,
        order: DateOrder,
        chosen: Option<&CalendarRef>,
    ) -> Result<StoredEvent> {
        if text.trim().is_empty() {
            return Err(Error::InvalidInput("describe the event to add".into()));
        }
        let draft = self.preview_quick_add(text, zone, order).await?;
        let target = self.quick_add_target(&draft, chosen).await?;
        self.create_from_draft(&draft, &target).await
    }

    /// The day `text` names when it is nothing but a date ("next friday"), read now in `zone`.
    pub fn read_date(&self, text: &str, zone: Tz, order: DateOrder) -> Option<NaiveDate> {
        let ctx = ParseContext::new(self.clock().now(), zone, order);
        crate::quick_add::read_date(text, &ctx)
    }

    async fn quick_add_name(&self, target: &CalendarRef) -> Result<String> {
        Ok(self
            .quick_add_calendars()
            .await?
            .into_iter()
            .find(|c| c.account == target.account && c.id == target.calendar)
            .map(|c| c.name)
            .unwrap_or_else(|| target.calendar.to_string()))
    }
}
