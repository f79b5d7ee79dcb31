//! The authorization-code grant of sign-in: client authentication (form or HTTP Basic), the
//! single-use code, the redirect URI it was issued for, PKCE, and the ID token.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use super::errors::OAuthError;
use super::store::Grant;
use crate::oidc::id_token::{self, Claims};
use crate::oidc::{self, codes::PendingCode};
use crate::state::Shared;

pub(crate) fn exchange(
    shared: &Shared,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Value, OAuthError> {
    let (client_id, client_secret) = client_credentials(headers, form)?;
    {
        let live = shared.read();
        let client = live
            .tenant
            .oauth_client(&client_id)
            .ok_or_else(|| OAuthError::invalid_client("The OAuth client was not found."))?;
        if client.client_secret != client_secret {
            return Err(OAuthError::invalid_client("Unauthorized"));
        }
    }

    let code = form
        .get("code")
        .filter(|code| !code.is_empty())
        .ok_or_else(|| OAuthError::missing_parameter("code"))?;
    let now = shared.clock.now();
    let pending = shared
        .oidc
        .codes
        .redeem(code, now)
        .filter(|pending| pending.client_id == client_id)
        .ok_or_else(|| OAuthError::invalid_grant("Bad Request"))?;
    let redirect_uri = form
        .get("redirect_uri")
        .ok_or_else(|| OAuthError::missing_parameter("redirect_uri"))?;
    if *redirect_uri != pending.redirect_uri {
        return Err(OAuthError::redirect_uri_mismatch());
    }
    check_pkce(&pending, form.get("code_verifier"))?;

    issue(shared, &pending, now)
}

/// The access token, and the ID token when `openid` was granted.
fn issue(shared: &Shared, pending: &PendingCode, now: i64) -> Result<Value, OAuthError> {
    let lifetime = shared.token_lifetime_secs();
    let grant = Grant {
        subject_id: pending.identity.user_id.clone(),
        subject_email: Some(pending.identity.email.clone()),
        scopes: pending.scopes.clone(),
        expires_at: now + lifetime as i64,
    };
    let access_token = shared.tokens.issue(grant, now);
    let mut body = json!({
        "access_token": access_token,
        "expires_in": lifetime,
        "scope": oidc::expand_scopes(&pending.scopes).join(" "),
        "token_type": "Bearer",
    });

    if pending.scopes.iter().any(|scope| scope == "openid") {
        let claims = Claims {
            issuer: &shared.base_url,
            client_id: &pending.client_id,
            identity: &pending.identity,
            nonce: pending.nonce.as_deref(),
            access_token: Some(&access_token),
            issued_at: now,
            lifetime_secs: id_token::LIFETIME_SECS,
        }
        .to_map();
        let id_token = shared
            .oidc
            .with_keys(|keys| keys.sign(&claims, None))
            .map_err(|_| OAuthError::transient(500))?;
        body["id_token"] = json!(id_token);
    }
    Ok(body)
}

/// The client id and secret from HTTP Basic (form-encoded parts) or from the form.
fn client_credentials(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<(String, String), OAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "));
    if let Some(encoded) = basic {
        let decoded = STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| OAuthError::invalid_client("Malformed HTTP Basic credentials"))?;
        let (id, secret) = decoded
            .split_once(':')
            .ok_or_else(|| OAuthError::invalid_client("Malformed HTTP Basic credentials"))?;
        let unescape = |text: &str| {
            form_urlencoded::parse(format!("x={text}").as_bytes())
                .next()
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default()
        };
        return Ok((unescape(id), unescape(secret)));
    }
    let client_id = form
        .get("client_id")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            OAuthError::invalid_request("Could not determine client ID from request.")
        })?;
    let client_secret = form.get("client_secret").cloned().unwrap_or_default();
    Ok((client_id.clone(), client_secret))
}

fn check_pkce(pending: &PendingCode, verifier: Option<&String>) -> Result<(), OAuthError> {
    let Some(challenge) = &pending.challenge else {
        return Ok(());
    };
    let verifier = verifier
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::invalid_grant("Missing code verifier."))?;
    if challenge.verifies(verifier) {
        Ok(())
    } else {
        Err(OAuthError::invalid_grant("Invalid code verifier."))
    }
}
