//! The token endpoint's refusals: `{"error":…,"error_description":…}` with Google's codes and
//! texts, which name the setup mistake behind them.

use axum::http::StatusCode;
use serde_json::json;

use crate::http::Reply;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }

    /// No delegation for this client id covers any requested scope.
    pub fn unauthorized_client() -> OAuthError {
        OAuthError::new(
            401,
            "unauthorized_client",
            "Client is unauthorized to retrieve access tokens using this method, or client \
             not authorized for any of the scopes requested.",
        )
    }

    /// The client id has a delegation, but for none of the requested scopes.
    pub fn unauthorized_client_or_scope() -> OAuthError {
        OAuthError::new(
            401,
            "unauthorized_client",
            "Unauthorized client or scope in request.",
        )
    }

    /// Some, not all, of the requested scopes are delegated.
    pub fn access_denied() -> OAuthError {
        OAuthError::new(400, "access_denied", "Requested client not authorized.")
    }

    pub fn unknown_subject() -> OAuthError {
        OAuthError::new(400, "invalid_grant", "Invalid email or User ID")
    }

    pub fn bad_time() -> OAuthError {
        OAuthError::new(
            400,
            "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable \
             timeframe. Check your iat and exp values in the JWT claim.",
        )
    }

    pub fn bad_signature() -> OAuthError {
        OAuthError::new(400, "invalid_grant", "Invalid JWT Signature.")
    }

    pub fn bad_audience() -> OAuthError {
        OAuthError::new(
            400,
            "invalid_grant",
            "Invalid JWT: Failed audience check. The right audience is \
             https://oauth2.googleapis.com/token",
        )
    }

    pub fn account_not_found() -> OAuthError {
        OAuthError::new(400, "invalid_grant", "Invalid grant: account not found")
    }

    pub fn invalid_scope() -> OAuthError {
        OAuthError::new(
            400,
            "invalid_scope",
            "Invalid OAuth scope or ID token audience provided.",
        )
    }

    pub fn disabled_client() -> OAuthError {
        OAuthError::new(401, "disabled_client", "The OAuth client was disabled.")
    }

    pub fn deleted_client() -> OAuthError {
        OAuthError::new(401, "deleted_client", "The OAuth client was deleted.")
    }

    pub fn unsupported_grant_type(grant_type: &str) -> OAuthError {
        OAuthError::new(
            400,
            "unsupported_grant_type",
            format!("Invalid grant_type: {grant_type}"),
        )
    }

    pub fn missing_parameter(name: &str) -> OAuthError {
        OAuthError::new(
            400,
            "invalid_request",
            format!("Missing required parameter: {name}"),
        )
    }

    pub fn invalid_request(description: impl Into<String>) -> OAuthError {
        OAuthError::new(400, "invalid_request", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> OAuthError {
        OAuthError::new(400, "invalid_grant", description)
    }

    pub fn invalid_client(description: impl Into<String>) -> OAuthError {
        OAuthError::new(401, "invalid_client", description)
    }

    pub fn redirect_uri_mismatch() -> OAuthError {
        OAuthError::new(400, "redirect_uri_mismatch", "Bad Request")
    }

    /// Transient failures, shaped the way Google's libraries recognise them as retryable.
    pub fn transient(status: u16) -> OAuthError {
        match status {
            429 => OAuthError::new(429, "rate_limit_exceeded", "Rate limit exceeded."),
            500 => OAuthError::new(500, "internal_failure", "Backend Error"),
            _ => OAuthError::new(
                status,
                "temporarily_unavailable",
                "The service is temporarily unavailable.",
            ),
        }
    }

    /// A quota refusal (injected; the real endpoint rarely sends one).
    pub fn quota() -> OAuthError {
        OAuthError::new(403, "rate_limit_exceeded", "Quota exceeded.")
    }

    pub fn not_found() -> OAuthError {
        OAuthError::new(404, "not_found", "Not Found")
    }

    pub fn into_reply(self) -> Reply {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        Reply::json(
            status,
            &json!({ "error": self.error, "error_description": self.description }),
        )
    }
}
