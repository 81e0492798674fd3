//! Sealing the secrets the database keeps (SMTP passwords) with the server's key, so a copy of
//! the database alone does not give them away. Server only; below every feature.

use std::sync::Arc;

use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};

/// Seals secrets stored in the database (SMTP passwords) with the server's key, so a copy of
/// the database alone does not give them away.
#[derive(Clone)]
pub struct SealingKey(Arc<LessSafeKey>);

impl SealingKey {
    /// A key of 32 bytes.
    pub fn new(bytes: &[u8]) -> std::result::Result<SealingKey, String> {
        let key = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| "the key must be 32 bytes".to_string())?;
        Ok(SealingKey(Arc::new(LessSafeKey::new(key))))
    }

    /// `plain` sealed: base64 of a random nonce and the ciphertext with its tag.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .expect("the system's random source");
        let mut sealed = plain.as_bytes().to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::empty(),
                &mut sealed,
            )
            .expect("sealing a short text");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// The text `seal` sealed with this key; `None` for anything else (another key, damage).
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut rest = rest.to_vec();
        let plain = self.0.open_in_place(nonce, Aad::empty(), &mut rest).ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_password_opens_with_its_key_only() {
        let key = SealingKey::new(&[7; 32]).unwrap();
        let sealed = key.seal("hasło-SMTP");
        assert!(!sealed.contains("hasło"));
        assert_ne!(sealed, key.seal("hasło-SMTP"), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).as_deref(), Some("hasło-SMTP"));
        let other = SealingKey::new(&[8; 32]).unwrap();
        assert_eq!(other.open(&sealed), None);
        assert_eq!(key.open("not base64!"), None);
        assert!(SealingKey::new(&[1; 16]).is_err());
    }
}
