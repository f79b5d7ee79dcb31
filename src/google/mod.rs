//! The outside world: credentials, tokens, HTTP with retries, and the Directory API. Nothing
//! outside this module (and `auth`) knows a Google URL.

pub mod credentials;
pub mod directory;
pub mod errors;
pub mod http;
pub mod network;
pub mod token;

use crate::config::Config;
use crate::error::Result;
use credentials::ServiceAccount;
use directory::Directory;
use http::Transport;
use token::TokenSource;

/// Everything needed to talk to Google for one configured connector. Shared by all threads
/// of a handle: the HTTP client's connection pool, the token cache and the counters.
pub struct Google {
    pub transport: Transport,
    pub tokens: TokenSource,
    pub directory_url: url::Url,
    pub max_pages: u32,
}

impl Google {
    pub fn new(config: &Config) -> Result<Google> {
        let account = match (&config.key_file, &config.key) {
            (Some(path), _) => ServiceAccount::from_file(path)?,
            (None, Some(serde_json::Value::String(text))) => ServiceAccount::from_json(text)?,
            (None, Some(value)) => ServiceAccount::from_json(&value.to_string())?,
            (None, None) => unreachable!("Config::validate requires a key"),
        };
        let token_uri = config
            .google
            .token_uri
            .clone()
            .unwrap_or_else(|| account.token_uri.clone());
        let token_field = if config.google.token_uri.is_some() {
            "google.token_uri"
        } else {
            "token_uri (in the key file)"
        };
        let token_uri = crate::config::check_url(token_field, &token_uri)?;
        let directory_url = crate::config::check_url(
            "google.directory_url",
            &with_slash(&config.google.directory_url),
        )?;
        Ok(Google {
            transport: Transport::new(&config.http)?,
            tokens: TokenSource::new(account, config.admin_user.clone(), token_uri),
            directory_url,
            max_pages: config.safeguards.max_pages_per_listing,
        })
    }

    pub fn directory(&self) -> Directory<'_> {
        Directory {
            transport: &self.transport,
            tokens: &self.tokens,
            base_url: &self.directory_url,
            max_pages: self.max_pages,
        }
    }
}

/// `Url::join` drops the last segment of a base without a trailing slash.
fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}
