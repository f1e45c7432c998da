//! What front ends show, shaped once in the core (the account views live in `feed`).

pub mod calendar;
pub mod conflict;
pub mod event;

pub use calendar::CalendarView;
pub use conflict::{ConflictFieldView, ConflictView};
pub use event::{
    AttendeeView, EventView, EventsInRange, OpenConflicts, ReminderOverride, Reminders,
    TruncatedSeriesView,
};
