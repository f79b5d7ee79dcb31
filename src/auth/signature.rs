//! RS256 signature checks. When a signature does not verify, the public key also tells why:
//! raising the signature to the public exponent gives back the padded digest the signer
//! signed (RSASSA-PKCS1-v1_5). If that is a well-formed SHA-256 encoding, the issuer's key
//! did sign this token, but over other content: the token was altered after signing. If it
//! is noise, the signature was never made by this key.

use jsonwebtoken::Algorithm;
use num_bigint::BigUint;

use super::jwks::Key;

/// The DER prefix of a SHA-256 DigestInfo in an RSASSA-PKCS1-v1_5 encoding (RFC 8017, 9.2).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// Made by this key, over other content than the token carries.
    Altered,
    /// Not made by this key at all.
    Forged,
}

/// Checks the RS256 signature `signature_b64` (base64url) of `signing_input` (the token's
/// `header.payload`).
pub fn check(key: &Key, signing_input: &[u8], signature_b64: &str) -> Verdict {
    if jsonwebtoken::crypto::verify(
        signature_b64,
        signing_input,
        &key.decoding,
        Algorithm::RS256,
    )
    .unwrap_or(false)
    {
        return Verdict::Valid;
    }
    use base64::Engine;
    let Ok(signature) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature_b64)
    else {
        return Verdict::Forged;
    };
    if signed_a_sha256_digest(key, &signature) {
        Verdict::Altered
    } else {
        Verdict::Forged
    }
}

/// Whether `signature`, opened with the public key, is a PKCS#1 v1.5 encoding of some SHA-256
/// digest. Only called on the refusal path: its cost does not matter.
fn signed_a_sha256_digest(key: &Key, signature: &[u8]) -> bool {
    let modulus = strip_zeros(&key.modulus);
    let length = modulus.len();
    if signature.len() != length || length < SHA256_DIGEST_INFO.len() + 32 + 11 {
        return false;
    }
    let n = BigUint::from_bytes_be(modulus);
    let s = BigUint::from_bytes_be(signature);
    if s >= n {
        return false;
    }
    let opened = s
        .modpow(&BigUint::from_bytes_be(&key.exponent), &n)
        .to_bytes_be();
    // The encoding starts with 0x00, which the number drops.
    if opened.len() != length - 1 {
        return false;
    }
    let Some(rest) = opened.strip_prefix(&[0x01]) else {
        return false;
    };
    let padding = rest.iter().take_while(|b| **b == 0xff).count();
    let rest = &rest[padding..];
    padding >= 8
        && rest.len() == 1 + SHA256_DIGEST_INFO.len() + 32
        && rest[0] == 0
        && rest[1..=SHA256_DIGEST_INFO.len()] == SHA256_DIGEST_INFO
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    &bytes[zeros..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::rsa::{KeyPair, KeySize};
    use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
    use base64::Engine;
    use jsonwebtoken::DecodingKey;

    fn key_pair() -> (KeyPair, Key) {
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let public = pair.public_key();
        let components = aws_lc_rs::rsa::PublicKeyComponents::<Vec<u8>>::from(public);
        let key = Key {
            decoding: DecodingKey::from_rsa_raw_components(&components.n, &components.e),
            modulus: components.n,
            exponent: components.e,
        };
        (pair, key)
    }

    fn sign(pair: &KeyPair, message: &[u8]) -> String {
        let mut signature = vec![0; pair.public_modulus_len()];
        pair.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            message,
            &mut signature,
        )
        .unwrap();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature)
    }

    #[test]
    fn genuine_altered_and_forged_are_told_apart() {
        let (pair, key) = key_pair();
        let signature = sign(&pair, b"header.payload");
        assert_eq!(check(&key, b"header.payload", &signature), Verdict::Valid);
        assert_eq!(check(&key, b"header.payloaD", &signature), Verdict::Altered);

        let (other, _) = key_pair();
        let foreign = sign(&other, b"header.payload");
        assert_eq!(check(&key, b"header.payload", &foreign), Verdict::Forged);
        assert_eq!(check(&key, b"header.payload", "AAAA"), Verdict::Forged);
        assert_eq!(check(&key, b"header.payload", "!!"), Verdict::Forged);
    }
}
