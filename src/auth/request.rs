//! The JSON requests of `ds_authenticate` and `ds_authorization_url`, read without ever
//! echoing a value: a wrong field is named, its content (maybe a password) is not.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use zeroize::Zeroize;

use crate::error::{Error, Result};

const MAX_LOGIN: usize = 320;
const MAX_PASSWORD: usize = 1024;

/// A value that must not be logged or shown: a code, a verifier, a token, a password. Its
/// memory is wiped when it is dropped.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// What a host asks `ds_authenticate` to check.
#[derive(Debug)]
pub enum SignInRequest {
    /// The code Google sent to the redirect URI, to exchange at the token endpoint.
    Code {
        code: Secret,
        redirect_uri: String,
        code_verifier: Secret,
        nonce: String,
    },
    /// An ID token the host already holds.
    IdToken { id_token: Secret, nonce: String },
    /// A login name and an app password, checked over IMAP.
    Password { login: String, password: Secret },
}

impl SignInRequest {
    pub fn method(&self) -> &'static str {
        match self {
            SignInRequest::Code { .. } | SignInRequest::IdToken { .. } => "oidc",
            SignInRequest::Password { .. } => "app_password",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignIn {
    code: Option<Secret>,
    redirect_uri: Option<String>,
    code_verifier: Option<Secret>,
    id_token: Option<Secret>,
    nonce: Option<String>,
    login: Option<String>,
    password: Option<Secret>,
}

/// What a host asks `ds_authorization_url` for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationRequest {
    pub redirect_uri: String,
    #[serde(default)]
    pub login_hint: Option<String>,
    #[serde(default)]
    pub hd: Option<String>,
}

impl AuthorizationRequest {
    pub fn from_json(json: &str) -> Result<AuthorizationRequest> {
        parse(json, "request_json")
    }
}

impl SignInRequest {
    pub fn from_json(json: &str) -> Result<SignInRequest> {
        let raw: RawSignIn = parse(json, "request_json")?;
        let kinds = [
            raw.code.is_some(),
            raw.id_token.is_some(),
            raw.login.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Err(Error::invalid_argument(
                "`request_json` must hold exactly one of `code` (with `redirect_uri`, \
                 `code_verifier` and `nonce`), `id_token` (with `nonce`) or `login` (with \
                 `password`)",
            ));
        }
        let stray = |name: &str, present: bool, method: &str| {
            if present {
                Err(Error::invalid_argument(format!(
                    "`request_json` has `{name}`, which a sign-in with `{method}` does not take"
                )))
            } else {
                Ok(())
            }
        };
        let required = |name: &str, value: Option<&str>, method: &str| match value {
            Some(v) if !v.is_empty() => Ok(()),
            _ => Err(Error::invalid_argument(format!(
                "`request_json` lacks `{name}`, which a sign-in with `{method}` needs{}",
                match name {
                    "nonce" => "; pass the nonce that went into the authorization request",
                    "code_verifier" => "; pass the one ds_authorization_url returned",
                    _ => "",
                }
            ))),
        };

        if let Some(code) = raw.code {
            required("redirect_uri", raw.redirect_uri.as_deref(), "code")?;
            required(
                "code_verifier",
                raw.code_verifier.as_ref().map(Secret::expose),
                "code",
            )?;
            required("nonce", raw.nonce.as_deref(), "code")?;
            stray("password", raw.password.is_some(), "code")?;
            if code.is_empty() {
                return Err(Error::invalid_argument("`code` in `request_json` is empty"));
            }
            return Ok(SignInRequest::Code {
                code,
                redirect_uri: raw.redirect_uri.unwrap_or_default(),
                code_verifier: raw.code_verifier.unwrap_or_default(),
                nonce: raw.nonce.unwrap_or_default(),
            });
        }
        if let Some(id_token) = raw.id_token {
            required("nonce", raw.nonce.as_deref(), "id_token")?;
            stray("redirect_uri", raw.redirect_uri.is_some(), "id_token")?;
            stray("code_verifier", raw.code_verifier.is_some(), "id_token")?;
            stray("password", raw.password.is_some(), "id_token")?;
            return Ok(SignInRequest::IdToken {
                id_token,
                nonce: raw.nonce.unwrap_or_default(),
            });
        }
        let login = raw.login.unwrap_or_default();
        stray("redirect_uri", raw.redirect_uri.is_some(), "login")?;
        stray("code_verifier", raw.code_verifier.is_some(), "login")?;
        stray("nonce", raw.nonce.is_some(), "login")?;
        let Some(password) = raw.password else {
            return Err(Error::invalid_argument(
                "`request_json` has `login` but no `password`",
            ));
        };
        // No address is longer than 254 characters and no app password than 16 letters (and
        // spaces); far longer values are refused here rather than sent on to Google.
        if login.chars().count() > MAX_LOGIN {
            return Err(Error::invalid_argument(format!(
                "`request_json` field `login` is longer than {MAX_LOGIN} characters; give a \
                 login name or address"
            )));
        }
        if password.expose().len() > MAX_PASSWORD {
            return Err(Error::invalid_argument(format!(
                "`request_json` field `password` is longer than {MAX_PASSWORD} bytes; an app \
                 password is 16 letters"
            )));
        }
        Ok(SignInRequest::Password { login, password })
    }
}

/// Parses JSON into `T`; errors name the field but never quote a value.
fn parse<T: DeserializeOwned>(json: &str, argument: &str) -> Result<T> {
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return Error::invalid_argument(format!(
                "`{argument}` is not valid JSON (line {}, column {})",
                inner.line(),
                inner.column()
            ));
        }
        let text = inner.to_string();
        // serde's own words are safe for unknown and missing fields (they quote field names
        // only); for wrong types they quote the value, which may be a secret.
        let detail = if text.starts_with("unknown field") || text.starts_with("missing field") {
            text.split(" at line").next().unwrap_or(&text).to_string()
        } else {
            "has the wrong type; every field is a string".to_string()
        };
        if path == "." {
            Error::invalid_argument(format!("`{argument}`: {detail}"))
        } else {
            Error::invalid_argument(format!("`{argument}` field `{path}` {detail}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_kinds_are_told_apart() {
        let code = SignInRequest::from_json(
            r#"{"code":"c","redirect_uri":"http://127.0.0.1/cb","code_verifier":"v","nonce":"n"}"#,
        )
        .unwrap();
        assert!(matches!(code, SignInRequest::Code { .. }));
        let token = SignInRequest::from_json(r#"{"id_token":"t","nonce":"n"}"#).unwrap();
        assert!(matches!(token, SignInRequest::IdToken { .. }));
        let password = SignInRequest::from_json(r#"{"login":"a","password":"p"}"#).unwrap();
        assert_eq!(password.method(), "app_password");
    }

    #[test]
    fn two_kinds_or_none_are_refused() {
        assert!(SignInRequest::from_json(r#"{"id_token":"t","login":"a"}"#).is_err());
        assert!(SignInRequest::from_json(r#"{"nonce":"n"}"#).is_err());
    }

    #[test]
    fn a_missing_nonce_is_named() {
        let err = SignInRequest::from_json(r#"{"id_token":"t"}"#).unwrap_err();
        assert!(err.message().contains("nonce"), "{err}");
    }

    #[test]
    fn values_never_appear_in_errors() {
        let err = SignInRequest::from_json(r#"{"login":"a","password":12345678}"#).unwrap_err();
        assert!(err.message().contains("password"), "{err}");
        assert!(!err.message().contains("12345678"), "{err}");
        let long = format!(r#"{{"login":"{}","password":"p"}}"#, "a".repeat(400));
        assert!(SignInRequest::from_json(&long)
            .unwrap_err()
            .message()
            .contains("login"));
        let long = format!(r#"{{"login":"a","password":"{}"}}"#, "p".repeat(2000));
        let err = SignInRequest::from_json(&long).unwrap_err();
        assert!(err.message().contains("password") && !err.message().contains("ppp"));
        let err = SignInRequest::from_json(r#"{"login":"a","pasword":"hunter2"}"#).unwrap_err();
        assert!(err.message().contains("pasword"), "{err}");
        assert!(!err.message().contains("hunter2"), "{err}");
    }

    #[test]
    fn secrets_do_not_debug_print() {
        let request = SignInRequest::from_json(r#"{"login":"a","password":"hunter2"}"#).unwrap();
        assert!(!format!("{request:?}").contains("hunter2"));
    }
}
