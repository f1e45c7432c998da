//! What front ends show and send, shaped once in the core (the account views live in `feed`).

pub mod account;
pub mod calendar;
pub mod change;
pub mod conflict;
pub mod error;
pub mod event;
pub mod event_kind;
pub mod find;
pub mod health;
pub mod input;
pub mod month;
pub mod reset;
pub mod sync;
pub mod trash;
pub mod undo;
pub mod updates;

pub use account::{AccountListItem, AccountState};
pub use calendar::CalendarView;
pub use change::{ChangeOp, PendingChangeView, ResolutionInput};
pub use conflict::{ConflictFieldView, ConflictView};
pub use error::ErrorView;
pub use event::{
    AttendeeView, EventView, EventsInRange, OpenConflicts, ReminderOverride, Reminders,
    TruncatedSeriesView,
};
pub use event_kind::{
    AttachmentView, AutoDeclineView, ConferenceView, EditableView, EventKindView, WorkPlaceView,
};
pub use find::{QuickAddPreview, QuickAddTarget, SearchHitView, SearchResultsView};
pub use health::{
    CalendarHealthView, HealthError, MassDeletionFound, MassDeletionView, PushState,
    RestoreAllReport,
};
pub use input::EventInput;
pub use month::{DayMore, MonthView};
pub use reset::LocalReset;
pub use trash::TrashEntryView;
pub use undo::{UndoResultView, UndoStatusView};
