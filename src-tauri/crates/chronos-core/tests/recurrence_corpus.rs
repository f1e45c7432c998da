//! Compares `recurrence::expand` with the independent oracle (python-dateutil, see
//! `recurrence-corpus/oracle.py`) on every case in `recurrence-corpus/cases/`.
//!
//! By default the expectations are the checked-in `recurrence-corpus/expected/`;
//! `recurrence-corpus/run.sh` regenerates them with dateutil, diffs them against the checked-in
//! copy and points this test at the fresh ones through `RECURRENCE_EXPECTED_DIR`. It then runs
//! it again on generated cases (`RECURRENCE_CASES_DIR`, from `random_cases.py`).

use chrono::{DateTime, Utc};
use chronos_core::model::EventResource;
use chronos_core::recurrence::{expand, OccurrenceTime, TimeRange};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Case {
    display_tz: String,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    events: Vec<EventResource>,
}

fn ours(case: &Case) -> Value {
    let tz: chrono_tz::Tz = case.display_tz.parse().expect("display zone of the case");
    let out = expand(&case.events, TimeRange::new(case.from, case.to), tz);
    let text = |t: &OccurrenceTime| match t {
        OccurrenceTime::Date { date } => date.format("%Y-%m-%d").to_string(),
        OccurrenceTime::Instant { utc, .. } => utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    let local = |t: &OccurrenceTime| match t {
        OccurrenceTime::Date { date } => date.format("%Y-%m-%d").to_string(),
        OccurrenceTime::Instant { local, .. } => local.format("%Y-%m-%dT%H:%M:%S").to_string(),
    };
    let mut occurrences: Vec<Value> = out
        .occurrences
        .iter()
        .map(|o| {
            json!({
                "id": o.event_id.as_str(),
                "all_day": o.all_day,
                "start": text(&o.start),
                "end": text(&o.end),
                "local_start": local(&o.start),
                "is_exception": o.is_exception,
            })
        })
        .collect();
    occurrences.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    let mut skipped: Vec<&str> = out.skipped.iter().map(|(id, _)| id.as_str()).collect();
    skipped.sort_unstable();
    assert!(
        out.truncated.is_empty(),
        "no corpus case should hit the limits"
    );
    json!({ "occurrences": occurrences, "skipped": skipped })
}

fn cases_dir(corpus: &Path) -> PathBuf {
    std::env::var_os("RECURRENCE_CASES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| corpus.join("cases"))
}

fn expected_dir(corpus: &Path) -> PathBuf {
    std::env::var_os("RECURRENCE_EXPECTED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| corpus.join("expected"))
}

#[test]
fn corpus_matches_the_dateutil_oracle() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recurrence-corpus");
    let expected = expected_dir(&corpus);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(cases_dir(&corpus))
        .expect("cases dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 30,
        "the corpus has {} cases, expected at least 30",
        paths.len()
    );

    let mut failures = Vec::new();
    let mut occurrences = 0;
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let case: Case = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(expected.join(&name)).unwrap_or_else(|e| {
                panic!("{name}: no expectation in {}: {e}", expected.display())
            }),
        )
        .unwrap();
        let got = ours(&case);
        occurrences += want["occurrences"].as_array().map_or(0, |a| a.len());
        if got != want {
            failures.push(format!(
                "{name}\n  oracle: {}\n  chronos: {}",
                serde_json::to_string(&want).unwrap(),
                serde_json::to_string(&got).unwrap()
            ));
        }
    }
    println!(
        "recurrence corpus: {} cases, {} expected occurrences, {} mismatching cases (expectations from {})",
        paths.len(),
        occurrences,
        failures.len(),
        expected.display()
    );
    assert!(
        failures.is_empty(),
        "mismatches with the oracle:\n{}",
        failures.join("\n")
    );
}
