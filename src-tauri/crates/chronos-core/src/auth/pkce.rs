//! PKCE (RFC 7636, S256) and the anti-forgery `state`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroizing;

/// A code verifier and its S256 challenge.
pub struct Pkce {
    verifier: Zeroizing<String>,
    challenge: String,
}

impl Pkce {
    /// 64 random bytes → a 86-character verifier (within RFC 7636's 43–128, all unreserved chars).
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 64]);
        OsRng.fill_bytes(bytes.as_mut());
        Self::from_verifier(URL_SAFE_NO_PAD.encode(bytes.as_ref()))
    }

    /// For known-answer tests; production uses [`Pkce::generate`].
    pub fn from_verifier(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier: Zeroizing::new(verifier),
            challenge,
        }
    }

    pub fn verifier(&self) -> &str {
        &self.verifier
    }
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
    pub fn method(&self) -> &'static str {
        "S256"
    }
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &"<redacted>")
            .field("challenge", &self.challenge)
            .finish()
    }
}

/// A fresh `state`: 256 random bits, base64url.
pub fn new_state() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_known_answer() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(p.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(p.method(), "S256");
    }

    #[test]
    fn generated_verifiers_are_valid_and_fresh() {
        let a = Pkce::generate();
        let b = Pkce::generate();
        assert_ne!(a.verifier(), b.verifier());
        assert!((43..=128).contains(&a.verifier().len()));
        let unreserved = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
        assert!(a.verifier().chars().all(unreserved));
        assert!(
            !a.challenge().contains('=')
                && !a.challenge().contains('+')
                && !a.challenge().contains('/')
        );
        assert_eq!(a.challenge().len(), 43);
        assert!(!format!("{a:?}").contains(a.verifier()));
    }

    #[test]
    fn states_carry_at_least_128_bits() {
        let s = new_state();
        assert!(URL_SAFE_NO_PAD.decode(&s).unwrap().len() * 8 >= 128);
        assert_ne!(s, new_state());
    }
}
