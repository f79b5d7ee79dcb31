//! Sign-in checks: "Sign in with Google" (OpenID Connect: an authorization code or an ID
//! token) and app passwords (checked over IMAP), each ending in the host user the person is,
//! or in a refusal with a reason.
//!
//! Everything here is shared by the threads that use one connector handle, and none of it
//! takes the sync's one-run-at-a-time flag: the caches (discovery document, signing keys, the
//! index of the last run, Directory answers) are behind locks held only to read or replace an
//! entry, so a sign-in waits at most for another thread fetching the same thing.

mod code_flow;
mod discovery;
pub mod domains;
mod fetch;
pub mod id_token;
mod imap;
pub mod jwks;
mod lookup;
mod mapping;
pub mod refusal;
pub mod request;
mod signature;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::config::{Config, OidcConfig, GOOGLE_ISSUER};
use crate::connector::Connector;
use crate::error::Error;
use discovery::{Discovery, DiscoveryCache};
use fetch::Fetcher;
use jwks::{Jwks, JwksCache};
use lookup::Lookups;
use mapping::{Entry, Index, IndexCache};
use refusal::{Failure, Reason, Refusal};
use request::{AuthorizationRequest, Secret, SignInRequest};

pub use code_flow::AuthorizationStart;

/// Google's short form of its issuer, which older ID tokens carry in `iss`.
const GOOGLE_ISSUER_SHORT: &str = "accounts.google.com";

/// Who signed in, in the host's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub login: String,
    pub primary_email: String,
    pub google_id: String,
    pub full_name: String,
    /// `oidc` or `app_password`.
    pub method: &'static str,
    /// The address the person signed in with (the ID token's `email`, or the primary address
    /// for an app password).
    pub email: String,
    /// The ID token's `hd`; `None` for an app password.
    pub hd: Option<String>,
}

impl SignedIn {
    fn new(entry: &Entry, method: &'static str, email: String, hd: Option<String>) -> SignedIn {
        let record = &entry.record;
        SignedIn {
            login: record.login().to_string(),
            primary_email: record.primary_email.clone(),
            google_id: record.google_id.clone(),
            full_name: record.full_name.clone(),
            method,
            email,
            hd,
        }
    }

    pub fn to_json(&self) -> String {
        json!({
            "refused": false,
            "login": self.login,
            "primary_email": self.primary_email,
            "google_id": self.google_id,
            "full_name": self.full_name,
            "method": self.method,
            "email": self.email,
            "hd": self.hd,
        })
        .to_string()
    }
}

/// How a checked sign-in ended.
#[derive(Debug)]
pub enum Outcome {
    SignedIn(SignedIn),
    Refused(Refusal),
}

/// The sign-in side of one connector handle: its caches and clients.
pub struct Authenticator {
    fetcher: Fetcher,
    discovery: DiscoveryCache,
    jwks: JwksCache,
    index: IndexCache,
    lookups: Lookups,
    imap: imap::ImapClient,
    /// Accepted `iss` values.
    issuers: Vec<String>,
}

impl Authenticator {
    pub fn new(config: &Config) -> Authenticator {
        let oidc = config.oidc.as_ref();
        let timeout = Duration::from_secs_f64(oidc.map_or(10.0, |o| o.timeout_secs));
        let min_refetch = Duration::from_secs(oidc.map_or(30, |o| o.jwks_min_refetch_secs));
        let issuer = oidc.map_or(GOOGLE_ISSUER, |o| o.issuer.as_str());
        let mut issuers = vec![issuer.trim_end_matches('/').to_string()];
        if issuers[0] == GOOGLE_ISSUER {
            issuers.push(GOOGLE_ISSUER_SHORT.to_string());
        }
        Authenticator {
            fetcher: Fetcher::new(timeout, &config.http),
            discovery: DiscoveryCache::new(),
            jwks: JwksCache::new(min_refetch),
            index: IndexCache::new(),
            lookups: Lookups::new(timeout),
            imap: imap::ImapClient::new(),
            issuers,
        }
    }

    /// Checks a sign-in. `Err` is for what the host or its administrator must fix (a missing
    /// `oidc` section, Google refusing the OAuth client or the Directory delegation); every
    /// check about the person ends in `Ok`.
    pub fn authenticate(
        &self,
        connector: &Connector,
        request: &SignInRequest,
    ) -> Result<Outcome, Error> {
        let method = request.method();
        let checked = match request {
            SignInRequest::IdToken { id_token, nonce } => self.id_token(connector, id_token, nonce),
            SignInRequest::Code {
                code,
                redirect_uri,
                code_verifier,
                nonce,
            } => self.code(connector, code, redirect_uri, code_verifier, nonce),
            SignInRequest::Password { login, password } => {
                self.password(connector, login, password)
            }
        };
        match checked {
            Ok(signed_in) => {
                log::info!("sign-in ({method}) accepted for {}", signed_in.login);
                Ok(Outcome::SignedIn(signed_in))
            }
            Err(Failure::Refused(refusal)) => {
                log::info!(
                    "sign-in ({method}) refused: {} ({})",
                    refusal.reason.code(),
                    refusal.message
                );
                Ok(Outcome::Refused(refusal))
            }
            Err(Failure::Error(error)) => Err(error),
        }
    }

    /// The URL to send the browser to, and what to keep for the callback.
    pub fn authorization_url(
        &self,
        connector: &Connector,
        request: &AuthorizationRequest,
    ) -> Result<AuthorizationStart, Error> {
        let oidc = oidc(&connector.config)?;
        let discovery = self.discover(oidc).map_err(|failure| match failure {
            Failure::Error(error) => error,
            Failure::Refused(refusal) => Error::network(refusal.message),
        })?;
        let hint = match &request.hd {
            Some(hd) => Some(hd.clone()),
            None => self.index(connector).allowed_domains.hint(),
        };
        code_flow::authorization_url(
            oidc,
            &discovery,
            &request.redirect_uri,
            request.login_hint.as_deref(),
            hint.as_deref(),
        )
    }

    fn discover(&self, oidc: &OidcConfig) -> Result<Arc<Discovery>, Failure> {
        self.discovery.get(&oidc.issuer, &self.fetcher)
    }

    fn index(&self, connector: &Connector) -> Arc<Index> {
        self.index.get(&connector.config, connector.last_seen())
    }

    /// A user the index lacks. After a complete run that means "not in the directory's scope
    /// when it ran" (a user created since has no host user yet either), so the Directory is
    /// asked only before the first complete run: that keeps guessed logins from spending the
    /// admin's Directory quota.
    fn look_up(
        &self,
        connector: &Connector,
        index: &Index,
        key: &str,
    ) -> Result<Option<Arc<Entry>>, Failure> {
        if index.complete {
            return Ok(None);
        }
        self.lookups.find(connector, key)
    }

    fn code(
        &self,
        connector: &Connector,
        code: &Secret,
        redirect_uri: &str,
        code_verifier: &Secret,
        nonce: &str,
    ) -> Result<SignedIn, Failure> {
        let oidc = oidc(&connector.config)?;
        let discovery = self.discover(oidc)?;
        let id_token = code_flow::exchange(
            oidc,
            &discovery,
            &self.fetcher,
            code,
            redirect_uri,
            code_verifier,
        )?;
        self.id_token(connector, &id_token, nonce)
    }

    fn id_token(
        &self,
        connector: &Connector,
        token: &Secret,
        nonce: &str,
    ) -> Result<SignedIn, Failure> {
        let oidc = oidc(&connector.config)?;
        let discovery = self.discover(oidc)?;
        let index = self.index(connector);
        let keys = Jwks {
            cache: &self.jwks,
            fetcher: &self.fetcher,
            uri: &discovery.jwks_uri,
        };
        let expected = id_token::Expected {
            issuers: &self.issuers,
            client_id: &oidc.client_id,
            nonce,
            skew_secs: oidc.clock_skew_secs,
            now: unix_now(),
            domains: &index.allowed_domains,
        };
        let verified = id_token::verify(token.expose(), &keys, &expected)?;

        // By the Google id only: an address can pass to another account after its owner is
        // deleted, so an address in a token never maps it to a user of another id.
        let entry = match index.by_id(&verified.sub) {
            Some(entry) => Arc::clone(entry),
            None => match self.look_up(connector, &index, &verified.sub)? {
                Some(entry) if entry.record.google_id == verified.sub => entry,
                _ => {
                    return refusal::refuse(
                        Reason::UnknownUser,
                        format!(
                            "no user of the directory has the Google account of {} (id {}) \
                             as of the last sync; it may be new (run a sync) or deleted",
                            verified.email, verified.sub
                        ),
                    )
                }
            },
        };
        mapping::admit(&entry, oidc.allow_suspended)?;
        Ok(SignedIn::new(&entry, "oidc", verified.email, verified.hd))
    }

    fn password(
        &self,
        connector: &Connector,
        login: &str,
        password: &Secret,
    ) -> Result<SignedIn, Failure> {
        let config = &connector.config;
        let login = login.trim();
        let shown: String = login.chars().take(100).collect();
        if login.is_empty() {
            return refusal::refuse(Reason::UnknownUser, "no login name was given");
        }
        let index = self.index(connector);
        let entry = match index.by_name(login) {
            Some(entry) => Arc::clone(entry),
            None => {
                // A local-part login names a user of the admin's domain when the last run has
                // not seen it; other domains need the full address.
                let address = if login.contains('@') {
                    login.to_string()
                } else {
                    let domain = config.admin_user.rsplit('@').next().unwrap_or_default();
                    format!("{login}@{domain}")
                };
                match self.look_up(connector, &index, &address)? {
                    Some(entry) => entry,
                    None => {
                        return refusal::refuse(
                            Reason::UnknownUser,
                            format!(
                                "no user of the directory has the login or address {shown} \
                                 as of the last sync"
                            ),
                        )
                    }
                }
            }
        };
        let allow_suspended = config.oidc.as_ref().is_some_and(|o| o.allow_suspended);
        mapping::admit(&entry, allow_suspended)?;
        if password.is_empty() {
            return refusal::refuse(Reason::WrongPassword, "no password was given");
        }
        self.imap
            .check(&config.imap, &entry.record.primary_email, password)?;
        let email = entry.record.primary_email.clone();
        Ok(SignedIn::new(&entry, "app_password", email, None))
    }
}

fn oidc(config: &Config) -> Result<&OidcConfig, Error> {
    config.oidc.as_ref().ok_or_else(|| {
        Error::config(
            "the configuration has no `oidc` section; Sign in with Google needs at least \
             `oidc.client_id` (and `oidc.client_secret` for the code flow)",
        )
    })
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
