//! Sign-ins on one handle from several threads while a sync runs on another: none waits for
//! the sync, and every one gets the right answer.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::signin::*;
use common::*;
use google_emulator::{Emulator, LoadModel};
use serde_json::json;

#[test]
fn sign_ins_run_on_several_threads_during_a_sync() {
    let env = Env::new(71, 120, 4);
    let tenant = env.tenant();
    let users: Vec<String> = active_users(&tenant, None)
        .iter()
        .take(8)
        .map(|u| u.primary_email.to_lowercase())
        .collect();
    let connector = lib().configure(&env.config.to_string()).unwrap();

    // A dry run to learn the users, and one sign-in to warm the key cache.
    assert_eq!(connector.test(&[], &mut Recorder::default()).status, 0);
    let tokens: Vec<String> = users
        .iter()
        .map(|u| mint(&env.emulator, u, json!({})))
        .collect();
    assert!(sign_in_with_token(&connector, &tokens[0], NONCE).signed_in());

    // Every Directory request now takes a while: the sync lasts well over a second.
    env.emulator.set_load(LoadModel {
        fixed_latency_ms: 1000.0,
        ..LoadModel::default()
    });
    let syncing = AtomicBool::new(true);
    let slowest = std::thread::scope(|scope| {
        let sync = scope.spawn(|| {
            let mut host = Recorder::default();
            let outcome = connector.sync(&[], &mut host);
            syncing.store(false, Ordering::SeqCst);
            (outcome.status, host.applied.len())
        });
        // Let the sync start and take its run flag.
        std::thread::sleep(Duration::from_millis(200));
        let busy = connector.test(&[], &mut Recorder::default());
        assert_eq!(busy.status_name, "DS_STATUS_BUSY", "the sync is running");

        let workers: Vec<_> = (0..4)
            .map(|t| {
                let (connector, tokens, users, syncing) = (&connector, &tokens, &users, &syncing);
                scope.spawn(move || {
                    let mut slowest = Duration::ZERO;
                    for i in 0..50 {
                        let n = (t * 50 + i) % tokens.len();
                        let started = Instant::now();
                        let answer = sign_in_with_token(connector, &tokens[n], NONCE);
                        slowest = slowest.max(started.elapsed());
                        assert!(answer.signed_in(), "{answer:?}");
                        assert_eq!(answer.field("login"), users[n]);
                    }
                    // An app password too: a network round trip, still beside the sync.
                    let user = &users[t];
                    let answer = connector.authenticate(
                        &json!({"login": user, "password": Emulator::demo_app_password(user)}),
                        None,
                    );
                    assert!(answer.signed_in(), "{answer:?}");
                    assert!(
                        syncing.load(Ordering::SeqCst),
                        "the sync should still be running"
                    );
                    slowest
                })
            })
            .collect();
        let slowest = workers
            .into_iter()
            .map(|w| w.join().unwrap())
            .max()
            .unwrap();
        let (status, created) = sync.join().unwrap();
        assert_eq!(status, 0);
        assert!(created > 0);
        slowest
    });
    // An ID-token sign-in with warm caches needs no request at all: it never waits for the
    // emulator.s 1000 ms, let alone the sync.
    assert!(
        slowest < Duration::from_millis(500),
        "slowest sign-in took {slowest:?}"
    );
}
