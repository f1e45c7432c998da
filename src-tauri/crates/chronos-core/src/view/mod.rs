//! What front ends show and send, shaped once in the core (the account views live in `feed`).

pub mod calendar;
pub mod conflict;
pub mod event;
pub mod input;
pub mod month;

pub use calendar::CalendarView;
pub use conflict::{ConflictFieldView, ConflictView};
pub use event::{
    AttendeeView, EventView, EventsInRange, OpenConflicts, ReminderOverride, Reminders,
    TruncatedSeriesView,
};
pub use input::EventInput;
pub use month::{DayMore, MonthView};
