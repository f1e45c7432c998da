//! Turns the store's rows for a range (singles, recurring masters, their exceptions) into what a
//! calendar shows: one row per occurrence. Occurrences generated from a master look like the
//! instances Google itself would return (`singleEvents=true`), so the shell needs no knowledge of
//! recurrence and an edit of one can use its id as an instance id.

use crate::model::{AccountId, CalendarId, EventDateTime, EventId, EventResource};
use crate::recurrence::{self, ExpansionLimit, Occurrence, OccurrenceTime, TimeRange, Zone};
use crate::store::StoredEvent;
use chrono::{DateTime, FixedOffset, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

/// What a range query returns: the occurrences, and the series a limit cut short (their
/// occurrences past the cut are missing from `events`; empty when the answer is whole).
#[derive(Clone, Debug, Default)]
pub struct RangeResult {
    pub events: Vec<StoredEvent>,
    pub truncated: Vec<TruncatedSeries>,
}

/// A recurring series whose occurrences in the range were cut at an expansion limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TruncatedSeries {
    pub account: AccountId,
    pub calendar: CalendarId,
    pub series: EventId,
    pub limit: ExpansionLimit,
}

/// A range's answer in display order before its generated occurrences are written out: each
/// slot is a stored row as it is, or one occurrence of a stored master. Writing every occurrence
/// at once would hold a copy of the master per occurrence; `for_each` writes one at a time.
#[derive(Debug, Default)]
pub struct RangePlan {
    rows: Vec<StoredEvent>,
    slots: Vec<Slot>,
    pub truncated: Vec<TruncatedSeries>,
}

/// Where a slot's event sits: a stored event (read its times), or a generated occurrence's.
pub(crate) enum SlotSpan<'a> {
    Event(&'a StoredEvent),
    Occurrence(&'a OccurrenceTime, &'a OccurrenceTime),
}

#[derive(Debug)]
enum Slot {
    Row(usize),
    Generated(usize, Occurrence),
}

impl RangePlan {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn event(&self, slot: &Slot) -> StoredEvent {
        match slot {
            Slot::Row(i) => self.rows[*i].clone(),
            Slot::Generated(i, occ) => {
                let row = &self.rows[*i];
                StoredEvent {
                    account: row.account.clone(),
                    calendar: row.calendar.clone(),
                    event: Arc::new(instance_of(&row.event, occ)),
                    pending: row.pending,
                }
            }
        }
    }

    /// Where slot `i` starts and ends, without writing a generated occurrence out.
    pub(crate) fn span(&self, i: usize) -> SlotSpan<'_> {
        match &self.slots[i] {
            Slot::Row(r) => SlotSpan::Event(&self.rows[*r]),
            Slot::Generated(_, occ) => SlotSpan::Occurrence(&occ.start, &occ.end),
        }
    }

    /// Account, calendar and event id of slot `i` (the id a generated occurrence will carry).
    pub(crate) fn key(&self, i: usize) -> (&AccountId, &CalendarId, &EventId) {
        let (row, id) = match &self.slots[i] {
            Slot::Row(r) => (&self.rows[*r], &self.rows[*r].event.id),
            Slot::Generated(r, occ) => (&self.rows[*r], &occ.event_id),
        };
        (&row.account, &row.calendar, id)
    }

    /// The event of slot `i`, written out.
    pub(crate) fn event_at(&self, i: usize) -> StoredEvent {
        self.event(&self.slots[i])
    }

    /// Visits the events in order, each written out only for its visit; stops when `f` breaks.
    pub fn for_each(&self, mut f: impl FnMut(&StoredEvent) -> ControlFlow<()>) {
        for slot in &self.slots {
            if f(&self.event(slot)).is_break() {
                return;
            }
        }
    }

    pub fn into_result(self) -> RangeResult {
        RangeResult {
            events: self.slots.iter().map(|s| self.event(s)).collect(),
            truncated: self.truncated,
        }
    }
}

/// Plans `rows` over `[from, to)`. Instants are computed exactly; all-day occurrences keep
/// their floating dates and are kept when those dates, read in `zone` (the zone the caller
/// displays), overlap the range.
pub(crate) fn plan_rows(
    rows: Vec<StoredEvent>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
) -> RangePlan {
    let mut groups: HashMap<(AccountId, CalendarId), Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        groups
            .entry((row.account.clone(), row.calendar.clone()))
            .or_default()
            .push(i);
    }
    let mut keyed: Vec<(DateTime<Utc>, Slot)> = Vec::new();
    let mut truncated = Vec::new();
    for ((account, calendar), members) in groups {
        let events: Vec<&EventResource> = members.iter().map(|&i| &*rows[i].event).collect();
        let expanded = recurrence::expand(&events, TimeRange::new(from, to), zone);
        drop(events);
        for (id, err) in &expanded.skipped {
            tracing::warn!(account = %account, event = %id, kind = err.kind(), "event left out of the range: cannot be placed");
        }
        for cut in expanded.truncated {
            tracing::warn!(account = %account, event = %cut.series, limit = ?cut.limit, "recurring event cut at the expansion limit");
            truncated.push(TruncatedSeries {
                account: account.clone(),
                calendar: calendar.clone(),
                series: cut.series,
                limit: cut.limit,
            });
        }
        for occ in expanded.occurrences {
            let row = members[occ.source];
            let key = sort_key(&occ.start, zone);
            if occ.is_exception || occ.master_id.is_none() {
                keyed.push((key, Slot::Row(row)));
            } else {
                keyed.push((key, Slot::Generated(row, occ)));
            }
        }
    }
    fn id<'a>(rows: &'a [StoredEvent], slot: &'a Slot) -> &'a EventId {
        match slot {
            Slot::Row(i) => &rows[*i].event.id,
            Slot::Generated(_, occ) => &occ.event_id,
        }
    }
    keyed.sort_by(|a, b| (a.0, id(&rows, &a.1)).cmp(&(b.0, id(&rows, &b.1))));
    truncated.sort_by(|a, b| {
        (&a.account, &a.calendar, &a.series).cmp(&(&b.account, &b.calendar, &b.series))
    });
    RangePlan {
        slots: keyed.into_iter().map(|(_, s)| s).collect(),
        rows,
        truncated,
    }
}

/// An all-day occurrence sorts at its date's midnight in the display zone.
fn sort_key(t: &OccurrenceTime, zone: Tz) -> DateTime<Utc> {
    match t {
        OccurrenceTime::Instant { utc, .. } => *utc,
        OccurrenceTime::Date { date } => Zone::Iana(zone).instant(date.and_time(NaiveTime::MIN)),
    }
}

/// The resource of one generated occurrence of `master`, shaped as Google's instance.
pub(crate) fn instance_of(master: &EventResource, occ: &Occurrence) -> EventResource {
    let mut e = master.clone();
    e.id = occ.event_id.clone();
    e.recurring_event_id = Some(master.id.clone());
    e.recurrence = None;
    // The master's etag does not name this instance; an If-Match with it would be refused.
    e.etag = None;
    let original = occ.original_start.unwrap_or(occ.start);
    e.original_start_time = Some(time_like(master.start.as_ref(), &original));
    e.start = Some(time_like(master.start.as_ref(), &occ.start));
    e.end = Some(time_like(
        master.end.as_ref().or(master.start.as_ref()),
        &occ.end,
    ));
    e
}

/// `t` written the way `like` is: all-day as a date; timed in `like`'s zone (or its offset),
/// with the zone name kept.
fn time_like(like: Option<&EventDateTime>, t: &OccurrenceTime) -> EventDateTime {
    let time_zone = like.and_then(|l| l.time_zone.clone());
    match t {
        OccurrenceTime::Date { date } => EventDateTime {
            date: Some(date.format("%Y-%m-%d").to_string()),
            time_zone,
            ..Default::default()
        },
        OccurrenceTime::Instant { utc, .. } => {
            let zone = time_zone
                .as_deref()
                .and_then(|z| z.parse::<chrono_tz::Tz>().ok());
            let text = match zone {
                Some(tz) => utc
                    .with_timezone(&tz)
                    .to_rfc3339_opts(SecondsFormat::Secs, false),
                None => match like
                    .and_then(|l| l.date_time.as_deref())
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                {
                    Some(d) => utc
                        .with_timezone::<FixedOffset>(d.offset())
                        .to_rfc3339_opts(SecondsFormat::Secs, false),
                    None => utc.to_rfc3339_opts(SecondsFormat::Secs, true),
                },
            };
            EventDateTime {
                date_time: Some(text),
                time_zone,
                ..Default::default()
            }
        }
    }
}
