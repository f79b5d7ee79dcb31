//! Access tokens from the JWT-bearer grant, cached per set of scopes until shortly before
//! they expire.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use super::credentials::ServiceAccount;
use super::errors::{self, Identity};
use super::http::{RunControl, Transport};
use crate::error::{Error, Result};

/// An access token. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(Arc<str>);

impl AccessToken {
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(..)")
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default = "default_expires_in")]
    expires_in: u64,
}

fn default_expires_in() -> u64 {
    3600
}

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

/// Fetches and caches access tokens for one service account acting as one admin user.
pub struct TokenSource {
    account: ServiceAccount,
    admin_user: String,
    token_uri: url::Url,
    identity: Identity,
    /// One slot per set of scopes. A slot's lock is held while its token is fetched, so
    /// workers needing the same token wait for one fetch, while other scopes go ahead.
    cache: Mutex<HashMap<String, Arc<Mutex<Option<Cached>>>>>,
}

pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

impl TokenSource {
    pub fn new(account: ServiceAccount, admin_user: String, token_uri: url::Url) -> Self {
        let identity = Identity {
            client_email: account.client_email.clone(),
            client_id: account.client_id.clone(),
            admin_user: admin_user.clone(),
            project_id: account.project_id.clone(),
        };
        TokenSource {
            account,
            admin_user,
            token_uri,
            identity,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// A valid token for these scopes, from the cache or fresh from Google.
    pub fn token(
        &self,
        scopes: &[&str],
        transport: &Transport,
        run: &RunControl,
    ) -> Result<AccessToken> {
        let slot = self.slot(scopes);
        let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cached) = slot.as_ref() {
            if Instant::now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        let (token, lifetime) = self.fetch(scopes, transport, run)?;
        let margin = (lifetime / 10).min(Duration::from_secs(300));
        let refresh_at = Instant::now() + lifetime.saturating_sub(margin);
        *slot = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    fn slot(&self, scopes: &[&str]) -> Arc<Mutex<Option<Cached>>> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(cache.entry(scopes.join(" ")).or_default())
    }

    /// Asks Google for a new token for these scopes, whatever the cache holds: the check a
    /// dry run makes of each delegated scope.
    pub fn probe(&self, scopes: &[&str], transport: &Transport, run: &RunControl) -> Result<()> {
        *self.slot(scopes).lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.token(scopes, transport, run).map(|_| ())
    }

    /// Drops a cached token that Google no longer accepts (a 401), so the next call fetches a
    /// new one.
    pub fn invalidate(&self, token: &AccessToken) {
        let slots: Vec<_> = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for slot in slots {
            let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
            if slot.as_ref().is_some_and(|cached| &cached.token == token) {
                *slot = None;
            }
        }
    }

    fn fetch(
        &self,
        scopes: &[&str],
        transport: &Transport,
        run: &RunControl,
    ) -> Result<(AccessToken, Duration)> {
        let mut attempt = 0;
        loop {
            run.check()?;
            let assertion = self
                .account
                .assertion(&self.admin_user, scopes, unix_now())?;
            transport
                .counters
                .token_requests
                .fetch_add(1, Ordering::Relaxed);
            let form = [
                ("grant_type", GRANT_TYPE),
                ("assertion", assertion.as_str()),
            ];
            let (retry_after, failure) = match transport.post_form(&self.token_uri, &form) {
                Ok(answer) if answer.status == 200 => {
                    let parsed: TokenAnswer =
                        serde_json::from_slice(&answer.body).map_err(|_| {
                            Error::google(
                                "Google's token endpoint answered 200 without a usable \
                                 access_token",
                            )
                        })?;
                    log::debug!(
                        "access token for {} scope(s) obtained, valid {} s",
                        scopes.len(),
                        parsed.expires_in
                    );
                    return Ok((
                        AccessToken(parsed.access_token.into()),
                        Duration::from_secs(parsed.expires_in),
                    ));
                }
                Ok(answer) if errors::is_token_retryable(answer.status, &answer.body) => (
                    answer.retry_after,
                    errors::token_error(answer.status, &answer.body, &self.identity, scopes),
                ),
                Ok(answer) => {
                    return Err(errors::token_error(
                        answer.status,
                        &answer.body,
                        &self.identity,
                        scopes,
                    ))
                }
                Err(e) => (None, e.context("requesting an access token")),
            };
            if attempt >= transport.backoff.max_retries {
                return Err(failure);
            }
            let delay = transport.backoff.delay(attempt, retry_after);
            log::warn!(
                "token request failed ({}); retrying in {} ms",
                failure.google_said().unwrap_or(failure.message()),
                delay.as_millis()
            );
            transport.counters.retries.fetch_add(1, Ordering::Relaxed);
            run.sleep(delay)?;
            attempt += 1;
        }
    }
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
