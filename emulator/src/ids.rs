//! Identifiers in the shapes Google uses, and the small helpers that make them.
//!
//! Ids of directory objects are drawn from seeded generators so a tenant is the same on every
//! run; secrets (access tokens, codes) come from the system's random source instead.

use std::time::SystemTime;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A generator seeded from a stable digest of `parts`, so ids derived from names repeat.
pub fn rng_for(parts: &[&str]) -> fastrand::Rng {
    fastrand::Rng::with_seed(stable_hash(parts))
}

/// The first 8 bytes of the SHA-256 of `parts` joined by NUL: stable across runs and builds.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    for part in parts {
        context.update(part.as_bytes());
        context.update(&[0]);
    }
    let digest = context.finish();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_ref()[..8]);
    u64::from_be_bytes(first)
}

/// A 21-digit numeric id, as Google gives users, external members and service accounts.
pub fn numeric_id(rng: &mut fastrand::Rng) -> String {
    let mut id = String::with_capacity(21);
    id.push('1');
    for _ in 0..20 {
        id.push(rng.digit(10));
    }
    id
}

/// A group id: 15 characters of digits and lower-case letters starting with `0`.
pub fn group_id(rng: &mut fastrand::Rng) -> String {
    let mut id = String::with_capacity(15);
    id.push('0');
    for _ in 0..14 {
        id.push(rng.digit(36));
    }
    id
}

/// A customer id like `C03az79cb`.
pub fn customer_id(rng: &mut fastrand::Rng) -> String {
    let mut id = String::from("C0");
    for _ in 0..7 {
        id.push(rng.digit(36));
    }
    id
}

/// `count` random lower-case hex digits.
pub fn hex(rng: &mut fastrand::Rng, count: usize) -> String {
    (0..count).map(|_| rng.digit(16)).collect()
}

/// `bytes` bytes from the system's random source, base64url without padding; for secrets.
pub fn secret(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    aws_lc_rs::rand::fill(&mut buffer).expect("the system random source works");
    URL_SAFE_NO_PAD.encode(buffer)
}

/// RFC 3339 with milliseconds in UTC, as Google writes times (`2024-01-01T00:00:00.000Z`).
pub fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_millis(time).to_string()
}

/// An ETag in Google's form: a quoted opaque string, different whenever `content` differs.
pub fn etag(content: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, content);
    format!("\"{}\"", URL_SAFE_NO_PAD.encode(&digest.as_ref()[..20]))
}
