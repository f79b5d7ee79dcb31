//! The network settings of `http`: which proxy carries the requests to Google, and which extra
//! CA certificates are trusted. Checked here so that `ds_configure` names the field; applied
//! in `google::network`.

use super::HttpConfig;
use crate::error::{Error, Result};

/// The value of `http.proxy` that turns proxies off, the environment's included.
pub const NO_PROXY_VALUE: &str = "none";

/// What `http.proxy` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxySetting {
    /// Nothing configured: the environment variables (or the system's settings) decide.
    FromEnvironment,
    /// `"none"`: every request goes straight to Google.
    Direct,
    /// This proxy for every request (but `http.no_proxy` and loopback).
    Url(url::Url),
}

impl HttpConfig {
    /// The proxy setting, parsed. The configuration was validated, so the URL parses.
    pub fn proxy_setting(&self) -> Result<ProxySetting> {
        match self.proxy.as_deref().map(str::trim) {
            None | Some("") => Ok(ProxySetting::FromEnvironment),
            Some(value) if value.eq_ignore_ascii_case(NO_PROXY_VALUE) => Ok(ProxySetting::Direct),
            Some(value) => proxy_url("http.proxy", value).map(ProxySetting::Url),
        }
    }
}

pub(super) fn validate(http: &HttpConfig) -> Result<()> {
    http.proxy_setting()?;
    for (i, entry) in http.no_proxy.iter().enumerate() {
        if entry.trim().is_empty() || entry.contains('/') && entry.parse::<IpNet>().is_err() {
            return Err(Error::config(format!(
                "configuration field `http.no_proxy[{i}]`: \"{entry}\" is not a host name, \
                 domain (`.example.com`), IP address or IP range (`10.0.0.0/8`)"
            )));
        }
    }
    if let Some(path) = &http.ca_bundle_file {
        if path.trim().is_empty() {
            return Err(Error::config(
                "configuration field `http.ca_bundle_file` is empty; give the path of a PEM \
                 file of CA certificates or leave it out",
            ));
        }
    }
    Ok(())
}

/// A proxy URL: `http://` or `https://` with a host. Its text is never quoted back, since it
/// may hold the proxy's password.
pub fn proxy_url(field: &str, value: &str) -> Result<url::Url> {
    let url = url::Url::parse(value).map_err(|e| {
        Error::config(format!(
            "configuration field `{field}` is not a URL ({e}); give the proxy as \
             http://host:port (or \"{NO_PROXY_VALUE}\" for no proxy)"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::config(format!(
            "configuration field `{field}`: proxy scheme \"{}\" is not supported; use \
             http://host:port (requests to Google stay encrypted end to end through it)",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!(
            "configuration field `{field}` has no host; give the proxy as http://host:port"
        )));
    }
    Ok(url)
}

/// An IP range as `NO_PROXY` writes it (`10.0.0.0/8`); only the shape is checked here.
struct IpNet;

impl std::str::FromStr for IpNet {
    type Err = ();

    fn from_str(text: &str) -> std::result::Result<IpNet, ()> {
        let (address, bits) = text.split_once('/').ok_or(())?;
        let bits: u8 = bits.parse().map_err(|_| ())?;
        match address.parse::<std::net::IpAddr>().map_err(|_| ())? {
            std::net::IpAddr::V4(_) if bits <= 32 => Ok(IpNet),
            std::net::IpAddr::V6(_) if bits <= 128 => Ok(IpNet),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn with_http(http: &str) -> String {
        format!(r#"{{"key_file": "/k", "admin_user": "a@b.com", "http": {http}}}"#)
    }

    #[test]
    fn proxy_urls_are_checked_without_quoting_them() {
        let err = Config::from_json(&with_http(r#"{"proxy": "not a url:secret"}"#)).unwrap_err();
        assert!(err.message().contains("http.proxy"), "{err}");
        assert!(!err.message().contains("secret"), "{err}");
        let err =
            Config::from_json(&with_http(r#"{"proxy": "ftp://u:secret@proxy:21"}"#)).unwrap_err();
        assert!(err.message().contains("ftp"), "{err}");
        assert!(!err.message().contains("secret"), "{err}");
        for ok in [r#""http://u:p@proxy.corp:3128""#, r#""none""#, "null"] {
            Config::from_json(&with_http(&format!(r#"{{"proxy": {ok}}}"#))).unwrap();
        }
    }

    #[test]
    fn no_proxy_entries_are_hosts_or_ranges() {
        Config::from_json(&with_http(
            r#"{"no_proxy": ["internal.corp", ".corp", "10.0.0.0/8", "::1"]}"#,
        ))
        .unwrap();
        let err = Config::from_json(&with_http(r#"{"no_proxy": ["10.0.0.0/99"]}"#)).unwrap_err();
        assert!(err.message().contains("http.no_proxy[0]"), "{err}");
    }

    #[test]
    fn empty_ca_bundle_is_refused() {
        let err = Config::from_json(&with_http(r#"{"ca_bundle_file": " "}"#)).unwrap_err();
        assert!(err.message().contains("http.ca_bundle_file"), "{err}");
    }
}
