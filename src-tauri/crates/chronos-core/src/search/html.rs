//! A description as text: Google keeps descriptions written in its web editor as HTML, so tags
//! go (a tag separates words) and character references are decoded. Plain descriptions pass
//! through: a `<` that does not open a tag is kept.

/// The text of an HTML (or plain) description.
pub fn text_of(description: &str) -> String {
    let mut out = String::with_capacity(description.len());
    let mut rest = description;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            match tag_len(rest) {
                Some(n) => {
                    out.push(' ');
                    rest = &rest[n..];
                }
                None => {
                    out.push('<');
                    rest = &rest[1..];
                }
            }
        } else {
            match reference(rest) {
                Some((c, n)) => {
                    out.push(c);
                    rest = &rest[n..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of the tag (or comment) `s` starts with, if it starts with one.
fn tag_len(s: &str) -> Option<usize> {
    if let Some(body) = s.strip_prefix("<!--") {
        return Some(body.find("-->").map_or(s.len(), |i| 4 + i + 3));
    }
    let next = s[1..].chars().next()?;
    if !(next.is_ascii_alphabetic() || next == '/' || next == '!') {
        return None;
    }
    s.find('>').map(|i| i + 1)
}

/// The character a reference `s` starts with (`&amp;`, `&#233;`, `&#xE9;`) stands for, and its
/// length.
fn reference(s: &str) -> Option<(char, usize)> {
    let end = s[1..].find(';').filter(|&i| i <= 10)? + 1;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::text_of;

    #[test]
    fn tags_become_spaces_and_references_are_decoded() {
        assert_eq!(
            text_of("<p>Bring the <b>Q3</b>&nbsp;deck</p><br>Caf&eacute; &amp; caf&#233;"),
            " Bring the  Q3  deck  Caf&eacute; & café"
        );
        assert_eq!(
            text_of("<a href=\"https://x.example/doc\">agenda</a>"),
            " agenda "
        );
        assert_eq!(text_of("a<!-- hidden -->b"), "a b");
    }

    #[test]
    fn plain_text_with_angle_brackets_stays() {
        assert_eq!(text_of("a < b & c > d"), "a < b & c > d");
        assert_eq!(text_of("x<3"), "x<3");
    }
}
