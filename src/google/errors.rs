//! Google's error bodies, and what each one means for the administrator who must fix it.
//!
//! Two shapes exist: the OAuth token endpoint answers `{"error": "...", "error_description":
//! "..."}`, the Directory API `{"error": {"code", "message", "errors": [{"reason"}], "status"}}`.
//! Every message below starts with what Google said (so it can be searched for) and goes on
//! with what to change and where.

use serde::Deserialize;

use crate::error::{Error, ErrorKind};

pub const DELEGATION_PAGE: &str = "admin.google.com > Security > Access and data control > \
                                   API controls > Manage Domain Wide Delegation";

/// Who is asking, so that a message can name the client id, the admin user and the scopes.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    pub client_email: String,
    pub client_id: String,
    pub admin_user: String,
    pub project_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: String,
}

#[derive(Debug, Deserialize)]
struct ApiErrorEnvelope {
    error: ApiError,
}

/// The `error` object of a Directory API error body.
#[derive(Debug, Default, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub code: u16,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub errors: Vec<ApiErrorItem>,
    #[serde(default)]
    pub status: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiErrorItem {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub message: String,
}

impl ApiError {
    /// Parses a Directory error body; a body of another shape keeps the status code only.
    pub fn parse(status: u16, body: &[u8]) -> ApiError {
        match serde_json::from_slice::<ApiErrorEnvelope>(body) {
            Ok(envelope) => {
                let mut error = envelope.error;
                if error.code == 0 {
                    error.code = status;
                }
                error
            }
            Err(_) => ApiError {
                code: status,
                ..ApiError::default()
            },
        }
    }

    /// The first `reason`, which is what tells one 403 from another.
    pub fn reason(&self) -> &str {
        self.errors.first().map(|e| e.reason.as_str()).unwrap_or("")
    }

    fn summary(&self) -> String {
        let reason = self.reason();
        let message = if self.message.is_empty() {
            "(no message)"
        } else {
            &self.message
        };
        if reason.is_empty() {
            format!("HTTP {}: {message}", self.code)
        } else {
            format!("HTTP {} {reason}: {message}", self.code)
        }
    }
}

/// Whether a Directory answer is worth retrying after a backoff.
pub fn is_retryable(status: u16, reason: &str) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
        || (status == 403
            && matches!(
                reason,
                "rateLimitExceeded" | "userRateLimitExceeded" | "quotaExceeded"
            ))
}

/// Whether a token endpoint answer is worth retrying, as Google's own libraries decide.
pub fn is_token_retryable(status: u16, body: &[u8]) -> bool {
    if matches!(status, 408 | 429 | 500 | 502 | 503 | 504) {
        return true;
    }
    match serde_json::from_slice::<OAuthErrorBody>(body) {
        Ok(b) => {
            matches!(
                b.error.as_str(),
                "internal_failure" | "server_error" | "temporarily_unavailable"
            )
        }
        Err(_) => false,
    }
}

/// Turns a refusal of the token endpoint into a message that says what to fix.
pub fn token_error(status: u16, body: &[u8], who: &Identity, scopes: &[&str]) -> Error {
    let Ok(parsed) = serde_json::from_slice::<OAuthErrorBody>(body) else {
        return Error::google(format!(
            "Google's token endpoint answered HTTP {status} with a body that is not an OAuth \
             error; if this persists, check that the key file's token_uri is Google's"
        ));
    };
    let said = if parsed.error_description.is_empty() {
        parsed.error.clone()
    } else {
        format!("{}: {}", parsed.error, parsed.error_description)
    };
    let description = parsed.error_description.to_ascii_lowercase();
    let scope_list = scopes.join(",");
    let delegation = format!(
        "Client id {client_id} is not authorized for {scope_list}. In {DELEGATION_PAGE}, add \
         (or edit) the entry for client id {client_id} (the numeric id of service account \
         {email}, not its email) so that it lists all of these scopes, comma-separated: {needed}. \
         A new delegation can take from a few minutes up to 24 hours to apply.",
        client_id = display_client_id(who),
        email = who.client_email,
        needed = super::directory::DIRECTORY_SCOPES.join(","),
    );
    let (kind, advice) = match parsed.error.as_str() {
        "unauthorized_client" => (ErrorKind::Authorization, delegation),
        "access_denied" => (
            ErrorKind::Authorization,
            format!("Some of the requested scopes are not delegated. {delegation}"),
        ),
        "invalid_grant" if description.contains("invalid email or user id") => (
            ErrorKind::Authorization,
            format!(
                "The admin user \"{}\" does not exist in Google Workspace. Set `admin_user` to \
                 the address of an existing administrator.",
                who.admin_user
            ),
        ),
        "invalid_grant" if description.contains("short-lived") || description.contains("iat") => (
            ErrorKind::Authorization,
            "Google thinks this machine's clock is wrong: the token request's issue time is \
                 out of range. Synchronise the clock (NTP) and try again."
                .to_string(),
        ),
        "invalid_grant" if description.contains("signature") => (
            ErrorKind::Authorization,
            format!(
                "The key in the key file is not (or no longer) a valid key of service account \
                 {}: it was deleted or disabled, or belongs to another account. Create a new \
                 JSON key in the Google Cloud console (IAM > Service accounts > Keys).",
                who.client_email
            ),
        ),
        "invalid_grant" if description.contains("account not found") => (
            ErrorKind::Authorization,
            format!(
                "Service account {} was deleted or disabled. Re-enable it or create a new one \
                 in the Google Cloud console (IAM > Service accounts), and delegate it again.",
                who.client_email
            ),
        ),
        "invalid_grant" => (
            ErrorKind::Authorization,
            "Google refused the token request; check the key file, the admin user and the \
             machine's clock."
                .to_string(),
        ),
        "invalid_scope" => (
            ErrorKind::Authorization,
            format!(
                "A requested scope is empty or misspelled. The scopes asked for: {scope_list}."
            ),
        ),
        "disabled_client" => (
            ErrorKind::Authorization,
            format!(
                "The OAuth client of service account {} is disabled. Enable the service account \
                 in the Google Cloud console (IAM > Service accounts).",
                who.client_email
            ),
        ),
        "deleted_client" => (
            ErrorKind::Authorization,
            format!(
                "The OAuth client of service account {} was deleted. Create a new service \
                 account and key, and delegate its client id.",
                who.client_email
            ),
        ),
        _ => (
            ErrorKind::Google,
            "Check the key file and the delegation.".to_string(),
        ),
    };
    let message = format!("Google refused the access token (HTTP {status} {said}). {advice}");
    Error::new(kind, message)
        .with_reason(parsed.error)
        .with_google_said(format!("HTTP {status} {said}"))
}

/// Turns a Directory API error into a message that says what to fix. `what` names the request
/// in the administrator's terms, e.g. "listing the users of customer my_customer".
pub fn api_error(error: &ApiError, what: &str, who: &Identity) -> Error {
    let said = error.summary();
    let (kind, advice) = api_advice(error, who);
    let mapped = Error::new(kind, format!("{what}: Google answered {said}. {advice}"))
        .with_google_said(said);
    match error.reason() {
        "" => mapped.with_reason(format!("http_{}", error.code)),
        reason => mapped.with_reason(reason),
    }
}

fn api_advice(error: &ApiError, who: &Identity) -> (ErrorKind, String) {
    let project = who.project_id.as_deref();
    match (error.code, error.reason()) {
        (403, "accessNotConfigured") => (
            ErrorKind::Authorization,
            format!(
                "The Admin SDK API is not enabled in the service account's Cloud project{}. \
                 Enable it at https://console.cloud.google.com/apis/library/admin.googleapis.com{} \
                 and wait a few minutes.",
                project.map(|p| format!(" ({p})")).unwrap_or_default(),
                project.map(|p| format!("?project={p}")).unwrap_or_default(),
            ),
        ),
        (403, "forbidden") => (
            ErrorKind::Authorization,
            format!(
                "The admin user \"{}\" is not an administrator allowed to read users and \
                 groups, or the request names a domain or customer that is not this \
                 Workspace's (check `scope.domains` and `scope.customer`). In admin.google.com \
                 > Account > Admin roles, give that user a role with the Users: Read and \
                 Groups: Read privileges (or use a super admin), and set `admin_user` to it.",
                who.admin_user
            ),
        ),
        (403, "insufficientPermissions") => (
            ErrorKind::Authorization,
            format!(
                "The access token lacks a scope this request needs. Check the scopes delegated \
                 to client id {} in {DELEGATION_PAGE}.",
                display_client_id(who)
            ),
        ),
        (401, _) => (
            ErrorKind::Authorization,
            "Google did not accept the access token even after a fresh one was fetched; check \
             the delegation and the machine's clock."
                .to_string(),
        ),
        (404, _) => (
            ErrorKind::Google,
            "It does not exist in this Google Workspace: check the address or id.".to_string(),
        ),
        (400, _) if error.message.contains("Type not supported") => (
            ErrorKind::Google,
            "The address belongs to a group, not a user.".to_string(),
        ),
        (400, "badRequest") | (400, "invalid") => (
            ErrorKind::Config,
            "Check `scope.customer` (leave it out for my_customer, or give the id such as \
             C01234abc) and `scope.domains` (domains of this Workspace)."
                .to_string(),
        ),
        (412, "conditionNotMet") => (
            ErrorKind::Google,
            "The user was deleted recently; it will disappear from the listing.".to_string(),
        ),
        (status, reason) if is_retryable(status, reason) => (
            ErrorKind::Google,
            "Google kept answering with a server error or a rate limit, and the retries ran \
             out. Try again later; if it is rate limits, lower `http.requests_per_minute` and \
             `http.max_concurrency`."
                .to_string(),
        ),
        _ => (ErrorKind::Google, "See Google's message above.".to_string()),
    }
}

fn display_client_id(who: &Identity) -> &str {
    if who.client_id.is_empty() {
        "(the client_id field of the key file)"
    } else {
        &who.client_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who() -> Identity {
        Identity {
            client_email: "sync@proj.iam.gserviceaccount.com".into(),
            client_id: "1234567890".into(),
            admin_user: "admin@example.com".into(),
            project_id: Some("proj".into()),
        }
    }

    #[test]
    fn unauthorized_client_names_client_id_and_scopes() {
        let body = br#"{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."}"#;
        let err = token_error(401, body, &who(), &["s1", "s2"]);
        assert_eq!(err.kind(), ErrorKind::Authorization);
        let m = err.message();
        assert!(
            m.contains("1234567890") && m.contains("s1,s2") && m.contains("Domain Wide"),
            "{m}"
        );
    }

    #[test]
    fn api_disabled_points_at_the_project() {
        let body = br#"{"error":{"code":403,"message":"Admin SDK API has not been used in project 1 before or it is disabled.","errors":[{"message":"x","domain":"usageLimits","reason":"accessNotConfigured"}],"status":"PERMISSION_DENIED"}}"#;
        let err = api_error(&ApiError::parse(403, body), "listing users", &who());
        assert!(err.message().contains("project=proj"), "{}", err);
    }

    fn api(status: u16, reason: &str, message: &str) -> ApiError {
        let body = serde_json::json!({"error": {"code": status, "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}]}});
        ApiError::parse(status, body.to_string().as_bytes())
    }

    // Rows of Google's error tables that the connector's own requests cannot provoke (it
    // never sends a scope set, customer or key of these kinds), shown through the mapping.

    #[test]
    fn access_denied_says_some_scopes_are_missing() {
        let body =
            br#"{"error":"access_denied","error_description":"Requested client not authorized."}"#;
        let err = token_error(400, body, &who(), &["s1", "s2"]);
        assert_eq!(err.kind(), ErrorKind::Authorization);
        let m = err.message();
        assert!(
            m.contains("Requested client not authorized")
                && m.contains("Some of the requested scopes are not delegated")
                && m.contains("1234567890"),
            "{m}"
        );
    }

    #[test]
    fn invalid_scope_lists_the_scopes_asked_for() {
        let body = br#"{"error":"invalid_scope","error_description":"Invalid OAuth scope or ID token audience provided."}"#;
        let m = token_error(400, body, &who(), &["https://x/y"])
            .message()
            .to_string();
        assert!(m.contains("misspelled") && m.contains("https://x/y"), "{m}");
    }

    #[test]
    fn bad_request_points_at_customer_and_domains() {
        let err = api_error(
            &api(400, "badRequest", "Bad Request"),
            "listing users",
            &who(),
        );
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(
            err.message().contains("scope.customer") && err.message().contains("scope.domains")
        );
    }

    #[test]
    fn recently_deleted_user_is_explained() {
        let err = api_error(
            &api(412, "conditionNotMet", "User is deleted."),
            "reading user a@b.c",
            &who(),
        );
        assert!(
            err.message().contains("User is deleted") && err.message().contains("deleted recently"),
            "{err}"
        );
    }

    #[test]
    fn group_address_used_as_user_is_explained() {
        let err = api_error(
            &api(400, "badRequest", "Type not supported: userKey"),
            "reading user team@b.c",
            &who(),
        );
        assert!(
            err.message().contains("Type not supported: userKey"),
            "{err}"
        );
        assert!(err.message().contains("a group, not a user"), "{err}");
    }

    #[test]
    fn retryable_reasons() {
        assert!(is_retryable(403, "userRateLimitExceeded"));
        assert!(is_retryable(503, "backendError"));
        assert!(!is_retryable(403, "forbidden"));
        assert!(is_token_retryable(
            400,
            br#"{"error":"temporarily_unavailable"}"#
        ));
        assert!(!is_token_retryable(400, br#"{"error":"invalid_grant"}"#));
    }

    #[test]
    fn unparseable_body_keeps_status() {
        let e = ApiError::parse(502, b"<html>bad gateway</html>");
        assert_eq!(e.code, 502);
        assert_eq!(e.reason(), "");
    }
}
