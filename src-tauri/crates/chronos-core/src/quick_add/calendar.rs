//! `/name` picks a calendar: by its name without case, spaces or punctuation ("/family",
//! "/work-team"), or by the start of one name when only one starts so.

use super::draft::{Ambiguity, AmbiguityKind, QuickCalendar};
use super::{Found, Piece, Words};

fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A `/name` word at `i`. An unknown or unclear name is reported and stays in the title.
pub(super) fn slash_name(w: &Words, i: usize) -> Option<Found> {
    let original = w.original(i)?;
    let name = original.strip_prefix('/')?;
    let wanted = key(name);
    if wanted.is_empty() || !name.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let cals = &w.ctx.calendars;
    let exact: Vec<&QuickCalendar> = cals.iter().filter(|c| key(&c.name) == wanted).collect();
    let matches = if exact.is_empty() {
        cals.iter()
            .filter(|c| key(&c.name).starts_with(&wanted))
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Some(Found::new(1, Piece::Calendar((*one).clone()))),
        [] => Some(unclear(
            AmbiguityKind::UnknownCalendar,
            original,
            format!("no calendar is called \"{name}\"; the default calendar is used"),
        )),
        several => {
            let names: Vec<&str> = several.iter().map(|c| c.name.as_str()).collect();
            Some(unclear(
                AmbiguityKind::AmbiguousCalendar,
                original,
                format!(
                    "\"{name}\" could be {}; the default calendar is used",
                    names.join(" or ")
                ),
            ))
        }
    }
}

fn unclear(kind: AmbiguityKind, text: &str, message: String) -> Found {
    Found {
        len: 1,
        piece: None,
        notes: vec![Ambiguity::new(kind, text, message)],
    }
}
