//! The service-account key file and the JWT-bearer assertion made from it.

use std::fmt;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The audience Google's own libraries put in every assertion, whatever the `token_uri`.
pub const ASSERTION_AUDIENCE: &str = "https://oauth2.googleapis.com/token";
pub const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// The longest lifetime Google accepts for an assertion.
const ASSERTION_LIFETIME_SECS: u64 = 3600;

/// The fields of a key file the connector uses. The private key stays inside `signing_key`
/// and is never printed: `Debug` leaves it out.
#[derive(Clone)]
pub struct ServiceAccount {
    pub client_email: String,
    pub client_id: String,
    pub private_key_id: String,
    pub token_uri: String,
    pub project_id: Option<String>,
    signing_key: EncodingKey,
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_email", &self.client_email)
            .field("client_id", &self.client_id)
            .field("private_key_id", &self.private_key_id)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct KeyFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    project_id: Option<String>,
    private_key_id: Option<String>,
    private_key: Option<String>,
    client_email: Option<String>,
    client_id: Option<String>,
    token_uri: Option<String>,
    universe_domain: Option<String>,
}

/// The claims of the assertion, in the order Google's library writes them.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AssertionClaims {
    pub iat: u64,
    pub exp: u64,
    pub iss: String,
    pub aud: String,
    pub scope: String,
    pub sub: String,
}

impl ServiceAccount {
    /// Reads a key file from disk. `origin` names where the path came from, for errors.
    pub fn from_file(path: &str) -> Result<ServiceAccount> {
        if path.trim_start().starts_with('{') {
            return Err(Error::credentials(
                "`key_file` holds what looks like the key file's content, not its path: put the \
                 path in `key_file`, or the content in `key`",
            ));
        }
        let shown_path = crate::config::shown(path);
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::credentials(format!(
                "cannot read the service-account key file {shown_path}: {e}; check `key_file` \
                 (a relative path is taken from the program's working directory) and the \
                 file's permissions"
            ))
        })?;
        Self::from_json(&text).map_err(|e| e.context(format!("key file {shown_path}")))
    }

    /// Parses the JSON of a key file, as Google issues it.
    pub fn from_json(text: &str) -> Result<ServiceAccount> {
        let file: KeyFile = serde_json::from_str(text).map_err(|e| {
            Error::credentials(format!(
                "the service-account key is not valid JSON ({}); download a new JSON key for \
                 the service account in the Google Cloud console",
                describe_json_error(&e)
            ))
        })?;
        if let Some(kind) = &file.kind {
            if kind != "service_account" {
                return Err(Error::credentials(format!(
                    "the key has \"type\": {}, not \"service_account\"; create a key for a \
                     service account (IAM > Service accounts > Keys > Add key > JSON)",
                    crate::config::shown(kind)
                )));
            }
        }
        if let Some(universe) = &file.universe_domain {
            if universe != "googleapis.com" {
                return Err(Error::credentials(format!(
                    "the key belongs to the universe {}; domain-wide delegation works only in \
                     googleapis.com",
                    crate::config::shown(universe)
                )));
            }
        }
        let client_email = required(file.client_email, "client_email")?;
        let private_key = required(file.private_key, "private_key")?;
        let token_uri = file
            .token_uri
            .unwrap_or_else(|| DEFAULT_TOKEN_URI.to_string());
        let signing_key = EncodingKey::from_rsa_pem(private_key.as_bytes()).map_err(|_| {
            Error::credentials(
                "the key's `private_key` is not an RSA private key in PEM form (PKCS#8 \
                 \"BEGIN PRIVATE KEY\" or PKCS#1 \"BEGIN RSA PRIVATE KEY\"); download a new JSON \
                 key",
            )
        })?;
        Ok(ServiceAccount {
            client_email,
            client_id: file.client_id.unwrap_or_default(),
            private_key_id: file.private_key_id.unwrap_or_default(),
            token_uri,
            project_id: file.project_id,
            signing_key,
        })
    }

    /// The claims of an assertion acting as `subject` for `scopes` at time `now` (Unix
    /// seconds).
    pub fn assertion_claims(&self, subject: &str, scopes: &[&str], now: u64) -> AssertionClaims {
        AssertionClaims {
            iat: now,
            exp: now + ASSERTION_LIFETIME_SECS,
            iss: self.client_email.clone(),
            aud: ASSERTION_AUDIENCE.to_string(),
            scope: scopes.join(" "),
            sub: subject.to_string(),
        }
    }

    /// A signed RS256 assertion for the JWT-bearer grant. The result is a secret.
    pub fn assertion(&self, subject: &str, scopes: &[&str], now: u64) -> Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some("JWT".to_string());
        if !self.private_key_id.is_empty() {
            header.kid = Some(self.private_key_id.clone());
        }
        let claims = self.assertion_claims(subject, scopes, now);
        jsonwebtoken::encode(&header, &claims, &self.signing_key).map_err(|e| {
            Error::credentials(format!("cannot sign the token request with the key: {e}"))
        })
    }
}

fn required(value: Option<String>, field: &str) -> Result<String> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(Error::credentials(format!(
            "the service-account key has no `{field}`; it is not a complete key file from \
             Google: download a new JSON key"
        ))),
    }
}

/// serde_json's message without quoting the input, which could hold the private key.
fn describe_json_error(e: &serde_json::Error) -> String {
    format!(
        "{:?} error at line {} column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/data/service_account.json");

    #[test]
    fn loads_pkcs1_key_and_fields() {
        let account = ServiceAccount::from_json(FIXTURE).unwrap();
        assert_eq!(account.client_email, "service-account@example.com");
        assert_eq!(account.private_key_id, "1");
        assert_eq!(account.client_id, "1234");
    }

    #[test]
    fn debug_never_prints_the_key() {
        let account = ServiceAccount::from_json(FIXTURE).unwrap();
        let printed = format!("{account:?}");
        assert!(!printed.contains("PRIVATE"));
        assert!(!printed.contains("MII"));
    }

    #[test]
    fn wrong_type_is_explained() {
        let err = ServiceAccount::from_json(r#"{"type": "authorized_user"}"#).unwrap_err();
        assert!(err.message().contains("authorized_user"), "{err}");
    }

    #[test]
    fn key_material_in_the_wrong_field_is_not_quoted() {
        // Found by the key_file fuzz target: a key pasted into "type" was echoed.
        let text =
            r#"{"type": "servi-eliS5qQpgyDap+8b5fpXZVJkq92/FY -----BEGIN RSA PRIVATE KEY-----"}"#;
        let err = ServiceAccount::from_json(text).unwrap_err();
        assert!(!err.message().contains("BEGIN RSA"), "{err}");
        assert!(err.message().contains("service_account"), "{err}");
        let text =
            r#"{"universe_domain": "MIIEpAIBAAKCAQEA4ej0p7bQ7L/r4rVGUz9RN4VQWoej1Bg1mYWIDYsl"}"#;
        let err = ServiceAccount::from_json(text).unwrap_err();
        assert!(!err.message().contains("MIIEp"), "{err}");
    }

    #[test]
    fn missing_fields_are_named() {
        let err = ServiceAccount::from_json(r#"{"type": "service_account", "private_key": "x"}"#)
            .unwrap_err();
        assert!(err.message().contains("client_email"), "{err}");
    }

    #[test]
    fn garbage_key_does_not_echo_input() {
        let text = r#"{"client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\nSECRETSTUFF\n-----END PRIVATE KEY-----\n"}"#;
        let err = ServiceAccount::from_json(text).unwrap_err();
        assert!(!err.message().contains("SECRETSTUFF"), "{err}");
        let err = ServiceAccount::from_json("{\"private_key\": \"SECRETSTUFF").unwrap_err();
        assert!(!err.message().contains("SECRETSTUFF"), "{err}");
    }
}
