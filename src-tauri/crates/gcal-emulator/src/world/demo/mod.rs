//! The demo world: a person's calendar around a day (the app clock's), made from a seed, so a
//! demo start on the same day always shows the same world. Weekdays keep working hours — a
//! stand-up, a weekly team meeting, 1:1s, meetings and lunch between 9:00 and 18:00 in the demo
//! zone — evenings and weekends hold a few personal plans, and a read-only calendar lists the
//! public holidays, on which nobody books meetings. The primary calendar also holds one of each
//! of Google's special event types (`typed`).

mod events;
mod holidays;
mod plan;
#[cfg(test)]
mod tests;
mod typed;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use super::{AccountSpec, CalendarSpec, World};
use events::{
    agenda, all_day, colored, exception, located, recurring, reminded, timed, with_guests, At,
    Change,
};
use plan::Plan;

const SEED: u64 = 20261125;
pub const DEMO_USER: &str = "demo@chronos.example";
const COLLEAGUE: &str = "work@chronos.example";

const ALEX: (&str, &str) = ("alex@example.com", "Alex Kim");
const SAM: (&str, &str) = ("sam@example.com", "Sam Rivera");
const JO: (&str, &str) = ("jo@example.org", "Jo Müller");
const PRIYA: (&str, &str) = ("priya@example.net", "Priya Patel");
const LI: (&str, &str) = ("li@example.com", "Li Wei");
const ROOM: (&str, &str) = ("room-4-12@resource.example", "Room 4.12");
const RESPONSES: [&str; 4] = ["accepted", "accepted", "tentative", "needsAction"];

const MEETINGS: &[&str] = &[
    "Planning",
    "Design critique",
    "Review",
    "Call with Alex",
    "Workshop",
    "Retrospective",
    "Board meeting",
    "Customer call",
    "Interview",
    "Budget review",
    "Project kickoff",
    "Sync with marketing",
];
const ROOMS: &[&str] = &[
    "Room 4.12",
    "Room 2.03",
    "https://meet.example/abc-defg-hij",
];

/// Where the demo person lives unless told otherwise.
pub const DEMO_ZONE: Tz = chrono_tz::Europe::Berlin;

/// The demo world around `anchor` for a person in `zone`: `demo@chronos.example` with its own
/// calendar, Work, Family, Sport and the read-only holidays; `work@chronos.example`, a colleague,
/// with its own and Team. Every time of day is a wall-clock time in `zone`.
pub fn demo(anchor: NaiveDate, zone: Tz) -> World {
    let mut rng = StdRng::seed_from_u64(SEED);
    let days_off = holidays::days_off(anchor);
    let mut me = Plan::new(anchor, zone, days_off.clone());
    let mut primary = own_calendar(DEMO_USER, working_week(&mut rng, &mut me, DEMO_USER));
    let events = work(&mut rng, &mut me);
    let work = calendar(&mut rng, "Work", "8", events);
    let events = sport(&mut rng, &mut me);
    let sport = calendar(&mut rng, "Sport", "22", events);
    let events = family(&mut rng, &mut me);
    let family = calendar(&mut rng, "Family", "15", events);
    primary
        .events
        .extend(typed::typed_events(&mut me, DEMO_USER));
    let holidays = holidays::calendar(anchor);
    let demo = account(
        DEMO_USER,
        zone,
        vec![primary, work, family, sport, holidays],
    );

    let mut colleague = Plan::new(anchor, zone, days_off);
    let own = own_calendar(COLLEAGUE, working_week(&mut rng, &mut colleague, COLLEAGUE));
    let events = team(&mut rng, &mut colleague);
    let team = calendar(&mut rng, "Team", "8", events);
    World {
        clients: Vec::new(),
        accounts: vec![demo, account(COLLEAGUE, zone, vec![own, team])],
    }
}

/// The account and each of its calendars are set to `zone`, as Google sets a new user's.
fn account(email: &str, zone: Tz, mut calendars: Vec<CalendarSpec>) -> AccountSpec {
    for c in &mut calendars {
        c.time_zone = zone.name().into();
    }
    let mut acc = AccountSpec {
        email: email.into(),
        calendars,
        ..AccountSpec::default()
    };
    acc.settings.insert("timezone".into(), zone.name().into());
    acc
}

fn own_calendar(email: &str, events: Vec<Value>) -> CalendarSpec {
    CalendarSpec {
        id: email.into(),
        summary: email.into(),
        color_id: "1".into(),
        primary: true,
        events,
        ..CalendarSpec::default()
    }
}

fn calendar(rng: &mut StdRng, summary: &str, color_id: &str, events: Vec<Value>) -> CalendarSpec {
    let hex: String = (0..16)
        .map(|_| format!("{:x}", rng.gen_range(0..16)))
        .collect();
    CalendarSpec {
        id: format!("c_{hex}@group.calendar.google.com"),
        summary: summary.into(),
        color_id: color_id.into(),
        events,
        ..CalendarSpec::default()
    }
}

fn guests<'a>(
    rng: &mut StdRng,
    people: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str, &'static str)> {
    people
        .iter()
        .map(|(email, name)| (*email, *name, *RESPONSES.choose(rng).expect("non-empty")))
        .collect()
}

/// The meetings of `owner`'s own calendar: a stand-up every weekday, a weekly team meeting,
/// 1:1s, lunch on most days and a few meetings around them, all within working hours.
fn working_week(rng: &mut StdRng, plan: &mut Plan, owner: &str) -> Vec<Value> {
    use Weekday::*;
    let mut out = Vec::new();
    let from = plan.anchor_instant();

    let standup = plan.series(
        rng,
        "Stand-up",
        &[Mon, Tue, Wed, Thu, Fri],
        At(9, 30),
        15,
        1,
    );
    let standup = located(standup, ROOMS[2]);
    out.push(exception(
        &standup,
        plan.zone(),
        from,
        3,
        Change::MovedBy(Duration::minutes(30)),
    ));
    out.push(exception(&standup, plan.zone(), from, 6, Change::Cancelled));
    out.push(standup);

    let team = plan.series(rng, "Team meeting", &[Tue], At(10, 0), 60, 1);
    let people = guests(rng, &[ALEX, SAM, JO, PRIYA, ROOM]);
    let team = with_guests(located(team, "Room 4.12"), owner, &people);
    let team = reminded(
        agenda(team, &["Updates", "Blockers", "Next steps"], 412),
        10,
    );
    out.push(exception(
        &team,
        plan.zone(),
        from,
        1,
        Change::MovedBy(Duration::days(1)),
    ));
    out.push(exception(&team, plan.zone(), from, 3, Change::Cancelled));
    out.push(team);

    let alex = plan.series(rng, "1:1 with Alex", &[Thu], At(11, 0), 30, 2);
    let people = guests(rng, &[ALEX]);
    out.push(with_guests(alex, owner, &people));
    let priya = plan.series(rng, "1:1 with Priya", &[Wed], At(15, 0), 30, 1);
    let people = guests(rng, &[PRIYA]);
    out.push(with_guests(priya, owner, &people));

    for day in plan.working_days() {
        if rng.gen_bool(0.85) {
            out.push(lunch(rng, plan, day));
        }
        let most = if day.weekday() == Fri { 2 } else { 3 };
        for _ in 0..rng.gen_range(0..=most) {
            if let Some(ev) = meeting(rng, plan, day, owner) {
                out.push(ev);
            }
        }
    }
    out
}

fn lunch(rng: &mut StdRng, plan: &mut Plan, day: NaiveDate) -> Value {
    let summary = *["Lunch", "Lunch with Sam", "Team lunch", "Lunch with Priya"]
        .choose(rng)
        .expect("non-empty");
    let at = *[At(12, 0), At(12, 0), At(12, 15), At(12, 30)]
        .choose(rng)
        .expect("non-empty");
    let minutes = if at == At(12, 30) {
        60
    } else {
        [45, 60][rng.gen_range(0..2)]
    };
    plan.book(day, at, minutes);
    let ev = colored(timed(rng, plan.zone(), summary, day, at, minutes), "2");
    if rng.gen_bool(0.4) {
        located(ev, "Café Mondial")
    } else {
        ev
    }
}

/// A meeting in a free slot between 9:00 and 18:00, if the day has one.
fn meeting(rng: &mut StdRng, plan: &mut Plan, day: NaiveDate, owner: &str) -> Option<Value> {
    let minutes = *[30, 30, 45, 60, 60, 90].choose(rng).expect("non-empty");
    let at = plan.find_slot(rng, day, At(9, 0), At(18, 0), minutes)?;
    let summary = *MEETINGS.choose(rng).expect("non-empty");
    let mut ev = timed(rng, plan.zone(), summary, day, at, minutes);
    if rng.gen_bool(0.5) {
        ev = located(ev, ROOMS.choose(rng).expect("non-empty"));
    }
    if rng.gen_bool(0.5) {
        let n = rng.gen_range(1..4);
        let picked: Vec<_> = [ALEX, SAM, JO, PRIYA, LI]
            .choose_multiple(rng, n)
            .copied()
            .collect();
        let people = guests(rng, &picked);
        ev = with_guests(ev, owner, &people);
    }
    if rng.gen_bool(0.3) {
        ev = agenda(
            ev,
            &["Context", "Decisions", "Owners"],
            rng.gen_range(100..999),
        );
    }
    if rng.gen_bool(0.1) {
        ev = colored(ev, &rng.gen_range(3..=11).to_string());
    }
    if rng.gen_bool(0.15) {
        ev = reminded(ev, 30);
    }
    Some(ev)
}

/// Focus time, deadlines, and one trip to a conference.
fn work(rng: &mut StdRng, plan: &mut Plan) -> Vec<Value> {
    let mut out = Vec::new();
    let deadlines = [
        "Quarterly report due",
        "Release 2.4",
        "Invoices due",
        "Roadmap draft due",
    ];
    for (i, day) in plan.working_days().into_iter().enumerate() {
        if i % 9 == 4 {
            let what = deadlines[(i / 9) % deadlines.len()];
            out.push(colored(all_day(rng, what, day, 1), "11"));
        }
        if rng.gen_bool(0.35) {
            if let Some(at) = plan.find_slot(rng, day, At(9, 0), At(17, 0), 120) {
                out.push(timed(rng, plan.zone(), "Focus time", day, at, 120));
            }
        }
    }
    let out_day = plan.next(plan.anchor() + Duration::days(14), Weekday::Wed);
    let back_day = out_day + Duration::days(1);
    plan.book(out_day, At(7, 10), 85);
    plan.book(back_day, At(18, 40), 70);
    out.push(located(
        timed(rng, plan.zone(), "Flight to Munich", out_day, At(7, 10), 85),
        "BER → MUC",
    ));
    out.push(located(
        all_day(rng, "Conference: Data Days", out_day, 2),
        "ICM Munich",
    ));
    out.push(located(
        timed(rng, plan.zone(), "Flight home", back_day, At(18, 40), 70),
        "MUC → BER",
    ));
    out
}

/// The gym twice a week after work, yoga before it, and a run or a swim at the weekend.
fn sport(rng: &mut StdRng, plan: &mut Plan) -> Vec<Value> {
    use Weekday::*;
    let from = plan.anchor_instant();
    let gym = located(
        plan.series(rng, "Gym", &[Mon, Thu], At(18, 30), 60, 1),
        "Gym",
    );
    let yoga = plan.series(rng, "Yoga", &[Wed], At(7, 30), 60, 1);
    let mut out = vec![
        exception(
            &gym,
            plan.zone(),
            from,
            2,
            Change::MovedBy(Duration::hours(1)),
        ),
        exception(&gym, plan.zone(), from, 5, Change::Cancelled),
        gym,
        located(yoga, "Studio Sonne"),
    ];
    for day in plan.weekend_days() {
        let (what, at, chance) = match day.weekday() {
            Sat => ("Swimming", At(8, 30), 0.3),
            _ => ("Running", At(9, 30), 0.6),
        };
        if rng.gen_bool(chance) {
            out.push(timed(rng, plan.zone(), what, day, at, 60));
        }
    }
    out
}

/// Weekend plans, a few evenings, and a birthday.
fn family(rng: &mut StdRng, plan: &mut Plan) -> Vec<Value> {
    let mut out = Vec::new();
    for day in plan.weekend_days() {
        if day.weekday() == Weekday::Sat {
            if rng.gen_bool(0.6) {
                out.push(timed(rng, plan.zone(), "Groceries", day, At(10, 30), 60));
            }
            if rng.gen_bool(0.3) {
                let ev = timed(
                    rng,
                    plan.zone(),
                    "Dinner with friends",
                    day,
                    At(19, 30),
                    150,
                );
                out.push(located(ev, "Trattoria Roma"));
            }
        } else if rng.gen_bool(0.5) {
            let (what, at) = *[("Family brunch", At(11, 0)), ("Family dinner", At(18, 0))]
                .choose(rng)
                .expect("non-empty");
            out.push(timed(rng, plan.zone(), what, day, at, 120));
        } else if rng.gen_bool(0.4) {
            out.push(timed(rng, plan.zone(), "Call with Mum", day, At(17, 0), 45));
        }
    }
    let anchor = plan.anchor();
    let evening = plan.next(anchor + Duration::days(5), Weekday::Tue);
    let ev = reminded(
        timed(rng, plan.zone(), "Parents' evening", evening, At(19, 0), 90),
        60,
    );
    out.push(located(ev, "Springfield Primary School"));
    let dentist = plan.next(anchor - Duration::days(10), Weekday::Fri);
    out.push(located(
        timed(rng, plan.zone(), "Dentist", dentist, At(8, 0), 45),
        "Main Street 5, Springfield",
    ));
    let haircut = plan.next(anchor + Duration::days(2), Weekday::Sat);
    out.push(timed(rng, plan.zone(), "Haircut", haircut, At(12, 0), 45));
    let birthday = anchor + Duration::days(9);
    let first = NaiveDate::from_ymd_opt(anchor.year() - 3, birthday.month(), birthday.day())
        .unwrap_or(birthday - Duration::days(3 * 365));
    let ev = all_day(rng, "Mum's birthday", first, 1);
    out.push(colored(recurring(ev, "RRULE:FREQ=YEARLY"), "6"));
    out
}

/// A colleague's team calendar: sprint planning and a retrospective every other week, an offsite.
fn team(rng: &mut StdRng, plan: &mut Plan) -> Vec<Value> {
    use Weekday::*;
    let planning = plan.series(rng, "Sprint planning", &[Mon], At(10, 0), 120, 2);
    let retro = plan.series(rng, "Retrospective", &[Fri], At(15, 0), 60, 2);
    let offsite = plan.next(plan.anchor() + Duration::days(20), Thu);
    vec![
        planning,
        retro,
        located(all_day(rng, "Team offsite", offsite, 1), "Lake house"),
    ]
}
