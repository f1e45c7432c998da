//! Splitting a line into words that remember where they were, so the title can be cut back out
//! of the original text with its own spelling and spacing.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Token {
    /// Lower-case, for matching.
    pub low: String,
    /// Where it is in the line.
    pub span: Range<usize>,
}

impl Token {
    /// The word for keyword matching: lower-case without a trailing full stop ("Dec." → "dec").
    pub fn word(&self) -> &str {
        self.low.strip_suffix('.').unwrap_or(&self.low)
    }
}

const DASHES: [char; 3] = ['-', '–', '—'];
const TRAILING: [char; 5] = [',', ';', '!', '?', ')'];

/// Words split at white space; dashes (ranges such as `3-4pm`, `Dec 24-26`) and trailing
/// commas become words of their own, except inside an ISO date (`2027-03-01`).
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut pos = 0;
    for word in text.split_whitespace() {
        let start = pos + text[pos..].find(word).expect("a word of the text");
        pos = start + word.len();
        split_word(word, start, &mut out);
    }
    out
}

fn split_word(word: &str, offset: usize, out: &mut Vec<Token>) {
    let mut push = |a: usize, b: usize| {
        if a < b {
            out.push(Token {
                low: word[a..b].to_lowercase(),
                span: offset + a..offset + b,
            });
        }
    };
    if is_iso_date(word.trim_end_matches(TRAILING)) {
        let body = word.trim_end_matches(TRAILING).len();
        push(0, body);
        push(body, word.len());
        return;
    }
    let mut from = 0;
    for (i, c) in word.char_indices() {
        if DASHES.contains(&c) {
            push(from, i);
            push(i, i + c.len_utf8());
            from = i + c.len_utf8();
        }
    }
    let rest = &word[from..];
    let body = rest.trim_end_matches(TRAILING).len();
    push(from, from + body);
    for (i, c) in rest[body..].char_indices() {
        push(from + body + i, from + body + i + c.len_utf8());
    }
}

/// `yyyy-mm-dd` in shape (the calendar check comes later).
pub(super) fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

pub(super) fn is_dash(word: &str) -> bool {
    word.chars().count() == 1 && word.starts_with(DASHES)
}

/// A count written as digits or as a small English number ("a", "an", "two").
pub(super) fn count(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return Some(n);
    }
    let n = match word {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        _ => return None,
    };
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.low).collect()
    }

    #[test]
    fn dashes_and_commas_are_words_of_their_own() {
        assert_eq!(words("Dec 24-26"), ["dec", "24", "-", "26"]);
        assert_eq!(words("3-4pm, Café"), ["3", "-", "4pm", ",", "café"]);
        assert_eq!(words("on 2027-03-01, at"), ["on", "2027-03-01", ",", "at"]);
        assert_eq!(words("a - b"), ["a", "-", "b"]);
        let t = tokenize("Call  555-1234");
        assert_eq!(t[1].span, 6..9);
        assert_eq!(t[3].span, 10..14);
    }
}
