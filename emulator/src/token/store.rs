//! Access tokens the emulator has issued, and what each one stands for.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::{ids, locks};

/// What an access token grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Grant {
    /// Id of the user the token acts as; `None` for a service account acting as itself.
    pub subject_id: Option<String>,
    /// The signed-in account's address, for userinfo (sign-in grants only).
    pub subject_email: Option<String>,
    pub scopes: Vec<String>,
    /// Unix seconds by the emulator's clock.
    pub expires_at: i64,
}

/// Past this many live tokens, expired ones are swept out when a new one is issued.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    tokens: Mutex<HashMap<String, Grant>>,
}

impl TokenStore {
    /// Issues a new opaque token (`ya29.` and random text, like Google's).
    pub fn issue(&self, grant: Grant, now: i64) -> String {
        let token = format!("ya29.{}", ids::secret(48));
        let mut tokens = self.lock();
        if tokens.len() > SWEEP_ABOVE {
            tokens.retain(|_, grant| grant.expires_at > now);
        }
        tokens.insert(token.clone(), grant);
        token
    }

    /// The grant of a token that is known and not expired at `now`.
    pub fn check(&self, token: &str, now: i64) -> Option<Grant> {
        self.lock()
            .get(token)
            .filter(|grant| grant.expires_at > now)
            .cloned()
    }

    /// Forgets a token, so it fails from now on as an expired one would.
    pub fn revoke(&self, token: &str) {
        self.lock().remove(token);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Grant>> {
        locks::lock(&self.tokens)
    }
}
