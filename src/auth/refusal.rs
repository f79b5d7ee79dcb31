//! Why a sign-in was refused: a stable reason code the host can branch on, and a message it
//! can show or log. Neither ever holds a token, a code or a password.

use serde_json::json;

use crate::error::Error;

/// The reason codes of refused sign-ins. The strings are part of the ABI: never change or
/// reuse one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Not a JWT, or a claim that must be there is missing or of the wrong type.
    MalformedToken,
    /// `alg: none`: a token without a signature.
    UnsignedToken,
    /// Signed with another algorithm than RS256 (HS256, RS512, ES256, ...).
    WrongAlgorithm,
    /// Names a key the issuer does not publish, even after the key set was fetched again.
    UnknownKey,
    /// The signature was not made by the key the token names.
    BadSignature,
    /// Signed by the issuer's key, but changed after it was signed.
    TamperedToken,
    WrongIssuer,
    WrongAudience,
    WrongAuthorizedParty,
    Expired,
    IssuedInFuture,
    WrongNonce,
    EmailNotVerified,
    WrongHostedDomain,
    MissingHostedDomain,
    /// No user of the directory has this Google id or login.
    UnknownUser,
    Suspended,
    /// A user of the directory, but outside the sync scope (org unit, groups, archived).
    NotInScope,
    WrongPassword,
    /// The account has 2-Step Verification and the password given was not an app password.
    AppPasswordRequired,
    ImapUnreachable,
    /// The IMAP server answered in a way the check does not understand.
    ImapError,
    CodeExchangeFailed,
    RedirectUriNotAllowed,
    /// Google's sign-in endpoints or the Directory could not be reached, or failed.
    GoogleUnavailable,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::MalformedToken => "malformed_token",
            Reason::UnsignedToken => "unsigned_token",
            Reason::WrongAlgorithm => "wrong_algorithm",
            Reason::UnknownKey => "unknown_key",
            Reason::BadSignature => "bad_signature",
            Reason::TamperedToken => "tampered_token",
            Reason::WrongIssuer => "wrong_issuer",
            Reason::WrongAudience => "wrong_audience",
            Reason::WrongAuthorizedParty => "wrong_authorized_party",
            Reason::Expired => "expired",
            Reason::IssuedInFuture => "issued_in_future",
            Reason::WrongNonce => "wrong_nonce",
            Reason::EmailNotVerified => "email_not_verified",
            Reason::WrongHostedDomain => "wrong_hosted_domain",
            Reason::MissingHostedDomain => "missing_hosted_domain",
            Reason::UnknownUser => "unknown_user",
            Reason::Suspended => "suspended",
            Reason::NotInScope => "not_in_scope",
            Reason::WrongPassword => "wrong_password",
            Reason::AppPasswordRequired => "app_password_required",
            Reason::ImapUnreachable => "imap_unreachable",
            Reason::ImapError => "imap_error",
            Reason::CodeExchangeFailed => "code_exchange_failed",
            Reason::RedirectUriNotAllowed => "redirect_uri_not_allowed",
            Reason::GoogleUnavailable => "google_unavailable",
        }
    }
}

/// A checked sign-in that did not let the person in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub reason: Reason,
    pub message: String,
}

impl Refusal {
    pub fn new(reason: Reason, message: impl Into<String>) -> Refusal {
        Refusal {
            reason,
            message: message.into(),
        }
    }

    pub fn to_json(&self, method: &str) -> String {
        json!({
            "refused": true,
            "reason": self.reason.code(),
            "message": self.message,
            "method": method,
        })
        .to_string()
    }
}

/// How a step of a sign-in can end early: with a refusal for the person, or with an error the
/// host or its administrator must fix (a missing setting, Google refusing the client).
#[derive(Debug)]
pub enum Failure {
    Refused(Refusal),
    Error(Error),
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Failure {
        Failure::Refused(refusal)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Error(error)
    }
}

/// Shorthand for refusing with a reason.
pub fn refuse<T>(reason: Reason, message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure::Refused(Refusal::new(reason, message)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const ALL: [Reason; 25] = [
        Reason::MalformedToken,
        Reason::UnsignedToken,
        Reason::WrongAlgorithm,
        Reason::UnknownKey,
        Reason::BadSignature,
        Reason::TamperedToken,
        Reason::WrongIssuer,
        Reason::WrongAudience,
        Reason::WrongAuthorizedParty,
        Reason::Expired,
        Reason::IssuedInFuture,
        Reason::WrongNonce,
        Reason::EmailNotVerified,
        Reason::WrongHostedDomain,
        Reason::MissingHostedDomain,
        Reason::UnknownUser,
        Reason::Suspended,
        Reason::NotInScope,
        Reason::WrongPassword,
        Reason::AppPasswordRequired,
        Reason::ImapUnreachable,
        Reason::ImapError,
        Reason::CodeExchangeFailed,
        Reason::RedirectUriNotAllowed,
        Reason::GoogleUnavailable,
    ];

    #[test]
    fn codes_are_distinct_snake_case() {
        let codes: HashSet<&str> = ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), ALL.len());
        for code in codes {
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
        }
    }

    #[test]
    fn refusal_json_has_the_documented_fields() {
        let json = Refusal::new(Reason::Expired, "too late").to_json("oidc");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["refused"], true);
        assert_eq!(value["reason"], "expired");
        assert_eq!(value["message"], "too late");
        assert_eq!(value["method"], "oidc");
    }
}
