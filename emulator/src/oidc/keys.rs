//! The keys that sign ID tokens. Like Google, two are published at a time; rotation makes a
//! new key the signer and retires the oldest, so a client that caches the JWKS must fetch it
//! again when it meets an unknown `kid`.

use std::io;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use serde_json::{json, Value};

use crate::ids;
use crate::keys::RsaKey;

/// How many keys the JWKS publishes.
const PUBLISHED: usize = 2;

pub(crate) struct SigningKey {
    pub kid: String,
    pub rsa: RsaKey,
    encoding: EncodingKey,
}

/// Published keys, oldest first; the last one signs.
pub(crate) struct SigningKeys {
    keys: Vec<SigningKey>,
}

impl SigningKey {
    fn generate() -> io::Result<SigningKey> {
        let rsa = RsaKey::generate()?;
        let encoding = EncodingKey::from_rsa_pem(rsa.private_pem.as_bytes())
            .map_err(|e| io::Error::other(format!("a new RSA key does not load: {e}")))?;
        Ok(SigningKey {
            kid: ids::hex(&mut fastrand::Rng::new(), 40),
            rsa,
            encoding,
        })
    }

    fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": self.rsa.modulus_b64,
            "e": self.rsa.exponent_b64,
        })
    }
}

impl SigningKeys {
    pub fn generate() -> io::Result<SigningKeys> {
        let keys = (0..PUBLISHED)
            .map(|_| SigningKey::generate())
            .collect::<io::Result<_>>()?;
        Ok(SigningKeys { keys })
    }

    pub fn current(&self) -> &SigningKey {
        self.keys.last().expect("there is always a signing key")
    }

    /// A new key becomes the signer; the oldest is no longer published.
    pub fn rotate(&mut self) -> io::Result<&SigningKey> {
        self.keys.push(SigningKey::generate()?);
        while self.keys.len() > PUBLISHED {
            self.keys.remove(0);
        }
        Ok(self.current())
    }

    pub fn jwks(&self) -> Value {
        json!({ "keys": self.keys.iter().map(SigningKey::jwk).collect::<Vec<_>>() })
    }

    /// Signs `claims` with the current key; `kid` replaces the key's id in the header (to
    /// forge a token that names a key the JWKS does not have).
    pub fn sign(&self, claims: &impl Serialize, kid: Option<&str>) -> String {
        let key = self.current();
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some("JWT".to_string());
        header.kid = Some(kid.unwrap_or(&key.kid).to_string());
        jsonwebtoken::encode(&header, claims, &key.encoding).expect("RS256 signing works")
    }
}
