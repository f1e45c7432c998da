//! Google event resources for the demo world: timed and all-day events in the demo zone, the
//! details people add to them, and a series' moved and cancelled instances.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use serde_json::{json, Map, Value};

use crate::store::calendar::{instance_body, EventRec};
use crate::store::ids::new_event_id;
use crate::store::recurrence::Series;
use crate::store::time::fmt_in_zone;

/// A wall-clock time of day (hours and minutes) in the demo zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct At(pub u32, pub u32);

impl At {
    pub fn minutes(self) -> u32 {
        self.0 * 60 + self.1
    }

    pub fn from_minutes(m: u32) -> At {
        At(m / 60, m % 60)
    }

    fn time(self) -> NaiveTime {
        NaiveTime::from_hms_opt(self.0, self.1, 0).expect("a valid time of day")
    }
}

/// The instant `at` on `day` in `zone` (the earlier one on a fall-back night, the hour after a
/// spring-forward gap).
pub fn instant(day: NaiveDate, at: At, zone: Tz) -> DateTime<Utc> {
    let local = day.and_time(at.time());
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .expect("a wall-clock time exists within an hour")
        .with_timezone(&Utc)
}

fn zoned(t: DateTime<Utc>, zone: Tz) -> Value {
    json!({ "dateTime": fmt_in_zone(t, zone), "timeZone": zone.name() })
}

/// A confirmed timed event of `minutes` from `at` on `day` in `zone`.
pub fn timed(
    rng: &mut StdRng,
    zone: Tz,
    summary: &str,
    day: NaiveDate,
    at: At,
    minutes: u32,
) -> Value {
    let start = instant(day, at, zone);
    json!({
        "id": new_event_id(rng),
        "summary": summary,
        "status": "confirmed",
        "start": zoned(start, zone),
        "end": zoned(start + Duration::minutes(i64::from(minutes)), zone),
    })
}

/// An all-day event of `days` days from `day`, shown as free time.
pub fn all_day(rng: &mut StdRng, summary: &str, day: NaiveDate, days: i64) -> Value {
    json!({
        "id": new_event_id(rng),
        "summary": summary,
        "status": "confirmed",
        "start": { "date": day.to_string() },
        "end": { "date": (day + Duration::days(days)).to_string() },
        "transparency": "transparent",
    })
}

/// `ev` made a series by `rule` (an `RRULE:` line).
pub fn recurring(mut ev: Value, rule: &str) -> Value {
    ev["recurrence"] = json!([rule]);
    ev
}

pub fn located(mut ev: Value, place: &str) -> Value {
    ev["location"] = json!(place);
    ev
}

pub fn colored(mut ev: Value, color_id: &str) -> Value {
    ev["colorId"] = json!(color_id);
    ev
}

/// A popup `minutes` before, instead of the calendar's default reminders.
pub fn reminded(mut ev: Value, minutes: u32) -> Value {
    ev["reminders"] = json!({
        "useDefault": false,
        "overrides": [{ "method": "popup", "minutes": minutes }],
    });
    ev
}

/// An agenda as Google stores a description written in its editor (rich text).
pub fn agenda(mut ev: Value, items: &[&str], doc: u32) -> Value {
    let list: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
    ev["description"] = json!(format!(
        "<p><b>Agenda</b></p><ul>{list}</ul><p><a href=\"https://example.com/doc/{doc}\">Notes</a></p>"
    ));
    ev
}

/// The owner organises and has accepted; each guest is (email, name, response).
pub fn with_guests(mut ev: Value, owner: &str, guests: &[(&str, &str, &str)]) -> Value {
    let mut all = vec![
        json!({ "email": owner, "organizer": true, "self": true, "responseStatus": "accepted" }),
    ];
    for (email, name, status) in guests {
        let mut a = json!({ "email": email, "displayName": name, "responseStatus": status });
        if email.contains("resource") {
            a["resource"] = json!(true);
        }
        all.push(a);
    }
    ev["attendees"] = Value::Array(all);
    ev
}

/// What happens to one instance of a series.
pub enum Change {
    /// Moved by this much (a meeting pushed back an hour, to the next day).
    MovedBy(Duration),
    Cancelled,
}

/// The series `master`'s (in `zone`) first instance at or after `from`, skipping `skip` more, changed as
/// `change` says: the instance resource Google keeps for such an exception.
pub fn exception(
    master: &Value,
    zone: Tz,
    from: DateTime<Utc>,
    skip: usize,
    change: Change,
) -> Value {
    let body = master.as_object().expect("an event object").clone();
    let series = Series::of(&body, zone).expect("a recurring event");
    let occurrences = series.occurrences(Some(from), from + Duration::days(120));
    let occ = occurrences
        .get(skip)
        .expect("the series runs past the anchor");
    let base = EventRec::new(body, 0, zone);
    let mut inst: Map<String, Value> = instance_body(&base, &series, occ);
    inst.remove("etag");
    match change {
        Change::MovedBy(by) => {
            let start = occ.start + by;
            inst.insert("start".into(), zoned(start, zone));
            inst.insert("end".into(), zoned(start + series.duration, zone));
        }
        Change::Cancelled => {
            inst.insert("status".into(), json!("cancelled"));
        }
    }
    Value::Object(inst)
}
