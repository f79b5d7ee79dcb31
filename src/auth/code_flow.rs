//! The authorization-code flow: the URL the host sends the browser to (with `state`, `nonce`
//! and a PKCE S256 challenge it keeps for the callback), and the exchange of the code Google
//! sends back for an ID token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::discovery::Discovery;
use super::fetch::Fetcher;
use super::refusal::{refuse, Failure, Reason};
use super::request::Secret;
use crate::config::OidcConfig;
use crate::error::{Error, ErrorKind};

/// What the host must keep between sending the browser away and the callback.
pub struct AuthorizationStart {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub code_verifier: Secret,
}

impl AuthorizationStart {
    pub fn to_json(&self) -> String {
        json!({
            "url": self.url,
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier.expose(),
        })
        .to_string()
    }
}

/// 32 random bytes, base64url: 43 characters, the shortest PKCE verifier allowed.
fn random_token() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| Error::internal("the system's random number generator failed"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The PKCE S256 challenge of a verifier (RFC 7636): base64url of its SHA-256.
pub fn challenge(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

pub fn authorization_url(
    oidc: &OidcConfig,
    discovery: &Discovery,
    redirect_uri: &str,
    login_hint: Option<&str>,
    hd: Option<&str>,
) -> Result<AuthorizationStart, Error> {
    if !redirect_allowed(oidc, redirect_uri) {
        return Err(Error::config(redirect_message(oidc, redirect_uri)));
    }
    let state = random_token()?;
    let nonce = random_token()?;
    let code_verifier = Secret::new(random_token()?);

    let mut url = discovery.authorization_endpoint.clone();
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("client_id", &oidc.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid email profile")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge(code_verifier.expose()))
            .append_pair("code_challenge_method", "S256");
        if let Some(hint) = login_hint.filter(|h| !h.is_empty()) {
            query.append_pair("login_hint", hint);
        }
        if let Some(hd) = hd.filter(|h| !h.is_empty()) {
            query.append_pair("hd", hd);
        }
    }
    Ok(AuthorizationStart {
        url: url.into(),
        state,
        nonce,
        code_verifier,
    })
}

/// Whether `requested` is one of `oidc.redirect_uris`. Compared exactly, as Google does,
/// except that a loopback address may use any port (RFC 8252, 7.3): a local program listens
/// wherever a port is free.
pub fn redirect_allowed(oidc: &OidcConfig, requested: &str) -> bool {
    oidc.redirect_uris
        .iter()
        .any(|registered| registered == requested || same_loopback(registered, requested))
}

fn same_loopback(registered: &str, requested: &str) -> bool {
    let (Ok(a), Ok(b)) = (url::Url::parse(registered), url::Url::parse(requested)) else {
        return false;
    };
    let loopback = |u: &url::Url| {
        u.scheme() == "http"
            && matches!(
                u.host(),
                Some(url::Host::Ipv4(ip)) if ip.is_loopback()
            )
            || u.scheme() == "http"
                && matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
    };
    loopback(&a)
        && loopback(&b)
        && a.host() == b.host()
        && a.path() == b.path()
        && a.query() == b.query()
        && a.username().is_empty()
        && b.username().is_empty()
        && b.fragment().is_none()
}

fn redirect_message(oidc: &OidcConfig, requested: &str) -> String {
    format!(
        "redirect URI \"{requested}\" is not in `oidc.redirect_uris` ({}); add it there and to \
         the OAuth client's authorized redirect URIs in the Google Cloud console (APIs & \
         Services > Credentials)",
        if oidc.redirect_uris.is_empty() {
            "which is empty".to_string()
        } else {
            oidc.redirect_uris.join(", ")
        }
    )
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    id_token: Option<Secret>,
}

#[derive(Deserialize, Default)]
struct TokenError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Exchanges `code` at the token endpoint and returns the ID token. Sent once: a code works
/// once, so a repeat could only fail.
pub fn exchange(
    oidc: &OidcConfig,
    discovery: &Discovery,
    fetcher: &Fetcher,
    code: &Secret,
    redirect_uri: &str,
    code_verifier: &Secret,
) -> Result<Secret, Failure> {
    if !redirect_allowed(oidc, redirect_uri) {
        return refuse(
            Reason::RedirectUriNotAllowed,
            redirect_message(oidc, redirect_uri),
        );
    }
    let Some(client_secret) = oidc.client_secret.as_deref().filter(|s| !s.is_empty()) else {
        return Err(Error::config(
            "configuration field `oidc.client_secret` is missing; exchanging an authorization \
             code needs the OAuth client's secret (Google Cloud console > APIs & Services > \
             Credentials)",
        )
        .into());
    };
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.expose()),
        ("redirect_uri", redirect_uri),
        ("client_id", oidc.client_id.as_str()),
        ("client_secret", client_secret),
        ("code_verifier", code_verifier.expose()),
    ];
    let what = "exchanging the authorization code";
    let answer = fetcher.post_form(&discovery.token_endpoint, &form, what)?;
    if answer.status == 200 {
        let parsed: TokenAnswer = serde_json::from_slice(&answer.body).map_err(|_| {
            super::refusal::Refusal::new(
                Reason::CodeExchangeFailed,
                format!("{what}: the token endpoint's answer is not JSON"),
            )
        })?;
        return match parsed.id_token {
            Some(id_token) if !id_token.is_empty() => Ok(id_token),
            _ => refuse(
                Reason::CodeExchangeFailed,
                format!(
                    "{what}: Google sent no ID token; the authorization request must ask for \
                     the `openid` scope"
                ),
            ),
        };
    }

    let error: TokenError = serde_json::from_slice(&answer.body).unwrap_or_default();
    let said: String = format!("{} {}", error.error, error.error_description)
        .trim()
        .chars()
        .take(200)
        .collect();
    match error.error.as_str() {
        "invalid_client" | "unauthorized_client" => Err(Error::new(
            ErrorKind::Authorization,
            format!(
                "{what}: Google refused OAuth client {} (HTTP {}: {said}); check \
                 `oidc.client_id` and `oidc.client_secret` against the Google Cloud console \
                 (APIs & Services > Credentials)",
                oidc.client_id, answer.status
            ),
        )
        .into()),
        "redirect_uri_mismatch" => refuse(
            Reason::CodeExchangeFailed,
            format!(
                "{what}: Google says the redirect URI does not match the one the code was \
                 issued for (HTTP {}: {said}); pass the same `redirect_uri` as in the \
                 authorization request",
                answer.status
            ),
        ),
        _ => refuse(
            Reason::CodeExchangeFailed,
            format!(
                "{what}: Google refused the code (HTTP {}: {said}); a code works once and for a \
                 few minutes, and only with the code_verifier of its own authorization request: \
                 start the sign-in again",
                answer.status
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oidc(uris: &[&str]) -> OidcConfig {
        serde_json::from_value(json!({"client_id": "c", "redirect_uris": uris})).unwrap()
    }

    #[test]
    fn pkce_challenge_matches_rfc_7636_example() {
        // Appendix B of RFC 7636.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn redirect_uris_match_exactly_or_on_loopback_with_any_port() {
        let oidc = oidc(&[
            "https://archive.example.com/oidc/callback",
            "http://127.0.0.1/callback",
        ]);
        assert!(redirect_allowed(
            &oidc,
            "https://archive.example.com/oidc/callback"
        ));
        assert!(!redirect_allowed(
            &oidc,
            "https://archive.example.com/oidc/callback/"
        ));
        assert!(!redirect_allowed(
            &oidc,
            "https://archive.example.com:8443/oidc/callback"
        ));
        assert!(redirect_allowed(&oidc, "http://127.0.0.1:53117/callback"));
        assert!(!redirect_allowed(&oidc, "http://127.0.0.1:53117/other"));
        assert!(!redirect_allowed(
            &oidc,
            "http://evil.example:53117/callback"
        ));
    }

    #[test]
    fn random_values_are_long_and_fresh() {
        let a = random_token().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token().unwrap());
    }
}
