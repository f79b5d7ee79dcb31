//! The connector's configuration: the JSON a host hands to `ds_configure`, its defaults, and
//! the checks that turn a wrong value into a message naming the field.

mod network;
mod schema;
mod shown;
mod signin;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use network::{ProxySetting, NO_PROXY_VALUE};
pub use schema::json_schema;
pub use shown::shown;
pub use signin::{ImapConfig, OidcConfig, GOOGLE_ISSUER};

use crate::error::{Error, Result};

pub const DEFAULT_DIRECTORY_URL: &str = "https://admin.googleapis.com/admin/directory/v1/";
pub const DEFAULT_CUSTOMER: &str = "my_customer";

/// Everything a host configures. Unknown fields are refused so that a typo is caught at
/// `ds_configure` instead of silently changing what a sync does.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Path of the service-account key file (JSON) that Google issued.
    #[serde(default)]
    pub key_file: Option<String>,
    /// The key file's content inline, as a JSON object or a string holding it.
    #[serde(default)]
    pub key: Option<serde_json::Value>,
    /// The administrator the service account acts as (domain-wide delegation).
    pub admin_user: String,
    /// Which users a sync covers.
    #[serde(default)]
    pub scope: ScopeConfig,
    /// How the host's login name is made from the primary address.
    #[serde(default)]
    pub login_name: LoginName,
    /// Delete managed host users that are no longer in Google (or no longer in scope).
    #[serde(default)]
    pub delete_removed_users: bool,
    /// Privileges given to users the sync creates; the strings are the host's own.
    #[serde(default)]
    pub default_privileges: Vec<String>,
    /// Where Google is; only tests and emulators change it.
    #[serde(default)]
    pub google: GoogleEndpoints,
    /// Timeouts, retries, pacing, proxy and trusted CAs of the requests to Google.
    #[serde(default)]
    pub http: HttpConfig,
    /// Limits that keep a sync from deleting users by mistake.
    #[serde(default)]
    pub safeguards: Safeguards,
    /// The OpenID Connect client for "Sign in with Google"; sign-ins by browser need it.
    #[serde(default)]
    pub oidc: Option<OidcConfig>,
    /// Where app passwords are checked.
    #[serde(default)]
    pub imap: ImapConfig,
    /// The most detailed log level forwarded to the host: error, warn, info, debug, trace.
    #[serde(default = "default_log_level")]
    pub log_level: String,
}

/// Which users a sync covers.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeConfig {
    /// The customer to list (default `my_customer`, the admin's own organisation).
    #[serde(default)]
    pub customer: Option<String>,
    /// List these domains instead of the whole customer.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Only members of these groups (addresses or ids), transitively.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Only users in these org units or below them (paths such as `/Sales`).
    #[serde(default)]
    pub org_units: Vec<String>,
    /// Sync suspended users too (with their suspended flag).
    #[serde(default)]
    pub include_suspended: bool,
    /// Sync archived users too.
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoginName {
    /// The full primary address, lowercased: `ann.lee@example.com`.
    #[default]
    Email,
    /// The part before the `@`: `ann.lee`.
    LocalPart,
}

/// Where Google is. Production uses the defaults; tests point these at the emulator.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoogleEndpoints {
    /// The Directory API's base URL.
    #[serde(default = "default_directory_url")]
    pub directory_url: String,
    /// Overrides the key file's `token_uri`.
    #[serde(default)]
    pub token_uri: Option<String>,
}

impl Default for GoogleEndpoints {
    fn default() -> Self {
        GoogleEndpoints {
            directory_url: default_directory_url(),
            token_uri: None,
        }
    }
}

/// Timeouts, retries, concurrency, proxy and trusted certificates of the requests to Google.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// The longest wait for a connection to Google, in seconds.
    pub connect_timeout_secs: f64,
    /// The longest one request may take, in seconds.
    pub read_timeout_secs: f64,
    /// The longest a whole `ds_test` or `ds_sync` may take before it gives up.
    pub deadline_secs: f64,
    /// Retries of one request on a transient error (429, 5xx, rate-limit 403s).
    pub max_retries: u32,
    /// First backoff; it doubles on each retry, plus up to the same amount of jitter.
    pub initial_backoff_ms: u64,
    /// Longest single backoff.
    pub max_backoff_ms: u64,
    /// Requests in flight at once (group member listings, per-domain listings).
    pub max_concurrency: usize,
    /// Requests per minute the connector allows itself; Google's quota is 2,400 per admin.
    pub requests_per_minute: u32,
    /// The proxy for every request to Google (`http://host:port`, credentials allowed as
    /// `http://user:password@host:port`), or `"none"` for no proxy at all. Left out, the
    /// environment decides (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).
    /// Loopback addresses never go through a proxy.
    pub proxy: Option<String>,
    /// Hosts, domains (`.example.com` covers its subdomains) or IP ranges reached without
    /// the configured `proxy`.
    pub no_proxy: Vec<String>,
    /// A PEM file of extra CA certificates to trust on top of the system's, for a proxy that
    /// inspects TLS with its own CA.
    pub ca_bundle_file: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout_secs: 10.0,
            read_timeout_secs: 60.0,
            deadline_secs: 3600.0,
            max_retries: 5,
            initial_backoff_ms: 1000,
            max_backoff_ms: 32_000,
            max_concurrency: 8,
            requests_per_minute: 2400,
            proxy: None,
            no_proxy: Vec::new(),
            ca_bundle_file: None,
        }
    }
}

/// Limits that keep a sync from deleting users by mistake.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Safeguards {
    /// A listing that needs more pages than this is treated as a page-token loop.
    pub max_pages_per_listing: u32,
    /// Most deletions one run may make; above it every deletion is held back unless the run
    /// is forced. `null` turns the count limit off.
    pub max_deletions: Option<u32>,
    /// Most deletions as a percentage of the managed host users (rounded up, so at least
    /// one). `null` turns the share limit off.
    pub max_deletion_percent: Option<f64>,
    /// Consecutive complete syncs a user must be missing from Google before it is deleted.
    pub delete_after_missing_syncs: u32,
    /// A file where the connector keeps those counts; without it the host keeps them
    /// (`DsHostUser.missing_syncs`, and `missing_syncs` in the report's `kept` list).
    pub state_file: Option<String>,
}

impl Default for Safeguards {
    fn default() -> Self {
        Safeguards {
            max_pages_per_listing: 10_000,
            max_deletions: Some(50),
            max_deletion_percent: Some(10.0),
            delete_after_missing_syncs: 1,
            state_file: None,
        }
    }
}

impl Safeguards {
    fn validate(&self) -> Result<()> {
        if self.max_pages_per_listing == 0 {
            return Err(Error::config(
                "configuration field `safeguards.max_pages_per_listing` must be at least 1",
            ));
        }
        if let Some(percent) = self.max_deletion_percent {
            if !(percent.is_finite() && (0.0..=100.0).contains(&percent)) {
                return Err(Error::config(
                    "configuration field `safeguards.max_deletion_percent` must be between 0 \
                     and 100 (or null for no limit)",
                ));
            }
        }
        if self.delete_after_missing_syncs == 0 {
            return Err(Error::config(
                "configuration field `safeguards.delete_after_missing_syncs` must be at least 1",
            ));
        }
        if self
            .state_file
            .as_deref()
            .is_some_and(|p| p.trim().is_empty())
        {
            return Err(Error::config(
                "configuration field `safeguards.state_file` is empty; give a path or leave it out",
            ));
        }
        Ok(())
    }
}

fn default_directory_url() -> String {
    DEFAULT_DIRECTORY_URL.to_string()
}

fn default_log_level() -> String {
    "info".to_string()
}

impl Config {
    /// Parses and checks a configuration. The error names the field that is wrong.
    pub fn from_json(json: &str) -> Result<Config> {
        let deserializer = &mut serde_json::Deserializer::from_str(json);
        let config: Config = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let said = shown::redact_quotes(&inner.to_string());
            if inner.is_syntax() || inner.is_eof() {
                Error::config(format!("configuration is not valid JSON: {said}"))
            } else if path == "." {
                Error::config(format!("configuration: {said}"))
            } else {
                Error::config(format!("configuration field `{path}`: {said}"))
            }
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<()> {
        match (&self.key_file, &self.key) {
            (None, None) => {
                return Err(Error::config(
                    "configuration needs `key_file` (path of the service-account key JSON) \
                     or `key` (its content)",
                ))
            }
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    "configuration has both `key_file` and `key`: keep one",
                ))
            }
            _ => {}
        }
        if !looks_like_email(&self.admin_user) {
            return Err(Error::config(format!(
                "configuration field `admin_user`: {} is not an email address; give the \
                 administrator the service account acts as, e.g. admin@example.com",
                shown(&self.admin_user)
            )));
        }
        self.scope.validate()?;
        check_url("google.directory_url", &self.google.directory_url)?;
        if let Some(uri) = &self.google.token_uri {
            check_url("google.token_uri", uri)?;
        }
        self.http.validate()?;
        self.safeguards.validate()?;
        if let Some(oidc) = &self.oidc {
            oidc.validate()?;
        }
        self.imap.validate()?;
        if log_level_filter(&self.log_level).is_none() {
            return Err(Error::config(format!(
                "configuration field `log_level`: {} is not one of off, error, warn, info, \
                 debug, trace",
                shown(&self.log_level)
            )));
        }
        Ok(())
    }

    pub fn log_level(&self) -> log::LevelFilter {
        log_level_filter(&self.log_level).unwrap_or(log::LevelFilter::Info)
    }
}

impl ScopeConfig {
    fn validate(&self) -> Result<()> {
        if self.customer.is_some() && !self.domains.is_empty() {
            return Err(Error::config(
                "configuration fields `scope.customer` and `scope.domains` exclude each other: \
                 list a customer or domains, not both",
            ));
        }
        if let Some(customer) = &self.customer {
            if customer.trim().is_empty() {
                return Err(Error::config(
                    "configuration field `scope.customer` is empty; leave it out for my_customer",
                ));
            }
        }
        for (i, domain) in self.domains.iter().enumerate() {
            if domain.trim().is_empty() || domain.contains('@') || domain.contains('/') {
                return Err(Error::config(format!(
                    "configuration field `scope.domains[{i}]`: {} is not a domain name",
                    shown(domain)
                )));
            }
        }
        for (i, group) in self.groups.iter().enumerate() {
            if group.trim().is_empty() {
                return Err(Error::config(format!(
                    "configuration field `scope.groups[{i}]` is empty; give a group address or id"
                )));
            }
        }
        for (i, path) in self.org_units.iter().enumerate() {
            if !path.starts_with('/') {
                return Err(Error::config(format!(
                    "configuration field `scope.org_units[{i}]`: {} must be an org unit \
                     path starting with `/`, such as /Sales",
                    shown(path)
                )));
            }
        }
        Ok(())
    }

    /// The customer to list when no domains are given.
    pub fn customer(&self) -> &str {
        self.customer.as_deref().unwrap_or(DEFAULT_CUSTOMER)
    }
}

impl HttpConfig {
    fn validate(&self) -> Result<()> {
        let positive = [
            ("http.connect_timeout_secs", self.connect_timeout_secs),
            ("http.read_timeout_secs", self.read_timeout_secs),
            ("http.deadline_secs", self.deadline_secs),
        ];
        for (field, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return Err(Error::config(format!(
                    "configuration field `{field}` must be a positive number of seconds"
                )));
            }
        }
        if self.max_retries > 20 {
            return Err(Error::config(
                "configuration field `http.max_retries` must be at most 20; with backoff \
                 doubling each time, more would wait for hours",
            ));
        }
        if self.max_concurrency == 0 || self.max_concurrency > 64 {
            return Err(Error::config(
                "configuration field `http.max_concurrency` must be between 1 and 64",
            ));
        }
        if self.requests_per_minute == 0 {
            return Err(Error::config(
                "configuration field `http.requests_per_minute` must be at least 1",
            ));
        }
        network::validate(self)
    }
}

fn looks_like_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !value.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Google's addresses must be HTTPS; plain HTTP is allowed only on loopback (the emulator, or
/// a local proxy in tests).
pub fn check_url(field: &str, value: &str) -> Result<url::Url> {
    let url = url::Url::parse(value).map_err(|e| {
        Error::config(format!(
            "configuration field `{field}`: {} is not a URL ({e})",
            shown(value)
        ))
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::config(format!(
            "configuration field `{field}`: {} uses plain HTTP; Google's addresses must use \
             https:// (plain http:// is accepted only for loopback addresses)",
            shown(value)
        ))),
        other => Err(Error::config(format!(
            "configuration field `{field}`: scheme \"{other}\" is not supported; use https://"
        ))),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn log_level_filter(name: &str) -> Option<log::LevelFilter> {
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> String {
        r#"{"key_file": "/k.json", "admin_user": "admin@example.com"}"#.to_string()
    }

    #[test]
    fn minimal_configuration_gets_defaults() {
        let config = Config::from_json(&minimal()).unwrap();
        assert_eq!(config.scope.customer(), "my_customer");
        assert_eq!(config.login_name, LoginName::Email);
        assert!(!config.delete_removed_users);
        assert_eq!(config.google.directory_url, DEFAULT_DIRECTORY_URL);
        assert_eq!(config.http.max_retries, 5);
    }

    #[test]
    fn unknown_field_is_named() {
        let err = Config::from_json(
            r#"{"key_file": "/k", "admin_user": "a@b.com", "scope": {"grups": []}}"#,
        )
        .unwrap_err();
        assert!(err.message().contains("scope"), "{}", err);
        assert!(err.message().contains("grups"), "{}", err);
    }

    #[test]
    fn wrong_type_names_the_field_path() {
        let err = Config::from_json(
            r#"{"key_file": "/k", "admin_user": "a@b.com", "http": {"max_retries": "x"}}"#,
        )
        .unwrap_err();
        assert!(err.message().contains("http.max_retries"), "{}", err);
    }

    #[test]
    fn missing_key_is_explained() {
        let err = Config::from_json(r#"{"admin_user": "a@b.com"}"#).unwrap_err();
        assert!(err.message().contains("key_file"), "{}", err);
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let ok = r#"{"key_file": "/k", "admin_user": "a@b.com",
                     "google": {"directory_url": "http://127.0.0.1:9/admin/directory/v1/"}}"#;
        assert!(Config::from_json(ok).is_ok());
        let bad = r#"{"key_file": "/k", "admin_user": "a@b.com",
                      "google": {"directory_url": "http://example.com/admin/directory/v1/"}}"#;
        let err = Config::from_json(bad).unwrap_err();
        assert!(err.message().contains("google.directory_url"), "{}", err);
        assert!(err.message().contains("https"), "{}", err);
    }

    #[test]
    fn customer_and_domains_exclude_each_other() {
        let json = r#"{"key_file": "/k", "admin_user": "a@b.com",
                       "scope": {"customer": "C01", "domains": ["a.com"]}}"#;
        assert!(Config::from_json(json).is_err());
    }

    #[test]
    fn org_unit_paths_start_with_slash() {
        let json = r#"{"key_file": "/k", "admin_user": "a@b.com",
                       "scope": {"org_units": ["Sales"]}}"#;
        let err = Config::from_json(json).unwrap_err();
        assert!(err.message().contains("scope.org_units[0]"), "{}", err);
    }

    #[test]
    fn not_json_is_reported() {
        let err = Config::from_json("{not json").unwrap_err();
        assert!(err.message().contains("JSON"), "{}", err);
    }
}
