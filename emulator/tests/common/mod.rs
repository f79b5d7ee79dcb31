//! Helpers shared by the integration tests: start an emulator, sign assertions the way
//! Google's libraries do, and call endpoints over real HTTP.

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use google_emulator::{Emulator, Options, TenantSpec};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Map, Value};

pub const USER_READONLY: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
pub const GROUP_READONLY: &str = "https://www.googleapis.com/auth/admin.directory.group.readonly";
pub const MEMBER_READONLY: &str =
    "https://www.googleapis.com/auth/admin.directory.group.member.readonly";
pub const GOOGLE_AUD: &str = "https://oauth2.googleapis.com/token";

/// The read-only scopes a connector asks for.
pub const SYNC_SCOPES: &[&str] = &[USER_READONLY, GROUP_READONLY, MEMBER_READONLY];

pub fn start(seed: u64, users: usize, groups: usize) -> Emulator {
    Emulator::start(Options {
        tenant: TenantSpec::generated(seed, users, groups),
        ..Options::default()
    })
    .expect("the emulator starts")
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn key_file(emulator: &Emulator) -> Value {
    serde_json::from_str(&emulator.service_account_key_json()).unwrap()
}

/// The claims google-auth puts in an assertion for `subject` and `scopes`.
pub fn claims(emulator: &Emulator, subject: &str, scopes: &[&str]) -> Map<String, Value> {
    let key = key_file(emulator);
    let iat = now();
    let value = json!({
        "iss": key["client_email"],
        "sub": subject,
        "scope": scopes.join(" "),
        "aud": GOOGLE_AUD,
        "iat": iat,
        "exp": iat + 3600,
    });
    value.as_object().unwrap().clone()
}

/// Signs `claims` with the key file's key and `kid`.
pub fn sign(emulator: &Emulator, claims: &Map<String, Value>) -> String {
    let key = key_file(emulator);
    sign_with(
        key["private_key"].as_str().unwrap(),
        key["private_key_id"].as_str(),
        claims,
    )
}

pub fn sign_with(private_pem: &str, kid: Option<&str>, claims: &Map<String, Value>) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_string);
    let key = EncodingKey::from_rsa_pem(private_pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// One client for the whole test binary: building one loads TLS roots, which is slow.
pub fn client() -> reqwest::blocking::Client {
    static CLIENT: std::sync::OnceLock<reqwest::blocking::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::blocking::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()
                .unwrap()
        })
        .clone()
}

/// POSTs a JWT-bearer grant; returns the status and the JSON body.
pub fn grant(emulator: &Emulator, assertion: &str) -> (u16, Value) {
    let response = client()
        .post(emulator.token_uri())
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion),
        ])
        .send()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap())
}

/// An access token for the administrator with the sync scopes.
pub fn admin_token(emulator: &Emulator) -> String {
    token_for(emulator, &emulator.admin_email(), SYNC_SCOPES)
}

pub fn token_for(emulator: &Emulator, subject: &str, scopes: &[&str]) -> String {
    let (status, body) = grant(
        emulator,
        &sign(emulator, &claims(emulator, subject, scopes)),
    );
    assert_eq!(status, 200, "token grant failed: {body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// GETs a Directory path (relative to directory_url) with a bearer token.
pub fn get(emulator: &Emulator, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut request = client().get(format!("{}{path}", emulator.directory_url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let text = response.text().unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// Asserts Google's error shape and returns the inner error's reason.
pub fn error_reason(status: u16, body: &Value) -> String {
    let error = &body["error"];
    assert_eq!(error["code"], status, "code matches the status: {body}");
    assert!(error["message"].is_string(), "message: {body}");
    assert!(error["status"].is_string(), "status: {body}");
    let inner = &error["errors"][0];
    assert!(inner["message"].is_string(), "inner message: {body}");
    assert!(inner["domain"].is_string(), "inner domain: {body}");
    inner["reason"].as_str().unwrap().to_string()
}

/// Follows nextPageToken through a listing and returns every item.
pub fn list_all(emulator: &Emulator, token: &str, path: &str, key: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut page_token: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = match &page_token {
            Some(t) => format!("{path}{separator}pageToken={t}"),
            None => path.to_string(),
        };
        let (status, body) = get(emulator, Some(token), &url);
        assert_eq!(status, 200, "{url}: {body}");
        pages += 1;
        if let Some(page) = body[key].as_array() {
            items.extend(page.iter().cloned());
        }
        match body["nextPageToken"].as_str() {
            Some(t) => page_token = Some(t.to_string()),
            None => return (items, pages),
        }
        assert!(pages < 10_000, "paging does not end");
    }
}
