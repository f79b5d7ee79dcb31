//! The issuer's signing keys (JWKS), decoded once and kept for as long as the answer's
//! `Cache-Control: max-age` says. A token naming a key the set lacks makes the set be fetched
//! again (keys rotate), but at most once per `oidc.jwks_min_refetch_secs`, so forged `kid`s
//! cannot turn every sign-in into a request to Google.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::DecodingKey;
use serde::Deserialize;

use super::fetch::Fetcher;
use super::refusal::{refuse, Failure, Reason};

/// Kept this long when the answer does not say how long.
const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// One RSA public key, ready to verify with, and its numbers for telling a forged signature
/// from an altered token (see `signature.rs`).
pub struct Key {
    pub decoding: DecodingKey,
    pub modulus: Vec<u8>,
    pub exponent: Vec<u8>,
}

/// Where a verification finds the key a token names.
pub trait KeySource {
    fn key(&self, kid: &str) -> Result<Arc<Key>, Failure>;
}

struct KeySet {
    keys: HashMap<String, Arc<Key>>,
    expires_at: Instant,
}

pub struct JwksCache {
    set: RwLock<Option<KeySet>>,
    /// When the set was last fetched (or tried), held while fetching so concurrent misses
    /// wait for one request instead of each sending their own.
    last_fetch: Mutex<Option<Instant>>,
    min_refetch: Duration,
}

/// The cache together with where to fetch from, for one verification.
pub struct Jwks<'a> {
    pub cache: &'a JwksCache,
    pub fetcher: &'a Fetcher,
    pub uri: &'a url::Url,
}

#[derive(Deserialize)]
struct Document {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    #[serde(default)]
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    usage: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
}

enum Lookup {
    Found(Arc<Key>),
    /// The set is fresh but lacks the key.
    Missing,
    /// No set yet, or it has expired.
    Stale,
}

impl JwksCache {
    pub fn new(min_refetch: Duration) -> JwksCache {
        JwksCache {
            set: RwLock::new(None),
            last_fetch: Mutex::new(None),
            min_refetch,
        }
    }

    fn lookup(&self, kid: &str) -> Lookup {
        let set = self.set.read().unwrap_or_else(|p| p.into_inner());
        match set.as_ref() {
            Some(set) if Instant::now() < set.expires_at => match set.keys.get(kid) {
                Some(key) => Lookup::Found(Arc::clone(key)),
                None => Lookup::Missing,
            },
            _ => Lookup::Stale,
        }
    }
}

impl KeySource for Jwks<'_> {
    fn key(&self, kid: &str) -> Result<Arc<Key>, Failure> {
        let cache = self.cache;
        if let Lookup::Found(key) = cache.lookup(kid) {
            return Ok(key);
        }

        let mut last_fetch = cache.last_fetch.lock().unwrap_or_else(|p| p.into_inner());
        // Another thread may have fetched while this one waited.
        let throttled = last_fetch.is_some_and(|at| at.elapsed() < cache.min_refetch);
        match cache.lookup(kid) {
            Lookup::Found(key) => return Ok(key),
            Lookup::Missing if throttled => return unknown(kid, false),
            Lookup::Stale if throttled => {
                // A set is kept at least `min_refetch`, so a stale one this soon means the
                // last fetch failed; do not hammer the issuer.
                return refuse(
                    Reason::GoogleUnavailable,
                    "the issuer's signing keys could not be fetched a moment ago; try again \
                     shortly",
                );
            }
            _ => {}
        }

        *last_fetch = Some(Instant::now());
        let (keys, ttl) = fetch(self.fetcher, self.uri)?;
        let ttl = ttl.max(cache.min_refetch);
        log::debug!(
            "fetched {} signing key(s), kept for {} s",
            keys.len(),
            ttl.as_secs()
        );
        let found = keys.get(kid).cloned();
        *cache.set.write().unwrap_or_else(|p| p.into_inner()) = Some(KeySet {
            keys,
            expires_at: Instant::now() + ttl,
        });
        drop(last_fetch);
        match found {
            Some(key) => Ok(key),
            None => unknown(kid, true),
        }
    }
}

fn unknown<T>(kid: &str, fetched: bool) -> Result<T, Failure> {
    // A `kid` is public; at most a few characters of it are shown all the same, since it
    // comes from whoever made the token.
    let shown: String = kid.chars().take(48).collect();
    let when = if fetched {
        "even after fetching the key set again"
    } else {
        "and the key set was fetched moments ago"
    };
    refuse(
        Reason::UnknownKey,
        format!(
            "the token names signing key \"{shown}\", which the issuer does not publish ({when})"
        ),
    )
}

fn fetch(
    fetcher: &Fetcher,
    uri: &url::Url,
) -> Result<(HashMap<String, Arc<Key>>, Duration), Failure> {
    let what = "fetching the issuer's signing keys";
    let fetched = fetcher.get(uri, what)?;
    if fetched.status != 200 {
        return refuse(
            Reason::GoogleUnavailable,
            format!("{what}: {uri} answered HTTP {}", fetched.status),
        );
    }
    let document: Document = serde_json::from_slice(&fetched.body).map_err(|e| {
        Failure::Refused(super::refusal::Refusal::new(
            Reason::GoogleUnavailable,
            format!("{what}: {uri} did not answer with a key set ({e})"),
        ))
    })?;
    let ttl = fetched.max_age.unwrap_or(DEFAULT_TTL);
    Ok((decode(document), ttl))
}

/// Decodes a key set document (the JWKS JSON) into its RS256 signing keys by `kid`.
pub fn decode_key_set(json: &[u8]) -> serde_json::Result<HashMap<String, Arc<Key>>> {
    serde_json::from_slice(json).map(decode)
}

/// The RS256 signing keys of a key set; others (encryption keys, other algorithms) are left
/// out, so a token naming one is refused as naming an unknown key.
fn decode(document: Document) -> HashMap<String, Arc<Key>> {
    let mut keys = HashMap::new();
    for jwk in document.keys {
        let usable = jwk.kty == "RSA"
            && jwk.usage.as_deref().is_none_or(|u| u == "sig")
            && jwk.alg.as_deref().is_none_or(|a| a == "RS256");
        let (Some(kid), Some(n), Some(e), true) = (jwk.kid, jwk.n, jwk.e, usable) else {
            continue;
        };
        let (Ok(modulus), Ok(exponent)) = (URL_SAFE_NO_PAD.decode(&n), URL_SAFE_NO_PAD.decode(&e))
        else {
            log::warn!("signing key {kid} is not valid base64url; it is ignored");
            continue;
        };
        let decoding = DecodingKey::from_rsa_raw_components(&modulus, &exponent);
        keys.insert(
            kid,
            Arc::new(Key {
                decoding,
                modulus,
                exponent,
            }),
        );
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rs256_signing_keys_are_kept() {
        let document: Document = serde_json::from_str(
            r#"{"keys": [
                {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "a", "n": "AQAB", "e": "AQAB"},
                {"kty": "RSA", "use": "enc", "kid": "b", "n": "AQAB", "e": "AQAB"},
                {"kty": "EC", "kid": "c", "x": "AQAB", "y": "AQAB"},
                {"kty": "RSA", "alg": "RS512", "kid": "d", "n": "AQAB", "e": "AQAB"},
                {"kty": "RSA", "kid": "e", "n": "AQAB", "e": "AQAB"}
            ]}"#,
        )
        .unwrap();
        let keys = decode(document);
        let mut kids: Vec<&str> = keys.keys().map(String::as_str).collect();
        kids.sort();
        assert_eq!(kids, ["a", "e"]);
    }
}
