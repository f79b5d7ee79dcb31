//! Each fault Google is known for, injected by the emulator: a passing fault is retried and the
//! sync ends exactly right; a lasting one ends the sync with an error and no deletion.

mod common;

use common::*;
use google_emulator::{Endpoint, FaultConfig, FaultKind, FaultRule};
use host_example::store::UserStore;
use serde_json::json;

fn fault(endpoint: Endpoint, kind: FaultKind, skip: u32, count: Option<u32>) -> FaultConfig {
    FaultConfig {
        seed: 5,
        rules: vec![FaultRule {
            endpoint,
            kind,
            probability: 1.0,
            skip,
            count,
        }],
    }
}

/// A synced host, then one user removed in Google, so that a correct sync has a deletion to
/// make and a wrong one could delete more.
fn setup(seed: u64) -> (Env, UserStore, String) {
    let env = Env::new(seed, 1300, 6);
    let mut host = Recorder::default();
    assert_eq!(sync(&env.config.to_string(), &mut host).status, 0);
    let gone = host.ordinary(&env)[0].login.clone();
    env.emulator.with_tenant(|t| t.remove_user(&gone).unwrap());
    (env, host.store, gone)
}

fn config(env: &Env, group: Option<&str>) -> String {
    env.config_with(json!({
        "scope": {"groups": group.into_iter().collect::<Vec<_>>()},
        "http": {"read_timeout_secs": 1.0, "max_retries": 3, "initial_backoff_ms": 1},
        "safeguards": {"max_pages_per_listing": 40},
    }))
}

#[test]
fn a_passing_fault_is_survived_exactly() {
    for (n, kind) in LISTING_FAULTS.iter().enumerate() {
        let (env, store, gone) = setup(100 + n as u64);
        let expected = expected_logins(&env.tenant(), &[]);
        // RepeatPageToken repeats for ever once it fires; it cannot pass.
        if *kind == FaultKind::RepeatPageToken {
            continue;
        }
        // The second page fails once: in the middle of the listing.
        env.emulator
            .set_faults(fault(Endpoint::UsersList, *kind, 1, Some(1)));
        let mut host = Recorder::with_store(store);
        let outcome = sync(&config(&env, None), &mut host);
        assert_eq!(outcome.status, 0, "{kind:?}: {:?}", outcome.error);
        assert_eq!(host.logins(), expected, "{kind:?}");
        assert_eq!(
            planned(report(&outcome)),
            vec![("delete".to_string(), gone)],
            "{kind:?}"
        );
        let injected: u64 = env.emulator.stats().faults.values().sum();
        assert!(injected > 0, "{kind:?} was not injected");
    }
}

#[test]
fn a_lasting_fault_deletes_nothing() {
    for (n, kind) in LISTING_FAULTS.iter().enumerate() {
        for endpoint in [Endpoint::UsersList, Endpoint::MembersList] {
            let (env, store, gone) = setup(200 + n as u64);
            let before = store.users.len();
            // The largest group: its member listing has several pages for the faults to spoil.
            let tenant = env.tenant();
            let group = tenant
                .groups
                .iter()
                .max_by_key(|g| g.members.len())
                .unwrap()
                .email
                .clone();
            let group = (endpoint == Endpoint::MembersList).then_some(group);
            env.emulator.set_faults(fault(endpoint, *kind, 0, None));
            let mut host = Recorder::with_store(store);
            let outcome = sync(&config(&env, group.as_deref()), &mut host);
            assert_ne!(
                outcome.status,
                0,
                "{kind:?} on {endpoint:?} went unnoticed: {}",
                report(&outcome)
            );
            let report = report(&outcome);
            assert_eq!(report["complete"], false, "{kind:?} on {endpoint:?}");
            assert_eq!(count(report, "delete"), 0, "{kind:?} on {endpoint:?}");
            assert!(host.applied.iter().all(|c| c.kind != 3));
            assert!(host.store.users.contains_key(&gone));
            assert_eq!(host.store.users.len(), before);
        }
    }
}
