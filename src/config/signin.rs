//! Configuration of the sign-in checks: the OpenID Connect client, and the IMAP server that
//! checks app passwords.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::check_url;
use crate::error::{Error, Result};

pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

/// The OpenID Connect client registered for the archive's "Sign in with Google".
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The OAuth client id, such as `1234-abc.apps.googleusercontent.com`.
    pub client_id: String,
    /// The client secret; needed to exchange an authorization code. Never logged.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The redirect URIs the host may use; a request naming another is refused.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Workspace domains whose accounts may sign in (the `hd` claim). Empty: the domains of
    /// the sync scope. `["*"]`: any Workspace domain (an `hd` claim is still required).
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// The issuer; its discovery document is at `{issuer}/.well-known/openid-configuration`.
    #[serde(default = "default_issuer")]
    pub issuer: String,
    /// Tolerance for `exp` and `iat`, in seconds.
    #[serde(default = "default_skew")]
    pub clock_skew_secs: u64,
    /// Whether suspended users may sign in.
    #[serde(default)]
    pub allow_suspended: bool,
    /// The shortest time between two JWKS fetches caused by an unknown key id.
    #[serde(default = "default_jwks_refetch")]
    pub jwks_min_refetch_secs: u64,
    /// The longest one request to Google's sign-in endpoints (discovery, keys, code exchange)
    /// may take; sign-ins wait for it, so it is short.
    #[serde(default = "default_oidc_timeout")]
    pub timeout_secs: f64,
}

/// The IMAP server that checks app passwords (Google's, or the emulator's in tests).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ImapConfig {
    /// The IMAP server (TLS from the first byte).
    pub host: String,
    pub port: u16,
    /// Extra CA certificate(s) (PEM) to trust for the IMAP server, besides the system's.
    pub ca_file: Option<String>,
    /// Connect and read timeout of the check, in seconds.
    pub timeout_secs: f64,
}

impl Default for ImapConfig {
    fn default() -> Self {
        ImapConfig {
            host: "imap.gmail.com".into(),
            port: 993,
            ca_file: None,
            timeout_secs: 10.0,
        }
    }
}

fn default_issuer() -> String {
    GOOGLE_ISSUER.to_string()
}

fn default_skew() -> u64 {
    60
}

fn default_jwks_refetch() -> u64 {
    30
}

fn default_oidc_timeout() -> f64 {
    10.0
}

impl OidcConfig {
    pub(super) fn validate(&self) -> Result<()> {
        if self.client_id.trim().is_empty() {
            return Err(Error::config(
                "configuration field `oidc.client_id` is empty; give the OAuth client id from \
                 the Google Cloud console (APIs & Services > Credentials)",
            ));
        }
        check_url("oidc.issuer", &self.issuer)?;
        for (i, uri) in self.redirect_uris.iter().enumerate() {
            check_url(&format!("oidc.redirect_uris[{i}]"), uri)?;
        }
        if self.clock_skew_secs > 600 {
            return Err(Error::config(
                "configuration field `oidc.clock_skew_secs` is over 600; a skew that large \
                 would accept expired tokens",
            ));
        }
        if !(self.timeout_secs.is_finite() && self.timeout_secs > 0.0) {
            return Err(Error::config(
                "configuration field `oidc.timeout_secs` must be a positive number of seconds",
            ));
        }
        for (i, domain) in self.allowed_domains.iter().enumerate() {
            if domain != "*" && (domain.is_empty() || domain.contains('@') || domain.contains('/'))
            {
                return Err(Error::config(format!(
                    "configuration field `oidc.allowed_domains[{i}]`: {} is not a \
                     domain name (or \"*\")",
                    super::shown(domain)
                )));
            }
        }
        Ok(())
    }
}

impl ImapConfig {
    pub(super) fn validate(&self) -> Result<()> {
        if self.host.trim().is_empty() {
            return Err(Error::config("configuration field `imap.host` is empty"));
        }
        if self.port == 0 {
            return Err(Error::config(
                "configuration field `imap.port` must not be 0",
            ));
        }
        if !(self.timeout_secs.is_finite() && self.timeout_secs > 0.0) {
            return Err(Error::config(
                "configuration field `imap.timeout_secs` must be a positive number of seconds",
            ));
        }
        Ok(())
    }
}
