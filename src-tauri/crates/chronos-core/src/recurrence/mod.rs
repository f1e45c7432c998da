//! Recurring events: reading Google's times, expanding RRULE/RDATE/EXDATE/EXRULE in the series'
//! own zone, applying exceptions, and the series edits the two-way code needs.
//!
//! Pure logic: no I/O, no clock. Entry points: [`expand`] for display, [`split_series`] and
//! [`surviving_exceptions`] for "this and following" / "all events" edits, [`instance_id`] for
//! patching an occurrence that was only expanded locally.

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
pub use expand::{
    expand, expand_with_limits, instance_id, Expanded, Occurrence, OccurrenceTime, TimeRange,
};
pub use rule::{ByDay, Freq, Rule, Until};
pub use set::{DateValue, RecurrenceSet};
pub use time::{parse_event_time, EventTime, Zone};
