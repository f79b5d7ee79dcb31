//! Helpers of the sign-in tests: ID tokens minted by the emulator or forged by hand, picking
//! users of the tenant, and the browser's part of the code flow.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use google_emulator::{Emulator, IdTokenRequest, Tenant, User};
use host_example::library::{Connector, SignInAnswer};
use serde_json::{json, Map, Value};

pub const NONCE: &str = "nonce-of-this-sign-in";

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// An ID token for `email` with `NONCE`, claims overridden by `overrides` (`null` removes).
pub fn mint(emulator: &Emulator, email: &str, overrides: Value) -> String {
    let overrides: Map<String, Value> = overrides.as_object().cloned().unwrap_or_default();
    emulator.mint_id_token(IdTokenRequest {
        nonce: Some(NONCE.to_string()),
        overrides,
        ..IdTokenRequest::new(email)
    })
}

pub fn sign_in_with_token(connector: &Connector<'_>, token: &str, nonce: &str) -> SignInAnswer {
    connector.authenticate(&json!({"id_token": token, "nonce": nonce}), None)
}

/// The parts of a JWT, decoded: header, claims, and the signature as text.
pub fn split(token: &str) -> (Value, Value, String) {
    let parts: Vec<&str> = token.split('.').collect();
    let decode =
        |part: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap();
    (decode(parts[0]), decode(parts[1]), parts[2].to_string())
}

pub fn encode_part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Active users of the tenant, optionally only those in an org unit at or below `under`.
pub fn active_users<'t>(tenant: &'t Tenant, under: Option<&str>) -> Vec<&'t User> {
    tenant
        .users
        .iter()
        .filter(|u| !u.suspended && !u.archived && !u.is_admin)
        .filter(|u| {
            under.is_none_or(|p| {
                u.org_unit_path == p || u.org_unit_path.starts_with(&format!("{p}/"))
            })
        })
        .collect()
}

/// What Google's redirect to the callback carried.
pub struct Callback {
    pub code: String,
    pub state: String,
}

/// Plays the browser: opens the authorization URL (the emulator signs `login_hint` in at once)
/// and reads the code from the redirect, without following it.
pub fn browser(url: &str) -> Result<Callback, String> {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(url).send().map_err(|e| e.to_string())?;
    let location = response
        .headers()
        .get("location")
        .ok_or_else(|| format!("no redirect (HTTP {})", response.status()))?
        .to_str()
        .unwrap()
        .to_string();
    let query: HashMap<String, String> = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    if let Some(error) = query.get("error") {
        return Err(error.clone());
    }
    Ok(Callback {
        code: query["code"].clone(),
        state: query.get("state").cloned().unwrap_or_default(),
    })
}
