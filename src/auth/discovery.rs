//! The issuer's discovery document (`/.well-known/openid-configuration`): where to send the
//! browser, where to exchange codes, where the keys are. Fetched once and kept for as long as
//! its `Cache-Control` says; a stale copy is used while the issuer cannot be reached, because
//! these addresses practically never change.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::fetch::Fetcher;
use super::refusal::{refuse, Failure, Reason};
use crate::config::check_url;
use crate::error::Error;

/// Kept this long when the answer does not say.
const DEFAULT_TTL: Duration = Duration::from_secs(3600);
/// Never kept shorter than this, whatever the answer says.
const MIN_TTL: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct Discovery {
    pub authorization_endpoint: url::Url,
    pub token_endpoint: url::Url,
    pub jwks_uri: url::Url,
}

#[derive(Deserialize)]
struct Document {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

struct Cached {
    discovery: Arc<Discovery>,
    expires_at: Instant,
}

pub struct DiscoveryCache {
    cached: RwLock<Option<Cached>>,
    /// Held while fetching, so that a cold start sends one request, not one per sign-in.
    fetching: Mutex<()>,
}

impl DiscoveryCache {
    pub fn new() -> DiscoveryCache {
        DiscoveryCache {
            cached: RwLock::new(None),
            fetching: Mutex::new(()),
        }
    }

    pub fn get(&self, issuer: &str, fetcher: &Fetcher) -> Result<Arc<Discovery>, Failure> {
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let _fetching = self.fetching.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        match fetch(issuer, fetcher) {
            Ok((discovery, ttl)) => {
                let discovery = Arc::new(discovery);
                *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(Cached {
                    discovery: Arc::clone(&discovery),
                    expires_at: Instant::now() + ttl,
                });
                Ok(discovery)
            }
            Err(Failure::Refused(refusal)) if refusal.reason == Reason::GoogleUnavailable => {
                let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
                match cached.as_ref() {
                    Some(stale) => {
                        log::warn!(
                            "{}; using the discovery document fetched before",
                            refusal.message
                        );
                        Ok(Arc::clone(&stale.discovery))
                    }
                    None => Err(Failure::Refused(refusal)),
                }
            }
            Err(other) => Err(other),
        }
    }

    fn fresh(&self) -> Option<Arc<Discovery>> {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        cached
            .as_ref()
            .filter(|c| Instant::now() < c.expires_at)
            .map(|c| Arc::clone(&c.discovery))
    }
}

fn fetch(issuer: &str, fetcher: &Fetcher) -> Result<(Discovery, Duration), Failure> {
    let url = check_url(
        "oidc.issuer",
        &format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        ),
    )?;
    let what = "reading the OpenID discovery document";
    let fetched = fetcher.get(&url, what)?;
    if fetched.status != 200 {
        return refuse(
            Reason::GoogleUnavailable,
            format!(
                "{what}: {url} answered HTTP {}; check `oidc.issuer`",
                fetched.status
            ),
        );
    }
    let document: Document = serde_json::from_slice(&fetched.body).map_err(|e| {
        Error::config(format!(
            "{what}: {url} is not an OpenID discovery document ({e}); check `oidc.issuer`"
        ))
    })?;
    // OpenID Connect Discovery: the document must name the issuer it was fetched for, or
    // tokens it describes cannot be trusted to come from that issuer.
    if document.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(Error::config(format!(
            "{what}: the document at {url} is for issuer \"{}\", not \"{issuer}\"; set \
             `oidc.issuer` to the issuer itself",
            document.issuer
        ))
        .into());
    }
    let discovery = Discovery {
        authorization_endpoint: check_url(
            "authorization_endpoint (discovery document)",
            &document.authorization_endpoint,
        )?,
        token_endpoint: check_url(
            "token_endpoint (discovery document)",
            &document.token_endpoint,
        )?,
        jwks_uri: check_url("jwks_uri (discovery document)", &document.jwks_uri)?,
    };
    let ttl = fetched.max_age.unwrap_or(DEFAULT_TTL).max(MIN_TTL);
    log::debug!(
        "OpenID discovery document of {issuer} kept for {} s",
        ttl.as_secs()
    );
    Ok((discovery, ttl))
}
