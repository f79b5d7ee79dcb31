//! Sign-in with OpenID Connect: discovery, JWKS and rotation, the authorize redirect, the
//! code exchange with PKCE, the ID token's claims and signature, userinfo, minted tokens.

mod common;

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use google_emulator::{Emulator, IdTokenRequest};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

const VERIFIER: &str = "a-code-verifier-that-is-long-enough-0123456789-abcdefghij";

fn no_redirects() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn challenge(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// GETs the authorize endpoint; returns the status and the Location's query parameters.
fn authorize(emulator: &Emulator, params: &[(&str, &str)]) -> (u16, HashMap<String, String>) {
    let response = no_redirects()
        .get(format!("{}/o/oauth2/v2/auth", emulator.base_url()))
        .query(params)
        .send()
        .unwrap();
    let status = response.status().as_u16();
    let query = response
        .headers()
        .get("location")
        .map(|location| {
            let url = url::Url::parse(location.to_str().unwrap()).unwrap();
            url.query_pairs().into_owned().collect()
        })
        .unwrap_or_default();
    (status, query)
}

fn sign_in_params<'a>(
    emulator: &Emulator,
    login: &'a str,
    challenge: &'a str,
) -> Vec<(&'static str, String)> {
    let client = emulator.oauth_client().unwrap();
    vec![
        ("client_id", client.client_id),
        ("redirect_uri", "http://127.0.0.1:8123/callback".to_string()),
        ("response_type", "code".to_string()),
        ("scope", "openid email profile".to_string()),
        ("state", "state-123".to_string()),
        ("nonce", "nonce-456".to_string()),
        ("code_challenge", challenge.to_string()),
        ("code_challenge_method", "S256".to_string()),
        ("login_hint", login.to_string()),
    ]
}

fn code_for(emulator: &Emulator, login: &str) -> String {
    let params = sign_in_params(emulator, login, &challenge(VERIFIER));
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, query) = authorize(emulator, &params);
    assert_eq!(status, 302);
    assert_eq!(query["state"], "state-123");
    query["code"].clone()
}

fn exchange(emulator: &Emulator, form: &[(&str, &str)]) -> (u16, Value) {
    let response = client()
        .post(emulator.token_uri())
        .form(form)
        .send()
        .unwrap();
    (response.status().as_u16(), response.json().unwrap())
}

fn exchange_code(emulator: &Emulator, code: &str, verifier: &str) -> (u16, Value) {
    let client = emulator.oauth_client().unwrap();
    exchange(
        emulator,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", "http://127.0.0.1:8123/callback"),
            ("client_id", &client.client_id),
            ("client_secret", &client.client_secret),
            ("code_verifier", verifier),
        ],
    )
}

/// Verifies an ID token against the published JWKS and returns its claims.
fn verify(emulator: &Emulator, id_token: &str) -> Value {
    let header = jsonwebtoken::decode_header(id_token).unwrap();
    let jwks: Value = client()
        .get(format!("{}/oauth2/v3/certs", emulator.base_url()))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header.kid.clone().unwrap().as_str())
        .expect("the token's kid is published");
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[emulator.oauth_client().unwrap().client_id]);
    validation.set_issuer(&[emulator.issuer()]);
    jsonwebtoken::decode::<Value>(id_token, &key, &validation)
        .unwrap()
        .claims
}

#[test]
fn discovery_and_jwks_look_like_googles() {
    let emulator = start(2, 10, 1);
    let discovery: Value = client()
        .get(format!(
            "{}/.well-known/openid-configuration",
            emulator.base_url()
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(discovery["issuer"], emulator.base_url().as_str());
    assert_eq!(discovery["token_endpoint"], emulator.token_uri().as_str());
    assert_eq!(
        discovery["jwks_uri"],
        format!("{}/oauth2/v3/certs", emulator.base_url()).as_str()
    );
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );

    emulator.set_jwks_max_age(1234);
    let response = client()
        .get(format!("{}/oauth2/v3/certs", emulator.base_url()))
        .send()
        .unwrap();
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cache.contains("max-age=1234"), "{cache}");
    let jwks: Value = response.json().unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys
        .iter()
        .all(|k| k["kty"] == "RSA" && k["alg"] == "RS256" && k["use"] == "sig"));
    assert_eq!(keys[1]["kid"], emulator.signing_kid().as_str());

    let old = keys[0]["kid"].as_str().unwrap().to_string();
    let new = emulator.rotate_signing_key();
    assert_eq!(emulator.signing_kid(), new);
    let jwks: Value = client()
        .get(format!("{}/oauth2/v3/certs", emulator.base_url()))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert!(kids.contains(&new.as_str()));
    assert!(!kids.contains(&old.as_str()), "the oldest key is retired");
}

#[test]
fn code_flow_with_pkce_gives_a_verifiable_id_token() {
    let emulator = start(2, 20, 2);
    let user = emulator.tenant().users[3].clone();
    let code = code_for(&emulator, &user.primary_email);
    let (status, body) = exchange_code(&emulator, &code, VERIFIER);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["scope"]
        .as_str()
        .unwrap()
        .contains("https://www.googleapis.com/auth/userinfo.email"));
    let access_token = body["access_token"].as_str().unwrap();

    let claims = verify(&emulator, body["id_token"].as_str().unwrap());
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(claims["email"], user.primary_email.as_str());
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["hd"], "example.com");
    assert_eq!(claims["nonce"], "nonce-456");
    assert_eq!(
        claims["azp"],
        emulator.oauth_client().unwrap().client_id.as_str()
    );
    assert_eq!(claims["name"], user.name.full_name.as_str());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes());
    assert_eq!(
        claims["at_hash"],
        URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16]).as_str()
    );

    // The code works once.
    let (status, body) = exchange_code(&emulator, &code, VERIFIER);
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");

    // userinfo answers for the access token.
    let info: Value = client()
        .get(format!("{}/v1/userinfo", emulator.base_url()))
        .bearer_auth(access_token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(info["sub"], user.id.as_str());
}

#[test]
fn exchange_refusals() {
    let emulator = start(2, 20, 2);
    let client_info = emulator.oauth_client().unwrap();
    let login = emulator.admin_email();

    let code = code_for(&emulator, &login);
    let (status, body) = exchange_code(
        &emulator,
        &code,
        "another-verifier-another-verifier-another-verifier",
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(body["error_description"], "Invalid code verifier.");

    let code = code_for(&emulator, &login);
    let (status, body) = exchange(
        &emulator,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:8123/callback"),
            ("client_id", &client_info.client_id),
            ("client_secret", "wrong"),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );

    let code = code_for(&emulator, &login);
    let (status, body) = exchange(
        &emulator,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:8123/other"),
            ("client_id", &client_info.client_id),
            ("client_secret", &client_info.client_secret),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("redirect_uri_mismatch"))
    );

    // HTTP Basic client authentication works as well as the form.
    let code = code_for(&emulator, &login);
    let response = client()
        .post(emulator.token_uri())
        .basic_auth(&client_info.client_id, Some(&client_info.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:8123/callback"),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[test]
fn authorize_errors_redirect_or_show_a_page() {
    let emulator = start(2, 20, 2);
    let client_info = emulator.oauth_client().unwrap();
    let challenge = challenge(VERIFIER);

    let (status, _) = authorize(
        &emulator,
        &[
            ("client_id", "nope.apps.googleusercontent.com"),
            ("redirect_uri", "http://127.0.0.1/callback"),
            ("response_type", "code"),
            ("scope", "openid"),
        ],
    );
    assert_eq!(status, 400, "an unknown client gets a page, not a redirect");
    let (status, _) = authorize(
        &emulator,
        &[
            ("client_id", &client_info.client_id),
            ("redirect_uri", "https://evil.example/callback"),
            ("response_type", "code"),
            ("scope", "openid"),
        ],
    );
    assert_eq!(status, 400, "an unregistered redirect URI gets a page");

    let params = sign_in_params(&emulator, "ghost@example.com", &challenge);
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, query) = authorize(&emulator, &params);
    assert_eq!(status, 302);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["state"], "state-123");

    let suspended = emulator.with_tenant(|t| {
        let email = t.users[2].primary_email.clone();
        t.suspend_user(&email).unwrap();
        email
    });
    let params = sign_in_params(&emulator, &suspended, &challenge);
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(authorize(&emulator, &params).1["error"], "access_denied");
}

#[test]
fn a_personal_account_has_no_hd() {
    let emulator = start(2, 20, 2);
    let code = code_for(&emulator, "someone@gmail.com");
    let (status, body) = exchange_code(&emulator, &code, VERIFIER);
    assert_eq!(status, 200, "{body}");
    let claims = verify(&emulator, body["id_token"].as_str().unwrap());
    assert_eq!(claims["email"], "someone@gmail.com");
    assert!(claims.get("hd").is_none());
    assert_eq!(claims["sub"].as_str().unwrap().len(), 21);
}

#[test]
fn minted_tokens_can_be_bent_for_tests() {
    let emulator = start(2, 20, 2);
    let admin = emulator.admin_email();
    let token = emulator.mint_id_token(IdTokenRequest {
        nonce: Some("n".into()),
        ..IdTokenRequest::new(&admin)
    });
    let claims = verify(&emulator, &token);
    assert_eq!(claims["email"], admin.as_str());
    assert_eq!(claims["nonce"], "n");

    let mut overrides = serde_json::Map::new();
    overrides.insert("email_verified".into(), Value::Null);
    overrides.insert("hd".into(), json!("evil.example"));
    let token = emulator.mint_id_token(IdTokenRequest {
        overrides,
        kid: Some("unknown-kid".into()),
        ..IdTokenRequest::new(&admin)
    });
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.kid.as_deref(), Some("unknown-kid"));
    let claims = jsonwebtoken::dangerous::insecure_decode_claims::<Value>(&token).unwrap();
    assert!(claims.get("email_verified").is_none());
    assert_eq!(claims["hd"], "evil.example");

    // The private key lets a test forge a token the JWKS would accept.
    assert!(emulator
        .signing_key_pem()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
}

#[test]
fn the_control_api_rotates_and_mints() {
    let emulator = start(2, 10, 1);
    let base = emulator.base_url();
    let rotated: Value = client()
        .post(format!("{base}/_emulator/oidc/rotate"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(rotated["kid"], emulator.signing_kid().as_str());
    let minted: Value = client()
        .post(format!("{base}/_emulator/oidc/id_token"))
        .json(&json!({"email": "someone@gmail.com", "nonce": "x"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let claims = verify(&emulator, minted["id_token"].as_str().unwrap());
    assert_eq!(claims["nonce"], "x");
    let key: Value = client()
        .get(format!("{base}/_emulator/oidc/signing_key"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(key["kid"], emulator.signing_kid().as_str());
}
