//! HTTP for the sign-in endpoints (discovery, keys, code exchange). A client of its own, apart
//! from the sync's: sign-ins must not wait behind the sync's request pacing, nor retry for
//! minutes, and a code exchange must never be sent twice (a code works once).

use std::sync::OnceLock;
use std::time::Duration;

use super::refusal::{refuse, Failure, Reason};
use crate::config::HttpConfig;
use crate::error::Error;
use crate::google::network::{tls_hint, Network};

/// One answer of a sign-in endpoint.
pub struct Fetched {
    pub status: u16,
    pub body: Vec<u8>,
    /// `Cache-Control: max-age`, when the answer has one (and no `no-store`).
    pub max_age: Option<Duration>,
}

/// A lazily built HTTP client: a connector that never signs anyone in never starts one.
pub struct Fetcher {
    client: OnceLock<reqwest::blocking::Client>,
    timeout: Duration,
    /// Proxy and trusted CAs, the same as the sync's (`http.proxy`, `http.ca_bundle_file`).
    http: HttpConfig,
}

impl Fetcher {
    pub fn new(timeout: Duration, http: &HttpConfig) -> Fetcher {
        Fetcher {
            client: OnceLock::new(),
            timeout,
            http: http.clone(),
        }
    }

    fn client(&self) -> Result<&reqwest::blocking::Client, Failure> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = Network::from_config(&self.http)?
            .builder()
            .connect_timeout(self.timeout)
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::config(format!("cannot set up the HTTP client: {e}")))?;
        // Two threads may both build one; either is fine.
        Ok(self.client.get_or_init(|| client))
    }

    pub fn get(&self, url: &url::Url, what: &str) -> Result<Fetched, Failure> {
        let request = self.client()?.get(url.clone());
        self.send(request, url, what)
    }

    /// A form POST. The form may hold secrets (code, verifier, client secret); it is never
    /// logged, and the request is never repeated.
    pub fn post_form(
        &self,
        url: &url::Url,
        form: &[(&str, &str)],
        what: &str,
    ) -> Result<Fetched, Failure> {
        let request = self.client()?.post(url.clone()).form(form);
        self.send(request, url, what)
    }

    fn send(
        &self,
        request: reqwest::blocking::RequestBuilder,
        url: &url::Url,
        what: &str,
    ) -> Result<Fetched, Failure> {
        let started = std::time::Instant::now();
        let response = match request.send() {
            Ok(response) => response,
            Err(e) => return unreachable(url, what, &e),
        };
        let status = response.status().as_u16();
        let max_age = response
            .headers()
            .get(reqwest::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(max_age);
        let body = match response.bytes() {
            Ok(body) => body.to_vec(),
            Err(e) => return unreachable(url, what, &e),
        };
        log::debug!(
            "{what}: {} {} -> {status} ({} bytes, {} ms)",
            url.host_str().unwrap_or_default(),
            url.path(),
            body.len(),
            started.elapsed().as_millis()
        );
        if status >= 500 {
            return refuse(
                Reason::GoogleUnavailable,
                format!(
                    "{what}: {} answered HTTP {status}; try again in a moment",
                    url.host_str().unwrap_or_default()
                ),
            );
        }
        Ok(Fetched {
            status,
            body,
            max_age,
        })
    }
}

fn unreachable<T>(url: &url::Url, what: &str, error: &reqwest::Error) -> Result<T, Failure> {
    let mut cause = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    let hint = tls_hint(&cause);
    let how = if hint.is_some() {
        "failed its TLS handshake"
    } else if error.is_timeout() {
        "timed out (see `oidc.timeout_secs`)"
    } else if error.is_connect() {
        "could not connect (check the network, the proxy and the firewall)"
    } else {
        "failed"
    };
    // The URL of a sign-in request holds no secret (the form is in the body), but reqwest's
    // own text is left out all the same: only its innermost cause is kept.
    let host = url.host_str().unwrap_or_default();
    let message = if cause.is_empty() {
        format!("{what}: the request to {host} {how}")
    } else if let Some(hint) = hint {
        format!("{what}: the request to {host} {how}: {cause}: {hint}")
    } else {
        format!("{what}: the request to {host} {how}: {cause}")
    };
    refuse(Reason::GoogleUnavailable, message)
}

/// The `max-age` of a `Cache-Control` header; `no-store` and `no-cache` mean zero.
pub fn max_age(header: &str) -> Option<Duration> {
    let mut age = None;
    for directive in header.split(',') {
        let directive = directive.trim();
        let lower = directive.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(Duration::ZERO);
        }
        if let Some(value) = lower.strip_prefix("max-age=") {
            age = value
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_googles_header() {
        assert_eq!(
            max_age("public, max-age=21600, must-revalidate, no-transform"),
            Some(Duration::from_secs(21600))
        );
        assert_eq!(max_age("private"), None);
        assert_eq!(max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(max_age("Max-Age=\"60\""), Some(Duration::from_secs(60)));
    }
}
