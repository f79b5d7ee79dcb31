//! The JWT-bearer grant of a service account with domain-wide delegation: check the assertion
//! the way Google does, in the order that decides which error a broken setup sees.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::errors::OAuthError;
use super::store::Grant;
use crate::scopes;
use crate::state::Live;
use crate::tenant::{AccountState, ServiceAccount};

/// The audience Google's libraries put in every assertion, whatever the key file's token_uri.
pub const GOOGLE_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// How far `iat` may lie in the future and `exp` in the past, for clocks slightly apart.
pub const CLOCK_SKEW_SECS: i64 = 120;

/// Longest lifetime an assertion may ask for.
const MAX_ASSERTION_SECS: i64 = 3600;

#[derive(Debug, Deserialize)]
struct Claims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<serde_json::Value>,
    scope: Option<String>,
    iat: Option<f64>,
    exp: Option<f64>,
}

/// What a valid assertion asks for.
pub(crate) struct Request<'a> {
    pub assertion: &'a str,
    pub now: i64,
    /// This emulator's own token URI, accepted as audience too.
    pub own_token_uri: &'a str,
    pub lifetime_secs: u64,
}

pub(crate) fn grant(live: &Live, request: &Request<'_>) -> Result<Grant, OAuthError> {
    let header = jsonwebtoken::decode_header(request.assertion).map_err(|_| {
        OAuthError::invalid_request(
            "Invalid assertion: expected a JWT of three base64url parts (header.claims.signature)",
        )
    })?;
    let claims: Claims = jsonwebtoken::dangerous::insecure_decode_claims(request.assertion)
        .map_err(|_| OAuthError::invalid_request("Invalid assertion: the claims are not JSON"))?;

    let issuer = claims.iss.as_deref().unwrap_or_default();
    let account = live
        .tenant
        .service_account(issuer)
        .ok_or_else(OAuthError::account_not_found)?;
    match account.state {
        AccountState::Active => {}
        AccountState::Disabled => return Err(OAuthError::disabled_client()),
        AccountState::Deleted => return Err(OAuthError::deleted_client()),
    }
    if header.alg != Algorithm::RS256 || !signed_by(account, header.kid.as_deref(), request) {
        return Err(OAuthError::bad_signature());
    }

    let audience_ok = match &claims.aud {
        Some(serde_json::Value::String(aud)) => {
            aud == GOOGLE_TOKEN_URI || aud == request.own_token_uri
        }
        _ => false,
    };
    if !audience_ok {
        return Err(OAuthError::bad_audience());
    }
    check_times(&claims, request.now)?;

    let requested: Vec<String> = claims
        .scope
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if requested.is_empty() || !requested.iter().all(|scope| scopes::is_known(scope)) {
        return Err(OAuthError::invalid_scope());
    }

    let subject_id = match claims.sub.as_deref() {
        None => None,
        Some(subject) => {
            let user = live
                .index
                .user(&live.tenant, subject)
                .ok_or_else(OAuthError::unknown_subject)?;
            check_delegation(live, account, &requested)?;
            Some(user.id.clone())
        }
    };

    Ok(Grant {
        subject_id,
        subject_email: None,
        scopes: requested,
        expires_at: request.now + request.lifetime_secs as i64,
    })
}

/// Whether one of the account's live keys (the one named by `kid`, if given) signed it.
fn signed_by(account: &ServiceAccount, kid: Option<&str>, request: &Request<'_>) -> bool {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();

    account
        .keys
        .iter()
        .filter(|key| kid.is_none_or(|kid| kid == key.key_id))
        .filter(|key| !account.revoked_key_ids.contains(&key.key_id))
        .filter_map(|key| DecodingKey::from_rsa_pem(key.public_key_pem.as_bytes()).ok())
        .any(|key| {
            jsonwebtoken::decode::<serde_json::Value>(request.assertion, &key, &validation).is_ok()
        })
}

fn check_times(claims: &Claims, now: i64) -> Result<(), OAuthError> {
    let (Some(iat), Some(exp)) = (claims.iat, claims.exp) else {
        return Err(OAuthError::bad_time());
    };
    let (iat, exp) = (iat as i64, exp as i64);
    let short_lived = exp > iat && exp - iat <= MAX_ASSERTION_SECS;
    let current = iat <= now + CLOCK_SKEW_SECS && exp >= now - CLOCK_SKEW_SECS;
    if short_lived && current {
        Ok(())
    } else {
        Err(OAuthError::bad_time())
    }
}

/// Domain-wide delegation must list the account's numeric client id with every scope asked.
fn check_delegation(
    live: &Live,
    account: &ServiceAccount,
    requested: &[String],
) -> Result<(), OAuthError> {
    let Some(delegated) = live.tenant.delegations.get(&account.client_id) else {
        return Err(OAuthError::unauthorized_client());
    };
    let covered = requested.iter().filter(|s| delegated.contains(s)).count();
    if covered == requested.len() {
        Ok(())
    } else if covered == 0 {
        Err(OAuthError::unauthorized_client_or_scope())
    } else {
        Err(OAuthError::access_denied())
    }
}
