//! The soak test: hundreds of seeded syncs through the C ABI against a tenant of a few thousand
//! users that changes between runs, with random faults injected. Every run must end either
//! with exactly the right plan, or with an error and no deletion at all.
//!
//! Not part of the default test run (it takes minutes). Run it in release mode:
//!
//!     cargo test --release --test soak -- --ignored --nocapture
//!
//! `SOAK_RUNS` (default 200) and `SOAK_SEED` (default 1) change the number of runs and the seed.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use google_emulator::{Endpoint, FaultConfig, FaultRule, Tenant};
use host_example::store::UserStore;
use serde_json::json;

/// What the host should hold after a correct sync: login → (Google id, full name, addresses,
/// suspended).
type Expected = BTreeMap<String, (String, String, Vec<String>, bool)>;

fn expected_state(tenant: &Tenant, groups: &[&str]) -> Expected {
    let in_scope = expected_logins(tenant, groups);
    tenant
        .users
        .iter()
        .filter(|u| in_scope.contains(&u.primary_email.to_lowercase()))
        .map(|u| {
            let mut emails = vec![u.primary_email.to_lowercase()];
            for a in u.aliases.iter().chain(&u.non_editable_aliases) {
                let a = a.to_lowercase();
                if !emails.contains(&a) {
                    emails.push(a);
                }
            }
            (
                u.primary_email.to_lowercase(),
                (u.id.clone(), u.name.full_name.clone(), emails, u.suspended),
            )
        })
        .collect()
}

/// The plan a correct connector makes, as (kind, login) pairs, computed from the host store
/// and the tenant without the library.
fn expected_plan(store: &UserStore, expected: &Expected) -> BTreeSet<(String, String)> {
    let by_id: BTreeMap<&str, (&String, _)> = store
        .users
        .iter()
        .filter(|(_, u)| u.managed)
        .filter_map(|(login, u)| u.google_id.as_deref().map(|id| (id, (login, u))))
        .collect();
    let mut plan = BTreeSet::new();
    let expected_ids: BTreeSet<&str> = expected.values().map(|v| v.0.as_str()).collect();
    for (login, (id, name, emails, suspended)) in expected {
        match by_id.get(id.as_str()) {
            None => {
                plan.insert(("create".to_string(), login.clone()));
            }
            Some((host_login, u)) => {
                if *host_login != login
                    || &u.full_name != name
                    || &u.emails != emails
                    || u.suspended != *suspended
                {
                    plan.insert(("update".to_string(), login.clone()));
                }
            }
        }
    }
    for (login, u) in &store.users {
        if u.managed
            && !u
                .google_id
                .as_deref()
                .is_some_and(|id| expected_ids.contains(id))
        {
            plan.insert(("delete".to_string(), login.clone()));
        }
    }
    plan
}

/// Changes an administrator might make between two syncs.
fn mutate(env: &Env, rng: &mut fastrand::Rng, round: usize) -> String {
    env.emulator.with_tenant(|t| {
        let mut done = Vec::new();
        let pick = |t: &Tenant, rng: &mut fastrand::Rng| {
            let candidates: Vec<String> = t
                .users
                .iter()
                .filter(|u| !u.is_admin)
                .map(|u| u.primary_email.clone())
                .collect();
            candidates[rng.usize(..candidates.len())].clone()
        };
        for _ in 0..rng.usize(0..4) {
            let old = pick(t, rng);
            let new = format!("r{round}.{old}");
            if t.rename_user(&old, &new).is_ok() {
                done.push("rename");
            }
        }
        for _ in 0..rng.usize(0..3) {
            let gone = pick(t, rng);
            if t.remove_user(&gone).is_ok() {
                done.push("remove");
            }
        }
        for n in 0..rng.usize(0..4) {
            let domain = t.primary_domain().to_string();
            if t.add_user(
                &format!("new{round}.{n}@{domain}"),
                "New",
                &format!("Hire{n}"),
            )
            .is_ok()
            {
                done.push("add");
            }
        }
        if rng.bool() {
            let who = pick(t, rng);
            let suspended = t.find_user(&who).map(|u| u.suspended).unwrap_or(false);
            if t.set_suspended(&who, !suspended).is_ok() {
                done.push("suspend");
            }
        }
        done.join(",")
    })
}

fn random_faults(rng: &mut fastrand::Rng, seed: u64) -> FaultConfig {
    let kinds = LISTING_FAULTS;
    let endpoints = [
        Endpoint::UsersList,
        Endpoint::MembersList,
        Endpoint::Token,
        Endpoint::Any,
    ];
    let rules = (0..rng.usize(1..=3))
        .map(|_| FaultRule {
            endpoint: endpoints[rng.usize(..endpoints.len())],
            kind: kinds[rng.usize(..kinds.len())],
            probability: [0.02, 0.05, 0.1, 0.3][rng.usize(..4)],
            skip: rng.u32(0..4),
            count: if rng.bool() {
                Some(rng.u32(1..6))
            } else {
                None
            },
        })
        .collect();
    FaultConfig { seed, rules }
}

#[derive(Default)]
struct Totals {
    runs: u64,
    exact: u64,
    errors: u64,
    faults: u64,
    retries: u64,
    requests: u64,
    deletions: u64,
    wrong_deletions: u64,
    deletions_after_error: u64,
}

#[test]
#[ignore = "minutes long; run with --ignored (see the file's comment)"]
fn soak() {
    let runs: u64 = std::env::var("SOAK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("SOAK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let env = Env::new(seed, 3000, 60);
    let groups: Vec<String> = env
        .tenant()
        .groups
        .iter()
        .take(3)
        .map(|g| g.email.clone())
        .collect();
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut store = UserStore::default();
    let mut totals = Totals::default();
    let started = std::time::Instant::now();

    for round in 0..runs as usize {
        let changes = mutate(&env, &mut rng, round);
        let group_filter: Vec<&str> = if round % 4 == 3 {
            groups.iter().map(String::as_str).collect()
        } else {
            vec![]
        };
        let expected = expected_state(&env.tenant(), &group_filter);
        let plan = expected_plan(&store, &expected);
        let faults = random_faults(&mut rng, seed * 1000 + round as u64);
        env.emulator.reset_stats();
        env.emulator.set_faults(faults.clone());
        let config = env.config_with(json!({
            "scope": {"groups": group_filter},
            "delete_removed_users": true,
            "safeguards": {"max_deletions": null, "max_deletion_percent": null, "max_pages_per_listing": 50},
            "http": {"read_timeout_secs": 1.0, "max_retries": 4, "initial_backoff_ms": 1, "max_backoff_ms": 20},
            "log_level": "warn",
        }));
        let before: BTreeSet<String> = store.users.keys().cloned().collect();
        let mut host = Recorder::with_store(std::mem::take(&mut store));
        let outcome = sync(&config, &mut host);
        store = std::mem::take(&mut host.store);

        let stats = env.emulator.stats();
        totals.runs += 1;
        totals.faults += stats.faults.values().sum::<u64>();
        totals.requests += stats.total_requests();
        let deleted: Vec<&String> = host
            .applied
            .iter()
            .filter(|c| c.kind == 3)
            .map(|c| &c.login)
            .collect();
        totals.deletions += deleted.len() as u64;
        totals.wrong_deletions += deleted
            .iter()
            .filter(|l| expected.contains_key(l.as_str()))
            .count() as u64;
        if let Some(report) = &outcome.report {
            totals.retries += report["requests"]["retries"].as_u64().unwrap_or(0);
        }

        if outcome.status == 0 {
            let got: BTreeSet<(String, String)> = planned(report(&outcome)).into_iter().collect();
            assert_eq!(
                got, plan,
                "run {round} ({changes}; faults {faults:?}) made the wrong plan"
            );
            let now: BTreeSet<String> = store.users.keys().cloned().collect();
            let want: BTreeSet<String> = expected.keys().cloned().collect();
            assert_eq!(now, want, "run {round}: the host does not match Google");
            totals.exact += 1;
        } else {
            totals.errors += 1;
            totals.deletions_after_error += deleted.len() as u64;
            assert!(
                deleted.is_empty(),
                "run {round} failed ({:?}) but deleted {deleted:?}",
                outcome.error
            );
            let now: BTreeSet<String> = store.users.keys().cloned().collect();
            assert!(
                before.is_subset(&now)
                    || before
                        .difference(&now)
                        .all(|l| plan.contains(&("update".into(), l.clone()))
                            || !expected.contains_key(l)),
                "run {round}: a user disappeared without a delete"
            );
        }
    }
    env.emulator.set_faults(FaultConfig::default());
    // One clean run at the end: whatever the failures left undone is done now.
    let expected = expected_state(&env.tenant(), &[]);
    let mut host = Recorder::with_store(store);
    let outcome = sync(
        &env.config_with(
            json!({"safeguards": {"max_deletions": null, "max_deletion_percent": null}}),
        ),
        &mut host,
    );
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    let now: BTreeSet<String> = host.store.users.keys().cloned().collect();
    assert_eq!(now, expected.keys().cloned().collect::<BTreeSet<_>>());

    println!(
        "soak: {} runs in {:.0} s (seed {seed}, tenant of 3000 users, 60 groups)",
        totals.runs,
        started.elapsed().as_secs_f64()
    );
    println!(
        "  runs ending with exactly the right plan: {}",
        totals.exact
    );
    println!(
        "  runs ending with an error:               {}",
        totals.errors
    );
    println!(
        "  faults injected:                         {}",
        totals.faults
    );
    println!(
        "  requests to the emulator:                {}",
        totals.requests
    );
    println!(
        "  retries by the connector:                {}",
        totals.retries
    );
    println!(
        "  deletions made:                          {}",
        totals.deletions
    );
    println!(
        "  deletions after a failed listing:        {}",
        totals.deletions_after_error
    );
    println!(
        "  wrong deletions:                         {}",
        totals.wrong_deletions
    );
    assert_eq!(totals.wrong_deletions, 0);
    assert_eq!(totals.deletions_after_error, 0);
}
