//! Text as search compares it: lowercase, accents folded away, cut into words.
//!
//! A word is a run of letters and digits; everything else separates words, so "Stand-up" is
//! "stand" and "up", and "ana.lopez@example.com" is "ana", "lopez", "example", "com". The same
//! folding runs over the events and over the query, so both sides always agree.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longer words are cut to this many bytes (on a character boundary): a pasted URL or key does
/// not cost its whole length, and a query word is cut the same way.
pub const MAX_WORD: usize = 32;

/// Letters that carry no combining mark to drop but that people type without: "straße" is found
/// by "strasse", "Søren" by "soren".
fn spelled_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// Lowercases `text` and folds its accents away ("Café Señor" → "cafe senor").
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase).nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match spelled_out(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

/// The words of folded text, each cut to `MAX_WORD` bytes.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(cut)
}

fn cut(w: &str) -> &str {
    if w.len() <= MAX_WORD {
        return w;
    }
    let mut end = MAX_WORD;
    while !w.is_char_boundary(end) {
        end -= 1;
    }
    &w[..end]
}

/// The words of a query, folded, without repeats and without words another word of the query
/// already covers as a prefix ("stand standup" needs only "standup").
pub fn query_words(query: &str) -> Vec<String> {
    let folded = fold(query);
    let mut out: Vec<String> = words(&folded).map(str::to_owned).collect();
    out.sort();
    out.dedup();
    let all = out.clone();
    out.retain(|w| !all.iter().any(|o| o != w && o.starts_with(w.as_str())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_lowercases_and_drops_accents() {
        assert_eq!(fold("Café Señor ÅNGSTRÖM"), "cafe senor angstrom");
        assert_eq!(fold("Straße Søren Łódź"), "strasse soren lodz");
        assert_eq!(fold("Ελληνικά"), "ελληνικα");
        assert_eq!(fold("Stand-Up"), "stand-up");
    }

    #[test]
    fn words_split_on_anything_but_letters_and_digits() {
        let f = fold("Stand-up @ Room 101, ana.lopez@example.com");
        let w: Vec<&str> = words(&f).collect();
        assert_eq!(
            w,
            ["stand", "up", "room", "101", "ana", "lopez", "example", "com"]
        );
    }

    #[test]
    fn long_words_are_cut_on_a_character_boundary() {
        let long = "é".repeat(40);
        let f = fold(&long);
        let w: Vec<&str> = words(&f).collect();
        assert_eq!(w, ["e".repeat(32)]);
        let wide = "日".repeat(20);
        let w: Vec<&str> = words(&wide).collect();
        assert_eq!(w[0].len(), 30);
    }

    #[test]
    fn query_words_drop_repeats_and_covered_prefixes() {
        assert_eq!(query_words("Stand STANDUP café"), ["cafe", "standup"]);
        assert!(query_words(" - , ").is_empty());
    }
}
