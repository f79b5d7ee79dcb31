//! `POST /token`: Google's OAuth 2.0 token endpoint, for the JWT-bearer grant of service
//! accounts (and, for sign-in, the authorization-code grant).

mod authorization_code;
pub(crate) mod errors;
pub(crate) mod jwt_bearer;
pub(crate) mod store;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::faults::{Endpoint, FaultKind};
use crate::http::Reply;
use crate::state::Shared;
use errors::OAuthError;

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// Token responses must not be cached anywhere.
const NO_STORE: &str = "no-cache, no-store, max-age=0, must-revalidate";

pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.stats.request("token");
    let fault = shared.pick_fault(Endpoint::Token);
    FaultKind::stall(fault).await;
    let started = std::time::Instant::now();

    let reply = match fault.and_then(injected_error) {
        Some(error) if fault == Some(FaultKind::Status429) => {
            error.into_reply().header(header::RETRY_AFTER, "1")
        }
        Some(error) => error.into_reply(),
        None => {
            let form: HashMap<String, String> =
                form_urlencoded::parse(&body).into_owned().collect();
            match answer(&shared, &headers, &form) {
                Ok(reply) => reply,
                Err(error) => {
                    log::debug!("token request refused: {}", error.description);
                    error.into_reply()
                }
            }
        }
    };

    shared.deliver(reply, fault, started).await
}

fn answer(
    shared: &Shared,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Reply, OAuthError> {
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| OAuthError::missing_parameter("grant_type"))?;
    match grant_type.as_str() {
        JWT_BEARER => {
            let assertion = form
                .get("assertion")
                .ok_or_else(|| OAuthError::missing_parameter("assertion"))?;
            let now = shared.clock.now();
            let token_uri = shared.token_uri();
            let request = jwt_bearer::Request {
                assertion,
                now,
                own_token_uri: &token_uri,
                lifetime_secs: shared.token_lifetime_secs(),
            };
            let grant = jwt_bearer::grant(&shared.read(), &request)?;
            let expires_in = grant.expires_at - now;
            let access_token = shared.tokens.issue(grant, now);
            Ok(Reply::json(
                StatusCode::OK,
                &json!({
                    "access_token": access_token,
                    "expires_in": expires_in,
                    "token_type": "Bearer",
                }),
            )
            .header(
                header::CACHE_CONTROL,
                "no-cache, no-store, max-age=0, must-revalidate",
            ))
        }
        "authorization_code" => {
            let body = authorization_code::exchange(shared, headers, form)?;
            Ok(Reply::json(StatusCode::OK, &body).header(header::CACHE_CONTROL, NO_STORE))
        }
        other => Err(OAuthError::unsupported_grant_type(other)),
    }
}

/// The refusal an injected fault stands for at the token endpoint, if it is one.
fn injected_error(kind: FaultKind) -> Option<OAuthError> {
    let error = match kind {
        FaultKind::Status429 => OAuthError::transient(429),
        FaultKind::Status500 => OAuthError::transient(500),
        FaultKind::BackendError503 => OAuthError::transient(503),
        FaultKind::UserRateLimit403 | FaultKind::QuotaExceeded403 => OAuthError::quota(),
        FaultKind::Forbidden403 => OAuthError::access_denied(),
        FaultKind::NotFound404 => OAuthError::not_found(),
        _ => return None,
    };
    Some(error)
}
