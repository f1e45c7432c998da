//! Server-made identifiers and the clock that stamps every write.

use chrono::{DateTime, SecondsFormat, Utc};
use rand::Rng;

const BASE32HEX: &[u8] = b"0123456789abcdefghijklmnopqrstuv";

/// A random base32hex id, as Google makes for events it creates.
pub fn new_event_id(rng: &mut impl Rng) -> String {
    (0..26)
        .map(|_| BASE32HEX[rng.gen_range(0..32)] as char)
        .collect()
}

/// A random opaque token of `len` url-safe characters.
pub fn random_token(rng: &mut impl Rng, len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// Ids a client chooses must be base32hex (`a-v`, `0-9`), 5 to 1024 characters.
pub fn is_valid_client_event_id(id: &str) -> bool {
    (5..=1024).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b))
}

/// Hands out strictly increasing timestamps so that two writes never share an etag or `updated`.
#[derive(Debug, Default)]
pub struct Clock {
    last_micros: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub micros: i64,
}

impl Stamp {
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.micros * 2)
    }
    pub fn rfc3339(&self) -> String {
        self.at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

impl Clock {
    pub fn tick(&mut self) -> Stamp {
        let now = Utc::now().timestamp_micros();
        // Millisecond-distinct so `updated` (millisecond precision) orders writes too.
        let micros = now.max(self.last_micros + 1000);
        self.last_micros = micros;
        Stamp {
            at: DateTime::from_timestamp_micros(micros).unwrap_or_else(Utc::now),
            micros,
        }
    }
}
