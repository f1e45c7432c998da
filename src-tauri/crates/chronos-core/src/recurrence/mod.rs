//! Recurring events: reading Google's times, expanding RRULE/RDATE/EXDATE/EXRULE in the series'
//! own zone, applying exceptions, and the series edits the two-way code needs.
//!
//! Pure logic: no I/O, no clock. Entry points: [`expand`] for display, [`split_series`] and
//! [`surviving_exceptions`] for "this and following" / "all events" edits, [`instance_id`] for
//! patching an occurrence that was only expanded locally.
//!
//! Semantics, where the standards leave room:
//! - Rules run on the series' wall clock (`start.timeZone`, else the offset in `start.dateTime`),
//!   so a 09:00 meeting stays at 09:00 across DST. A wall time skipped by a DST jump is read with
//!   the offset before the jump (02:30 → 03:30 new time); a repeated one is the first of the two
//!   (RFC 5545 §3.3.5). Sub-daily frequencies step on the wall clock too, one occurrence per
//!   instant.
//! - DTSTART is always an occurrence (RFC 5545 §3.8.5.3), even when the rule does not match it;
//!   COUNT counts the rule's own matches. BYSETPOS selects within whole periods (a WEEKLY period
//!   starts on WKST).
//! - `UNTIL=YYYYMMDD` on a timed series means "starting on or before that day" in its zone.
//! - Exceptions (`recurringEventId`) replace the occurrence at their `originalStartTime`
//!   (compared as instants; all-day as dates), whether or not they themselves fall in the range;
//!   a cancelled one just removes it. A cancelled master hides its exceptions. Exceptions whose
//!   master is not in the input are shown on their own.
//! - Limits ([`Limits`]): per master and query, at most `max_occurrences` occurrences and
//!   `max_steps` days/candidates examined; past them the master's expansion stops, what was found
//!   is kept, and the master is listed in [`Expanded::truncated`] with the limit that cut it.
//! - `BYWEEKNO` numbers weeks from WKST, week 1 being the first with four days in the year
//!   (ISO 8601 for WKST=MO); a day counts by its own week, so late December can be week 1 and
//!   early January week 52/53 of the year before. Without BYDAY it keeps the whole week. With
//!   frequencies other than YEARLY (which RFC 5545 forbids) it filters their days, as
//!   python-dateutil does. Values outside ±1..±53 are `invalid_rule`.

mod edit;
mod engine;
mod error;
mod expand;
mod rule;
mod set;
mod time;

pub use edit::{split_series, surviving_exceptions, ExceptionTriage};
pub use engine::Limits;
pub use error::RecurrenceError;
pub(crate) use expand::span as event_span;
pub use expand::{
    expand, expand_with_limits, instance_id, Expanded, ExpansionLimit, Occurrence, OccurrenceTime,
    TimeRange, Truncation,
};
pub(crate) use rule::weekday_code;
pub use rule::{ByDay, Freq, Rule, Until};
pub use set::{DateValue, RecurrenceSet};
pub use time::{parse_event_time, EventTime, Zone};
