//! ID tokens as Google issues them, and the test helper that mints (or forges) them directly.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

use super::identity::Identity;

/// Google's ID tokens live an hour.
pub const LIFETIME_SECS: u64 = 3600;

/// What [`crate::Emulator::mint_id_token`] should put in a token.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct IdTokenRequest {
    /// A tenant user's address or alias, or a personal address (no `hd` claim then).
    pub email: String,
    pub nonce: Option<String>,
    /// `aud` and `azp`; the tenant's first OAuth client when `None`.
    pub audience: Option<String>,
    /// Claims to add or replace; a `null` value removes the claim.
    pub overrides: Map<String, Value>,
    /// Seconds from `iat` to `exp`; an hour when `None`.
    pub lifetime_secs: Option<u64>,
    /// A `kid` for the header other than the signing key's (the signature stays genuine).
    pub kid: Option<String>,
}

impl IdTokenRequest {
    pub fn new(email: &str) -> IdTokenRequest {
        IdTokenRequest {
            email: email.to_string(),
            ..IdTokenRequest::default()
        }
    }
}

/// Everything an ID token says, before signing.
pub(crate) struct Claims<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub identity: &'a Identity,
    pub nonce: Option<&'a str>,
    /// The access token issued with it, for `at_hash`.
    pub access_token: Option<&'a str>,
    pub issued_at: i64,
    pub lifetime_secs: u64,
}

impl Claims<'_> {
    pub fn to_map(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("iss".into(), json!(self.issuer));
        claims.insert("azp".into(), json!(self.client_id));
        claims.insert("aud".into(), json!(self.client_id));
        claims.extend(self.identity.profile_claims());
        if let Some(access_token) = self.access_token {
            claims.insert("at_hash".into(), json!(at_hash(access_token)));
        }
        if let Some(nonce) = self.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        claims.insert("iat".into(), json!(self.issued_at));
        claims.insert(
            "exp".into(),
            json!(self.issued_at + self.lifetime_secs as i64),
        );
        claims
    }
}

/// OpenID Connect's `at_hash`: the left half of the SHA-256 of the access token, base64url.
pub(crate) fn at_hash(access_token: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16])
}

/// Applies a request's overrides: `null` removes a claim, anything else sets it.
pub(crate) fn apply_overrides(claims: &mut Map<String, Value>, overrides: &Map<String, Value>) {
    for (name, value) in overrides {
        if value.is_null() {
            claims.remove(name);
        } else {
            claims.insert(name.clone(), value.clone());
        }
    }
}
