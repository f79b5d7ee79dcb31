//! How many ID-token sign-ins one thread checks per second with warm caches, through the C
//! ABI. Release builds only (debug builds are many times slower):
//! `cargo test --release -p google-ds --test signin_speed -- --ignored --nocapture`

mod common;

use std::time::{Duration, Instant};

use common::signin::*;
use common::*;
use serde_json::json;

#[test]
#[ignore = "a timing check for release builds"]
fn ten_thousand_id_token_sign_ins_a_second_on_one_thread() {
    let env = Env::new(91, 1000, 10);
    let mut config = env.config.clone();
    config["log_level"] = json!("info");
    let connector = lib().configure(&config.to_string()).unwrap();
    assert_eq!(connector.test(&[], &mut Recorder::default()).status, 0);
    let tenant = env.tenant();
    let requests: Vec<serde_json::Value> = active_users(&tenant, None)
        .iter()
        .take(100)
        .map(|u| json!({"id_token": mint(&env.emulator, &u.primary_email, json!({})), "nonce": NONCE}))
        .collect();
    assert!(connector.authenticate(&requests[0], None).signed_in());

    let rounds = 20_000;
    let started = Instant::now();
    for i in 0..rounds {
        let answer = connector.authenticate(&requests[i % requests.len()], None);
        assert!(answer.signed_in());
    }
    let elapsed = started.elapsed();
    let per_second = rounds as f64 / elapsed.as_secs_f64();
    println!(
        "{rounds} sign-ins in {elapsed:?}: {per_second:.0} a second, {:?} each",
        elapsed / rounds as u32
    );
    assert!(
        elapsed < Duration::from_secs_f64(rounds as f64 / 10_000.0),
        "{per_second:.0} sign-ins a second, fewer than 10,000"
    );
}
