//! A typed client for Google Calendar API v3: one [`GoogleClient`] per account, with retries,
//! token refresh on 401, per-account request limits and bounded, lenient parsing.

pub mod calendar_list;
pub mod channels;
pub mod client;
pub mod colors;
pub mod errors;
pub mod events;
pub mod limiter;
pub mod page;
pub mod settings;

pub use calendar_list::{CalendarListSync, CALENDAR_LIST_PAGE_SIZE};
pub use channels::{Channel, WatchRequest};
pub use client::{default_http_client, AccessToken, ClientOptions, GoogleClient, TokenSource};
pub use colors::{ColorDefinition, Colors};
pub use errors::Disposition;
pub use events::{new_event_id, EventsListRequest, SendUpdates, EVENTS_PAGE_SIZE};
pub use limiter::RequestLimits;
pub use page::{parse_events_page_body, CalendarListPage, EventsPage, Page, SkippedItem};
pub use settings::{Setting, UserSettings};
