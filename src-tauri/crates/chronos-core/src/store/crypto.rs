//! The encrypted blob format and the associated data that binds a blob to its row.
//!
//! Blob: `version (1 byte) ‖ key id (u32 BE) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`.
//! Associated data: the 5-byte header, the record kind, the number of identity parts, then each
//! part as `u32 BE length ‖ bytes`. Length prefixes make the encoding injective: no two different
//! identities (say account `a|b` + calendar `c` versus `a` + `b|c`) produce the same bytes.

use crate::error::{Error, Result};
use rand::RngCore;
use ring::aead::{self, LessSafeKey, UnboundKey, AES_256_GCM};
use std::collections::BTreeMap;
use std::fmt;
use zeroize::Zeroizing;

pub const BLOB_VERSION: u8 = 1;
const HEADER_LEN: usize = 1 + 4;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
pub const KEY_LEN: usize = 32;

pub use crate::model::KeyId;

/// What a blob holds. Part of the associated data, so an event blob can never pass for an
/// outbox payload of the same event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum RecordKind {
    Event = 1,
    Calendar = 2,
    Outbox = 3,
    Conflict = 4,
    KeyCheck = 5,
    /// A push channel's verification token (added for push notifications).
    PushChannel = 6,
    /// Account-level data from Google: the colour palette, the account's settings.
    AccountMeta = 7,
    /// An event row's index entry (placement and digest), next to the event's own blob.
    EventMeta = 8,
    /// A deleted event kept in the trash (its last known resource).
    Trash = 9,
    /// A change in the undo history (the event before and after it).
    Undo = 10,
}

impl RecordKind {
    fn name(self) -> &'static str {
        match self {
            RecordKind::Event => "event",
            RecordKind::Calendar => "calendar",
            RecordKind::Outbox => "outbox entry",
            RecordKind::Conflict => "conflict record",
            RecordKind::KeyCheck => "key check",
            RecordKind::PushChannel => "push channel token",
            RecordKind::AccountMeta => "account data",
            RecordKind::EventMeta => "event index entry",
            RecordKind::Trash => "trash entry",
            RecordKind::Undo => "undo history entry",
        }
    }
}

/// The identity a blob is bound to: a kind plus an ordered list of id strings
/// (account, calendar, event id, and a row id for outbox and conflict records).
#[derive(Clone, Debug)]
pub struct Aad<'a> {
    pub kind: RecordKind,
    pub parts: &'a [&'a str],
}

impl Aad<'_> {
    fn encode(&self, header: &[u8]) -> Vec<u8> {
        let len = header.len() + 2 + self.parts.iter().map(|p| 4 + p.len()).sum::<usize>();
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(header);
        out.push(self.kind as u8);
        out.push(self.parts.len() as u8);
        for p in self.parts {
            out.extend_from_slice(&(p.len() as u32).to_be_bytes());
            out.extend_from_slice(p.as_bytes());
        }
        out
    }

    fn describe(&self) -> String {
        format!("{} [{}]", self.kind.name(), self.parts.join(" / "))
    }
}

/// 256 random bits and their id. The bytes are wiped from memory when dropped.
pub struct DataKey {
    id: KeyId,
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

impl DataKey {
    pub fn generate(id: KeyId) -> Self {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Self { id, bytes }
    }

    /// Rebuilds a key read from the keyring; anything but 32 bytes is refused.
    pub fn from_bytes(id: KeyId, raw: &[u8]) -> Result<Self> {
        if raw.len() != KEY_LEN {
            return Err(Error::Crypto(format!(
                "data key {id} in the keyring has {} bytes instead of {KEY_LEN}",
                raw.len()
            )));
        }
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        bytes.copy_from_slice(raw);
        Ok(Self { id, bytes })
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// AES-256-GCM through `ring` (BoringSSL's assembly): it seals an event in about a third of the
/// time RustCrypto's `aes-gcm` took here, whose GHASH multiplies one block at a time; sealing was
/// a sixth of a full sync's CPU. The same construction, so blobs of either read with the other.
/// `ring` does not wipe the expanded key when it is dropped; the raw key bytes (`DataKey`) are.
type Cipher = LessSafeKey;

fn cipher(key: &DataKey) -> Cipher {
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key.bytes()).expect("32-byte key"))
}

/// Every key the store may meet: blobs decrypt with whichever key their header names, new blobs
/// are written with the current key.
pub struct KeySet {
    current: KeyId,
    ciphers: BTreeMap<KeyId, Cipher>,
}

impl KeySet {
    pub fn new(current: DataKey) -> Self {
        let mut set = Self {
            current: current.id,
            ciphers: BTreeMap::new(),
        };
        set.insert(&current);
        set
    }

    pub fn insert(&mut self, key: &DataKey) {
        self.ciphers.insert(key.id, cipher(key));
    }

    pub fn set_current(&mut self, id: KeyId) {
        assert!(
            self.ciphers.contains_key(&id),
            "current key must be in the set"
        );
        self.current = id;
    }

    pub fn remove(&mut self, id: KeyId) {
        if id != self.current {
            self.ciphers.remove(&id);
        }
    }

    pub fn current(&self) -> KeyId {
        self.current
    }

    pub fn ids(&self) -> impl Iterator<Item = KeyId> + '_ {
        self.ciphers.keys().copied()
    }

    /// Encrypts with the current key and a fresh random nonce.
    pub fn seal(&self, aad: &Aad<'_>, plaintext: &[u8]) -> Vec<u8> {
        seal_with(self.current, &self.ciphers[&self.current], aad, plaintext)
    }

    /// A copy of the current key alone, to seal with while the store's writer lock is free.
    pub fn sealer(&self) -> Sealer {
        Sealer {
            id: self.current,
            cipher: self.ciphers[&self.current].clone(),
        }
    }

    /// Decrypts a blob, checking that it belongs to the identity in `aad`. The plaintext is
    /// wiped when dropped.
    pub fn open(&self, aad: &Aad<'_>, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if blob.len() < HEADER_LEN + NONCE_LEN + TAG_LEN {
            return Err(Error::Crypto(format!("{} is truncated", aad.describe())));
        }
        if blob[0] != BLOB_VERSION {
            return Err(Error::Crypto(format!(
                "{} has unknown blob version {}",
                aad.describe(),
                blob[0]
            )));
        }
        let key_id = KeyId(u32::from_be_bytes(blob[1..5].try_into().unwrap()));
        let cipher = self.ciphers.get(&key_id).ok_or_else(|| {
            Error::Crypto(format!(
                "{} names data key {key_id}, which is unknown",
                aad.describe()
            ))
        })?;
        let nonce =
            aead::Nonce::try_assume_unique_for_key(&blob[HEADER_LEN..HEADER_LEN + NONCE_LEN])
                .expect("a 12-byte nonce");
        let ad = aad.encode(&blob[..HEADER_LEN]);
        let mut plain = Zeroizing::new(blob[HEADER_LEN + NONCE_LEN..].to_vec());
        cipher
            .open_in_place(nonce, aead::Aad::from(&ad), &mut plain)
            .map(|opened| opened.len())
            .map(|len| {
                plain.truncate(len);
                plain
            })
            .map_err(|_| {
                Error::Crypto(format!(
                    "{} failed authentication: it was altered, or copied from another row",
                    aad.describe()
                ))
            })
    }
}

/// One key that seals, detached from the `KeySet`: the writer seals a page's rows with it before
/// it takes the lock, and checks under the lock that `id` is still the current key.
#[derive(Clone)]
pub struct Sealer {
    id: KeyId,
    cipher: Cipher,
}

impl Sealer {
    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn seal(&self, aad: &Aad<'_>, plaintext: &[u8]) -> Vec<u8> {
        seal_with(self.id, &self.cipher, aad, plaintext)
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

fn seal_with(id: KeyId, cipher: &Cipher, aad: &Aad<'_>, plaintext: &[u8]) -> Vec<u8> {
    let mut header = [0u8; HEADER_LEN];
    header[0] = BLOB_VERSION;
    header[1..5].copy_from_slice(&id.0.to_be_bytes());
    // The thread-local ChaCha CSPRNG (seeded and periodically reseeded from the OS): a
    // system call per nonce doubled the cost of a seal.
    let mut nonce = [0u8; NONCE_LEN];
    rand::thread_rng().fill_bytes(&mut nonce);
    let ad = aad.encode(&header);
    // Encrypt in place inside the blob: one buffer, no intermediate ciphertext copy.
    let mut blob = Vec::with_capacity(HEADER_LEN + NONCE_LEN + plaintext.len() + TAG_LEN);
    blob.extend_from_slice(&header);
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(plaintext);
    let tag = cipher
        .seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(&ad),
            &mut blob[HEADER_LEN + NONCE_LEN..],
        )
        .expect("AES-GCM encryption cannot fail for in-memory buffers");
    blob.extend_from_slice(tag.as_ref());
    blob
}

/// The key id a blob was written with, without decrypting it.
pub fn blob_key_id(blob: &[u8]) -> Option<KeyId> {
    (blob.len() >= HEADER_LEN).then(|| KeyId(u32::from_be_bytes(blob[1..5].try_into().unwrap())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> KeySet {
        KeySet::new(DataKey::generate(KeyId(7)))
    }

    #[test]
    fn round_trip_and_header() {
        let keys = set();
        let aad = Aad {
            kind: RecordKind::Event,
            parts: &["a@x", "cal", "ev1"],
        };
        let blob = keys.seal(&aad, b"hello");
        assert_eq!(blob[0], BLOB_VERSION);
        assert_eq!(blob_key_id(&blob), Some(KeyId(7)));
        assert_eq!(blob.len(), 5 + 12 + 5 + 16);
        assert_eq!(&keys.open(&aad, &blob).unwrap()[..], b"hello");
    }

    /// Stores written before the switch to `ring` hold blobs sealed by RustCrypto's `aes-gcm`;
    /// they must open, and what is sealed now must open there too (the same AES-256-GCM).
    #[test]
    fn blobs_of_the_rustcrypto_cipher_open_and_the_other_way_round() {
        use aes_gcm::aead::{Aead, Payload};
        use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
        let key = DataKey::generate(KeyId(3));
        let keys = KeySet::new(DataKey::from_bytes(KeyId(3), key.bytes()).unwrap());
        let old = Aes256Gcm::new_from_slice(key.bytes()).unwrap();
        let aad = Aad {
            kind: RecordKind::Event,
            parts: &["a@x", "cal", "ev1"],
        };
        let plaintext = br#"{"id":"ev1","summary":"Caf\u00e9"}"#;

        let mut header = [0u8; HEADER_LEN];
        header[0] = BLOB_VERSION;
        header[1..5].copy_from_slice(&3u32.to_be_bytes());
        let nonce = [9u8; NONCE_LEN];
        let ad = aad.encode(&header);
        let sealed = old
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &ad,
                },
            )
            .unwrap();
        let blob = [&header[..], &nonce[..], &sealed[..]].concat();
        assert_eq!(&keys.open(&aad, &blob).unwrap()[..], plaintext);

        let ours = keys.seal(&aad, plaintext);
        let body = &ours[HEADER_LEN + NONCE_LEN..];
        let opened = old
            .decrypt(
                Nonce::from_slice(&ours[HEADER_LEN..HEADER_LEN + NONCE_LEN]),
                Payload {
                    msg: body,
                    aad: &aad.encode(&ours[..HEADER_LEN]),
                },
            )
            .unwrap();
        assert_eq!(opened, plaintext);
    }

    #[test]
    fn fresh_nonce_per_write() {
        let keys = set();
        let aad = Aad {
            kind: RecordKind::Event,
            parts: &["a", "b", "c"],
        };
        assert_ne!(keys.seal(&aad, b"same"), keys.seal(&aad, b"same"));
    }

    #[test]
    fn identity_is_bound() {
        let keys = set();
        let blob = keys.seal(
            &Aad {
                kind: RecordKind::Event,
                parts: &["a|b", "c", "e"],
            },
            b"x",
        );
        for other in [
            Aad {
                kind: RecordKind::Event,
                parts: &["a", "b|c", "e"],
            },
            Aad {
                kind: RecordKind::Event,
                parts: &["a|b", "c", "f"],
            },
            Aad {
                kind: RecordKind::Outbox,
                parts: &["a|b", "c", "e"],
            },
            Aad {
                kind: RecordKind::Event,
                parts: &["a|b", "c", "e", ""],
            },
        ] {
            let err = keys.open(&other, &blob).unwrap_err();
            assert!(err.to_string().contains("failed authentication"), "{err}");
        }
    }

    #[test]
    fn tampered_header_or_body_fails() {
        let keys = set();
        let aad = Aad {
            kind: RecordKind::Event,
            parts: &["a", "b", "c"],
        };
        let blob = keys.seal(&aad, b"payload");
        let mut b = blob.clone();
        *b.last_mut().unwrap() ^= 1;
        assert!(keys.open(&aad, &b).is_err());
        let mut b = blob.clone();
        b[0] = 9;
        assert!(keys
            .open(&aad, &b)
            .unwrap_err()
            .to_string()
            .contains("version"));
        let mut b = blob.clone();
        b[4] ^= 1;
        assert!(keys
            .open(&aad, &b)
            .unwrap_err()
            .to_string()
            .contains("unknown"));
        assert!(keys
            .open(&aad, &blob[..10])
            .unwrap_err()
            .to_string()
            .contains("truncated"));
    }

    #[test]
    fn rotation_reads_old_writes_new() {
        let mut keys = set();
        let aad = Aad {
            kind: RecordKind::Calendar,
            parts: &["a", "b"],
        };
        let old = keys.seal(&aad, b"old");
        keys.insert(&DataKey::generate(KeyId(8)));
        keys.set_current(KeyId(8));
        let new = keys.seal(&aad, b"new");
        assert_eq!(blob_key_id(&new), Some(KeyId(8)));
        assert_eq!(&keys.open(&aad, &old).unwrap()[..], b"old");
        keys.remove(KeyId(7));
        assert!(keys.open(&aad, &old).is_err());
        assert_eq!(&keys.open(&aad, &new).unwrap()[..], b"new");
    }
}
