//! The authorization-code flow through the C ABI: `ds_authorization_url`, the browser's trip
//! to the emulator's authorize endpoint, and `ds_authenticate` with the code.

mod common;

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::signin::*;
use common::*;
use host_example::abi::{DS_STATUS_AUTHORIZATION_ERROR, DS_STATUS_CONFIG_ERROR, DS_STATUS_REFUSED};
use host_example::library::Connector;
use serde_json::{json, Value};

const REDIRECT: &str = "http://127.0.0.1:8123/callback";

fn start(connector: &Connector<'_>, login: &str) -> Value {
    connector
        .authorization_url(&json!({"redirect_uri": REDIRECT, "login_hint": login}))
        .expect("authorization URL")
}

fn code_request(start: &Value, code: &str) -> Value {
    json!({
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": start["code_verifier"],
        "nonce": start["nonce"],
    })
}

#[test]
fn the_code_flow_signs_a_user_in() {
    let env = Env::new(51, 40, 3);
    let tenant = env.tenant();
    let user = active_users(&tenant, None)[0].clone();
    let connector = lib().configure(&env.config.to_string()).unwrap();

    let start = start(&connector, &user.primary_email);
    let url = url::Url::parse(start["url"].as_str().unwrap()).unwrap();
    let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
    let client = env.emulator.oauth_client().unwrap();
    assert_eq!(params["client_id"], client.client_id);
    assert_eq!(params["redirect_uri"], REDIRECT);
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["scope"], "openid email profile");
    assert_eq!(params["state"], start["state"].as_str().unwrap());
    assert_eq!(params["nonce"], start["nonce"].as_str().unwrap());
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["hd"], env.emulator.domains()[0]);
    assert_eq!(params["login_hint"], user.primary_email);
    let verifier = start["code_verifier"].as_str().unwrap();
    assert!(verifier.len() >= 43);
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    assert_eq!(
        params["code_challenge"],
        URL_SAFE_NO_PAD.encode(digest.as_ref())
    );
    assert!(
        !url.as_str().contains(verifier),
        "the verifier stays with the host"
    );

    let callback = browser(url.as_str()).unwrap();
    assert_eq!(callback.state, start["state"].as_str().unwrap());
    let mut logs = Recorder::default();
    let answer = connector.authenticate(&code_request(&start, &callback.code), Some(&mut logs));
    assert!(answer.signed_in(), "{answer:?}");
    assert_eq!(answer.field("login"), user.primary_email.to_lowercase());
    assert_eq!(answer.field("google_id"), user.id);
    assert_eq!(answer.field("method"), "oidc");
    assert_eq!(answer.field("email"), user.primary_email.to_lowercase());

    // Nothing secret reached the host's log.
    let all_logs: String = logs.logs.iter().map(|(_, _, m)| format!("{m}\n")).collect();
    assert!(all_logs.contains("accepted"), "{all_logs}");
    for secret in [
        callback.code.as_str(),
        verifier,
        client.client_secret.as_str(),
    ] {
        assert!(
            !all_logs.contains(secret),
            "a secret reached the log: {all_logs}"
        );
    }

    // A code works once.
    let again = connector.authenticate(&code_request(&start, &callback.code), None);
    assert_eq!(again.status, DS_STATUS_REFUSED);
    assert_eq!(again.reason(), Some("code_exchange_failed"), "{again:?}");
    assert!(!again.field("message").contains(&callback.code));
}

#[test]
fn wrong_verifier_nonce_and_redirect_are_refused() {
    let env = Env::new(52, 40, 3);
    let tenant = env.tenant();
    let user = active_users(&tenant, None)[0].primary_email.clone();
    let connector = lib().configure(&env.config.to_string()).unwrap();

    let first = start(&connector, &user);
    let code = browser(first["url"].as_str().unwrap()).unwrap().code;
    let mut request = code_request(&first, &code);
    request["code_verifier"] = json!("a-verifier-of-another-sign-in-0123456789abcdefgh");
    let answer = connector.authenticate(&request, None);
    assert_eq!(answer.reason(), Some("code_exchange_failed"), "{answer:?}");

    let second = start(&connector, &user);
    let code = browser(second["url"].as_str().unwrap()).unwrap().code;
    let mut request = code_request(&second, &code);
    request["nonce"] = first["nonce"].clone();
    let answer = connector.authenticate(&request, None);
    assert_eq!(answer.reason(), Some("wrong_nonce"), "{answer:?}");

    let third = start(&connector, &user);
    let code = browser(third["url"].as_str().unwrap()).unwrap().code;
    let mut request = code_request(&third, &code);
    request["redirect_uri"] = json!("https://attacker.example/callback");
    let answer = connector.authenticate(&request, None);
    assert_eq!(
        answer.reason(),
        Some("redirect_uri_not_allowed"),
        "{answer:?}"
    );

    let refused = connector
        .authorization_url(&json!({"redirect_uri": "https://attacker.example/callback"}))
        .unwrap_err();
    assert_eq!(refused.status, DS_STATUS_CONFIG_ERROR);
    assert!(
        refused.message.contains("oidc.redirect_uris"),
        "{}",
        refused.message
    );
}

#[test]
fn a_user_outside_the_scope_is_refused_after_the_code_flow() {
    let env = Env::new(53, 60, 3);
    let tenant = env.tenant();
    let outside = active_users(&tenant, Some("/Engineering"))[0]
        .primary_email
        .clone();
    let config = env.config_with(json!({"scope": {"org_units": ["/Sales"]}}));
    let connector = lib().configure(&config).unwrap();
    let start = start(&connector, &outside);
    let code = browser(start["url"].as_str().unwrap()).unwrap().code;
    let answer = connector.authenticate(&code_request(&start, &code), None);
    assert_eq!(answer.reason(), Some("not_in_scope"), "{answer:?}");
    assert!(answer.field("message").contains("/Engineering"));
}

#[test]
fn a_wrong_client_secret_is_a_setup_error_not_a_refusal() {
    let env = Env::new(54, 20, 2);
    let user = active_users(&env.tenant(), None)[0].primary_email.clone();
    let config = env.config_with(json!({"oidc": {"client_secret": "not-the-secret"}}));
    let connector = lib().configure(&config).unwrap();
    let start = start(&connector, &user);
    let code = browser(start["url"].as_str().unwrap()).unwrap().code;
    let answer = connector.authenticate(&code_request(&start, &code), None);
    assert_eq!(answer.status, DS_STATUS_AUTHORIZATION_ERROR, "{answer:?}");
    let message = answer.error.unwrap();
    assert!(message.contains("oidc.client_secret"), "{message}");
    assert!(!message.contains("not-the-secret"), "{message}");
    assert!(answer.result.is_none());
}
