//! The load model: latency by body size, the sliding per-minute quota, and the concurrency
//! quota, each with Google's refusal.

mod common;

use std::time::{Duration, Instant};

use common::*;
use google_emulator::LoadModel;

const USERS: &str = "users?customer=my_customer&maxResults=500";

#[test]
fn fixed_latency_delays_every_response() {
    let emulator = start(2, 30, 2);
    let token = admin_token(&emulator);
    emulator.set_load(LoadModel {
        fixed_latency_ms: 150.0,
        ..LoadModel::default()
    });
    let started = Instant::now();
    assert_eq!(get(&emulator, Some(&token), USERS).0, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[test]
fn partial_responses_pay_less_latency() {
    let emulator = start(2, 400, 2);
    let token = admin_token(&emulator);
    emulator.set_load(LoadModel {
        per_kib_latency_us: 2000.0,
        ..LoadModel::default()
    });
    let timed = |path: &str| {
        let started = Instant::now();
        assert_eq!(get(&emulator, Some(&token), path).0, 200);
        started.elapsed()
    };
    let full = timed(USERS);
    let partial = timed(&format!("{USERS}&fields=users(id),nextPageToken"));
    assert!(full > partial * 3, "full {full:?}, partial {partial:?}");
}

#[test]
fn the_per_minute_quota_refuses_past_the_limit() {
    let emulator = start(2, 30, 2);
    let token = admin_token(&emulator);
    emulator.set_load(LoadModel {
        quota_per_minute: Some(3),
        ..LoadModel::default()
    });
    for _ in 0..3 {
        assert_eq!(get(&emulator, Some(&token), USERS).0, 200);
    }
    let (status, body) = get(&emulator, Some(&token), USERS);
    assert_eq!(status, 403);
    assert_eq!(error_reason(status, &body), "userRateLimitExceeded");
    assert_eq!(body["error"]["errors"][0]["domain"], "usageLimits");
    assert_eq!(emulator.stats().quota_errors, 1);

    // The quota is per admin subject.
    emulator.with_tenant(|t| {
        let other = t.users[1].primary_email.clone();
        t.admins.push(other);
    });
    let other = emulator.tenant().users[1].primary_email.clone();
    let other_token = token_for(&emulator, &other, SYNC_SCOPES);
    assert_eq!(get(&emulator, Some(&other_token), USERS).0, 200);
}

#[test]
fn concurrent_requests_past_the_limit_are_quota_exceeded() {
    let emulator = start(2, 30, 2);
    let token = admin_token(&emulator);
    emulator.set_load(LoadModel {
        fixed_latency_ms: 800.0,
        max_concurrent_per_user: Some(1),
        ..LoadModel::default()
    });
    let statuses: Vec<(u16, serde_json::Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| get(&emulator, Some(&token), USERS)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = statuses.iter().filter(|(s, _)| *s == 200).count();
    let refused: Vec<_> = statuses.iter().filter(|(s, _)| *s == 403).collect();
    assert_eq!(ok, 1, "{statuses:?}");
    assert_eq!(refused.len(), 2);
    assert_eq!(error_reason(403, &refused[0].1), "quotaExceeded");
    assert!(emulator.stats().max_concurrent >= 2);
}
