//! Client CPU for one `events.list` page of 2,500 events, old and new way in the same run:
//!
//!   cargo bench -p chronos-core --bench page_parse
//!
//! - `value+derive`: the whole body into `serde_json::Value`, then each item through a
//!   `#[serde(flatten)]`-derived copy of the event types (how the client read pages before);
//! - `value+model`: the same `Value` step, then each item into today's `EventResource`;
//! - `client`: what the client does now (`parse_events_page_body`: raw items, one parse each).
//!
//! The page is what the emulator serves for a generated calendar (same generator as the sync
//! bench). Figures: median of the runs, per page and per event.

use chronos_core::google::parse_events_page_body;
use chronos_core::model::EventResource;
use gcal_emulator::{GenSpec, World};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::time::{Duration, Instant};

/// The event types as they were derived before (flattened `extra` maps).
mod derived {
    use super::*;
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct EventDateTime {
        #[serde(default)]
        pub date: Option<String>,
        #[serde(default)]
        pub date_time: Option<String>,
        #[serde(default)]
        pub time_zone: Option<String>,
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Attendee {
        #[serde(default)]
        pub email: Option<String>,
        #[serde(default)]
        pub display_name: Option<String>,
        #[serde(default)]
        pub response_status: Option<String>,
        #[serde(default)]
        pub optional: Option<bool>,
        #[serde(default)]
        pub organizer: Option<bool>,
        #[serde(default, rename = "self")]
        pub is_self: Option<bool>,
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct EventResource {
        pub id: String,
        #[serde(default)]
        pub etag: Option<String>,
        #[serde(default)]
        pub status: Option<String>,
        #[serde(default)]
        pub summary: Option<String>,
        #[serde(default)]
        pub description: Option<String>,
        #[serde(default)]
        pub location: Option<String>,
        #[serde(default)]
        pub color_id: Option<String>,
        #[serde(default)]
        pub start: Option<EventDateTime>,
        #[serde(default)]
        pub end: Option<EventDateTime>,
        #[serde(default)]
        pub recurrence: Option<Vec<String>>,
        #[serde(default)]
        pub recurring_event_id: Option<String>,
        #[serde(default)]
        pub original_start_time: Option<EventDateTime>,
        #[serde(default)]
        pub attendees: Option<Vec<Attendee>>,
        #[serde(default)]
        pub reminders: Option<Value>,
        #[serde(default)]
        pub updated: Option<String>,
        #[serde(default)]
        pub sequence: Option<i64>,
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

fn value_then<T: serde::de::DeserializeOwned>(body: &[u8]) -> usize {
    let mut v: Value = serde_json::from_slice(body).unwrap();
    let Some(Value::Array(items)) = v.as_object_mut().unwrap().remove("items") else {
        panic!("no items")
    };
    let mut n = 0;
    for item in items {
        if serde_json::from_value::<T>(item).is_ok() {
            n += 1;
        }
    }
    n
}

fn client(body: &[u8]) -> usize {
    parse_events_page_body(body).unwrap().items.len()
}

fn main() {
    let world = World::generate(GenSpec {
        seed: 7,
        accounts: 1,
        calendars_per_account: 1,
        events_per_calendar: 2500,
        recurring_share: 0.0,
        ..GenSpec::default()
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(async {
        gcal_emulator::start(gcal_emulator::EmulatorConfig {
            world,
            ..Default::default()
        })
        .await
        .unwrap()
    });
    let ctl = emu.control();
    let cal = ctl.accounts()[0].calendars[0].clone();
    let body = ctl
        .list_events_json(
            cal.as_str(),
            "maxResults=2500&showDeleted=true&singleEvents=false",
        )
        .unwrap()
        .into_bytes();
    let events = client(&body);
    assert_eq!(events, 2500);
    assert_eq!(value_then::<derived::EventResource>(&body), events);
    assert_eq!(value_then::<EventResource>(&body), events);
    println!(
        "page_parse: one page of {events} events, {} KiB",
        body.len() / 1024
    );

    type Way = (&'static str, fn(&[u8]) -> usize);
    let ways: [Way; 3] = [
        (
            "value+derive (before)",
            value_then::<derived::EventResource>,
        ),
        ("value+model", value_then::<EventResource>),
        ("client (now)", client),
    ];
    const RUNS: usize = 25;
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); ways.len()];
    for _ in 0..RUNS {
        // Interleaved so that drift on a shared machine hits every way alike.
        for (i, (_, f)) in ways.iter().enumerate() {
            let t = Instant::now();
            std::hint::black_box(f(std::hint::black_box(&body)));
            times[i].push(t.elapsed());
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let base = median(&mut times[0].clone());
    for (i, (name, _)) in ways.iter().enumerate() {
        let m = median(&mut times[i]);
        println!(
            "  {name:<22} {:>7.1} ms/page  {:>6.1} µs/event  {:>8.0} events/s  {:.2}× the before time",
            m.as_secs_f64() * 1e3,
            m.as_secs_f64() * 1e6 / events as f64,
            events as f64 / m.as_secs_f64(),
            m.as_secs_f64() / base.as_secs_f64()
        );
    }
}
