//! Authorization codes between the authorize redirect and the code exchange: single use and
//! short-lived, remembering everything the exchange must check.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::identity::Identity;
use crate::{ids, locks};

/// How long a code may wait for its exchange.
pub const CODE_LIFETIME_SECS: i64 = 300;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Challenge {
    Plain(String),
    S256(String),
}

#[derive(Clone, Debug)]
pub(crate) struct PendingCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub challenge: Option<Challenge>,
    pub identity: Identity,
    pub expires_at: i64,
}

#[derive(Debug, Default)]
pub(crate) struct CodeStore {
    codes: Mutex<HashMap<String, PendingCode>>,
}

impl CodeStore {
    /// Keeps `pending` under a new code (`4/0…`, like Google's) and returns the code.
    pub fn issue(&self, pending: PendingCode, now: i64) -> String {
        let code = format!("4/0{}", ids::secret(54));
        let mut codes = self.lock();
        codes.retain(|_, waiting| waiting.expires_at > now);
        codes.insert(code.clone(), pending);
        code
    }

    /// Removes and returns a code that has not expired: a code works once.
    pub fn redeem(&self, code: &str, now: i64) -> Option<PendingCode> {
        self.lock()
            .remove(code)
            .filter(|pending| pending.expires_at > now)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, PendingCode>> {
        locks::lock(&self.codes)
    }
}

impl Challenge {
    /// Whether `verifier` answers this challenge (RFC 7636).
    pub fn verifies(&self, verifier: &str) -> bool {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        match self {
            Challenge::Plain(challenge) => challenge == verifier,
            Challenge::S256(challenge) => {
                let digest =
                    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
                URL_SAFE_NO_PAD.encode(digest.as_ref()) == *challenge
            }
        }
    }
}
