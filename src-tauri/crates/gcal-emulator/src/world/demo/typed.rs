//! The demo person's events of Google's special types, all on the primary calendar (where focus
//! time, out of office and working location must live): a weekly working-location pattern,
//! focus-time blocks, an out-of-office week, contacts' birthdays and a flight Gmail found.
//! They draw on a random source of their own, so the rest of the demo world stays as it was.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Value};

use super::events::{all_day, located, recurring, timed, At};
use super::plan::{Plan, SPAN_DAYS};

const SEED: u64 = 20261217;

pub fn typed_events(plan: &mut Plan, owner: &str) -> Vec<Value> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let rng = &mut rng;
    let mut out = working_locations(rng, plan);
    out.extend(focus_blocks(rng, plan));
    out.push(out_of_office_week(rng, plan));
    out.extend(birthdays(rng, plan));
    out.push(gmail_flight(rng, plan, owner));
    out
}

fn typed(mut ev: Value, event_type: &str, props: (&str, Value)) -> Value {
    ev["eventType"] = json!(event_type);
    ev[props.0] = props.1;
    ev
}

/// At the office on Monday, Tuesday and Thursday, at home on Wednesday and Friday: two weekly
/// series of one-day entries, as Google's working-hours settings make them.
fn working_locations(rng: &mut StdRng, plan: &Plan) -> Vec<Value> {
    let monday = plan.anchor() - Duration::days(SPAN_DAYS);
    let monday = plan.next(monday, Weekday::Mon);
    let office = json!({"type": "officeLocation", "officeLocation": {
        "buildingId": "BER-1", "floorId": "4", "deskId": "4.12-03", "label": "Berlin office"}});
    let home = json!({"type": "homeOffice", "homeOffice": {}});
    let entry = |rng: &mut StdRng, summary: &str, first: NaiveDate, days: &str, props: &Value| {
        let mut ev = all_day(rng, summary, first, 1);
        ev["visibility"] = json!("public");
        let ev = recurring(ev, &format!("RRULE:FREQ=WEEKLY;BYDAY={days}"));
        typed(
            ev,
            "workingLocation",
            ("workingLocationProperties", props.clone()),
        )
    };
    vec![
        entry(rng, "Office", monday, "MO,TU,TH", &office),
        entry(rng, "Home", monday + Duration::days(2), "WE,FR", &home),
    ]
}

/// Two-hour focus blocks on some working days around the anchor, in free slots.
fn focus_blocks(rng: &mut StdRng, plan: &mut Plan) -> Vec<Value> {
    let anchor = plan.anchor();
    let days: Vec<NaiveDate> = plan
        .working_days()
        .into_iter()
        .filter(|d| (*d - anchor).num_days().abs() <= 21)
        .collect();
    let mut out = Vec::new();
    for day in days.into_iter().step_by(3) {
        let Some(at) = plan.find_slot(rng, day, At(9, 0), At(17, 0), 120) else {
            continue;
        };
        let ev = timed(rng, plan.zone(), "Focus time", day, at, 120);
        let mut ev = typed(
            ev,
            "focusTime",
            (
                "focusTimeProperties",
                json!({"autoDeclineMode": "declineOnlyNewConflictingInvitations",
                    "declineMessage": "Declined because I am in focus time.",
                    "chatStatus": "doNotDisturb"}),
            ),
        );
        ev["transparency"] = json!("opaque");
        out.push(ev);
    }
    out
}

/// A week away four weeks on: Monday 00:00 to Saturday 00:00, declining what comes in.
fn out_of_office_week(rng: &mut StdRng, plan: &Plan) -> Value {
    let monday = plan.next(plan.anchor() + Duration::days(28), Weekday::Mon);
    let ev = timed(
        rng,
        plan.zone(),
        "Out of office",
        monday,
        At(0, 0),
        5 * 24 * 60,
    );
    let back = monday + Duration::days(7);
    let mut ev = typed(
        ev,
        "outOfOffice",
        (
            "outOfOfficeProperties",
            json!({"autoDeclineMode": "declineAllConflictingInvitations",
                "declineMessage": format!("I am away and back on {}.", back.format("%A %-d %B"))}),
        ),
    );
    ev["transparency"] = json!("opaque");
    ev
}

/// Yearly birthdays of two contacts and one the user entered.
fn birthdays(rng: &mut StdRng, plan: &Plan) -> Vec<Value> {
    let anchor = plan.anchor();
    [
        ("Alex Kim", 3, Some("people/c1001")),
        ("Priya Patel", 17, Some("people/c1002")),
        ("Sam Rivera", -20, None),
    ]
    .into_iter()
    .map(|(who, offset, contact)| {
        let day = anchor + Duration::days(offset);
        let first = NaiveDate::from_ymd_opt(anchor.year() - 2, day.month(), day.day())
            .unwrap_or(day - Duration::days(2 * 365));
        let mut ev = all_day(rng, &format!("{who}'s birthday"), first, 1);
        ev["visibility"] = json!("private");
        let mut props = json!({"type": "birthday"});
        if let Some(c) = contact {
            props["contact"] = json!(c);
        }
        typed(
            recurring(ev, "RRULE:FREQ=YEARLY"),
            "birthday",
            ("birthdayProperties", props),
        )
    })
    .collect()
}

/// A flight Gmail found in a booking confirmation, on a Saturday two and a half weeks on.
fn gmail_flight(rng: &mut StdRng, plan: &Plan, owner: &str) -> Value {
    let day = plan.next(plan.anchor() + Duration::days(18), Weekday::Sat);
    let ev = timed(
        rng,
        plan.zone(),
        "Flight to Lisbon (TP 537)",
        day,
        At(8, 15),
        205,
    );
    let mut ev = located(ev, "Berlin BER");
    ev["eventType"] = json!("fromGmail");
    ev["description"] = json!("TAP Air Portugal TP 537 · BER → LIS · Confirmation X7K2P9");
    ev["organizer"] = json!({"email": owner, "self": true});
    ev
}
