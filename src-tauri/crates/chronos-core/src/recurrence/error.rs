//! Why an event could not be placed on the calendar. The caller skips and flags such an event;
//! nothing in this module panics on bad input from the server.

use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RecurrenceError {
    #[error("unknown time zone {0:?}")]
    UnknownTimeZone(String),
    #[error("invalid date or time {0:?}")]
    InvalidDateTime(String),
    #[error("the event has no start or end")]
    MissingTime,
    #[error("the time {0:?} has neither an offset nor a time zone")]
    MissingTimeZone(String),
    #[error("invalid recurrence line {0:?}")]
    InvalidRule(String),
    #[error("unsupported recurrence feature: {0}")]
    UnsupportedRule(String),
    #[error("the occurrence is not part of the series")]
    NotAnOccurrence,
}

impl RecurrenceError {
    /// A stable string for the UI and logs (never rename one).
    pub fn kind(&self) -> &'static str {
        match self {
            RecurrenceError::UnknownTimeZone(_) => "unknown_time_zone",
            RecurrenceError::InvalidDateTime(_) => "invalid_date_time",
            RecurrenceError::MissingTime => "missing_time",
            RecurrenceError::MissingTimeZone(_) => "missing_time_zone",
            RecurrenceError::InvalidRule(_) => "invalid_rule",
            RecurrenceError::UnsupportedRule(_) => "unsupported_rule",
            RecurrenceError::NotAnOccurrence => "not_an_occurrence",
        }
    }
}

impl From<RecurrenceError> for crate::error::Error {
    fn from(e: RecurrenceError) -> Self {
        crate::error::Error::InvalidInput(e.to_string())
    }
}

impl serde::Serialize for RecurrenceError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RecurrenceError", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}
