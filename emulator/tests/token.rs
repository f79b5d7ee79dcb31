//! The JWT-bearer grant: success, and each refusal with Google's error and description.

mod common;

use common::*;
use google_emulator::AccountState;
use serde_json::{json, Value};

fn refused(body: &Value, error: &str, description_start: &str) {
    assert_eq!(body["error"], error, "{body}");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(description_start),
        "{description:?} should start with {description_start:?}"
    );
}

#[test]
fn grant_succeeds_with_googles_shape() {
    let emulator = start(1, 20, 2);
    let (status, body) = grant(
        &emulator,
        &sign(
            &emulator,
            &claims(&emulator, &emulator.admin_email(), SYNC_SCOPES),
        ),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].as_str().unwrap().starts_with("ya29."));
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body.as_object().unwrap().len(), 3, "{body}");
}

#[test]
fn key_file_has_googles_fields() {
    let emulator = start(1, 5, 1);
    let key = key_file(&emulator);
    assert_eq!(key["type"], "service_account");
    assert!(key["private_key"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(key["private_key_id"].as_str().unwrap().len(), 40);
    assert_eq!(key["token_uri"], emulator.token_uri());
    assert_eq!(key["universe_domain"], "googleapis.com");
    assert_eq!(key["client_id"], emulator.client_id());
    assert!(key["client_email"]
        .as_str()
        .unwrap()
        .ends_with(".iam.gserviceaccount.com"));
}

#[test]
fn own_token_uri_is_accepted_as_audience() {
    let emulator = start(1, 5, 1);
    let mut claims = claims(&emulator, &emulator.admin_email(), SYNC_SCOPES);
    claims.insert("aud".into(), json!(emulator.token_uri()));
    assert_eq!(grant(&emulator, &sign(&emulator, &claims)).0, 200);
}

#[test]
fn refusals_carry_googles_errors() {
    let emulator = start(1, 20, 2);
    let admin = emulator.admin_email();
    let base = || claims(&emulator, &admin, SYNC_SCOPES);

    // Wrong audience.
    let mut c = base();
    c.insert("aud".into(), json!("https://example.com/token"));
    let (status, body) = grant(&emulator, &sign(&emulator, &c));
    assert_eq!(status, 400);
    refused(&body, "invalid_grant", "Invalid JWT: Failed audience check");

    // Too long-lived, and from the future.
    let mut c = base();
    c.insert("exp".into(), json!(now() + 7200));
    let (status, body) = grant(&emulator, &sign(&emulator, &c));
    assert_eq!(status, 400);
    refused(
        &body,
        "invalid_grant",
        "Invalid JWT: Token must be a short-lived token",
    );
    let mut c = base();
    c.insert("iat".into(), json!(now() + 1800));
    c.insert("exp".into(), json!(now() + 3600));
    refused(
        &grant(&emulator, &sign(&emulator, &c)).1,
        "invalid_grant",
        "Invalid JWT: Token must",
    );

    // Unknown subject.
    let c = claims(&emulator, "nobody@example.com", SYNC_SCOPES);
    let (status, body) = grant(&emulator, &sign(&emulator, &c));
    assert_eq!(status, 400);
    refused(&body, "invalid_grant", "Invalid email or User ID");

    // Empty and unknown scopes.
    let c = claims(&emulator, &admin, &[]);
    refused(
        &grant(&emulator, &sign(&emulator, &c)).1,
        "invalid_scope",
        "Invalid OAuth scope",
    );
    let c = claims(
        &emulator,
        &admin,
        &["https://www.googleapis.com/auth/admin.directory.users.readonly"],
    );
    let (status, body) = grant(&emulator, &sign(&emulator, &c));
    assert_eq!(status, 400);
    refused(
        &body,
        "invalid_scope",
        "Invalid OAuth scope or ID token audience provided.",
    );

    // A known scope that is not delegated, alongside delegated ones.
    let c = claims(
        &emulator,
        &admin,
        &[
            USER_READONLY,
            "https://www.googleapis.com/auth/admin.directory.user",
        ],
    );
    refused(
        &grant(&emulator, &sign(&emulator, &c)).1,
        "access_denied",
        "Requested client not authorized.",
    );

    // Only scopes that are not delegated.
    let c = claims(
        &emulator,
        &admin,
        &["https://www.googleapis.com/auth/admin.directory.user"],
    );
    let (status, body) = grant(&emulator, &sign(&emulator, &c));
    assert_eq!(status, 401);
    refused(
        &body,
        "unauthorized_client",
        "Unauthorized client or scope in request.",
    );

    // Unknown issuer.
    let mut c = base();
    c.insert("iss".into(), json!("someone@other.iam.gserviceaccount.com"));
    refused(
        &grant(&emulator, &sign(&emulator, &c)).1,
        "invalid_grant",
        "Invalid grant: account not found",
    );

    // Garbage.
    let (status, body) = grant(&emulator, "not-a-jwt");
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
}

#[test]
fn no_delegation_is_unauthorized_client() {
    let emulator = start(1, 5, 1);
    emulator.set_delegation(&emulator.client_id(), &[]);
    let c = claims(&emulator, &emulator.admin_email(), SYNC_SCOPES);
    let (status, body) = grant(&emulator, &sign(&emulator, &c));
    assert_eq!(status, 401);
    refused(
        &body,
        "unauthorized_client",
        "Client is unauthorized to retrieve access tokens",
    );
}

#[test]
fn a_foreign_key_or_revoked_key_is_a_bad_signature() {
    let emulator = start(1, 5, 1);
    let other = start(2, 5, 1);
    let claims = claims(&emulator, &emulator.admin_email(), SYNC_SCOPES);
    let foreign = key_file(&other);
    let assertion = sign_with(
        foreign["private_key"].as_str().unwrap(),
        key_file(&emulator)["private_key_id"].as_str(),
        &claims,
    );
    let (status, body) = grant(&emulator, &assertion);
    assert_eq!(status, 400);
    refused(&body, "invalid_grant", "Invalid JWT Signature.");

    let assertion = sign(&emulator, &claims);
    emulator.with_tenant(|t| {
        let account = &mut t.service_accounts[0];
        let id = account.keys[0].key_id.clone();
        account.revoked_key_ids.push(id);
    });
    refused(
        &grant(&emulator, &assertion).1,
        "invalid_grant",
        "Invalid JWT Signature.",
    );
}

#[test]
fn disabled_and_deleted_accounts_are_refused() {
    let emulator = start(1, 5, 1);
    let assertion = sign(
        &emulator,
        &claims(&emulator, &emulator.admin_email(), SYNC_SCOPES),
    );
    emulator.with_tenant(|t| t.service_accounts[0].state = AccountState::Disabled);
    let (status, body) = grant(&emulator, &assertion);
    assert_eq!(status, 401);
    refused(&body, "disabled_client", "The OAuth client was disabled.");
    emulator.with_tenant(|t| t.service_accounts[0].state = AccountState::Deleted);
    refused(
        &grant(&emulator, &assertion).1,
        "deleted_client",
        "The OAuth client was deleted.",
    );
}

#[test]
fn a_wrong_clock_is_refused_and_a_small_skew_is_not() {
    let emulator = start(1, 5, 1);
    let assertion = sign(
        &emulator,
        &claims(&emulator, &emulator.admin_email(), SYNC_SCOPES),
    );
    emulator.set_clock_offset(60);
    assert_eq!(grant(&emulator, &assertion).0, 200);
    emulator.set_clock_offset(-2 * 3600);
    refused(
        &grant(&emulator, &assertion).1,
        "invalid_grant",
        "Invalid JWT: Token must",
    );
    emulator.set_clock_offset(2 * 3600);
    refused(
        &grant(&emulator, &assertion).1,
        "invalid_grant",
        "Invalid JWT: Token must",
    );
}

#[test]
fn unsupported_grant_type_and_missing_assertion() {
    let emulator = start(1, 5, 1);
    let response = client()
        .post(emulator.token_uri())
        .form(&[("grant_type", "password")])
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(
        response.json::<Value>().unwrap()["error"],
        "unsupported_grant_type"
    );
    let response = client()
        .post(emulator.token_uri())
        .form(&[("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")])
        .send()
        .unwrap();
    assert_eq!(
        response.json::<Value>().unwrap()["error"],
        "invalid_request"
    );
}
