//! Sign-in with Google (OpenID Connect): discovery, the JWKS with rotating keys, the
//! authorization endpoint, userinfo, and the state the code exchange at `/token` shares.

mod authorize;
pub(crate) mod codes;
pub(crate) mod id_token;
pub(crate) mod identity;
pub(crate) mod keys;
mod mint;

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::http::{self, Reply};
use crate::locks;
use crate::state::Shared;
use codes::CodeStore;
use identity::Identity;
use keys::SigningKeys;

pub(crate) struct OidcState {
    /// Made on first use, so emulators that never sign anyone in skip two RSA key pairs.
    keys: Mutex<Option<SigningKeys>>,
    pub codes: CodeStore,
    jwks_max_age_secs: AtomicU64,
}

impl OidcState {
    pub fn new(jwks_max_age_secs: u64) -> OidcState {
        OidcState {
            keys: Mutex::new(None),
            codes: CodeStore::default(),
            jwks_max_age_secs: AtomicU64::new(jwks_max_age_secs),
        }
    }

    /// Runs `f` on the signing keys, making them first if needed.
    pub fn with_keys<R>(&self, f: impl FnOnce(&mut SigningKeys) -> R) -> io::Result<R> {
        let mut keys = locks::lock(&self.keys);
        if keys.is_none() {
            *keys = Some(SigningKeys::generate()?);
        }
        Ok(f(keys.as_mut().expect("the keys were just made")))
    }

    pub fn jwks_max_age_secs(&self) -> u64 {
        self.jwks_max_age_secs.load(Ordering::Relaxed)
    }

    pub fn set_jwks_max_age_secs(&self, secs: u64) {
        self.jwks_max_age_secs.store(secs, Ordering::Relaxed);
    }
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/oauth2/v3/certs", get(jwks))
        .route("/o/oauth2/v2/auth", get(authorize::authorize))
        .route("/o/oauth2/auth", get(authorize::authorize))
        .route("/v1/userinfo", get(userinfo))
        .route("/oauth2/v3/userinfo", get(userinfo))
}

/// Google's short OpenID scopes, as the token endpoint reports them back.
pub(crate) fn expand_scopes(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .map(|scope| match scope.as_str() {
            "email" => "https://www.googleapis.com/auth/userinfo.email".to_string(),
            "profile" => "https://www.googleapis.com/auth/userinfo.profile".to_string(),
            other => other.to_string(),
        })
        .collect()
}

async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    shared.stats.request("oidc.discovery");
    let base = &shared.base_url;
    let document = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/o/oauth2/v2/auth"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/v1/userinfo"),
        "jwks_uri": format!("{base}/oauth2/v3/certs"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": [
            "aud", "email", "email_verified", "exp", "family_name", "given_name", "hd", "iat",
            "iss", "name", "nonce", "sub", "azp", "at_hash"
        ],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": [
            "authorization_code",
            "urn:ietf:params:oauth:grant-type:jwt-bearer"
        ],
    });
    Reply::json(StatusCode::OK, &document)
        .header(header::CACHE_CONTROL, "public, max-age=3600")
        .into_response(None)
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    shared.stats.request("oidc.jwks");
    let body = match shared.oidc.with_keys(|keys| keys.jwks()) {
        Ok(body) => body,
        Err(error) => {
            log::error!("could not make ID-token signing keys: {error}");
            return Reply::json(StatusCode::INTERNAL_SERVER_ERROR, &json!({})).into_response(None);
        }
    };
    let mut reply = Reply::json(StatusCode::OK, &body);
    let cache = format!(
        "public, max-age={}, must-revalidate, no-transform",
        shared.oidc.jwks_max_age_secs()
    );
    if let Ok(value) = HeaderValue::from_str(&cache) {
        reply.headers.insert(header::CACHE_CONTROL, value);
    }
    reply.into_response(None)
}

/// The signed-in account's profile, for an access token from the code exchange.
async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    shared.stats.request("oidc.userinfo");
    let token = http::bearer_token(&headers);
    let grant = token.and_then(|token| shared.tokens.check(token, shared.clock.now()));
    let identity = grant.and_then(|grant| {
        let live = shared.read();
        match (&grant.subject_id, &grant.subject_email) {
            (Some(id), _) => Identity::resolve(&live, id).ok(),
            (None, Some(email)) => Some(Identity::personal(email)),
            (None, None) => None,
        }
    });
    match identity {
        Some(identity) => {
            Reply::json(StatusCode::OK, &identity.profile_claims().into()).into_response(None)
        }
        None => Reply::json(
            StatusCode::UNAUTHORIZED,
            &json!({
                "error": "invalid_request",
                "error_description": "Invalid Credentials"
            }),
        )
        .header(
            header::WWW_AUTHENTICATE,
            "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
        )
        .into_response(None),
    }
}
