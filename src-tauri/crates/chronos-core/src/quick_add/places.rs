//! Where: an IANA zone (Europe/Berlin, UTC, GMT) and a place ("at Café Nero").

use super::{find, Found, Piece, Words};
use chrono_tz::Tz;

/// A zone at word `i` (after an optional "in"): an IANA name in any case, UTC or GMT.
pub(super) fn zone(w: &Words, i: usize) -> Option<Found> {
    let skip = usize::from(w.word(i) == Some("in"));
    let original = w.original(i + skip)?;
    let name = original.trim_end_matches(['.', ',']);
    let tz = match name.to_ascii_uppercase().as_str() {
        "UTC" => Tz::UTC,
        "GMT" => Tz::GMT,
        _ if name.contains('/') && !name.starts_with('/') => by_name(name)?,
        _ => return None,
    };
    Some(Found::new(skip + 1, Piece::Zone(tz)))
}

fn by_name(name: &str) -> Option<Tz> {
    name.parse().ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .copied()
            .find(|z| z.name().eq_ignore_ascii_case(name))
    })
}

const STOPS: [&str; 6] = ["with", "about", "for", "re", "and", "to"];

/// "at Café Nero" (or "@ Café Nero"): a place, when the word after "at" is capitalised. It runs
/// to the end, a comma, or the next date, time or other part.
pub(super) fn location(w: &Words, i: usize) -> Option<Found> {
    if !matches!(w.word(i), Some("at" | "@")) {
        return None;
    }
    let first = w.original(i + 1)?;
    if !first.starts_with(char::is_uppercase) {
        return None;
    }
    let mut end = i + 2;
    while let Some(word) = w.word(end) {
        if word == "," || STOPS.contains(&word) || find(w, end, false).is_some() {
            break;
        }
        end += 1;
    }
    let place = w
        .text_of(i + 1..end)
        .trim_end_matches(['.', ','])
        .to_owned();
    Some(Found::new(end - i, Piece::Location(place)))
}
