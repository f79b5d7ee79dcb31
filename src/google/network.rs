//! What both HTTP clients (the sync's and the sign-in's) share about the network: the proxy,
//! and the CA certificates trusted on top of the system's.
//!
//! Loopback addresses never go through a proxy: a proxy elsewhere cannot reach this machine's
//! loopback, and a local emulator must not be sent to a proxy the environment names for the
//! outside world.

use reqwest::blocking::ClientBuilder;
use reqwest::{Certificate, NoProxy, Proxy};

use crate::config::{HttpConfig, ProxySetting};
use crate::error::{Error, Result};

/// Always reached directly, whatever the proxy settings say.
const LOOPBACK: &str = "127.0.0.0/8,::1,localhost";

/// The proxy and trust settings, read once and applied to any client builder.
#[derive(Clone, Default)]
pub struct Network {
    proxies: Option<Vec<Proxy>>,
    extra_roots: Vec<Certificate>,
}

impl Network {
    /// Reads `http.proxy`, `http.no_proxy`, the proxy environment variables and the file of
    /// `http.ca_bundle_file`.
    pub fn from_config(http: &HttpConfig) -> Result<Network> {
        let proxies = match http.proxy_setting()? {
            ProxySetting::Direct => Some(Vec::new()),
            ProxySetting::Url(url) => {
                let bypass = bypass_list(http.no_proxy.iter().map(String::as_str));
                let proxy = Proxy::all(url.as_str())
                    .map_err(|e| Error::config(proxy_error("http.proxy", &e)))?
                    .no_proxy(NoProxy::from_string(&bypass));
                Some(vec![proxy])
            }
            ProxySetting::FromEnvironment => from_environment()?,
        };
        let extra_roots = match &http.ca_bundle_file {
            Some(path) => read_bundle(path)?,
            None => Vec::new(),
        };
        Ok(Network {
            proxies,
            extra_roots,
        })
    }

    /// A client builder with these settings.
    pub fn builder(&self) -> ClientBuilder {
        let mut builder = reqwest::blocking::Client::builder()
            .user_agent(concat!("google-ds/", env!("CARGO_PKG_VERSION")));
        if let Some(proxies) = &self.proxies {
            // Naming the proxies turns reqwest's own reading of the environment off.
            builder = builder.no_proxy();
            for proxy in proxies {
                builder = builder.proxy(proxy.clone());
            }
        }
        if !self.extra_roots.is_empty() {
            builder = builder.tls_certs_merge(self.extra_roots.iter().cloned());
        }
        builder
    }
}

/// The proxies the environment names, with `NO_PROXY` and loopback left out. `None` when
/// the environment names none: then reqwest's default applies (on Windows and macOS, the
/// system's proxy settings).
fn from_environment() -> Result<Option<Vec<Proxy>>> {
    let https = first_env(&["HTTPS_PROXY", "https_proxy"]);
    let http = first_env(&["HTTP_PROXY", "http_proxy"]);
    let all = first_env(&["ALL_PROXY", "all_proxy"]);
    if https.is_none() && http.is_none() && all.is_none() {
        return Ok(None);
    }
    let from_env = first_env(&["NO_PROXY", "no_proxy"]).unwrap_or_default();
    let bypass = bypass_list(from_env.split(','));
    let mut proxies = Vec::new();
    type Make = fn(String) -> reqwest::Result<Proxy>;
    let variables: [(&str, Option<String>, Make); 3] = [
        ("HTTPS_PROXY", https, Proxy::https),
        ("HTTP_PROXY", http, Proxy::http),
        ("ALL_PROXY", all, Proxy::all),
    ];
    for (variable, value, make) in variables {
        if let Some(value) = value {
            let proxy = make(with_scheme(&value)).map_err(|e| {
                Error::config(proxy_error(&format!("environment variable {variable}"), &e))
            })?;
            proxies.push(proxy.no_proxy(NoProxy::from_string(&bypass)));
        }
    }
    Ok(Some(proxies))
}

fn first_env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|value| value.trim().to_string())
        .find(|value| !value.is_empty())
}

/// `proxy.corp:3128` as curl reads it: `http://proxy.corp:3128`.
fn with_scheme(value: &str) -> String {
    if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    }
}

fn bypass_list<'a>(entries: impl Iterator<Item = &'a str>) -> String {
    let mut list: Vec<&str> = entries.map(str::trim).filter(|e| !e.is_empty()).collect();
    list.push(LOOPBACK);
    list.join(",")
}

/// reqwest's message about a proxy URL; the URL itself (and any password in it) is left out.
fn proxy_error(source: &str, error: &reqwest::Error) -> String {
    let mut cause = error.to_string();
    let mut next = std::error::Error::source(error);
    while let Some(inner) = next {
        cause = inner.to_string();
        next = inner.source();
    }
    format!("the proxy of {source} cannot be used ({cause}); give it as http://host:port")
}

fn read_bundle(path: &str) -> Result<Vec<Certificate>> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::config(format!(
            "configuration field `http.ca_bundle_file`: cannot read {path}: {e}"
        ))
    })?;
    let certificates = Certificate::from_pem_bundle(&pem).map_err(|e| {
        Error::config(format!(
            "configuration field `http.ca_bundle_file`: {path} is not a PEM file of \
             certificates ({e})"
        ))
    })?;
    if certificates.is_empty() {
        return Err(Error::config(format!(
            "configuration field `http.ca_bundle_file`: {path} holds no certificate (expected \
             -----BEGIN CERTIFICATE----- blocks)"
        )));
    }
    Ok(certificates)
}

/// A hint for a failed TLS handshake, from the innermost cause of the error: what to change
/// when the certificate is not trusted.
pub fn tls_hint(cause: &str) -> Option<&'static str> {
    let lower = cause.to_ascii_lowercase();
    if lower.contains("unknownissuer")
        || lower.contains("unknown issuer")
        || lower.contains("invalid peer certificate")
        || lower.contains("certificate verify failed")
    {
        Some(
            "the server's TLS certificate is not trusted; if a proxy inspects TLS, add its CA \
             certificate to `http.ca_bundle_file` (PEM), or install it in the system's trust \
             store",
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_always_bypassed() {
        let list = bypass_list(["corp.example", " "].into_iter());
        assert_eq!(list, "corp.example,127.0.0.0/8,::1,localhost");
    }

    #[test]
    fn bare_host_port_gets_a_scheme() {
        assert_eq!(with_scheme("proxy:3128"), "http://proxy:3128");
        assert_eq!(with_scheme("https://proxy:3128"), "https://proxy:3128");
    }

    #[test]
    fn untrusted_certificates_get_a_hint() {
        assert!(tls_hint("invalid peer certificate: UnknownIssuer").is_some());
        assert!(tls_hint("connection refused").is_none());
    }
}
