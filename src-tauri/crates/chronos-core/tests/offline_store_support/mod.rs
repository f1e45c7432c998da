//! Shared set-up of the view tests that need no server: Chronos over a real store file, one
//! account whose calendars are filled as a full sync fills them, and the events they hold.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use chronos_core::config::{GoogleEndpoints, OAuthClientConfig};
use chronos_core::model::*;
use chronos_core::secrets::MemorySecretStore;
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::store::{PageApply, PageEnd};
use std::sync::Arc;

pub const ACCOUNT: &str = "a@example.com";

fn confirmed(id: &str, start: EventDateTime, end: EventDateTime) -> EventResource {
    EventResource {
        id: EventId::from(id),
        status: Some("confirmed".into()),
        summary: Some(id.into()),
        start: Some(start),
        end: Some(end),
        ..Default::default()
    }
}

/// A confirmed event titled by its id, between two RFC 3339 instants.
pub fn timed(id: &str, start: &str, end: &str) -> EventResource {
    let at = |t: &str| EventDateTime {
        date_time: Some(t.into()),
        ..Default::default()
    };
    confirmed(id, at(start), at(end))
}

/// A confirmed all-day event titled by its id, from `start` to the exclusive `end` date.
pub fn all_day(id: &str, start: &str, end: &str) -> EventResource {
    let date = |d: &str| EventDateTime {
        date: Some(d.into()),
        ..Default::default()
    };
    confirmed(id, date(start), date(end))
}

/// The event as the master of a series repeating by `rule`.
pub fn repeating(event: EventResource, rule: &str) -> EventResource {
    EventResource {
        recurrence: Some(vec![rule.to_owned()]),
        ..event
    }
}

/// A calendar the user owns, as Google lists it, selected or not.
pub fn listed(id: &str, selected: bool) -> CalendarListEntry {
    CalendarListEntry {
        id: CalendarId::from(id),
        selected: Some(selected),
        access_role: Some("owner".into()),
        ..Default::default()
    }
}

/// Chronos over a fresh store file in which `ACCOUNT` lists `calendars`, each holding its events
/// as a finished full sync leaves them. The directory must outlive the Chronos.
pub async fn chronos_with_calendars(
    calendars: &[(CalendarListEntry, &[EventResource])],
) -> (tempfile::TempDir, Chronos) {
    let dir = tempfile::tempdir().unwrap();
    let options = ChronosOptions::new(
        dir.path(),
        Arc::new(MemorySecretStore::default()),
        GoogleEndpoints::default(),
        OAuthClientConfig::new("unused", ""),
    );
    let chronos = Chronos::open(options).await.unwrap();
    let account = AccountId::from(ACCOUNT);
    let store = chronos.store();
    store.upsert_account(&account).unwrap();
    let entries: Vec<CalendarListEntry> = calendars.iter().map(|(e, _)| e.clone()).collect();
    store
        .apply_calendar_list(&account, &entries, true, Some(&SyncToken::from("cl")))
        .unwrap();
    for (entry, events) in calendars {
        let g = store.begin_full_sync(&account, &entry.id).unwrap();
        let page = PageApply {
            full_sync: Some(g),
            end: PageEnd::Last(SyncToken::from("t")),
        };
        store
            .apply_page(&account, &entry.id, events, &page)
            .unwrap();
    }
    (dir, chronos)
}

/// The instant `hours` after midnight of `date` on the wall clock of `zone`.
pub fn wall_clock(zone: Tz, date: NaiveDate, hours: i64) -> DateTime<Utc> {
    let wall = date.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::hours(hours);
    zone.from_local_datetime(&wall)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}
