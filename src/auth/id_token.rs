//! Verifying an ID token: shape, header, signature, then each claim in turn, every failure with
//! its own reason. Claims are read only after the signature holds; nothing in an unverified
//! token decides anything but which key to check it with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

use super::domains::AllowedDomains;
use super::jwks::KeySource;
use super::refusal::{refuse, Failure, Reason, Refusal};
use super::signature::{self, Verdict};

/// Google's ID tokens are about 1 KB; anything far larger is not one.
const MAX_TOKEN_LENGTH: usize = 16 * 1024;

/// What a token must say to be accepted.
pub struct Expected<'a> {
    /// Accepted `iss` values.
    pub issuers: &'a [String],
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub skew_secs: u64,
    /// Seconds since the Unix epoch.
    pub now: u64,
    pub domains: &'a AllowedDomains,
}

/// Who a verified token says signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub sub: String,
    pub email: String,
    pub hd: Option<String>,
    pub name: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Claims {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    aud: Option<Audience>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    #[serde(default)]
    hd: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn values(&self) -> &[String] {
        match self {
            Audience::One(one) => std::slice::from_ref(one),
            Audience::Many(many) => many,
        }
    }
}

/// Verifies `token` and returns who it names.
pub fn verify(token: &str, keys: &dyn KeySource, expected: &Expected) -> Result<Verified, Failure> {
    let token = token.trim();
    if token.len() > MAX_TOKEN_LENGTH {
        return refuse(
            Reason::MalformedToken,
            "the ID token is far too long to be one",
        );
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return refuse(
            Reason::MalformedToken,
            "the ID token is not a signed JWT (three base64url parts separated by dots)",
        );
    };

    let header: Header = decode_part(header_b64, "header")?;
    if header.alg.eq_ignore_ascii_case("none") {
        return refuse(
            Reason::UnsignedToken,
            "the ID token is unsigned (alg \"none\"); Google signs every ID token",
        );
    }
    if header.alg != "RS256" {
        let alg: String = header.alg.chars().take(16).collect();
        return refuse(
            Reason::WrongAlgorithm,
            format!(
                "the ID token is signed with {alg}; only RS256, Google's algorithm, is accepted"
            ),
        );
    }
    if header.crit.is_some() {
        return refuse(
            Reason::MalformedToken,
            "the ID token's header has critical extensions (crit), which Google never sets",
        );
    }
    let Some(kid) = header.kid.filter(|k| !k.is_empty()) else {
        return refuse(
            Reason::UnknownKey,
            "the ID token does not name its signing key (no kid)",
        );
    };
    let key = keys.key(&kid)?;

    let signing_input = &token.as_bytes()[..header_b64.len() + 1 + payload_b64.len()];
    match signature::check(&key, signing_input, signature_b64) {
        Verdict::Valid => {}
        Verdict::Altered => {
            return refuse(
                Reason::TamperedToken,
                "the ID token was signed by the issuer but changed afterwards",
            )
        }
        Verdict::Forged => {
            return refuse(
                Reason::BadSignature,
                "the ID token's signature was not made by the issuer's key it names",
            )
        }
    }

    let claims: Claims = decode_part(payload_b64, "payload")?;
    check_claims(&claims, expected).map_err(Failure::Refused)
}

fn decode_part<T: for<'de> Deserialize<'de>>(part: &str, name: &str) -> Result<T, Failure> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| {
        Refusal::new(
            Reason::MalformedToken,
            format!("the ID token's {name} is not base64url"),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Failure::Refused(Refusal::new(
            Reason::MalformedToken,
            format!("the ID token's {name} is not the JSON an ID token has ({e})"),
        ))
    })
}

/// The claim checks, in the order OpenID Connect lists them.
pub(crate) fn check_claims(claims: &Claims, expected: &Expected) -> Result<Verified, Refusal> {
    let refused = |reason, message: String| Err(Refusal::new(reason, message));

    let issuer = claims.iss.as_deref().unwrap_or_default();
    if !expected.issuers.iter().any(|i| i == issuer) {
        return refused(
            Reason::WrongIssuer,
            format!(
                "the ID token was issued by \"{}\", not by {}",
                shorten(issuer),
                expected.issuers.join(" or ")
            ),
        );
    }

    let audience = claims
        .aud
        .as_ref()
        .map(Audience::values)
        .unwrap_or_default();
    if !audience.iter().any(|a| a == expected.client_id) {
        return refused(
            Reason::WrongAudience,
            format!(
                "the ID token is for another client ({}), not for {}; it was issued to another \
                 application",
                audience
                    .iter()
                    .map(|a| shorten(a))
                    .collect::<Vec<_>>()
                    .join(", "),
                expected.client_id
            ),
        );
    }
    match claims.azp.as_deref() {
        Some(azp) if azp != expected.client_id => {
            return refused(
                Reason::WrongAuthorizedParty,
                format!(
                    "the ID token was obtained by another client ({}), not by {}",
                    shorten(azp),
                    expected.client_id
                ),
            )
        }
        None if audience.len() > 1 => {
            return refused(
                Reason::WrongAuthorizedParty,
                "the ID token has several audiences but does not say which client obtained it \
                 (no azp)"
                    .to_string(),
            )
        }
        _ => {}
    }

    let (Some(exp), Some(iat)) = (claims.exp, claims.iat) else {
        return refused(
            Reason::MalformedToken,
            "the ID token lacks its expiry (exp) or issue time (iat)".to_string(),
        );
    };
    let now = expected.now as i64;
    let skew = expected.skew_secs as i64;
    if now > exp.saturating_add(skew) {
        return refused(
            Reason::Expired,
            format!(
                "the ID token expired {} s ago; sign in again (if this happens to every \
                 sign-in, check the server's clock)",
                now - exp
            ),
        );
    }
    let not_before = claims.nbf.map_or(iat, |nbf| nbf.max(iat));
    if not_before > now.saturating_add(skew) {
        return refused(
            Reason::IssuedInFuture,
            format!(
                "the ID token is dated {} s in the future; check the server's clock (allowed \
                 skew: `oidc.clock_skew_secs` = {skew})",
                not_before - now
            ),
        );
    }

    let nonce_matches = claims.nonce.as_deref().is_some_and(|nonce| {
        aws_lc_rs::constant_time::verify_slices_are_equal(
            nonce.as_bytes(),
            expected.nonce.as_bytes(),
        )
        .is_ok()
    });
    if !nonce_matches {
        let what = if claims.nonce.is_some() {
            "another nonce than"
        } else {
            "no nonce, unlike"
        };
        return refused(
            Reason::WrongNonce,
            format!(
                "the ID token carries {what} the sign-in it is presented for; it may be replayed \
                 from another sign-in"
            ),
        );
    }

    let verified = match &claims.email_verified {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s == "true",
        _ => false,
    };
    let Some(email) = claims.email.as_deref().filter(|e| !e.is_empty()) else {
        return refused(
            Reason::MalformedToken,
            "the ID token has no email claim; the authorization request must ask for the \
             `email` scope"
                .to_string(),
        );
    };
    if !verified {
        return refused(
            Reason::EmailNotVerified,
            format!("Google has not verified the address {email}"),
        );
    }

    expected.domains.check(claims.hd.as_deref())?;

    let Some(sub) = claims.sub.as_deref().filter(|s| !s.is_empty()) else {
        return refused(
            Reason::MalformedToken,
            "the ID token does not name its account (no sub)".to_string(),
        );
    };
    Ok(Verified {
        sub: sub.to_string(),
        email: email.to_ascii_lowercase(),
        hd: claims.hd.as_ref().map(|hd| hd.to_ascii_lowercase()),
        name: claims.name.clone(),
    })
}

/// Claims come from whoever made the token: shown shortened.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn claims(patch: serde_json::Value) -> Claims {
        let mut base = serde_json::json!({
            "iss": "https://accounts.google.com",
            "aud": "client-1",
            "azp": "client-1",
            "exp": NOW + 3000,
            "iat": NOW - 600,
            "nonce": "n-1",
            "sub": "1001",
            "email": "Ann@Example.com",
            "email_verified": true,
            "hd": "example.com",
        });
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                base.as_object_mut().unwrap().remove(k);
            } else {
                base[k] = v.clone();
            }
        }
        serde_json::from_value(base).unwrap()
    }

    fn check(patch: serde_json::Value) -> Result<Verified, Reason> {
        let issuers = vec![
            "https://accounts.google.com".to_string(),
            "accounts.google.com".to_string(),
        ];
        let domains = AllowedDomains::listed(["example.com"]);
        let expected = Expected {
            issuers: &issuers,
            client_id: "client-1",
            nonce: "n-1",
            skew_secs: 60,
            now: NOW,
            domains: &domains,
        };
        check_claims(&claims(patch), &expected).map_err(|r| r.reason)
    }

    #[test]
    fn a_good_token_passes_with_lowercased_email() {
        let verified = check(serde_json::json!({})).unwrap();
        assert_eq!(verified.sub, "1001");
        assert_eq!(verified.email, "ann@example.com");
        assert_eq!(verified.hd.as_deref(), Some("example.com"));
        assert!(check(serde_json::json!({"iss": "accounts.google.com"})).is_ok());
    }

    #[test]
    fn each_claim_fails_with_its_own_reason() {
        use serde_json::json;
        let cases = [
            (json!({"iss": "https://evil.example"}), Reason::WrongIssuer),
            (json!({"aud": "client-2"}), Reason::WrongAudience),
            (json!({"azp": "client-2"}), Reason::WrongAuthorizedParty),
            (
                json!({"aud": ["client-1", "client-2"], "azp": null}),
                Reason::WrongAuthorizedParty,
            ),
            (json!({"exp": NOW - 61}), Reason::Expired),
            (json!({"iat": NOW + 61}), Reason::IssuedInFuture),
            (json!({"nbf": NOW + 600}), Reason::IssuedInFuture),
            (json!({"nonce": "n-2"}), Reason::WrongNonce),
            (json!({"nonce": null}), Reason::WrongNonce),
            (json!({"email_verified": false}), Reason::EmailNotVerified),
            (json!({"email_verified": null}), Reason::EmailNotVerified),
            (json!({"hd": "other.com"}), Reason::WrongHostedDomain),
            (json!({"hd": null}), Reason::MissingHostedDomain),
            (json!({"exp": null}), Reason::MalformedToken),
            (json!({"sub": null}), Reason::MalformedToken),
        ];
        for (patch, reason) in cases {
            assert_eq!(check(patch.clone()), Err(reason), "{patch}");
        }
    }

    #[test]
    fn skew_is_tolerated() {
        assert!(check(serde_json::json!({"exp": NOW - 30})).is_ok());
        assert!(check(serde_json::json!({"iat": NOW + 30})).is_ok());
        assert!(check(serde_json::json!({"email_verified": "true"})).is_ok());
    }
}
