//! Each injected fault, as a client sees it over HTTP, and the rule counters.

mod common;

use std::time::Duration;

use common::*;
use google_emulator::{Emulator, Endpoint, FaultConfig, FaultKind, FaultRule};
use serde_json::Value;

const USERS: &str = "users?customer=my_customer&maxResults=5";

/// An emulator, an admin token, and one rule on users.list.
fn with_fault(kind: FaultKind) -> (Emulator, String) {
    let emulator = start(8, 40, 3);
    let token = admin_token(&emulator);
    emulator.set_faults(FaultConfig::rules(vec![FaultRule::new(
        Endpoint::UsersList,
        kind,
    )]));
    (emulator, token)
}

#[test]
fn error_faults_answer_with_googles_bodies() {
    let cases = [
        (FaultKind::Status429, 429, "rateLimitExceeded"),
        (FaultKind::UserRateLimit403, 403, "userRateLimitExceeded"),
        (FaultKind::QuotaExceeded403, 403, "quotaExceeded"),
        (FaultKind::Status500, 500, "backendError"),
        (FaultKind::BackendError503, 503, "backendError"),
        (FaultKind::Forbidden403, 403, "forbidden"),
        (FaultKind::NotFound404, 404, "notFound"),
    ];
    let emulator = start(8, 40, 3);
    let token = admin_token(&emulator);
    for (kind, code, reason) in cases {
        emulator.set_faults(FaultConfig::rules(vec![FaultRule::new(
            Endpoint::UsersList,
            kind,
        )]));
        emulator.reset_stats();
        let (status, body) = get(&emulator, Some(&token), USERS);
        assert_eq!(status, code, "{kind:?}: {body}");
        assert_eq!(error_reason(status, &body), reason, "{kind:?}");
        assert_eq!(emulator.stats().fault_count(kind.name()), 1);
        // Other endpoints are untouched.
        assert_eq!(
            get(&emulator, Some(&token), "users/admin@example.com").0,
            200
        );
    }
}

#[test]
fn status_429_says_when_to_retry() {
    let (emulator, token) = with_fault(FaultKind::Status429);
    let response = client()
        .get(format!("{}{USERS}", emulator.directory_url()))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
}

#[test]
fn reset_connection_breaks_the_response() {
    let (emulator, token) = with_fault(FaultKind::ResetConnection);
    let outcome = client()
        .get(format!("{}{USERS}", emulator.directory_url()))
        .bearer_auth(&token)
        .send()
        .and_then(|response| response.text());
    assert!(
        outcome.is_err(),
        "the client must see a broken connection: {outcome:?}"
    );
    assert_eq!(emulator.stats().fault_count("reset_connection"), 1);
}

#[test]
fn stall_outlasts_a_read_timeout() {
    let (emulator, token) = with_fault(FaultKind::Stall { ms: 1500 });
    let impatient = reqwest::blocking::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = impatient
        .get(format!("{}{USERS}", emulator.directory_url()))
        .bearer_auth(&token)
        .send()
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");

    // A patient client gets the normal answer after the stall.
    emulator.set_faults(FaultConfig::rules(vec![FaultRule::new(
        Endpoint::UsersList,
        FaultKind::Stall { ms: 200 },
    )]));
    let started = std::time::Instant::now();
    assert_eq!(get(&emulator, Some(&token), USERS).0, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn truncated_json_is_a_200_that_does_not_parse() {
    let (emulator, token) = with_fault(FaultKind::TruncatedJson);
    let response = client()
        .get(format!("{}{USERS}", emulator.directory_url()))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().unwrap();
    assert!(!text.is_empty());
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
}

#[test]
fn expire_token_forgets_the_token() {
    let (emulator, token) = with_fault(FaultKind::ExpireToken);
    let (status, body) = get(&emulator, Some(&token), USERS);
    assert_eq!(status, 401);
    assert_eq!(error_reason(status, &body), "authError");
    emulator.set_faults(FaultConfig::none());
    assert_eq!(
        get(&emulator, Some(&token), USERS).0,
        401,
        "the token stays expired"
    );
    let fresh = admin_token(&emulator);
    assert_eq!(get(&emulator, Some(&fresh), USERS).0, 200);
}

#[test]
fn repeat_page_token_loops_for_ever() {
    let (emulator, token) = with_fault(FaultKind::RepeatPageToken);
    let (_, first) = get(&emulator, Some(&token), USERS);
    let page_token = first["nextPageToken"].as_str().unwrap().to_string();
    for _ in 0..3 {
        let (status, page) = get(
            &emulator,
            Some(&token),
            &format!("{USERS}&pageToken={page_token}"),
        );
        assert_eq!(status, 200);
        assert_eq!(page["nextPageToken"], page_token.as_str());
    }
}

#[test]
fn missing_items_key_keeps_the_page_token() {
    let (emulator, token) = with_fault(FaultKind::MissingItemsKey);
    let (status, page) = get(&emulator, Some(&token), USERS);
    assert_eq!(status, 200);
    assert!(page.get("users").is_none(), "{page}");
    assert!(page["nextPageToken"].is_string(), "{page}");
}

#[test]
fn token_endpoint_faults_use_oauth_errors() {
    let emulator = start(8, 10, 1);
    emulator.set_faults(FaultConfig::rules(vec![FaultRule::new(
        Endpoint::Token,
        FaultKind::BackendError503,
    )
    .count(1)]));
    let assertion = sign(
        &emulator,
        &claims(&emulator, &emulator.admin_email(), SYNC_SCOPES),
    );
    let (status, body) = grant(&emulator, &assertion);
    assert_eq!(status, 503);
    assert_eq!(body["error"], "temporarily_unavailable");
    assert_eq!(
        grant(&emulator, &assertion).0,
        200,
        "count 1: the retry succeeds"
    );
}

#[test]
fn skip_count_and_probability_are_reproducible() {
    let emulator = start(8, 40, 3);
    let token = admin_token(&emulator);
    emulator.set_faults(FaultConfig::rules(vec![FaultRule::new(
        Endpoint::Any,
        FaultKind::Status500,
    )
    .skip(2)
    .count(2)]));
    let statuses: Vec<u16> = (0..6)
        .map(|_| get(&emulator, Some(&token), USERS).0)
        .collect();
    assert_eq!(statuses, [200, 200, 500, 500, 200, 200]);

    let run = |seed| {
        emulator.set_faults(FaultConfig {
            seed,
            rules: vec![FaultRule::new(Endpoint::Any, FaultKind::BackendError503).probability(0.5)],
        });
        (0..20)
            .map(|_| get(&emulator, Some(&token), USERS).0)
            .collect::<Vec<_>>()
    };
    let first = run(99);
    assert_eq!(first, run(99), "the same seed injects the same faults");
    assert!(first.contains(&503) && first.contains(&200), "{first:?}");
    assert_eq!(emulator.stats().fault_count("status_500"), 2);
}

#[test]
fn faults_can_be_set_through_the_control_api() {
    let emulator = start(8, 20, 2);
    let token = admin_token(&emulator);
    let rules = serde_json::json!({
        "seed": 1,
        "rules": [{"endpoint": "users_list", "kind": "status_429", "count": 1}]
    });
    let response = client()
        .put(format!("{}/_emulator/faults", emulator.base_url()))
        .json(&rules)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(get(&emulator, Some(&token), USERS).0, 429);
    assert_eq!(get(&emulator, Some(&token), USERS).0, 200);
}
