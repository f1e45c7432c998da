//! Worlds made from a seed: the same seed and anchor date give the same world.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::{AccountSpec, CalendarSpec, World};
use crate::store::ids::new_event_id;
use crate::store::recurrence::Series;
use crate::store::time::fmt_in_zone;

/// What to generate. Events are spread over ±`spread_days` around `anchor` (default: today).
#[derive(Debug, Clone, PartialEq)]
pub struct GenSpec {
    pub seed: u64,
    pub accounts: usize,
    pub calendars_per_account: usize,
    pub events_per_calendar: usize,
    pub anchor: Option<NaiveDate>,
    pub spread_days: i64,
    /// Share of events that are recurring masters (each also gets a moved and a cancelled instance).
    pub recurring_share: f64,
}

impl Default for GenSpec {
    fn default() -> Self {
        GenSpec {
            seed: 1,
            accounts: 1,
            calendars_per_account: 3,
            events_per_calendar: 100,
            anchor: None,
            spread_days: 90,
            recurring_share: 0.06,
        }
    }
}

const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "UTC",
    "Europe/London",
    "Australia/Sydney",
];
const CAL_NAMES: &[&str] = &[
    "Work",
    "Family",
    "Sport",
    "Book club",
    "Travel",
    "Projects",
    "Garden",
    "Music",
    "Volunteering",
    "Studies",
];
const WHAT: &[&str] = &[
    "Stand-up",
    "Planning",
    "Lunch with Sam",
    "Dentist",
    "Yoga",
    "Team sync",
    "1:1",
    "Review",
    "Call with Alex",
    "Running",
    "Piano lesson",
    "Groceries",
    "Design critique",
    "Retrospective",
    "Coffee",
    "Parents' evening",
    "Flight",
    "Workshop",
    "Board meeting",
    "Haircut",
];
const PLACES: &[&str] = &[
    "Room 4.12",
    "Café Mondial",
    "https://meet.example/abc-defg-hij",
    "Main Street 5, Springfield",
    "Gym",
    "Office",
];
const PEOPLE: &[(&str, &str)] = &[
    ("alex@example.com", "Alex Kim"),
    ("sam@example.com", "Sam Rivera"),
    ("jo@example.org", "Jo Müller"),
    ("priya@example.net", "Priya Patel"),
    ("li@example.com", "Li Wei"),
    ("room-4-12@resource.example", "Room 4.12"),
];
const RULES: &[&str] = &[
    "RRULE:FREQ=WEEKLY;BYDAY=MO,WE",
    "RRULE:FREQ=DAILY;COUNT=20",
    "RRULE:FREQ=WEEKLY",
    "RRULE:FREQ=MONTHLY;BYMONTHDAY=15",
    "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
];

pub fn generate(spec: &GenSpec) -> World {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let anchor = spec.anchor.unwrap_or_else(|| Utc::now().date_naive());
    let mut world = World::default();
    for a in 0..spec.accounts {
        let email = if a == 0 {
            "user@chronos.example".to_owned()
        } else {
            format!("user{a}@chronos.example")
        };
        world
            .accounts
            .push(account(&mut rng, spec, anchor, &email, &[]));
    }
    world
}

fn account(
    rng: &mut StdRng,
    spec: &GenSpec,
    anchor: NaiveDate,
    email: &str,
    names: &[&str],
) -> AccountSpec {
    let mut acc = AccountSpec {
        email: email.to_owned(),
        ..AccountSpec::default()
    };
    acc.settings
        .insert("timezone".into(), "Europe/Berlin".into());
    for c in 0..spec.calendars_per_account {
        let primary = c == 0;
        let tz = if primary {
            "Europe/Berlin"
        } else {
            ZONES[c % ZONES.len()]
        };
        let id = if primary {
            email.to_owned()
        } else {
            let hex: String = (0..16)
                .map(|_| format!("{:x}", rng.gen_range(0..16)))
                .collect();
            format!("c_{hex}@group.calendar.google.com")
        };
        let summary = if primary {
            email.to_owned()
        } else {
            names
                .get(c - 1)
                .map(|s| s.to_string())
                .unwrap_or_else(|| CAL_NAMES[(c - 1) % CAL_NAMES.len()].to_owned())
        };
        let mut cal = CalendarSpec {
            id,
            summary,
            time_zone: tz.to_owned(),
            color_id: ((c * 7) % 24 + 1).to_string(),
            primary,
            ..CalendarSpec::default()
        };
        let tzv: chrono_tz::Tz = tz.parse().expect("known zone");
        while cal.events.len() < spec.events_per_calendar {
            let mut evs = event(rng, spec, anchor, tzv, email);
            let room = spec.events_per_calendar - cal.events.len();
            evs.truncate(room);
            cal.events.extend(evs);
        }
        if primary && cal.events.len() >= SPECIAL_TYPES_FROM {
            special_types(&mut cal.events, email);
        }
        acc.calendars.push(cal);
    }
    acc
}

/// One event, or a recurring master followed by a moved and a cancelled instance.
fn event(
    rng: &mut StdRng,
    spec: &GenSpec,
    anchor: NaiveDate,
    tz: chrono_tz::Tz,
    owner: &str,
) -> Vec<Value> {
    let id = new_event_id(rng);
    let day = anchor + Duration::days(rng.gen_range(-spec.spread_days..=spec.spread_days));
    let roll: f64 = rng.gen();
    let summary = *WHAT.choose(rng).expect("non-empty");
    let mut ev = json!({ "id": id, "summary": summary, "status": "confirmed" });
    let recurring = roll < spec.recurring_share;
    if !recurring && roll < spec.recurring_share + 0.10 {
        all_day_times(rng, &mut ev, day);
    } else {
        timed_times(rng, &mut ev, day, tz, roll);
    }
    details(rng, &mut ev, summary, owner);
    if !recurring {
        return vec![ev];
    }
    series(rng, ev, anchor, day, tz, summary)
}

/// Primary calendars with at least this many events get one event of each special type.
const SPECIAL_TYPES_FROM: usize = 20;

/// Turns a few of the generated single events (past the first ten, which tests like to pick)
/// into one event of each of Google's special types, keeping the calendar's event count: focus
/// time, out of office, a Gmail flight and a working-location range from timed events; a yearly
/// birthday and a day's working location from one-day all-day events.
fn special_types(events: &mut [Value], owner: &str) {
    let mut timed = ["focusTime", "outOfOffice", "fromGmail", "workingLocation"].into_iter();
    let mut all_day = ["birthday", "workingLocation"].into_iter();
    let singles = events
        .iter_mut()
        .filter(|e| e.get("recurrence").is_none() && e.get("recurringEventId").is_none())
        .skip(10);
    for ev in singles {
        let one_day = ev["start"]["date"].as_str().is_some_and(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .is_ok_and(|d| ev["end"]["date"] == json!((d + Duration::days(1)).to_string()))
        });
        let ty = if ev["start"].get("dateTime").is_some() {
            timed.next()
        } else if one_day {
            all_day.next()
        } else {
            None
        };
        if let Some(ty) = ty {
            make_special(ev, ty, owner);
        }
    }
}

fn make_special(ev: &mut Value, ty: &str, owner: &str) {
    ev["eventType"] = json!(ty);
    match ty {
        "focusTime" => {
            ev["summary"] = json!("Focus time");
            ev["transparency"] = json!("opaque");
            ev["focusTimeProperties"] =
                json!({"autoDeclineMode": "declineNone", "chatStatus": "doNotDisturb"});
        }
        "outOfOffice" => {
            ev["summary"] = json!("Out of office");
            ev["transparency"] = json!("opaque");
            ev["outOfOfficeProperties"] = json!({"autoDeclineMode": "declineAllConflictingInvitations",
                "declineMessage": "Away, back soon."});
        }
        "fromGmail" => {
            ev["summary"] = json!("Flight to Lisbon");
            ev["location"] = json!("Berlin BER");
            ev["organizer"] = json!({"email": owner, "self": true});
        }
        "birthday" => {
            ev["summary"] = json!("Jo Müller's birthday");
            ev["recurrence"] = json!(["RRULE:FREQ=YEARLY"]);
            ev["visibility"] = json!("private");
            ev["transparency"] = json!("transparent");
            ev["birthdayProperties"] = json!({"type": "birthday", "contact": "people/c2001"});
            for k in ["location", "description", "attendees", "colorId"] {
                if let Some(m) = ev.as_object_mut() {
                    m.remove(k);
                }
            }
        }
        _ => {
            ev["summary"] = json!("Office");
            ev["visibility"] = json!("public");
            ev["transparency"] = json!("transparent");
            ev["workingLocationProperties"] = json!({"type": "officeLocation",
                "officeLocation": {"buildingId": "HQ", "label": "Head office"}});
        }
    }
}

/// An all-day event of one day (or a few) starting on `day`.
fn all_day_times(rng: &mut StdRng, ev: &mut Value, day: NaiveDate) {
    let days = if rng.gen_bool(0.3) {
        rng.gen_range(2..5)
    } else {
        1
    };
    ev["start"] = json!({ "date": day.to_string() });
    ev["end"] = json!({ "date": (day + Duration::days(days)).to_string() });
    ev["transparency"] = json!("transparent");
}

/// A timed event on `day` in working hours (a rare one lasts over a day).
fn timed_times(rng: &mut StdRng, ev: &mut Value, day: NaiveDate, tz: chrono_tz::Tz, roll: f64) {
    let hour = rng.gen_range(7..20);
    let minute = [0, 15, 30, 45][rng.gen_range(0..4)];
    let local = day.and_hms_opt(hour, minute, 0).expect("valid time");
    let start = tz
        .from_local_datetime(&local)
        .earliest()
        .unwrap_or_else(|| tz.from_utc_datetime(&local))
        .with_timezone(&Utc);
    let minutes = if roll > 0.95 {
        60 * 26
    } else {
        [30, 45, 60, 90, 120][rng.gen_range(0..5)]
    };
    let end = start + Duration::minutes(minutes);
    ev["start"] = json!({ "dateTime": fmt_in_zone(start, tz), "timeZone": tz.name() });
    ev["end"] = json!({ "dateTime": fmt_in_zone(end, tz), "timeZone": tz.name() });
}

/// Some of: a place, a rich-text description, a colour, attendees, reminders.
fn details(rng: &mut StdRng, ev: &mut Value, summary: &str, owner: &str) {
    if rng.gen_bool(0.3) {
        ev["location"] = json!(PLACES.choose(rng).expect("non-empty"));
    }
    if rng.gen_bool(0.3) {
        ev["description"] = json!(format!(
            "<p><b>Agenda</b> for {summary}:</p><ul><li>Notes &amp; updates</li><li>Next steps</li></ul><p><a href=\"https://example.com/doc/{}\">Document</a></p>",
            rng.gen_range(100..999)
        ));
    }
    if rng.gen_bool(0.15) {
        ev["colorId"] = json!(rng.gen_range(1..=11).to_string());
    }
    if rng.gen_bool(0.25) {
        let mut attendees = vec![
            json!({ "email": owner, "organizer": true, "self": true, "responseStatus": "accepted" }),
        ];
        let n = rng.gen_range(1..4);
        for (email, name) in PEOPLE.choose_multiple(rng, n) {
            let status = ["accepted", "needsAction", "tentative", "declined"][rng.gen_range(0..4)];
            let mut a = json!({ "email": email, "displayName": name, "responseStatus": status });
            if email.contains("resource") {
                a["resource"] = json!(true);
            }
            attendees.push(a);
        }
        ev["attendees"] = Value::Array(attendees);
    }
    if rng.gen_bool(0.2) {
        ev["reminders"] = json!({ "useDefault": false, "overrides": [{ "method": "popup", "minutes": 30 }, { "method": "email", "minutes": 1440 }] });
    }
}

/// `ev` made a recurring master that began a few weeks before `anchor`, followed by a moved and
/// a cancelled instance when the series has enough occurrences.
fn series(
    rng: &mut StdRng,
    mut ev: Value,
    anchor: NaiveDate,
    day: NaiveDate,
    tz: chrono_tz::Tz,
    summary: &str,
) -> Vec<Value> {
    // Series start in the past so that they cover the present.
    let back = anchor - Duration::days(rng.gen_range(14..60));
    let shift = back.signed_duration_since(day);
    for k in ["start", "end"] {
        if let Some(dt) = ev[k]["dateTime"].as_str() {
            let t = chrono::DateTime::parse_from_rfc3339(dt)
                .expect("just written")
                .with_timezone(&Utc)
                + shift;
            ev[k]["dateTime"] = json!(fmt_in_zone(t, tz));
        } else if let Some(d) = ev[k]["date"].as_str() {
            let d = NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("just written") + shift;
            ev[k]["date"] = json!(d.to_string());
        }
    }
    let rule = RULES.choose(rng).expect("non-empty");
    ev["recurrence"] = json!([rule]);
    let mut out = vec![ev.clone()];
    let Some(series) = Series::of(ev.as_object().expect("object"), tz) else {
        return out;
    };
    let horizon =
        Utc.from_utc_datetime(&anchor.and_time(chrono::NaiveTime::MIN)) + Duration::days(120);
    let occ = series.occurrences(None, horizon);
    if occ.len() < 4 {
        return out;
    }
    // A moved instance: one hour later (or the next day for all-day series).
    let base =
        crate::store::calendar::EventRec::new(ev.as_object().expect("object").clone(), 0, tz);
    let mut moved = crate::store::calendar::instance_body(&base, &series, &occ[1]);
    if let Some(d) = occ[1].date {
        let nd = d + Duration::days(1);
        moved["start"] = json!({ "date": nd.to_string() });
        moved["end"] = json!({ "date": (nd + Duration::days(1)).to_string() });
    } else {
        let s = occ[1].start + Duration::hours(1);
        moved["start"] = json!({ "dateTime": fmt_in_zone(s, tz), "timeZone": tz.name() });
        moved["end"] =
            json!({ "dateTime": fmt_in_zone(s + series.duration, tz), "timeZone": tz.name() });
    }
    moved.insert("summary".into(), json!(format!("{summary} (moved)")));
    moved.remove("etag");
    out.push(Value::Object(moved));
    let mut cancelled = crate::store::calendar::instance_body(&base, &series, &occ[2]);
    cancelled.insert("status".into(), json!("cancelled"));
    cancelled.remove("etag");
    out.push(Value::Object(cancelled));
    let _ = day.weekday();
    out
}
