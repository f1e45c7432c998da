//! Identifiers and the domain types shared by every part of the engine.
//!
//! Ids are newtypes so that a calendar id can never be passed where an event id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

string_id!(
    /// The local id of a connected Google account: its email address.
    AccountId
);
string_id!(
    /// A Google calendar id (`primary` is resolved to the real id before it is stored).
    CalendarId
);
string_id!(
    /// A Google event id: an opaque string (`{masterId}_{YYYYMMDDTHHMMSSZ}` for instances).
    EventId
);
string_id!(
    /// An `events.list` / `calendarList.list` `nextSyncToken`.
    SyncToken
);
string_id!(
    /// A `nextPageToken`, kept so an interrupted full sync can resume.
    PageToken
);
string_id!(
    /// A resource's `etag`, sent back as `If-Match`.
    Etag
);
