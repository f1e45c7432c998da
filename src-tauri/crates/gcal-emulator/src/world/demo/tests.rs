//! The demo world reads like a person's calendar, on any day it is made around.

use super::holidays::HOLIDAYS_ID;
use super::plan::{is_weekend, SPAN_DAYS};
use super::*;
use crate::store::recurrence::Series;
use chrono::{DateTime, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashSet};

/// Two pinned days of the clock matrix, each with the zone the person lives in: early December
/// in Berlin (Christmas ahead), and Easter Sunday 2027 in New York (both sides of its DST change).
fn cases() -> [(NaiveDate, Tz); 2] {
    [
        (NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), DEMO_ZONE),
        (
            NaiveDate::from_ymd_opt(2027, 3, 28).unwrap(),
            chrono_tz::America::New_York,
        ),
    ]
}

/// A timed occurrence as a calendar shows it: title and start in the person's zone.
#[derive(Debug, Clone)]
struct Shown {
    summary: String,
    start: chrono::NaiveDateTime,
}

fn instant_of(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.get("dateTime")?.as_str()?;
    Some(DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc))
}

/// Every timed occurrence of `cal` within the demo's span of `anchor`: single events, series
/// expanded, their cancelled instances left out and moved ones where they moved to.
fn timed_occurrences(cal: &CalendarSpec, anchor: NaiveDate, zone: Tz) -> Vec<Shown> {
    let from = events::instant(anchor - Duration::days(SPAN_DAYS), At(0, 0), zone);
    let to = events::instant(anchor + Duration::days(SPAN_DAYS + 1), At(0, 0), zone);
    let mut replaced = HashSet::new();
    let mut out = Vec::new();
    let mut shown = |summary: &str, t: DateTime<Utc>| {
        if t >= from && t < to {
            out.push(Shown {
                summary: summary.to_owned(),
                start: t.with_timezone(&zone).naive_local(),
            });
        }
    };
    for ev in cal
        .events
        .iter()
        .filter(|e| e.get("recurringEventId").is_some())
    {
        let original = instant_of(&ev["originalStartTime"]).expect("a timed original");
        replaced.insert((
            ev["recurringEventId"].as_str().unwrap().to_owned(),
            original,
        ));
        if ev["status"] != "cancelled" {
            shown(
                ev["summary"].as_str().unwrap(),
                instant_of(&ev["start"]).unwrap(),
            );
        }
    }
    for ev in cal
        .events
        .iter()
        .filter(|e| e.get("recurringEventId").is_none())
    {
        let summary = ev["summary"].as_str().unwrap();
        let Some(start) = instant_of(&ev["start"]) else {
            continue;
        };
        match Series::of(ev.as_object().unwrap(), zone) {
            None => shown(summary, start),
            Some(series) => {
                let id = ev["id"].as_str().unwrap().to_owned();
                for occ in series.occurrences(None, to) {
                    if !replaced.contains(&(id.clone(), occ.start)) {
                        shown(summary, occ.start);
                    }
                }
            }
        }
    }
    out
}

fn demo_account(w: &World) -> &AccountSpec {
    w.accounts.iter().find(|a| a.email == DEMO_USER).unwrap()
}

/// The demo user's timed occurrences over all their calendars, by day.
fn by_day(w: &World, anchor: NaiveDate, zone: Tz) -> BTreeMap<NaiveDate, Vec<Shown>> {
    let mut days: BTreeMap<NaiveDate, Vec<Shown>> = BTreeMap::new();
    for cal in &demo_account(w).calendars {
        for s in timed_occurrences(cal, anchor, zone) {
            days.entry(s.start.date()).or_default().push(s);
        }
    }
    days
}

#[test]
fn the_same_day_gives_the_same_world_and_another_day_moves_it() {
    let [(a, zone), (b, _)] = cases();
    assert_eq!(demo(a, zone), demo(a, zone));
    assert_ne!(demo(a, zone), demo(b, zone));
    assert_eq!(World::demo_around(a), demo(a, DEMO_ZONE));
    for (anchor, zone) in cases() {
        let w = demo(anchor, zone);
        w.validate().unwrap();
        assert_eq!(
            World::from_json(&w.to_json()).unwrap(),
            w,
            "JSON round trip"
        );
    }
}

#[test]
fn weekdays_keep_working_hours_in_the_demo_zone() {
    for (anchor, zone) in cases() {
        let w = demo(anchor, zone);
        for acc in &w.accounts {
            assert_eq!(acc.settings["timezone"], zone.name());
            for cal in &acc.calendars {
                // An out-of-office block covers whole days, from midnight.
                let mut cal = cal.clone();
                cal.events.retain(|e| e["eventType"] != "outOfOffice");
                for s in timed_occurrences(&cal, anchor, zone) {
                    if is_weekend(s.start.date()) {
                        continue;
                    }
                    let t = s.start.time();
                    assert!(
                        t >= NaiveTime::from_hms_opt(7, 0, 0).unwrap()
                            && t <= NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
                        "{} of {} starts at {} (around {anchor})",
                        s.summary,
                        acc.email,
                        s.start
                    );
                }
            }
        }
    }
}

#[test]
fn most_working_days_have_a_lunch_around_noon() {
    for (anchor, zone) in cases() {
        let w = demo(anchor, zone);
        let days = by_day(&w, anchor, zone);
        let off = holidays::days_off(anchor);
        let working: Vec<NaiveDate> = (-SPAN_DAYS..=SPAN_DAYS)
            .map(|d| anchor + Duration::days(d))
            .filter(|d| !is_weekend(*d) && !off.contains(d))
            .collect();
        let with_lunch = working
            .iter()
            .filter(|d| {
                days.get(d).is_some_and(|shown| {
                    shown.iter().any(|s| {
                        let m = s.start.hour() * 60 + s.start.minute();
                        s.summary.to_lowercase().contains("lunch") && (720..=810).contains(&m)
                    })
                })
            })
            .count();
        assert!(
            with_lunch * 10 >= working.len() * 7,
            "lunch on {with_lunch} of {} working days around {anchor}",
            working.len()
        );
    }
}

#[test]
fn a_weekly_team_meeting_with_guests_runs_through_the_anchor() {
    for (anchor, zone) in cases() {
        let w = demo(anchor, zone);
        let primary = &demo_account(&w).calendars[0];
        let team = primary
            .events
            .iter()
            .find(|e| e["summary"] == "Team meeting" && e.get("recurrence").is_some())
            .expect("a team meeting series");
        let rule = team["recurrence"][0].as_str().unwrap();
        assert!(rule.starts_with("RRULE:FREQ=WEEKLY"), "{rule}");
        assert!(!rule.contains("INTERVAL"), "every week: {rule}");
        assert!(team["attendees"].as_array().unwrap().len() >= 4);
        let shown = timed_occurrences(primary, anchor, zone);
        let near = shown.iter().filter(|s| {
            s.summary == "Team meeting" && (s.start.date() - anchor).num_days().abs() <= 7
        });
        assert!(
            near.count() >= 1,
            "a team meeting within a week of {anchor}"
        );
        let one_on_ones = primary
            .events
            .iter()
            .filter(|e| e["summary"].as_str().unwrap().starts_with("1:1"))
            .count();
        assert!(one_on_ones >= 2, "a few 1:1s");
    }
}

#[test]
fn weekends_are_lighter_than_weekdays() {
    for (anchor, zone) in cases() {
        let w = demo(anchor, zone);
        let days = by_day(&w, anchor, zone);
        let (mut weekday, mut weekend) = ((0, 0), (0, 0));
        for d in (-SPAN_DAYS..=SPAN_DAYS).map(|d| anchor + Duration::days(d)) {
            let n = days.get(&d).map_or(0, Vec::len);
            let slot = if is_weekend(d) {
                &mut weekend
            } else {
                &mut weekday
            };
            slot.0 += n;
            slot.1 += 1;
        }
        let (per_weekday, per_weekend) = (
            weekday.0 as f64 / weekday.1 as f64,
            weekend.0 as f64 / weekend.1 as f64,
        );
        assert!(
            per_weekend * 2.0 < per_weekday,
            "{per_weekend:.1} events a weekend day against {per_weekday:.1} a weekday (around {anchor})"
        );
        assert!(per_weekend > 0.5, "a few personal plans at the weekend");
    }
}

#[test]
fn a_read_only_holiday_calendar_of_all_day_events_covers_the_span() {
    for (anchor, zone) in cases() {
        let w = demo(anchor, zone);
        let hol = demo_account(&w)
            .calendars
            .iter()
            .find(|c| c.id == HOLIDAYS_ID)
            .expect("the holiday calendar");
        assert_eq!(hol.access_role, "reader");
        assert!(hol.events.len() >= 30, "three years of holidays");
        assert!(hol
            .events
            .iter()
            .all(|e| e["start"].get("date").is_some() && e["start"].get("dateTime").is_none()));
        let dates: Vec<NaiveDate> = hol
            .events
            .iter()
            .map(|e| e["start"]["date"].as_str().unwrap().parse().unwrap())
            .collect();
        let within = dates
            .iter()
            .filter(|d| (**d - anchor).num_days().abs() <= SPAN_DAYS)
            .count();
        assert!(
            within >= 2,
            "holidays within the span of {anchor}: {within}"
        );
    }
}

#[test]
fn the_world_keeps_what_the_app_and_its_tests_rely_on() {
    for (anchor, zone) in cases() {
        let w = demo(anchor, zone);
        assert_eq!(
            w.accounts[0].email, DEMO_USER,
            "the account the emulator signs in"
        );
        let names: Vec<&str> = w.accounts[0]
            .calendars
            .iter()
            .map(|c| c.summary.as_str())
            .collect();
        assert_eq!(
            names,
            [DEMO_USER, "Work", "Family", "Sport", "Holidays in Germany"]
        );
        assert!(w.accounts[0].calendars.iter().all(|c| !c.events.is_empty()));
        let all: Vec<&Value> = w
            .accounts
            .iter()
            .flat_map(|a| &a.calendars)
            .flat_map(|c| &c.events)
            .collect();
        assert!((200..1000).contains(&all.len()), "{} events", all.len());
        let has = |f: &dyn Fn(&Value) -> bool| all.iter().any(|e| f(e));
        assert!(has(
            &|e| e["status"] == "cancelled" && e.get("recurringEventId").is_some()
        ));
        assert!(has(
            &|e| e["status"] == "confirmed" && e.get("recurringEventId").is_some()
        ));
        assert!(has(&|e| e["reminders"]["overrides"][0]["method"] == "popup"));
        assert!(has(&|e| e.get("colorId").is_some()));
        assert!(has(&|e| e["description"]
            .as_str()
            .is_some_and(|d| d.contains("<p>"))));
        for title in [
            "Stand-up",
            "Lunch with Sam",
            "Parents' evening",
            "Christmas Day",
        ] {
            assert!(has(&|e| e["summary"] == title), "{title} around {anchor}");
        }
    }
}

#[test]
fn the_primary_calendar_holds_every_event_type_as_google_allows_it() {
    use crate::store::event_types::{check_new, EventType, Origin};
    for (anchor, zone) in cases() {
        let w = demo(anchor, zone);
        let acc = demo_account(&w);
        let mut seen = HashSet::new();
        for cal in &acc.calendars {
            for ev in &cal.events {
                let mut body = ev.as_object().unwrap().clone();
                let ty = check_new(&mut body, cal.primary, Origin::Google)
                    .unwrap_or_else(|e| panic!("{} in {}: {e}", ev["summary"], cal.summary));
                if cal.primary {
                    seen.insert(ty);
                }
            }
        }
        assert_eq!(seen.len(), EventType::ALL.len(), "{seen:?} around {anchor}");
        let primary = &acc.calendars[0];
        let of = |t: &'static str| primary.events.iter().filter(move |e| e["eventType"] == t);
        let locations: Vec<_> = of("workingLocation")
            .map(|e| e["recurrence"][0].as_str().unwrap())
            .collect();
        assert_eq!(
            locations,
            [
                "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,TH",
                "RRULE:FREQ=WEEKLY;BYDAY=WE,FR"
            ]
        );
        assert!(of("focusTime").count() >= 3, "focus-time blocks");
        assert!(of("birthday").count() >= 3, "a few birthdays");
        let away = of("outOfOffice").next().expect("an out-of-office week");
        let (s, e) = (
            instant_of(&away["start"]).unwrap(),
            instant_of(&away["end"]).unwrap(),
        );
        assert_eq!(e - s, Duration::days(5));
        assert!(of("fromGmail").any(|e| e["summary"].as_str().unwrap().starts_with("Flight")));
    }
}
