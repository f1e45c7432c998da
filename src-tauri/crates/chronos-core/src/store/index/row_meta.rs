//! What the index keeps of a row, and the sealed `meta` column it is read back from.

use super::placement::{Placement, Shape};

/// What the index keeps of one row: where to find it, where it sits, and a digest of its
/// plaintext so a page that brings the same event again is recognised without decrypting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowMeta {
    pub rowid: i64,
    pub placement: Placement,
    pub digest: u64,
}

/// The plaintext of a row's sealed `meta` column: a version byte, the placement (a kind byte and
/// three numbers) and the digest, so a calendar is indexed without decrypting its events.
/// Version 2 added a span's shape (version 1 rows are indexed again from their content).
const META_VERSION: u8 = 2;
const META_LEN: usize = 2 + 3 * 8 + 8;

impl RowMeta {
    pub fn encode_sealed_part(placement: &Placement, digest: u64) -> [u8; META_LEN] {
        let (kind, a, b, c) = match *placement {
            Placement::Span { lo, hi, shape } => (0u8, lo, hi, shape_code(shape)),
            Placement::Master {
                first,
                until,
                length,
            } => (1, first, until.unwrap_or(i64::MAX), length),
            Placement::Unplaced => (2, 0, 0, 0),
        };
        let mut out = [0u8; META_LEN];
        out[0] = META_VERSION;
        out[1] = kind;
        out[2..10].copy_from_slice(&a.to_le_bytes());
        out[10..18].copy_from_slice(&b.to_le_bytes());
        out[18..26].copy_from_slice(&c.to_le_bytes());
        out[26..34].copy_from_slice(&digest.to_le_bytes());
        out
    }

    /// `None` for bytes this version does not understand (the row is then indexed from its
    /// content and its meta written again).
    pub fn decode(rowid: i64, bytes: &[u8]) -> Option<RowMeta> {
        if bytes.len() != META_LEN || bytes[0] != META_VERSION {
            return None;
        }
        let num = |i: usize| i64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let (a, b, c) = (num(2), num(10), num(18));
        let placement = match bytes[1] {
            0 => Placement::Span {
                lo: a,
                hi: b,
                shape: match c {
                    0 => Shape::Unverified,
                    1 => Shape::Instants,
                    2 => Shape::Dates,
                    _ => return None,
                },
            },
            1 => Placement::Master {
                first: a,
                until: (b != i64::MAX).then_some(b),
                length: c,
            },
            2 => Placement::Unplaced,
            _ => return None,
        };
        Some(RowMeta {
            rowid,
            placement,
            digest: num(26) as u64,
        })
    }
}

fn shape_code(shape: Shape) -> i64 {
    match shape {
        Shape::Unverified => 0,
        Shape::Instants => 1,
        Shape::Dates => 2,
    }
}

/// The digest of an event's stored plaintext: equal bytes, equal digest. It decides whether an
/// incoming event is the one stored already (then nothing is written), so it must be stable and
/// spread well, not secret: it only lives in memory and inside the sealed meta. XXH3 (a frozen
/// specification) hashes an event in a tenth of SipHash's time, which was a twentieth of a full
/// sync's CPU. A digest stored by an earlier release under another hash only ever differs, and a
/// difference costs one rewrite of that row.
pub fn digest(plaintext: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(plaintext)
}
