//! The Directory API's error responses, in the shape Google sends:
//! `{"error":{"code","message","errors":[{"message","domain","reason",…}],"status",…}}`.

use axum::http::{header, StatusCode};
use serde_json::{json, Map, Value};

use crate::http::Reply;

/// One error response; build it with the constructors, which carry Google's texts. Boxed,
/// because it travels in the `Err` of every handler's result.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ApiError(Box<Parts>);

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Parts {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    domain: &'static str,
    status: &'static str,
    /// `location` and `locationType` of the inner error, where Google gives them.
    location: Option<(&'static str, &'static str)>,
    details: Option<Value>,
    extra_headers: Vec<(header::HeaderName, &'static str)>,
}

const AUTH_HELP: &str = "Expected OAuth 2 access token, login cookie or other valid \
authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError(Box::new(Parts {
            code,
            reason,
            message: message.into(),
            domain: "global",
            status: status_name(code),
            location: None,
            details: None,
            extra_headers: Vec::new(),
        }))
    }

    /// 401 for a request without an `Authorization: Bearer` header.
    pub fn login_required() -> ApiError {
        let mut error = ApiError::new(
            401,
            "required",
            format!("Request is missing required authentication credential. {AUTH_HELP}"),
        );
        error.location = Some(("Authorization", "header"));
        error.extra_headers.push((
            header::WWW_AUTHENTICATE,
            "Bearer realm=\"https://accounts.google.com/\"",
        ));
        error
    }

    /// 401 for an access token that is unknown, revoked or expired.
    pub fn invalid_credentials() -> ApiError {
        let mut error = ApiError::new(
            401,
            "authError",
            format!("Request had invalid authentication credentials. {AUTH_HELP}"),
        );
        error.location = Some(("Authorization", "header"));
        error.extra_headers.push((
            header::WWW_AUTHENTICATE,
            "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
        ));
        error
    }

    /// 403 when the token's scopes do not cover the method.
    pub fn insufficient_scopes(method: &str) -> ApiError {
        let mut error = ApiError::new(
            403,
            "insufficientPermissions",
            "Request had insufficient authentication scopes.",
        );
        error.details = Some(json!([{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
            "metadata": {
                "service": "admin.googleapis.com",
                "method": method,
            }
        }]));
        error.extra_headers.push((
            header::WWW_AUTHENTICATE,
            "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\"",
        ));
        error
    }

    /// 403 when the impersonated user is not an administrator (or a customer or domain that
    /// is not theirs was asked for).
    pub fn forbidden() -> ApiError {
        ApiError::new(
            403,
            "forbidden",
            "Not Authorized to access this resource/api",
        )
    }

    /// 403 when the Admin SDK API is disabled in the Cloud project.
    pub fn access_not_configured(project_number: &str) -> ApiError {
        let message = format!(
            "Admin SDK API has not been used in project {project_number} before or it is \
             disabled. Enable it by visiting https://console.developers.google.com/apis/api/\
             admin.googleapis.com/overview?project={project_number} then retry. If you \
             enabled this API recently, wait a few minutes for the action to propagate to our \
             systems and retry."
        );
        let mut error = ApiError::new(403, "accessNotConfigured", message);
        error.domain = "usageLimits";
        error.details = Some(json!([{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "admin.googleapis.com",
                "consumer": format!("projects/{project_number}"),
            }
        }]));
        error
    }

    /// 403 past the per-user queries-per-minute quota.
    pub fn user_rate_limit(project_number: &str) -> ApiError {
        let mut error = ApiError::new(
            403,
            "userRateLimitExceeded",
            format!(
                "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per \
                 user' of service 'admin.googleapis.com' for consumer \
                 'project_number:{project_number}'."
            ),
        );
        error.domain = "usageLimits";
        error
    }

    /// 429 past the per-account rate limit; carries `Retry-After`.
    pub fn rate_limit(project_number: &str) -> ApiError {
        let mut error = ApiError::new(
            429,
            "rateLimitExceeded",
            format!(
                "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of \
                 service 'admin.googleapis.com' for consumer 'project_number:{project_number}'."
            ),
        );
        error.domain = "usageLimits";
        error.extra_headers.push((header::RETRY_AFTER, "1"));
        error
    }

    /// 403 past the concurrent-requests quota.
    pub fn quota_exceeded() -> ApiError {
        let mut error = ApiError::new(
            403,
            "quotaExceeded",
            "Quota exceeded: too many concurrent requests for this user.",
        );
        error.domain = "usageLimits";
        error
    }

    pub fn internal_error() -> ApiError {
        ApiError::new(500, "backendError", "Internal error encountered.")
    }

    pub fn backend_unavailable() -> ApiError {
        ApiError::new(503, "backendError", "Service unavailable. Please try again")
    }

    /// 400 when a listing names neither `customer` nor `domain`.
    pub fn bad_request() -> ApiError {
        ApiError::new(400, "badRequest", "Bad Request")
    }

    /// 400 for a malformed value (customer id, page token, query).
    pub fn invalid_input() -> ApiError {
        ApiError::new(400, "invalid", "Invalid Input")
    }

    /// 400 for a parameter outside its allowed range, naming the parameter.
    pub fn invalid_parameter(parameter: &'static str, message: String) -> ApiError {
        let mut error = ApiError::new(400, "invalid", message);
        error.location = Some((parameter, "parameter"));
        error
    }

    /// 400 for a `fields` mask that does not parse or names an unknown field.
    pub fn invalid_field_selection(what: &str) -> ApiError {
        let mut error = ApiError::new(
            400,
            "invalidParameter",
            format!("Invalid field selection {what}"),
        );
        error.location = Some(("fields", "parameter"));
        error
    }

    /// 400 when a group's address is used where a user is expected.
    pub fn type_not_supported_user_key() -> ApiError {
        ApiError::new(400, "badRequest", "Type not supported: userKey")
    }

    /// 404 naming the parameter that found nothing (`userKey`, `groupKey`).
    pub fn not_found(parameter: &str) -> ApiError {
        ApiError::new(404, "notFound", format!("Resource Not Found: {parameter}"))
    }

    pub fn body(&self) -> Value {
        let mut inner = Map::new();
        inner.insert("message".into(), json!(self.message));
        inner.insert("domain".into(), json!(self.domain));
        inner.insert("reason".into(), json!(self.reason));
        if let Some((location, location_type)) = self.location {
            inner.insert("location".into(), json!(location));
            inner.insert("locationType".into(), json!(location_type));
        }
        let mut error = json!({
            "code": self.code,
            "message": self.message,
            "errors": [Value::Object(inner)],
            "status": self.status,
        });
        if let Some(details) = &self.details {
            error["details"] = details.clone();
        }
        json!({ "error": error })
    }

    pub fn into_reply(self) -> Reply {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut reply = Reply::json(status, &self.body());
        for (name, value) in self.0.extra_headers {
            reply = reply.header(name, value);
        }
        reply
    }
}

impl std::ops::Deref for ApiError {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut Parts {
        &mut self.0
    }
}

/// The canonical gRPC status Google pairs with each HTTP code.
fn status_name(code: u16) -> &'static str {
    match code {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        412 => "FAILED_PRECONDITION",
        429 => "RESOURCE_EXHAUSTED",
        500 => "INTERNAL",
        503 => "UNAVAILABLE",
        _ => "UNKNOWN",
    }
}
