//! Secrets never appear in anything the library logs, returns or reports: a full dry run and
//! sync at the most verbose log level, plus failures, are searched for the private key, the
//! assertion, access tokens and the OAuth client secret.

mod common;

use common::*;
use google_emulator::{Endpoint, FaultConfig, FaultKind, FaultRule};
use serde_json::json;

/// Everything the host could see: log lines, reports, errors and change JSON.
fn transcript(host: &Recorder, outcome: &host_example::library::RunOutcome) -> String {
    let mut text = String::new();
    for (level, target, message) in &host.logs {
        text.push_str(&format!("{level} {target} {message}\n"));
    }
    if let Some(report) = &outcome.report {
        text.push_str(&report.to_string());
    }
    text.push_str(outcome.error.as_deref().unwrap_or(""));
    for change in &host.applied {
        text.push_str(&format!("{change:?}"));
    }
    text
}

fn assert_no_secret(text: &str, key_pem: &str, client_secret: &str) {
    // The private key, in any 24-character piece of its base64 body.
    let body: String = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    for start in (0..body.len().saturating_sub(24)).step_by(12) {
        let piece = &body[start..start + 24];
        assert!(
            !text.contains(piece),
            "a piece of the private key leaked: {piece}"
        );
    }
    assert!(!text.contains("-----BEGIN"), "a PEM block leaked");
    // Access tokens (the emulator's, like Google's, start with ya29.) and JWTs (assertion,
    // ID tokens) start with a base64url JSON header.
    assert!(!text.contains("ya29."), "an access token leaked");
    assert!(!text.contains("eyJ"), "a JWT leaked");
    if !client_secret.is_empty() {
        assert!(!text.contains(client_secret), "the client secret leaked");
    }
}

#[test]
fn full_dry_run_and_sync_at_trace_level_leak_nothing() {
    let env = Env::new(91, 300, 10);
    let key: serde_json::Value =
        serde_json::from_str(&env.emulator.service_account_key_json()).unwrap();
    let key_pem = key["private_key"].as_str().unwrap().to_string();
    let client_secret = env.config["oidc"]["client_secret"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let group = env.tenant().groups[0].email.clone();
    let config = env.config_with(json!({"log_level": "trace", "scope": {"groups": [group]}}));

    let mut host = Recorder::default();
    let outcome = dry_run(&config, &mut host);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    assert!(
        host.logs.iter().any(|(level, _, _)| *level >= 4),
        "debug records were forwarded"
    );
    assert_no_secret(&transcript(&host, &outcome), &key_pem, &client_secret);

    // A sync where the token expires in the middle (a refresh) and pages fail (retries).
    env.emulator.set_faults(FaultConfig {
        seed: 9,
        rules: vec![
            FaultRule {
                endpoint: Endpoint::UsersList,
                kind: FaultKind::ExpireToken,
                probability: 1.0,
                skip: 0,
                count: Some(1),
            },
            FaultRule {
                endpoint: Endpoint::MembersList,
                kind: FaultKind::BackendError503,
                probability: 0.3,
                skip: 0,
                count: Some(3),
            },
        ],
    });
    let mut host = Recorder::default();
    let outcome = sync(&config, &mut host);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    assert!(
        report(&outcome)["requests"]["token_requests"]
            .as_u64()
            .unwrap()
            >= 2
    );
    assert_no_secret(&transcript(&host, &outcome), &key_pem, &client_secret);
}

#[test]
fn refused_credentials_leak_nothing() {
    let env = Env::new(92, 20, 2);
    let key: serde_json::Value =
        serde_json::from_str(&env.emulator.service_account_key_json()).unwrap();
    let key_pem = key["private_key"].as_str().unwrap().to_string();
    env.emulator.set_delegation(&env.emulator.client_id(), &[]);
    let config = env.config_with(json!({"log_level": "trace"}));
    let mut host = Recorder::default();
    let outcome = dry_run(&config, &mut host);
    assert_eq!(outcome.status_name, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_no_secret(&transcript(&host, &outcome), &key_pem, "");

    // A key given inline that is broken: the error must not quote it.
    let mut broken = key.clone();
    broken["private_key"] = json!(key_pem.replace("MII", "XXX"));
    let config = env.config_with(json!({"key_file": null, "key": broken}));
    let error = match lib().configure(&config) {
        Ok(_) => panic!("a broken key was accepted"),
        Err(e) => e.message,
    };
    assert!(error.contains("private_key"), "{error}");
    assert_no_secret(&error, &key_pem, "");
}

#[test]
fn a_key_pasted_into_the_wrong_field_is_not_quoted_back() {
    let env = Env::new(93, 10, 2);
    let key_json = env.emulator.service_account_key_json();
    let key: serde_json::Value = serde_json::from_str(&key_json).unwrap();
    let pem = key["private_key"].as_str().unwrap().to_string();
    for patch in [
        json!({"key_file": key_json}),
        json!({"admin_user": pem}),
        json!({"delete_removed_users": pem}),
        json!({"login_name": pem}),
        json!({"log_level": pem}),
        json!({"scope": {"domains": [pem]}}),
        json!({"scope": {"org_units": [pem]}}),
        json!({"google": {"directory_url": pem}}),
    ] {
        let config = env.config_with(patch.clone());
        let error = match lib().configure(&config) {
            Ok(_) => panic!("accepted {patch}"),
            Err(e) => e.message,
        };
        assert_no_secret(&error, &pem, "");
    }
}
