//! Every phrase of the quick-add corpus (tests/data/quick_add_corpus.toml) read at its pinned
//! "now", in its zone and date order; all failing phrases are reported together.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::quick_add::{
    parse, AmbiguityKind, DateOrder, ParseContext, QuickCalendar, QuickDraft, QuickWhen,
};
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Deserialize)]
struct Corpus {
    context: Vec<Context>,
}

#[derive(Deserialize)]
struct Context {
    name: String,
    now: DateTime<Utc>,
    zone: String,
    order: DateOrder,
    #[serde(default)]
    calendars: Vec<String>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    phrase: String,
    title: String,
    /// A date (all-day) or an RFC 3339 time with its offset.
    start: String,
    /// All-day: the day after the last.
    end: String,
    zone: Option<String>,
    rrule: Option<String>,
    calendar: Option<String>,
    location: Option<String>,
    #[serde(default)]
    ambiguities: Vec<AmbiguityKind>,
    /// The category of the list this phrase covers.
    category: String,
}

fn corpus() -> Corpus {
    let text = include_str!("data/quick_add_corpus.toml");
    toml::from_str(text).expect("the corpus parses")
}

fn context(c: &Context) -> ParseContext {
    let calendars = c
        .calendars
        .iter()
        .enumerate()
        .map(|(i, name)| QuickCalendar {
            account: AccountId::from("me@example.com"),
            id: CalendarId::from(format!("cal{i}").as_str()),
            name: name.clone(),
        })
        .collect();
    ParseContext::new(c.now, c.zone.parse().expect("a zone"), c.order).with_calendars(calendars)
}

fn when_strings(w: &QuickWhen) -> (String, String) {
    match w {
        QuickWhen::AllDay { start, end } => (start.to_string(), end.to_string()),
        QuickWhen::Timed { start, end } => (start.to_rfc3339(), end.to_rfc3339()),
    }
}

/// What differs between the draft and the expected event.
fn differences(d: &QuickDraft, case: &Case, zone: Tz) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, got: String, want: String| {
        if got != want {
            out.push(format!("{what}: got {got:?}, want {want:?}"));
        }
    };
    check("title", d.title.clone(), case.title.clone());
    let (start, end) = when_strings(&d.when);
    check("start", start, case.start.clone());
    check("end", end, case.end.clone());
    let all_day_wanted = !case.start.contains('T');
    check(
        "all-day",
        d.when.is_all_day().to_string(),
        all_day_wanted.to_string(),
    );
    check(
        "zone",
        d.zone.name().to_owned(),
        case.zone.clone().unwrap_or_else(|| zone.name().to_owned()),
    );
    check(
        "rrule",
        format!("{:?}", d.rrule),
        format!("{:?}", case.rrule),
    );
    check(
        "calendar",
        format!("{:?}", d.calendar.as_ref().map(|c| &c.name)),
        format!("{:?}", case.calendar.as_ref()),
    );
    check(
        "location",
        format!("{:?}", d.location),
        format!("{:?}", case.location),
    );
    let got: BTreeSet<String> = d
        .ambiguities
        .iter()
        .map(|a| format!("{:?}", a.kind))
        .collect();
    let want: BTreeSet<String> = case.ambiguities.iter().map(|k| format!("{k:?}")).collect();
    check("ambiguities", format!("{got:?}"), format!("{want:?}"));
    for a in &d.ambiguities {
        if a.message.trim().is_empty() {
            out.push(format!("{:?} has no message", a.kind));
        }
    }
    out
}

#[test]
fn every_corpus_phrase_gives_its_expected_event() {
    let corpus = corpus();
    let mut failures = Vec::new();
    let mut total = 0;
    for c in &corpus.context {
        let ctx = context(c);
        for case in &c.cases {
            total += 1;
            let d = parse(&case.phrase, &ctx);
            let diff = differences(&d, case, ctx.zone);
            if !diff.is_empty() {
                failures.push(format!(
                    "[{}] {:?}\n    {}",
                    c.name,
                    case.phrase,
                    diff.join("\n    ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} phrases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_corpus_is_large_and_covers_every_category_in_several_contexts() {
    let corpus = corpus();
    let cases: Vec<(&Context, &Case)> = corpus
        .context
        .iter()
        .flat_map(|c| c.cases.iter().map(move |k| (c, k)))
        .collect();
    assert!(cases.len() >= 150, "only {} phrases", cases.len());
    let categories: BTreeSet<&str> = cases.iter().map(|(_, k)| k.category.as_str()).collect();
    for wanted in [
        "relative",
        "weekday",
        "range",
        "duration",
        "zone",
        "repetition",
        "all-day",
        "calendar",
        "not-a-date",
        "numeric",
        "time",
        "location",
    ] {
        assert!(categories.contains(wanted), "no {wanted} phrase");
        let contexts: BTreeSet<&str> = cases
            .iter()
            .filter(|(_, k)| k.category == wanted)
            .map(|(c, _)| c.name.as_str())
            .collect();
        assert!(contexts.len() >= 2, "{wanted} is tried in one context only");
    }
    let nows: BTreeSet<DateTime<Utc>> = corpus.context.iter().map(|c| c.now).collect();
    let zones: BTreeSet<&str> = corpus.context.iter().map(|c| c.zone.as_str()).collect();
    assert!(nows.len() >= 2 && zones.len() >= 2);
}
