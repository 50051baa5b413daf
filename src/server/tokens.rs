//! Secret link tokens (email verification, invitations): 32 random bytes,
//! URL-safe, handed out once in a mail; the database keeps only their SHA-256.

/// 256 bits from a CSPRNG (ChaCha seeded by the operating system), URL-safe.
pub fn new_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token: lowercase hex SHA-256 of its text.
/// A token as a person pastes it may carry spaces around it.
pub fn hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(token.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_and_hashes_are_hex() {
        let t = super::new_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, super::new_token());
        // The same digest as PostgreSQL's encode(sha256(convert_to(t, 'UTF8')), 'hex').
        assert_eq!(super::hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(super::hash(" abc\n"), super::hash("abc"));
    }
}
