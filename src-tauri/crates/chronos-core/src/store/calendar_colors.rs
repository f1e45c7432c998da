//! A calendar's colours as the user chose them: local only, or waiting to be sent to Google.

use super::Store;
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarColors, CalendarId, CalendarListEntry, RgbColor};
use rusqlite::{params, OptionalExtension};

/// A calendar's local colour columns, as they were before a change (to put them back).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalColors {
    pub background: Option<String>,
    pub foreground: Option<String>,
    pub pending: bool,
}

impl Store {
    /// A local-only background (`#rrggbb`) shown instead of Google's, never sent; `None` goes
    /// back to Google's colours (dropping colours not yet sent). [`Store::set_calendar_colors`]
    /// is the user's choice that Google gets too.
    pub fn set_calendar_color(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        color: Option<&str>,
    ) -> Result<()> {
        if let Some(c) = color {
            RgbColor::parse(c)?;
        }
        let db = self.db();
        let n = db.conn.execute(
            "UPDATE calendars SET color_override = ?3, foreground_override = NULL, colors_pending = 0
             WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str(), color],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!(
                "calendar {calendar} of {account} is not in the local store"
            )));
        }
        Ok(())
    }

    /// The user's colours for a calendar, shown at once and marked to be sent to Google.
    /// Returns the colour columns as they were, for [`Store::restore_calendar_colors`].
    pub fn set_calendar_colors(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        colors: &CalendarColors,
    ) -> Result<LocalColors> {
        let mut db = self.db();
        let tx = db.conn.transaction()?;
        let before = tx
            .query_row(
                "SELECT color_override, foreground_override, colors_pending FROM calendars
                 WHERE account = ?1 AND calendar_id = ?2",
                params![account.as_str(), calendar.as_str()],
                |r| {
                    Ok(LocalColors {
                        background: r.get(0)?,
                        foreground: r.get(1)?,
                        pending: r.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "calendar {calendar} of {account} is not in the local store"
                ))
            })?;
        tx.execute(
            "UPDATE calendars SET color_override = ?3, foreground_override = ?4, colors_pending = 1
             WHERE account = ?1 AND calendar_id = ?2",
            params![
                account.as_str(),
                calendar.as_str(),
                colors.background.as_str(),
                colors.foreground.as_str()
            ],
        )?;
        tx.commit()?;
        Ok(before)
    }

    /// Puts a calendar's colour columns back as [`Store::set_calendar_colors`] found them.
    pub fn restore_calendar_colors(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
        before: &LocalColors,
    ) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE calendars SET color_override = ?3, foreground_override = ?4, colors_pending = ?5
             WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str(), before.background, before.foreground, before.pending],
        )?;
        Ok(())
    }

    /// The account's calendars whose colours are still to be sent to Google.
    pub fn pending_calendar_colors(
        &self,
        account: &AccountId,
    ) -> Result<Vec<(CalendarId, CalendarColors)>> {
        let db = self.db();
        let mut stmt = db.conn.prepare(
            "SELECT calendar_id, color_override, foreground_override FROM calendars
             WHERE account = ?1 AND colors_pending = 1 AND deleted = 0 ORDER BY calendar_id",
        )?;
        let rows = stmt.query_map([account.as_str()], |r| {
            Ok((
                CalendarId(r.get(0)?),
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (calendar, bg, fg) = row?;
            let colors = match (
                bg.as_deref().map(RgbColor::parse),
                fg.as_deref().map(RgbColor::parse),
            ) {
                (Some(Ok(background)), Some(Ok(foreground))) => CalendarColors {
                    background,
                    foreground,
                },
                _ => {
                    tracing::warn!(%account, %calendar, "pending calendar colours are unreadable; kept local");
                    continue;
                }
            };
            out.push((calendar, colors));
        }
        Ok(out)
    }

    /// Google has the colours `sent` and answered with `entry`: the entry is stored as a
    /// calendar list sync would store it, and the override goes (the calendar shows Google's
    /// colours, now the same) unless the user picked others meanwhile.
    pub fn calendar_colors_sent(
        &self,
        account: &AccountId,
        entry: &CalendarListEntry,
        sent: &CalendarColors,
    ) -> Result<()> {
        self.apply_calendar_list(account, std::slice::from_ref(entry), false, None)?;
        let db = self.db();
        db.conn.execute(
            "UPDATE calendars SET color_override = NULL, foreground_override = NULL, colors_pending = 0
             WHERE account = ?1 AND calendar_id = ?2 AND colors_pending = 1
               AND color_override = ?3 AND foreground_override = ?4",
            params![account.as_str(), entry.id.as_str(), sent.background.as_str(), sent.foreground.as_str()],
        )?;
        Ok(())
    }

    /// Google refused the colours: they stay on this computer only, and are not sent again.
    pub fn keep_calendar_colors_local(
        &self,
        account: &AccountId,
        calendar: &CalendarId,
    ) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE calendars SET colors_pending = 0 WHERE account = ?1 AND calendar_id = ?2",
            params![account.as_str(), calendar.as_str()],
        )?;
        Ok(())
    }
}
