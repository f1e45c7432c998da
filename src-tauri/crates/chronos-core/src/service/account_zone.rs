//! The account's own time zone (`settings` → `timezone`), for a display that follows it.
